import type { TestAnalysis } from '../analyze/types.js';
import type { Config, Scenario } from '../config/config.js';
import type { MeasureDeps, VariantTarget } from '../measure/measure.js';

/**
 * A test kind (capacity, spike, soak): how one entry of perfgate.yml's `tests` list is configured,
 * measured, analyzed and shown. Each kind is one module implementing this; the pipeline, the
 * results file and the report only ever talk to this interface, so a new kind adds a module and a
 * line in registry.ts, never a branch elsewhere. Today's interleaved trials are the built-in
 * `compare` kind and keep their own path (measure/, analyze/).
 */
export interface TestKind<S, R, A extends TestAnalysis> {
  kind: string;
  /** One line for the docs and `perfgate --help`. */
  description: string;
  /** Its own fields beside name, kind and scenarios: for did-you-mean hints and the docs' check. */
  fields: readonly string[];
  /** Parses the kind's own fields; every problem is pushed as "<at>.<field>: <what is wrong>". */
  parseSettings(raw: Record<string, unknown>, at: string, problems: string[]): S;
  /** Validates one stored run (from a baseline file); null when it is not one of this kind's. */
  parseRun(value: unknown): R | null;
  /** Measures one scenario on every variant: runs per variant name, each on a fresh start of its service. */
  measure(input: KindMeasureInput<S>): Promise<Record<string, R[]>>;
  analyze(input: KindAnalyzeInput<S, R>): A;
  /** The analysis again with its p-value after Holm's adjustment across every test of the run. */
  adjust(analysis: A, pAdjusted: number | null, alpha: number): A;
  /**
   * The test's section of the PR comment and job summary (markdown). Without `details` it leaves
   * out its long collapsed tables (per-step or per-sample values), to fit GitHub's size limit.
   */
  markdown(analysis: A, options: { details: boolean }): string;
  /** The same for the terminal: plain lines. */
  terminal(analysis: A): string[];
  /**
   * Longest expected time of the test on one scenario and one variant, every repeat included, in
   * ms: what balances the shards of a suite split over a matrix (plan/shard-config.ts).
   */
  estimateMs(settings: S): number;
}

export type { TestAnalysis };

/** A `tests` entry after parsing. */
export interface TestSpec<S = unknown> {
  name: string;
  kind: string;
  /** Names of the scenarios it runs on (every scenario when the entry lists none). */
  scenarios: string[];
  settings: S;
  /**
   * The entry as written in perfgate.yml, kept in the results file: `perfgate compare` and report
   * mode analyze a file without the config that measured it, and parse this again to get settings.
   */
  entry: Record<string, unknown>;
}

export interface KindMeasureInput<S> {
  test: TestSpec<S>;
  scenario: Scenario;
  config: Config;
  variants: VariantTarget[];
  deps: MeasureDeps;
  signal?: AbortSignal;
}

export interface KindAnalyzeInput<S, R> {
  test: TestSpec<S>;
  scenario: string;
  /**
   * What the head is compared with: this run's base variant (paired, base-ref/variants), the
   * stored baseline's runs (artifact mode), or null when there is none.
   */
  baseline: R[] | null;
  head: R[];
  paired: boolean;
  alpha: number;
  confidence: number;
  /** Why there is no baseline, for the report. */
  noBaselineReason?: string;
}

// The registry holds kinds of different S, R and A; each is only ever used with its own values.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTestKind = TestKind<any, any, any>;
