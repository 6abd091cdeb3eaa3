import { decodeHistogram, type LoadOutcome } from '../../load/index.js';
import type { RunningService } from '../../service/index.js';
import { onFreshStarts } from '../fresh-starts.js';
import type { KindMeasureInput } from '../kind.js';
import { estimateCapacity, rampRates, stepBreaks, type CapacityStep } from './estimate.js';
import type { CapacityBudgets, CapacitySettings } from './settings.js';

/** One ramp: its steps up to the first that broke the SLO (or to max-rate), on one start of the service. */
export interface CapacityRun {
  /** Which start of the variant's service it ran on (0-based); null when perfgate did not start it. */
  process: number | null;
  steps: CapacityStep[];
}

/**
 * Connections for a step at `rate` when none are configured: enough for every request in flight
 * while latency is within the SLO (rate × latency limit, by Little's law), twice over, so a
 * service that keeps its SLO is never held back by the load generator. Without a latency limit
 * 1 s stands in for it. At least 8, at most 1,000.
 */
export function connectionsFor(rate: number, slo: CapacityBudgets): number {
  const latencyS = (slo.p99 ?? slo.p95 ?? slo.p50 ?? 1000) / 1000;
  return Math.min(1000, Math.max(8, Math.ceil(2 * rate * latencyS)));
}

/**
 * Ramps every variant `repeats` times. Each ramp runs on a fresh start of its variant's service,
 * so the test's unit carries process-level variance (docs/statistics.md, "The unit is a process");
 * the variants alternate which ramps first from one repeat to the next, and only one service runs
 * at a time. A service perfgate did not start is ramped as it runs.
 */
export async function measureCapacity(input: KindMeasureInput<CapacitySettings>): Promise<Record<string, CapacityRun[]>> {
  const { test, scenario, deps, config, signal } = input;
  const s = test.settings;
  const rates = rampRates(s.startRate, s.stepFactor, s.maxRate);
  deps.log(
    `capacity test "${test.name}" on ${scenario.name}: ${s.repeats} ramps per variant from ${round(s.startRate)} req/s, ` +
      `×${s.stepFactor} every ${s.stepMs / 1000}s up to ${round(s.maxRate)} req/s, each on a fresh start of the service`,
  );
  return onFreshStarts(input, s.repeats, async ({ variant, service, target, repeat }): Promise<CapacityRun> => {
    const load = (rate: number, durationMs: number) =>
      deps.runLoad(target, { kind: 'rate', rate, connections: s.connections ?? connectionsFor(rate, s.budgets) }, {
        durationMs,
        timeoutMs: config.load.requestTimeoutMs,
        signal,
      });
    if (s.warmupMs > 0) {
      await load(s.startRate, s.warmupMs);
      service?.checkAlive();
    }
    const steps: CapacityStep[] = [];
    for (const rate of rates) {
      const step = await measureStep(input, service, rate, () => load(rate, s.stepMs));
      steps.push(step);
      if (stepBreaks(step, s.budgets).length > 0) break;
    }
    const e = estimateCapacity(steps, s.budgets);
    const found = e.bound === 'below-start' ? `below ${round(s.startRate)} req/s` : e.bound === 'at-max' ? `at least ${round(e.capacity!)} req/s` : `${round(e.capacity!)} req/s`;
    deps.log(`capacity ${variant.name} ramp ${repeat + 1}/${s.repeats}: ${found}${e.limitedBy ? ` (${e.limitedBy})` : ''}, ${steps.length} steps`);
    return { process: service ? repeat : null, steps };
  });
}

async function measureStep(
  input: KindMeasureInput<CapacitySettings>,
  service: RunningService | null,
  rate: number,
  load: () => Promise<LoadOutcome>,
): Promise<CapacityStep> {
  const sampler = service ? input.deps.sampleUsage(service) : null;
  await sampler?.ready;
  const outcome = await load().catch(async (err: unknown) => {
    await sampler?.stop();
    throw err;
  });
  const usage = sampler ? await sampler.stop() : null;
  service?.checkAlive();
  const seconds = outcome.durationMs / 1000;
  return {
    offered: rate,
    achieved: deliveredRate(outcome),
    p50: outcome.latencyMs.p50,
    p95: outcome.latencyMs.p95,
    p99: outcome.latencyMs.p99,
    mean: outcome.latencyMs.mean,
    requests: outcome.requests,
    errorRate: outcome.requests > 0 ? outcome.errors / outcome.requests : 0,
    connections: input.test.settings.connections ?? connectionsFor(rate, input.test.settings.budgets),
    cpuCores: usage && seconds > 0 ? usage.cpuMs / 1000 / seconds : null,
    rssBytes: usage ? usage.peakRssBytes : null,
  };
}

/**
 * Successful responses per second from the first answer to the end of the step. Counting from the
 * step's start would read a service that keeps up as slower by latency ÷ step length (no answer can
 * arrive before the first request's latency has passed, and requests sent in the last latency of
 * the step are cut off): 10% at 50 ms in a 0.5 s step, enough to break the 95% rule. From the first
 * answer, a saturated service reads as its service rate, and one that keeps up as the offered rate
 * less (mean − least latency) ÷ step length. The least latency is the histogram's.
 */
export function deliveredRate(outcome: Pick<LoadOutcome, 'durationMs' | 'successes' | 'histogram'>): number {
  if (outcome.successes === 0) return 0;
  const firstMs = decodeHistogram(outcome.histogram).minNonZeroValue / 1000;
  const countedMs = outcome.durationMs - Math.min(firstMs, outcome.durationMs / 2);
  return (outcome.successes * 1000) / countedMs;
}

function round(v: number): string {
  return v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}
