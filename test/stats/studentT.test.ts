import { describe, expect, it } from 'vitest';
import { logGamma, regularizedBeta, studentTSf } from '../../src/stats/studentT.js';
import { loadFixture, relativeError } from './fixtures.js';

const fixture = loadFixture<{ cases: Array<{ t: number; df: number; sf: number }> }>('student-t.json');

describe("Student's t upper tail against scipy.stats.t.sf", () => {
  it.each(fixture.cases.map((c) => [c.t, c.df, c] as const))('P(T > %d) with %d df to 1e-10 relative', (_t, _df, c) => {
    expect(relativeError(studentTSf(c.t, c.df), c.sf)).toBeLessThan(1e-10);
  });

  it('agrees with the table value every textbook prints: t(0.975, 10) = 2.2281', () => {
    expect(studentTSf(2.228138851986274, 10)).toBeCloseTo(0.025, 14);
  });

  it('has the closed forms of 1 and 2 degrees of freedom', () => {
    for (const t of [0.5, 3, 30]) {
      expect(relativeError(studentTSf(t, 1), 0.5 - Math.atan(t) / Math.PI)).toBeLessThan(1e-12);
      expect(relativeError(studentTSf(t, 2), 0.5 - t / (2 * Math.sqrt(2 + t * t)))).toBeLessThan(1e-9);
    }
  });

  it('rejects what has no distribution, and handles the ends', () => {
    expect(() => studentTSf(1, 0)).toThrow('studentTSf: df must be > 0, got 0');
    expect(studentTSf(Infinity, 3)).toBe(0);
    expect(studentTSf(-Infinity, 3)).toBe(1);
    expect(studentTSf(0, 7)).toBe(0.5);
    expect(() => regularizedBeta(1.5, 1, 1)).toThrow('regularizedBeta: x must be in [0, 1], got 1.5');
    expect(() => logGamma(0)).toThrow('logGamma: x must be > 0, got 0');
  });

  it('log Γ matches factorials', () => {
    expect(relativeError(logGamma(11), Math.log(3628800))).toBeLessThan(1e-14);
    expect(relativeError(logGamma(0.5), Math.log(Math.sqrt(Math.PI)))).toBeLessThan(1e-13);
  });
});
