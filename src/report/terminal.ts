import { isPairedMode } from './context.js';
import type { Analysis, MetricStatus } from '../analyze/types.js';
import type { ReportContext } from './context.js';
import { baseLabel, commitsOf, shortSha } from './details.js';
import { hardwareMismatchOf } from './environment.js';
import { shardNotes } from './shards.js';
import { interval, percent, pValue, threshold, value } from './format.js';
import { budgetLimit, headline, type Headline } from './headline.js';
import { measurementNotes } from './measurement-notes.js';
import { scenarioSeries } from './metric-series.js';
import { sparkline } from './sparkline.js';
import { loadSettingsWarnings, scenarioLoadNotice } from './load-settings.js';
import { BUDGET_UNIT, metricLabel, statusText } from './vocabulary.js';
import { TEST_KINDS } from '../tests/registry.js';

/** The CLI's report: plain aligned columns, colour only when asked (a TTY), no markdown. */

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Paint = (text: string, style: keyof typeof ANSI) => string;

const VERDICT_STYLE: Record<Headline['shown'], keyof typeof ANSI> = {
  pass: 'green',
  acknowledged: 'green',
  fail: 'red',
  inconclusive: 'yellow',
  'no-baseline': 'cyan',
};

/** Symbols that every terminal font has, unlike the emoji of the markdown report. */
const VERDICT_MARK: Record<Headline['shown'], string> = {
  pass: '✔',
  acknowledged: '✔',
  fail: '✖',
  inconclusive: '?',
  'no-baseline': 'i',
};

const STATUS_STYLE: Record<MetricStatus, keyof typeof ANSI> = {
  regressed: 'red',
  improved: 'green',
  unchanged: 'dim',
  inconclusive: 'yellow',
  unavailable: 'dim',
  'not-comparable': 'cyan',
};

interface Cell {
  text: string;
  style?: keyof typeof ANSI;
}

/** Lines of a table: text columns left-aligned, number columns right-aligned, paint after padding. */
function aligned(header: string[], rows: Cell[][], right: boolean[], paint: Paint): string[] {
  const width = (s: string): number => [...s].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]?.text ?? ''))));
  const line = (cells: Cell[]): string =>
    cells
      .map((c, i) => {
        const gap = ' '.repeat((widths[i] ?? 0) - width(c.text));
        const text = c.style ? paint(c.text, c.style) : c.text;
        return right[i] ? gap + text : text + gap;
      })
      .join('  ')
      .trimEnd();
  return [line(header.map((h) => ({ text: h, style: 'dim' }))), ...rows.map(line)];
}

export interface TerminalOptions {
  /** ANSI colours (a TTY without NO_COLOR). */
  color?: boolean;
  /** Block characters for the one-line charts; without, their values in words (cli/terminal.ts decides). */
  unicode?: boolean;
}

