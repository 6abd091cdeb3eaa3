import type { Nodes, Root, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type {
  Analysis,
  BudgetCheck,
  MetricAnalysis,
  MetricName,
  ScenarioAnalysis,
} from '../../src/analyze/types.js';
import type { ReportContext } from '../../src/report/index.js';
import { SCHEMA_VERSION, type Environment, type Results, type TrialResult } from '../../src/results/schema.js';

/**
 * Hand-built Analysis and Results objects for the report tests: analyze() is written elsewhere,
 * and the report must render whatever a valid Analysis holds.
 */

export const HEAD_SHA = 'd4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3';
export const BASE_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const UNIT: Record<MetricName, string> = {
  p50: 'ms',
  p90: 'ms',
  p99: 'ms',
  throughput: 'req/s',
  errorRate: 'ratio',
  cpuPerRequest: 'ms/req',
  peakRss: 'bytes',
};

/** Ten deterministic trial values spread a little around `center`. */
export function spread(center: number, n = 10, width = 0.02): number[] {
  return Array.from({ length: n }, (_, i) => center * (1 + width * ((((i * 7) % 5) - 2) / 2)));
}

export function metric(name: MetricName, fields: Partial<MetricAnalysis> = {}): MetricAnalysis {
  const baseline = fields.baseline === undefined ? 10 : fields.baseline;
  const head = fields.head === undefined ? baseline : fields.head;
  return {
    metric: name,
    unit: UNIT[name],
    baseline,
    head,
    change: 0.004,
    ciLow: -0.012,
    ciHigh: 0.019,
    p: 0.61,
    pAdjusted: 1,
    threshold: 0.05,
    status: 'unchanged',
    gated: name !== 'peakRss' && name !== 'p90',
    ...fields,
  };
}

/** A typical scenario: every metric unchanged, with per-trial samples. */
export function steadyScenario(name: string, scale = 1, withSamples = true): ScenarioAnalysis {
  const values: Record<MetricName, number> = {
    p50: 1.234 * scale,
    p90: 2.71 * scale,
    p99: 8.42 * scale,
    throughput: 12_345.6 / scale,
    errorRate: 0,
    cpuPerRequest: 0.0523 * scale,
    peakRss: 52_400_000,
  };
  const metrics = (Object.keys(values) as MetricName[]).map((m) => {
    const v = values[m];
    return metric(m, {
      baseline: v,
      head: v * 1.004,
      threshold: m === 'p99' ? 0.1 : m === 'cpuPerRequest' ? 0.03 : 0.05,
      ...(withSamples ? { samples: { baseline: spread(v), head: spread(v * 1.004) } } : {}),
    });
  });
  return { name, metrics, budgets: [] };
}

export function budget(fields: Partial<BudgetCheck> & Pick<BudgetCheck, 'metric' | 'limit'>): BudgetCheck {
  return { value: fields.limit * 0.5, ok: true, ...fields };
}

export function analysis(fields: Partial<Analysis> = {}): Analysis {
  return {
    verdict: 'pass',
    alpha: 0.01,
    method: 'independent',
    rounds: { baseline: 10, head: 10 },
    scenarios: [],
    ...fields,
  };
}

/** Replace one metric of a scenario, keeping the rest. */
export function withMetric(s: ScenarioAnalysis, name: MetricName, fields: Partial<MetricAnalysis>): ScenarioAnalysis {
  return { ...s, metrics: s.metrics.map((m) => (m.metric === name ? { ...m, ...fields } : m)) };
}

export const ENVIRONMENT: Environment = {
  os: 'Linux 6.8.0-1017-azure',
  arch: 'x64',
  cpuModel: 'AMD EPYC 7763 64-Core Processor',
  cores: 4,
  memoryBytes: 16_772_210_688,
  nodeVersion: 'v20.19.4',
  runnerName: 'GitHub Actions 12',
};

function trial(round: number, order: number): TrialResult {
  return {
    round,
    order,
    startedAt: `2025-03-10T12:${String(order).padStart(2, '0')}:00.000Z`,
    durationMs: 5000,
    requests: 60_000,
    errors: 0,
    statusCounts: { '200': 60_000 },
    errorCounts: {},
    throughput: 12_000,
    latencyMs: { p50: 1.2, p90: 2.7, p95: 4, p99: 8.4, max: 20, mean: 1.5 },
    histogram: 'HISTFAAAAA==',
    cpuMsPerRequest: 0.05,
    peakRssBytes: 52_400_000,
    targetRate: null,
    overloaded: false,
    interference: { otherCpu: 0.01, steal: 0 },
  };
}

export function results(
  fields: Partial<Results> & { scenarioNames?: string[]; variantNames?: string[]; trialsPerVariant?: number } = {},
): Results {
  const { scenarioNames = ['GET /items'], variantNames = ['head'], trialsPerVariant = 10, ...rest } = fields;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.1.0' },
    suite: 'api',
    createdAt: '2025-03-10T12:00:00.000Z',
    git: { sha: HEAD_SHA, ref: 'refs/pull/42/merge', repository: 'octo-org/service', runId: '9001', event: 'pull_request' },
    environment: ENVIRONMENT,
    configHash: 'sha256:0f1e2d',
    variants: variantNames.map((name) => ({ name, commit: name === 'base' ? BASE_SHA : HEAD_SHA })),
    rounds: trialsPerVariant,
    disturbedRounds: 0,
    scenarios: scenarioNames.map((name) => ({
      name,
      method: 'GET',
      path: '/items',
      variants: Object.fromEntries(
        variantNames.map((v, vi) => [
          v,
          { trials: Array.from({ length: trialsPerVariant }, (_, r) => trial(r, r * variantNames.length + vi)) },
        ]),
      ),
    })),
    history: [],
    ...rest,
  };
}

