import type { AnalyzeOptions } from '../../src/analyze/index.js';
import { SCHEMA_VERSION, type HistoryEntry, type Results, type TrialResult } from '../../src/results/schema.js';

/** What a fake trial is made of; everything has a plausible default. */
export interface TrialValues {
  round: number;
  order: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  throughput: number;
  requests: number;
  errors: number;
  cpuMsPerRequest: number | null;
  peakRssBytes: number | null;
}

/** A trial with the given metrics; latency percentiles default to multiples of p50. */
export function trial(values: Partial<TrialValues> = {}): TrialResult {
  const p50 = values.p50 ?? 10;
  const requests = values.requests ?? 10_000;
  return {
    round: values.round ?? 0,
    order: values.order ?? values.round ?? 0,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 5000,
    requests,
    errors: values.errors ?? 0,
    statusCounts: { '200': requests - (values.errors ?? 0) },
    errorCounts: {},
    throughput: values.throughput ?? 2000,
    latencyMs: {
      p50,
      p90: values.p90 ?? p50 * 1.5,
      p95: values.p95 ?? p50 * 2,
      p99: values.p99 ?? p50 * 3,
      max: p50 * 10,
      mean: p50 * 1.2,
    },
    histogram: '',
    cpuMsPerRequest: values.cpuMsPerRequest === undefined ? 0.05 : values.cpuMsPerRequest,
    peakRssBytes: values.peakRssBytes === undefined ? 50_000_000 : values.peakRssBytes,
    targetRate: null,
    overloaded: false,
    interference: null,
  };
}

/** Trials numbered as rounds 0..n−1 from per-trial values. */
export function trials(values: ReadonlyArray<Partial<TrialValues>>): TrialResult[] {
  return values.map((v, i) => trial({ round: i, order: i, ...v }));
}

/** Results with scenarios given as { name: { variant: trials } }. */
export function results(
  scenarios: Record<string, Record<string, TrialResult[]>>,
  extra: { history?: HistoryEntry[]; rounds?: number } = {},
): Results {
  const variantNames = [...new Set(Object.values(scenarios).flatMap((v) => Object.keys(v)))];
  const rounds = extra.rounds ?? Math.max(0, ...Object.values(scenarios).flatMap((v) => Object.values(v).map((t) => t.length)));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.0.0-test' },
    suite: 'default',
    createdAt: '2025-01-01T00:00:00.000Z',
    git: { sha: null, ref: null, repository: null, runId: null, event: null },
    environment: {
      os: 'linux',
      arch: 'x64',
      cpuModel: 'test cpu',
      cores: 2,
      memoryBytes: 8e9,
      nodeVersion: 'v20',
      runnerName: null,
    },
    configHash: 'test',
    variants: variantNames.map((name) => ({ name, commit: null })),
    rounds,
    disturbedRounds: 0,
    scenarios: Object.entries(scenarios).map(([name, variants]) => ({
      name,
      method: 'GET',
      path: '/',
      variants: Object.fromEntries(Object.entries(variants).map(([v, t]) => [v, { trials: t }])),
    })),
    history: extra.history ?? [],
  };
}

/** A history entry holding the medians of one earlier run. */
export function historyEntry(scenarios: Record<string, Record<string, number>>): HistoryEntry {
  return { sha: null, runId: null, createdAt: '2024-12-01T00:00:00.000Z', environment: null, scenarios };
}

export function options(overrides: Partial<AnalyzeOptions> = {}): AnalyzeOptions {
  return {
    alpha: 0.01,
    thresholds: { p50: 0.05, p90: 0.05, p99: 0.1, throughput: 0.05, errorRate: 0.01, cpuPerRequest: 0.02, peakRss: 0.1 },
    gated: ['p50', 'p99', 'throughput', 'errorRate', 'cpuPerRequest'],
    budgets: {},
    noiseK: 3,
    ...overrides,
  };
}

/** n values spread evenly (no ties) by ±spread around center: deterministic "noise". */
export function spread(center: number, n: number, spreadFraction: number): number[] {
  return Array.from({ length: n }, (_, i) => center * (1 + spreadFraction * (n === 1 ? 0 : (2 * i) / (n - 1) - 1)));
}
