import { describe, expect, it } from 'vitest';
import type { ScenarioAnalysis } from '../../src/analyze/types.js';
import { COMMENT_LIMIT, JOB_SUMMARY_LIMIT_BYTES, renderComment, renderJobSummary } from '../../src/report/index.js';
import { analysis, artifactContext, baselineResults, budget, ENVIRONMENT, headingsOf, results, steadyScenario, tableTexts, withMetric } from './fixtures.js';
import { mermaidBlocks, parseChart } from '../helpers/mermaid.js';

const name = (i: number): string => `GET /api/v1/catalog/products/${i}/variants?page=1&sort=price`;

/**
 * 300 scenarios of 7 metrics and 2 budgets each, with per-trial samples: 2 regressions, 1 broken
 * budget, 5 improvements and 4 inconclusive metrics, each in its own scenario.
 */
function largeSuite(): ScenarioAnalysis[] {
  return Array.from({ length: 300 }, (_, i) => {
    let s: ScenarioAnalysis = {
      ...steadyScenario(name(i)),
      budgets: [budget({ metric: 'p95', limit: 500, value: 4.2 }), budget({ metric: 'errorRate', limit: 0.01, value: 0 })],
    };
    if (i === 17) s = withMetric(s, 'p99', { head: 9.9, change: 0.176, ciLow: 0.12, ciHigh: 0.23, pAdjusted: 0.0021, threshold: 0.1, status: 'regressed' });
    if (i === 123) s = withMetric(s, 'cpuPerRequest', { head: 0.0561, change: 0.073, ciLow: 0.05, ciHigh: 0.095, pAdjusted: 0.00004, threshold: 0.03, status: 'regressed' });
    if (i === 250) s = { ...s, budgets: [budget({ metric: 'p95', limit: 500, value: 612, ok: false }), budget({ metric: 'errorRate', limit: 0.01, value: 0 })] };
    if (i >= 40 && i < 45) s = withMetric(s, 'cpuPerRequest', { change: -0.09, ciLow: -0.12, ciHigh: -0.06, pAdjusted: 0.003, status: 'improved' });
    if (i >= 60 && i < 64) s = withMetric(s, 'p99', { change: 0.06, ciLow: -0.04, ciHigh: 0.16, pAdjusted: 0.4, threshold: 0.1, minDetectableEffect: 0.19, status: 'inconclusive' });
    return s;
  });
}

const context = () => artifactContext({ head: results({ scenarioNames: Array.from({ length: 300 }, (_, i) => name(i)) }) });

