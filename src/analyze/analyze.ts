import type { Results, ScenarioResult, TrialResult } from '../results/schema.js';
import { gatesPart, journeyCpu } from '../scenarios/parts.js';
import { holm } from '../stats/index.js';
import { checkBudgets, present } from './budgets.js';
import { isComparable, loadSettingsCheck } from './comparable.js';
import { compareIndependent, comparePairedDifferences, type Shift } from './compare.js';
import { effectiveThreshold } from './history.js';
import { runLevelP } from './run-level.js';
import { medianOf } from './median.js';
import { METRICS, fromAnalysisScale, toAnalysisScale, type MetricSpec } from './metrics.js';
import { groupByUnit, unitKey, unitMeans, unitSpread } from './units.js';
import type { Analysis, BudgetMetric, LoadSettingsCheck, MetricAnalysis, MetricName, ScenarioAnalysis, TestUnits } from './types.js';
import { metricStatus, minDetectableEffect, overallVerdict, reportedShift } from './verdict.js';

export interface AnalyzeOptions {
  /** Family-wise significance level, after Holm across all gated metrics of all scenarios (0.01). */
  alpha: number;
  /** Level of the reported intervals (0.95). */
  confidence?: number;
  /** Relative thresholds (0.05 = 5%); the error rate's is a rate difference (0.01 = 1 point). */
  thresholds: Record<MetricName, number>;
  /** Metrics that decide the verdict; the others are shown. */
  gated: MetricName[];
  /** Absolute limits on the head: ceilings, except throughput, a floor. */
  budgets: Partial<Record<BudgetMetric, number>>;
  /** A threshold is at least noiseK run-to-run spreads of the baseline's history (3). */
  noiseK: number;
  /** Per-scenario overrides, by scenario name. */
  scenarios?: Record<string, { thresholds?: Partial<Record<MetricName, number>>; budgets?: Partial<Record<BudgetMetric, number>> }>;
  /** Shown when there is no baseline. */
  noBaselineReason?: string;
}

export interface AnalyzeInput {
  /** The stored baseline (artifact or local mode), or null. */
  baseline: Results | null;
  /** This run. With variants 'base' and 'head' and no baseline, the comparison is paired by round. */
  head: Results;
  options: AnalyzeOptions;
}

type Mode = Analysis['method'];

/** What is known about a metric before Holm's adjustment across the whole run. */
interface Pending {
  spec: MetricSpec;
  gated: boolean;
  threshold: number;
  widenedFrom?: number;
  baselineMedian: number | null;
  headMedian: number | null;
  samples: { baseline: number[]; head: number[] };
  shift: Shift | null;
  pRuns?: number;
  units?: TestUnits;
  /** Measured under other load settings than the baseline's: shown, not tested (comparable.ts). */
  notComparable?: true;
}

/**
 * From the baseline and this run's results to the Analysis: per scenario and metric a shift
 * estimate, interval, p-value and status, budgets on the head, and the verdict. Pure: no I/O, no
 * clock, no randomness. Method and choices: docs/statistics.md.
 */
