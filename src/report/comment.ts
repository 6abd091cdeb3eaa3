import type { Results } from '../results/schema.js';
import { isPairedMode } from './context.js';
import type { Analysis } from '../analyze/types.js';
import type { ReportContext } from './context.js';
import {
  baselineDetails,
  baseLabel,
  commitsOf,
  environmentDetails,
  methodDetails,
  reproduceDetails,
  shortSha,
  trialsDetails,
} from './details.js';
import { chartEntries, fitCharts, type ChartEntry, type ChartScope } from './charts.js';
import { hardwareMismatchOf } from './environment.js';
import { shardNotes } from './shards.js';
import { count } from './format.js';
import { headline } from './headline.js';
import { measurementNotes } from './measurement-notes.js';
import { loadSettingsWarnings } from './load-settings.js';
import { code } from './markdown.js';
import { scenarioSection, type RowSelection, type ScenarioSection } from './scenario-section.js';
import { TEST_KINDS } from '../tests/registry.js';

/** GitHub refuses comments over 65,536 characters; the margin absorbs counting differences. */
export const COMMENT_LIMIT = 60_000;
/** A step's job summary may hold up to 1 MiB (bytes); keep a margin there too. */
export const JOB_SUMMARY_LIMIT_BYTES = 1_000_000;

/** The hidden line by which the GitHub adapter finds this suite's comment again. */
export function commentMarker(suite: string): string {
  // `-->` inside the name would end the HTML comment early and show the rest.
  return `<!-- perfgate:${suite.replace(/-->/g, '--&gt;').replace(/\r?\n/g, ' ')} -->`;
}

export interface SizeLimit {
  /** Largest size allowed, as counted by `measure`. */
  max: number;
  measure: (text: string) => number;
  /** Named in the note that says what was left out: "GitHub's comment size limit". */
  name: string;
}

const COMMENT_SIZE: SizeLimit = { max: COMMENT_LIMIT, measure: (t) => t.length, name: "GitHub's comment size limit" };
const SUMMARY_SIZE: SizeLimit = {
  max: JOB_SUMMARY_LIMIT_BYTES,
  measure: (t) => Buffer.byteLength(t, 'utf8'),
  name: 'the job summary size limit',
};

/**
 * How much to show. The first plan shows everything; each later one drops what a reviewer misses
 * least, in the order the design asks: per-trial values, then the environment table, then the
 * tables of scenarios where nothing changed, then table rows of unchanged metrics, then everything
 * but failures, and at last whole scenarios.
 */
interface Plan {
  trials: boolean;
  environment: boolean;
  rows: RowSelection;
  truncate: boolean;
  /** Charts get the room the rest leaves (charts.ts); the last resort has none to give. */
  charts: boolean;
}

const PLANS: Plan[] = [
  { trials: true, environment: true, rows: 'all', truncate: false, charts: true },
  { trials: false, environment: true, rows: 'all', truncate: false, charts: true },
  { trials: false, environment: false, rows: 'all', truncate: false, charts: true },
  { trials: false, environment: false, rows: 'scenarios', truncate: false, charts: true },
  { trials: false, environment: false, rows: 'changed', truncate: false, charts: true },
  { trials: false, environment: false, rows: 'failing', truncate: false, charts: true },
  { trials: false, environment: false, rows: 'failing', truncate: true, charts: false },
];

interface Rendered {
  text: string;
  /** Scenarios whose charts did not fit. */
  chartsLeft: number;
}

function plural(n: number, one: string, many: string): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function sectionsOf(analysis: Analysis, context: ReportContext, rows: RowSelection): ScenarioSection[] {
  const compare = analysis.scenarios.some((s) => s.metrics.some((m) => m.baseline !== null));
  // A mix's requests and a journey's steps are shown in their scenario's per-request table.
  return analysis.scenarios
    .filter((s) => s.partOf === undefined)
    .map((s) => scenarioSection(s, { rows, compare, baseLabel: baseLabel(context), parts: analysis.scenarios.filter((p) => p.partOf === s.name) }));
}

/** Each test of another kind than compare, as its kind renders it (tests/). */
function testSections(analysis: Analysis, options: { details: boolean }): string[] {
  return (analysis.tests ?? []).flatMap((t) => {
    const kind = TEST_KINDS[t.kind];
    return kind ? [kind.markdown(t, options)] : [];
  });
}

