import type { MetricStatus, Verdict } from '../../analyze/types.js';
import { metricStatus } from '../../analyze/verdict.js';
import { medianOf } from '../../analyze/median.js';
import { pPhrase } from '../../report/format.js';
import { tTestPaired, tTestWelch } from '../../stats/index.js';
import { fitUsl, type UslFit } from '../../stats/usl.js';
import type { KindAnalyzeInput, TestAnalysis } from '../kind.js';
import { concurrencyOf, estimateCapacity, type CapacityEstimate } from './estimate.js';
import type { CapacityRun } from './measure.js';
import type { CapacitySettings } from './settings.js';

export interface CapacitySide {
  /** Each ramp's estimate, in the order measured. */
  ramps: CapacityEstimate[];
  /** Median capacity over the ramps that found one (req/s); null when none did. */
  capacity: number | null;
  /** Some ramp reached max-rate without breaking the SLO: the capacity is at least this. */
  atMax: boolean;
  /** Some ramp broke the SLO at its first step. */
  belowStart: boolean;
  knee: number | null;
  /**
   * The Universal Scalability Law fitted to delivered throughput against concurrency (Little's law:
   * delivered rate × mean latency) over every step of every ramp; null with fewer than 2 steps.
   */
  usl: UslFit | null;
}

export interface CapacityAnalysis extends TestAnalysis {
  kind: 'capacity';
  settings: CapacitySettings;
  baseline: CapacitySide | null;
  head: CapacitySide;
  /** Relative change of capacity (0.05 = +5%) and its interval, from the t test on log capacity. */
  change: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  status: MetricStatus | null;
  /** Why base and head were not tested against each other, when they were not. */
  untested: string | null;
  method: 'paired' | 'independent' | 'none';
  budget: { limit: number; value: number | null; ok: boolean } | null;
  planning: { traffic: number; headroom: number; instancesFor10x: number } | null;
  /** Every ramp's steps, for the chart and the details. */
  runs: { baseline: CapacityRun[] | null; head: CapacityRun[] };
  noBaselineReason?: string;
}

function side(runs: readonly CapacityRun[], settings: CapacitySettings): CapacitySide {
  const ramps = runs.map((r) => estimateCapacity(r.steps, settings.budgets));
  const found = ramps.filter((e) => e.capacity !== null).map((e) => e.capacity!);
  return {
    ramps,
    capacity: medianOf(found),
    atMax: ramps.some((e) => e.bound === 'at-max'),
    belowStart: ramps.some((e) => e.bound === 'below-start'),
    knee: medianOf(ramps.filter((e) => e.knee !== null).map((e) => e.knee!)),
    usl: uslOf(runs),
  };
}

function uslOf(runs: readonly CapacityRun[]): UslFit | null {
  const points = runs.flatMap((r) => r.steps).filter((s) => s.achieved > 0 && s.mean > 0).map((s) => ({ concurrency: concurrencyOf(s), throughput: s.achieved }));
  if (points.length < 2) return null;
  try {
    return fitUsl(points);
  } catch {
    // fitUsl refuses degenerate input (e.g. one concurrency level) with an error; there is no fit.
    return null;
  }
}

/**
 * Base against head on log capacity, one value per ramp (a fresh process each): paired by repeat
 * when both were measured in this run, Welch's t test against a stored baseline. A t test, not a
 * rank test: with the handful of ramps a run can afford, no rank test reaches alpha (docs/statistics.md).
 * A ramp that found no capacity (SLO broken at the first step) or stopped at max-rate gives no
 * value to test; then the comparison is left untested and says why.
 */
