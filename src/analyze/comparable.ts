import { loadSettingChanges, type LoadSettingName } from '../results/load-settings.js';
import type { ScenarioResult } from '../results/schema.js';
import { METRIC_NAMES } from './metrics.js';
import type { LoadSettingsCheck, MetricName } from './types.js';

const LOAD: readonly MetricName[] = ['p50', 'p90', 'p99', 'throughput', 'peakRss'];
const OFFERED_LOAD: readonly MetricName[] = [...LOAD, 'cpuPerRequest'];
const EVERY: readonly MetricName[] = METRIC_NAMES;

/**
 * The metrics a change of each recorded setting (results/load-settings.ts) makes incomparable:
 * their difference between baseline and head would be the change of load, reported as a change of
 * the code. They are shown but not tested, so they can neither fail nor hold up a verdict.
 */
export const INVALIDATED_BY: Record<LoadSettingName, readonly MetricName[]> = {
  // Another offered load. Latency and throughput follow it, not the code: in a closed loop
  // latency × throughput = connections, at a fixed rate the throughput is the rate. So does the
  // memory: requests in flight hold buffers, and the allocation rate paces the heap's growth.
  // And so does CPU per request, because it depends on how busy the service is: a service that
  // idles between requests pays for every wake-up and runs on cold caches. Measured on the example
  // service (2 cores, 1 s trials, 8 rounds a side): against 16 closed-loop connections, a fixed
  // 300 req/s cost +130% CPU per request and 1,000 req/s +41%; on /api/slow (a 10 ms timer),
  // 2 connections +351% and 64 connections −22%. Only on a CPU-bound endpoint, which the service
  // saturates with any number of connections, did 16 → 2 and 16 → 1 stay within 2%. The error
  // rate stays comparable: whether a request succeeds belongs to the code, as long as neither load
  // overwhelms the service.
  profile: OFFERED_LOAD,
  connections: OFFERED_LOAD,
  rate: OFFERED_LOAD,
  // A longer trial takes in more rare events (GC pauses, timers) in its tail percentiles and its
  // peak memory, and its start (fresh connections) weighs less in its throughput. The offered load
  // is the same, so what a request costs and whether it fails do not change (1 s → 2 s trials on
  // the example service: CPU per request +0.2%).
  duration: LOAD,
  // Decides which slow answers are errors rather than latencies of successful responses.
  'request-timeout': [...LOAD, 'errorRate'],
  // Another request is another workload; nothing about it carries over.
  method: EVERY,
  path: EVERY,
  headers: EVERY,
  body: EVERY,
  // Decides what a success is: latency, throughput and CPU are per success, errors are the rest.
  'expect-status': EVERY,
};

/**
 * How the load settings of one scenario compare between the baseline and the head; null when the
 * baseline did not measure the scenario (then nothing is compared anyway). A file from before
 * settings were recorded gives 'unrecorded': nothing can be said, so everything is compared as
 * before and the report says why no change of load could be seen.
 */
export function loadSettingsCheck(baseline: ScenarioResult | undefined, head: ScenarioResult): LoadSettingsCheck | null {
  if (!baseline) return null;
  if (!baseline.loadSettings || !head.loadSettings) {
    const missing = !baseline.loadSettings && !head.loadSettings ? 'both' : !baseline.loadSettings ? 'baseline' : 'head';
    return { status: 'unrecorded', missing };
  }
  const changes = loadSettingChanges(baseline.loadSettings, head.loadSettings);
  if (changes.length === 0) return { status: 'same' };
  const invalid = new Set(changes.flatMap((c) => INVALIDATED_BY[c.setting as LoadSettingName]));
  return { status: 'changed', changes, notComparable: METRIC_NAMES.filter((m) => invalid.has(m)) };
}

/** Whether a metric may be tested under this check (no check: nothing stands in the way). */
export function isComparable(check: LoadSettingsCheck | null, metric: MetricName): boolean {
  return check?.status !== 'changed' || !check.notComparable.includes(metric);
}
