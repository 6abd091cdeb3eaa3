/**
 * Exact null distributions of the two rank statistics, as frequency tables (counts of equally
 * likely arrangements). Both are computed by dynamic programming in floating point: the counts are
 * sums of positive terms, so they keep full relative precision even beyond 2^53.
 */

const mannWhitneyCache = new Map<string, Float64Array>();

/**
 * Frequencies of the Mann–Whitney statistic U (number of pairs (xᵢ, yⱼ) with xᵢ > yⱼ) over all
 * C(m+n, m) equally likely arrangements of m x-values and n y-values without ties:
 * counts[u] for u = 0..mn (Mann & Whitney 1947; Hollander, Wolfe & Chicken 2014, §4.1).
 * Built position by position: an x placed at sorted position r after j earlier x-values is larger
 * than the r − j y-values before it.
 */
export function mannWhitneyCounts(m: number, n: number): Float64Array {
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  const key = `${small},${large}`;
  const cached = mannWhitneyCache.get(key);
  if (cached) return cached;
  const maxU = small * large;
  // table[j] holds the counts by U of arrangements of the positions seen so far with j x-values
  const table: Float64Array[] = [];
  for (let j = 0; j <= small; j++) table.push(new Float64Array(maxU + 1));
  (table[0] as Float64Array)[0] = 1;
  for (let r = 0; r < small + large; r++) {
    for (let j = Math.min(r, small - 1); j >= 0; j--) {
      const before = r - j; // y-values already placed
      if (before > large) continue;
      const from = table[j] as Float64Array;
      const to = table[j + 1] as Float64Array;
      const top = j * before;
      for (let u = 0; u <= top; u++) {
        const c = from[u] as number;
        if (c !== 0) to[u + before] = (to[u + before] as number) + c;
      }
    }
  }
  const counts = table[small] as Float64Array;
  mannWhitneyCache.set(key, counts);
  return counts;
}

const subsetSumCache = new Map<string, Float64Array>();

/**
 * Frequencies of T = Σ wᵢ·[sign i is +] over all 2ⁿ equally likely sign patterns, for non-negative
 * integer weights: counts[t] for t = 0..Σw. With weights 1..n this is the exact null distribution
 * of Wilcoxon's signed-rank statistic T⁺ (Wilcoxon 1945; Hollander, Wolfe & Chicken 2014, §3.1);
 * with doubled mid-ranks it is the exact permutation distribution in the presence of ties.
 */
export function signFlipCounts(weights: readonly number[]): Float64Array {
  const key = weights.join(',');
  const cached = subsetSumCache.get(key);
  if (cached) return cached;
  let total = 0;
  for (const w of weights) {
    if (!Number.isInteger(w) || w < 0) throw new RangeError(`signFlipCounts: weights must be non-negative integers, got ${w}`);
    total += w;
  }
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  let reach = 0;
  for (const w of weights) {
    reach += w;
    for (let t = reach; t >= w; t--) counts[t] = (counts[t] as number) + (counts[t - w] as number);
  }
  if (subsetSumCache.size > 256) subsetSumCache.clear();
  subsetSumCache.set(key, counts);
  return counts;
}

/** Frequencies of the signed-rank statistic T⁺ for n untied, non-zero differences. */
export function signedRankCounts(n: number): Float64Array {
  return signFlipCounts(Array.from({ length: n }, (_, i) => i + 1));
}

/** P(S ≤ k) from a frequency table (k outside the support gives 0 or 1). */
export function cdfFromCounts(counts: Float64Array, k: number): number {
  if (k < 0) return 0;
  let below = 0;
  let total = 0;
  const last = Math.min(Math.floor(k), counts.length - 1);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    total += c;
    if (i <= last) below += c;
  }
  return below / total;
}

/** P(S ≥ k) from a frequency table. */
export function sfFromCounts(counts: Float64Array, k: number): number {
  let above = 0;
  let total = 0;
  const first = Math.max(Math.ceil(k), 0);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    total += c;
    if (i >= first) above += c;
  }
  return above / total;
}
