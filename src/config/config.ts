import type { BudgetMetric, MetricName } from '../analyze/types.js';
import type { Traffic } from '../scenarios/types.js';
import type { TestSpec } from '../tests/kind.js';
import type { COMPARE_MODES, HTTP_METHODS, PAIRINGS, PROFILES, RUN_MODES } from './schema.js';

/** The validated, defaulted configuration every later stage reads. Times are milliseconds. */
export interface Config {
  suite: string;
  compare: (typeof COMPARE_MODES)[number];
  mode: (typeof RUN_MODES)[number];
  service: ServiceConfig | null;
  build: string | null;
  buildHead: boolean;
  baseRef: string | null;
  /** Per-variant differences from `service` (compare: variants, base-ref). */
  variants: { base: VariantOverride; head: VariantOverride };
  scenarios: Scenario[];
  /**
   * What to run, in order: the compare test (today's interleaved trials, configured by the
   * top-level fields) and any other kinds listed under `tests`. Without a `tests` list, the
   * compare test alone over every scenario.
   */
  tests: TestSpec[];
  load: LoadConfig;
  rounds: { min: number | null; max: number; maxDurationMs: number };
  analysis: AnalysisConfig;
  gating: { failOnRegression: boolean; requireBaseline: boolean; acknowledgeLabel: string; comment: boolean };
  resultsFile: string;
}

export interface ServiceConfig {
  /** Null when only the variants name start commands (variants.base.start, variants.head.start). */
  start: string | null;
  cwd: string;
  env: Record<string, string>;
  /** Port the head service listens on (PORT in its environment); null when the command picks its own. */
  port: number | null;
  ready: { url?: string; tcpPort?: number; logPattern?: string; timeoutMs: number };
}

export interface VariantOverride {
  start?: string;
  cwd?: string;
  env?: Record<string, string>;
  port?: number;
}

export interface Scenario {
  name: string;
  method: (typeof HTTP_METHODS)[number];
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  expectStatus: string;
  thresholds: Partial<Record<MetricName, number>>;
  budgets: Partial<Record<BudgetMetric, number>>;
  /**
   * A mix of requests, a journey of steps, or one request filled from a data file (scenarios/);
   * absent or null for a single repeated request. `url` is then the origin the requests go to.
   */
  traffic?: Traffic | null;
}

export interface LoadConfig {
  profile: (typeof PROFILES)[number];
  /** Paired modes: base and head trials of a round at the same time, or one after the other. */
  pairing: (typeof PAIRINGS)[number];
  connections: number;
  rate: number | null;
  /** Load before measuring, after every service start. */
  warmupMs: number;
  trialMs: number;
  /**
   * Rounds measured on one start of the services; then every variant's service is stopped and
   * started afresh, so the test's unit (a process, or a pair of them) carries process-level variance.
   */
  roundsPerProcess: number;
  requestTimeoutMs: number;
}

export interface AnalysisConfig {
  alpha: number;
  thresholds: Record<MetricName, number>;
  gated: MetricName[];
  budgets: Partial<Record<BudgetMetric, number>>;
  noiseK: number;
}
