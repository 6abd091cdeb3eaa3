import type { BudgetMetric, MetricAnalysis, MetricName, MetricStatus, Verdict } from '../analyze/types.js';

/** Names of metrics as a reader says them. */
export const METRIC_LABEL: Record<MetricName | BudgetMetric, string> = {
  p50: 'p50 latency',
  p90: 'p90 latency',
  p95: 'p95 latency',
  p99: 'p99 latency',
  throughput: 'throughput',
  errorRate: 'error rate',
  cpuPerRequest: 'CPU per request',
  peakRss: 'peak RSS',
};

/** Budgets carry no unit of their own: it follows from the metric. */
export const BUDGET_UNIT: Record<BudgetMetric, string> = {
  p50: 'ms',
  p90: 'ms',
  p95: 'ms',
  p99: 'ms',
  throughput: 'req/s',
  errorRate: 'ratio',
  cpuPerRequest: 'ms/req',
  peakRss: 'bytes',
};

/** Throughput budgets are floors; every other budget is a ceiling. */
export function budgetIsFloor(metric: BudgetMetric): boolean {
  return metric === 'throughput';
}

export const STATUS_SYMBOL: Record<MetricStatus, string> = {
  regressed: '❌',
  improved: '🚀',
  unchanged: '✅',
  inconclusive: '⚠️',
  unavailable: '➖',
  'not-comparable': '⏭️',
};

/** A status as a reader says it. */
export const STATUS_WORD: Record<MetricStatus, string> = {
  regressed: 'regressed',
  improved: 'improved',
  unchanged: 'unchanged',
  inconclusive: 'inconclusive',
  unavailable: 'unavailable',
  'not-comparable': 'not comparable',
};

export const VERDICT_SYMBOL: Record<Verdict, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
  'no-baseline': 'ℹ️',
};

export function metricLabel(metric: string): string {
  return (METRIC_LABEL as Record<string, string>)[metric] ?? metric;
}

/**
 * "❌ regressed", with "(not gated)" for a metric that is shown but does not decide the verdict.
 * An untested metric (unavailable, not comparable) decides nothing either way: no suffix.
 */
export function statusText(m: Pick<MetricAnalysis, 'status' | 'gated'>, symbols = true): string {
  const untested = m.status === 'unavailable' || m.status === 'not-comparable';
  const word = m.gated || untested ? STATUS_WORD[m.status] : `${STATUS_WORD[m.status]} (not gated)`;
  return symbols ? `${STATUS_SYMBOL[m.status]} ${word}` : word;
}
