import { describe, expect, it } from 'vitest';
import type { TestAnalysis } from '../../src/analyze/types.js';
import { renderComment, renderJobSummary } from '../../src/report/index.js';
import { renderXyChart, type XyChartInput } from '../../src/report/xychart.js';
import type { TestSpec } from '../../src/tests/kind.js';
import { analyzeCapacity } from '../../src/tests/capacity/analyze.js';
import type { CapacityRun } from '../../src/tests/capacity/measure.js';
import { capacityMarkdown } from '../../src/tests/capacity/render.js';
import { parseCapacitySettings } from '../../src/tests/capacity/settings.js';
import { analyzeSoak, type SoakRun } from '../../src/tests/soak/analyze.js';
import { soakMarkdown } from '../../src/tests/soak/render.js';
import { parseSoakSettings } from '../../src/tests/soak/settings.js';
import { analyzeSpike, type SpikeRun } from '../../src/tests/spike/analyze.js';
import { spikeMarkdown } from '../../src/tests/spike/render.js';
import { parseSpikeSettings } from '../../src/tests/spike/settings.js';
import { analysis, artifactContext, baselineResults, ENVIRONMENT, results, steadyScenario, withMetric } from './fixtures.js';
import { mermaidBlocks, parseChart } from '../helpers/mermaid.js';

/** Names that break naive quoting: quotes, brackets, entity and comment syntax, backticks, non-ASCII. */
export const NASTY_NAMES = [
  'GET /search?q="shoes"&tag=[a,b]',
  'POST /orders #1 (100% "fast")',
  "l'été — 日本語 ✓ 🚀 naïve",
  'a %% comment %%{init: {}}%% `code` <b>bold</b> &amp; #quot; #35;',
  'line "x" [1, 2]\ntitle "evil"\tx-axis',
  'עברית ‏RTL',
];

function spec<S>(kind: string, parse: (raw: Record<string, unknown>, at: string, problems: string[]) => S, entry: Record<string, unknown>): TestSpec<S> {
  const problems: string[] = [];
  const settings = parse({ kind, ...entry }, 'tests[0]', problems);
  expect(problems).toEqual([]);
  return { name: kind, kind, scenarios: ['s'], settings, entry };
}

function capacityRun(cap: number, jitter: number): CapacityRun {
  return {
    process: 0,
    steps: [100, 125, 156.25, 195.3125, 244.140625].filter((r) => r / 1.25 < cap * jitter).map((r) => ({
      offered: r, achieved: Math.min(r, cap * jitter), p50: 10, p95: 18, p99: r <= cap * jitter ? 20 + r / 50 : 500, mean: 10,
      requests: 100, errorRate: 0, connections: 16, cpuCores: 0.5, rssBytes: 5e7,
    })),
  };
}

function spikeRun(recoverMs: number): SpikeRun {
  const samples = [];
  for (let t = 0; t < 12_000; t += 250) {
    const inSpike = t >= 2000 && t < 4000 + recoverMs;
    samples.push({ startMs: t, durationMs: 250, requests: 50, errors: 0, successes: 50, p99: inSpike ? 400 : 10 + (t % 1000) / 500 });
  }
  return { process: 0, phases: { spikeStartMs: 2000, spikeEndMs: 4000 }, samples };
}

function soakRun(rssPerHour: number): SoakRun {
  const samples = Array.from({ length: 300 }, (_, i) => {
    const t = (i + 1) * 1000;
    return { atMs: t, rssBytes: 60e6 + (rssPerHour * t) / 3.6e6 + ((i % 30) / 30) * 2e6, fds: 40 + (i % 7 === 0 ? 1 : 0), p99: 10 + (i % 5) / 10, requests: 100 * (i + 1), cpuCores: 0.5 };
  });
  return { process: 0, samples, exited: false };
}

/** Every chart the capacity, spike and soak sections emit, with and without a baseline. */
function testKindMarkdown(scenario: string): string[] {
  return testKindAnalyses(scenario).map((a) => {
    const render = { capacity: capacityMarkdown, spike: spikeMarkdown, soak: soakMarkdown }[a.kind] as (x: TestAnalysis, o: { details: boolean }) => string;
    return render(a, { details: true });
  });
}

