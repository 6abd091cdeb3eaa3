import { describe, expect, it } from 'vitest';
import type { TestSpec } from '../../src/tests/kind.js';
import { analyzeSpike, type SpikeRun } from '../../src/tests/spike/analyze.js';
import { parseSpikeSettings, type SpikeSettings } from '../../src/tests/spike/settings.js';

function spec(entry: Record<string, unknown>): TestSpec<SpikeSettings> {
  const problems: string[] = [];
  const settings = parseSpikeSettings({ kind: 'spike', ...entry }, 'tests[0]', problems);
  expect(problems).toEqual([]);
  return { name: 'spike', kind: 'spike', scenarios: ['s'], settings, entry };
}

/**
 * A spike run sampled every 250 ms: 10 ms p99 before, 400 ms in the spike and until `recoverMs`
 * after it ends, 10 ms after that.
 */
function run(recoverMs: number, errorsInSpike = 0): SpikeRun {
  const samples = [];
  for (let t = 0; t < 12_000; t += 250) {
    const inSpike = t >= 2000 && t < 4000 + recoverMs;
    samples.push({ startMs: t, durationMs: 250, requests: 50, errors: inSpike && t < 4000 ? errorsInSpike : 0, successes: 50, p99: inSpike ? 400 : 10 });
  }
  return { process: 0, phases: { spikeStartMs: 2000, spikeEndMs: 4000 }, samples };
}

const s = spec({ before: '2s', 'spike-duration': '2s', after: '8s', settle: '1s', budgets: { recovery: '3s', 'error-rate': '1%' } });

describe('spike analysis', () => {
  it('reads recovery to the interval, and fails a significant increase beyond the threshold', () => {
    const base = [run(1000), run(1250), run(1000), run(1000)];
    const head = [run(2500), run(2750), run(2500), run(2500)];
    const a = analyzeSpike({ test: s, scenario: 's', baseline: base, head, paired: true, alpha: 0.05, confidence: 0.95 });
    expect(a.baseline!.recoveryMs).toBe(1000);
    expect(a.head.recoveryMs).toBe(2500);
    expect(a.change).toBe(1500);
    expect(a.status).toBe('regressed');
    expect(a.verdict).toBe('fail');
    expect(a.budgets).toEqual([
      { metric: 'error-rate', limit: 0.01, value: 0, ok: true },
      { metric: 'recovery', limit: 3000, value: 2500, ok: true },
    ]);
  });

  it('fails the budgets: errors in the spike, and a spike that never recovered', () => {
    const a = analyzeSpike({ test: s, scenario: 's', baseline: null, head: [run(9000, 10), run(1000, 10)], paired: false, alpha: 0.01, confidence: 0.95 });
    expect(a.head.recovered).toBe(false);
    expect(a.head.recoveryMs).toBeNull(); // of two, one not recovered: the median is the longer
    expect(a.verdict).toBe('fail');
    expect(a.failures).toEqual([
      expect.stringMatching(/^spike error-rate of s is \d+(\.\d+)?%, over its budget of 1%$/),
      'spike recovery time of s is not recovered, over its budget of 3 s',
    ]);
  });

  it('leaves recovery untested when a side did not recover, and is no-baseline alone', () => {
    const a = analyzeSpike({ test: s, scenario: 's', baseline: [run(1000), run(9000)], head: [run(1000), run(1000)], paired: true, alpha: 0.01, confidence: 0.95 });
    expect(a.untested).toBe('a spike did not recover within 8 s: lengthen after');
    expect(a.status).toBeNull();
    const alone = analyzeSpike({ test: s, scenario: 's', baseline: null, head: [run(1000)], paired: false, alpha: 0.01, confidence: 0.95 });
    expect(alone.verdict).toBe('no-baseline');
  });

  it('checks its settings', () => {
    const problems: string[] = [];
    parseSpikeSettings({ factor: 1, before: '500ms', interval: '250ms', after: '1s', settle: '2s', 'base-rat': 3 }, 'tests[1]', problems);
    expect(problems).toEqual([
      'tests[1]: unknown field "base-rat"; did you mean "base-rate"?',
      'tests[1].factor: 1 is not a spike factor; write a number above 1 and at most 100, e.g. 5',
      'tests[1].before: 0.5 s holds fewer than 3 intervals of 0.25 s: there would be no level to recover to',
      'tests[1].after: 1 s is shorter than settle (2 s): recovery could never be seen',
    ]);
  });
});
