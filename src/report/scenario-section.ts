import type { MetricAnalysis, ScenarioAnalysis } from '../analyze/types.js';
import { partsTable } from '../scenarios/parts-table.js';
import { interval, percent, pValue, threshold, value } from './format.js';
import { budgetLimit } from './headline.js';
import { scenarioLoadNotice } from './load-settings.js';
import { code, table, type Column } from './markdown.js';
import { BUDGET_UNIT, metricLabel, statusText } from './vocabulary.js';

/**
 * Which rows a scenario's tables show. 'all' is the normal report; the others exist only to fit
 * hundreds of scenarios under the comment size limit.
 */
export type RowSelection = 'all' | 'scenarios' | 'changed' | 'failing';

export interface SectionOptions {
  rows: RowSelection;
  /** Whether there is anything to compare with; without it the table shows the head alone. */
  compare: boolean;
  /** Column title of the compared side: "baseline", or "base" in same-runner A/B. */
  baseLabel: string;
  /** A mix's requests or a journey's steps, for the per-request table (scenarios/parts-table.ts). */
  parts?: readonly ScenarioAnalysis[];
}

export interface ScenarioSection {
  /** Null when the row selection left nothing of this scenario to show. */
  text: string | null;
  hiddenRows: number;
}

function changed(m: MetricAnalysis): boolean {
  return m.status !== 'unchanged' && m.status !== 'unavailable';
}

function shows(m: MetricAnalysis, rows: RowSelection, scenario: ScenarioAnalysis): boolean {
  switch (rows) {
    case 'all':
      return true;
    case 'scenarios':
      return scenario.metrics.some(changed) || scenario.budgets.some((b) => !b.ok);
    case 'changed':
      return changed(m);
    case 'failing':
      return m.gated && m.status === 'regressed';
  }
}

function metricNotes(m: MetricAnalysis): string[] {
  const notes: string[] = [];
  const label = metricLabel(m.metric);
  if (m.thresholdWidenedFrom != null && m.thresholdWidenedFrom !== m.threshold) {
    notes.push(
      `Run-to-run noise in the baseline history widened the threshold of ${label} ` +
        `from ${threshold(m.thresholdWidenedFrom)} to ${threshold(m.threshold)}.`,
    );
  }
  if (m.status === 'inconclusive') {
    notes.push(
      m.minDetectableEffect != null
        ? `${label} is inconclusive: this run could only detect changes of about ` +
            `${threshold(m.minDetectableEffect)} or more; its threshold is ${threshold(m.threshold)}.`
        : `${label} is inconclusive: too noisy to tell with this many rounds; its threshold is ${threshold(m.threshold)}.`,
    );
  }
  return notes;
}

export const METRIC_COLUMNS = 7;

export function scenarioSection(s: ScenarioAnalysis, options: SectionOptions): ScenarioSection {
  // Without a baseline, a metric the head has no value for (CPU without a process) has no row at all.
  const available = s.metrics.filter((m) => options.compare || m.head !== null);
  const metrics = available.filter((m) => shows(m, options.rows, s));
  const budgets = s.budgets.filter(
    (b) => options.rows === 'all' || !b.ok || (options.rows === 'scenarios' && metrics.length > 0),
  );
  const hiddenRows = available.length - metrics.length + (s.budgets.length - budgets.length);
  // A request that regressed keeps its scenario's section even when the whole did not change.
  const parts = (options.parts ?? []).filter((p) => options.rows === 'all' || p.metrics.some((m) => shows(m, options.rows, p)));
  if (metrics.length === 0 && budgets.length === 0 && parts.length === 0) return { text: null, hiddenRows };

  const out = [`#### ${code(s.name)}`];
  const loadNotice = scenarioLoadNotice(s, code);
  if (loadNotice !== null) out.push(`> ⚠️ ${loadNotice}`);
  if (metrics.length > 0) {
    if (options.compare) {
      const columns: Column[] = [
        { title: 'metric' },
        { title: options.baseLabel, align: 'right' },
        { title: 'head', align: 'right' },
        { title: 'change', align: 'right' },
        { title: '95% CI', align: 'right' },
        { title: 'p', align: 'right' },
        { title: 'status' },
      ];
      out.push(
        table(
          columns,
          metrics.map((m) => [
            metricLabel(m.metric),
            value(m.baseline, m.unit),
            value(m.head, m.unit),
            percent(m.change, m.changeKind),
            interval(m.ciLow, m.ciHigh, m.changeKind),
            pValue(m.pAdjusted ?? m.p),
            statusText(m),
          ]),
        ),
      );
    } else {
      out.push(
        table(
          [{ title: 'metric' }, { title: 'head', align: 'right' }],
          metrics.map((m) => [metricLabel(m.metric), value(m.head, m.unit)]),
        ),
      );
    }
  }
  if (budgets.length > 0) {
    out.push(
      table(
        [{ title: 'budget' }, { title: 'limit', align: 'right' }, { title: 'head', align: 'right' }, { title: 'status' }],
        budgets.map((b) => [
          metricLabel(b.metric),
          budgetLimit(b),
          value(b.value, BUDGET_UNIT[b.metric]),
          b.ok ? '✅ ok' : '❌ broken',
        ]),
      ),
    );
  }
  const notes = metrics.flatMap(metricNotes);
  if (s.cpuPerJourney && s.cpuPerJourney.head !== null) {
    const base = options.compare && s.cpuPerJourney.baseline !== null ? ` (${options.baseLabel} ${value(s.cpuPerJourney.baseline, 'ms')})` : '';
    notes.push(`CPU per completed journey: ${value(s.cpuPerJourney.head, 'ms')}${base}; shown, not tested.`);
  }
  if (notes.length > 0) out.push(notes.map((n) => `- ${n}`).join('\n'));
  const perRequest = partsTable(s.name, parts, options);
  if (perRequest !== null) out.push(perRequest);
  return { text: out.join('\n\n'), hiddenRows };
}
