import { regularizedBeta } from './studentT.js';

/**
 * Exact one-sided bounds of a binomial rate (Clopper & Pearson, 1934): every detection and
 * false-alarm rate the benchmark prints is quoted with one, so "0 of 30" reads "≤ 9.5%", not "0%".
 *
 * With x successes in n trials, the upper bound is the p where P(X ≤ x; n, p) = 1 − confidence,
 * i.e. the confidence quantile of Beta(x + 1, n − x); the lower bound is the p where
 * P(X ≥ x; n, p) = 1 − confidence, the (1 − confidence) quantile of Beta(x, n − x + 1)
 * (SciPy: `beta.ppf`). Both tails are written through the incomplete beta, not by summing the
 * binomial terms: (1 − p)^n underflows for n in the hundreds and p near 1.
 */
export function clopperPearson(x: number, n: number, confidence = 0.95): { low: number; high: number } {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`clopperPearson: n must be a positive integer, got ${n}`);
  if (!(Number.isInteger(x) && x >= 0 && x <= n)) throw new RangeError(`clopperPearson: x must be an integer from 0 to ${n}, got ${x}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`clopperPearson: confidence must be between 0 and 1, got ${confidence}`);
  const high = x === n ? 1 : betaQuantile(confidence, x + 1, n - x);
  const low = x === 0 ? 0 : betaQuantile(1 - confidence, x, n - x + 1);
  return { low, high };
}

/** The q quantile of Beta(a, b) by bisection on I_p(a, b), which rises monotonically in p. */
function betaQuantile(q: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  // 80 halvings reach below the spacing of doubles near any p in (0, 1) worth quoting.
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (regularizedBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