describe('comment size', () => {
  it('300 scenarios: under 60,000 characters, trimmed details first, and says what was left out', async () => {
    const a = analysis({ verdict: 'fail', scenarios: largeSuite() });
    const md = renderComment(a, context());
    await expect(md).toMatchFileSnapshot('./__snapshots__/300-scenarios.md');

    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain(
      "✂️ **Trimmed to stay under GitHub's comment size limit.** Left out: per-trial values; the environment table; " +
        'the tables of 288 scenarios where every metric was unchanged and every budget held. ' +
        'The results file (`perfgate-results.json`) holds every value.',
    );
    expect(md).toContain(
      `\`${name(17)}\` p99 latency regressed by +17.6% (95% CI +12.0% to +23.0%, p = 0.0021), ` +
        `\`${name(123)}\` CPU per request regressed by +7.3% (95% CI +5.0% to +9.5%, p < 0.0001) and ` +
        `\`${name(250)}\` p95 latency is 612 ms, outside its budget (≤ 500 ms).`,
    );
    expect(md).not.toContain('<summary>Per-trial values</summary>');
    expect(md).not.toContain('<summary>Environment</summary>');
    expect(md).toContain('<summary>Method</summary>');

    const shown = [17, 40, 41, 42, 43, 44, 60, 61, 62, 63, 123, 250];
    expect(headingsOf(md).slice(1)).toEqual(shown.map(name));
    // the full metric table and the budget table of each scenario where something changed
    const tables = tableTexts(md);
    expect(tables.map((t) => t[0]?.length)).toEqual(shown.flatMap(() => [7, 4]));
    for (const t of tables) for (const row of t) expect(row).toHaveLength(t[0]?.length ?? -1);
    expect(tables.map((t) => t.length - 1)).toEqual(shown.flatMap(() => [7, 2]));
    expect(tables[0]?.[3]).toEqual(['p99 latency', '8.42 ms', '9.9 ms', '+17.6%', '+12.0% to +23.0%', '0.0021', '❌ regressed']);
    expect(tables.at(-1)?.[1]).toEqual(['p95 latency', '≤ 500 ms', '612 ms', '❌ broken']);
  });

  it('when the changed scenarios do not fit whole, keeps only their changed rows', () => {
    const scenarios = Array.from({ length: 300 }, (_, i) => {
      const s = steadyScenario(name(i), 1, false);
      return i % 2 === 0 ? withMetric(s, 'throughput', { change: 0.08, ciLow: 0.06, ciHigh: 0.1, pAdjusted: 0.002, status: 'improved' }) : s;
    });
    const md = renderComment(analysis({ scenarios }), context());
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain(
      'Left out: the environment table; 1,950 table rows of unchanged or unavailable metrics and budgets that held ' +
        '(so 150 scenarios show no table).',
    );
    const tables = tableTexts(md);
    expect(tables).toHaveLength(150);
    for (const t of tables) {
      expect(t.map((row) => row.length)).toEqual([7, 7]);
      expect(t[1]?.[0]).toBe('throughput');
    }
  });

  it('the job summary of the same suite keeps every scenario', () => {
    const a = analysis({ verdict: 'fail', scenarios: largeSuite() });
    const md = renderJobSummary(a, context());
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT_BYTES);
    expect(md.length).toBeGreaterThan(COMMENT_LIMIT);
    expect(md).not.toContain('Trimmed');
    expect(md.match(/^#### /gm)).toHaveLength(300);
    expect(md.match(/^\| metric \| baseline \| head \|/gm)).toHaveLength(300);
  });

  it('when even the failures do not fit, keeps the first failing scenarios and counts the rest', () => {
    const scenarios = Array.from({ length: 300 }, (_, i) => {
      let s = steadyScenario(name(i), 1, false);
      for (const m of ['p50', 'p99', 'throughput', 'errorRate', 'cpuPerRequest'] as const) {
        s = withMetric(s, m, { change: 0.2, ciLow: 0.15, ciHigh: 0.25, pAdjusted: 0.0001, status: 'regressed' });
      }
      return s;
    });
    const md = renderComment(analysis({ verdict: 'fail', scenarios }), context());
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain('and 1,497 more (see the tables).');
    const shown = headingsOf(md).length - 1;
    expect(shown).toBeGreaterThan(50);
    expect(shown).toBeLessThan(300);
    expect(md).toContain(`the tables of ${300 - shown} more failing scenarios`);
    const tables = tableTexts(md);
    expect(tables).toHaveLength(shown);
    for (const t of tables) {
      expect(t).toHaveLength(6); // header and the 5 gated regressions
      for (const row of t) expect(row).toHaveLength(7);
    }
  });

  it('cuts as a last resort when the fixed parts alone are too long', () => {
    const md = renderComment(analysis({ scenarios: [steadyScenario('GET /items')] }), artifactContext({ notes: ['x'.repeat(70_000)] }));
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md.endsWith('✂️ The rest of this report was cut to stay under the size limit.\n')).toBe(true);
  });

  it('honours a smaller limit by dropping per-trial values first', () => {
    const a = analysis({ scenarios: [steadyScenario('GET /items'), steadyScenario('POST /orders')] });
    const full = renderComment(a, artifactContext());
    const smaller = renderComment(a, artifactContext(), { maxLength: full.length - 1 });
    expect(smaller.length).toBeLessThan(full.length);
    expect(smaller).not.toContain('Per-trial values</summary>');
    expect(smaller).toContain('<summary>Environment</summary>');
    expect(smaller).toContain('Left out: per-trial values. The results file');
  });

  it('300 scenarios with a 20-run history, 60 changed: charts go to the changed ones, regressions first, then a line counts the rest', async () => {
    const names = Array.from({ length: 300 }, (_, i) => name(i));
    // 20 earlier trusted runs (stored newest first), one a day, with medians drifting by scenario and day.
    const history = Array.from({ length: 20 }, (_, d) => ({
      sha: null, runId: String(8000 - d), createdAt: new Date(Date.UTC(2025, 1, 20 - d, 9, 30)).toISOString(), environment: ENVIRONMENT,
      scenarios: Object.fromEntries(names.map((n, i) => [n, { p50: 1.2 + ((i + d) % 7) / 100, p99: 8 + ((i * d) % 11) / 10, throughput: 12_000 - ((i + 3 * d) % 13) * 10, cpuPerRequest: 0.05 + (d % 5) / 1000 }])),
    }));
    const scenarios = names.map((n, i) => {
      const s = steadyScenario(n, 1, false);
      if (i % 15 === 0) return withMetric(s, 'p99', { head: 9.9, change: 0.176, ciLow: 0.12, ciHigh: 0.23, pAdjusted: 0.0021, threshold: 0.1, status: 'regressed' });
      if (i % 5 === 0) return withMetric(s, 'cpuPerRequest', { change: -0.09, ciLow: -0.12, ciHigh: -0.06, pAdjusted: 0.003, status: 'improved' });
      return s;
    });
    const ctx = artifactContext({ head: results({ scenarioNames: names }), baseline: baselineResults({ history }) });
    const a = analysis({ verdict: 'fail', scenarios });
    const md = renderComment(a, ctx);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);

    const start = md.indexOf('<summary>Charts</summary>');
    const charts = md.slice(start, md.indexOf('\n</details>', start));
    const charted = [...charts.matchAll(/^\*\*`([^`]+)`\*\*$/gm)].map((m) => m[1]);
    const regressed = names.filter((_, i) => i % 15 === 0);
    const improved = names.filter((_, i) => i % 5 === 0 && i % 15 !== 0);
    // Regressions first (20 of them), then improvements, each in scenario order, until the room runs out.
    expect(charted.length).toBeGreaterThan(5);
    expect(charted.length).toBeLessThan(60);
    expect(charted).toEqual([...regressed, ...improved].slice(0, charted.length));
    expect(charts).toContain(`✂️ The charts of ${60 - charted.length} more scenarios were left out to stay under GitHub's comment size limit.`);
    const blocks = mermaidBlocks(md);
    expect(blocks).toHaveLength(charted.length);
    // 20 runs of history, the baseline and this run on every line
    for (const block of blocks) expect((await parseChart(block)).categories).toHaveLength(22);

    const summary = renderJobSummary(a, ctx);
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT_BYTES);
    expect(mermaidBlocks(summary)).toHaveLength(300);
    expect(summary).not.toContain('more scenarios were left out');
  });
});
