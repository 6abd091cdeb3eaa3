import type { Analysis, LoadSettingChange, LoadSettingValue, ScenarioAnalysis } from '../analyze/types.js';
import { ms, rate } from './format.js';
import type { Quote } from './headline.js';
import { metricLabel } from './vocabulary.js';

/**
 * What the report says when the baseline was measured under other load settings than this run
 * (analyze/comparable.ts): a line at the top, and per scenario which settings differ, both values,
 * and which metrics are therefore shown but not tested. Shared by the markdown and the terminal
 * renderers, which pass how to quote a value.
 */

const NONE = 'none';

/** One side of a setting in the user's units; header values and the body are digests already. */
function settingValue(setting: string, value: LoadSettingValue, quote: Quote): string {
  if (value === null) return NONE;
  if (typeof value === 'object') {
    const names = Object.keys(value);
    return names.length === 0 ? NONE : names.map(quote).join(', ');
  }
  if (typeof value === 'number') {
    if (setting === 'duration' || setting === 'request-timeout') return ms(value);
    if (setting === 'rate') return rate(value);
    return String(value);
  }
  return quote(value);
}

/**
 * "connections 16 → 4". Headers, whose values are digests, read by name: which were added,
 * removed or given another value.
 */
export function settingChange(change: LoadSettingChange, quote: Quote): string {
  if (change.setting === 'headers' && isRecord(change.baseline) && isRecord(change.head)) {
    const before = change.baseline;
    const after = change.head;
    const parts = [
      ...Object.keys(after).filter((n) => Object.hasOwn(before, n) && before[n] !== after[n]).map((n) => `${quote(n)} has another value`),
      ...Object.keys(after).filter((n) => !Object.hasOwn(before, n)).map((n) => `${quote(n)} added`),
      ...Object.keys(before).filter((n) => !Object.hasOwn(after, n)).map((n) => `${quote(n)} removed`),
    ];
    return `headers: ${parts.join(', ')}`;
  }
  return `${change.setting} ${settingValue(change.setting, change.baseline, quote)} → ${settingValue(change.setting, change.head, quote)}`;
}

function isRecord(value: LoadSettingValue): value is Record<string, string> {
  return value !== null && typeof value === 'object';
}

function names(list: readonly string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** The notice under a scenario's heading, or null when its load is the baseline's. */
export function scenarioLoadNotice(s: Pick<ScenarioAnalysis, 'loadSettings' | 'metrics'>, quote: Quote): string | null {
  const check = s.loadSettings;
  if (check?.status !== 'changed') return null;
  const untested = s.metrics.filter((m) => m.status === 'not-comparable').map((m) => metricLabel(m.metric));
  const tested = s.metrics.filter((m) => m.status !== 'not-comparable' && m.status !== 'unavailable').map((m) => metricLabel(m.metric));
  const what =
    untested.length === 0
      ? 'The metrics it invalidates have no values here.'
      : `Not comparable, so not tested: ${names(untested)}. ` +
        (tested.length > 0 ? `Still compared: ${names(tested)}.` : 'Nothing else is compared.');
  return `Load settings differ from the baseline's (baseline → this run): ${check.changes.map((c) => settingChange(c, quote)).join('; ')}. ${what}`;
}

/** Lines for the top of the report: where the load changed, and when a side records no settings. */
export function loadSettingsWarnings(analysis: Analysis, quote: Quote): string[] {
  const out: string[] = [];
  const changed = analysis.scenarios.filter((s) => s.loadSettings?.status === 'changed');
  if (changed.length > 0) {
    const shown = changed.slice(0, 3).map((s) => quote(s.name));
    const more = changed.length > shown.length ? [`${changed.length - shown.length} more`] : [];
    out.push(
      `Load settings differ from the baseline's in ${changed.length === 1 ? 'scenario' : 'scenarios'} ${names([...shown, ...more])}: ` +
        'a change of load is no change of the code, so the metrics it invalidates are marked not comparable and not tested (see each scenario).',
    );
  }
  const unrecorded = analysis.scenarios.flatMap((s) => (s.loadSettings?.status === 'unrecorded' ? [s.loadSettings.missing] : []));
  if (unrecorded.length > 0) {
    const which = unrecorded.includes('both')
      ? 'Neither results file records the load settings (both come from an older perfgate)'
      : unrecorded.includes('baseline') && unrecorded.includes('head')
        ? 'One of the results files does not record the load settings (it comes from an older perfgate)'
        : unrecorded.includes('baseline')
          ? "The baseline's results file does not record the load settings (it comes from an older perfgate)"
          : "This run's results file does not record the load settings (it comes from an older perfgate)";
    out.push(
      `${which}, so a change of profile, connections, rate, duration or request since the baseline ` +
        'cannot be seen: everything is compared as before.',
    );
  }
  return out;
}
