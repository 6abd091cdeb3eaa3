import { describe, expect, it } from 'vitest';
import { cdfFromCounts, signedRankCounts, wilcoxonSignedRank } from '../../src/stats/index.js';
import { loadFixture, relativeError } from './fixtures.js';

interface Case { name: string; d: number[]; w: number; p: number; method: 'exact' | 'permutation' | 'asymptotic' }
const { cases } = loadFixture<{ cases: Case[] }>('wilcoxon.json');

describe('wilcoxonSignedRank against SciPy 1.17 wilcoxon(d) defaults', () => {
  it('has enough reference cases of every kind, with zeros and ties', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const method of ['exact', 'permutation', 'asymptotic']) {
      expect(cases.filter((c) => c.method === method).length).toBeGreaterThanOrEqual(5);
    }
    expect(cases.filter((c) => c.d.includes(0)).length).toBeGreaterThanOrEqual(5);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = wilcoxonSignedRank(c.d);
    expect(result.method).toBe(c.method);
    expect(result.w).toBe(c.w);
    expect(relativeError(result.p, c.p)).toBeLessThanOrEqual(c.method === 'asymptotic' ? 1e-4 : 1e-6);
  });

  it('drops zeros and reports how many differences it used', () => {
    const result = wilcoxonSignedRank([0, 0.1, -0.2, 0.3, 0]);
    expect(result.n).toBe(3);
    expect(result.tPlus).toBe(4); // ranks 1 and 3 are positive
    expect(result.w).toBe(2);
  });

  it('gives p = 1 when every difference is zero', () => {
    expect(wilcoxonSignedRank(new Array(60).fill(0))).toMatchObject({ w: 0, p: 1, n: 0 });
  });
});

describe('exact distribution of T+ against textbook critical values', () => {
  // Two-tailed critical values of T (reject when T ≤ c): Wilcoxon, Katti & Wilcox (1970) tables,
  // as reprinted e.g. in Zar, "Biostatistical Analysis", Table B.12.
  const table: Array<[number, number, number]> = [
    // n, c at α = 0.05, c at α = 0.01 (−1: no rejection possible)
    [5, -1, -1],
    [6, 0, -1],
    [8, 3, 0],
    [10, 8, 3],
    [15, 25, 15],
    [20, 52, 37],
    [25, 89, 68],
    [30, 137, 109],
  ];
  it.each(table)('n=%i: c(0.05)=%i c(0.01)=%i', (n, c05, c01) => {
    const counts = signedRankCounts(n);
    expect(cdfFromCounts(counts, c05)).toBeLessThanOrEqual(0.025);
    expect(cdfFromCounts(counts, c05 + 1)).toBeGreaterThan(0.025);
    expect(cdfFromCounts(counts, c01)).toBeLessThanOrEqual(0.005);
    expect(cdfFromCounts(counts, c01 + 1)).toBeGreaterThan(0.005);
  });

  it('the smallest two-sided p of n positive differences is 2 / 2^n', () => {
    for (const n of [5, 10, 20]) {
      const d = Array.from({ length: n }, (_, i) => i + 1);
      expect(wilcoxonSignedRank(d).p).toBeCloseTo(2 / 2 ** n, 15);
    }
  });
});
