import { z } from 'zod';
import { loadSettingsSchema } from './load-settings.js';

/**
 * perfgate-results.json, version 2 (version 1 had no `tests`; it is read as version 2 with none,
 * see results/file.ts; `shard` and `shards` came later as optional fields, which readers from
 * before them skip). The file is the hand-off between measuring and analysing,
 * between the action and the CLI, and between runs (as the baseline artifact), so it is versioned
 * and validated on every read: a file from the future or a truncated download must be refused
 * with a clear reason, never half-used.
 */
export const SCHEMA_VERSION = 2 as const;

const latencySummary = z.object({
  p50: z.number().nonnegative(),
  p90: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
  mean: z.number().nonnegative(),
});
export type LatencySummary = z.infer<typeof latencySummary>;

/** One fixed-duration load run against one variant of one scenario. */
export const trialResultSchema = z.object({
  /** Round this trial belongs to (0-based) and its position in the run's overall order. */
  round: z.number().int().nonnegative(),
  order: z.number().int().nonnegative(),
  /**
   * Which start of its variant's service this trial ran on (0-based): the statistical unit. Absent
   * when perfgate did not start the service (it was already running) and in files from before
   * process-level replication; each round is then its own unit.
   */
  process: z.number().int().nonnegative().optional(),
  startedAt: z.string(),
  durationMs: z.number().positive(),
  /** Every completed request and every failed attempt (socket error, timeout). */
  requests: z.number().int().nonnegative(),
  /** Requests whose status was not the expected one, plus socket errors and timeouts. */
  errors: z.number().int().nonnegative(),
  /** Response counts by HTTP status code ("200", "503") and failures by kind ("timeout", "ECONNRESET"). */
  statusCounts: z.record(z.string(), z.number().int().nonnegative()),
  errorCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** Successful responses per second. */
  throughput: z.number().nonnegative(),
  /** Latency of successful responses, milliseconds (from a microsecond HdrHistogram). */
  latencyMs: latencySummary,
  /** HdrHistogram of latencies in microseconds, compressed base64 (hdr-histogram-js encodeIntoCompressedBase64). */
  histogram: z.string(),
  /** CPU time of the service's whole process tree per successful request; null when no process is known. */
  cpuMsPerRequest: z.number().nonnegative().nullable(),
  /** A journey: completed passes through every step, and the service's CPU time per completed pass. Absent otherwise. */
  journeys: z.number().int().nonnegative().optional(),
  cpuMsPerJourney: z.number().nonnegative().nullable().optional(),
  /** Peak resident memory of the service's process tree during the trial; null when unknown. */
  peakRssBytes: z.number().nonnegative().nullable(),
  /** Fixed-rate profile: the rate asked for and whether the service fell below 95% of it. */
  targetRate: z.number().positive().nullable(),
  overloaded: z.boolean(),
  /** CPU share used by neither the service nor perfgate, and the VM's steal time (0..1); null off Linux. */
  interference: z
    .object({ otherCpu: z.number().nonnegative(), steal: z.number().nonnegative() })
    .nullable(),
  /**
   * 'per-request' when the service closed its connections after each answer (HTTP/1.0,
   * `Connection: close`), so every request had a connection of its own and its latency includes
   * connecting. Absent in files written before perfgate told the two apart.
   */
  connectionMode: z.enum(['keep-alive', 'per-request']).optional(),
  /**
   * Little's law self-check of the trial's latency (src/load/littles-law.ts): mean requests in
   * flight against the connections. A trial where it does not hold has its latency left out of
   * comparisons, budgets and history. Null when no load ran; absent in older files.
   */
  littlesLaw: z
    .object({ connections: z.number().int().positive(), inFlight: z.number().nonnegative(), holds: z.boolean() })
    .nullable()
    .optional(),
});
export type TrialResult = z.infer<typeof trialResultSchema>;

export const variantResultSchema = z.object({
  trials: z.array(trialResultSchema),
});
export type VariantResult = z.infer<typeof variantResultSchema>;

export const scenarioResultSchema = z.object({
  name: z.string(),
  method: z.string(),
  path: z.string(),
  /** Keyed by variant name ("head", "base"). */
  variants: z.record(z.string(), variantResultSchema),
  /** The load it was measured under (results/load-settings.ts); absent in files from before it was recorded. */
  loadSettings: loadSettingsSchema.optional(),
  /**
   * A request of a mix or a step of a journey, measured as a scenario of its own and named
   * "<scenario> › <request>": the name of its scenario (scenarios/parts.ts). Absent for scenarios.
   */
  partOf: z.string().optional(),
});
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;

