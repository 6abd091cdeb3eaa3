import { describe, expect, it } from 'vitest';
import { studentTQuantile, tTestPaired, tTestWelch } from '../../src/stats/tTest.js';
import { loadFixture, relativeError } from './fixtures.js';

interface Expected { confidence: number; t: number; df: number; p: number; low: number; high: number }
const fixture = loadFixture<{ paired: Array<Expected & { d: number[] }>; welch: Array<Expected & { x: number[]; y: number[] }> }>('t-test.json');

function agrees(r: ReturnType<typeof tTestPaired>, c: Expected): void {
  expect(relativeError(r.t, c.t)).toBeLessThan(1e-10);
  expect(relativeError(r.df, c.df)).toBeLessThan(1e-10);
  expect(relativeError(r.p, c.p)).toBeLessThan(1e-9);
  expect(relativeError(r.low, c.low)).toBeLessThan(1e-9);
  expect(relativeError(r.high, c.high)).toBeLessThan(1e-9);
}

describe('t tests against scipy.stats.ttest_rel / ttest_ind(equal_var=False) and confidence_interval()', () => {
  it.each(fixture.paired.map((c) => [c.d.length, c.confidence, c] as const))('paired, n = %d, %d confidence', (_n, _c, c) => {
    agrees(tTestPaired(c.d, c.confidence), c);
  });
  it.each(fixture.welch.map((c) => [c.x.length, c.y.length, c] as const))('Welch, %d against %d', (_m, _n, c) => {
    agrees(tTestWelch(c.x, c.y, c.confidence), c);
  });

  it('has the textbook quantiles: t(0.975, 4) = 2.776445, t(0.995, 2) = 9.924843, t(0.975, 1e6) ≈ 1.959966', () => {
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451, 6);
    expect(studentTQuantile(0.995, 2)).toBeCloseTo(9.9248432, 6);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5);
  });

  it('gives p = 0 for replicates that agree exactly on a change, and p = 1 when they agree on none', () => {
    expect(tTestPaired([0.1, 0.1, 0.1]).p).toBe(0);
    expect(tTestPaired([0, 0, 0]).p).toBe(1);
  });

  it('names the bad input', () => {
    expect(() => tTestPaired([1])).toThrow('tTestPaired: d needs at least 2 values, got 1');
    expect(() => tTestWelch([1, 2], [1, NaN])).toThrow('tTestWelch: y holds NaN; expected finite numbers');
    expect(() => tTestPaired([1, 2], 1)).toThrow('tTestPaired: confidence must be between 0 and 1, got 1');
  });
});