export function analyze(input: AnalyzeInput): Analysis {
  const { baseline, head, options } = input;
  const confidence = options.confidence ?? 0.95;
  validate(options, confidence);
  const mode: Mode = baseline !== null ? 'independent' : isPaired(head) ? 'paired' : 'none';

  const pending = head.scenarios.map((scenario) => ({
    scenario,
    metrics: METRICS.map((spec) => pendingMetric(spec, scenario, mode, baseline, options)),
  })).map((p) => withLoadSettings(p, mode, baseline));

  // Holm across every gated metric of every scenario; the shown-only metrics form their own family
  // so their statuses are not a list of raw-p false alarms either. A comparison that no relabelling
  // could make significant (no errors on either side) is left out of its family, as in Tarone's
  // modified Bonferroni for discrete tests (Biometrics 46, 1990): it can never be rejected, so it
  // need not share alpha, and the family-wise error stays controlled.
  const all = pending.flatMap((s) => s.metrics).filter((m) => m.shift !== null);
  const adjusted = new Map<Pending, { pAdjusted: number; familySize: number }>();
  for (const family of [all.filter((m) => m.gated), all.filter((m) => !m.gated)]) {
    const testable = family.filter((m) => !(m.shift as Shift).degenerate);
    const values = holm(testable.map((m) => (m.shift as Shift).p));
    testable.forEach((m, i) => adjusted.set(m, { pAdjusted: values[i] as number, familySize: testable.length }));
    for (const m of family) if (!adjusted.has(m)) adjusted.set(m, { pAdjusted: 1, familySize: testable.length });
  }

  const scenarios: ScenarioAnalysis[] = pending.map(({ scenario, metrics, loadSettings }) => ({
    name: scenario.name,
    metrics: metrics.map((m) => finish(m, adjusted.get(m), options.alpha, confidence)),
    budgets: checkBudgets(headTrials(scenario), merged(options.budgets, options.scenarios?.[scenario.name]?.budgets)),
    ...(loadSettings ? { loadSettings } : {}),
    ...(scenario.partOf !== undefined ? { partOf: scenario.partOf } : {}),
    ...journeyCpuOf(scenario, mode, baseline),
  }));

  // A baseline whose every metric was measured under other load settings still counts as compared:
  // the run is judged on its budgets and passes, rather than reading as if it had no baseline.
  const compared = all.length > 0 || pending.some((s) => s.metrics.some((m) => m.notComparable));
  const verdict = overallVerdict(scenarios, compared);
  const analysis: Analysis = {
    verdict,
    alpha: options.alpha,
    confidence,
    method: mode,
    rounds: { baseline: mode === 'paired' ? head.rounds : (baseline?.rounds ?? 0), head: head.rounds },
    scenarios,
  };
  if (!compared) analysis.reason = options.noBaselineReason ?? noComparisonReason(mode);
  return analysis;
}

function noComparisonReason(mode: Mode): string {
  return mode === 'none'
    ? 'no baseline results to compare with'
    : 'the baseline has no measurements of these scenarios to compare with';
}

/**
 * Against a stored baseline, the scenario's load settings are checked against the baseline's; the
 * metrics a difference invalidates keep their medians and trials for the report but lose their
 * test, so they stay out of Holm's families and the verdict (comparable.ts).
 */
function withLoadSettings<P extends { scenario: ScenarioResult; metrics: Pending[] }>(
  p: P,
  mode: Mode,
  baseline: Results | null,
): P & { loadSettings: LoadSettingsCheck | null } {
  const check = mode === 'independent' && baseline ? loadSettingsCheck(baseline.scenarios.find((s) => s.name === p.scenario.name), p.scenario) : null;
  const metrics = p.metrics.map((m): Pending => {
    // A metric a side has no values of stays unavailable: there is nothing to hold back.
    if (isComparable(check, m.spec.name) || m.shift === null) return m;
    // Neither the run-level test nor a threshold widened by the history applies to an untested metric.
    const { pRuns: _pRuns, widenedFrom, units: _units, ...rest } = m;
    return { ...rest, threshold: widenedFrom ?? m.threshold, shift: null, notComparable: true };
  });
  return { ...p, metrics, loadSettings: check };
}

/** A journey's CPU per completed journey, head against what it is compared with. */
function journeyCpuOf(scenario: ScenarioResult, mode: Mode, baseline: Results | null): { cpuPerJourney?: { baseline: number | null; head: number | null } } {
  const base =
    mode === 'paired' ? (scenario.variants['base']?.trials ?? []) : mode === 'independent' ? headTrials(baseline?.scenarios.find((s) => s.name === scenario.name)) : [];
  const cpu = journeyCpu(base, headTrials(scenario));
  return cpu === null ? {} : { cpuPerJourney: cpu };
}

/** Same-runner A/B: both variants measured in this run. */
function isPaired(results: Results): boolean {
  const names = new Set(results.variants.map((v) => v.name));
  return names.has('base') && names.has('head');
}

/** The trials of the measured code: variant 'head', or the only variant of a single-variant run. */
function headTrials(scenario: ScenarioResult | undefined): TrialResult[] {
  if (!scenario) return [];
  const variant = scenario.variants['head'] ?? singleVariant(scenario);
  return variant?.trials ?? [];
}

function singleVariant(scenario: ScenarioResult) {
  const all = Object.values(scenario.variants);
  return all.length === 1 ? all[0] : undefined;
}

