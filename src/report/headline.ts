import type { Analysis, BudgetCheck, MetricAnalysis } from '../analyze/types.js';
import type { ReportContext } from './context.js';
import { count, interval, pPhrase, percent, threshold, value } from './format.js';
import { BUDGET_UNIT, budgetIsFloor, metricLabel, VERDICT_SYMBOL } from './vocabulary.js';

/**
 * The verdict in words: a title for the first line and the one sentence under it. Shared by the
 * markdown and the terminal renderers, which pass how to quote a name (inline code or plain).
 */
export interface Headline {
  symbol: string;
  /** "Fail — performance regressed" */
  title: string;
  /** What regressed (with size, interval and p), or what the verdict means. */
  sentence: string;
  /** The verdict as shown: an acknowledged fail reads as passed. */
  shown: 'pass' | 'fail' | 'inconclusive' | 'no-baseline' | 'acknowledged';
}

export type Quote = (text: string) => string;

/** At most this many items are named in the sentence; the tables show the rest. */
const NAMED_ITEMS = 3;

interface Located<T> {
  scenario: string;
  item: T;
}

function located<T>(analysis: Analysis, pick: (s: Analysis['scenarios'][number]) => T[]): Located<T>[] {
  return analysis.scenarios.flatMap((s) => pick(s).map((item) => ({ scenario: s.name, item })));
}

export function isAcknowledged(analysis: Analysis, context?: Pick<ReportContext, 'acknowledgedBy'>): boolean {
  return analysis.verdict === 'fail' && (analysis.acknowledged === true || Boolean(context?.acknowledgedBy));
}

