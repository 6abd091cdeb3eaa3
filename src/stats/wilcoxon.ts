import { cdfFromCounts, sfFromCounts, signFlipCounts, signedRankCounts } from './exactDistributions.js';
import { requireSample } from './mannWhitney.js';
import { normalSf } from './normal.js';
import { midRanks, tieTerm } from './ranks.js';

export interface WilcoxonResult {
  /** min(T⁺, T⁻), the statistic SciPy reports for the two-sided test. */
  w: number;
  /** Sum of the ranks of the positive differences. */
  tPlus: number;
  /** Two-sided p-value. */
  p: number;
  /** Number of non-zero differences the test used. */
  n: number;
  method: 'exact' | 'permutation' | 'asymptotic';
}

/**
 * Two-sided Wilcoxon signed-rank test on paired differences (Wilcoxon 1945; Hollander, Wolfe &
 * Chicken, "Nonparametric Statistical Methods", 3rd ed., 2014, §3.1), making the same choices as
 * SciPy 1.17's `wilcoxon(d)` defaults (zero_method="wilcox", correction=False, method="auto"):
 *
 * - zeros are dropped; mid-ranks of |d| over the rest; T⁺ = sum of ranks of positive d.
 * - more than 50 differences (counting zeros): normal approximation.
 * - otherwise, no ties and no zeros: exact null distribution of T⁺,
 *   p = 2·min(P(T ≤ T⁺), P(T ≥ T⁺)), capped at 1.
 * - otherwise, at most 13 differences (counting zeros): the exact permutation distribution of T⁺
 *   over all sign flips of the mid-ranks (SciPy enumerates all 2ⁿ; same p), capped at 1.
 * - otherwise the normal approximation with tie correction, no continuity correction:
 *   μ = n(n+1)/4, σ² = (n(n+1)(2n+1) − Σ(t³−t)/2)/24, p = 2·(1 − Φ(|T⁺ − μ|/σ)).
 *
 * One deliberate difference: when every difference is zero SciPy's normal branch gives NaN; here
 * p = 1 (no evidence of any change), w = 0.
 */
export function wilcoxonSignedRank(d: readonly number[]): WilcoxonResult {
  requireSample('wilcoxonSignedRank', 'd', d);
  const nonZero = d.filter((v) => v !== 0);
  const n = nonZero.length;
  const hasZeros = n < d.length;
  const { ranks, tieGroups } = midRanks(nonZero.map(Math.abs));
  let tPlus = 0;
  let tMinus = 0;
  nonZero.forEach((v, i) => {
    if (v > 0) tPlus += ranks[i] as number;
    else tMinus += ranks[i] as number;
  });
  const w = Math.min(tPlus, tMinus);
  if (n === 0) return { w: 0, tPlus: 0, p: 1, n: 0, method: 'exact' };

  const hasTies = tieGroups.length > 0;
  if (d.length <= 50 && !hasTies && !hasZeros) {
    const counts = signedRankCounts(n);
    const p = 2 * Math.min(cdfFromCounts(counts, tPlus), sfFromCounts(counts, tPlus));
    return { w, tPlus, p: Math.min(1, p), n, method: 'exact' };
  }
  if (d.length <= 13) {
    // Mid-ranks are multiples of 1/2: doubled, they are integer weights for the sign-flip table.
    const counts = signFlipCounts(ranks.map((r) => Math.round(2 * r)));
    const t = Math.round(2 * tPlus);
    const p = 2 * Math.min(cdfFromCounts(counts, t), sfFromCounts(counts, t));
    return { w, tPlus, p: Math.min(1, p), n, method: 'permutation' };
  }
  const mean = (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1) - tieTerm(tieGroups) / 2) / 24);
  const p = 2 * normalSf(Math.abs(tPlus - mean) / sigma);
  return { w, tPlus, p: Math.min(1, p), n, method: 'asymptotic' };
}
