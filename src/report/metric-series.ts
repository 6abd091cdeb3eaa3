import type { Analysis, MetricAnalysis, MetricName, ScenarioAnalysis } from '../analyze/types.js';
import type { ReportContext } from './context.js';
import { percent, value } from './format.js';
import { trendValues } from './trend-chart.js';

/**
 * The values behind the terminal's one-line chart of each metric, chosen like the charts of the
 * markdown report: a paired run shows each round's head against its base (is the change
 * consistent?); a run against a stored baseline with a history shows the trend over the trusted
 * runs and this one (where does it go?); anything else shows the head's trials. Pure.
 */

export interface SeriesRow {
  metric: MetricName;
  values: number[];
  /** The same in words, for terminals that cannot draw it: a range, or first → last. */
  text: string;
}

export interface ScenarioSeries {
  title: string;
  rows: SeriesRow[];
}

function range(values: readonly number[], format: (v: number) => string): string {
  return `${format(Math.min(...values))} to ${format(Math.max(...values))}`;
}

function perRound(m: MetricAnalysis): SeriesRow | null {
  const s = m.samples;
  if (!s || s.baseline.length !== s.head.length || s.head.length < 2) return null;
  const relative = (m.changeKind ?? 'relative') === 'relative';
  const values = s.head.flatMap((h, i) => {
    const b = s.baseline[i] as number;
    if (!relative) return [h - b];
    return b > 0 ? [h / b - 1] : [];
  });
  if (values.length < 2) return null;
  return { metric: m.metric, values, text: range(values, (v) => percent(v, relative ? 'relative' : 'absolute')) };
}

function perTrial(m: MetricAnalysis): SeriesRow | null {
  const values = m.samples?.head ?? [];
  if (values.length < 2) return null;
  return { metric: m.metric, values, text: range(values, (v) => value(v, m.unit)) };
}

export function scenarioSeries(analysis: Analysis, context: ReportContext | undefined, s: ScenarioAnalysis, metrics: readonly MetricAnalysis[]): ScenarioSeries | null {
  const rowsOf = (pick: (m: MetricAnalysis) => SeriesRow | null) => metrics.map(pick).filter((r): r is SeriesRow => r !== null);
  if (analysis.method === 'paired') {
    const rows = rowsOf(perRound);
    return rows.length > 0 ? { title: 'each round, head against base', rows } : null;
  }
  const baseline = context && (context.mode === 'artifact' || context.mode === 'local') && analysis.method === 'independent' ? context.baseline : null;
  if (baseline !== null) {
    // Not comparable: measured under other load settings than the runs before, so no trend to speak of.
    const trends = metrics.filter((m) => m.status !== 'not-comparable').map((m) => ({ m, ...trendValues(s, baseline, m.metric) }));
    if (trends.some((t) => t.earlier > 0)) {
      const rows = trends
        .filter((t) => t.values.length >= 2)
        .map(({ m, values }) => ({ metric: m.metric, values, text: `${value(values[0] as number, m.unit)} → ${value(values[values.length - 1] as number, m.unit)}` }));
      if (rows.length > 0) return { title: 'trend: earlier trusted runs, the baseline, this run (medians)', rows };
    }
  }
  const rows = rowsOf(perTrial);
  return rows.length > 0 ? { title: 'each trial of the head', rows } : null;
}
