import { describe, expect, it } from 'vitest';
import { medianOf, minRoundsForAlpha, minRoundsIndependent, minRoundsPaired, robustSd } from '../../src/analyze/index.js';
import { mannWhitneyU, wilcoxonSignedRank } from '../../src/stats/index.js';

describe('minRoundsForAlpha', () => {
  it('paired: the smallest n with 2/2^n below alpha / gated', () => {
    expect(minRoundsPaired(0.05, 1)).toBe(6); // 2/32 = 0.0625, 2/64 = 0.031
    expect(minRoundsPaired(0.01, 1)).toBe(8); // 2/128 = 0.0156, 2/256 = 0.0078
    expect(minRoundsPaired(0.01, 5)).toBe(10); // 2/512 = 0.0039, 2/1024 = 0.00195 < 0.002
    expect(minRoundsForAlpha(0.01, 5)).toBe(10);
  });

  it('independent: the smallest n a side with 2/C(2n, n) below alpha / gated', () => {
    expect(minRoundsIndependent(0.05, 1)).toBe(4); // 2/20 = 0.1, 2/70 = 0.029
    expect(minRoundsIndependent(0.01, 1)).toBe(5); // 2/70 = 0.029, 2/252 = 0.0079
    expect(minRoundsIndependent(0.01, 5)).toBe(7); // 2/924 = 0.0022, 2/3432 = 0.00058
    expect(minRoundsForAlpha(0.01, 5, 'independent')).toBe(7);
  });

  it('never answers a size after which more trials lose the level again', () => {
    // Exact at 8 a side reaches 2/12870 = 1.6e-4, but the normal approximation SciPy (and we) use
    // from 9 a side only reaches 4.1e-4, and 10 a side 1.8e-4.
    const target = 3e-4;
    expect(mannWhitneyU([1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]).p).toBeLessThan(target);
    const nine = Array.from({ length: 18 }, (_, i) => i);
    expect(mannWhitneyU(nine.slice(0, 9), nine.slice(9)).p).toBeGreaterThan(target);
    expect(minRoundsIndependent(target, 1)).toBe(10);
  });

  it('matches what the tests can actually give', () => {
    const n = minRoundsPaired(0.01, 7);
    const all = (k: number) => Array.from({ length: k }, (_, i) => i + 1);
    expect(wilcoxonSignedRank(all(n)).p).toBeLessThan(0.01 / 7);
    expect(wilcoxonSignedRank(all(n - 1)).p).toBeGreaterThanOrEqual(0.01 / 7);
  });

  it('refuses an alpha outside (0, 1)', () => {
    expect(() => minRoundsPaired(0, 3)).toThrow(/alpha must be between 0 and 1, got 0/);
  });
});

describe('medianOf and robustSd', () => {
  it('take the middle value or the mean of the middle two', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([])).toBeNull();
  });

  it('scale the MAD to a standard deviation', () => {
    expect(robustSd([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
    expect(robustSd([5])).toBeNull();
  });
});
