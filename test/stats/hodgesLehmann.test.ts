import { describe, expect, it } from 'vitest';
import { hodgesLehmann, hodgesLehmannPaired } from '../../src/stats/index.js';
import { loadFixture } from './fixtures.js';

interface Expected { name: string; confidence: number; k: number; estimate: number; ciLow: number | null; ciHigh: number | null }
interface Unpaired extends Expected { x: number[]; y: number[] }
interface Paired extends Expected { d: number[] }
const { unpaired, paired } = loadFixture<{ unpaired: Unpaired[]; paired: Paired[] }>('hodges-lehmann.json');

// The fixtures are a brute-force computation in Python: every difference (or Walsh average)
// sorted, with the critical rank k from exact null distributions in rational arithmetic.
function expectInterval(actual: { estimate: number; ciLow: number; ciHigh: number }, c: Expected): void {
  expect(actual.estimate).toBeCloseTo(c.estimate, 12);
  expect(actual.ciLow).toBeCloseTo(c.ciLow ?? -Infinity, 12);
  expect(actual.ciHigh).toBeCloseTo(c.ciHigh ?? Infinity, 12);
}

describe('hodgesLehmann (median of y − x with Moses interval) against brute force', () => {
  it.each(unpaired.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectInterval(hodgesLehmann(c.x, c.y, c.confidence), c);
  });

  it('is positive when y is larger and covers the true shift', () => {
    const x = [10, 11, 12, 13, 14, 15, 16, 17];
    const y = x.map((v) => v + 3);
    const r = hodgesLehmann(x, y);
    expect(r.estimate).toBe(3);
    expect(r.ciLow).toBeLessThan(3);
    expect(r.ciHigh).toBeGreaterThan(3);
    expect(hodgesLehmann(y, x).estimate).toBe(-3);
  });

  it('gives an unbounded interval when the samples are too small for the confidence', () => {
    const r = hodgesLehmann([1, 2, 3], [4, 5, 6]);
    expect(r.estimate).toBe(3);
    expect(r).toMatchObject({ ciLow: -Infinity, ciHigh: Infinity });
  });

  it('refuses a confidence outside (0, 1)', () => {
    expect(() => hodgesLehmann([1, 2], [3, 4], 95)).toThrow(/confidence must be between 0 and 1.*got 95/);
  });
});

describe('hodgesLehmannPaired (median of Walsh averages with Tukey interval) against brute force', () => {
  it.each(paired.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectInterval(hodgesLehmannPaired(c.d, c.confidence), c);
  });

  it('covers cases in the exact and the large-sample regime', () => {
    expect(unpaired.some((c) => c.x.length > 50)).toBe(true);
    expect(paired.some((c) => c.d.length > 50)).toBe(true);
    expect(unpaired.length + paired.length).toBeGreaterThanOrEqual(20);
  });

  it('keeps zeros as observations of no change', () => {
    expect(hodgesLehmannPaired([0, 0, 0, 0, 1]).estimate).toBe(0);
  });
});
