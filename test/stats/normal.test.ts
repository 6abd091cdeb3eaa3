import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalSf } from '../../src/stats/index.js';
import { loadFixture, relativeError } from './fixtures.js';

const fixture = loadFixture<{ cdf: Array<{ x: number; cdf: number; sf: number }>; quantile: Array<{ p: number; x: number }> }>(
  'normal.json',
);

describe('normal distribution against scipy.special.ndtr / ndtri', () => {
  it.each(fixture.cdf.map((c) => [c.x, c] as const))('Φ(%d) and 1 − Φ to 1e-12 relative', (_x, c) => {
    expect(relativeError(normalCdf(c.x), c.cdf)).toBeLessThan(1e-12);
    expect(relativeError(normalSf(c.x), c.sf)).toBeLessThan(1e-12);
  });

  it.each(fixture.quantile.map((c) => [c.p, c] as const))('Φ⁻¹(%d) to 1e-12 relative', (_p, c) => {
    expect(relativeError(normalQuantile(c.p), c.x)).toBeLessThan(1e-12);
  });

  it('handles the ends of the range', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalSf(Infinity)).toBe(0);
    expect(() => normalQuantile(1.5)).toThrow(/p must be in \[0, 1\], got 1.5/);
  });
});