export function baselineResults(fields: Partial<Results> = {}): Results {
  return results({
    createdAt: '2025-03-07T09:30:00.000Z',
    git: { sha: BASE_SHA, ref: 'refs/heads/main', repository: 'octo-org/service', runId: '8800', event: 'push' },
    history: [
      { sha: null, runId: '8700', createdAt: '2025-03-06T09:30:00.000Z', environment: ENVIRONMENT, scenarios: {} },
      { sha: null, runId: '8600', createdAt: '2025-03-05T09:30:00.000Z', environment: ENVIRONMENT, scenarios: {} },
    ],
    ...fields,
  });
}

/** An artifact-mode context with a baseline three days old. */
export function artifactContext(fields: Partial<ReportContext> = {}): ReportContext {
  return {
    suite: 'api',
    mode: 'artifact',
    head: results(),
    baseline: baselineResults(),
    baselineProvenance: {
      commit: BASE_SHA,
      runUrl: 'https://github.com/octo-org/service/actions/runs/8800',
      createdAt: '2025-03-07T09:30:00.000Z',
    },
    reproduceCommand: 'npx perfgate compare perfgate-baseline.json perfgate-results.json',
    now: '2025-03-10T12:30:00.000Z',
    ...fields,
  };
}

// ---- markdown inspection with a real GFM parser ----

export function parse(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/** Plain text of a node (text and inline code values joined), like mdast-util-to-string. */
export function toString(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(toString).join('');
  return '';
}

function collect(node: Nodes, type: string, out: Nodes[]): void {
  if (node.type === type) out.push(node);
  if ('children' in node) for (const child of node.children) collect(child as Nodes, type, out);
}

export function tablesOf(markdown: string): Table[] {
  const out: Nodes[] = [];
  collect(parse(markdown), 'table', out);
  return out as Table[];
}

/** Each table as rows of cell texts, header row first. */
export function tableTexts(markdown: string): string[][][] {
  return tablesOf(markdown).map((t) => t.children.map((row) => row.children.map((c) => toString(c))));
}

/** Headings' plain text, in order. */
export function headingsOf(markdown: string): string[] {
  const out: Nodes[] = [];
  collect(parse(markdown), 'heading', out);
  return out.map((h) => toString(h));
}

/** Visible text: the markdown without HTML comments, first non-empty line. */
export function firstVisibleLine(markdown: string): string {
  return (
    markdown
      .replace(/<!--[\s\S]*?-->/g, '')
      .split('\n')
      .find((l) => l.trim() !== '') ?? ''
  );
}

/** Markdown with every <details> section removed: what a reader sees without expanding anything. */
export function outsideDetails(markdown: string): string {
  return markdown.replace(/<details>[\s\S]*?<\/details>/g, '');
}