/** How base and head shared each round (results files from before `pairing` alternated). */
function pairedRounds(pairing: Results['pairing']): string {
  return pairing === 'simultaneous' ? 'both loaded at the same time in every round' : 'their trials interleaved round by round';
}

function modeLine(context: ReportContext): string {
  const commits = commitsOf(context);
  const head = shortSha(commits.head);
  const base = shortSha(commits.base);
  const headText = head ? `head ${code(head)}` : 'the head';
  const baseText = base ? code(base) : '(commit unknown)';
  switch (context.mode) {
    case 'base-ref':
      return (
        `**Mode:** ${code('base-ref')}: base ${baseText} and ${headText} measured side by side on this runner, ` +
        `${pairedRounds(context.head.pairing)} (paired).`
      );
    case 'variants':
      return (
        `**Mode:** ${code('variants')}: variants base and head of ${headText} measured side by side on this runner, ` +
        `${pairedRounds(context.head.pairing)} (paired).`
      );
    // No baseline whatever the verdict: a run of soak, spike or capacity tests alone, or one whose
    // budgets failed, has a verdict of its own and still compared with no file.
    case 'local':
      return context.baseline === null
        ? `**Mode:** ${code('local')}: ${headText}, with no baseline file to compare with.`
        : `**Mode:** ${code('local')}: ${headText} against the baseline file from ${baseText}.`;
    case 'artifact':
      return context.baseline === null
        ? `**Mode:** ${code('artifact')}: ${headText}, with no stored baseline to compare with.`
        : `**Mode:** ${code('artifact')}: ${headText} against the stored baseline ${baseText} from the default branch.`;
  }
}

function warnings(context: ReportContext): string[] {
  const out: string[] = [];
  if (!isPairedMode(context) && context.baseline !== null) {
    const mismatch = hardwareMismatchOf(context.baseline, context.head, code);
    if (mismatch !== null) {
      out.push(
        `> ⚠️ **Different hardware:** ${mismatch}. Absolute latency and throughput differ between machines, ` +
          'so a change may come from the hardware rather than the code.',
      );
    }
  }
  for (const note of context.notes ?? []) out.push(`> ⚠️ ${note.replace(/\r?\n/g, ' ')}`);
  for (const note of [...shardNotes(context.head, code), ...measurementNotes(context, code)]) out.push(`> ${note.level === 'warning' ? '⚠️' : 'ℹ️'} ${note.text}`);
  return out;
}

function render(
  analysis: Analysis,
  context: ReportContext,
  plan: Plan,
  limit: SizeLimit,
  charts: readonly ChartEntry[],
  included?: Set<number>,
): Rendered {
  const verdict = headline(analysis, context, code);
  const sections = sectionsOf(analysis, context, plan.rows);
  const trials = plan.trials ? trialsDetails(analysis, context) : null;

  const left: string[] = [];
  const hasTrials = analysis.scenarios.some((s) =>
    s.metrics.some((m) => (m.samples?.baseline.length ?? 0) + (m.samples?.head.length ?? 0) > 0),
  );
  if (!plan.trials && hasTrials) left.push('per-trial values');
  if (!plan.environment) left.push('the environment table');
  if (!plan.charts && charts.length > 0) left.push('the charts');
  const hiddenRows = sections.reduce((n, s) => n + s.hiddenRows, 0);
  const empty = sections.filter((s) => s.text === null).length;
  if (plan.rows === 'scenarios' && empty > 0) {
    left.push(`the tables of ${plural(empty, 'scenario', 'scenarios')} where every metric was unchanged and every budget held`);
  } else if (hiddenRows > 0) {
    const which =
      plan.rows === 'changed'
        ? 'unchanged or unavailable metrics and budgets that held'
        : 'metrics that did not regress and budgets that held';
    left.push(
      `${plural(hiddenRows, 'table row', 'table rows')} of ${which}` +
        (empty > 0 ? ` (so ${plural(empty, 'scenario shows', 'scenarios show')} no table)` : ''),
    );
  }
  let shown = sections.map((s, i) => ({ ...s, index: i })).filter((s) => s.text !== null);
  if (included !== undefined) {
    const dropped = shown.filter((s) => !included.has(s.index)).length;
    shown = shown.filter((s) => included.has(s.index));
    if (dropped > 0) left.push(`the tables of ${plural(dropped, 'more failing scenario', 'more failing scenarios')}`);
  }

  const parts: string[] = [
    commentMarker(context.suite),
    `### ${verdict.symbol} ${verdict.title} · perfgate ${code(context.suite)}`,
    verdict.sentence,
    ...warnings(context),
    ...loadSettingsWarnings(analysis, code).map((w) => `> ⚠️ ${w}`),
    modeLine(context),
  ];
  if (left.length > 0) {
    parts.push(
      `✂️ **Trimmed to stay under ${limit.name}.** Left out: ${left.join('; ')}. ` +
        `The results file (${code('perfgate-results.json')}) holds every value.`,
    );
  }
  parts.push(...shown.map((s) => s.text as string));
  parts.push(...testSections(analysis, { details: plan.trials }));
  const chartsAt = parts.length;
  if (trials !== null) parts.push(trials);
  if (plan.environment) parts.push(environmentDetails(context));
  parts.push(methodDetails(analysis, context));
  const baseline = baselineDetails(context);
  if (baseline !== null) parts.push(baseline);
  const reproduce = reproduceDetails(context);
  if (reproduce !== null) parts.push(reproduce);
  parts.push(`<sub>perfgate ${context.head.tool.version}</sub>`);
  const join = (all: string[]): string => `${all.join('\n\n')}\n`;
  if (!plan.charts || charts.length === 0) return { text: join(parts), chartsLeft: plan.charts ? 0 : charts.length };
  const room = limit.max - limit.measure(join(parts)) - limit.measure('\n\n');
  const fitted = fitCharts(charts, room, limit.measure, limit.name);
  if (fitted.text !== null) parts.splice(chartsAt, 0, fitted.text);
  return { text: join(parts), chartsLeft: fitted.left };
}

