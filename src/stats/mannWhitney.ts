import { mannWhitneyCounts, sfFromCounts } from './exactDistributions.js';
import { normalSf } from './normal.js';
import { midRanks, tieTerm } from './ranks.js';

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs with xᵢ > yⱼ, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** Which null distribution gave p. */
  method: 'exact' | 'asymptotic';
}

/**
 * Two-sided Mann–Whitney U test (Mann & Whitney 1947; Hollander, Wolfe & Chicken, "Nonparametric
 * Statistical Methods", 3rd ed., 2014, §4.1), making the same choices as SciPy 1.17's
 * `mannwhitneyu(x, y, alternative="two-sided", method="auto")`:
 *
 * - U₁ = R₁ − m(m+1)/2 from mid-ranks of the pooled sample; U = max(U₁, mn − U₁).
 * - exact when the data have no ties and at least one sample has at most 8 values:
 *   p = 2·P(U' ≥ U) under the exact null distribution, capped at 1;
 * - otherwise the normal approximation with tie correction and continuity correction:
 *   σ² = mn/12 · ((N+1) − Σ(t³−t) / (N(N−1))), z = (U − mn/2 − 0.5)/σ, p = 2·(1 − Φ(z)), capped at 1.
 *   (All values equal gives σ = 0 and, like SciPy, p = 1.)
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  requireSample('mannWhitneyU', 'x', x);
  requireSample('mannWhitneyU', 'y', y);
  const m = x.length;
  const n = y.length;
  const { ranks, tieGroups } = midRanks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < m; i++) r1 += ranks[i] as number;
  const u1 = r1 - (m * (m + 1)) / 2;
  const u = Math.max(u1, m * n - u1);

  if (tieGroups.length === 0 && (m <= 8 || n <= 8)) {
    const p = 2 * sfFromCounts(mannWhitneyCounts(m, n), u);
    return { u: u1, p: Math.min(1, p), method: 'exact' };
  }
  const total = m + n;
  const sigma = Math.sqrt(((m * n) / 12) * (total + 1 - tieTerm(tieGroups) / (total * (total - 1))));
  const z = (u - (m * n) / 2 - 0.5) / sigma;
  const p = 2 * normalSf(z);
  return { u: u1, p: Math.min(1, p), method: 'asymptotic' };
}

export function requireSample(fn: string, name: string, values: readonly number[]): void {
  if (values.length === 0) throw new RangeError(`${fn}: ${name} is empty; expected at least one value`);
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new RangeError(`${fn}: ${name} contains ${bad}; expected finite numbers`);
}
