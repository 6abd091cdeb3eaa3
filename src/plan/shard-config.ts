import type { Config } from '../config/config.js';
import { COMPARE_KIND, TEST_KINDS } from '../tests/registry.js';
import { assignShards, scenarioCosts, type ShardSpec } from './shards.js';

/** Variants a configuration measures: paired modes measure base and head, artifact mode the head. */
export function variantCount(config: Pick<Config, 'compare'>): number {
  return config.compare === 'base-ref' || config.compare === 'variants' ? 2 : 1;
}

/** The scenarios of every shard of the suite (index 0 is shard 1/N), as every shard job computes them. */
export function shardAssignment(config: Config, count: number): string[][] {
  const compareTest = config.tests.find((t) => t.kind === COMPARE_KIND);
  const variants = variantCount(config);
  const costs = scenarioCosts({
    scenarios: config.scenarios.map((s) => s.name),
    compareScenarios: compareTest?.scenarios ?? [],
    variants,
    trialMs: config.load.trialMs,
    warmupMs: config.load.warmupMs,
    maxRounds: config.rounds.max,
    maxDurationMs: config.rounds.maxDurationMs,
    simultaneous: config.load.pairing === 'simultaneous' && variants > 1,
    roundsPerProcess: config.service ? config.load.roundsPerProcess : null,
    extraMs: otherTestsMs(config, variants),
  });
  return assignShards(costs, count);
}

/** Expected time of the tests of other kinds on each scenario, every variant. */
function otherTestsMs(config: Config, variants: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of config.tests) {
    const kind = TEST_KINDS[t.kind];
    if (!kind) continue;
    const ms = kind.estimateMs(t.settings) * variants;
    for (const name of t.scenarios) out[name] = (out[name] ?? 0) + ms;
  }
  return out;
}

/**
 * The configuration a shard job measures: its own scenarios, and every test restricted to them
 * (a test of another kind runs on a scenario in the shard that holds the scenario). Everything
 * else (load, thresholds, budget) is the suite's, so each shard measures its share as the whole
 * suite's single job would.
 */
export function shardConfig(config: Config, shard: ShardSpec): { config: Config; scenarios: string[] } {
  const scenarios = shardAssignment(config, shard.count)[shard.index - 1] ?? [];
  const keep = new Set(scenarios);
  return {
    scenarios,
    config: {
      ...config,
      scenarios: config.scenarios.filter((s) => keep.has(s.name)),
      tests: config.tests
        .map((t) => ({ ...t, scenarios: t.scenarios.filter((n) => keep.has(n)) }))
        .filter((t) => t.kind === COMPARE_KIND || t.scenarios.length > 0),
    },
  };
}
