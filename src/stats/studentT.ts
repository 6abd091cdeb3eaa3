import { gammaln } from 'simple-statistics';

/**
 * Student's t distribution: the upper tail P(T > t) for ν degrees of freedom, to about 1e-12
 * relative, for the run-level test of artifact mode (a new run's median against the medians of
 * earlier runs, a prediction interval: analyze/run-level.ts).
 *
 * P(T > t) = ½ · I_x(ν/2, ½) with x = ν / (ν + t²) for t ≥ 0 (Abramowitz & Stegun 26.7.1 with
 * 26.5.27), where I is the regularized incomplete beta function. I is evaluated by its continued
 * fraction (A&S 26.5.8) with the modified Lentz method, on whichever side of the mean
 * a/(a+b) converges fast (I_x(a,b) = 1 − I_{1−x}(b,a)), as in Numerical Recipes §6.4.
 * Reference values: scipy.stats.t.sf (test/fixtures/stats/student-t.json).
 */

/**
 * log Γ(x) for x > 0: simple-statistics' `gammaln` (Lanczos, g = 607/128, 15 terms; about 1e-14
 * absolute for the half-integers used here), with the domain made an error instead of its
 * Infinity. With it the t tails match the SciPy fixture to 2e-13 relative, as a hand-written
 * Lanczos did. simple-statistics has no t distribution function (its tTest gives the statistic
 * only), so the incomplete beta below stays ours.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  return gammaln(x);
}

const TINY = 1e-300;
const EPS = 1e-15;

/** The continued fraction of I_x(a, b) without its prefactor (Numerical Recipes `betacf`). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new RangeError(`incomplete beta: no convergence for a=${a}, b=${b}, x=${x}`);
}

/** The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedBeta: a and b must be > 0, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta: x must be in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for Student's t with df degrees of freedom (df > 0). */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTSf: df must be > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  // x = ν/(ν + t²) keeps its relative precision however large t is, and the small tail comes
  // straight out of I_x without a subtraction from 1.
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}
