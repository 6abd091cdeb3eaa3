import { describe, expect, it } from 'vitest';
import { clopperPearson } from '../../src/stats/clopperPearson.js';
import { loadFixture, relativeError } from './fixtures.js';

const fixture = loadFixture<{ cases: Array<{ x: number; n: number; low: number; high: number }> }>('clopper-pearson.json');

describe('Clopper–Pearson one-sided 95% bounds against scipy.stats.beta.ppf', () => {
  it.each(fixture.cases.map((c) => [c.x, c.n, c] as const))('%d of %d to 1e-9 relative', (_x, _n, c) => {
    const b = clopperPearson(c.x, c.n);
    if (c.low === 0) expect(b.low).toBe(0);
    else expect(relativeError(b.low, c.low)).toBeLessThan(1e-9);
    if (c.high === 1) expect(b.high).toBe(1);
    else expect(relativeError(b.high, c.high)).toBeLessThan(1e-9);
  });

  it('has the closed forms at the ends: 0 of n → 1 − 0.05^(1/n), n of n → 0.05^(1/n)', () => {
    expect(relativeError(clopperPearson(0, 30).high, 1 - 0.05 ** (1 / 30))).toBeLessThan(1e-12);
    expect(relativeError(clopperPearson(500, 500).low, 0.05 ** (1 / 500))).toBeLessThan(1e-12);
    // The case that once printed "1/500 (≥ 22.5%)" from an underflowing binomial sum.
    expect(relativeError(clopperPearson(1, 500).low, 1 - 0.95 ** (1 / 500))).toBeLessThan(1e-9);
  });

  it('names the bad input', () => {
    expect(() => clopperPearson(3, 2)).toThrow('clopperPearson: x must be an integer from 0 to 2, got 3');
    expect(() => clopperPearson(0, 0)).toThrow('clopperPearson: n must be a positive integer, got 0');
    expect(() => clopperPearson(1, 10, 1)).toThrow('clopperPearson: confidence must be between 0 and 1, got 1');
  });
});
