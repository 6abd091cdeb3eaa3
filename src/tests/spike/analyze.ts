import type { MetricStatus, Verdict } from '../../analyze/types.js';
import { medianOf } from '../../analyze/median.js';
import { duration, ms, pPhrase, share } from '../../report/format.js';
import { tTestPaired, tTestWelch } from '../../stats/index.js';
import type { KindAnalyzeInput, TestAnalysis } from '../kind.js';
import { spikeMeasures, type SpikeMeasures, type SpikePhases, type SpikeSample } from './recovery.js';
import type { SpikeSettings } from './settings.js';

/** One spike on one start of the service: its interval samples and when the spike ran. */
export interface SpikeRun {
  process: number | null;
  phases: SpikePhases;
  samples: SpikeSample[];
}

export interface SpikeSide {
  runs: SpikeMeasures[];
  /** Median over the runs; a run that did not recover counts as longer than any that did. */
  recoveryMs: number | null;
  recovered: boolean;
  spikeP99: number | null;
  spikeErrorRate: number;
  baselineP99: number | null;
}

export interface SpikeAnalysis extends TestAnalysis {
  kind: 'spike';
  settings: SpikeSettings;
  baseline: SpikeSide | null;
  head: SpikeSide;
  /** Head minus baseline recovery time, ms, with its interval (t test over the runs). */
  change: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  status: MetricStatus | null;
  untested: string | null;
  method: 'paired' | 'independent' | 'none';
  budgets: { metric: 'error-rate' | 'p99' | 'recovery'; limit: number; value: number | null; ok: boolean }[];
  runs: { baseline: SpikeRun[] | null; head: SpikeRun[] };
  noBaselineReason?: string;
}

function side(runs: readonly SpikeRun[], s: SpikeSettings): SpikeSide {
  const measured = runs.map((r) => spikeMeasures(r.samples, r.phases, { tolerance: s.tolerance, settleMs: s.settleMs }));
  const recovered = measured.every((m) => m.recoveryMs !== null);
  // Not recovered counts as the longest: the median is then only known when most runs recovered.
  const times = measured.map((m) => m.recoveryMs ?? Infinity).sort((a, b) => a - b);
  // The upper middle of an even count: of two spikes, one not recovered means not recovered.
  const mid = times.length > 0 ? times[Math.floor(times.length / 2)]! : null;
  const requests = runs.flatMap((r, i) => r.samples.filter((x) => x.startMs >= r.phases.spikeStartMs && (measured[i]!.recoveryMs === null || x.startMs < r.phases.spikeEndMs + measured[i]!.recoveryMs!)));
  const total = requests.reduce((n, x) => n + x.requests, 0);
  return {
    runs: measured,
    recoveryMs: mid === null || !Number.isFinite(mid) ? null : mid,
    recovered,
    spikeP99: medianOf(measured.map((m) => m.spikeP99).filter((v): v is number => v !== null)),
    spikeErrorRate: total > 0 ? requests.reduce((n, x) => n + x.errors, 0) / total : 0,
    baselineP99: medianOf(measured.map((m) => m.baselineP99).filter((v): v is number => v !== null)),
  };
}

/**
 * A spike's outcome: budgets on the head (error rate and p99 from the spike's start until recovery,
 * and recovery time), and base against head on recovery time in seconds, a t test over the runs
 * (paired by repeat when both were measured here). A run that never recovered has no time to test.
 */
