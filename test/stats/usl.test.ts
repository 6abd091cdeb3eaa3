import { describe, expect, it } from 'vitest';
import { fitUsl, uslThroughput, type UslPoint } from '../../src/stats/usl.js';
import { loadFixture, relativeError } from './fixtures.js';

interface Case {
  name: string;
  points: UslPoint[];
  lambda: number;
  sigma: number;
  kappa: number;
  rss: number;
  r2: number;
  residualSd: number | null;
  /** null stands for Infinity (JSON has none). */
  peakConcurrency: number | null;
  peakThroughput: number | null;
  sound: boolean;
  wellDetermined: boolean;
}

const fixture = loadFixture<{ cases: Case[] }>('usl.json');

// Why these tolerances. Both sides are iterative optimisers that stop near, not at, the minimum.
// The residual sum of squares is what both minimise, and it is flat at the minimum, so it agrees
// far better than the parameters: within 1e-6 relative (plus 1e-15 of Σx², for the exact cases
// where the minimum is 0 and only rounding is left). Parameters move with the square root of the
// residual gap, so 1e-6 of RSS would only pin them to about 1e-3; where they are well determined
// (an interior minimum, or an edge both reach) SciPy's own stopping leaves ours about 1e-8 away,
// and 1e-5 is asked: tight enough that a wrong valley or a wrong λ fails, loose enough for any
// optimiser that converges. Where they are not (a κ of 1e-36 against 0, a flat valley in the
// noise), only the residual and the judgement are compared.
const RSS_TOLERANCE = 1e-6;
const PARAMETER_TOLERANCE = 1e-5;

describe('fitUsl against scipy.optimize.least_squares (bounded, best of 49 starts)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fit = fitUsl(c.points);
    const sumSquares = c.points.reduce((a, p) => a + p.throughput ** 2, 0);
    expect(Math.abs(fit.rss - c.rss)).toBeLessThanOrEqual(RSS_TOLERANCE * c.rss + 1e-15 * sumSquares);
    expect(Math.abs(fit.r2 - c.r2)).toBeLessThanOrEqual(RSS_TOLERANCE * (1 - c.r2) + 1e-15);
    if (c.residualSd === null) expect(fit.residualSd).toBeNaN();
    else expect(Math.abs(fit.residualSd - c.residualSd)).toBeLessThanOrEqual(RSS_TOLERANCE * c.residualSd + Math.sqrt((1e-15 * sumSquares) / (c.points.length - 3)));
    expect(fit.soundness.sound).toBe(c.sound);
    expect(fit.lambda).toBeGreaterThan(0);
    expect(fit.sigma).toBeGreaterThanOrEqual(0);
    expect(fit.sigma).toBeLessThanOrEqual(1);
    expect(fit.kappa).toBeGreaterThanOrEqual(0);
    if (c.wellDetermined) {
      expect(relativeError(fit.lambda, c.lambda)).toBeLessThan(PARAMETER_TOLERANCE);
      expect(relativeError(fit.sigma, c.sigma)).toBeLessThan(PARAMETER_TOLERANCE);
      expect(relativeError(fit.kappa, c.kappa)).toBeLessThan(PARAMETER_TOLERANCE);
      if (c.sound) {
        expect(relativeError(fit.peakConcurrency, c.peakConcurrency ?? Infinity)).toBeLessThan(PARAMETER_TOLERANCE);
        expect(relativeError(fit.peakThroughput, c.peakThroughput ?? Infinity)).toBeLessThan(PARAMETER_TOLERANCE);
      }
    }
  });

  it('holds the cases the brief asks for, each judged as intended', () => {
    const byName = new Map(fixture.cases.map((c) => [c.name, c]));
    expect(byName.get('usl-exact')?.sound).toBe(true);
    expect(byName.get('usl-noisy')?.sound).toBe(true);
    expect(byName.get('usl-heavy-contention')?.sound).toBe(true);
    expect(byName.get('usl-linear')?.sound).toBe(false);
    expect(byName.get('usl-three-levels')?.sound).toBe(false);
    expect(byName.get('usl-poor-fit')?.sound).toBe(false);
    expect(byName.get('usl-peak-extrapolated')?.sound).toBe(false);
    const contention = byName.get('usl-heavy-contention') as Case;
    const ns = contention.points.map((p) => p.concurrency);
    expect(contention.peakConcurrency).toBeGreaterThan(Math.min(...ns));
    expect(contention.peakConcurrency).toBeLessThan(Math.max(...ns));
  });
});

