import { mean, sampleVariance } from 'simple-statistics';
import type { Results } from '../results/schema.js';
import { studentTSf } from '../stats/index.js';
import { medianOf, robustSd } from './median.js';
import { MIN_HISTORY, historyMedians } from './history.js';
import { toAnalysisScale, type MetricSpec } from './metrics.js';

/**
 * Asymptotic standard error of a sample median is √(π/2) ≈ 1.2533 times that of the mean for
 * normal data (Kendall & Stuart, vol. 1, §10.10): se(median) ≈ 1.2533 · σ / √n.
 */
const MEDIAN_SE_FACTOR = Math.sqrt(Math.PI / 2);

/**
 * The run-level test of artifact mode. Mann–Whitney on trials asks whether this run's trials and
 * the baseline run's trials differ; two runs on shared runners differ by more than their trials
 * say (another host, another neighbour), so on its own it calls that difference significant. The
 * baseline's history holds the medians of earlier trusted runs of the same code line: if this run
 * changed nothing, its median is one more draw from them. That is the prediction-interval test
 * for a new observation from a normal sample of k (Hahn & Meeker, Statistical Intervals, §4.7):
 *
 *     t = (h − m̄) / √(s²·(1 + 1/k) + se_h²),   two-sided p from Student's t with k − 1 df,
 *
 * with m̄ and s the mean and standard deviation of the k run medians (log values, raw rates for
 * the error rate), h this run's median and se_h its standard error from its own trials: a run
 * that stopped early has a noisier median than the full runs of the history, and the term keeps
 * it from being mistaken for a shift. The analysis takes max(p_trials, p_runs): a change must be
 * significant against both the trials and the runs (an intersection–union test, Berger 1982,
 * whose level is at most each one's). null with fewer than MIN_HISTORY earlier runs.
 */
export function runLevelP(
  spec: Pick<MetricSpec, 'name' | 'scale'>,
  scenario: string,
  baseline: Results,
  baselineMedian: number | null,
  head: readonly number[],
): number | null {
  const history = historyMedians(baseline, scenario, spec);
  if (history.length < MIN_HISTORY || head.length === 0) return null;
  if (baselineMedian !== null) history.push(baselineMedian);
  const runs = history.map((v) => toAnalysisScale(spec, v));
  const headValues = head.map((v) => toAnalysisScale(spec, v));
  const k = runs.length;
  const center = mean(runs);
  const variance = sampleVariance(runs);
  const headMedian = medianOf(headValues) as number;
  const headSe = headValues.length > 1 ? (MEDIAN_SE_FACTOR * (robustSd(headValues) as number)) / Math.sqrt(headValues.length) : 0;
  const scale = Math.sqrt(variance * (1 + 1 / k) + headSe ** 2);
  const distance = headMedian - center;
  if (scale === 0) return distance === 0 ? 1 : 0;
  return Math.min(1, 2 * studentTSf(Math.abs(distance) / scale, k - 1));
}
