import { onFreshStarts } from '../fresh-starts.js';
import type { KindMeasureInput } from '../kind.js';
import type { SpikeRun } from './analyze.js';
import type { SpikeSettings } from './settings.js';

/**
 * Connections for a spike when none are configured: enough for the spike's rate at the latency
 * budget (or 1 s), twice over, as for capacity. Fewer would not hide anything (requests that wait
 * for a connection are timed from when they were due), but the backlog would then queue in the
 * load generator instead of the service.
 */
export function spikeConnections(s: SpikeSettings): number {
  const latencyS = (s.budgets.p99 ?? 1000) / 1000;
  return Math.min(1000, Math.max(8, Math.ceil(2 * s.baseRate * s.factor * latencyS)));
}

/**
 * Each repeat, per variant (alternating which goes first), on a fresh start: a warmup at the base
 * rate, then one continuous load run at base rate, k× base rate and base rate again, read in
 * intervals. One run, not three: closing the connections between the phases would drop the
 * backlog the spike built, which is what recovery is about.
 */
export async function measureSpike(input: KindMeasureInput<SpikeSettings>): Promise<Record<string, SpikeRun[]>> {
  const { test, scenario, deps, config, signal } = input;
  const s = test.settings;
  const connections = s.connections ?? spikeConnections(s);
  const spikeStartMs = s.beforeMs;
  const spikeEndMs = s.beforeMs + s.spikeMs;
  deps.log(
    `spike test "${test.name}" on ${scenario.name}: ${s.baseRate} req/s, ×${s.factor} for ${s.spikeMs / 1000} s after ${s.beforeMs / 1000} s, ` +
      `${s.afterMs / 1000} s to recover; ${s.repeats} per variant, each on a fresh start of the service`,
  );
  return onFreshStarts(input, s.repeats, async ({ variant, service, target, repeat }): Promise<SpikeRun> => {
    const timeoutMs = config.load.requestTimeoutMs;
    if (s.warmupMs > 0) await deps.runLoad(target, { kind: 'rate', rate: s.baseRate, connections }, { durationMs: s.warmupMs, timeoutMs, signal });
    service?.checkAlive();
    const schedule = [
      { fromMs: 0, rate: s.baseRate },
      { fromMs: spikeStartMs, rate: s.baseRate * s.factor },
      { fromMs: spikeEndMs, rate: s.baseRate },
    ];
    const outcome = await deps.runLoad(target, { kind: 'rate', rate: s.baseRate, connections, schedule }, {
      durationMs: spikeEndMs + s.afterMs,
      timeoutMs,
      signal,
      interval: { ms: s.intervalMs, onSample: () => {} },
    });
    service?.checkAlive();
    const samples = (outcome.intervals ?? []).map((x) => ({
      startMs: x.startMs,
      durationMs: x.durationMs,
      requests: x.requests,
      errors: x.errors,
      successes: x.successes,
      p99: x.successes > 0 ? x.latencyMs.p99 : null,
    }));
    deps.log(`spike ${variant.name} ${repeat + 1}/${s.repeats}: ${samples.length} intervals measured`);
    return { process: service ? repeat : null, phases: { spikeStartMs, spikeEndMs }, samples };
  });
}
