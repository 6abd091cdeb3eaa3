import { describe, expect, test } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { groupByUnit, unitKey, unitSpread } from '../../src/analyze/units.js';
import type { TrialResult } from '../../src/results/schema.js';
import { createRng, normalSample } from '../../src/stats/index.js';
import { options, results, trial } from './builders.js';

/**
 * Issue 15: two starts of the same code differ by a persistent offset; the analysis must count
 * processes, not rounds, so such an offset is noise, never a regression.
 */

/** Paired rounds: `offsets[k]` is pair k's constant head/base ratio − 1, `rounds` rounds a pair. */
function pairedRun(offsets: readonly number[], rounds: number, opts: { withProcess: boolean; noise?: () => number }) {
  const base: TrialResult[] = [];
  const head: TrialResult[] = [];
  let round = 0;
  offsets.forEach((offset, k) => {
    for (let j = 0; j < rounds; j++, round++) {
      const wobble = opts.noise?.() ?? 0.001 * (j % 2 === 0 ? 1 : -1);
      const process = opts.withProcess ? { process: k } : {};
      const cpu = 0.05 * (1 + wobble);
      const f = (1 + offset) * (1 + wobble * 0.5);
      base.push({ ...trial({ round, order: 2 * round, cpuMsPerRequest: cpu, p50: 10 * (1 + wobble), throughput: 2000 }), ...process });
      head.push({ ...trial({ round, order: 2 * round + 1, cpuMsPerRequest: cpu * f, p50: 10 * f, throughput: 2000 / f }), ...process });
    }
  });
  return results({ s: { base, head } });
}

const cpu = (a: ReturnType<typeof analyze>) => a.scenarios[0]!.metrics.find((m) => m.metric === 'cpuPerRequest')!;

describe('paired: a process offset is not a change', () => {
  // The case: the head processes happened to start slower, by 3-5%, in each of three pairs.
  const offsets = [0.053, 0.031, 0.044];

  test('rounds taken as units (the old analysis) call three unlucky process pairs a regression', () => {
    const a = analyze({ baseline: null, head: pairedRun(offsets, 8, { withProcess: false }), options: options() });
    expect(a.verdict).toBe('fail');
    expect(cpu(a).status).toBe('regressed');
    expect(cpu(a).units).toMatchObject({ kind: 'round', baseline: 24, head: 24 });
  });

  test('with the process recorded, the same 24 rounds are 3 units: too few to call anything, so not fail', () => {
    const a = analyze({ baseline: null, head: pairedRun(offsets, 8, { withProcess: true }), options: options() });
    expect(a.verdict).toBe('inconclusive');
    expect(cpu(a).status).toBe('inconclusive');
    expect(cpu(a).units).toMatchObject({ kind: 'process', baseline: 3, head: 3 });
    // Three pairs can reach at best p = 2/2³ = 0.25 (exact signed-rank), before Holm.
    expect(cpu(a).p).toBeCloseTo(0.25, 10);
    // The change is still estimated, from the three pairs' means.
    expect(cpu(a).change).toBeGreaterThan(0.03);
  });

  test('16 pairs with 3% process offsets around zero: not fail; the same pairs with +10% on the head: fail', () => {
    const rng = createRng(15);
    const offsets16 = Array.from({ length: 16 }, () => 0.03 * normalSample(rng));
    const aa = analyze({ baseline: null, head: pairedRun(offsets16, 2, { withProcess: true }), options: options() });
    expect(aa.verdict).not.toBe('fail');
    expect(cpu(aa).units).toMatchObject({ kind: 'process', baseline: 16, head: 16 });
    // The spread between pairs is the offsets' (3% sd), within a pair the 0.1% wobble.
    expect(cpu(aa).units!.betweenSd!).toBeGreaterThan(0.02);
    expect(cpu(aa).units!.betweenSd!).toBeLessThan(0.045);
    expect(cpu(aa).units!.withinSd!).toBeLessThan(0.003);
    const slower = analyze({ baseline: null, head: pairedRun(offsets16.map((o) => (1 + o) * 1.1 - 1), 2, { withProcess: true }), options: options() });
    expect(slower.verdict).toBe('fail');
    expect(cpu(slower).status).toBe('regressed');
  });
});

