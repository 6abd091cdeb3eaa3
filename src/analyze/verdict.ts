import { normalQuantile } from '../stats/index.js';
import type { Shift } from './compare.js';
import { toChange, type MetricSpec } from './metrics.js';
import type { Analysis, MetricStatus, ScenarioAnalysis, Verdict } from './types.js';

export interface RelativeShift {
  change: number;
  ciLow: number | null;
  ciHigh: number | null;
}

/** The shift as the report shows it; an unbounded interval end becomes null. */
export function reportedShift(spec: Pick<MetricSpec, 'scale'>, shift: Shift): RelativeShift {
  const end = (v: number) => (Number.isFinite(v) ? toChange(spec, v) : null);
  return { change: toChange(spec, shift.estimate), ciLow: end(shift.low), ciHigh: end(shift.high) };
}

/**
 * The design's four outcomes for a metric with threshold t (a fraction, or a rate difference for
 * the error rate), in this order:
 * - regressed: adjusted p < alpha and the change is worse than t (above +t; throughput below −t);
 * - improved: adjusted p < alpha and the change is better than t;
 * - unchanged: the whole interval lies strictly inside (−t, +t);
 * - inconclusive: none of these.
 * A significant change smaller than t whose interval reaches past t stays inconclusive: it may
 * still be a change worth failing for.
 */
export function metricStatus(
  spec: Pick<MetricSpec, 'better'>,
  shift: RelativeShift,
  pAdjusted: number,
  alpha: number,
  threshold: number,
): MetricStatus {
  const worse = spec.better === 'lower' ? shift.change > threshold : shift.change < -threshold;
  const better = spec.better === 'lower' ? shift.change < -threshold : shift.change > threshold;
  if (pAdjusted < alpha && worse) return 'regressed';
  if (pAdjusted < alpha && better) return 'improved';
  if (shift.ciLow !== null && shift.ciHigh !== null && shift.ciLow > -threshold && shift.ciHigh < threshold) {
    return 'unchanged';
  }
  return 'inconclusive';
}

/** Power the minimum detectable effect is stated at, as in the design's detection goals. */
export const DETECTION_POWER = 0.95;

/**
 * The smallest regression this run would have reported in about 95% of repetitions (an
 * approximation from this run's own spread, on the analysis scale):
 *
 * - significance: the rank test rejects at level α/m (Holm's strictest, m = gated family size)
 *   about when the distribution-free interval at confidence 1 − α/m excludes 0, so the estimate
 *   must lie beyond b, its distance to that interval's end on the side of zero. Taking b from the
 *   order statistics keeps the small-sample discreteness of the test that a normal z·σ would miss.
 * - reporting: the estimate must also lie beyond the threshold t.
 * - power: the estimate scatters with σ ≈ (high − low) / (2·z₍₁₊c₎/₂) from the reported interval;
 *   it lands beyond max(t, b) in 95% of runs once δ ≥ max(t, b) + z₀.₉₅·σ.
 *
 * Checked by simulation (3% noise, t = 5%, α/m = 0.0025): 10 trials a side report a median of
 * 7.8% where 95% of runs catch a shift of about 8.4%; 12 paired rounds report 7.7% against about
 * 8.0%: slightly optimistic for small samples, right in size. null when the strict interval is
 * unbounded: too few trials for any p below α/m, so no change of any size could be reported.
 */
export function minDetectableEffect(
  spec: Pick<MetricSpec, 'scale' | 'better'>,
  shift: Shift,
  threshold: number,
  level: number,
  confidence: number,
): number | null {
  const strict = shift.intervalAt(1 - level);
  if (![shift.low, shift.high, strict.low, strict.high].every(Number.isFinite)) return null;
  const sigma = (shift.high - shift.low) / (2 * normalQuantile((1 + confidence) / 2));
  const bound = spec.better === 'lower' ? shift.estimate - strict.low : strict.high - shift.estimate;
  const zPower = normalQuantile(DETECTION_POWER);
  if (spec.scale === 'absolute') return Math.max(threshold, bound) + zPower * sigma;
  // On the log scale a regression of t is log(1 + t) for lower-is-better, −log(1 − t) for throughput.
  if (spec.better === 'higher' && threshold >= 1) return null;
  const thresholdLog = spec.better === 'lower' ? Math.log1p(threshold) : -Math.log1p(-threshold);
  const effectLog = Math.max(thresholdLog, bound) + zPower * sigma;
  return spec.better === 'lower' ? Math.expm1(effectLog) : -Math.expm1(-effectLog);
}

/**
 * fail: a gated metric regressed or a budget is broken (budgets count without a baseline too);
 * no-baseline: nothing was compared; inconclusive: a gated metric is inconclusive; else pass.
 * A not comparable metric (other load settings) is neither: it cannot fail or hold up a verdict.
 */
export function overallVerdict(scenarios: readonly ScenarioAnalysis[], compared: boolean): Verdict {
  const gated = scenarios.flatMap((s) => s.metrics.filter((m) => m.gated));
  if (scenarios.some((s) => s.budgets.some((b) => !b.ok)) || gated.some((m) => m.status === 'regressed')) return 'fail';
  if (!compared) return 'no-baseline';
  if (gated.some((m) => m.status === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

const SETTLED: ReadonlySet<MetricStatus> = new Set(['regressed', 'improved', 'unchanged', 'unavailable', 'not-comparable']);

/**
 * Whether measuring more rounds can no longer change the verdict's direction, for early stopping:
 * the run already fails (a gated regression or a broken budget), or every gated metric is
 * regressed, improved or unchanged (an unavailable or not comparable metric has nothing to wait for).
 */
export function decided(analysis: Analysis): boolean {
  if (analysis.verdict === 'fail') return true;
  return analysis.scenarios.every((s) => s.metrics.every((m) => !m.gated || SETTLED.has(m.status)));
}
