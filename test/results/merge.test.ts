import { describe, expect, it } from 'vitest';
import { analyzeResults } from '../../src/pipeline.js';
import { ShardMergeError } from '../../src/errors.js';
import { mergeShards, scenarioEnvironment, type ShardInput } from '../../src/results/merge.js';
import type { Results } from '../../src/results/schema.js';
import { options, results, spread, trials } from '../analyze/builders.js';

// Six scenarios; "slow" regressed by 8% in CPU per request, the others did not change.
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'slow', 'zeta'];
const SHARES = [['alpha', 'slow'], ['beta', 'delta'], ['gamma', 'zeta']];

function side(name: string, factor: number, seed: number) {
  return trials(spread(0.05 * factor, 12, 0.01).map((cpu, i) => ({ cpuMsPerRequest: cpu * (1 + ((i * 7 + seed) % 5) / 1000) })));
}

function headTrials(name: string) {
  return side(name, name === 'slow' ? 1.08 : 1, name.length);
}

const machine = (cpuModel: string) => ({ os: 'linux', arch: 'x64', cpuModel, cores: 2, memoryBytes: 8e9, nodeVersion: 'v20', runnerName: `runner-${cpuModel}` });

function shard(index: number, over: { count?: number; hash?: string; suite?: string; scenarios?: string[]; sha?: string } = {}): ShardInput {
  const names = over.scenarios ?? SHARES[index - 1]!;
  const r = results(Object.fromEntries(names.map((n) => [n, { head: headTrials(n) }])));
  const environment = machine(`cpu-${index}`);
  const out: Results = {
    ...r,
    suite: over.suite ?? 'default',
    createdAt: `2025-01-0${index}T00:00:00.000Z`,
    git: { sha: over.sha ?? 'abc123', ref: null, repository: null, runId: '77', event: 'pull_request' },
    environment,
    configHash: over.hash ?? 'hash-1',
    shard: {
      index,
      count: over.count ?? 3,
      runId: '77',
      attempt: 1,
      configHash: over.hash ?? 'hash-1',
      scenarios: names,
      environment,
      createdAt: `2025-01-0${index}T00:00:00.000Z`,
    },
  };
  return { source: `shard-${index}.json`, results: out };
}

const baseline = results(Object.fromEntries(NAMES.map((n) => [n, { head: side(n, 1, n.length + 1) }])));

function problemsOf(inputs: ShardInput[]): string[] {
  try {
    mergeShards(inputs);
  } catch (e) {
    if (e instanceof ShardMergeError) return e.problems;
    throw e;
  }
  return [];
}

describe('mergeShards', () => {
  it('merges every shard into one file in the config order, keeping each shard\'s record', () => {
    const merged = mergeShards([shard(3), shard(1), shard(2)], { order: NAMES });
    expect(merged.scenarios.map((s) => s.name)).toEqual(NAMES);
    expect(merged.shards?.map((s) => [s.index, s.scenarios])).toEqual([[1, SHARES[0]], [2, SHARES[1]], [3, SHARES[2]]]);
    expect(merged.shard).toBeUndefined();
    expect(merged.configHash).toBe('hash-1');
    expect(merged.createdAt).toBe('2025-01-03T00:00:00.000Z');
    expect(merged.rounds).toBe(12);
    expect(scenarioEnvironment(merged, 'zeta').cpuModel).toBe('cpu-3');
    expect(scenarioEnvironment(merged, 'alpha').cpuModel).toBe('cpu-1');
  });

  it('gives the analysis of one job over the same trials: Holm across every scenario of every shard', () => {
    const merged = mergeShards([shard(1), shard(2), shard(3)], { order: NAMES });
    const union = results(Object.fromEntries(NAMES.map((n) => [n, { head: headTrials(n) }])));
    const opts = options({ gated: ['cpuPerRequest'] });
    const a = analyzeResults(baseline, merged, opts);
    const b = analyzeResults(baseline, union, opts);
    expect(a.verdict).toBe('fail');
    expect(a.verdict).toBe(b.verdict);
    expect(a.scenarios).toEqual(b.scenarios);
    // Alone, the first shard is a family of 2 tests, not 6: its adjusted p would be smaller.
    const cpu = (r: ReturnType<typeof analyzeResults>) => r.scenarios.find((s) => s.name === 'slow')!.metrics.find((m) => m.metric === 'cpuPerRequest')!;
    const alone = analyzeResults(baseline, shard(1).results, opts);
    expect(cpu(a).p).toBe(cpu(alone).p);
    expect(cpu(a).pAdjusted!).toBeGreaterThan(cpu(alone).pAdjusted!);
  });

  it('names the missing shard and the ones given', () => {
    expect(problemsOf([shard(1), shard(3)])).toEqual(['shard 2/3 is missing (given: 1/3, 3/3)']);
  });

  it('names a scenario measured by two shards, and both files', () => {
    expect(problemsOf([shard(1), shard(2, { scenarios: ['beta', 'slow'] }), shard(3)])).toEqual([
      'scenario "slow" is in shard 1/3 (shard-1.json) and in shard 2/3 (shard-2.json)',
    ]);
  });

  it('names the shard whose config hash differs, with both hashes', () => {
    const [problem, ...rest] = problemsOf([shard(1), shard(2, { hash: 'hash-2' }), shard(3)]);
    expect(rest).toEqual([]);
    expect(problem).toBe(
      'shard 2/3 (shard-2.json) was measured with config hash hash-2, shard 1/3 (shard-1.json) with hash-1: ' +
        'the shard jobs ran different configurations (perfgate.yml or the inputs differ between them)',
    );
  });

  it('reports every problem at once: another N, another suite, another commit, a shard twice, a file not from a shard', () => {
    const plain: ShardInput = { source: 'whole.json', results: results({ alpha: { head: headTrials('alpha') } }) };
    const problems = problemsOf([shard(1), shard(2, { count: 4 }), shard(3, { suite: 'other', sha: 'def456' }), shard(1), plain]);
    expect(problems).toEqual([
      'whole.json is not a shard\'s results: it was measured without `shard: K/N` (--shard K/N)',
      'shard 2/4 (shard-2.json) splits the suite into 4 shards, shard 1/3 (shard-1.json) into 3; every job of the matrix must say the same N',
      'shard 3/3 (shard-3.json) is of suite "other", shard 1/3 (shard-1.json) of suite "default"',
      'shard 3/3 (shard-3.json) measured commit def456, shard 1/3 (shard-1.json) commit abc123',
      'shard 1/3 is given twice: shard-1.json and shard-1.json',
    ]);
  });

  it('refuses a file already merged, and nothing at all', () => {
    const merged = mergeShards([shard(1), shard(2), shard(3)]);
    expect(() => mergeShards([{ source: 'merged.json', results: merged }])).toThrow(
      'cannot merge the shards: merged.json holds results already merged from 3 shards; give the shards\' own files',
    );
    expect(() => mergeShards([])).toThrow('cannot merge the shards: no shard results were given');
  });
});
