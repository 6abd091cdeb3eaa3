import { describe, expect, it } from 'vitest';
import type { Analysis, ScenarioAnalysis } from '../../src/analyze/types.js';
import { commentMarker, renderComment, renderJobSummary, type ReportContext } from '../../src/report/index.js';
import {
  analysis,
  artifactContext,
  BASE_SHA,
  baselineResults,
  budget,
  ENVIRONMENT,
  firstVisibleLine,
  headingsOf,
  outsideDetails,
  results,
  steadyScenario,
  tableTexts,
  withMetric,
} from './fixtures.js';
import { mermaidBlocks } from '../helpers/mermaid.js';

/**
 * Every table parses as GFM with the expected number of columns in every row (header included),
 * and there are exactly as many tables as expected, in order.
 */
function expectTables(markdown: string, columns: number[]): string[][][] {
  const tables = tableTexts(markdown);
  expect(tables.map((t) => t[0]?.length)).toEqual(columns);
  tables.forEach((rows, i) => {
    for (const row of rows) expect(row).toHaveLength(columns[i] ?? -1);
  });
  return tables;
}

/** The metric table of a scenario (first table whose header starts with "metric"), as rows by metric label. */
function metricRows(tables: string[][][], index = 0): Map<string, string[]> {
  const metricTables = tables.filter((t) => t[0]?.[0] === 'metric');
  const table = metricTables[index] ?? [];
  return new Map(table.slice(1).map((row) => [row[0] ?? '', row]));
}

const snapshot = (name: string): string => `./__snapshots__/${name}.md`;

const twoScenarios = (): ScenarioAnalysis[] => [steadyScenario('GET /items'), steadyScenario('POST /orders', 3)];