export const environmentSchema = z.object({
  os: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  memoryBytes: z.number().nonnegative(),
  nodeVersion: z.string(),
  runnerName: z.string().nullable(),
});
export type Environment = z.infer<typeof environmentSchema>;

export const gitInfoSchema = z.object({
  sha: z.string().nullable(),
  ref: z.string().nullable(),
  repository: z.string().nullable(),
  runId: z.string().nullable(),
  event: z.string().nullable(),
});
export type GitInfo = z.infer<typeof gitInfoSchema>;

export const variantInfoSchema = z.object({
  name: z.string(),
  /** Commit the variant was built from, when known (base-ref mode). */
  commit: z.string().nullable(),
});

/** Median of each metric per scenario of one earlier trusted run: enough to see run-to-run spread. */
export const historyEntrySchema = z.object({
  sha: z.string().nullable(),
  runId: z.string().nullable(),
  createdAt: z.string(),
  environment: environmentSchema.nullable(),
  scenarios: z.record(z.string(), z.record(z.string(), z.number())),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const MAX_HISTORY = 20;

/**
 * One test of a kind other than compare (capacity, ...) on one scenario: every run of every
 * variant, each run on a fresh start of the service. The runs' shape is the kind's own, checked by
 * that kind when it reads them (tests/kind.ts parseRun), so this file need not know every kind.
 */
export const testRecordSchema = z.object({
  test: z.string(),
  kind: z.string(),
  scenario: z.string(),
  /** The test's entry as perfgate.yml wrote it, so the file can be analyzed without the config. */
  entry: z.record(z.string(), z.unknown()),
  variants: z.record(z.string(), z.object({ runs: z.array(z.unknown()) })),
});
export type TestRecord = z.infer<typeof testRecordSchema>;

/**
 * One shard of a suite split over a matrix (`shard: K/N`): which job measured which scenarios on
 * which machine. A shard's own file carries its record as `shard`; a merged file keeps every
 * shard's as `shards`, so the report can say which runner measured what and compare each
 * scenario's machine with its baseline's.
 */
export const shardRecordSchema = z.object({
  index: z.number().int().positive(),
  count: z.number().int().positive(),
  /** Workflow run and its attempt (re-runs keep the run id), when measured in GitHub Actions. */
  runId: z.string().nullable(),
  attempt: z.number().int().positive().nullable(),
  /** Hash of the whole suite's configuration, not of the shard's share: equal in every shard. */
  configHash: z.string(),
  scenarios: z.array(z.string()),
  environment: environmentSchema,
  createdAt: z.string(),
});
export type ShardRecord = z.infer<typeof shardRecordSchema>;

export const resultsSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('perfgate'), version: z.string() }),
  suite: z.string(),
  createdAt: z.string(),
  git: gitInfoSchema,
  environment: environmentSchema,
  configHash: z.string(),
  variants: z.array(variantInfoSchema),
  rounds: z.number().int().nonnegative(),
  /** Rounds re-run because other processes disturbed the machine too much. */
  disturbedRounds: z.number().int().nonnegative(),
  /** Paired runs: whether base and head trials of a round ran at the same time. Absent in older files and single-variant runs. */
  pairing: z.enum(['simultaneous', 'alternating']).optional(),
  /** Rounds measured on one start of the services; absent when no service was restarted. */
  roundsPerProcess: z.number().int().positive().optional(),
  scenarios: z.array(scenarioResultSchema),
  /** Tests of other kinds than compare; absent in version 1 files and in runs without any. */
  tests: z.array(testRecordSchema).optional(),
  /** A shard job's results: which share of the suite it measured (absent in a whole suite's run). */
  shard: shardRecordSchema.optional(),
  /** Results merged from shards (perfgate merge, mode: merge): every shard's record, by index. */
  shards: z.array(shardRecordSchema).optional(),
  /** The analysis, when this run compared against something. Kept loose here; analyze/ owns its shape. */
  analysis: z.unknown().optional(),
  history: z.array(historyEntrySchema).max(MAX_HISTORY),
});
export type Results = z.infer<typeof resultsSchema>;
