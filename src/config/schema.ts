import { z } from 'zod';
import type { BudgetMetric, MetricName } from '../analyze/types.js';
import * as f from './fields.js';
import { didYouMean } from './suggest.js';
import type { RequestFieldParsers } from '../scenarios/request.js';

/**
 * One schema for perfgate.yml and the action inputs. Field names are the same in both (kebab-case),
 * so an input overrides the file field of the same name. Defaults live in DEFAULTS below and
 * nowhere else: action.yml declares no defaults for these, only documents them, because the runner
 * fills declared defaults in and they would then always override the file.
 */

/** Wraps a field parser as a zod type whose failures carry our message. */
function field<T>(parse: (v: unknown) => f.Parsed<T>) {
  return z.unknown().transform((value, ctx): T => {
    const r = parse(value);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.message, input: value });
    return z.NEVER;
  });
}

export const COMPARE_MODES = ['artifact', 'base-ref', 'variants', 'none'] as const;
/** gate: measure and judge; report: comment a fork's run (workflow_run); merge: judge the shards of a matrix. */
export const RUN_MODES = ['gate', 'report', 'merge'] as const;
export const PROFILES = ['closed', 'rate'] as const;
/** How the two trials of a paired round are taken: at the same time, or one after the other. */
export const PAIRINGS = ['simultaneous', 'alternating'] as const;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** Config names of the compared metrics and the analysis' names for them. */
export const METRIC_KEYS = {
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  throughput: 'throughput',
  'error-rate': 'errorRate',
  cpu: 'cpuPerRequest',
  rss: 'peakRss',
} as const satisfies Record<string, MetricName>;
export type MetricKey = keyof typeof METRIC_KEYS;

/** Config names of the budget metrics, with how each value is written. */
export const BUDGET_KEYS = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  'error-rate': 'errorRate',
  rss: 'peakRss',
  cpu: 'cpuPerRequest',
  throughput: 'throughput',
} as const satisfies Record<string, BudgetMetric>;
export type BudgetKey = keyof typeof BUDGET_KEYS;

function budgetValue(key: BudgetKey, v: unknown): f.Parsed<number> {
  switch (key) {
    case 'error-rate':
      return f.percent(v, { max: 100 });
    case 'rss':
      return f.bytes(v);
    case 'throughput':
      return f.positiveNumber(v, 'requests per second');
    case 'cpu':
    case 'p50':
    case 'p90':
    case 'p95':
    case 'p99':
      return f.duration(v, 'ms');
  }
}

/** A map whose keys must come from a known set, each value parsed by its own rule. */
function keyedMap<K extends string, V>(
  keys: readonly K[],
  what: string,
  parseValue: (key: K, v: unknown) => f.Parsed<V>,
) {
  return z.unknown().transform((value, ctx): Partial<Record<K, V>> => {
    const m = f.stringMap(value, { separator: /[\n,]/, what });
    if (!m.ok) {
      ctx.addIssue({ code: 'custom', message: m.message, input: value });
      return z.NEVER;
    }
    const out: Partial<Record<K, V>> = {};
    for (const [k, v] of Object.entries(m.value)) {
      if (!(keys as readonly string[]).includes(k)) {
        const hint = didYouMean(k, keys);
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `unknown metric ${f.show(k)}; expected one of ${keys.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`,
          input: k,
        });
        continue;
      }
      const r = parseValue(k as K, v);
      if (r.ok) out[k as K] = r.value;
      else ctx.addIssue({ code: 'custom', path: [k], message: r.message, input: v });
    }
    return out;
  });
}