export function analyzeSpike(input: KindAnalyzeInput<SpikeSettings, SpikeRun>): SpikeAnalysis {
  const s = input.test.settings;
  const head = side(input.head, s);
  const baseline = input.baseline ? side(input.baseline, s) : null;
  let shift: { change: number; ciLow: number; ciHigh: number; p: number } | null = null;
  let untested: string | null = null;
  if (baseline) {
    if (!baseline.recovered || !head.recovered) untested = `a spike did not recover within ${duration(s.afterMs)}: lengthen after`;
    else if (baseline.runs.length < 2 || head.runs.length < 2) untested = 'fewer than 2 spikes on a side';
    else {
      const times = (x: SpikeSide) => x.runs.map((m) => m.recoveryMs!);
      const r = input.paired ? tTestPaired(times(head).map((h, i) => h - times(baseline)[i]!), input.confidence) : tTestWelch(times(baseline), times(head), input.confidence);
      shift = { change: r.estimate, ciLow: r.low, ciHigh: r.high, p: r.p };
    }
  }
  const b = s.budgets;
  const budgets: SpikeAnalysis['budgets'] = [];
  if (b.errorRate !== undefined) budgets.push({ metric: 'error-rate', limit: b.errorRate, value: head.spikeErrorRate, ok: head.spikeErrorRate <= b.errorRate });
  if (b.p99 !== undefined) budgets.push({ metric: 'p99', limit: b.p99, value: head.spikeP99, ok: head.spikeP99 !== null && head.spikeP99 <= b.p99 });
  if (b.recoveryMs !== undefined) budgets.push({ metric: 'recovery', limit: b.recoveryMs, value: head.recoveryMs, ok: head.recovered && head.recoveryMs !== null && head.recoveryMs <= b.recoveryMs });
  const recovery = (x: SpikeSide | null) => (x === null ? '—' : x.recoveryMs === null ? 'not recovered' : duration(x.recoveryMs));
  const measured: SpikeAnalysis = {
    test: input.test.name,
    kind: 'spike',
    scenario: input.scenario,
    verdict: 'inconclusive',
    summary: baseline ? `recovery ${recovery(baseline)} → ${recovery(head)}` : `recovery ${recovery(head)}`,
    failures: [],
    p: shift?.p ?? null,
    pAdjusted: shift?.p ?? null,
    settings: s,
    baseline,
    head,
    change: shift?.change ?? null,
    ciLow: shift?.ciLow ?? null,
    ciHigh: shift?.ciHigh ?? null,
    status: null,
    untested,
    method: baseline === null ? 'none' : input.paired ? 'paired' : 'independent',
    budgets,
    runs: { baseline: input.baseline, head: input.head },
    ...(input.noBaselineReason ? { noBaselineReason: input.noBaselineReason } : {}),
  };
  return settleSpike(measured, shift?.p ?? null, input.alpha);
}

/** Status, failures and verdict with the p-value after Holm across the run's tests. */
export function settleSpike(a: SpikeAnalysis, pAdjusted: number | null, alpha: number): SpikeAnalysis {
  const t = a.settings.recoveryThresholdMs;
  let status: MetricStatus | null = null;
  if (a.change !== null && pAdjusted !== null) {
    if (pAdjusted < alpha && a.change > t) status = 'regressed';
    else if (pAdjusted < alpha && a.change < -t) status = 'improved';
    else if (a.ciLow !== null && a.ciHigh !== null && a.ciLow > -t && a.ciHigh < t) status = 'unchanged';
    else status = 'inconclusive';
  }
  const failures: string[] = [];
  if (status === 'regressed') {
    failures.push(`recovery from a spike on ${a.scenario} took ${duration(a.change!)} longer (${duration(a.baseline!.recoveryMs!)} → ${duration(a.head.recoveryMs!)}; ${pPhrase(pAdjusted!)})`);
  }
  for (const b of a.budgets) {
    if (b.ok) continue;
    const shown = b.metric === 'error-rate' ? share(b.value) : b.metric === 'p99' ? ms(b.value) : b.value === null ? 'not recovered' : duration(b.value);
    const limit = b.metric === 'error-rate' ? share(b.limit) : b.metric === 'p99' ? ms(b.limit) : duration(b.limit);
    failures.push(`spike ${b.metric === 'recovery' ? 'recovery time' : b.metric} of ${a.scenario} is ${shown}, over its budget of ${limit}`);
  }
  const verdict: Verdict = failures.length > 0
    ? 'fail'
    : a.baseline === null ? 'no-baseline' : status === 'unchanged' || status === 'improved' ? 'pass' : 'inconclusive';
  return { ...a, pAdjusted, status, failures, verdict };
}