function pendingMetric(spec: MetricSpec, scenario: ScenarioResult, mode: Mode, baseline: Results | null, options: AnalyzeOptions): Pending {
  const head = headTrials(scenario);
  // A request of a mix or step of a journey decides the verdict only with enough answers a trial.
  const gated = options.gated.includes(spec.name) && gatesPart(scenario, head);
  const configured = merged(options.thresholds, options.scenarios?.[scenario.name]?.thresholds)[spec.name] as number;

  if (mode === 'paired') {
    const pairs = pairByRound(scenario.variants['base']?.trials ?? [], head, spec);
    const samples = { baseline: pairs.map((p) => p.base), head: pairs.map((p) => p.head) };
    // One value per pair of processes: the mean of its rounds' log ratios (analyze/units.ts).
    const groups = groupByUnit(pairs, (p) => p.unit, (p) => toAnalysisScale(spec, p.head) - toAnalysisScale(spec, p.base));
    const shift = groups.length > 0 ? comparePairedDifferences(unitMeans(groups), options.confidence ?? 0.95) : null;
    const units = testUnits(pairs.some((p) => p.unit.startsWith('p')) ? 'process' : 'round', groups, groups.length, groups);
    return { spec, gated, threshold: configured, ...medians(samples), samples, shift, ...(groups.length > 0 ? { units } : {}) };
  }

  const headValues = present(head.map(spec.value));
  if (mode === 'none' || baseline === null) {
    const samples = { baseline: [], head: headValues };
    return { spec, gated, threshold: configured, ...medians(samples), samples, shift: null };
  }

  const baseTrials = headTrials(baseline.scenarios.find((s) => s.name === scenario.name));
  const baselineValues = present(baseTrials.map(spec.value));
  const samples = { baseline: baselineValues, head: headValues };
  const { baselineMedian, headMedian } = medians(samples);
  const { threshold, widenedFrom } = effectiveThreshold(spec, scenario.name, configured, baseline, baselineMedian, options.noiseK);
  // One value per service process on each side: trials of one process share its offset.
  const baseGroups = unitGroups(baseTrials, spec);
  const headGroups = unitGroups(head, spec);
  const trialShift =
    baseGroups.length > 0 && headGroups.length > 0
      ? compareIndependent(unitMeans(baseGroups), unitMeans(headGroups), options.confidence ?? 0.95)
      : null;
  // Significant against the trials and against the earlier runs, or not at all (run-level.ts).
  const headUnits = unitMeans(headGroups).map((v) => fromAnalysisScale(spec, v));
  const pRuns = trialShift ? runLevelP(spec, scenario.name, baseline, baselineMedian, headUnits) : null;
  const shift = trialShift && pRuns !== null ? { ...trialShift, p: Math.max(trialShift.p, pRuns) } : trialShift;
  const kind = [...baseTrials, ...head].some((t) => t.process !== undefined) ? 'process' : 'trial';
  const units = testUnits(kind, baseGroups, headGroups.length, headGroups);
  return {
    spec,
    gated,
    threshold,
    widenedFrom,
    baselineMedian,
    headMedian,
    samples,
    shift,
    ...(pRuns !== null ? { pRuns } : {}),
    ...(trialShift ? { units } : {}),
  };
}

/** A side's values on the analysis scale, grouped by the service process they were measured on. */
function unitGroups(trials: readonly TrialResult[], spec: MetricSpec): number[][] {
  const measured = trials.filter((t) => {
    const v = spec.value(t);
    return v !== null && Number.isFinite(v);
  });
  return groupByUnit(measured, (t) => unitKey(t, 'order'), (t) => toAnalysisScale(spec, spec.value(t) as number));
}

/** How many units each side had, and the spread between and within them (of head − base when paired). */
function testUnits(kind: TestUnits['kind'], baseline: readonly unknown[], head: number, spreadOf: readonly (readonly number[])[]): TestUnits {
  const spread = unitSpread(spreadOf);
  return { kind, baseline: baseline.length, head, betweenSd: spread.between, withinSd: spread.within };
}

/**
 * Pairs (baseline, head) of the rounds where both variants have a value, with the unit each round
 * belongs to (its pair of processes, or the round itself). A round measured more than once per
 * variant (re-run after interference) contributes its last trial by order.
 */