const metricKeys = Object.keys(METRIC_KEYS) as MetricKey[];
const budgetKeys = Object.keys(BUDGET_KEYS) as BudgetKey[];
const thresholdsField = keyedMap(metricKeys, 'e.g. "p99=10%, cpu=2%"', (_k, v) => f.percent(v));
const budgetsField = keyedMap(budgetKeys, 'e.g. "p95=200ms, error-rate=1%"', budgetValue);
const envField = field((v) => {
  const m = f.stringMap(v, { separator: /\n/, what: 'KEY=value lines' });
  if (!m.ok) return m;
  return { ok: true as const, value: Object.fromEntries(Object.entries(m.value).map(([k, x]) => [k, String(x)])) };
});
const headersField = field((v) => {
  const m = f.stringMap(v, { separator: /\n/, what: '"Name: value" lines' });
  if (!m.ok) return m;
  return { ok: true as const, value: Object.fromEntries(Object.entries(m.value).map(([k, x]) => [k, String(x)])) };
});
const methodField = field((v) =>
  f.oneOf(typeof v === 'string' ? v.toUpperCase() : v, HTTP_METHODS, (w) => didYouMean(w.toUpperCase(), HTTP_METHODS)),
);
const expectStatusField = field((v) => {
  const s = Array.isArray(v) ? v.join(',') : typeof v === 'number' ? String(v) : v;
  if (typeof s === 'string' && /^\s*([1-5]xx|[1-5]\d\d)(\s*,\s*([1-5]xx|[1-5]\d\d))*\s*$/i.test(s)) {
    return { ok: true as const, value: s.replace(/\s+/g, '').toLowerCase() };
  }
  return { ok: false as const, message: `${f.show(v)} is not a status list; write e.g. "2xx", 200 or "200,204"` };
});

const bodyField = field((v) => (typeof v === 'string' ? { ok: true as const, value: v } : { ok: true as const, value: JSON.stringify(v) }));

/** The request fields' parsers for the requests of a mix or journey (scenarios/request.ts), with the same messages. */
export const requestFieldParsers: RequestFieldParsers = {
  method: parserOf(methodField),
  headers: parserOf(headersField),
  body: parserOf(bodyField),
  expectStatus: parserOf(expectStatusField),
};

function parserOf<T>(type: z.ZodType<T>) {
  return (v: unknown): f.Parsed<T> => {
    const r = type.safeParse(v);
    return r.success ? { ok: true, value: r.data } : { ok: false, message: r.error.issues[0]?.message ?? `${f.show(v)} is not valid` };
  };
}

export const scenarioSchema = z
  .object({
    name: field((v) => f.nonEmptyString(v, 'a scenario name')),
    method: methodField.optional(),
    path: field((v) =>
      typeof v === 'string' && v.startsWith('/') ? { ok: true as const, value: v } : { ok: false as const, message: `${f.show(v)} is not a path; write e.g. "/api/items"` },
    ).optional(),
    url: field(f.loopbackUrl).optional(),
    headers: headersField.optional(),
    body: field((v) => (typeof v === 'string' ? { ok: true as const, value: v } : { ok: true as const, value: JSON.stringify(v) })).optional(),
    'expect-status': expectStatusField.optional(),
    thresholds: thresholdsField.optional(),
    budgets: budgetsField.optional(),
    // Realistic traffic (scenarios/parse.ts checks these, with the config file's directory at hand).
    mix: z.unknown().optional(),
    journey: z.unknown().optional(),
    data: z.unknown().optional(),
    seed: z.unknown().optional(),
  })
  .strict();

/** How one variant's service differs from the top-level service fields (compare: variants / base-ref). */
export const variantSchema = z
  .object({
    start: field((v) => f.nonEmptyString(v, 'a command')).optional(),
    cwd: field((v) => f.nonEmptyString(v, 'a directory')).optional(),
    env: envField.optional(),
    port: field((v) => f.integer(v, 1, 65535)).optional(),
  })
  .strict();
export const VARIANT_FIELDS = Object.keys(variantSchema.shape);

