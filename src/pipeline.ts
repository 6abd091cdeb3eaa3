import { analyze, decided, minRoundsIndependent, minRoundsPaired, type AnalyzeOptions } from './analyze/index.js';
import type { Analysis } from './analyze/types.js';
import type { Config } from './config/config.js';
import { configHash } from './config/load.js';
import { measure, type Measurement, type MeasureDeps, type VariantTarget } from './measure/measure.js';
import { buildResults, type ResultsMeta } from './results/build.js';
import { loadSettingsByScenario } from './results/load-settings.js';
import type { Results } from './results/schema.js';

export interface PipelineInput {
  config: Config;
  variants: VariantTarget[];
  /** The stored baseline in artifact/local mode; null in base-ref mode or when there is none. */
  baseline: Results | null;
  /** Why there is no baseline, shown in the verdict. */
  noBaselineReason?: string;
  meta: Omit<ResultsMeta, 'variants' | 'configHash' | 'loadSettings'>;
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
  measurement: Measurement;
}

export function analyzeOptions(config: Config, noBaselineReason?: string): AnalyzeOptions {
  return {
    alpha: config.analysis.alpha,
    thresholds: config.analysis.thresholds,
    gated: config.analysis.gated,
    budgets: config.analysis.budgets,
    noiseK: config.analysis.noiseK,
    scenarios: Object.fromEntries(config.scenarios.map((s) => [s.name, { thresholds: s.thresholds, budgets: s.budgets }])),
    noBaselineReason,
  };
}

/**
 * The one pipeline behind the action and the CLI: measure (stopping early once the analysis is
 * decided), then analyze. Where the baseline comes from and where the report goes is the caller's.
 */
export async function runPipeline(input: PipelineInput, deps: MeasureDeps): Promise<PipelineOutput> {
  const { config } = input;
  const paired = input.variants.length > 1;
  const comparing = paired || input.baseline !== null;
  const gatedCount = config.analysis.gated.length * config.scenarios.length;
  // A run with nothing to compare against (a baseline in the making) measures as many rounds as a
  // comparison would, so the baseline it becomes has enough trials for a later test.
  const minRoundsForSignificance = paired
    ? minRoundsPaired(config.analysis.alpha, gatedCount)
    : minRoundsIndependent(config.analysis.alpha, gatedCount);

  const meta: ResultsMeta = {
    ...input.meta,
    configHash: configHash(config),
    loadSettings: loadSettingsByScenario(config),
    variants: input.variants.map((v) => ({ name: v.name, commit: v.commit })),
  };
  const options = analyzeOptions(config, input.noBaselineReason);
  const shouldStop = comparing && input.stopEarly !== false
    ? (scenarios: Results['scenarios'], rounds: number) =>
        decided(analyze({ baseline: input.baseline, head: buildResults(meta, { scenarios, rounds, disturbedRounds: 0 }), options }))
    : undefined;

  const measurement = await measure(
    { config, variants: input.variants, minRoundsForSignificance, shouldStop, signal: input.signal },
    deps,
  );
  const results = buildResults(meta, measurement);
  const analysis = analyze({ baseline: input.baseline, head: results, options });
  return { results: { ...results, analysis }, analysis, measurement };
}