describe('renderComment', () => {
  it('pass: marker first, verdict line, tables, details', async () => {
    const a = analysis({
      scenarios: twoScenarios().map((s, i) =>
        i === 0
          ? { ...s, budgets: [budget({ metric: 'p95', limit: 200, value: 4.1 }), budget({ metric: 'errorRate', limit: 0.01, value: 0 })] }
          : s,
      ),
    });
    const md = renderComment(a, artifactContext());
    await expect(md).toMatchFileSnapshot(snapshot('pass'));

    expect(md.split('\n')[0]).toBe('<!-- perfgate:api -->');
    expect(firstVisibleLine(md)).toBe('### ✅ Pass — no performance regression · perfgate `api`');
    expect(md).toContain('All 10 gated metrics in 2 scenarios stayed within their thresholds; nothing regressed.');
    expect(md).toContain('**Mode:** `artifact`: head `d4e5f6a` against the stored baseline `a1b2c3d` from the default branch.');
    // metric tables of both scenarios, the budget table of the first, the environment table
    const tables = expectTables(md, [7, 4, 7, 4]);
    expect(tables[0]?.[0]).toEqual(['metric', 'baseline', 'head', 'change', '95% CI', 'p', 'status']);
    expect(metricRows(tables).get('p50 latency')).toEqual([
      'p50 latency', '1.23 ms', '1.24 ms', '+0.4%', '-1.2% to +1.9%', '1', '✅ unchanged',
    ]);
    expect(metricRows(tables).get('throughput')?.slice(1, 3)).toEqual(['12,346 req/s', '12,395 req/s']);
    expect(metricRows(tables).get('peak RSS')?.[6]).toBe('✅ unchanged (not gated)');
    expect(tables[1]?.slice(1)).toEqual([
      ['p95 latency', '≤ 200 ms', '4.1 ms', '✅ ok'],
      ['error rate', '≤ 1%', '0%', '✅ ok'],
    ]);
    expect(headingsOf(md)).toEqual([
      'Pass — no performance regression · perfgate api'.replace('✅ ', ''),
      'GET /items',
      'POST /orders',
    ].map((h, i) => (i === 0 ? `✅ ${h}` : h)));
    for (const section of ['Per-trial values', 'Environment', 'Method', 'Baseline', 'Reproduce locally']) {
      expect(md).toContain(`<summary>${section}</summary>\n\n`);
    }
    expect(md).toContain('- **Created:** `2025-03-07T09:30:00.000Z` (3 days old)');
    expect(md).toContain('- **Run:** [workflow run](https://github.com/octo-org/service/actions/runs/8800)');
    expect(md).toContain('- p99 latency (ms): baseline 8.25, 8.42, 8.59, 8.34, 8.5, 8.25, 8.42, 8.59, 8.34, 8.5; head 8.28,');
    expect(md).toContain('- throughput (req/s): baseline 12099, 12346, 12593,');
    expect(md).toContain('```sh\nnpx perfgate compare perfgate-baseline.json perfgate-results.json\n```');
  });

  it('regression: one sentence names metric, size, interval and p', async () => {
    const items = withMetric(steadyScenario('GET /items'), 'p99', {
      head: 9.46,
      change: 0.123,
      ciLow: 0.081,
      ciHigh: 0.16,
      p: 0.00002,
      pAdjusted: 0.0004,
      threshold: 0.1,
      status: 'regressed',
    });
    const a = analysis({ verdict: 'fail', scenarios: [items, steadyScenario('POST /orders', 3)] });
    const md = renderComment(a, artifactContext());
    await expect(md).toMatchFileSnapshot(snapshot('regression'));

    expect(firstVisibleLine(md)).toBe('### ❌ Fail — performance regressed · perfgate `api`');
    const lines = md.split('\n').filter((l) => l.trim() !== '');
    expect(lines[2]).toBe('`GET /items` p99 latency regressed by +12.3% (95% CI +8.1% to +16.0%, p = 0.0004).');
    const tables = expectTables(md, [7, 7, 4]);
    expect(metricRows(tables).get('p99 latency')).toEqual([
      'p99 latency', '8.42 ms', '9.46 ms', '+12.3%', '+8.1% to +16.0%', '0.0004', '❌ regressed',
    ]);
  });

  it('names at most three failures and counts the rest', () => {
    const scenarios = ['A', 'B', 'C', 'D', 'E'].map((n) =>
      withMetric(steadyScenario(n), 'cpuPerRequest', { change: 0.08, ciLow: 0.05, ciHigh: 0.11, pAdjusted: 3e-6, status: 'regressed' }),
    );
    const md = renderComment(analysis({ verdict: 'fail', scenarios }), artifactContext());
    expect(md).toContain(
      '`A` CPU per request regressed by +8.0% (95% CI +5.0% to +11.0%, p < 0.0001), ' +
        '`B` CPU per request regressed by +8.0% (95% CI +5.0% to +11.0%, p < 0.0001), ' +
        '`C` CPU per request regressed by +8.0% (95% CI +5.0% to +11.0%, p < 0.0001) and 2 more (see the tables).',
    );
  });

  it('improvement: pass that names what improved', async () => {
    const s = withMetric(steadyScenario('GET /items'), 'cpuPerRequest', {
      head: 0.0431,
      change: -0.176,
      ciLow: -0.201,
      ciHigh: -0.15,
      p: 0.000011,
      pAdjusted: 0.00012,
      status: 'improved',
    });
    const md = renderComment(analysis({ scenarios: [s] }), artifactContext());
    await expect(md).toMatchFileSnapshot(snapshot('improvement'));
    expect(firstVisibleLine(md)).toBe('### ✅ Pass — no performance regression · perfgate `api`');
    expect(md).toContain(
      '`GET /items` CPU per request improved by -17.6% (95% CI -20.1% to -15.0%, p = 0.00012); nothing regressed.',
    );
    const tables = expectTables(md, [7, 4]);
    expect(metricRows(tables).get('CPU per request')?.slice(3)).toEqual(['-17.6%', '-20.1% to -15.0%', '0.00012', '🚀 improved']);
  });

  it('inconclusive: minimum detectable effect and the noise-widened threshold', async () => {
    const s = withMetric(steadyScenario('GET /items'), 'p99', {
      change: 0.052,
      ciLow: -0.031,
      ciHigh: 0.14,
      p: 0.09,
      pAdjusted: 0.45,
      threshold: 0.184,
      thresholdWidenedFrom: 0.1,
      minDetectableEffect: 0.21,
      status: 'inconclusive',
    });
    const md = renderComment(analysis({ verdict: 'inconclusive', scenarios: [s] }), artifactContext());
    await expect(md).toMatchFileSnapshot(snapshot('inconclusive'));
    expect(firstVisibleLine(md)).toBe('### ⚠️ Inconclusive — too noisy to decide · perfgate `api`');
    expect(md).toContain('too noisy to decide `GET /items` p99 latency (+5.2%, 95% CI -3.1% to +14.0%, threshold ±18.4%)');
    const visible = outsideDetails(md);
    expect(visible).toContain('- Run-to-run noise in the baseline history widened the threshold of p99 latency from ±10% to ±18.4%.');
    expect(visible).toContain('- p99 latency is inconclusive: this run could only detect changes of about ±21% or more; its threshold is ±18.4%.');
    expect(md).toContain('p99 latency ±10% (widened by noise in 1 scenario)');
    const tables = expectTables(md, [7, 4]);
    expect(metricRows(tables).get('p99 latency')?.[6]).toBe('⚠️ inconclusive');
    expect(md).not.toContain('Run-level test');

    // With a run-level p the method says how p was formed.
    const withRuns = renderComment(analysis({ verdict: 'inconclusive', scenarios: [withMetric(s, 'p99', { pRuns: 0.09 })] }), artifactContext());
    expect(withRuns).toContain("- **Run-level test:** the baseline's history holds earlier runs, so a change must also stand out against them");
  });

  it('inconclusive without a named metric still reads as a sentence', () => {
    const md = renderComment(analysis({ verdict: 'inconclusive', scenarios: [] }), artifactContext());
    expect(md).toContain('Nothing regressed, but the measurements were too noisy to decide every gated metric: ');
    expectTables(md, [4]);
  });

  it('no-baseline: says why and how to create a baseline, shows the head alone', async () => {
    const s = steadyScenario('GET /items', 1, false);
    const headOnly: ScenarioAnalysis = {
      ...s,
      metrics: s.metrics.map((m) => ({
        ...m, baseline: null, change: null, ciLow: null, ciHigh: null, p: null, pAdjusted: null,
        status: 'unavailable' as const,
        ...(m.metric === 'cpuPerRequest' ? { head: null } : {}),
      })),
      budgets: [budget({ metric: 'p99', limit: 500, value: 8.45 })],
    };
    const a = analysis({
      verdict: 'no-baseline',
      method: 'none',
      rounds: { baseline: 0, head: 10 },
      reason: 'no baseline artifact perfgate-baseline-api was found for the default branch main.',
      scenarios: [headOnly],
    });
    const ctx = artifactContext({ baseline: null, baselineProvenance: null });
    const md = renderComment(a, ctx);
    await expect(md).toMatchFileSnapshot(snapshot('no-baseline'));
    expect(firstVisibleLine(md)).toBe('### ℹ️ No baseline — nothing to compare with yet · perfgate `api`');
    expect(md).toContain(
      'There is no baseline to compare with (no baseline artifact perfgate-baseline-api was found for the default branch main), ' +
        'so this run passes and only reports the head. A push to the default branch runs perfgate and stores its results as the baseline',
    );
    expect(md).toContain('**Mode:** `artifact`: head `d4e5f6a`, with no stored baseline to compare with.');
    // head-only metric table (CPU left out: unavailable), budgets, environment of this run alone
    const tables = expectTables(md, [2, 4, 2]);
    expect(tables[0]?.map((r) => r[0])).toEqual(['metric', 'p50 latency', 'p90 latency', 'p99 latency', 'throughput', 'error rate', 'peak RSS']);
    expect(md).not.toContain('<summary>Baseline</summary>');
  });

  it('broken budget: fails and says which limit', async () => {
    const s: ScenarioAnalysis = {
      ...steadyScenario('GET /items'),
      budgets: [budget({ metric: 'p95', limit: 200, value: 231.6, ok: false }), budget({ metric: 'throughput', limit: 1000, value: 12_395 })],
    };
    const md = renderComment(analysis({ verdict: 'fail', scenarios: [s] }), artifactContext());
    await expect(md).toMatchFileSnapshot(snapshot('broken-budget'));
    expect(firstVisibleLine(md)).toBe('### ❌ Fail — performance budget exceeded · perfgate `api`');
    expect(md).toContain('`GET /items` p95 latency is 232 ms, outside its budget (≤ 200 ms).');
    const tables = expectTables(md, [7, 4, 4]);
    expect(tables[1]?.slice(1)).toEqual([
      ['p95 latency', '≤ 200 ms', '232 ms', '❌ broken'],
      ['throughput', '≥ 1,000 req/s', '12,395 req/s', '✅ ok'],
    ]);
  });

  it('environment mismatch: a visible warning outside the details, differing rows flagged', async () => {
    const baseline = baselineResults({
      environment: { ...ENVIRONMENT, cpuModel: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', cores: 2, nodeVersion: 'v20.18.0' },
    });
    const md = renderComment(analysis({ scenarios: [steadyScenario('GET /items')] }), artifactContext({ baseline }));
    await expect(md).toMatchFileSnapshot(snapshot('environment-mismatch'));
    const visible = outsideDetails(md);
    expect(visible).toContain(
      '> ⚠️ **Different hardware:** the baseline ran on `Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz` with 2 cores; ' +
        'this run on `AMD EPYC 7763 64-Core Processor` with 4 cores.',
    );
    const tables = expectTables(md, [7, 4]);
    const env = new Map((tables[1] ?? []).map((r) => [r[0], r]));
    expect(env.get('cores')).toEqual(['cores', '2', '4', '⚠️ differs']);
    expect(env.get('Node.js')?.[3]).toBe('⚠️ differs');
    expect(env.get('OS')?.[3]).toBe('same');
    expect(md).toContain('3 properties differ between the machines (⚠️).');
  });

  it('no hardware warning when only the runner name differs', () => {
    const baseline = baselineResults({ environment: { ...ENVIRONMENT, runnerName: 'GitHub Actions 99' } });
    const md = renderComment(analysis({ scenarios: [steadyScenario('GET /items')] }), artifactContext({ baseline }));
    expect(md).not.toContain('Different hardware');
    expect(md).toContain('Both runs used the same kind of machine.');
  });

  it('acknowledged fail: visibly a regression, passed by the label', async () => {
    const s = withMetric(steadyScenario('GET /items'), 'p50', {
      head: 1.37,
      change: 0.112,
      ciLow: 0.09,
      ciHigh: 0.134,
      pAdjusted: 0.0011,
      status: 'regressed',
    });
    const a = analysis({ verdict: 'fail', acknowledged: true, scenarios: [s] });
    const md = renderComment(a, artifactContext({ acknowledgedBy: 'perf-regression-accepted' }));
    await expect(md).toMatchFileSnapshot(snapshot('acknowledged'));
    expect(firstVisibleLine(md)).toBe(
      '### ✅ Acknowledged regression (label `perf-regression-accepted`) · perfgate `api`',
    );
    expect(md).toContain(
      '`GET /items` p50 latency regressed by +11.2% (95% CI +9.0% to +13.4%, p = 0.0011). ' +
        'The label `perf-regression-accepted` accepts this on purpose, so the check passes.',
    );
    const tables = expectTables(md, [7, 4]);
    expect(metricRows(tables).get('p50 latency')?.[6]).toBe('❌ regressed');
  });

  it('paired base-ref mode: base and head commits, paired method, one environment', async () => {
    const s = withMetric(steadyScenario('GET /items'), 'cpuPerRequest', {
      head: 0.0545,
      change: 0.042,
      ciLow: 0.031,
      ciHigh: 0.053,
      p: 0.0000031,
      pAdjusted: 0.000019,
      threshold: 0.03,
      status: 'regressed',
    });
    const ctx: ReportContext = {
      suite: 'api',
      mode: 'base-ref',
      head: results({ variantNames: ['base', 'head'], trialsPerVariant: 30 }),
      baseline: null,
      reproduceCommand: 'npx perfgate run --compare base-ref --base main',
      now: '2025-03-10T12:30:00.000Z',
    };
    const a = analysis({ verdict: 'fail', method: 'paired', rounds: { baseline: 30, head: 30 }, scenarios: [s] });
    const md = renderComment(a, ctx);
    await expect(md).toMatchFileSnapshot(snapshot('base-ref'));
    expect(md).toContain(
      '`GET /items` CPU per request regressed by +4.2% (95% CI +3.1% to +5.3%, p < 0.0001).',
    );
    expect(md).toContain(
      '**Mode:** `base-ref`: base `a1b2c3d` and head `d4e5f6a` measured side by side on this runner',
    );
    expect(md).toContain('Wilcoxon signed-rank test on the per-round log ratios');
    expect(md).toContain('- **Rounds:** 30 rounds of interleaved base and head trials per scenario.');
    expect(md).toContain('- **Load time:** 5 min of measured load in this run.');
    expect(md).toContain(`The pull request's base commit \`${BASE_SHA.slice(0, 7)}\``);
    const tables = expectTables(md, [7, 2]);
    expect(tables[0]?.[0]?.[1]).toBe('base');

    // The same run measured with simultaneous pairing says so in the mode line, method and rounds.
    const together = renderComment(a, { ...ctx, head: { ...ctx.head, pairing: 'simultaneous' } });
    expect(together).toContain('measured side by side on this runner, both loaded at the same time in every round (paired).');
    expect(together).toContain('whose trials of a round run at the same time (simultaneous pairing)');
    expect(together).toContain('- **Rounds:** 30 rounds of simultaneous base and head trials per scenario.');
    expect(md).toContain('their trials interleaved round by round (paired).');
  });

  it('escapes | in table cells and keeps user text from breaking the markdown', () => {
    const baseline = baselineResults({ environment: { ...ENVIRONMENT, cpuModel: 'Weird | CPU `x`' } });
    const md = renderComment(
      analysis({ scenarios: [steadyScenario('GET /search?q=a|b `raw`')] }),
      artifactContext({ suite: 'odd-->suite', baseline, notes: ['baseline ignored:\nfrom a fork'] }),
    );
    expect(md.split('\n')[0]).toBe('<!-- perfgate:odd--&gt;suite -->');
    expect(headingsOf(md)[1]).toBe('GET /search?q=a|b `raw`');
    const tables = expectTables(md, [7, 4]);
    expect(new Map((tables[1] ?? []).map((r) => [r[0], r])).get('CPU model')?.[1]).toBe('Weird | CPU `x`');
    expect(outsideDetails(md)).toContain('> ⚠️ baseline ignored: from a fork');
  });

  it('the job summary is the same report, plus the trend of every scenario (the comment charts only those that changed)', () => {
    const a = analysis({ scenarios: twoScenarios() });
    const summary = renderJobSummary(a, artifactContext());
    const comment = renderComment(a, artifactContext());
    const withoutCharts = (md: string): string => md.replace(/<details>\n<summary>Charts<\/summary>[\s\S]*?\n<\/details>\n\n/, '');
    expect(withoutCharts(summary)).toBe(comment);
    expect(mermaidBlocks(comment)).toEqual([]);
    expect(mermaidBlocks(summary).map((b) => b.split('\n')[2])).toEqual([
      '  title "Trend over trusted runs (#37; of the oldest run shown)"',
      '  title "Trend over trusted runs (#37; of the oldest run shown)"',
    ]);
    expect(summary).toContain('**`GET /items`**');
    expect(summary).toContain('**`POST /orders`**');
  });

  it('commentMarker names the suite', () => {
    expect(commentMarker('api')).toBe('<!-- perfgate:api -->');
  });

  it('says there was no baseline file when a run without one failed on its own (a soak, a budget)', () => {
    const a: Analysis = { ...analysis({ scenarios: [steadyScenario('GET /items', 1, false)] }), verdict: 'fail' };
    for (const mode of ['local', 'artifact'] as const) {
      const md = renderComment(a, { suite: 'api', mode, head: results(), baseline: null });
      expect(md).toContain(mode === 'local' ? '**Mode:** `local`: head `d4e5f6a`, with no baseline file to compare with.' : '**Mode:** `artifact`: head `d4e5f6a`, with no stored baseline to compare with.');
      expect(md).not.toContain('against the');
    }
  });

  it('renders without a reproduce command, provenance or clock', () => {
    const a: Analysis = analysis({ scenarios: [steadyScenario('GET /items', 1, false)] });
    const md = renderComment(a, { suite: 'api', mode: 'local', head: results(), baseline: baselineResults() });
    expect(md).toContain('**Mode:** `local`: head `d4e5f6a` against the baseline file from `a1b2c3d`.');
    expect(md).toContain('- **Created:** `2025-03-07T09:30:00.000Z`\n');
    expect(md).toContain('- **Run:** unknown');
    expect(md).not.toContain('Reproduce locally');
    expect(md).not.toContain('Per-trial values');
    expectTables(md, [7, 4]);
  });
});
