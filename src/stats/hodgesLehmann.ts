import { medianSorted } from 'simple-statistics';
import { mannWhitneyCounts, signedRankCounts } from './exactDistributions.js';
import { requireSample } from './mannWhitney.js';
import { normalQuantile } from './normal.js';

export interface ShiftEstimate {
  /** Hodges–Lehmann point estimate. */
  estimate: number;
  /**
   * Distribution-free confidence interval. ±Infinity when the samples are too small for any
   * interval from order statistics to reach the requested confidence (e.g. 3 values a side at 95%).
   */
  ciLow: number;
  ciHigh: number;
}

/** Above this size the exact critical values give way to the normal approximation. */
const EXACT_MAX = 50;

/**
 * Shift between two independent samples: the Hodges–Lehmann estimate, the median of all m·n
 * differences yⱼ − xᵢ (positive means y is larger), with Moses' distribution-free interval
 * [D₍ₖ₎, D₍ₘₙ₊₁₋ₖ₎] from the order statistics of those differences (Hodges & Lehmann 1963;
 * Moses 1953; Hollander, Wolfe & Chicken, "Nonparametric Statistical Methods", 3rd ed., 2014, §4.3;
 * R's `wilcox.test(conf.int = TRUE)` uses the same construction).
 *
 * k is the largest integer with P(U ≤ k − 1) ≤ (1 − confidence)/2 under the null distribution of
 * the Mann–Whitney U, so the coverage is at least `confidence` for continuous data. Exact
 * distribution when both samples have at most 50 values; above, the normal approximation with
 * continuity correction: k = ⌊mn/2 + 1/2 − z·√(mn(m+n+1)/12)⌋.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 0.95): ShiftEstimate {
  requireSample('hodgesLehmann', 'x', x);
  requireSample('hodgesLehmann', 'y', y);
  requireConfidence('hodgesLehmann', confidence);
  const m = x.length;
  const n = y.length;
  const diffs: number[] = [];
  for (const xi of x) for (const yj of y) diffs.push(yj - xi);
  diffs.sort(ascending);
  const half = (1 - confidence) / 2;
  let k: number;
  if (m <= EXACT_MAX && n <= EXACT_MAX) {
    k = largestK(mannWhitneyCounts(m, n), half);
  } else {
    const sd = Math.sqrt((m * n * (m + n + 1)) / 12);
    k = Math.floor((m * n) / 2 + 0.5 + normalQuantile(half) * sd);
  }
  return fromOrderStatistics(diffs, k);
}

/**
 * Shift in one sample of paired differences: the Hodges–Lehmann estimate, the median of the
 * n(n+1)/2 Walsh averages (dᵢ + dⱼ)/2, i ≤ j, with Tukey's distribution-free interval
 * [A₍ₖ₎, A₍ₘ₊₁₋ₖ₎] from their order statistics (Hodges & Lehmann 1963; Hollander, Wolfe & Chicken
 * 2014, §3.2). k is the largest integer with P(T⁺ ≤ k − 1) ≤ (1 − confidence)/2 under the null
 * distribution of the signed-rank statistic; exact up to n = 50, above that
 * k = ⌊M/2 + 1/2 − z·√(n(n+1)(2n+1)/24)⌋ with M = n(n+1)/2.
 *
 * Zeros stay in: they are observations of "no change" and pull the estimate towards 0 (R's
 * wilcox.test drops them first; the estimator as Hodges and Lehmann defined it keeps them).
 */
export function hodgesLehmannPaired(d: readonly number[], confidence = 0.95): ShiftEstimate {
  requireSample('hodgesLehmannPaired', 'd', d);
  requireConfidence('hodgesLehmannPaired', confidence);
  const n = d.length;
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push(((d[i] as number) + (d[j] as number)) / 2);
  walsh.sort(ascending);
  const half = (1 - confidence) / 2;
  let k: number;
  if (n <= EXACT_MAX) {
    k = largestK(signedRankCounts(n), half);
  } else {
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    k = Math.floor(walsh.length / 2 + 0.5 + normalQuantile(half) * sd);
  }
  return fromOrderStatistics(walsh, k);
}

/** Largest k with P(S ≤ k − 1) ≤ tail; 0 when even P(S ≤ 0) exceeds it. */
function largestK(counts: Float64Array, tail: number): number {
  let total = 0;
  for (const c of counts) total += c;
  // A relative slack of 1e-12 keeps a tail that equals the bound in exact arithmetic on the right side.
  const bound = tail * total * (1 + 1e-12);
  let below = 0;
  let k = 0;
  while (k < counts.length && below + (counts[k] as number) <= bound) {
    below += counts[k] as number;
    k++;
  }
  return k;
}

const ascending = (a: number, b: number) => a - b;

function fromOrderStatistics(sorted: readonly number[], k: number): ShiftEstimate {
  const estimate = medianSorted(sorted);
  if (k < 1) return { estimate, ciLow: -Infinity, ciHigh: Infinity };
  const last = sorted.length - 1;
  return {
    estimate,
    ciLow: sorted[Math.min(k - 1, last)] as number,
    ciHigh: sorted[Math.max(sorted.length - k, 0)] as number,
  };
}

function requireConfidence(fn: string, confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: confidence must be between 0 and 1 (e.g. 0.95), got ${confidence}`);
  }
}
