import { studentTSf } from './studentT.js';

/**
 * Student's t tests for the few-replicate comparisons of the capacity test kind, where each value
 * is one whole ramp on a fresh process (tens of seconds): five or so a side. A rank test cannot
 * reach the usual alpha there at all (Wilcoxon's smallest two-sided p with n pairs is 2/2ⁿ: 0.0625
 * for 5), while log capacities are close to normal (a ratio of rates read off an interpolation),
 * which is what the t test assumes. Same definitions as SciPy's `ttest_rel` and
 * `ttest_ind(equal_var=False)` (Welch), with `confidence_interval()` of their results.
 */
export interface TTestResult {
  /** Mean difference (paired: of d; Welch: mean(y) − mean(x)). */
  estimate: number;
  low: number;
  high: number;
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
}

/** Paired: the differences d (e.g. log head − log base per pair of processes). Needs n ≥ 2. */
export function tTestPaired(d: readonly number[], confidence = 0.95): TTestResult {
  check('tTestPaired', 'd', d, 2);
  checkConfidence('tTestPaired', confidence);
  const n = d.length;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  return fromMoments(mean, Math.sqrt(sampleVariance(d, mean) / n), n - 1, confidence);
}

/** Welch: y against x (e.g. log head against log baseline), unequal variances. Needs 2 a side. */
export function tTestWelch(x: readonly number[], y: readonly number[], confidence = 0.95): TTestResult {
  check('tTestWelch', 'x', x, 2);
  check('tTestWelch', 'y', y, 2);
  checkConfidence('tTestWelch', confidence);
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  const vx = sampleVariance(x, mx) / x.length;
  const vy = sampleVariance(y, my) / y.length;
  const se = Math.sqrt(vx + vy);
  // Welch–Satterthwaite; with both variances 0 the df is undefined and nothing can be said.
  const df = se > 0 ? (vx + vy) ** 2 / (vx ** 2 / (x.length - 1) + vy ** 2 / (y.length - 1)) : x.length + y.length - 2;
  return fromMoments(my - mx, se, df, confidence);
}

function fromMoments(estimate: number, se: number, df: number, confidence: number): TTestResult {
  if (se === 0) {
    // Every replicate agrees exactly: SciPy gives t = ±inf (p = 0) unless the estimate is 0 too.
    const p = estimate === 0 ? 1 : 0;
    return { estimate, low: estimate, high: estimate, t: estimate === 0 ? NaN : Math.sign(estimate) * Infinity, df, p };
  }
  const t = estimate / se;
  const p = Math.min(1, 2 * studentTSf(Math.abs(t), df));
  const q = studentTQuantile((1 + confidence) / 2, df);
  return { estimate, low: estimate - q * se, high: estimate + q * se, t, df, p };
}

/** The p-quantile of Student's t (0.5 ≤ p < 1), by bisection on the survival function. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0.5 && p < 1)) throw new RangeError(`studentTQuantile: p must be in [0.5, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  const tail = 1 - p;
  let lo = 0;
  let hi = 1;
  while (studentTSf(hi, df) > tail) hi *= 2;
  // 200 halvings reach the last bit of a double anywhere in [0, hi].
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTSf(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** 0 exactly when every value is the same: a rounded mean would leave a spurious spread. */
function sampleVariance(values: readonly number[], mean: number): number {
  if (values.every((v) => v === values[0])) return 0;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
}

function check(fn: string, name: string, values: readonly number[], min: number): void {
  if (values.length < min) throw new RangeError(`${fn}: ${name} needs at least ${min} values, got ${values.length}`);
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new RangeError(`${fn}: ${name} holds ${bad}; expected finite numbers`);
}

function checkConfidence(fn: string, confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`${fn}: confidence must be between 0 and 1, got ${confidence}`);
}
