import type { Results } from '../results/schema.js';
import { robustSd } from './median.js';
import { toAnalysisScale, type MetricSpec } from './metrics.js';

/** History entries needed before their spread is trusted to widen a threshold. */
export const MIN_HISTORY = 3;

export interface EffectiveThreshold {
  threshold: number;
  /** The configured threshold when the history's noise widened it. */
  widenedFrom?: number;
}

/**
 * Artifact mode compares trials of two different runs, so a shift between runs that has nothing
 * to do with the code (another runner, a busier host) looks like a change. The baseline's history
 * holds the medians of earlier trusted runs of the same code line; their run-to-run spread s
 * (robust: 1.4826 × MAD, of log medians, or of raw rates for the error rate), together with the
 * baseline's own median, sets a floor under the threshold:
 *
 *     effective = max(configured, e^(k·s) − 1)     (absolute metrics: max(configured, k·s))
 *
 * k (noiseK, default 3) makes a shift of three run-to-run spreads the smallest one called a change.
 * Needs MIN_HISTORY entries with the metric; fewer leave the threshold as configured.
 */
/** The medians of a metric in the baseline's history, for one scenario (entries without it skipped). */
export function historyMedians(baseline: Results, scenario: string, spec: Pick<MetricSpec, 'name'>): number[] {
  const medians: number[] = [];
  for (const entry of baseline.history) {
    const value = entry.scenarios[scenario]?.[spec.name];
    if (value !== undefined && Number.isFinite(value)) medians.push(value);
  }
  return medians;
}

export function effectiveThreshold(
  spec: Pick<MetricSpec, 'name' | 'scale'>,
  scenario: string,
  configured: number,
  baseline: Results,
  baselineMedian: number | null,
  noiseK: number,
): EffectiveThreshold {
  const medians = historyMedians(baseline, scenario, spec);
  if (medians.length < MIN_HISTORY) return { threshold: configured };
  if (baselineMedian !== null) medians.push(baselineMedian);
  const spread = robustSd(medians.map((v) => toAnalysisScale(spec, v))) ?? 0;
  const fromNoise = spec.scale === 'log' ? Math.expm1(noiseK * spread) : noiseK * spread;
  return fromNoise > configured ? { threshold: fromNoise, widenedFrom: configured } : { threshold: configured };
}
