import { describe, expect, it } from 'vitest';
import { analyzeResults } from '../../src/pipeline.js';
import { renderComment, renderTerminal } from '../../src/report/index.js';
import { hardwareMismatchOf } from '../../src/report/environment.js';
import { shardNotes } from '../../src/report/shards.js';
import type { Environment, Results, ShardRecord } from '../../src/results/schema.js';
import { options, results, spread, trials } from '../analyze/builders.js';

const machine = (cpuModel: string, runnerName: string | null, cores = 2): Environment => ({
  os: 'linux', arch: 'x64', cpuModel, cores, memoryBytes: 8e9, nodeVersion: 'v20', runnerName,
});
const cpu = () => ({ head: trials(spread(0.05, 8, 0.01).map((c) => ({ cpuMsPerRequest: c }))) });
const record = (index: number, scenarios: string[], environment: Environment): ShardRecord => ({
  index, count: 2, runId: '9', attempt: 1, configHash: 'h', scenarios, environment, createdAt: '2025-01-01T00:00:00Z',
});

function merged(): Results {
  const r = results({ a: cpu(), b: cpu(), c: cpu() });
  return {
    ...r,
    environment: machine('Xeon 8370C', 'GitHub Actions 3'),
    shards: [record(1, ['a', 'b'], machine('Xeon 8370C', 'GitHub Actions 3')), record(2, ['c'], machine('EPYC 7763', 'GitHub Actions 7'))],
  };
}

describe('the report of a run merged from shards', () => {
  it('says which runner measured which shard', () => {
    expect(shardNotes(merged(), (t) => `\`${t}\``)).toEqual([
      {
        level: 'info',
        text:
          'Measured in 2 shards, merged into one analysis: shard 1/2 on runner `GitHub Actions 3` (Xeon 8370C, 2 cores): `a`, `b`; ' +
          'shard 2/2 on runner `GitHub Actions 7` (EPYC 7763, 2 cores): `c`.',
      },
    ]);
    expect(shardNotes(results({ a: cpu() }), (t) => t)).toEqual([]);
  });

  it("flags each scenario whose baseline ran on another kind of machine than the head's shard", () => {
    // The baseline was one job on a Xeon: only scenario c, measured on an EPYC shard, differs.
    const baseline = { ...results({ a: cpu(), b: cpu(), c: cpu() }), environment: machine('Xeon 8370C', null) };
    expect(hardwareMismatchOf(baseline, merged())).toBe('for scenario c, the baseline ran on Xeon 8370C with 2 cores; this run on EPYC 7763 with 2 cores');
    // Merged on both sides, same split: nothing differs.
    expect(hardwareMismatchOf(merged(), merged())).toBeNull();
    // A baseline merged from shards against one head job on the EPYC: a and b differ.
    const head = { ...results({ a: cpu(), b: cpu(), c: cpu() }), environment: machine('EPYC 7763', null) };
    expect(hardwareMismatchOf(merged(), head)).toBe('for scenarios a, b, the baseline ran on Xeon 8370C with 2 cores; this run on EPYC 7763 with 2 cores');

    const analysis = analyzeResults(baseline, merged(), options({ gated: ['cpuPerRequest'] }));
    const context = { suite: 'api', mode: 'artifact' as const, head: merged(), baseline };
    const comment = renderComment(analysis, context);
    expect(comment).toContain('> ⚠️ **Different hardware:** for scenario `c`, the baseline ran on `Xeon 8370C` with 2 cores; this run on `EPYC 7763` with 2 cores.');
    expect(comment).toContain('> ℹ️ Measured in 2 shards, merged into one analysis: shard 1/2 on runner `GitHub Actions 3`');
    const terminal = renderTerminal(analysis, context);
    expect(terminal).toContain('! different hardware: for scenario c, the baseline ran on Xeon 8370C with 2 cores; this run on EPYC 7763 with 2 cores');
    expect(terminal).toContain('i Measured in 2 shards');
  });
});