/**
 * Keeps only as many scenario tables as fit, in their order. By now the tables hold nothing but
 * failures, so every one left out is counted in the note.
 */
function renderTruncated(analysis: Analysis, context: ReportContext, plan: Plan, limit: SizeLimit, charts: readonly ChartEntry[]): string {
  const included = new Set<number>();
  let used = limit.measure(render(analysis, context, plan, limit, charts, included).text);
  for (const [index, s] of sectionsOf(analysis, context, plan.rows).entries()) {
    if (s.text === null) continue;
    const size = limit.measure(`${s.text}\n\n`);
    if (used + size > limit.max) break;
    included.add(index);
    used += size;
  }
  return render(analysis, context, plan, limit, charts, included).text;
}

/** Last resort when even the fixed parts (e.g. very long notes) exceed the limit. */
function cut(text: string, limit: SizeLimit): string {
  const tail = '\n\n✂️ The rest of this report was cut to stay under the size limit.\n';
  let end = text.length;
  while (end > 0 && limit.measure(text.slice(0, end) + tail) > limit.max) {
    end = Math.floor(end * 0.9);
  }
  return text.slice(0, end).replace(/[\uD800-\uDBFF]$/, '') + tail;
}

/**
 * The first plan whose text fits. Charts fill the room the rest leaves, so a plan that fits without
 * them always fits; a plan that keeps the per-trial values must also leave room for every chart:
 * a picture of the rounds says more than the list of their numbers, which the results file holds.
 */
export function renderWithin(analysis: Analysis, context: ReportContext, limit: SizeLimit, scope: ChartScope = 'changed'): string {
  const charts = chartEntries(analysis, context, scope);
  let text = '';
  for (const plan of PLANS) {
    if (plan.truncate) {
      text = renderTruncated(analysis, context, plan, limit, charts);
      if (limit.measure(text) <= limit.max) return text;
      continue;
    }
    const rendered = render(analysis, context, plan, limit, charts);
    text = rendered.text;
    if (limit.measure(text) <= limit.max && !(plan.trials && rendered.chartsLeft > 0)) return text;
  }
  return cut(text, limit);
}

/** The sticky pull request comment, always under COMMENT_LIMIT characters. */
export function renderComment(analysis: Analysis, context: ReportContext, options: { maxLength?: number } = {}): string {
  return renderWithin(analysis, context, { ...COMMENT_SIZE, max: options.maxLength ?? COMMENT_SIZE.max });
}

/**
 * The same report for the job summary, which allows far more than a comment, so a large suite
 * keeps its details there.
 */
export function renderJobSummary(analysis: Analysis, context: ReportContext): string {
  return renderWithin(analysis, context, SUMMARY_SIZE, 'all');
}
