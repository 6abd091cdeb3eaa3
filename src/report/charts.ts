import type { Analysis, ScenarioAnalysis } from '../analyze/types.js';
import type { ReportContext } from './context.js';
import { count } from './format.js';
import { code, details, text } from './markdown.js';
import { CHARTED_STATUSES, roundChart } from './round-chart.js';
import { trendChart } from './trend-chart.js';
import type { XyChart } from './xychart.js';

/**
 * The collapsed "Charts" section: per-round charts of the metrics that changed (paired runs) and
 * trend charts (artifact and local mode, against a stored baseline), one entry per scenario. Charts
 * go first to the scenarios that changed, regressions first, and get only the room the rest of the
 * report leaves under the size limit: they stop at the first that does not fit, with a line saying
 * how many were left out.
 */

/** Which scenarios get charts: the PR comment charts those that changed, the job summary every one. */
export type ChartScope = 'changed' | 'all';

export interface ChartEntry {
  /** 0: a gated metric regressed; 1: one improved or is inconclusive; 2: nothing changed. */
  priority: number;
  text: string;
}

function priorityOf(s: ScenarioAnalysis): number {
  const charted = s.metrics.filter((m) => m.gated && CHARTED_STATUSES.has(m.status));
  if (charted.some((m) => m.status === 'regressed')) return 0;
  return charted.length > 0 ? 1 : 2;
}

function chartText(heading: string, chart: XyChart): string {
  const caption = `<sub>${text(chart.caption)}</sub>`;
  return [`*${text(heading)}*`, ...(chart.block ? [chart.block] : []), caption].join('\n\n');
}

/** The trend needs runs of the same code line before this one: a stored baseline, compared independently. */
function trendBaseline(analysis: Analysis, context: ReportContext) {
  const stored = context.mode === 'artifact' || context.mode === 'local';
  return stored && analysis.method === 'independent' ? context.baseline : null;
}

/** Every scenario's charts in the order they get room, for the comment ('changed') or the job summary ('all'). */
export function chartEntries(analysis: Analysis, context: ReportContext, scope: ChartScope): ChartEntry[] {
  const baseline = trendBaseline(analysis, context);
  const entries = analysis.scenarios.flatMap((s) => {
    const priority = priorityOf(s);
    if (scope === 'changed' && priority === 2) return [];
    const parts: string[] = [];
    if (analysis.method === 'paired') {
      for (const m of s.metrics) {
        if (!m.gated || !CHARTED_STATUSES.has(m.status)) continue;
        const round = roundChart(m);
        if (round) parts.push(chartText(round.heading, round.chart));
      }
    }
    if (baseline !== null) {
      const trend = trendChart(s, baseline);
      if (trend) parts.push(chartText(trend.heading, trend.chart));
    }
    return parts.length > 0 ? [{ priority, text: [`**${code(s.name)}**`, ...parts].join('\n\n') }] : [];
  });
  // Stable: scenarios keep their order within a priority.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.priority - b.e.priority || a.i - b.i).map(({ e }) => e);
}

export interface FittedCharts {
  /** The collapsed section, or null when there were no charts to show. */
  text: string | null;
  /** Entries (scenarios) whose charts did not fit. */
  left: number;
}

function section(shown: readonly ChartEntry[], left: number, limitName: string): string {
  const note =
    left > 0
      ? `✂️ The charts of ${count(left)} more scenario${left === 1 ? '' : 's'} were left out to stay under ${limitName}.`
      : '';
  return details('Charts', [...shown.map((e) => e.text), note].filter((p) => p !== '').join('\n\n'));
}

/**
 * As many entries as fit in `room` (measured as the limit measures), in their order, stopping at
 * the first that does not fit: a later, smaller one must not jump ahead of a scenario that changed.
 */
export function fitCharts(entries: readonly ChartEntry[], room: number, measure: (t: string) => number, limitName: string): FittedCharts {
  if (entries.length === 0) return { text: null, left: 0 };
  let n = 0;
  // The wrapper and the note are measured with the largest count the note can hold.
  let used = measure(section([], entries.length, limitName));
  for (const e of entries) {
    const size = measure(`${e.text}\n\n`);
    if (used + size > room) break;
    used += size;
    n += 1;
  }
  let result = section(entries.slice(0, n), entries.length - n, limitName);
  while (n > 0 && measure(result) > room) {
    n -= 1;
    result = section(entries.slice(0, n), entries.length - n, limitName);
  }
  if (measure(result) > room) return { text: null, left: entries.length };
  return { text: result, left: entries.length - n };
}
