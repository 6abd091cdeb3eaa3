import { mannWhitneyU, wilcoxonSignedRank } from '../stats/index.js';

const SEARCH_LIMIT = 200;

/**
 * The fewest rounds (paired: rounds; independent: trials per side) with which the test can reach
 * p < alpha / gatedCount at all — Holm's strictest level for the smallest p-value of the family.
 * Below it, no change of any size can be reported as a regression.
 *
 * Exact tests: the smallest two-sided p is 2/2ⁿ for the signed-rank test and 2/C(2n, n) for
 * Mann–Whitney with n a side. Because the tests switch to the normal approximation for larger
 * samples (Mann–Whitney above 8 a side, signed-rank above 50), whose smallest p is larger than the
 * exact one just below the switch, the answer is the smallest n from which *every* larger n can
 * reach the level too, so adding rounds never takes the ability away.
 */
export function minRoundsForAlpha(alpha: number, gatedCount: number, method: 'paired' | 'independent' = 'paired'): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`minRoundsForAlpha: alpha must be between 0 and 1, got ${alpha}`);
  const target = alpha / Math.max(1, gatedCount);
  if (smallestP(method, SEARCH_LIMIT, SEARCH_LIMIT) >= target) {
    throw new RangeError(
      `minRoundsForAlpha: alpha ${alpha} over ${gatedCount} gated metrics needs more than ${SEARCH_LIMIT} rounds`,
    );
  }
  let n = SEARCH_LIMIT;
  while (n > 1 && smallestP(method, n - 1, n - 1) < target) n--;
  return n;
}

/** Rounds a paired (same-runner A/B) run needs: smallest n with 2/2ⁿ < alpha / gatedCount. */
export function minRoundsPaired(alpha: number, gatedCount: number): number {
  return minRoundsForAlpha(alpha, gatedCount, 'paired');
}

/** Trials a side an artifact comparison needs: smallest n with 2/C(2n, n) < alpha / gatedCount. */
export function minRoundsIndependent(alpha: number, gatedCount: number): number {
  return minRoundsForAlpha(alpha, gatedCount, 'independent');
}

const smallestPCache = new Map<string, number>();

/**
 * The p-value of the most extreme outcome (complete separation, or every difference of one sign),
 * computed with the same test and the same exact/normal choice as the real data would get.
 */
function smallestP(method: 'paired' | 'independent', m: number, n: number): number {
  const key = `${method}:${m}:${n}`;
  let p = smallestPCache.get(key);
  if (p === undefined) {
    const low = Array.from({ length: m }, (_, i) => i + 1);
    p =
      method === 'paired'
        ? wilcoxonSignedRank(low).p
        : mannWhitneyU(low, Array.from({ length: n }, (_, i) => m + i + 1)).p;
    smallestPCache.set(key, p);
  }
  return p;
}
