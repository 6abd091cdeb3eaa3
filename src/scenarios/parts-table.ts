import type { MetricAnalysis, MetricName, ScenarioAnalysis } from '../analyze/types.js';
import { percent, value } from '../report/format.js';
import { details, table, type Column } from '../report/markdown.js';
import { STATUS_SYMBOL, statusText } from '../report/vocabulary.js';
import { PART_SEPARATOR } from './parts.js';

/** The metrics a part's row shows: a request has no CPU or memory of its own. */
const SHOWN: readonly MetricName[] = ['p50', 'p99', 'throughput', 'errorRate'];
/** Worst first: the status a part's row shows is that of its worst tested metric. */
const SEVERITY = ['regressed', 'inconclusive', 'improved', 'unchanged', 'not-comparable', 'unavailable'] as const;

/**
 * The per-request table of a mix or journey, for its scenario's section: one row a request or
 * step, with its latency, throughput and errors and the worst status among its metrics. Each
 * part's full table is its own scenario's ("<scenario> › <request>") in the analysis and results.
 */
export function partsTable(scenario: string, parts: readonly ScenarioAnalysis[], options: { compare: boolean; baseLabel: string }): string | null {
  if (parts.length === 0) return null;
  const metric = (p: ScenarioAnalysis, name: MetricName) => p.metrics.find((m) => m.metric === name);
  const cellOf = (m: MetricAnalysis | undefined) => {
    if (!m) return '–';
    if (!options.compare) return value(m.head, m.unit);
    return `${value(m.baseline, m.unit)} → ${value(m.head, m.unit)} (${percent(m.change, m.changeKind)})`;
  };
  const columns: Column[] = [{ title: 'request' }, ...SHOWN.map((n) => ({ title: label(n), align: 'right' as const }))];
  if (options.compare) columns.push({ title: 'status' });
  const rows = parts.map((p) => {
    const name = p.name.startsWith(`${scenario}${PART_SEPARATOR}`) ? p.name.slice(scenario.length + PART_SEPARATOR.length) : p.name;
    const row = [name, ...SHOWN.map((n) => cellOf(metric(p, n)))];
    if (options.compare) row.push(worst(p.metrics));
    return row;
  });
  const regressed = parts.filter((p) => p.metrics.some((m) => m.gated && m.status === 'regressed')).length;
  const summary = `Per request (${parts.length})${regressed > 0 ? ` · ${STATUS_SYMBOL.regressed} ${regressed} regressed` : ''}`;
  const note = options.compare
    ? `\n\nA request's metrics are gated when the head's trials have at least 100 successful answers of it each; its full table is under "${scenario}${PART_SEPARATOR}<request>". Columns: ${options.baseLabel} → head (change).`
    : '';
  return details(summary, table(columns, rows) + note);
}

function label(n: MetricName): string {
  return n === 'errorRate' ? 'error rate' : n;
}

function worst(metrics: readonly MetricAnalysis[]): string {
  const shown = metrics.filter((m) => m.status !== 'unavailable');
  for (const status of SEVERITY) {
    const gated = shown.find((m) => m.status === status && m.gated);
    if (gated) return statusText(gated);
  }
  for (const status of SEVERITY) {
    const any = shown.find((m) => m.status === status);
    if (any) return statusText(any);
  }
  return statusText({ status: 'unavailable', gated: false });
}