const analysed = new Map<string, TestAnalysis[]>();

/** Analysed once per name: the soak's slopes take a while. */
function testKindAnalyses(scenario: string): TestAnalysis[] {
  const known = analysed.get(scenario);
  if (known) return known;
  const capacity = spec('capacity', parseCapacitySettings, { 'start-rate': 100, 'step-factor': 1.25, 'step-duration': '1s', 'max-rate': 1000, repeats: 3, budgets: { p99: '100ms' } });
  const spike = spec('spike', parseSpikeSettings, { before: '2s', 'spike-duration': '2s', after: '8s', settle: '1s' });
  const soak = spec('soak', parseSoakSettings, { duration: '5m', interval: '1s', rate: 100 });
  const common = { scenario, alpha: 0.01, confidence: 0.95 };
  const out: TestAnalysis[] = [];
  for (const paired of [true, false]) {
    const withBase = paired;
    out.push(
      analyzeCapacity({ ...common, test: capacity, paired, baseline: withBase ? [capacityRun(200, 1), capacityRun(200, 1.01), capacityRun(200, 0.99)] : null, head: [capacityRun(160, 1), capacityRun(160, 1.01), capacityRun(160, 0.99)] }),
      analyzeSpike({ ...common, test: spike, paired, baseline: withBase ? [spikeRun(1000), spikeRun(1250), spikeRun(1000)] : null, head: [spikeRun(2000), spikeRun(2250), spikeRun(2000)] }),
      analyzeSoak({ ...common, test: soak, paired, baseline: withBase ? [soakRun(0)] : null, head: [soakRun(360e6)] }),
    );
  }
  analysed.set(scenario, out);
  return out;
}