export function renderTerminal(analysis: Analysis, context?: ReportContext, options: TerminalOptions = {}): string {
  const paint: Paint = options.color ? (text, style) => `\u001b[${ANSI[style]}m${text}\u001b[0m` : (text) => text;
  const quote = (text: string): string => text;
  const verdict = headline(analysis, context, quote);
  const out: string[] = [];
  const suite = context ? ` · perfgate ${context.suite}` : '';
  out.push(paint(`${VERDICT_MARK[verdict.shown]} ${verdict.title}${suite}`, VERDICT_STYLE[verdict.shown]));
  out.push(verdict.sentence);

  if (context) {
    if (!isPairedMode(context) && context.baseline !== null) {
      const mismatch = hardwareMismatchOf(context.baseline, context.head);
      if (mismatch !== null) out.push(paint(`! different hardware: ${mismatch}`, 'yellow'));
    }
    for (const note of context.notes ?? []) out.push(paint(`! ${note}`, 'yellow'));
    for (const note of [...shardNotes(context.head, quote), ...measurementNotes(context, quote)]) {
      out.push(note.level === 'warning' ? paint(`! ${note.text}`, 'yellow') : paint(`i ${note.text}`, 'dim'));
    }
    for (const w of loadSettingsWarnings(analysis, quote)) out.push(paint(`! ${w}`, 'yellow'));
    const commits = commitsOf(context);
    const sides = [`head ${shortSha(commits.head) ?? 'unknown'}`];
    if (isPairedMode(context) || context.baseline !== null) sides.push(`${baseLabel(context)} ${shortSha(commits.base) ?? 'unknown'}`);
    out.push(paint(`mode ${context.mode}: ${sides.join(' vs ')}`, 'dim'));
  }

  const compare = analysis.scenarios.some((s) => s.metrics.some((m) => m.baseline !== null));
  const base = context ? baseLabel(context) : 'baseline';
  for (const s of analysis.scenarios) {
    out.push('', paint(s.name, 'bold'));
    const loadNotice = scenarioLoadNotice(s, quote);
    if (loadNotice !== null) out.push(paint(`  ! ${loadNotice}`, 'yellow'));
    // A request of a mix has no CPU or memory of its own: no empty rows for them.
    const metrics = s.metrics.filter((m) => (compare && s.partOf === undefined) || m.head !== null || m.baseline !== null);
    if (metrics.length > 0) {
      const table = compare
        ? aligned(
            ['metric', base, 'head', 'change', '95% CI', 'p', 'status'],
            metrics.map((m) => [
              { text: metricLabel(m.metric) },
              { text: value(m.baseline, m.unit) },
              { text: value(m.head, m.unit) },
              { text: percent(m.change, m.changeKind) },
              { text: interval(m.ciLow, m.ciHigh, m.changeKind) },
              { text: pValue(m.pAdjusted ?? m.p) },
              { text: statusText(m, false), style: STATUS_STYLE[m.status] },
            ]),
            [false, true, true, true, true, true, false],
            paint,
          )
        : aligned(
            ['metric', 'head'],
            metrics.map((m) => [{ text: metricLabel(m.metric) }, { text: value(m.head, m.unit) }]),
            [false, true],
            paint,
          );
      out.push(...table.map((l) => `  ${l}`));
    }
    if (s.budgets.length > 0) {
      const budgets = aligned(
        ['budget', 'limit', 'head', 'status'],
        s.budgets.map((b) => [
          { text: metricLabel(b.metric) },
          { text: budgetLimit(b) },
          { text: value(b.value, BUDGET_UNIT[b.metric]) },
          b.ok ? { text: 'ok', style: 'green' } : { text: 'broken', style: 'red' },
        ]),
        [false, true, true, false],
        paint,
      );
      out.push('', ...budgets.map((l) => `  ${l}`));
    }
    const series = scenarioSeries(analysis, context, s, metrics);
    if (series !== null) {
      const rows = aligned(
        ['', ...(options.unicode ? [''] : []), ''],
        series.rows.map((r) => [
          { text: metricLabel(r.metric) },
          ...(options.unicode ? [{ text: sparkline(r.values) }] : []),
          { text: r.text, style: 'dim' as const },
        ]),
        [false, false, false],
        paint,
      ).slice(1);
      out.push('', paint(`  ${series.title}:`, 'dim'), ...rows.map((l) => `    ${l}`));
    }
    for (const m of metrics) {
      if (m.thresholdWidenedFrom != null && m.thresholdWidenedFrom !== m.threshold) {
        out.push(
          paint(`  note: noise widened the ${metricLabel(m.metric)} threshold from ${threshold(m.thresholdWidenedFrom)} to ${threshold(m.threshold)}`, 'dim'),
        );
      }
      if (m.status === 'inconclusive' && m.minDetectableEffect != null) {
        out.push(
          paint(`  note: ${metricLabel(m.metric)} could only detect changes of about ${threshold(m.minDetectableEffect)} (threshold ${threshold(m.threshold)})`, 'dim'),
        );
      }
    }
  }
  for (const t of analysis.tests ?? []) {
    const kind = TEST_KINDS[t.kind];
    if (!kind) continue;
    const [first, ...rest] = kind.terminal(t);
    out.push('', paint(first!, 'bold'), ...rest);
  }
  return `${out.join('\n')}\n`;
}
