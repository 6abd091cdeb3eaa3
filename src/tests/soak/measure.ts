import type { LoadProfile } from '../../load/index.js';
import type { UsageSample } from '../../service/index.js';
import { onFreshStarts } from '../fresh-starts.js';
import type { KindMeasureInput } from '../kind.js';
import type { SoakRun } from './analyze.js';
import type { SoakSample } from './slopes.js';
import type { SoakSettings } from './settings.js';

/**
 * Each repeat, per variant, on a fresh start: one continuous load run for the whole duration, read
 * in intervals (p99, requests), while the service's tree is sampled on the same schedule (RSS, open
 * file descriptors). The i-th interval is paired with the tree sample taken nearest its end.
 */
export async function measureSoak(input: KindMeasureInput<SoakSettings>): Promise<Record<string, SoakRun[]>> {
  const { test, scenario, deps, config, signal } = input;
  const s = test.settings;
  const profile: LoadProfile = s.rate !== null ? { kind: 'rate', rate: s.rate, connections: s.connections } : { kind: 'closed', connections: s.connections };
  deps.log(`soak test "${test.name}" on ${scenario.name}: ${s.durationMs / 1000} s per variant, sampled every ${s.intervalMs / 1000} s`);
  return onFreshStarts(input, s.repeats, async ({ variant, service, target, repeat }): Promise<SoakRun> => {
    const series = service ? deps.sampleSeries(service, { everyMs: s.intervalMs }) : null;
    const progressEvery = Math.max(1, Math.round(s.durationMs / s.intervalMs / 10));
    let seen = 0;
    const outcome = await deps
      .runLoad(target, profile, {
        durationMs: s.durationMs,
        timeoutMs: config.load.requestTimeoutMs,
        signal,
        interval: {
          ms: s.intervalMs,
          onSample: (x) => {
            if (++seen % progressEvery === 0) deps.log(`soak ${variant.name}: ${Math.round((x.startMs + x.durationMs) / 1000)}/${s.durationMs / 1000} s`);
          },
        },
      })
      .catch(async (err: unknown) => {
        await series?.stop();
        throw err;
      });
    const usage = series ? await series.stop() : null;
    let exited = series?.serviceExited ?? false;
    try {
      service?.checkAlive();
    } catch {
      exited = true;
    }
    let requests = 0;
    let previous: UsageSample | null = null;
    const samples: SoakSample[] = (outcome.intervals ?? []).map((x) => {
      requests += x.requests;
      const endMs = x.startMs + x.durationMs;
      const tree = usage ? nearest(usage, endMs) : null;
      const cpuCores = tree && previous && tree.atMs > previous.atMs ? (tree.cpuMs - previous.cpuMs) / (tree.atMs - previous.atMs) : null;
      previous = tree;
      return { atMs: endMs, rssBytes: tree?.rssBytes ?? null, fds: tree?.fds ?? null, p99: x.successes > 0 ? x.latencyMs.p99 : null, requests, cpuCores };
    });
    return { process: service ? repeat : null, samples, exited };
  });
}

function nearest<T extends { atMs: number }>(samples: readonly T[], atMs: number): T | null {
  let best: T | null = null;
  for (const s of samples) if (best === null || Math.abs(s.atMs - atMs) < Math.abs(best.atMs - atMs)) best = s;
  return best;
}
