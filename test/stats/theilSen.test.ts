import { describe, expect, it } from 'vitest';
import { roundHalfEven, theilSen } from '../../src/stats/theilSen.js';
import { loadFixture, relativeError } from './fixtures.js';

interface Case {
  name: string;
  x: number[];
  y: number[];
  confidence: number;
  slope: number;
  intercept: number;
  /** null where SciPy gives NaN (JSON has no NaN). */
  low: number | null;
  high: number | null;
}

const fixture = loadFixture<{ cases: Case[] }>('theil-sen.json');

/** Same value to 1e-12 relative; exact zeros must be exact, NaN must be NaN. */
function expectClose(actual: number, expected: number | null): void {
  if (expected === null) expect(actual).toBeNaN();
  else if (expected === 0) expect(actual).toBe(0);
  else expect(relativeError(actual, expected)).toBeLessThan(1e-12);
}

describe('theilSen against scipy.stats.theilslopes(y, x, alpha, method="separate")', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = theilSen(c.x, c.y, c.confidence);
    expectClose(r.slope, c.slope);
    expectClose(r.intercept, c.intercept);
    expectClose(r.low, c.low);
    expectClose(r.high, c.high);
    expect(r.n).toBe(c.x.length);
  });

  it('covers the cases the fixture is meant to hold', () => {
    const names = fixture.cases.map((c) => c.name);
    for (const part of ['n2', 'n3', 'n5', 'ties-in-x', 'ties-in-y', 'n50', 'n600', 'negative-slope-90', 'negative-slope-99', 'half-to-even', 'negative-variance']) {
      expect(names.some((n) => n.includes(part))).toBe(true);
    }
    // The half-to-even cases exist because Math.round would take the next slope: prove it.
    for (const c of fixture.cases.filter((k) => k.name.includes('half-to-even'))) {
      const slopes: number[] = [];
      c.x.forEach((xi, i) => c.x.forEach((xj, j) => xi > xj && slopes.push(((c.y[i] as number) - (c.y[j] as number)) / (xi - xj))));
      slopes.sort((a, b) => a - b);
      const k = slopes.indexOf(c.high as number);
      expect(slopes[k + 1]).not.toBe(c.high);
      expect(k % 2).toBe(0); // NumPy sent (N − zσ)/2 = k + ½ down to the even k
    }
  });
});

describe('theilSen as a leak detector', () => {
  it('recovers an exact line, whatever the order of the points', () => {
    const x = [5, 1, 4, 0, 3, 2];
    const r = theilSen(x, x.map((t) => 2 + 3 * t));
    expect(r).toEqual({ slope: 3, intercept: 2, low: 3, high: 3, n: 6 });
  });

  it('is not tilted by a fifth of wild samples (GC pauses), where least squares is', () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    const y = x.map((t) => 100 + 0.5 * t);
    for (let i = 40; i < 50; i++) y[i] = 400; // the last 10 samples spike
    expect(theilSen(x, y).slope).toBe(0.5);
    const mx = x.reduce((a, b) => a + b) / x.length;
    const my = y.reduce((a, b) => a + b) / y.length;
    const ols = x.reduce((a, t, i) => a + (t - mx) * ((y[i] as number) - my), 0) / x.reduce((a, t) => a + (t - mx) ** 2, 0);
    expect(ols).toBeGreaterThan(3);
  });

  it('widens the interval as the confidence rises and reads confidence below ½ as its mirror, like SciPy', () => {
    const x = Array.from({ length: 30 }, (_, i) => i);
    const y = x.map((t) => 10 + 0.2 * t + Math.sin(t * 1.7));
    const c90 = theilSen(x, y, 0.9);
    const c99 = theilSen(x, y, 0.99);
    expect(c99.low).toBeLessThan(c90.low);
    expect(c99.high).toBeGreaterThan(c90.high);
    expect(theilSen(x, y, 0.25)).toEqual(theilSen(x, y, 0.75));
  });
});

describe('roundHalfEven', () => {
  it('rounds halves to the even integer, as np.round does, and everything else to the nearest', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, -2, -2]);
    expect([2.4999999999999996, 2.5000000000000004, 7, -3.2].map(roundHalfEven)).toEqual([2, 3, 7, -3]);
  });
});

describe('theilSen input errors', () => {
  it('names the bad input', () => {
    expect(() => theilSen([1, 2, 3], [1, 2])).toThrow('theilSen: x and y must have the same length, got 3 and 2');
    expect(() => theilSen([1], [1])).toThrow('theilSen: needs at least 2 points, got 1');
    expect(() => theilSen([2, 2, 2], [1, 2, 3])).toThrow('theilSen: all x are equal (2); a slope needs at least two distinct x values');
    expect(() => theilSen([0, 1, NaN], [1, 2, 3])).toThrow('theilSen: x[2] is NaN; expected finite numbers');
    expect(() => theilSen([0, 1, 2], [1, Infinity, 3])).toThrow('theilSen: y[1] is Infinity; expected finite numbers');
    expect(() => theilSen([0, 1], [1, 2], 1)).toThrow('theilSen: confidence must be between 0 and 1 (e.g. 0.95), got 1');
    expect(() => theilSen([0, 1], [1, 2], 95)).toThrow('theilSen: confidence must be between 0 and 1 (e.g. 0.95), got 95');
    expect(() => theilSen([0, 1], [1, 2], NaN)).toThrow('theilSen: confidence must be between 0 and 1 (e.g. 0.95), got NaN');
  });
});
