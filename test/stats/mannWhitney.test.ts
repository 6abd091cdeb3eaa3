import { describe, expect, it } from 'vitest';
import { cdfFromCounts, mannWhitneyCounts, mannWhitneyU } from '../../src/stats/index.js';
import { loadFixture, relativeError } from './fixtures.js';

interface Case { name: string; x: number[]; y: number[]; u: number; p: number; method: 'exact' | 'asymptotic' }
const { cases } = loadFixture<{ cases: Case[] }>('mannwhitneyu.json');

describe('mannWhitneyU against SciPy 1.17 mannwhitneyu(two-sided, method="auto")', () => {
  it('has enough reference cases of both kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(cases.filter((c) => c.method === 'exact').length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.method === 'asymptotic').length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = mannWhitneyU(c.x, c.y);
    expect(result.method).toBe(c.method);
    expect(result.u).toBe(c.u);
    expect(relativeError(result.p, c.p)).toBeLessThanOrEqual(c.method === 'exact' ? 1e-6 : 1e-4);
  });

  it('u is the statistic of x: swapping the samples gives mn − u and the same p', () => {
    const x = [1.2, 3.4, 2.2, 5.1];
    const y = [4.4, 6.1, 7.3, 5.5, 8.8];
    const a = mannWhitneyU(x, y);
    const b = mannWhitneyU(y, x);
    expect(a.u).toBe(1); // only 5.1 > 4.4
    expect(b.u).toBe(19);
    expect(b.p).toBe(a.p);
  });

  it('refuses empty or non-finite samples, naming the input', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/x is empty/);
    expect(() => mannWhitneyU([1], [2, NaN])).toThrow(/y contains NaN/);
  });
});

describe('exact distribution of U against textbook critical values', () => {
  // Two-tailed critical values of U (reject when U ≤ c): the standard tables, e.g. Siegel &
  // Castellan, "Nonparametric Statistics", 2nd ed., Table J; Zar, "Biostatistical Analysis", Table B.11.
  const table: Array<[number, number, number, number]> = [
    // m, n, c at α = 0.05, c at α = 0.01
    [5, 5, 2, 0],
    [6, 6, 5, 2],
    [7, 7, 8, 4],
    [8, 8, 13, 7],
    [5, 10, 8, 4],
    [10, 10, 23, 16],
    [20, 20, 127, 105],
  ];
  it.each(table)('m=%i n=%i: c(0.05)=%i c(0.01)=%i', (m, n, c05, c01) => {
    const counts = mannWhitneyCounts(m, n);
    expect(cdfFromCounts(counts, c05)).toBeLessThanOrEqual(0.025);
    expect(cdfFromCounts(counts, c05 + 1)).toBeGreaterThan(0.025);
    expect(cdfFromCounts(counts, c01)).toBeLessThanOrEqual(0.005);
    expect(cdfFromCounts(counts, c01 + 1)).toBeGreaterThan(0.005);
  });

  it('sums to C(m+n, m) and is symmetric', () => {
    const counts = mannWhitneyCounts(6, 9);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5005);
    for (let u = 0; u <= 54; u++) expect(counts[u]).toBe(counts[54 - u]);
  });
});
