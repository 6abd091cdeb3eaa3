import { analyze, decided, minRoundsIndependent, minRoundsPaired, type AnalyzeOptions } from './analyze/index.js';
import type { Analysis } from './analyze/types.js';
import type { Config } from './config/config.js';
import { configHash } from './config/load.js';
import { measure, type Measurement, type MeasureDeps, type VariantTarget } from './measure/measure.js';
import { shardConfig } from './plan/shard-config.js';
import type { ShardSpec } from './plan/shards.js';
import { buildResults, type ResultsMeta } from './results/build.js';
import { loadSettingsByScenario } from './results/load-settings.js';
import type { Results } from './results/schema.js';
import { partNames } from './scenarios/parts.js';
import { analyzeTests, combinedVerdict } from './tests/analyze.js';
import { COMPARE_KIND } from './tests/registry.js';
import { measureTests } from './tests/run.js';

export interface PipelineInput {
  config: Config;
  variants: VariantTarget[];
  /** The stored baseline in artifact/local mode; null in base-ref mode or when there is none. */
  baseline: Results | null;
  /** Why there is no baseline, shown in the verdict. */
  noBaselineReason?: string;
  meta: Omit<ResultsMeta, 'variants' | 'configHash' | 'loadSettings' | 'shard'>;
  /**
   * Measure only this shard's share of the suite (`shard: K/N`). `config` stays the whole suite's:
   * the config hash and the number of tests that must reach significance are the suite's, so every
   * shard agrees with the others and with the analysis of the merged file.
   */
  shard?: ShardSpec & { attempt: number | null };
  /**
   * Stop once every gated metric is decided (default). A run that becomes the next baseline
   * measures its whole budget instead: later comparisons gain from every trial it has.
   */
  stopEarly?: boolean;
  signal?: AbortSignal;
}

export interface PipelineOutput {
  results: Results;
  analysis: Analysis;
  /** The compare test's measurement; null when the run had none. */
  measurement: Measurement | null;
}

export function analyzeOptions(config: Config, noBaselineReason?: string): AnalyzeOptions {
  return {
    alpha: config.analysis.alpha,
    thresholds: config.analysis.thresholds,
    gated: config.analysis.gated,
    budgets: config.analysis.budgets,
    noiseK: config.analysis.noiseK,
    // A mix's requests and a journey's steps take their scenario's thresholds; its budgets are the whole's.
    scenarios: Object.fromEntries(
      config.scenarios.flatMap((s) => [[s.name, { thresholds: s.thresholds, budgets: s.budgets }], ...partNames(s).map((n) => [n, { thresholds: s.thresholds }])]),
    ),
    noBaselineReason,
  };
}

/**
 * The whole analysis of a results file: the compare test's metrics (analyze/) and every other
 * test (tests/), with one verdict over both. The pipeline, `perfgate compare` and report mode all
 * come here, so a file reads the same wherever it is analyzed.
 */
export function analyzeResults(baseline: Results | null, head: Results, options: AnalyzeOptions): Analysis {
  const compare = analyze({ baseline, head, options });
  const tests = analyzeTests({ baseline, head, alpha: options.alpha, confidence: options.confidence, noBaselineReason: options.noBaselineReason });
  if (tests.length === 0) return compare;
  // A run without a compare test has no compared scenarios; its verdict is the tests' alone.
  const compareVerdict = head.scenarios.length > 0 ? compare.verdict : null;
  return { ...compare, tests, verdict: combinedVerdict(compareVerdict, tests) };
}

/**
 * The hash a run of this configuration records: of the whole suite, also in a shard of it, so the
 * merge job can tell that every shard, and itself, ran the same configuration.
 */
export function suiteConfigHash(config: Config): string {
  return configHash(compareScope(config));
}

/** The configuration the compare trials run on: the compare test's scenarios (none without one). */
function compareScope(config: Config): Config {
  const compareTest = config.tests.find((t) => t.kind === COMPARE_KIND);
  return { ...config, scenarios: config.scenarios.filter((s) => compareTest?.scenarios.includes(s.name)) };
}

/**
 * The one pipeline behind the action and the CLI: measure (stopping early once the analysis is
 * decided), then analyze. Where the baseline comes from and where the report goes is the caller's.
 */
export async function runPipeline(input: PipelineInput, deps: MeasureDeps): Promise<PipelineOutput> {
  const suite = compareScope(input.config);
  const share = input.shard ? shardConfig(input.config, input.shard) : null;
  const config = share ? compareScope(share.config) : suite;
  const paired = input.variants.length > 1;
  const comparing = paired || input.baseline !== null;
  // Of the whole suite even in a shard: Holm runs over every scenario of every shard once merged;
  // a mix's requests and a journey's steps are gated too, in the same family.
  const gatedCount = suite.analysis.gated.length * suite.scenarios.reduce((n, s) => n + 1 + partNames(s).length, 0);
  // A run with nothing to compare against (a baseline in the making) measures as many rounds as a
  // comparison would, so the baseline it becomes has enough trials for a later test.
  const minRoundsForSignificance = paired
    ? minRoundsPaired(config.analysis.alpha, gatedCount)
    : minRoundsIndependent(config.analysis.alpha, gatedCount);

  const hash = suiteConfigHash(input.config);
  const meta: ResultsMeta = {
    ...input.meta,
    configHash: hash,
    loadSettings: loadSettingsByScenario(config),
    variants: input.variants.map((v) => ({ name: v.name, commit: v.commit })),
  };
  if (input.shard && share) {
    meta.shard = {
      index: input.shard.index,
      count: input.shard.count,
      runId: input.meta.git.runId,
      attempt: input.shard.attempt,
      configHash: hash,
      scenarios: share.scenarios,
      environment: input.meta.environment,
      createdAt: input.meta.createdAt,
    };
  }
  const options = analyzeOptions(config, input.noBaselineReason);
  // A shard cannot tell when the merged analysis is decided (Holm over scenarios it never sees),
  // so it measures all the rounds the whole suite plans (roundsAsFor below), as a run that becomes
  // the baseline does.
  const shouldStop = comparing && input.stopEarly !== false && !input.shard
    ? (scenarios: Results['scenarios'], rounds: number) =>
        decided(analyze({ baseline: input.baseline, head: buildResults(meta, { scenarios, rounds, disturbedRounds: 0 }), options }))
    : undefined;

  const measurement = config.scenarios.length > 0
    ? await measure({ config, variants: input.variants, minRoundsForSignificance, shouldStop, signal: input.signal, ...(share ? { roundsAsFor: suite.scenarios.map((s) => s.name) } : {}) }, deps)
    : null;
  const tests = await measureTests({ config: share?.config ?? input.config, variants: input.variants, signal: input.signal }, deps);
  const built = buildResults(meta, measurement ?? { scenarios: [], rounds: 0, disturbedRounds: 0 });
  const results = tests.length > 0 ? { ...built, tests } : built;
  const analysis = analyzeResults(input.baseline, results, options);
  // A shard's analysis covers part of the family (Holm over its scenarios alone): it stays out of
  // the file, which the merge analyses with every other shard.
  return { results: input.shard ? results : { ...results, analysis }, analysis, measurement };
}
