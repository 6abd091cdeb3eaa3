import type { Scenario } from '../config/config.js';
import type { LoadOutcome } from '../load/types.js';
import type { ScenarioResult, TrialResult } from '../results/schema.js';
import { scenarioKind } from './registry.js';

/**
 * The requests of a mix and the steps of a journey are measured, analyzed and gated as scenarios
 * of their own, named "<scenario> › <request>" and marked `partOf` their scenario: the statistics,
 * Holm's correction, the history and the verdict then treat them like any scenario, and the report
 * gathers them into their scenario's per-request table. A scenario of one request has no parts.
 */
export const PART_SEPARATOR = ' › ';

/**
 * A part's metrics are gated only when the head's trials have at least this many successful
 * answers of it each (their median): fewer make its p99 the largest of a handful, and a rare
 * request would add a noisy test to Holm's family without a chance of deciding it.
 */
export const MIN_PART_SUCCESSES = 100;

export function partNames(scenario: Scenario): string[] {
  const t = scenario.traffic;
  if (!t || t.requests.length < 2) return [];
  return t.requests.map((r) => `${scenario.name}${PART_SEPARATOR}${r.name}`);
}

/** The results entries of a scenario's parts, empty, in the order of its requests. */
export function partResults(scenario: Scenario, variants: readonly string[]): ScenarioResult[] {
  const t = scenario.traffic;
  if (!t || t.requests.length < 2) return [];
  return t.requests.map((r) => ({
    name: `${scenario.name}${PART_SEPARATOR}${r.name}`,
    method: r.method,
    path: r.path.parts.map((p, i) => p + (i < r.path.names.length ? `{{${r.path.names[i]}}}` : '')).join(''),
    partOf: scenario.name,
    variants: Object.fromEntries(variants.map((v) => [v, { trials: [] as TrialResult[] }])),
  }));
}

/** What the scenario sends, for its results entry's `path` ("a mix of 3 requests"); null for one request. */
export function trafficSummary(scenario: Scenario): string | null {
  return scenario.traffic ? scenarioKind(scenario.traffic).summary(scenario.traffic) : null;
}

type Trial = Omit<TrialResult, 'round' | 'order'>;

/**
 * Each part's trial, from the whole's and the engine's per-part counts. CPU and memory belong to
 * the whole (a process does not say which request it spent them on), so a part has none; its
 * latency was measured in the same trial as the whole's, so the whole's Little's law check holds
 * for it too.
 */
export function partTrials(whole: Trial, outcome: LoadOutcome): Trial[] {
  return (outcome.parts ?? []).map((p) => ({
    startedAt: whole.startedAt,
    durationMs: p.durationMs,
    requests: p.requests,
    errors: p.errors,
    statusCounts: p.statusCounts,
    errorCounts: p.errorCounts,
    throughput: p.throughput,
    latencyMs: p.latencyMs,
    histogram: p.histogram,
    cpuMsPerRequest: null,
    peakRssBytes: null,
    targetRate: null,
    overloaded: false,
    interference: whole.interference,
    ...(whole.connectionMode ? { connectionMode: whole.connectionMode } : {}),
    ...(whole.littlesLaw !== undefined ? { littlesLaw: whole.littlesLaw } : {}),
  }));
}

/** Whether a scenario's metrics may decide the verdict: always for a scenario, for a part with enough answers. */
export function gatesPart(scenario: ScenarioResult, headTrials: readonly TrialResult[]): boolean {
  if (scenario.partOf === undefined) return true;
  if (headTrials.length === 0) return false;
  const successes = headTrials.map((t) => t.requests - t.errors).sort((a, b) => a - b);
  const mid = successes.length / 2;
  const median = successes.length % 2 === 1 ? successes[Math.floor(mid)]! : (successes[mid - 1]! + successes[mid]!) / 2;
  return median >= MIN_PART_SUCCESSES;
}

/**
 * The parts of a warmup whose every request failed, as "step "create": capture "id": no $.id in the
 * response body ×12": a wrong capture path or a broken endpoint fails every pass the same way, and
 * is better told before measuring than read as an error rate afterwards.
 */
export function partsThatAlwaysFailed(outcome: LoadOutcome): string[] {
  const label = outcome.units ? 'step' : 'request';
  return (outcome.parts ?? [])
    .filter((p) => p.requests > 0 && p.errors === p.requests)
    .map((p) => {
      const kinds = Object.entries(p.errorCounts).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([k, n]) => `${k} ×${n}`);
      return `${label} "${p.name}": ${kinds.join(', ') || 'no answer'}`;
    });
}

/** The median CPU time per completed journey of each side; null for a scenario that is no journey. */
export function journeyCpu(baseline: readonly TrialResult[], head: readonly TrialResult[]): { baseline: number | null; head: number | null } | null {
  if (!head.some((t) => t.journeys !== undefined)) return null;
  const median = (trials: readonly TrialResult[]) => {
    const v = trials.map((t) => t.cpuMsPerJourney).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
    if (v.length === 0) return null;
    const mid = v.length / 2;
    return v.length % 2 === 1 ? v[Math.floor(mid)]! : (v[mid - 1]! + v[mid]!) / 2;
  };
  return { baseline: median(baseline), head: median(head) };
}
