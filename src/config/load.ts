import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { z } from 'zod';
import type { BudgetMetric, MetricName } from '../analyze/types.js';
import { ConfigError } from '../errors.js';
import type { Config, Scenario } from './config.js';
import { show } from './fields.js';
import {
  BUDGET_KEYS, CONFIG_FIELDS, DEFAULTS, METRIC_KEYS, SCENARIO_FIELDS, VARIANT_FIELDS, configSchema, requestFieldParsers,
  type BudgetKey, type MetricKey, type RawConfig,
} from './schema.js';
import { didYouMean } from './suggest.js';
import { parseTraffic } from '../scenarios/parse.js';
import type { TestSpec } from '../tests/kind.js';
import { parseTests } from '../tests/parse.js';
import { COMPARE_KIND } from '../tests/registry.js';

export interface ConfigSources {
  /** Path of perfgate.yml, for messages; the text is read from it unless fileText is given. */
  filePath?: string;
  fileText?: string;
  /** Action inputs or CLI flags, by field name; empty strings count as not given (as the runner passes them). */
  inputs?: Record<string, string | undefined>;
  /** 'analyze' (perfgate compare) needs no target to measure: the scenarios are those in the files. */
  purpose?: 'measure' | 'analyze';
}

type PathItem = PropertyKey;

function formatPath(path: readonly PathItem[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** Turns zod issues into our one-line messages: "<field>: <what is wrong>". */
function describeIssues(error: z.ZodError, label: (path: readonly PathItem[]) => string, data: unknown): string[] {
  const problems: string[] = [];
  // Report in the order the fields are written, so the list reads like the file.
  const keyOrder = data && typeof data === 'object' ? Object.keys(data) : [];
  const position = (i: z.core.$ZodIssue) => {
    const key = i.path.length > 0 ? i.path[0] : i.code === 'unrecognized_keys' ? i.keys[0] : undefined;
    const at = keyOrder.indexOf(String(key));
    return at === -1 ? keyOrder.length : at;
  };
  const issues = [...error.issues].sort((a, b) => position(a) - position(b));
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const parentIsScenario = issue.path.length === 2 && issue.path[0] === 'scenarios';
      const known = parentIsScenario
        ? SCENARIO_FIELDS
        : issue.path[0] === 'variants'
          ? issue.path.length === 1 ? ['base', 'head'] : VARIANT_FIELDS
          : CONFIG_FIELDS;
      for (const key of issue.keys) {
        const hint = didYouMean(key, known as string[]);
        const where = issue.path.length ? `${label(issue.path)}: ` : '';
        problems.push(`${where}unknown field ${show(key)}${hint ? `; did you mean "${hint}"?` : ''}`);
      }
    } else if (issue.code === 'invalid_type' && issue.expected === 'array') {
      problems.push(`${label(issue.path)}: expected a list`);
    } else if (issue.code === 'invalid_type' && issue.expected === 'object') {
      problems.push(`${issue.path.length ? label(issue.path) : 'the file'}: expected a mapping of fields`);
    } else if (issue.code === 'too_small' && issue.origin === 'array') {
      problems.push(`${label(issue.path)}: must list at least one item`);
    } else {
      problems.push(`${label(issue.path)}: ${issue.message}`);
    }
  }
  return problems;
}