/** Every top-level field of perfgate.yml; the same names are action inputs (see inputs.ts). */
export const configSchema = z
  .object({
    suite: field((v) =>
      typeof v === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(v)
        ? { ok: true as const, value: v }
        : { ok: false as const, message: `${f.show(v)} is not a suite name; use letters, digits, ".", "_" or "-" (at most 64)` },
    ).optional(),
    compare: field((v) => f.oneOf(v, COMPARE_MODES, (w) => didYouMean(w, COMPARE_MODES))).optional(),
    mode: field((v) => f.oneOf(v, RUN_MODES, (w) => didYouMean(w, RUN_MODES))).optional(),
    // The service under test.
    start: field((v) => f.nonEmptyString(v, 'a command')).optional(),
    cwd: field((v) => f.nonEmptyString(v, 'a directory')).optional(),
    env: envField.optional(),
    port: field((v) => f.integer(v, 1, 65535)).optional(),
    'ready-url': field(f.loopbackUrl).optional(),
    'ready-port': field((v) => f.integer(v, 1, 65535)).optional(),
    'ready-log': field((v) => {
      if (typeof v !== 'string' || v === '') return { ok: false as const, message: `${f.show(v)} is not a regular expression` };
      try {
        new RegExp(v);
        return { ok: true as const, value: v };
      } catch (e) {
        return { ok: false as const, message: `${f.show(v)} is not a valid regular expression (${(e as Error).message})` };
      }
    }).optional(),
    'ready-timeout': field((v) => f.duration(v, 's')).optional(),
    // Same-runner A/B.
    build: field((v) => f.nonEmptyString(v, 'a command')).optional(),
    'build-head': field(f.boolean).optional(),
    'base-ref': field((v) => f.nonEmptyString(v, 'a git ref or commit')).optional(),
    variants: z.object({ base: variantSchema.optional(), head: variantSchema.optional() }).strict().optional(),
    // What to request.
    url: field(f.loopbackUrl).optional(),
    method: methodField.optional(),
    headers: headersField.optional(),
    body: field((v) => (typeof v === 'string' ? { ok: true as const, value: v } : { ok: true as const, value: JSON.stringify(v) })).optional(),
    'expect-status': expectStatusField.optional(),
    scenarios: z.array(scenarioSchema).min(1).optional(),
    // Test kinds beyond the compare trials (capacity, ...); each entry is checked by its kind (tests/parse.ts).
    tests: z.array(z.unknown()).optional(),
    // Load and time budget.
    profile: field((v) => f.oneOf(v, PROFILES, (w) => didYouMean(w, PROFILES))).optional(),
    connections: field((v) => f.integer(v, 1, 1000)).optional(),
    pairing: field((v) => f.oneOf(v, PAIRINGS, (w) => didYouMean(w, PAIRINGS))).optional(),
    rate: field((v) => f.positiveNumber(v, 'requests per second')).optional(),
    warmup: field((v) => f.duration(v, 's')).optional(),
    duration: field((v) => f.duration(v, 's')).optional(),
    'request-timeout': field((v) => f.duration(v, 's')).optional(),
    'rounds-per-process': field((v) => f.integer(v, 1, 1000)).optional(),
    'min-rounds': field((v) => f.integer(v, 1, 1000)).optional(),
    'max-rounds': field((v) => f.integer(v, 1, 1000)).optional(),
    'max-duration': field((v) => f.duration(v, 's')).optional(),
    // Statistics and gating.
    alpha: field((v) => f.fraction(v, 0, 0.5)).optional(),
    thresholds: thresholdsField.optional(),
    budgets: budgetsField.optional(),
    gate: field((v) => {
      const l = f.list(v);
      if (!l.ok) return l;
      for (const m of l.value) {
        if (!(metricKeys as string[]).includes(m)) {
          const hint = didYouMean(m, metricKeys);
          return { ok: false as const, message: `${f.show(m)} is not a metric; expected some of ${metricKeys.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}` };
        }
      }
      return { ok: true as const, value: l.value as MetricKey[] };
    }).optional(),
    'noise-k': field((v) => f.positiveNumber(v, 'spreads')).optional(),
    'fail-on-regression': field(f.boolean).optional(),
    'require-baseline': field(f.boolean).optional(),
    'acknowledge-label': field((v) => f.nonEmptyString(v, 'a label name')).optional(),
    comment: field(f.boolean).optional(),
    'results-file': field((v) => f.nonEmptyString(v, 'a file path')).optional(),
  })
  .strict();

export type RawConfig = z.output<typeof configSchema>;
export type RawScenario = z.output<typeof scenarioSchema>;
export const CONFIG_FIELDS = Object.keys(configSchema.shape) as (keyof RawConfig)[];
export const SCENARIO_FIELDS = Object.keys(scenarioSchema.shape) as (keyof RawScenario)[];

