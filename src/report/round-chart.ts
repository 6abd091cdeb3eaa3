import { METRICS } from '../analyze/metrics.js';
import type { MetricAnalysis } from '../analyze/types.js';
import { significant } from './format.js';
import { metricLabel } from './vocabulary.js';
import { renderXyChart, type XyChart } from './xychart.js';

/**
 * The per-round chart of a paired run: is a change consistent round after round, or carried by one
 * odd round? One point per round, head against base of that round, beside the metric's threshold
 * on both sides. Pure: a metric's analysis in, a chart out.
 *
 * The points are head / base for the metrics judged as ratios, and head − base in percentage
 * points for the error rate, which is judged as a difference of rates (a ratio to a zero rate has
 * no meaning; see docs/statistics.md). The test itself counts pairs of processes, not rounds
 * (analyze/units.ts), so a run of rounds on one odd pair of processes shows here as a block of
 * neighbouring points: the chart shows the rounds as they were measured.
 */

/** Statuses whose per-round picture a reviewer wants: the ones that are not a plain "no change". */
export const CHARTED_STATUSES: ReadonlySet<MetricAnalysis['status']> = new Set(['regressed', 'improved', 'inconclusive']);

export interface RoundChart {
  /** One line of markdown-free text above the chart: which metric, what the points are. */
  heading: string;
  chart: XyChart;
}

/** Lines at 1 ± t, or ± t points for the error rate, named for the direction each one stands for. */
function thresholdLines(m: MetricAnalysis, rounds: number, relative: boolean): { name: string; values: number[] }[] {
  const lowerIsBetter = (METRICS.find((s) => s.name === m.metric)?.better ?? 'lower') === 'lower';
  const t = m.threshold;
  const up = relative ? 1 + t : t * 100;
  const down = relative ? 1 - t : -t * 100;
  const text = relative ? `${significant(t * 100)}%` : `${significant(t * 100)} pp`;
  const worse = { name: `regression at ${lowerIsBetter ? '+' : '−'}${text}`, values: Array<number>(rounds).fill(lowerIsBetter ? up : down) };
  const better = { name: `improvement at ${lowerIsBetter ? '−' : '+'}${text}`, values: Array<number>(rounds).fill(lowerIsBetter ? down : up) };
  return [worse, better];
}

/**
 * The chart of one metric, or null when the metric has no pairs to draw (not a paired run, fewer
 * than two rounds).
 */
export function roundChart(m: MetricAnalysis): RoundChart | null {
  const samples = m.samples;
  if (!samples || samples.baseline.length !== samples.head.length || samples.head.length < 2) return null;
  const relative = (m.changeKind ?? 'relative') === 'relative';
  const rounds = samples.head.length;
  // A base value of 0 has no ratio: that round gets no value, and the chart's caption names it.
  const points = samples.head.map((h, i) => {
    const b = samples.baseline[i] as number;
    if (!relative) return (h - b) * 100;
    return b > 0 ? h / b : null;
  });
  const lines = thresholdLines(m, rounds, relative);
  const values = [...points.filter((v): v is number => v !== null && Number.isFinite(v)), ...lines.flatMap((l) => l.values)];
  // Zoomed to the points and thresholds, with a little room: from zero the rounds would be a flat line.
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = (high - low) * 0.1 || Math.abs(high) * 0.1 || 1;
  const label = metricLabel(m.metric);
  const chart = renderXyChart({
    title: `${label}: ${relative ? 'head / base' : 'head − base'} in each round`,
    xLabel: 'round',
    yLabel: relative ? 'head / base' : 'head − base (pp)',
    x: points.map((_, i) => String(i + 1)),
    series: [{ name: relative ? 'head / base' : 'head − base', values: points }, ...lines],
    yMin: low - pad,
    yMax: high + pad,
  });
  const what = relative
    ? `each round's head value divided by its base value (1 = no change)`
    : `each round's head error rate minus its base error rate, in percentage points (0 = no change)`;
  return { heading: `${label}, ${rounds} rounds: ${what}`, chart };
}
