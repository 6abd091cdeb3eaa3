import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/results/schema.js';
import { renderComment, renderJobSummary } from '../../src/report/index.js';
import { roundChart } from '../../src/report/round-chart.js';
import { trendChart } from '../../src/report/trend-chart.js';
import { analysis, artifactContext, baselineResults, ENVIRONMENT, metric, results, steadyScenario, withMetric } from './fixtures.js';
import { mermaidBlocks, parseChart } from '../helpers/mermaid.js';

const BASE = [10, 10.2, 9.9, 10.1, 10, 9.8, 10.3, 10, 10.1, 9.9];
const HEAD = [11.2, 11.5, 11, 11.4, 11.1, 10.9, 11.6, 11.2, 13.9, 11];

/** A paired CPU-per-request regression of about +12%, one odd round (9th) at +38%. */
const cpuRegression = metric('cpuPerRequest', {
  baseline: 10, head: 11.2, change: 0.12, ciLow: 0.1, ciHigh: 0.14, pAdjusted: 0.002, threshold: 0.05, status: 'regressed',
  samples: { baseline: BASE, head: HEAD },
});

describe('per-round chart', () => {
  it("draws each round's head / base with the threshold on both sides, and parses", async () => {
    const round = roundChart(cpuRegression)!;
    await expect(`${round.heading}\n\n${round.chart.block}\n\n${round.chart.caption}\n`).toMatchFileSnapshot('./__snapshots__/chart-per-round.md');
    expect(round.heading).toBe("CPU per request, 10 rounds: each round's head value divided by its base value (1 = no change)");
    const chart = await parseChart(round.chart.block!);
    expect(chart.title).toBe('CPU per request: head / base in each round');
    expect(chart.categories).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(chart.lines.map((l) => l.title)).toEqual(['head / base', 'regression at +5%', 'improvement at −5%']);
    expect(chart.lines[0]!.values).toEqual(HEAD.map((h, i) => Number((h / BASE[i]!).toPrecision(4))));
    expect(chart.lines[0]!.values[8]).toBe(1.376);
    expect(chart.lines[1]!.values).toEqual(Array(10).fill(1.05));
    expect(chart.lines[2]!.values).toEqual(Array(10).fill(0.95));
    // Zoomed to the points and thresholds (0.95 to 1.376) with a tenth of their range on each side.
    expect(chart.yMin).toBeCloseTo(0.9074, 4);
    expect(chart.yMax).toBeCloseTo(1.419, 3);
    expect(round.chart.caption).toBe('Lines: head / base (blue), regression at +5% (orange), improvement at −5% (green).');
    // The README shows this very chart: it stays what the report draws.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`${round.chart.block}\n\n<sub>${round.chart.caption}</sub>`);
    expect(mermaidBlocks(readme)).toHaveLength(1);
  });

  it('throughput regresses downwards: the regression line is below 1', async () => {
    const m = metric('throughput', { status: 'improved', threshold: 0.1, samples: { baseline: [100, 100, 100], head: [120, 118, 125] } });
    const chart = await parseChart(roundChart(m)!.chart.block!);
    expect(chart.lines.map((l) => [l.title, l.values[0]])).toEqual([['head / base', 1.2], ['regression at −10%', 0.9], ['improvement at +10%', 1.1]]);
  });

  it('the error rate is judged in points: head − base in percentage points, thresholds ± t points', async () => {
    const m = metric('errorRate', {
      changeKind: 'absolute', threshold: 0.01, status: 'inconclusive', samples: { baseline: [0, 0.001, 0], head: [0.02, 0.004, 0.015] },
    });
    const round = roundChart(m)!;
    const chart = await parseChart(round.chart.block!);
    expect(chart.yTitle).toBe('head − base (pp)');
    expect(chart.lines.map((l) => l.title)).toEqual(['head − base', 'regression at +1 pp', 'improvement at −1 pp']);
    expect(chart.lines[0]!.values).toEqual([2, 0.3, 1.5]);
    expect(chart.lines[1]!.values).toEqual([1, 1, 1]);
    expect(round.heading).toContain('minus its base error rate, in percentage points');
  });

  it('a round whose base is 0 has no ratio: left out and named; no pairs or one round draws nothing', () => {
    const m = metric('p99', { status: 'regressed', samples: { baseline: [2, 0, 2], head: [3, 3, 3] } });
    const round = roundChart(m)!;
    expect(round.chart.block).toContain('x-axis "round" ["1", "3"]');
    expect(round.chart.caption).toContain('Left out for lack of a value: x = 2 (head / base).');
    expect(roundChart(metric('p99', { samples: { baseline: [1, 2], head: [1, 2, 3] } }))).toBeNull();
    expect(roundChart(metric('p99', { samples: { baseline: [1], head: [1] } }))).toBeNull();
    expect(roundChart(metric('p99'))).toBeNull();
  });

  it('in a paired comment: only gated metrics that regressed, improved or are inconclusive, in the Charts details', async () => {
    let s = withMetric(steadyScenario('GET /items'), 'cpuPerRequest', cpuRegression);
    s = withMetric(s, 'peakRss', { gated: false, status: 'regressed' });
    s = withMetric(s, 'p99', { status: 'inconclusive', threshold: 0.1 });
    const a = analysis({ verdict: 'fail', method: 'paired', scenarios: [s, steadyScenario('POST /orders')] });
    const ctx = artifactContext({ mode: 'base-ref', baseline: null, head: results({ variantNames: ['base', 'head'] }) });
    const md = renderComment(a, ctx);
    const charts = md.slice(md.indexOf('<summary>Charts</summary>'), md.indexOf('</details>', md.indexOf('<summary>Charts</summary>')));
    expect(charts.match(/^\*\*`[^`]+`\*\*$/gm)).toEqual(['**`GET /items`**']);
    const parsed = await Promise.all(mermaidBlocks(md).map(parseChart));
    expect(parsed.map((c) => c.title)).toEqual(['p99 latency: head / base in each round', 'CPU per request: head / base in each round']);
    // No trend in a paired run: there is no stored history to draw.
    expect(renderJobSummary(a, ctx)).not.toContain('Trend over trusted runs');
  });
});

function entry(day: string, p50: number, cpu: number | null, throughput: number): HistoryEntry {
  return {
    sha: null, runId: null, createdAt: `2025-03-${day}T09:30:00.000Z`, environment: ENVIRONMENT,
    scenarios: { 'GET /items': { p50, throughput, errorRate: 0, ...(cpu === null ? {} : { cpuPerRequest: cpu }) } },
  };
}

describe('trend chart', () => {
  // Stored newest first; 03-03 has two runs, 03-02 predates CPU measurement.
  const history = [entry('06', 1.1, 0.055, 990), entry('05', 1.05, 0.052, 1000), entry('03', 1, 0.05, 1010), entry('03', 1.02, 0.051, 1000), entry('02', 0.9, null, 1100)];
  const baseline = baselineResults({ history });
  const scenario = () => {
    let s = steadyScenario('GET /items', 1, false);
    s = withMetric(s, 'p50', { baseline: 1.1, head: 1.25, status: 'regressed' });
    s = withMetric(s, 'cpuPerRequest', { baseline: 0.056, head: 0.06 });
    s = withMetric(s, 'throughput', { baseline: 980, head: 950 });
    s = withMetric(s, 'p99', { gated: false });
    return withMetric(s, 'errorRate', { changeKind: 'absolute' });
  };

  it('history oldest first, the baseline, this run: each gated ratio metric as % of the oldest run shown', async () => {
    const trend = trendChart(scenario(), baseline)!;
    await expect(`${trend.heading}\n\n${trend.chart.block}\n\n${trend.chart.caption}\n`).toMatchFileSnapshot('./__snapshots__/chart-trend.md');
    const chart = await parseChart(trend.chart.block!);
    expect(chart.title).toBe('Trend over trusted runs (% of the oldest run shown)');
    // 03-02 has no CPU value: left out of every line, so every line starts at the same run.
    expect(chart.categories).toEqual(['03-03', '03-03 #2', '03-05', '03-06', '03-07', 'this run']);
    expect(chart.lines.map((l) => l.title)).toEqual(['p50 latency', 'throughput', 'CPU per request']);
    expect(chart.lines[0]!.values).toEqual([100, 98.04, 102.9, 107.8, 107.8, 122.5]);
    expect(chart.lines[1]!.values).toEqual([100, 101, 100, 99, 98, 95]);
    expect(chart.lines[2]!.values).toEqual([100, 98.04, 102, 107.8, 109.8, 117.6]);
    expect(trend.heading).toBe(
      "Each run's median as a percentage of the oldest run shown (100 = no change): 4 earlier trusted runs, the baseline and this run; " +
        'higher is worse for latency and CPU, better for throughput; 1 run without a value of every metric left out; ' +
        'the error rate is not drawn (a change of a rate that is often zero has no percentage)',
    );
  });

  it('leaves out metrics measured under other load settings than the baseline, and says so', async () => {
    const s = withMetric(scenario(), 'throughput', { status: 'not-comparable' });
    const trend = trendChart(s, baseline)!;
    expect((await parseChart(trend.chart.block!)).lines.map((l) => l.title)).toEqual(['p50 latency', 'CPU per request']);
    expect(trend.heading).toContain('; metrics measured under other load settings than the baseline are not drawn;');
  });

  it('nothing to draw: no gated ratio metric with a value in this run, or a single run', () => {
    const s = scenario();
    expect(trendChart({ ...s, metrics: s.metrics.map((m) => ({ ...m, head: null })) }, baseline)).toBeNull();
    expect(trendChart({ ...s, metrics: s.metrics.map((m) => ({ ...m, baseline: null })) }, baselineResults({ history: [] }))).toBeNull();
  });

  it('the comment draws the trend of the scenarios that changed; the job summary of every scenario', async () => {
    const a = analysis({ verdict: 'fail', scenarios: [scenario(), { ...steadyScenario('POST /orders', 1, false) }] });
    const ctx = artifactContext({ baseline });
    const comment = mermaidBlocks(renderComment(a, ctx));
    const summary = mermaidBlocks(renderJobSummary(a, ctx));
    expect(comment).toHaveLength(1);
    expect(summary).toHaveLength(2);
    for (const block of [...comment, ...summary]) await parseChart(block);
    // POST /orders has no history of its own: the baseline and this run.
    expect((await parseChart(summary[1]!)).categories).toEqual(['03-07', 'this run']);
  });
});