function pairByRound(base: readonly TrialResult[], head: readonly TrialResult[], spec: MetricSpec): { base: number; head: number; unit: string }[] {
  const lastByRound = (trials: readonly TrialResult[]) => {
    const byRound = new Map<number, TrialResult>();
    for (const t of trials) {
      const seen = byRound.get(t.round);
      if (!seen || t.order > seen.order) byRound.set(t.round, t);
    }
    return byRound;
  };
  const baseRounds = lastByRound(base);
  const headRounds = lastByRound(head);
  const pairs: { base: number; head: number; unit: string }[] = [];
  for (const round of [...headRounds.keys()].sort((a, b) => a - b)) {
    const b = baseRounds.get(round);
    const h = headRounds.get(round) as TrialResult;
    if (!b) continue;
    const bv = spec.value(b);
    const hv = spec.value(h);
    if (bv !== null && hv !== null && Number.isFinite(bv) && Number.isFinite(hv)) pairs.push({ base: bv, head: hv, unit: unitKey(h, 'round') });
  }
  return pairs;
}

function medians(samples: { baseline: number[]; head: number[] }) {
  return { baselineMedian: medianOf(samples.baseline), headMedian: medianOf(samples.head) };
}

function finish(
  m: Pending,
  holmResult: { pAdjusted: number; familySize: number } | undefined,
  alpha: number,
  confidence: number,
): MetricAnalysis {
  const base: MetricAnalysis = {
    metric: m.spec.name,
    unit: m.spec.unit,
    baseline: m.baselineMedian,
    head: m.headMedian,
    change: null,
    ciLow: null,
    ciHigh: null,
    p: null,
    pAdjusted: null,
    threshold: m.threshold,
    status: 'unavailable',
    gated: m.gated,
    changeKind: m.spec.scale === 'log' ? 'relative' : 'absolute',
    samples: m.samples,
  };
  if (m.widenedFrom !== undefined) base.thresholdWidenedFrom = m.widenedFrom;
  if (m.pRuns !== undefined) base.pRuns = m.pRuns;
  if (m.units !== undefined) base.units = m.units;
  if (m.notComparable) return { ...base, status: 'not-comparable' };
  if (m.shift === null || holmResult === undefined) return base;
  const shift = reportedShift(m.spec, m.shift);
  const status = metricStatus(m.spec, shift, holmResult.pAdjusted, alpha, m.threshold);
  const result: MetricAnalysis = { ...base, ...shift, p: m.shift.p, pAdjusted: holmResult.pAdjusted, status };
  if (status === 'inconclusive') {
    const level = alpha / Math.max(1, holmResult.familySize);
    result.minDetectableEffect = minDetectableEffect(m.spec, m.shift, m.threshold, level, confidence);
  }
  return result;
}

/** Defaults overlaid by the scenario's own values; an override left undefined keeps the default. */
function merged<K extends string>(defaults: Partial<Record<K, number>>, overrides: Partial<Record<K, number>> | undefined): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = { ...defaults };
  for (const [key, value] of Object.entries(overrides ?? {}) as Array<[K, number | undefined]>) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function validate(options: AnalyzeOptions, confidence: number): void {
  const problems: string[] = [];
  if (!(options.alpha > 0 && options.alpha < 1)) problems.push(`alpha must be between 0 and 1 (e.g. 0.01), got ${options.alpha}`);
  if (!(confidence > 0 && confidence < 1)) problems.push(`confidence must be between 0 and 1 (e.g. 0.95), got ${confidence}`);
  if (!(options.noiseK >= 0)) problems.push(`noiseK must be a number ≥ 0 (e.g. 3), got ${options.noiseK}`);
  const thresholdSets = [['thresholds', options.thresholds] as const, ...Object.entries(options.scenarios ?? {}).map(([name, s]) => [`scenarios.${name}.thresholds`, s.thresholds ?? {}] as const)];
  for (const [where, thresholds] of thresholdSets) {
    for (const spec of METRICS) {
      const t = (thresholds as Partial<Record<MetricName, number>>)[spec.name];
      if (where === 'thresholds' && t === undefined) problems.push(`thresholds.${spec.name} is missing; expected a fraction such as 0.05`);
      else if (t !== undefined && !(t >= 0 && Number.isFinite(t))) problems.push(`${where}.${spec.name} must be a number ≥ 0, got ${t}`);
    }
  }
  if (problems.length > 0) throw new RangeError(`analyze options: ${problems.join('; ')}`);
}