describe("every chart parses with Mermaid's own parser", () => {
  it('the capacity, spike and soak charts, with a baseline and without', async () => {
    const blocks = testKindMarkdown(NASTY_NAMES[0]!).flatMap(mermaidBlocks);
    await expect(`${blocks.map((b) => `\`\`\`mermaid\n${b}\n\`\`\``).join('\n\n')}\n`).toMatchFileSnapshot('./__snapshots__/chart-test-kinds.md');
    // capacity, spike, soak RSS and soak fds: twice (with and without a baseline)
    expect(blocks).toHaveLength(8);
    const charts = await Promise.all(blocks.map(parseChart));
    const titles = ['p99 latency against offered rate (median of the ramps)', 'p99 over time (median of the spikes)', 'RSS over time (first soak)', 'open fds over time (first soak)'];
    expect(charts.map((c) => c.title)).toEqual([...titles, ...titles]);
    expect(charts.map((c) => c.lines.map((l) => l.title))).toEqual([
      ['baseline', 'head'], ['baseline', 'head'], ['baseline', 'head'], ['baseline', 'head'], ['head'], ['head'], ['head'], ['head'],
    ]);
    // The palette directive survives mermaid's directive sanitising.
    for (const c of charts) expect(c.config).toMatchObject({ themeVariables: { xyChart: { plotColorPalette: expect.stringMatching(/^#0072B2/) } } });
  });

  it('shows nasty titles, labels and line names exactly as written (flattened to one line)', async () => {
    const input: XyChartInput = {
      title: NASTY_NAMES.join(' | '),
      xLabel: NASTY_NAMES[1]!,
      yLabel: NASTY_NAMES[2]!,
      x: NASTY_NAMES,
      series: NASTY_NAMES.map((name, i) => ({ name, values: NASTY_NAMES.map((_, j) => i + j / 10) })),
    };
    const chart = await parseChart(renderXyChart(input).block!);
    const flat = (t: string) => t.replace(/\s+/g, ' ').trim();
    expect(chart.title).toBe(flat(input.title));
    // Six long labels do not fit side by side: they are hidden and the axis title names the range.
    expect(chart.config).toMatchObject({ xyChart: { xAxis: { showLabel: false } } });
    expect(chart.xTitle).toBe(`${flat(input.xLabel)}: ${flat(NASTY_NAMES[0]!)} to ${flat(NASTY_NAMES[5]!)}`);
    expect(chart.yTitle).toBe(flat(input.yLabel));
    expect(chart.categories).toEqual(NASTY_NAMES.map(flat));
    expect(chart.lines.map((l) => l.title)).toEqual(NASTY_NAMES.map(flat));
    expect(chart.lines[5]!.values).toEqual([5, 5.1, 5.2, 5.3, 5.4, 5.5]);
  });

  it('hidden x labels: the showLabel directive is kept by mermaid', async () => {
    const x = Array.from({ length: 50 }, (_, i) => i * 10);
    const chart = await parseChart(renderXyChart({ title: 't', xLabel: 'time (s)', yLabel: 'ms', x, series: [{ name: 'head', values: x.map((v) => v / 3) }] }).block!);
    expect(chart.config).toMatchObject({ xyChart: { xAxis: { showLabel: false } } });
    expect(chart.xTitle).toBe('time (s): 0 to 490');
    expect(chart.categories).toHaveLength(50);
  });

  it('the parser check itself fails on broken markup and on lines that do not match the categories', async () => {
    await expect(parseChart('xychart-beta\n  x-axis ["a", "b"]\n  line "a"b" [1, 2]')).rejects.toThrow(/Parse error/);
    await expect(parseChart('xychart-beta\n  x-axis ["a", "b"]\n  line "x" [1, 2e3]')).rejects.toThrow(/Parse error/);
    await expect(parseChart('xychart-beta\n  x-axis ["a", "b"]\n  line "x" [1]')).rejects.toThrow('line "x" has 1 values for 2 categories');
  });

  it('whole comments and job summaries, paired and against a stored history, with nasty scenario names and every test kind', async () => {
    // Each nasty name regressed in one metric (with pairs), the last one changed nothing.
    const scenarios = NASTY_NAMES.map((n, i) => {
      const s = steadyScenario(n);
      return i === NASTY_NAMES.length - 1 ? s : withMetric(s, 'p99', { status: i % 2 === 0 ? 'regressed' : 'inconclusive', threshold: 0.1 });
    });
    const paired = analysis({ verdict: 'fail', method: 'paired', scenarios, tests: testKindAnalyses(NASTY_NAMES[0]!) });
    const pairedContext = artifactContext({ mode: 'base-ref', baseline: null, head: results({ variantNames: ['base', 'head'], scenarioNames: NASTY_NAMES }) });
    const history = Array.from({ length: 20 }, (_, d) => ({
      sha: null, runId: null, createdAt: new Date(Date.UTC(2025, 2, 6, 9 - (d % 3), 0) - Math.floor(d / 3) * 864e5).toISOString(), environment: ENVIRONMENT,
      scenarios: Object.fromEntries(NASTY_NAMES.map((n, i) => [n, { p50: 1.2 + i / 10 + d / 100, p99: 8 + d / 10, throughput: 12_000 - d, cpuPerRequest: 0.05 }])),
    }));
    const stored = analysis({ verdict: 'fail', scenarios, tests: testKindAnalyses(NASTY_NAMES[0]!) });
    const storedContext = artifactContext({ baseline: baselineResults({ history }), head: results({ scenarioNames: NASTY_NAMES }) });

    const reports = [
      renderComment(paired, pairedContext), renderJobSummary(paired, pairedContext),
      renderComment(stored, storedContext), renderJobSummary(stored, storedContext),
    ];
    const counts = reports.map((md) => mermaidBlocks(md).length);
    // per-round: 5 changed scenarios' p99; trends: 5 changed in the comment, all 6 in the summary; 8 from the test kinds
    expect(counts).toEqual([5 + 8, 5 + 8, 5 + 8, 6 + 8]);
    const charts = await Promise.all(reports.flatMap(mermaidBlocks).map(parseChart));
    const trends = charts.filter((c) => c.title.startsWith('Trend'));
    expect(trends).toHaveLength(11);
    // Three runs a day: labels stay distinct, the last is this run.
    for (const t of trends) {
      expect(new Set(t.categories).size).toBe(22);
      expect(t.categories.at(-1)).toBe('this run');
    }
    // Scenario names appear only in the markdown around the charts, as inline code.
    for (const md of reports) expect(md).toContain('**`GET /search?q="shoes"&tag=[a,b]`**');
  });
});
