import { normalQuantile } from './normal.js';

export interface TheilSenResult {
  /** Median of the pairwise slopes (Theil 1950, Sen 1968). */
  slope: number;
  /** median(y) − slope · median(x) (Conover 1999; SciPy's `method='separate'`). */
  intercept: number;
  /**
   * Confidence interval of the slope (Sen 1968). NaN when the tie corrections exceed the variance
   * term of Sen's eq. 2.6 (heavy ties in both x and y: σ² < 0), as SciPy gives.
   */
  low: number;
  high: number;
  /** Number of points. */
  n: number;
}

/**
 * Robust straight-line trend y ≈ intercept + slope · x: the soak test's leak verdict rests on the
 * slope of RSS, open file descriptors and p99 against time. The median of pairwise slopes ignores
 * up to 29% of wild points (breakdown point 1 − 1/√2), so a garbage-collector sawtooth, one slow
 * sample or a heap compaction does not tilt the line the way it tilts least squares.
 *
 * The same numbers as `scipy.stats.theilslopes(y, x, alpha=confidence, method='separate')` (SciPy
 * 1.17), step by step:
 * - slopes (yᵢ − yⱼ)/(xᵢ − xⱼ) over the N pairs with xᵢ > xⱼ (pairs with equal x give none);
 *   slope = their median; intercept = median(y) − slope · median(x);
 * - Sen (1968) eq. 2.6: σ² = [n(n−1)(2n+5) − Σ tₓ(tₓ−1)(2tₓ+5) − Σ t_y(t_y−1)(2t_y+5)] / 18
 *   over the groups of repeated x and of repeated y, z = Φ⁻¹(α/2) with α = 1 − confidence;
 * - bounds are the sorted slopes at Rl = round((N + zσ)/2) − 1 (at least 0) and
 *   Ru = round((N − zσ)/2) (at most N − 1), `round` being NumPy's: halves go to the even integer.
 * Like SciPy, a confidence below 0.5 is read as its mirror (0.1 gives the 90% interval).
 *
 * Cost: all N ≤ n(n−1)/2 slopes are kept in a Float64Array and sorted, O(n² log n) time and 8·n²/2
 * bytes. A 10-minute soak sampled every second (600 points) is 180 thousand slopes, an hour at 1 Hz
 * 6.5 million (52 MB, about a second to sort). O(n log n) slope selection exists (Cole,
 * Salowe, Steiger & Szemerédi 1989; Matoušek 1991, randomized), but it is intricate and hard to
 * check against SciPy to the last bit; for more than a few thousand points, aggregate first (one
 * median per 10 s, say) rather than fit every sample.
 */
export function theilSen(x: readonly number[], y: readonly number[], confidence = 0.95): TheilSenResult {
  const fn = 'theilSen';
  if (x.length !== y.length) throw new RangeError(`${fn}: x and y must have the same length, got ${x.length} and ${y.length}`);
  const n = x.length;
  if (n < 2) throw new RangeError(`${fn}: needs at least 2 points, got ${n}`);
  requireFinite(fn, 'x', x);
  requireFinite(fn, 'y', y);
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: confidence must be between 0 and 1 (e.g. 0.95), got ${confidence}`);
  }

  let count = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((x[i] as number) > (x[j] as number)) count++;
  if (count === 0) {
    throw new RangeError(`${fn}: all x are equal (${x[0]}); a slope needs at least two distinct x values`);
  }
  const slopes = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    for (let j = 0; j < n; j++) {
      const xj = x[j] as number;
      if (xi > xj) slopes[k++] = (yi - (y[j] as number)) / (xi - xj);
    }
  }
  slopes.sort();
  const slope = medianOfSorted(slopes);
  const intercept = medianOfSorted(Float64Array.from(y).sort()) - slope * medianOfSorted(Float64Array.from(x).sort());

  // SciPy's order of operations, so the index lands on the same side of every half.
  const alpha = confidence > 0.5 ? 1 - confidence : confidence;
  const z = normalQuantile(alpha / 2);
  const sigsq = (1 / 18) * (n * (n - 1) * (2 * n + 5) - tieTerm(x) - tieTerm(y));
  if (!(sigsq >= 0)) return { slope, intercept, low: NaN, high: NaN, n };
  const sigma = Math.sqrt(sigsq);
  const ru = Math.min(roundHalfEven((count - z * sigma) / 2), count - 1);
  const rl = Math.max(roundHalfEven((count + z * sigma) / 2) - 1, 0);
  return { slope, intercept, low: slopes[rl] as number, high: slopes[ru] as number, n };
}

function requireFinite(fn: string, name: string, values: readonly number[]): void {
  const at = values.findIndex((v) => !Number.isFinite(v));
  if (at >= 0) throw new RangeError(`${fn}: ${name}[${at}] is ${values[at]}; expected finite numbers`);
}

/** Σ t(t−1)(2t+5) over the groups of t ≥ 2 equal values (SciPy's `_find_repeats`). */
function tieTerm(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] !== sorted[start]) {
      const t = i - start;
      sum += t * (t - 1) * (2 * t + 5);
      start = i;
    }
  }
  return sum;
}

/** NumPy's median of sorted values: the middle one, or the mean of the middle two. */
function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `np.round` to an integer: halves go to the even neighbour (Math.round sends them up). */
export function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const fraction = v - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
