import type { CapacityBudgets } from './settings.js';

/** One step of a ramp: a fixed arrival rate held for the step's duration. */
export interface CapacityStep {
  /** Requests per second asked for, and successful responses per second delivered. */
  offered: number;
  achieved: number;
  /** Latency of successful responses from each request's intended send time (coordinated omission corrected), ms. */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  requests: number;
  errorRate: number;
  connections: number;
  /** CPU cores the service's process tree used (CPU time / wall time); null when no process is known. */
  cpuCores: number | null;
  rssBytes: number | null;
}

/** A service must deliver at least this share of the offered rate, or it is not keeping up. */
export const DELIVERED_SHARE = 0.95;

/** Why a step broke the SLO, one phrase per reason; empty when it met it. */
export function stepBreaks(step: CapacityStep, slo: CapacityBudgets): string[] {
  const out: string[] = [];
  if (step.achieved < DELIVERED_SHARE * step.offered) {
    out.push(`delivered ${fmt(step.achieved)} of ${fmt(step.offered)} req/s (below ${DELIVERED_SHARE * 100}%)`);
  }
  if (step.errorRate > slo.errorRate) out.push(`errors ${pct(step.errorRate)} > ${pct(slo.errorRate)}`);
  for (const q of ['p50', 'p95', 'p99'] as const) {
    const limit = slo[q];
    if (limit !== undefined && step[q] > limit) out.push(`${q} ${fmt(step[q])} ms > ${fmt(limit)} ms`);
  }
  return out;
}

export type CapacityBound = 'interpolated' | 'below-start' | 'at-max';

export interface CapacityEstimate {
  /**
   * Highest sustainable rate meeting the SLO, requests per second. 'interpolated': between the last
   * step that met it and the first that broke it; 'at-max': no step broke it, so this is the
   * highest rate offered and the true capacity is at least this; 'below-start': the first step
   * already broke it, null.
   */
  capacity: number | null;
  bound: CapacityBound;
  /** What broke the SLO first, as stepBreaks says it; null when nothing did. */
  limitedBy: string | null;
  /** Offered rate where latency starts to climb (kneeRate); null when it did not climb before capacity. */
  knee: number | null;
}

/**
 * Capacity from a ramp's steps. Between the last good step (rate a) and the first broken one (b),
 * every broken criterion is interpolated to where it crosses its limit, on log rate (the steps are
 * geometric): p50/p95/p99 on log latency (latency climbs roughly exponentially into saturation),
 * the delivered share and the error rate linearly. The lowest crossing is the capacity: the first
 * limit the service would meet as the rate rises from a.
 */
export function estimateCapacity(steps: readonly CapacityStep[], slo: CapacityBudgets): CapacityEstimate {
  const firstBroken = steps.findIndex((s) => stepBreaks(s, slo).length > 0);
  const knee = kneeRate(steps, firstBroken === -1 ? steps.length : firstBroken + 1);
  if (steps.length === 0) return { capacity: null, bound: 'below-start', limitedBy: null, knee: null };
  if (firstBroken === -1) return { capacity: steps[steps.length - 1]!.offered, bound: 'at-max', limitedBy: null, knee };
  const limitedBy = stepBreaks(steps[firstBroken]!, slo)[0]!;
  if (firstBroken === 0) return { capacity: null, bound: 'below-start', limitedBy, knee: null };

  const a = steps[firstBroken - 1]!;
  const b = steps[firstBroken]!;
  const crossings: number[] = [];
  // The share of the way from a to b at which a value reaches its limit (a meets it, b does not).
  const cross = (va: number, vb: number, limit: number) => {
    crossings.push(vb === va ? 0 : Math.min(1, Math.max(0, (limit - va) / (vb - va))));
  };
  const shareA = a.achieved / a.offered;
  const shareB = b.achieved / b.offered;
  if (shareB < DELIVERED_SHARE) cross(shareA, shareB, DELIVERED_SHARE);
  if (b.errorRate > slo.errorRate) cross(a.errorRate, b.errorRate, slo.errorRate);
  for (const q of ['p50', 'p95', 'p99'] as const) {
    const limit = slo[q];
    if (limit !== undefined && b[q] > limit) cross(Math.log(Math.max(a[q], 1e-6)), Math.log(b[q]), Math.log(limit));
  }
  const share = crossings.length > 0 ? Math.min(...crossings) : 0;
  let capacity = Math.exp(Math.log(a.offered) + share * (Math.log(b.offered) - Math.log(a.offered)));
  // A service that could not deliver the offered rate showed its ceiling: it delivered b.achieved
  // while its queue grew, so no higher rate is sustainable, whatever the 95% rule's interpolation
  // says (which would sit up to 1/0.95 above it). Never below a, which met the SLO.
  if (shareB < DELIVERED_SHARE) capacity = Math.max(a.offered, Math.min(capacity, b.achieved));
  return { capacity, bound: 'interpolated', limitedBy, knee: knee !== null && knee > capacity ? null : knee };
}

/** Latency has climbed once p99 is this many times its unloaded level. */
export const KNEE_FACTOR = 2;

/**
 * The knee: the offered rate at which p99 first reaches KNEE_FACTOR times its unloaded level (the
 * lowest p99 of the first two steps), interpolated on log rate and log latency like capacity.
 * A fixed multiple rather than a curvature rule (Kneedle): a few geometric steps give too few
 * points for a curvature to mean much, and "latency doubled" is what a reader expects by the word.
 */
export function kneeRate(steps: readonly CapacityStep[], upTo: number): number | null {
  const used = steps.slice(0, upTo);
  if (used.length < 2) return null;
  const unloaded = Math.min(used[0]!.p99, used[1]!.p99);
  if (!(unloaded > 0)) return null;
  const limit = KNEE_FACTOR * unloaded;
  for (let i = 1; i < used.length; i++) {
    const a = used[i - 1]!;
    const b = used[i]!;
    if (b.p99 >= limit) {
      const la = Math.log(Math.max(a.p99, 1e-6));
      const share = b.p99 === a.p99 ? 0 : Math.min(1, Math.max(0, (Math.log(limit) - la) / (Math.log(b.p99) - la)));
      return Math.exp(Math.log(a.offered) + share * (Math.log(b.offered) - Math.log(a.offered)));
    }
  }
  return null;
}

/**
 * Mean requests in flight during a step, by Little's law (L = λW): delivered rate × mean latency.
 * The concurrency the Universal Scalability Law relates throughput to.
 */
export function concurrencyOf(step: CapacityStep): number {
  return (step.achieved * step.mean) / 1000;
}

/** Offered rates of a ramp: start, start × factor, ... up to and including maxRate (capped). */
export function rampRates(start: number, factor: number, max: number): number[] {
  const rates: number[] = [];
  for (let r = start; ; r *= factor) {
    if (r >= max * (1 - 1e-9)) {
      rates.push(max);
      return rates;
    }
    rates.push(r);
    if (rates.length > 1000) return rates;
  }
}

function fmt(v: number): string {
  return v >= 100 ? String(Math.round(v)) : v >= 10 ? v.toFixed(1) : v.toPrecision(2);
}

function pct(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}
