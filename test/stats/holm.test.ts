import { describe, expect, it } from 'vitest';
import { holm } from '../../src/stats/index.js';
import { loadFixture } from './fixtures.js';

const { cases } = loadFixture<{ cases: Array<{ p: number[]; adjusted: number[] }> }>('holm.json');

describe('holm', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the definition', (_i, c) => {
    const adjusted = holm(c.p);
    adjusted.forEach((a, i) => expect(a).toBeCloseTo(c.adjusted[i] as number, 14));
  });

  it('matches R p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")', () => {
    expect(holm([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  it('is monotone in the order of the raw p-values and capped at 1', () => {
    const p = [0.3, 0.001, 0.5, 0.02, 0.2];
    const adjusted = holm(p);
    const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
    for (let k = 1; k < order.length; k++) {
      expect(adjusted[order[k] as number]).toBeGreaterThanOrEqual(adjusted[order[k - 1] as number] as number);
    }
    // sorted: 5·0.001, 4·0.02, 3·0.2 = 0.6, then 2·0.3 and 1·0.5 are lifted to the running 0.6
    [0.6, 0.005, 0.6, 0.08, 0.6].forEach((expected, i) => expect(adjusted[i]).toBeCloseTo(expected, 14));
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
  });

  it('refuses values that are not p-values', () => {
    expect(() => holm([0.1, 1.5])).toThrow(/pValues\[1\] is 1.5/);
  });
});