function parseFile(sources: ConfigSources, problems: string[]): RawConfig {
  if (sources.fileText === undefined && sources.filePath === undefined) return {};
  const name = sources.filePath ?? 'perfgate.yml';
  let text = sources.fileText;
  if (text === undefined) {
    try {
      text = readFileSync(sources.filePath!, 'utf8');
    } catch (e) {
      problems.push(`${name}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return {};
    }
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) problems.push(`${name}: YAML syntax error: ${err.message.split('\n')[0]!.replace(/:$/, '')}`);
    return {};
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;
  problems.push(...describeIssues(result.error, formatPath, data));
  return {};
}

function parseInputs(sources: ConfigSources, problems: string[]): RawConfig {
  const given = Object.fromEntries(
    Object.entries(sources.inputs ?? {}).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  for (const fileOnly of ['scenarios', 'variants', 'tests']) {
    if (fileOnly in given) {
      problems.push(`input "${fileOnly}": ${fileOnly} can only be given in the config file (perfgate.yml)`);
      delete given[fileOnly];
    }
  }
  const result = configSchema.safeParse(given);
  if (result.success) return result.data;
  problems.push(...describeIssues(result.error, (path) => `input "${formatPath(path)}"`.replace(/^input "([^".[]+)(.*)"$/, 'input "$1"$2'), given));
  return {};
}

const metricName = (k: MetricKey): MetricName => METRIC_KEYS[k];
function mapThresholds(t: Partial<Record<MetricKey, number>> | undefined): Partial<Record<MetricName, number>> {
  return Object.fromEntries(Object.entries(t ?? {}).map(([k, v]) => [metricName(k as MetricKey), v]));
}
function mapBudgets(b: Partial<Record<BudgetKey, number>> | undefined): Partial<Record<BudgetMetric, number>> {
  return Object.fromEntries(Object.entries(b ?? {}).map(([k, v]) => [BUDGET_KEYS[k as BudgetKey], v]));
}

/**
 * Reads perfgate.yml (if any) and the inputs, lets inputs override the file (map fields merge
 * key by key), applies defaults, and checks the fields against each other. Every problem is
 * collected and thrown together in one ConfigError, so a user fixes them in one go.
 */
export function loadConfig(sources: ConfigSources): Config {
  const problems: string[] = [];
  const file = parseFile(sources, problems);
  const inputs = parseInputs(sources, problems);
  const raw: RawConfig = { ...file, ...inputs };
  for (const key of ['thresholds', 'budgets', 'env', 'headers'] as const) {
    if (file[key] || inputs[key]) (raw as Record<string, unknown>)[key] = { ...file[key], ...inputs[key] };
  }
  const config = resolve(raw, problems, sources.purpose ?? 'measure', sources.filePath ?? null);
  if (problems.length > 0) throw new ConfigError(problems, sources.filePath ? `perfgate config (${sources.filePath})` : 'perfgate config');
  return config;
}

function resolve(raw: RawConfig, problems: string[], purpose: 'measure' | 'analyze', configPath: string | null): Config {
  const port = raw.port ?? null;
  // Paths go to the head's service: the top-level port, or the head variant's own.
  const pathPort = port ?? raw.variants?.head?.port ?? null;
  const defaultOrigin = raw.url ? new URL(raw.url).origin : pathPort ? `http://127.0.0.1:${pathPort}` : null;

  const scenarios: Scenario[] = [];
  const expect = raw['expect-status'] ?? DEFAULTS.expectStatus;
  if (raw.scenarios) {
    const seen = new Set<string>();
    raw.scenarios.forEach((s, i) => {
      if (seen.has(s.name)) problems.push(`scenarios[${i}].name: ${show(s.name)} is used by an earlier scenario; names must be unique`);
      seen.add(s.name);
      const defaults = { method: raw.method ?? DEFAULTS.method, headers: raw.headers ?? {}, body: raw.body, expectStatus: expect };
      const traffic = parseTraffic({ raw: s as Record<string, unknown>, at: `scenarios[${i}]`, configPath, defaults, parsers: requestFieldParsers }, problems);
      if (traffic) {
        // Its requests carry their own paths; the scenario's URL is the origin they go to.
        const origin = s.url ? new URL(s.url).origin : defaultOrigin;
        if (!origin) problems.push(`scenarios[${i}]: its requests need a server to go to; set "url" or "port" at the top level, or give the scenario a "url"`);
        scenarios.push({
          name: s.name,
          method: traffic.requests[0]?.method as Scenario['method'] ?? DEFAULTS.method,
          url: origin ? `${origin}/` : '',
          headers: {},
          body: undefined,
          expectStatus: expect,
          thresholds: mapThresholds(s.thresholds),
          budgets: mapBudgets(s.budgets),
          traffic,
        });
        return;
      }
      let url = s.url;
      if (!url && s.path) {
        if (defaultOrigin) url = new URL(s.path, defaultOrigin).toString();
        else problems.push(`scenarios[${i}].path: ${show(s.path)} needs a server to send it to; set "url" or "port" at the top level, or give the scenario a full "url"`);
      }
      if (s.url && s.path) problems.push(`scenarios[${i}]: give either "url" or "path", not both`);
      if (!s.url && !s.path) problems.push(`scenarios[${i}]: needs a "path" (e.g. "/api/items") or a full "url"`);
      scenarios.push({
        name: s.name,
        method: s.method ?? raw.method ?? DEFAULTS.method,
        url: url ?? '',
        headers: { ...raw.headers, ...s.headers },
        body: s.body ?? raw.body,
        expectStatus: s['expect-status'] ?? expect,
        thresholds: mapThresholds(s.thresholds),
        budgets: mapBudgets(s.budgets),
      });
    });
  } else if (raw.url) {
    const u = new URL(raw.url);
    scenarios.push({
      name: `${raw.method ?? DEFAULTS.method} ${u.pathname}${u.search}`,
      method: raw.method ?? DEFAULTS.method,
      url: raw.url,
      headers: raw.headers ?? {},
      body: raw.body,
      expectStatus: expect,
      thresholds: {},
      budgets: {},
    });
  } else if (problems.length === 0 && purpose === 'measure') {
    problems.push('url: nothing to measure; set "url" (e.g. http://127.0.0.1:3000/api/items) or list "scenarios" in perfgate.yml');
  }

  const compare = raw.compare ?? DEFAULTS.compare;
  const profile = raw.profile ?? DEFAULTS.profile;
  if (profile === 'rate' && raw.rate === undefined) problems.push('rate: profile "rate" needs a target rate in requests per second; write e.g. rate: 200');
  if (profile === 'closed' && raw.rate !== undefined) problems.push(`rate: ${show(raw.rate)} is only used with profile "rate"; set profile: rate or remove it`);
  const maxRounds = raw['max-rounds'] ?? DEFAULTS.maxRounds;
  if (raw['min-rounds'] !== undefined && raw['min-rounds'] > maxRounds) {
    problems.push(`min-rounds: ${raw['min-rounds']} is more than max-rounds (${maxRounds})`);
  }
  if (compare === 'variants' && !raw.variants?.base && !raw.variants?.head) {
    problems.push('compare: "variants" measures two variants side by side; describe how they differ under variants.base and/or variants.head (start, cwd, env or port)');
  }
  if (compare === 'variants' && !raw.start && !(raw.variants?.base?.start && raw.variants?.head?.start)) {
    problems.push('compare: "variants" starts both services itself, so it needs a "start" command');
  }
  if (compare === 'base-ref' && !raw.start) {
    problems.push('compare: "base-ref" starts the base commit\'s service itself, so it needs a "start" command');
  }
  if (raw['build-head'] && !raw.build) problems.push('build-head: true needs a "build" command to run');

  // Each variant may name its own start command instead of a top-level one; the other service
  // fields (cwd, env, port, readiness) are then still the top level's, shared by both variants.
  const service = raw.start || raw.variants?.base?.start || raw.variants?.head?.start
    ? {
        start: raw.start ?? null,
        cwd: raw.cwd ?? DEFAULTS.cwd,
        env: raw.env ?? {},
        port,
        ready: readiness(raw, port, scenarios),
      }
    : null;

  const thresholds = { ...DEFAULTS.thresholds, ...mapThresholds(raw.thresholds) } as Record<MetricName, number>;
  return {
    suite: raw.suite ?? DEFAULTS.suite,
    compare,
    mode: raw.mode ?? DEFAULTS.mode,
    service,
    build: raw.build ?? null,
    buildHead: raw['build-head'] ?? DEFAULTS.buildHead,
    baseRef: raw['base-ref'] ?? null,
    variants: { base: raw.variants?.base ?? {}, head: raw.variants?.head ?? {} },
    scenarios,
    tests: onlyCompareTestsSendTraffic(parseTests(raw.tests, scenarios.map((s) => s.name), problems), scenarios, problems),
    load: {
      profile,
      connections: raw.connections ?? DEFAULTS.connections,
      pairing: raw.pairing ?? DEFAULTS.pairing,
      rate: raw.rate ?? null,
      warmupMs: raw.warmup ?? DEFAULTS.warmupMs,
      roundsPerProcess: raw['rounds-per-process'] ?? DEFAULTS.roundsPerProcess,
      trialMs: raw.duration ?? DEFAULTS.trialMs,
      requestTimeoutMs: raw['request-timeout'] ?? DEFAULTS.requestTimeoutMs,
    },
    rounds: { min: raw['min-rounds'] ?? null, max: maxRounds, maxDurationMs: raw['max-duration'] ?? DEFAULTS.maxDurationMs },
    analysis: {
      alpha: raw.alpha ?? DEFAULTS.alpha,
      thresholds,
      gated: (raw.gate ?? DEFAULTS.gate).map(metricName),
      budgets: mapBudgets(raw.budgets),
      noiseK: raw['noise-k'] ?? DEFAULTS.noiseK,
    },
    gating: {
      failOnRegression: raw['fail-on-regression'] ?? DEFAULTS.failOnRegression,
      requireBaseline: raw['require-baseline'] ?? DEFAULTS.requireBaseline,
      acknowledgeLabel: raw['acknowledge-label'] ?? DEFAULTS.acknowledgeLabel,
      comment: raw.comment ?? DEFAULTS.comment,
    },
    resultsFile: raw['results-file'] ?? DEFAULTS.resultsFile,
  };
}

/** The load tests of other kinds (capacity, spike, soak) send one request shape; a mix or journey is the compare test's. */
function onlyCompareTestsSendTraffic(tests: TestSpec[], scenarios: Scenario[], problems: string[]): TestSpec[] {
  for (const t of tests) {
    if (t.kind === COMPARE_KIND) continue;
    for (const name of t.scenarios) {
      const traffic = scenarios.find((s) => s.name === name)?.traffic;
      if (traffic) {
        problems.push(`tests: test "${t.name}" (kind ${t.kind}) runs on scenario "${name}", a ${traffic.kind}; ${t.kind} tests send a single request, so list only single-request scenarios under its "scenarios"`);
      }
    }
  }
  return tests;
}

function readiness(raw: RawConfig, port: number | null, scenarios: Scenario[]) {
  const timeoutMs = raw['ready-timeout'] ?? DEFAULTS.readyTimeoutMs;
  if (raw['ready-url'] || raw['ready-port'] || raw['ready-log']) {
    return { url: raw['ready-url'], tcpPort: raw['ready-port'], logPattern: raw['ready-log'], timeoutMs };
  }
  // Without an explicit check, the service is ready when its port accepts connections.
  const first = scenarios[0]?.url ? new URL(scenarios[0].url) : null;
  const tcpPort = port ?? (first ? Number(first.port || (first.protocol === 'https:' ? 443 : 80)) : undefined);
  return { tcpPort, timeoutMs };
}

/** A stable hash of what decides the measurement, so results from different setups are told apart. */
export function configHash(config: Config): string {
  const relevant = { scenarios: config.scenarios, load: config.load, analysis: config.analysis };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}
