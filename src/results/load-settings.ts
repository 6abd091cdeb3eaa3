import { createHash } from 'node:crypto';
import { partNames } from '../scenarios/parts.js';
import { z } from 'zod';
import type { LoadSettingChange } from '../analyze/types.js';
import type { Config, Scenario } from '../config/config.js';

/**
 * The settings that decide the load a scenario was measured under, recorded per scenario in the
 * results file so that a comparison can tell "the code changed" from "the load changed".
 *
 * Recorded, because each changes what a trial measures:
 * - profile, connections, rate: the offered load. In a closed loop, latency × throughput =
 *   connections (Little's law), so both move with the connections; at a fixed rate the throughput
 *   is the rate, and the latency is that of a service far from saturation.
 * - duration: the length of a trial. A longer trial takes in more rare events (GC pauses, timers)
 *   and so a higher p99 and peak memory, and its start (fresh connections, cold caches) weighs less.
 * - request-timeout: which slow answers become errors instead of latencies.
 * - method, path (with its query), headers, body, expect-status: the request itself. Another
 *   request is another workload, and expect-status decides what counts as a success.
 *
 * Not recorded:
 * - warmup: it runs once per service start, before the trials; it changes how warm the service is
 *   when the first trial begins, not the load under which any trial is measured;
 * - the host and port of the URL: a port is chosen per run (base-ref mode, the CLI), and the
 *   service answers the same on any;
 * - pairing, rounds and max-duration: how many trials there are and in which order, not what one
 *   trial measures.
 *
 * Header values and the body are kept as digests, never in clear: headers often carry tokens, and
 * the results file is uploaded as an artifact and quoted in pull request comments.
 */
export const loadSettingsSchema = z.object({
  profile: z.string(),
  connections: z.number().int().positive(),
  /** Requests per second of profile "rate"; null in a closed loop. */
  rate: z.number().positive().nullable(),
  durationMs: z.number().positive(),
  requestTimeoutMs: z.number().positive(),
  method: z.string(),
  /** Path and query of the scenario's URL. */
  path: z.string(),
  /** Lower-cased header name → digest of its value. */
  headers: z.record(z.string(), z.string()),
  /** Digest of the request body; null without one. */
  body: z.string().nullable(),
  expectStatus: z.string(),
});
export type LoadSettings = z.infer<typeof loadSettingsSchema>;

/** Each recorded setting by its perfgate.yml name, in the order a report lists them. */
export const LOAD_SETTING_NAMES = {
  profile: 'profile',
  connections: 'connections',
  rate: 'rate',
  durationMs: 'duration',
  requestTimeoutMs: 'request-timeout',
  method: 'method',
  path: 'path',
  headers: 'headers',
  body: 'body',
  expectStatus: 'expect-status',
} as const satisfies Record<keyof LoadSettings, string>;
export type LoadSettingName = (typeof LOAD_SETTING_NAMES)[keyof LoadSettings];

/** "sha256:" and 16 hex digits: enough to tell two values apart, too little to be worth keeping secret. */
export function digest(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

export function scenarioLoadSettings(scenario: Scenario, load: Config['load']): LoadSettings {
  const url = new URL(scenario.url);
  const headers = Object.entries(scenario.headers)
    .map(([name, value]) => [name.toLowerCase(), digest(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    profile: load.profile,
    connections: load.connections,
    rate: load.profile === 'rate' ? load.rate : null,
    durationMs: load.trialMs,
    requestTimeoutMs: load.requestTimeoutMs,
    method: scenario.method,
    path: `${url.pathname}${url.search}`,
    headers: Object.fromEntries(headers),
    // A mix or journey: every request, weight, capture and data row in one digest, so any change to them is one.
    body: scenario.traffic ? digest(JSON.stringify(scenario.traffic)) : scenario.body === undefined ? null : digest(scenario.body),
    expectStatus: scenario.expectStatus,
  };
}

/** The settings of every configured scenario, by scenario name. */
export function loadSettingsByScenario(config: Pick<Config, 'scenarios' | 'load'>): Record<string, LoadSettings> {
  // The requests of a mix and steps of a journey were measured under their scenario's settings.
  return Object.fromEntries(
    config.scenarios.flatMap((s) => {
      const settings = scenarioLoadSettings(s, config.load);
      return [[s.name, settings], ...partNames(s).map((n) => [n, settings])];
    }),
  );
}

function same(a: LoadSettings[keyof LoadSettings], b: LoadSettings[keyof LoadSettings]): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** The settings that differ between the baseline's and the head's record of one scenario, in report order. */
export function loadSettingChanges(baseline: LoadSettings, head: LoadSettings): LoadSettingChange[] {
  const changes: LoadSettingChange[] = [];
  for (const [key, setting] of Object.entries(LOAD_SETTING_NAMES) as Array<[keyof LoadSettings, LoadSettingName]>) {
    if (!same(baseline[key], head[key])) changes.push({ setting, baseline: baseline[key], head: head[key] });
  }
  return changes;
}