describe('fitUsl on curves with known answers', () => {
  const truth = { lambda: 1000, sigma: 0.05, kappa: 0.001 };
  const levels = [0.4, 1, 2, 4, 8, 16, 24, 32, 48, 64];

  it('recovers exact USL data, concurrency below 1 included, and its peak √((1 − σ)/κ)', () => {
    const fit = fitUsl(levels.map((n) => ({ concurrency: n, throughput: uslThroughput(truth, n) })));
    expect(relativeError(fit.lambda, 1000)).toBeLessThan(1e-9);
    expect(relativeError(fit.sigma, 0.05)).toBeLessThan(1e-9);
    expect(relativeError(fit.kappa, 0.001)).toBeLessThan(1e-9);
    expect(relativeError(fit.peakConcurrency, Math.sqrt(0.95 / 0.001))).toBeLessThan(1e-9);
    expect(relativeError(fit.peakThroughput, uslThroughput(truth, Math.sqrt(0.95 / 0.001)))).toBeLessThan(1e-9);
    expect(fit.levels).toBe(10);
    expect(fit.soundness).toEqual({
      sound: true,
      reason: 'The curve explains 100% of the variation in throughput over 10 concurrency levels, and its peak (9040/s at concurrency 30.8) is within reach of the measured range.',
    });
  });

  it('does not depend on the order of the points', () => {
    const points = levels.map((n, i) => ({ concurrency: n, throughput: uslThroughput(truth, n) * (1 + 0.02 * Math.sin(7 * i)) }));
    const a = fitUsl(points);
    const b = fitUsl([...points].reverse());
    expect(relativeError(b.rss, a.rss)).toBeLessThan(1e-9);
    expect(relativeError(b.kappa, a.kappa)).toBeLessThan(1e-6);
  });

  it('puts pure linear scaling on the corner σ = κ = 0, with no peak, and calls it unsound', () => {
    const fit = fitUsl([0.5, 1, 2, 4, 8].map((n) => ({ concurrency: n, throughput: 250 * n })));
    expect(fit.sigma).toBe(0);
    expect(fit.kappa).toBe(0);
    expect(relativeError(fit.lambda, 250)).toBeLessThan(1e-12);
    expect(fit.peakConcurrency).toBe(Infinity);
    expect(fit.peakThroughput).toBe(Infinity);
    expect(fit.soundness).toEqual({
      sound: false,
      reason: 'Throughput still rises in proportion to concurrency (σ = κ = 0): the measured levels do not reach saturation; raise the rates.',
    });
  });

  it('fits an Amdahl plateau with κ = 0, reports its ceiling λ/σ and accepts it once the data reach it', () => {
    const amdahl = { lambda: 300, sigma: 0.08, kappa: 0 };
    const fit = fitUsl([0.5, 1, 3, 10, 30, 100, 300, 1000].map((n) => ({ concurrency: n, throughput: uslThroughput(amdahl, n) })));
    expect(fit.kappa).toBe(0);
    expect(fit.peakConcurrency).toBe(Infinity);
    expect(relativeError(fit.peakThroughput, 300 / 0.08)).toBeLessThan(1e-9);
    expect(fit.soundness.sound).toBe(true);
    expect(fit.soundness.reason).toContain('levels off towards 3750/s within the measured range');
    // The same service measured only up to concurrency 10 has not come near its ceiling.
    const early = fitUsl([0.5, 1, 3, 10].map((n) => ({ concurrency: n, throughput: uslThroughput(amdahl, n) })));
    expect(early.soundness.sound).toBe(false);
  });

  it('puts a service saturated before the first step on σ = 1, its peak at concurrency 0', () => {
    const falling = { lambda: 800, sigma: 1, kappa: 0.01 };
    const fit = fitUsl([2, 4, 8, 16, 32].map((n) => ({ concurrency: n, throughput: uslThroughput(falling, n) })));
    expect(fit.sigma).toBe(1);
    expect(relativeError(fit.kappa, 0.01)).toBeLessThan(1e-9);
    expect(fit.peakConcurrency).toBe(0);
    expect(relativeError(fit.peakThroughput, 800 / 0.99)).toBeLessThan(1e-9);
    expect(fit.soundness).toEqual({
      sound: false,
      reason:
        'Throughput fell with concurrency over the whole measured range: the fitted curve peaks at concurrency 0, below the smallest measured concurrency (2), so the service was past its peak at the first step; start at lower rates.',
    });
  });

  it('names every failed condition, one sentence each', () => {
    const fit = fitUsl([
      { concurrency: 1, throughput: 900 },
      { concurrency: 1, throughput: 1100 },
      { concurrency: 4, throughput: 2500 },
      { concurrency: 16, throughput: 9000 },
      { concurrency: 16, throughput: 5000 },
    ]);
    expect(fit.levels).toBe(3);
    expect(fit.soundness.sound).toBe(false);
    expect(fit.soundness.reason).toMatch(/^Only 3 distinct concurrency levels; at least 4 are needed to fit three parameters and check them\. The curve explains only \d+(\.\d)?% of the variation in throughput \(R² = 0\.\d+\); at least 90% is needed\./);
  });

  it('has no R² when every throughput is equal, and no residual sd with 3 points', () => {
    const flat = fitUsl([1, 2, 4, 8].map((n) => ({ concurrency: n, throughput: 500 })));
    expect(flat.r2).toBeNaN();
    expect(flat.rss).toBeLessThan(1e-18);
    expect(flat.soundness.sound).toBe(false);
    expect(flat.soundness.reason).toContain('Throughput is the same at every point, so there is no variation for the curve to explain.');
    const three = fitUsl([1, 2, 4].map((n) => ({ concurrency: n, throughput: uslThroughput(truth, n) })));
    expect(three.residualSd).toBeNaN();
    expect(three.soundness.reason).toContain('Only 3 distinct concurrency levels');
  });
});

describe('fitUsl input errors', () => {
  it('names the bad input', () => {
    expect(() => fitUsl([])).toThrow('fitUsl: points is empty; expected at least one {concurrency, throughput}');
    expect(() => fitUsl([{ concurrency: 1, throughput: 5 }, { concurrency: 0, throughput: 5 }])).toThrow(
      'fitUsl: points[1].concurrency is 0; expected a positive finite number',
    );
    expect(() => fitUsl([{ concurrency: NaN, throughput: 5 }])).toThrow('fitUsl: points[0].concurrency is NaN; expected a positive finite number');
    expect(() => fitUsl([{ concurrency: 1, throughput: -3 }])).toThrow('fitUsl: points[0].throughput is -3; expected a finite number ≥ 0');
    expect(() => fitUsl([{ concurrency: 1, throughput: Infinity }])).toThrow('fitUsl: points[0].throughput is Infinity; expected a finite number ≥ 0');
    expect(() => fitUsl([{ concurrency: 1, throughput: 0 }, { concurrency: 2, throughput: 0 }])).toThrow('fitUsl: every throughput is 0; there is nothing to fit');
  });
});
