import { describe, expect, test } from 'vitest';
import { formatDuration, makePlan, roundGroups, roundOrder } from '../../src/plan/plan.js';

describe('roundOrder', () => {
  test('alternates the variants from round to round and from scenario to scenario (ABBA)', () => {
    const order = (r: number) => roundOrder(r, ['s1', 's2'], ['base', 'head']).map((t) => `${t.scenario}:${t.variant}`);
    expect(order(0)).toEqual(['s1:base', 's1:head', 's2:head', 's2:base']);
    expect(order(1)).toEqual(['s1:head', 's1:base', 's2:base', 's2:head']);
    expect(order(2)).toEqual(order(0));
  });

  test('over an even number of rounds each variant runs first equally often', () => {
    const firsts = new Map<string, number>();
    for (let r = 0; r < 10; r++) {
      const first = roundOrder(r, ['only'], ['base', 'head'])[0]!.variant;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect(Object.fromEntries(firsts)).toEqual({ base: 5, head: 5 });
  });
});

describe('makePlan', () => {
  const base = {
    scenarios: ['a'],
    variants: ['base', 'head'],
    trialMs: 5000,
    warmupMs: 3000,
    trialOverheadMs: 0,
    minRounds: null,
    maxRounds: 30,
    maxDurationMs: 180_000,
    minRoundsForSignificance: 10,
  };

  test('fits the round limit into the time budget', () => {
    // (180 s - 2 × 3 s warmup) / (2 trials × 5 s) = 17.4 rounds
    const plan = makePlan(base);
    expect(plan).toMatchObject({ minRounds: 10, maxRounds: 17, roundMs: 10_000, warmupMs: 6000 });
    expect(plan.notes).toEqual(['max-duration 180s allows about 17 rounds of 10s (max-rounds is 30)']);
  });

  test('says when min-rounds is too low to reach significance', () => {
    const plan = makePlan({ ...base, minRounds: 4, maxRounds: 12 });
    expect(plan.minRounds).toBe(4);
    expect(plan.notes).toEqual([
      'min-rounds 4 is too few to ever reach significance for this many gated metrics (at least 10 are needed); a regression cannot be confirmed before then',
    ]);
  });

  test('a budget too small for significance measures the rounds needed, and says so', () => {
    const plan = makePlan({ ...base, maxDurationMs: 60_000 });
    expect(plan.maxRounds).toBe(10);
    expect(plan.notes).toContain(
      'the time budget allows 5 but 10 rounds are needed; measuring 10 rounds, which takes about 106s: raise max-duration or shorten duration',
    );
  });
});

test('a max-rounds below what significance needs names max-rounds', () => {
  const plan = makePlan({ scenarios: ['a'], variants: ['head'], trialMs: 1000, warmupMs: 0, trialOverheadMs: 0, minRounds: null, maxRounds: 3, maxDurationMs: 600_000, minRoundsForSignificance: 7 });
  expect(plan.maxRounds).toBe(7);
  expect(plan.notes).toEqual(['max-rounds is 3 but 7 rounds are needed; measuring 7 rounds, which takes about 7s: raise max-rounds']);
});

test('formatDuration', () => {
  expect(formatDuration(300)).toBe('0.3s');
  expect(formatDuration(0)).toBe('0:00');
  expect(formatDuration(61_400)).toBe('1:01');
  expect(formatDuration(-5)).toBe('0:00');
});

describe('roundGroups', () => {
  const names = (groups: { scenario: string; variant: string }[][]) => groups.map((g) => g.map((t) => `${t.scenario}:${t.variant}`).join('+'));
  test('alternating pairing runs every trial on its own, in roundOrder', () => {
    expect(names(roundGroups(0, ['s1', 's2'], ['base', 'head'], false))).toEqual(['s1:base', 's1:head', 's2:head', 's2:base']);
  });
  test('simultaneous pairing runs the variants of a scenario together, the start order alternating', () => {
    expect(names(roundGroups(0, ['s1', 's2'], ['base', 'head'], true))).toEqual(['s1:base+s1:head', 's2:head+s2:base']);
    expect(names(roundGroups(1, ['s1', 's2'], ['base', 'head'], true))).toEqual(['s1:head+s1:base', 's2:base+s2:head']);
  });
  test('a simultaneous round takes one trial slot per scenario in the plan', () => {
    const input = { scenarios: ['a', 'b'], variants: ['base', 'head'], trialMs: 1000, warmupMs: 0, trialOverheadMs: 0, minRounds: null, maxRounds: 100, maxDurationMs: 60_000, minRoundsForSignificance: 5 };
    expect(makePlan({ ...input, simultaneous: true }).roundMs).toBe(2000);
    expect(makePlan(input).roundMs).toBe(4000);
    expect(makePlan({ ...input, simultaneous: true }).maxRounds).toBe(30);
  });
});

describe('makePlan with a fresh process every few rounds', () => {
  const input = {
    scenarios: ['a'],
    variants: ['base', 'head'],
    trialMs: 2000,
    warmupMs: 1000,
    trialOverheadMs: 250,
    minRounds: null,
    maxRounds: 100,
    maxDurationMs: 180_000,
    minRoundsForSignificance: 10,
    roundsPerProcess: 2,
    restartMs: 300,
  };

  test('counts whole process blocks: restarts and warmups of every start in the budget, the unit minimum in processes', () => {
    // A block: 2 rounds of 2 × 2.25 s, 2 warmups of 1 s, 2 restarts of 0.3 s = 11.6 s; 180 s hold 15.
    const plan = makePlan(input);
    expect(plan).toMatchObject({ minRounds: 20, maxRounds: 30, roundMs: 4500, blockMs: 11_600, roundsPerProcess: 2 });
    expect(plan.notes).toEqual(['max-duration 180s allows about 30 rounds of 4.5s, restarting the services every 2 rounds (max-rounds is 100)']);
  });

  test('min-rounds and max-rounds are rounded to whole blocks', () => {
    const plan = makePlan({ ...input, minRounds: 11, maxRounds: 27 });
    expect(plan).toMatchObject({ minRounds: 12, maxRounds: 26 });
    expect(plan.notes).toContain(
      'min-rounds 11 is too few to ever reach significance for this many gated metrics (at least 20 are needed: 10 processes of 2 rounds); a regression cannot be confirmed before then',
    );
  });

  test('without restarts (roundsPerProcess null) the warmup is paid once, as before', () => {
    const plan = makePlan({ ...input, roundsPerProcess: null });
    // (180 s − 2 × 1 s warmup) / 4.5 s = 39.6 rounds.
    expect(plan).toMatchObject({ minRounds: 10, maxRounds: 39, blockMs: 4500, roundsPerProcess: null });
  });
});
