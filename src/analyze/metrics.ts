import type { LatencySummary, TrialResult } from '../results/schema.js';
import type { BudgetMetric, MetricName } from './types.js';

/**
 * How each compared metric is read from a trial and judged.
 *
 * - `log` metrics are compared on log values, so a shift is a ratio and reads as a percentage.
 * - `absolute` metrics are compared on their own scale. Only the error rate is: a healthy service
 *   has no errors, a log of 0 does not exist, and "0 → 0.2%" is no percentage of anything. Its
 *   change and threshold are differences of rates (0.01 = one percentage point).
 */
export interface MetricSpec {
  name: MetricName;
  unit: string;
  better: 'lower' | 'higher';
  scale: 'log' | 'absolute';
  /** The trial's value, or null when the trial has none (no process known, no requests made). */
  value(trial: TrialResult): number | null;
}

/** Order of the rows in the report. */
export const METRICS: readonly MetricSpec[] = [
  { name: 'p50', unit: 'ms', better: 'lower', scale: 'log', value: (t) => trustedLatency(t, 'p50') },
  { name: 'p90', unit: 'ms', better: 'lower', scale: 'log', value: (t) => trustedLatency(t, 'p90') },
  { name: 'p99', unit: 'ms', better: 'lower', scale: 'log', value: (t) => trustedLatency(t, 'p99') },
  { name: 'throughput', unit: 'req/s', better: 'higher', scale: 'log', value: (t) => t.throughput },
  { name: 'errorRate', unit: 'ratio', better: 'lower', scale: 'absolute', value: errorRate },
  { name: 'cpuPerRequest', unit: 'ms/req', better: 'lower', scale: 'log', value: (t) => t.cpuMsPerRequest },
  { name: 'peakRss', unit: 'bytes', better: 'lower', scale: 'log', value: (t) => t.peakRssBytes },
];

export const METRIC_NAMES: readonly MetricName[] = METRICS.map((m) => m.name);

/**
 * A trial's latency, or null when its Little's law check failed: its requests were timed from the
 * wrong starts (src/load/littles-law.ts), so its latency must decide nothing. Its counts
 * (throughput, errors) and its CPU time are still right and still count. The report names such
 * trials (report/measurement-notes.ts).
 */
export function trustedLatency(trial: TrialResult, percentile: keyof LatencySummary): number | null {
  return trial.littlesLaw?.holds === false ? null : trial.latencyMs[percentile];
}

/** Errors per attempted request; a trial that made no request has no rate. */
export function errorRate(trial: TrialResult): number | null {
  return trial.requests > 0 ? trial.errors / trial.requests : null;
}

/**
 * Stand-in for values ≤ 0 on the log scale (a throughput of 0 when every request failed):
 * 1e-9 of the metric's unit. Rank tests only see the order; the estimate then reads as about −100%.
 */
export const LOG_FLOOR = 1e-9;

export function toAnalysisScale(spec: Pick<MetricSpec, 'scale'>, value: number): number {
  return spec.scale === 'log' ? Math.log(Math.max(value, LOG_FLOOR)) : value;
}

/** A value on the analysis scale back in the metric's unit. */
export function fromAnalysisScale(spec: Pick<MetricSpec, 'scale'>, value: number): number {
  return spec.scale === 'log' ? Math.exp(value) : value;
}

/** A shift on the analysis scale as the reported change: ratio − 1 for log metrics. */
export function toChange(spec: Pick<MetricSpec, 'scale'>, shift: number): number {
  return spec.scale === 'log' ? Math.expm1(shift) : shift;
}

export interface BudgetSpec {
  name: BudgetMetric;
  /** Throughput is a floor; every other budget is a ceiling. */
  kind: 'max' | 'min';
  value(trial: TrialResult): number | null;
}

/** Order of the budget rows in the report. */
export const BUDGETS: readonly BudgetSpec[] = [
  { name: 'p50', kind: 'max', value: (t) => trustedLatency(t, 'p50') },
  { name: 'p90', kind: 'max', value: (t) => trustedLatency(t, 'p90') },
  { name: 'p95', kind: 'max', value: (t) => trustedLatency(t, 'p95') },
  { name: 'p99', kind: 'max', value: (t) => trustedLatency(t, 'p99') },
  { name: 'throughput', kind: 'min', value: (t) => t.throughput },
  { name: 'errorRate', kind: 'max', value: errorRate },
  { name: 'cpuPerRequest', kind: 'max', value: (t) => t.cpuMsPerRequest },
  { name: 'peakRss', kind: 'max', value: (t) => t.peakRssBytes },
];
