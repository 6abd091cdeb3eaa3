import { describe, expect, it } from 'vitest';
import type { ScenarioAnalysis } from '../../src/analyze/types.js';
import { renderTerminal } from '../../src/report/index.js';
import { analysis, artifactContext, baselineResults, budget, results, steadyScenario, withMetric } from './fixtures.js';

const regression = () =>
  analysis({
    verdict: 'fail',
    scenarios: [
      {
        ...withMetric(steadyScenario('GET /items'), 'p99', {
          head: 9.46, change: 0.123, ciLow: 0.081, ciHigh: 0.16, pAdjusted: 0.0004, threshold: 0.1, status: 'regressed',
        }),
        budgets: [budget({ metric: 'p95', limit: 200, value: 231.6, ok: false })],
      },
      steadyScenario('POST /orders', 3),
    ],
  });

/** The lines of the table that starts with the header line beginning with `first`. */
function tableLines(text: string, first: string, occurrence = 0): string[] {
  const lines = text.split('\n');
  const starts = lines.flatMap((l, i) => (l.startsWith(`  ${first} `) ? [i] : []));
  const start = starts[occurrence] ?? -1;
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('  '));
  return lines.slice(start, end === -1 ? undefined : end).filter((l) => l.trim() !== '');
}

describe('renderTerminal', () => {
  it('prints the verdict, the sentence and an aligned table per scenario', async () => {
    const text = renderTerminal(regression(), artifactContext(), { color: false });
    await expect(text).toMatchFileSnapshot('./__snapshots__/terminal-regression.txt');
    const lines = text.split('\n');
    expect(lines[0]).toBe('✖ Fail — performance regressed and a budget is exceeded · perfgate api');
    expect(lines[1]).toBe(
      'GET /items p99 latency regressed by +12.3% (95% CI +8.1% to +16.0%, p = 0.0004) and ' +
        'GET /items p95 latency is 232 ms, outside its budget (≤ 200 ms).',
    );
    expect(lines[2]).toBe('mode artifact: head d4e5f6a vs baseline a1b2c3d');
    expect(text).not.toContain('\u001b[');

    const table = tableLines(text, 'metric');
    expect(table).toHaveLength(8);
    const header = table[0] ?? '';
    // right-aligned numeric columns end where their titles end; the status column starts where its title starts
    for (const title of ['baseline', 'head', 'change', 'p']) {
      const end = header.indexOf(` ${title} `) + title.length + 1;
      for (const row of table.slice(1)) {
        expect(row[end - 1]).not.toBe(' ');
        expect(row[end]).toBe(' ');
      }
    }
    const statusAt = header.indexOf('status');
    expect(table.slice(1).map((r) => r.slice(statusAt).split(' ')[0])).toEqual([
      'unchanged', 'unchanged', 'regressed', 'unchanged', 'unchanged', 'unchanged', 'unchanged',
    ]);
    expect(table[3]).toBe('  p99 latency            8.42 ms        9.46 ms  +12.3%  +8.1% to +16.0%  0.0004  regressed');
    expect(tableLines(text, 'budget')).toEqual([
      '  budget          limit    head  status',
      '  p95 latency  ≤ 200 ms  232 ms  broken',
    ]);
  });

  it('colours only when asked, after padding so columns stay aligned', () => {
    const plain = renderTerminal(regression(), artifactContext(), { color: false });
    const coloured = renderTerminal(regression(), artifactContext(), { color: true });
    expect(coloured.split('\n')[0]).toBe('\u001b[31m✖ Fail — performance regressed and a budget is exceeded · perfgate api\u001b[0m');
    expect(coloured).toContain('\u001b[31mregressed\u001b[0m');
    expect(coloured).toContain('\u001b[31mbroken\u001b[0m');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('works without a context, and shows the head alone without a baseline', () => {
    const s = steadyScenario('GET /items', 1, false);
    const headOnly: ScenarioAnalysis = {
      ...s,
      metrics: s.metrics.map((m) => ({ ...m, baseline: null, change: null, ciLow: null, ciHigh: null, p: null, pAdjusted: null, status: 'unavailable' as const })),
    };
    const text = renderTerminal(analysis({ verdict: 'no-baseline', method: 'none', reason: 'first run', scenarios: [headOnly] }));
    const lines = text.split('\n');
    expect(lines[0]).toBe('i No baseline — nothing to compare with yet');
    expect(lines[1]).toMatch(/^There is no baseline to compare with \(first run\), so this run passes/);
    expect(tableLines(text, 'metric')).toEqual([
      '  metric                    head',
      '  p50 latency            1.24 ms',
      '  p90 latency            2.72 ms',
      '  p99 latency            8.45 ms',
      '  throughput        12,395 req/s',
      '  error rate                  0%',
      '  CPU per request  0.0525 ms/req',
      '  peak RSS               52.6 MB',
    ]);
  });

  it('shows an acknowledged fail as passed, naming the label', () => {
    const a = { ...regression(), acknowledged: true };
    const text = renderTerminal(a, artifactContext({ acknowledgedBy: 'perf-regression-accepted' }));
    expect(text.split('\n')[0]).toBe('✔ Acknowledged regression (label perf-regression-accepted) · perfgate api');
  });
});

describe('renderTerminal: one-line charts', () => {
  const BLOCKS = /[\u2581-\u2588]/;
  const paired = () => {
    const s = withMetric(steadyScenario('GET /items', 1, false), 'p99', {
      status: 'regressed',
      samples: { baseline: [10, 10, 10, 10, 10, 10], head: [11, 11.2, 10.8, 11, 14, 11] },
    });
    return analysis({ verdict: 'fail', method: 'paired', scenarios: [withMetric(s, 'throughput', { samples: { baseline: [100, 100, 100], head: [100, 100, 100] } })] });
  };
  const ctx = () => artifactContext({ mode: 'base-ref', baseline: null, head: results({ variantNames: ['base', 'head'] }) });

  it('paired, Unicode terminal: each round of head against base as blocks, with its range', () => {
    const text = renderTerminal(paired(), ctx(), { unicode: true });
    const at = text.indexOf('  each round, head against base:');
    expect(at).toBeGreaterThan(0);
    expect(text.slice(at).split('\n').slice(0, 3)).toEqual([
      '  each round, head against base:',
      // 1.10 1.12 1.08 1.10 1.40 1.10 on eight levels from 1.08 to 1.40: the odd fifth round stands out
      '    p99 latency  ▁▂▁▁█▁  +8.0% to +40.0%',
      '    throughput   ▄▄▄     0.0% to 0.0%',
    ]);
  });

  it('plain terminal: the same rows in words, no block characters', () => {
    const text = renderTerminal(paired(), ctx(), { unicode: false });
    expect(text).not.toMatch(BLOCKS);
    expect(text).toContain('    p99 latency  +8.0% to +40.0%\n');
    expect(renderTerminal(paired(), ctx())).not.toMatch(BLOCKS);
  });

  it('against a stored baseline with a history: the trend of the medians, oldest first', () => {
    const entry = (createdAt: string, p50: number) => ({ sha: null, runId: null, createdAt, environment: null, scenarios: { 'GET /items': { p50 } } });
    const baseline = baselineResults({ history: [entry('2025-03-06T00:00:00Z', 1.3), entry('2025-03-05T00:00:00Z', 1.2)] });
    const s = withMetric(steadyScenario('GET /items', 1, false), 'p50', { baseline: 1.25, head: 1.5 });
    const text = renderTerminal(analysis({ scenarios: [s] }), artifactContext({ baseline }), { unicode: true });
    const lines = text.split('\n');
    const at = lines.indexOf('  trend: earlier trusted runs, the baseline, this run (medians):');
    expect(at).toBeGreaterThan(0);
    // 1.2, 1.3, 1.25, 1.5; the other metrics have no history here, so baseline and this run only
    expect(lines[at + 1]).toBe('    p50 latency      ▁▃▂█  1.2 ms → 1.5 ms');
    expect(lines[at + 2]).toMatch(/^ {4}p90 latency {6}\S\S {4}2\.71 ms → 2\.72 ms$/);
  });
});
