import { describe, expect, it } from 'vitest';
import { configHash, loadConfig } from '../../src/config/load.js';
import { shardAssignment, shardConfig } from '../../src/plan/shard-config.js';
import { assignShards, parseShard, scenarioCosts } from '../../src/plan/shards.js';

describe('parseShard', () => {
  it('reads K/N, with spaces around the numbers', () => {
    expect(parseShard('2/4')).toEqual({ ok: true, value: { index: 2, count: 4 } });
    expect(parseShard(' 1 / 1 ')).toEqual({ ok: true, value: { index: 1, count: 1 } });
  });

  it.each([
    ['0/3', 'is not a shard of 3'],
    ['4/3', 'is not a shard of 3'],
    ['1/0', 'is not a shard of 0'],
    ['1/257', 'is not a shard of 257'],
    ['two of four', 'is not a shard'],
    ['2', 'is not a shard'],
    ['', 'is not a shard'],
    ['1.5/3', 'is not a shard'],
  ])('refuses %j, naming the value and what is expected', (value, what) => {
    const r = parseShard(value);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(`${JSON.stringify(value)} ${what}`);
    expect(r.message).toContain('expected K/N with 1 ≤ K ≤ N');
  });
});

describe('assignShards', () => {
  const equal = (names: string[]) => names.map((name) => ({ name, costMs: 1000 }));

  it('deals equally expensive scenarios out by name, keeping the given order within a shard', () => {
    const shards = assignShards(equal(['e', 'a', 'd', 'b', 'c']), 2);
    // By name: a→1, b→2, c→1, d→2, e→1; listed in the input's order.
    expect(shards).toEqual([['e', 'a', 'c'], ['d', 'b']]);
  });

  it('puts every scenario in exactly one shard, and gives the same answer whatever the input order', () => {
    const costs = [7, 3, 9, 1, 4, 4, 8, 2, 6, 5].map((c, i) => ({ name: `s${i}`, costMs: c * 1000 }));
    const a = assignShards(costs, 3);
    const b = assignShards([...costs].reverse(), 3);
    expect(a.flat().sort()).toEqual(costs.map((c) => c.name).sort());
    expect(a.map((s) => [...s].sort())).toEqual(b.map((s) => [...s].sort()));
  });

  it('balances by expected time, not by count: the longest-first greedy split of 6 5 4 3 3 onto 2', () => {
    const costs = [6, 5, 4, 3, 3].map((c, i) => ({ name: `s${i}`, costMs: c }));
    const shards = assignShards(costs, 2);
    expect(shards).toEqual([['s0', 's3', 's4'], ['s1', 's2']]);
    const load = (names: string[]) => names.reduce((n, name) => n + costs.find((c) => c.name === name)!.costMs, 0);
    expect(shards.map(load)).toEqual([12, 9]);
  });

  it('leaves shards empty when the matrix has more jobs than the suite scenarios', () => {
    expect(assignShards(equal(['x', 'y']), 4)).toEqual([['x'], ['y'], [], []]);
  });

  it('refuses a count below one', () => {
    expect(() => assignShards(equal(['x']), 0)).toThrow(/at least 1 shard, not 0/);
  });
});

describe('scenarioCosts', () => {
  it("weighs a compare scenario by the plan's round time of its variants, plus its other tests", () => {
    const costs = scenarioCosts({
      scenarios: ['a', 'b', 'c'],
      compareScenarios: ['a', 'b'],
      variants: 2,
      trialMs: 2000,
      warmupMs: 1000,
      maxRounds: 10,
      maxDurationMs: 180_000,
      simultaneous: false,
      roundsPerProcess: 2,
      extraMs: { b: 5000, c: 7000 },
    });
    // One round of one scenario: 2 variants × (2000 ms trial + 250 ms overhead), 10 rounds.
    expect(costs).toEqual([
      { name: 'a', costMs: 45_000 },
      { name: 'b', costMs: 50_000 },
      { name: 'c', costMs: 7000 },
    ]);
  });
});

const suite = `url: http://127.0.0.1:3000
start: node server.js
max-rounds: 10
scenarios:
  - { name: items, path: /api/items }
  - { name: compute, path: /api/compute }
  - { name: health, path: /health }
  - { name: search, path: /api/search }
`;

describe('shardConfig', () => {
  it('splits the suite into disjoint shares, each the whole config but for its scenarios, with the config hash unchanged', () => {
    const config = loadConfig({ fileText: suite });
    const shares = [1, 2, 3].map((index) => shardConfig(config, { index, count: 3 }));
    // Equal costs go out by name: compute→1, health→2, items→3, search→1.
    expect(shares.map((s) => s.scenarios)).toEqual([['compute', 'search'], ['health'], ['items']]);
    for (const s of shares) {
      expect(s.config.scenarios.map((x) => x.name)).toEqual(s.scenarios);
      expect(s.config.tests).toEqual([{ ...config.tests[0], scenarios: s.scenarios }]);
      expect(s.config.load).toEqual(config.load);
      expect(s.config.analysis).toEqual(config.analysis);
    }
    // The hash every shard records is the whole suite's (pipeline.ts): the share's own would differ.
    expect(configHash(shares[0]!.config)).not.toBe(configHash(config));
  });

  it('counts a test of another kind in the time of its scenario, and keeps the test with it', () => {
    const config = loadConfig({
      fileText: `${suite}tests:\n  - kind: compare\n  - kind: spike\n    scenarios: [compute]\n    base-rate: 50\n`,
    });
    // compute carries a spike test (tens of seconds a variant): it gets a shard to itself, the
    // other three share the second one.
    expect(shardAssignment(config, 2)).toEqual([['compute'], ['items', 'health', 'search']]);
    const withSpike = shardConfig(config, { index: 1, count: 2 }).config;
    expect(withSpike.tests.map((t) => [t.kind, t.scenarios])).toEqual([['compare', ['compute']], ['spike', ['compute']]]);
    const without = shardConfig(config, { index: 2, count: 2 }).config;
    expect(without.tests.map((t) => [t.kind, t.scenarios])).toEqual([['compare', ['items', 'health', 'search']]]);
  });
});