/** "(95% CI +8.1% to +16.0%, p = 0.0004)", leaving out what is unknown. */
function evidence(m: MetricAnalysis): string {
  const parts: string[] = [];
  if (m.ciLow !== null && m.ciHigh !== null) parts.push(`95% CI ${interval(m.ciLow, m.ciHigh, m.changeKind)}`);
  const p = m.pAdjusted ?? m.p;
  if (p !== null) parts.push(pPhrase(p));
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function changePhrase(verb: string, { scenario, item: m }: Located<MetricAnalysis>, quote: Quote): string {
  const size = m.change === null ? '' : ` by ${percent(m.change, m.changeKind)}`;
  return `${quote(scenario)} ${metricLabel(m.metric)} ${verb}${size}${evidence(m)}`;
}

export function budgetLimit(b: Pick<BudgetCheck, 'metric' | 'limit'>): string {
  return `${budgetIsFloor(b.metric) ? '≥' : '≤'} ${value(b.limit, BUDGET_UNIT[b.metric])}`;
}

function budgetPhrase({ scenario, item: b }: Located<BudgetCheck>, quote: Quote): string {
  const name = `${quote(scenario)} ${metricLabel(b.metric)}`;
  if (b.value === null) return `${name} has no value to check against its budget (${budgetLimit(b)})`;
  return `${name} is ${value(b.value, BUDGET_UNIT[b.metric])}, outside its budget (${budgetLimit(b)})`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
function list(items: string[], more: string): string {
  const named = items.slice(0, NAMED_ITEMS);
  const rest = items.length - named.length;
  if (rest > 0) return `${named.join(', ')} and ${count(rest)} more ${more}`;
  if (named.length <= 1) return named.join('');
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function howToGetBaseline(context: Pick<ReportContext, 'mode'> | undefined, quote: Quote): string {
  switch (context?.mode) {
    case 'local':
      return `Measure the base commit with ${quote('perfgate run')}, keep its results file, and compare against it.`;
    case 'variants':
      return 'The base variant could not be measured; see the notes below.';
    case 'base-ref':
      return 'The base commit of the pull request could not be measured; see the notes below.';
    default:
      return (
        'A push to the default branch runs perfgate and stores its results as the baseline; ' +
        'pull requests opened or updated after that are compared with it.'
      );
  }
}

export function headline(
  analysis: Analysis,
  context: Pick<ReportContext, 'acknowledgedBy' | 'mode'> | undefined,
  quote: Quote,
): Headline {
  const regressions = located(analysis, (s) => s.metrics.filter((m) => m.gated && m.status === 'regressed'));
  const broken = located(analysis, (s) => s.budgets.filter((b) => !b.ok));
  const tests = analysis.tests ?? [];
  const failures = [
    ...regressions.map((r) => changePhrase('regressed', r, quote)),
    ...broken.map((b) => budgetPhrase(b, quote)),
    ...tests.flatMap((t) => t.failures),
  ];
  const failureSentence = failures.length > 0 ? `${sentenceCase(list(failures, '(see the tables)'))}.` : '';

  if (analysis.verdict === 'fail') {
    const testFailed = tests.some((t) => t.verdict === 'fail');
    const what =
      testFailed && regressions.length === 0 && broken.length === 0
        ? `${[...new Set(tests.filter((t) => t.verdict === 'fail').map((t) => t.kind))].join(' and ')} test failed`
        : regressions.length > 0 && broken.length > 0
        ? 'performance regressed and a budget is exceeded'
        : broken.length > 0
          ? 'performance budget exceeded'
          : 'performance regressed';
    if (isAcknowledged(analysis, context)) {
      const label = context?.acknowledgedBy;
      return {
        symbol: VERDICT_SYMBOL.pass,
        title: `Acknowledged regression${label ? ` (label ${quote(label)})` : ''}`,
        sentence:
          `${failureSentence} ` +
          `${label ? `The label ${quote(label)}` : 'A label'} accepts this on purpose, so the check passes.`.trim(),
        shown: 'acknowledged',
      };
    }
    return {
      symbol: VERDICT_SYMBOL.fail,
      title: `Fail — ${what}`,
      sentence: failureSentence || 'A gated metric failed; see the tables.',
      shown: 'fail',
    };
  }

  if (analysis.verdict === 'no-baseline') {
    const reason = (analysis.reason ?? 'no trusted baseline results were found').trim().replace(/\.$/, '');
    return {
      symbol: VERDICT_SYMBOL['no-baseline'],
      title: 'No baseline — nothing to compare with yet',
      sentence: `There is no baseline to compare with (${reason}), so this run passes and only reports the head. ${howToGetBaseline(context, quote)}`,
      shown: 'no-baseline',
    };
  }

  if (analysis.verdict === 'inconclusive') {
    const undecided = located(analysis, (s) => s.metrics.filter((m) => m.gated && m.status === 'inconclusive'));
    const named = undecided.map(({ scenario, item: m }) => {
      const detail = [`${percent(m.change, m.changeKind)}`];
      if (m.ciLow !== null && m.ciHigh !== null) detail.push(`95% CI ${interval(m.ciLow, m.ciHigh, m.changeKind)}`);
      detail.push(`threshold ${threshold(m.threshold)}`);
      return `${quote(scenario)} ${metricLabel(m.metric)} (${detail.join(', ')})`;
    });
    named.push(...tests.filter((t) => t.verdict === 'inconclusive').map((t) => `the ${t.kind} of ${quote(t.scenario)} (${t.summary})`));
    // The advice on rounds and base-ref is the compare test's; other tests say in their sections why they could not decide.
    const advice = undecided.length > 0
      ? 'the interval reaches past the threshold without a significant change. ' +
        `More rounds (${quote('max-rounds')}) or same-runner A/B (${quote('compare: base-ref')}) narrow the interval.`
      : 'see its section below for why.';
    return {
      symbol: VERDICT_SYMBOL.inconclusive,
      title: 'Inconclusive — too noisy to decide',
      sentence: `Nothing regressed, but the measurements were too noisy to decide ${named.length > 0 ? list(named, 'metrics') : 'every gated metric'}: ${advice}`,
      shown: 'inconclusive',
    };
  }

  const improvements = located(analysis, (s) => s.metrics.filter((m) => m.gated && m.status === 'improved'));
  const compared = analysis.scenarios.flatMap((s) =>
    s.metrics.filter((m) => m.gated && m.status !== 'unavailable' && m.status !== 'not-comparable'),
  );
  let sentence: string;
  if (improvements.length > 0) {
    sentence = `${sentenceCase(list(improvements.map((i) => changePhrase('improved', i, quote)), '(see the tables)'))}; nothing regressed.`;
  } else if (compared.length > 0) {
    const n = analysis.scenarios.length;
    sentence =
      `All ${compared.length} gated metric${compared.length === 1 ? '' : 's'} in ${n} scenario${n === 1 ? '' : 's'} ` +
      'stayed within their thresholds; nothing regressed.';
  } else {
    sentence = 'Nothing regressed.';
  }
  const testsPassed = tests.filter((t) => t.verdict === 'pass');
  if (testsPassed.length > 0) {
    sentence += ` ${sentenceCase(list(testsPassed.map((t) => `the ${t.kind} of ${quote(t.scenario)}: ${t.summary}`), 'tests'))}.`;
  }
  const untested = analysis.scenarios.reduce((n, s) => n + s.metrics.filter((m) => m.gated && m.status === 'not-comparable').length, 0);
  if (untested > 0) {
    sentence += ` ${count(untested)} gated metric${untested === 1 ? ' was' : 's were'} not compared: measured under other load settings than the baseline.`;
  }
  return { symbol: VERDICT_SYMBOL.pass, title: 'Pass — no performance regression', sentence, shown: 'pass' };
}