export function analyzeCapacity(input: KindAnalyzeInput<CapacitySettings, CapacityRun>): CapacityAnalysis {
  const { test, scenario, paired, alpha, confidence } = input;
  const settings = test.settings;
  const head = side(input.head, settings);
  const baseline = input.baseline ? side(input.baseline, settings) : null;

  let shift: { change: number; ciLow: number; ciHigh: number; p: number } | null = null;
  let untested: string | null = null;
  const method: CapacityAnalysis['method'] = baseline === null ? 'none' : paired ? 'paired' : 'independent';
  if (baseline) {
    untested = censored(baseline, head, settings);
    if (untested === null) {
      const logs = (s: CapacitySide) => s.ramps.map((e) => Math.log(e.capacity!));
      const r = paired
        ? tTestPaired(logs(head).map((h, i) => h - logs(baseline)[i]!), confidence)
        : tTestWelch(logs(baseline), logs(head), confidence);
      shift = { change: Math.expm1(r.estimate), ciLow: Math.expm1(r.low), ciHigh: Math.expm1(r.high), p: r.p };
    }
  }

  const floor = settings.budgets.capacity;
  const budget = floor === undefined ? null : { limit: floor, value: head.capacity, ok: head.capacity !== null && head.capacity >= floor && !head.belowStart };
  const planning = settings.traffic !== null && head.capacity !== null
    ? { traffic: settings.traffic, headroom: head.capacity / settings.traffic, instancesFor10x: Math.ceil((10 * settings.traffic) / head.capacity) }
    : null;
  const summary = baseline
    ? `capacity ${fmtRate(baseline.capacity)} → ${fmtRate(head.capacity)} req/s${shift ? ` (${pctChange(shift.change)}, p = ${shift.p.toPrecision(2)})` : ''}`
    : `capacity ${fmtRate(head.capacity)} req/s`;
  const measured: CapacityAnalysis = {
    test: test.name,
    kind: 'capacity',
    scenario,
    verdict: 'inconclusive',
    summary,
    failures: [],
    p: shift?.p ?? null,
    pAdjusted: shift?.p ?? null,
    settings,
    baseline,
    head,
    change: shift?.change ?? null,
    ciLow: shift?.ciLow ?? null,
    ciHigh: shift?.ciHigh ?? null,
    status: null,
    untested,
    method,
    budget,
    planning,
    runs: { baseline: input.baseline, head: input.head },
    ...(input.noBaselineReason ? { noBaselineReason: input.noBaselineReason } : {}),
  };
  return settleCapacity(measured, shift?.p ?? null, alpha);
}

/**
 * Status, failures and verdict from the p-value after Holm's adjustment across every test of the
 * run (tests/analyze.ts calls it again with the adjusted p): regressed when significant and the
 * drop is beyond the threshold, as for the compared metrics (analyze/verdict.ts).
 */
export function settleCapacity(a: CapacityAnalysis, pAdjusted: number | null, alpha: number): CapacityAnalysis {
  const status = a.change !== null && pAdjusted !== null
    ? metricStatus({ better: 'higher' }, { change: a.change, ciLow: a.ciLow, ciHigh: a.ciHigh }, pAdjusted, alpha, a.settings.threshold)
    : null;
  const failures: string[] = [];
  if (status === 'regressed') {
    failures.push(
      `capacity of ${a.scenario} fell ${pctChange(a.change!)} (${fmtRate(a.baseline!.capacity)} → ${fmtRate(a.head.capacity)} req/s; ` +
        `95% CI ${pctChange(a.ciLow!)} to ${pctChange(a.ciHigh!)}, ${pPhrase(pAdjusted!)})`,
    );
  }
  if (a.budget && !a.budget.ok) {
    failures.push(`capacity of ${a.scenario} is ${a.budget.value === null ? 'below the first step' : `${fmtRate(a.budget.value)} req/s`}, below the budget of ${fmtRate(a.budget.limit)} req/s`);
  }
  const verdict: Verdict = failures.length > 0
    ? 'fail'
    : a.baseline === null ? 'no-baseline' : status === 'unchanged' || status === 'improved' ? 'pass' : 'inconclusive';
  return { ...a, pAdjusted, status, failures, verdict };
}

/** Why the ramps cannot be compared as numbers, or null when they can. */
function censored(baseline: CapacitySide, head: CapacitySide, settings: CapacitySettings): string | null {
  if (baseline.ramps.length < 2 || head.ramps.length < 2) return 'fewer than 2 ramps on a side';
  if (baseline.belowStart || head.belowStart) {
    return `a ramp broke the SLO at its first step (${settings.startRate} req/s): lower start-rate`;
  }
  if (baseline.atMax || head.atMax) return `a ramp reached max-rate (${settings.maxRate} req/s) within the SLO: raise max-rate`;
  return null;
}

export function fmtRate(v: number | null): string {
  if (v === null) return '—';
  return v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

export function pctChange(v: number): string {
  const s = (Math.round(v * 1000) / 10).toFixed(1);
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${s.replace('-', '')}%`;
}