/** The one place defaults live. Times in milliseconds, thresholds as fractions. */
export const DEFAULTS = {
  suite: 'default',
  compare: 'artifact' as (typeof COMPARE_MODES)[number],
  mode: 'gate' as (typeof RUN_MODES)[number],
  cwd: '.',
  readyTimeoutMs: 60_000,
  buildHead: false,
  method: 'GET' as (typeof HTTP_METHODS)[number],
  expectStatus: '2xx',
  profile: 'closed' as (typeof PROFILES)[number],
  // Alternating, measured (npm run bench -- detection, docs/measurement.md): simultaneous trials
  // narrow the round-to-round spread of CPU per request a little (two pools of 2026-12-02: 0.6% and
  // 2.0% against 1.0% and 2.3%), but with both services and the load generator busy on 2 cores their
  // throughput spreads 8-10% a round (against 1.0-2.5%), and in earlier pools that failed identical
  // pairs in 1.4-2.0% of simulated runs, above the 1% goal; alternating: 0.0%.
  pairing: 'alternating' as (typeof PAIRINGS)[number],
  connections: 16,
  // A fresh process needs about a second: measured (npm run bench -- warmup, 8 starts each), CPU per
  // request of the example service was +86%, +22% and +5.6% above its settled level in the first
  // 0.25 s, the next 0.25 s and 0.5-1 s, and within 0.2% from 1 s on; the numeric-loop service
  // +116%, +101%, +18%, then within 1.3%. Every process start is warmed up, so this is paid per
  // process, not once per run.
  warmupMs: 1_000,
  // The replicate is a fresh pair of processes (docs/statistics.md, "The unit is a process"): a
  // service is restarted after this many rounds. 2 rather than 1, measured (npm run bench --
  // detection, 500 simulated base-ref runs from 20 recorded pairs a level, 2026-12-04): identical
  // code of the example service passed in 74.6% of runs with 2 against 19.0% with 1 (the rest
  // inconclusive; its rounds differ more within a process, 2.2% sd, than pairs do, 0.9%, and two
  // rounds average that out); +5% and +10% were caught in 500/500 with either; 1 was quicker to a
  // fail and caught +2% on the numeric-loop service more often (404/500 against 54/500).
  roundsPerProcess: 2,
  // 2 s rather than 5 s: measured on this kind of runner (npm run bench -- detection), the same
  // 3-minute budget then holds about twice the rounds, and paired detection of a 5% CPU regression
  // rose from 52% to 65% (2%: from 14% to 53%) at the same false-fail rate.
  trialMs: 2_000,
  requestTimeoutMs: 10_000,
  // High enough that the time budget decides: 30 cut alternating A/B runs at 30 of the ~38 rounds
  // 3 minutes hold, and the benchmark caught a 5% CPU regression in 96.7% of runs with the budget
  // against 89.0% with 30 rounds (the same pool, recorded while CPU still came from ticks).
  maxRounds: 100,
  maxDurationMs: 180_000,
  alpha: 0.01,
  thresholds: {
    p50: 0.05,
    p90: 0.05,
    p99: 0.1,
    throughput: 0.05,
    errorRate: 0.01,
    // 1.5%, not 2%: a regression exactly at the threshold is caught only about half the time by
    // construction, and with CPU read from the threads' run time in nanoseconds identical services
    // are 1.0-2.3% apart a round (robust sd), 0.3-1.0% on the median. Measured (npm run bench
    // -- detection, two pools): +2% caught in 100% of base-ref runs, identical pairs failed in 0.0%.
    cpuPerRequest: 0.015,
    peakRss: 0.1,
  } satisfies Record<MetricName, number>,
  gate: ['p50', 'p99', 'throughput', 'error-rate', 'cpu'] as MetricKey[],
  noiseK: 3,
  failOnRegression: true,
  requireBaseline: false,
  acknowledgeLabel: 'perf-regression-accepted',
  comment: true,
  resultsFile: 'perfgate-results.json',
} as const;