describe('independent (artifact mode): one value per process on each side', () => {
  /** `perProcess` trials on each of the processes whose offsets are given. */
  function run(offsets: readonly number[], perProcess: number, withProcess: boolean): TrialResult[] {
    const out: TrialResult[] = [];
    offsets.forEach((o, k) => {
      for (let j = 0; j < perProcess; j++) {
        const n = out.length;
        const wobble = 0.002 * ((j % 3) - 1) + 0.0001 * n;
        out.push({ ...trial({ round: n, order: n, cpuMsPerRequest: 0.05 * (1 + o) * (1 + wobble), p50: 10 * (1 + o) * (1 + wobble) }), ...(withProcess ? { process: k } : {}) });
      }
    });
    return out;
  }

  test('one baseline process against one head process 4% apart: fail when trials are units, not when processes are', () => {
    const legacy = analyze({ baseline: results({ s: { head: run([0], 20, false) } }), head: results({ s: { head: run([0.04], 20, false) } }), options: options() });
    expect(cpu(legacy).status).toBe('regressed');
    const byProcess = analyze({ baseline: results({ s: { head: run([0], 20, true) } }), head: results({ s: { head: run([0.04], 20, true) } }), options: options() });
    expect(byProcess.verdict).not.toBe('fail');
    expect(cpu(byProcess).units).toMatchObject({ kind: 'process', baseline: 1, head: 1 });
  });

  test('twelve processes a side from the same spread of offsets: not fail; +10% on every head process: fail', () => {
    const rng = createRng(7);
    const draw = () => Array.from({ length: 12 }, () => 0.025 * normalSample(rng));
    const baseline = results({ s: { head: run(draw(), 2, true) } });
    const headOffsets = draw();
    const same = analyze({ baseline, head: results({ s: { head: run(headOffsets, 2, true) } }), options: options() });
    expect(same.verdict).not.toBe('fail');
    expect(cpu(same).units).toMatchObject({ kind: 'process', baseline: 12, head: 12 });
    const slower = analyze({ baseline, head: results({ s: { head: run(headOffsets.map((o) => (1 + o) * 1.1 - 1), 2, true) } }), options: options() });
    expect(cpu(slower).status).toBe('regressed');
  });
});

describe('units.ts', () => {
  test('unitSpread: the method-of-moments decomposition, by hand', () => {
    // Means 2, 6, 10; within: Σ(x − x̄)² = 6 over N − k = 3 → MSW 2; var of means 16;
    // between² = 16 − 2 · mean(1/2) = 15.
    const s = unitSpread([[1, 3], [5, 7], [9, 11]]);
    expect(s.units).toBe(3);
    expect(s.within).toBeCloseTo(Math.SQRT2, 12);
    expect(s.between).toBeCloseTo(Math.sqrt(15), 12);
  });

  test('unitSpread: one value per unit gives no within-unit spread, and then no between-unit one either', () => {
    expect(unitSpread([[1], [2], [4]])).toEqual({ units: 3, between: null, within: null });
  });

  test('unitSpread: noise within units that explains all of the spread of their means gives between 0', () => {
    expect(unitSpread([[0, 10], [10, 0]]).between).toBe(0);
  });

  test('unitKey: the process when recorded, else the round or the trial', () => {
    expect(unitKey({ process: 3, round: 7, order: 14 }, 'round')).toBe('p3');
    expect(unitKey({ round: 7, order: 14 }, 'round')).toBe('r7');
    expect(unitKey({ round: 7, order: 14 }, 'order')).toBe('t14');
    expect(groupByUnit(['a1', 'b2', 'a3'], (s) => s[0]!, (s) => Number(s[1]))).toEqual([[1, 3], [2]]);
  });
});
