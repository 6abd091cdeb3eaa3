import { describe, expect, it } from 'vitest';
import { mean, permutationTest, sampleStandardDeviation } from 'simple-statistics';
import { createRng, lognormalSample, normalSample } from '../../src/stats/index.js';

describe('createRng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(seqA);
  });

  it('matches the published mulberry32 sequence for seed 0', () => {
    // mulberry32(0) from the reference C code (first outputs 0x... / 2^32)
    const rng = createRng(0);
    expect(Math.round(rng() * 2 ** 32)).toBe(1144304738);
    expect(Math.round(rng() * 2 ** 32)).toBe(1416247);
  });

  it('is uniform on [0, 1) to the precision 20,000 draws can show', () => {
    const rng = createRng(7);
    const draws = Array.from({ length: 20_000 }, rng);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(mean(draws)).toBeCloseTo(0.5, 2);
    const deciles = new Array<number>(10).fill(0);
    for (const d of draws) deciles[Math.floor(d * 10)]! += 1;
    for (const count of deciles) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('drives simple-statistics permutationTest reproducibly', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = [4, 5, 6, 7, 8, 9];
    const p1 = permutationTest(x, y, 'two_side', 2000, createRng(1));
    const p2 = permutationTest(x, y, 'two_side', 2000, createRng(1));
    expect(p1).toBe(p2);
    expect(p1).toBeGreaterThan(0.01);
    expect(p1).toBeLessThan(0.1);
  });
});

describe('normalSample and lognormalSample', () => {
  it('have the requested moments', () => {
    const rng = createRng(2024);
    const z = Array.from({ length: 20_000 }, () => normalSample(rng));
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(sampleStandardDeviation(z)).toBeCloseTo(1, 1);
    const logs = Array.from({ length: 20_000 }, () => Math.log(lognormalSample(rng, 2, 0.03)));
    expect(mean(logs)).toBeCloseTo(2, 3);
    expect(Math.abs(sampleStandardDeviation(logs) - 0.03)).toBeLessThan(0.001);
  });
});
