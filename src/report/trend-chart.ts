import type { MetricName, ScenarioAnalysis } from '../analyze/types.js';
import type { Results } from '../results/schema.js';
import { count } from './format.js';
import { metricLabel } from './vocabulary.js';
import { renderXyChart, type XyChart } from './xychart.js';

/**
 * The trend chart of artifact mode: where a scenario's gated metrics went over the baseline's
 * history (up to 20 earlier trusted runs), the baseline run itself, and this run. Pure: the
 * scenario's analysis and the baseline results in, a chart out.
 *
 * One chart per scenario, a line per gated metric, each as a percentage of its value in the oldest
 * run shown (100 = where it started). Normalised rather than one chart per metric in its own unit
 * because (1) the gate judges relative changes, so "108" reads directly as the +8% the thresholds
 * speak of; (2) milliseconds, requests per second and CPU milliseconds per request share no axis,
 * and one chart per metric would be four or five charts per scenario, which a 300-scenario comment
 * cannot hold; (3) metrics that move together (p50 and CPU per request after a slower code path)
 * show as lines that move together. The absolute values are in the tables. The error rate is not
 * drawn: it is judged as a difference of rates, and a rate that starts at zero has no percentage.
 */

export interface TrendChart {
  heading: string;
  chart: XyChart;
}

interface Run {
  label: string;
  values: Partial<Record<MetricName, number>>;
}

/** "03-05" (UTC) for a run's creation time; the head is "this run". */
function dayOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '?';
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Labels must differ (equal categories share one spot): the second run of a day is "03-05 #2". */
function distinct(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} #${n}`;
  });
}

/** Oldest first: the history (stored newest first), the baseline run, this run. */
function runsOf(s: ScenarioAnalysis, baseline: Results): Run[] {
  const history = [...baseline.history].reverse().map((entry) => ({
    label: dayOf(entry.createdAt),
    values: (entry.scenarios[s.name] ?? {}) as Partial<Record<MetricName, number>>,
  }));
  const side = (pick: 'baseline' | 'head'): Partial<Record<MetricName, number>> =>
    Object.fromEntries(s.metrics.flatMap((m) => (m[pick] === null ? [] : [[m.metric, m[pick]]])));
  const runs = [...history, { label: dayOf(baseline.createdAt), values: side('baseline') }];
  const labels = distinct(runs.map((r) => r.label));
  return [...runs.map((r, i) => ({ ...r, label: labels[i] as string })), { label: 'this run', values: side('head') }];
}

/**
 * A metric's run medians, oldest first (history, baseline, this run), skipping runs without it;
 * `earlier` counts those from the history. For the terminal's trend sparkline.
 */
export function trendValues(s: ScenarioAnalysis, baseline: Results, metric: MetricName): { values: number[]; earlier: number } {
  const runs = runsOf(s, baseline);
  const has = (r: Run): boolean => r.values[metric] !== undefined && Number.isFinite(r.values[metric]);
  return {
    values: runs.filter(has).map((r) => r.values[metric] as number),
    earlier: runs.slice(0, -2).filter(has).length,
  };
}

/**
 * The chart of one scenario, or null when there is nothing to draw: no gated metric judged as a
 * ratio with a value in this run, or fewer than two runs with every drawn metric.
 */
export function trendChart(s: ScenarioAnalysis, baseline: Results): TrendChart | null {
  const runs = runsOf(s, baseline);
  const head = runs[runs.length - 1] as Run;
  // A metric measured under other load settings than the baseline's is not comparable with the
  // runs before it (analyze/comparable.ts): its last point would draw the change of load.
  const metrics = s.metrics
    .filter((m) => m.gated && (m.changeKind ?? 'relative') === 'relative' && m.status !== 'not-comparable')
    .map((m) => m.metric)
    .filter((name) => (head.values[name] ?? 0) > 0);
  if (metrics.length === 0) return null;
  // A run that lacks a drawn metric (CPU before a process was known) is left out of every line:
  // normalising each line to a different oldest run would make their 100s mean different runs.
  const kept = runs.filter((r) => metrics.every((name) => (r.values[name] ?? 0) > 0 && Number.isFinite(r.values[name])));
  if (kept.length < 2) return null;
  const oldest = kept[0] as Run;
  const series = metrics.map((name) => ({
    name: metricLabel(name),
    values: kept.map((r) => ((r.values[name] as number) / (oldest.values[name] as number)) * 100),
  }));
  // Zoomed to the lines with a little room: from zero, a 5% drift would be a flat line at the top.
  const all = series.flatMap((line) => line.values);
  const low = Math.min(...all);
  const high = Math.max(...all);
  const pad = Math.max((high - low) * 0.1, 1);
  const chart = renderXyChart({
    title: 'Trend over trusted runs (% of the oldest run shown)',
    xLabel: 'run, oldest first',
    yLabel: '% of the oldest run',
    x: kept.map((r) => r.label),
    series,
    yMin: low - pad,
    yMax: high + pad,
  });
  const earlier = kept.length - 2;
  const left = runs.length - kept.length;
  const parts = [
    `Each run's median as a percentage of the oldest run shown (100 = no change): ${earlier === 0 ? 'the baseline' : `${count(earlier)} earlier trusted run${earlier === 1 ? '' : 's'}, the baseline`} and this run`,
    'higher is worse for latency and CPU, better for throughput',
  ];
  if (left > 0) parts.push(`${count(left)} run${left === 1 ? '' : 's'} without a value of every metric left out`);
  if (s.metrics.some((m) => m.gated && m.status === 'not-comparable')) parts.push('metrics measured under other load settings than the baseline are not drawn');
  if (s.metrics.some((m) => m.gated && m.changeKind === 'absolute')) parts.push('the error rate is not drawn (a change of a rate that is often zero has no percentage)');
  return { heading: parts.join('; '), chart };
}
