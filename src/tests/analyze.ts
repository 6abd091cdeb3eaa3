import type { TestAnalysis, Verdict } from '../analyze/types.js';
import type { Results, TestRecord } from '../results/schema.js';
import { holm } from '../stats/index.js';
import type { AnyTestKind, TestSpec } from './kind.js';
import { TEST_KINDS } from './registry.js';

export interface AnalyzeTestsInput {
  /** The stored baseline (artifact or local mode), or null. */
  baseline: Results | null;
  /** This run; with variants base and head, tests compare those two (paired). */
  head: Results;
  alpha: number;
  confidence?: number;
  noBaselineReason?: string;
}

/**
 * Every test record of the head, analyzed by its kind against its baseline: this run's base
 * variant when both were measured, else the same test and scenario in the stored baseline. The
 * settings come from the entry kept with the record, so a results file is analyzed the same with
 * or without its config. Holm's adjustment runs across all of them: each is one more chance of a
 * false alarm. Pure.
 */
export function analyzeTests(input: AnalyzeTestsInput): TestAnalysis[] {
  const { baseline, head, alpha } = input;
  const confidence = input.confidence ?? 0.95;
  const paired = head.variants.some((v) => v.name === 'base') && head.variants.some((v) => v.name === 'head');
  const done: { kind: AnyTestKind; analysis: TestAnalysis }[] = [];
  for (const record of head.tests ?? []) {
    const kind = TEST_KINDS[record.kind];
    if (!kind) continue; // a kind this perfgate does not know: a newer file; the schema version guards that.
    // The entry was checked when it was measured; were it not readable now, the defaults stand in.
    const settings: unknown = kind.parseSettings(record.entry, `tests "${record.test}"`, []);
    const spec: TestSpec = { name: record.test, kind: record.kind, scenarios: [record.scenario], settings, entry: record.entry };
    const headRuns = runsOf(kind, record, 'head');
    let baseRuns: unknown[] | null = null;
    let reason = input.noBaselineReason;
    if (paired) {
      baseRuns = runsOf(kind, record, 'base');
    } else if (baseline) {
      const before = (baseline.tests ?? []).find((t) => t.test === record.test && t.kind === record.kind && t.scenario === record.scenario);
      baseRuns = before ? runsOf(kind, before, 'head') : null;
      if (!before) reason = `the baseline has no ${record.kind} test "${record.test}" of ${record.scenario}`;
      else if (baseRuns === null) reason = `the baseline's ${record.kind} test "${record.test}" of ${record.scenario} is not readable by this perfgate`;
      else if (!sameEntry(before.entry, record.entry)) {
        // Another ramp, SLO or load measures something else: its figures are no baseline for these.
        baseRuns = null;
        reason = `the baseline's ${record.kind} test "${record.test}" was configured differently (${entryChanges(before.entry, record.entry)})`;
      }
    }
    const analysis = kind.analyze({ test: spec, scenario: record.scenario, baseline: baseRuns, head: headRuns ?? [], paired, alpha, confidence, noBaselineReason: reason });
    done.push({ kind, analysis });
  }
  const tested = done.filter((d) => d.analysis.p !== null);
  const adjusted = holm(tested.map((d) => d.analysis.p!));
  return done.map((d) => {
    const i = tested.indexOf(d);
    return i === -1 ? d.analysis : (d.kind.adjust(d.analysis, adjusted[i]!, alpha) as TestAnalysis);
  });
}

/** Whether two test entries configure the same measurement (key order does not matter). */
function sameEntry(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return entryChanges(a, b) === '';
}

/** The fields that differ between two entries: "start-rate 50 → 100, budgets". */
function entryChanges(before: Record<string, unknown>, now: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => p.localeCompare(q))) : x)) ?? 'none';
  return keys
    .filter((k) => canonical(before[k]) !== canonical(now[k]))
    .map((k) => (typeof before[k] === 'object' || typeof now[k] === 'object' ? k : `${k} ${canonical(before[k])} → ${canonical(now[k])}`))
    .join(', ');
}

/** The variant's runs, each checked by its kind; null when any is not readable. */
function runsOf(kind: AnyTestKind, record: TestRecord, variant: string): unknown[] | null {
  const runs = record.variants[variant]?.runs;
  if (!runs) return null;
  const parsed = runs.map((r) => kind.parseRun(r));
  return parsed.some((r) => r === null) ? null : parsed;
}

/**
 * The run's verdict from the compare test's and every other test's: fail if any fails; else
 * inconclusive if any is; else no-baseline if any had nothing to compare with; else pass.
 * `compare` is null when the run had no compare test.
 */
export function combinedVerdict(compare: Verdict | null, tests: readonly TestAnalysis[]): Verdict {
  const all = [...(compare === null ? [] : [compare]), ...tests.map((t) => t.verdict)];
  for (const v of ['fail', 'inconclusive', 'no-baseline'] as const) if (all.includes(v)) return v;
  return 'pass';
}
