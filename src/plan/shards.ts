import { makePlan } from './plan.js';

/**
 * Splitting a suite over the jobs of a GitHub Actions matrix (`shard: K/N`). Every shard job
 * computes the same assignment from the same configuration, with no coordination between them, so
 * the assignment must be a pure function of the scenarios and their expected measuring times.
 */

export interface ShardSpec {
  /** 1-based: shard K of N. */
  index: number;
  count: number;
}

export type ParsedShard = { ok: true; value: ShardSpec } | { ok: false; message: string };

/** The most shards a suite is split into; a matrix of more jobs than this is a typo. */
export const MAX_SHARDS = 256;

/**
 * "2/4" as shard 2 of 4. The message on failure names the value and says what is expected; the
 * caller prefixes the input's name (`shard:` in the action, `--shard` in the CLI).
 */
export function parseShard(value: string): ParsedShard {
  const expected = `expected K/N with 1 ≤ K ≤ N ≤ ${MAX_SHARDS}, e.g. "1/4" in a matrix as \`\${{ matrix.shard }}/4\``;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) return { ok: false, message: `${JSON.stringify(value)} is not a shard; ${expected}` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    return { ok: false, message: `${JSON.stringify(value)} is not a shard of ${count}; ${expected}` };
  }
  return { ok: true, value: { index, count } };
}

export function shardLabel(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}

export interface ScenarioCost {
  name: string;
  /** Expected measuring time of the scenario (all its variants, every round), milliseconds. */
  costMs: number;
}

/**
 * The scenarios of each shard (index 0 is shard 1/N), balanced by expected measuring time.
 *
 * Greedy longest-processing-time first (Graham, 1969): take the scenarios from the most to the least
 * expensive, each onto the shard with the least time so far. Its longest shard is at most 4/3 of the
 * best possible split, and with equal costs it deals the scenarios out round-robin, so shard sizes
 * differ by at most one. Every tie is broken the same way in every job: equal costs by scenario
 * name (code-point order, not the locale's), equal loads by the lower shard number.
 *
 *   costs 6 5 4 3 3 onto 2 shards (loads after each step):
 *   6→1 (6|0)   5→2 (6|5)   4→2 (6|9)   3→1 (9|9)   3→1 (12|9)      longest 12; the best split, 11
 *
 * Within a shard the scenarios keep the order they were given in (the config's order), so a shard
 * measures them as a single job would.
 */
export function assignShards(scenarios: readonly ScenarioCost[], count: number): string[][] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a suite is split into at least 1 shard, not ${count}`);
  const position = new Map(scenarios.map((s, i) => [s.name, i]));
  const byCost = [...scenarios].sort((a, b) => b.costMs - a.costMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const loads = Array.from({ length: count }, () => 0);
  const members: string[][] = Array.from({ length: count }, () => []);
  for (const s of byCost) {
    let target = 0;
    for (let i = 1; i < count; i++) if (loads[i]! < loads[target]!) target = i;
    loads[target]! += s.costMs;
    members[target]!.push(s.name);
  }
  return members.map((names) => names.sort((a, b) => position.get(a)! - position.get(b)!));
}

export interface CostInput {
  /** Every scenario of the suite, in the config's order. */
  scenarios: string[];
  /** The scenarios the compare trials run on (a subset of scenarios). */
  compareScenarios: string[];
  variants: number;
  trialMs: number;
  warmupMs: number;
  maxRounds: number;
  maxDurationMs: number;
  simultaneous: boolean;
  roundsPerProcess: number | null;
  /** Expected time of the other test kinds' runs on each scenario, when known. */
  extraMs?: Record<string, number>;
}

/**
 * Expected measuring time of each scenario: the plan's estimate of one round of it (its trials of
 * every variant, with their fixed overhead) times the rounds the suite as one job may take, plus
 * any other tests on it. The absolute number matters little (every shard job has the same budget);
 * what balances the shards is how scenarios compare with each other.
 */
export function scenarioCosts(input: CostInput): ScenarioCost[] {
  const compare = new Set(input.compareScenarios);
  const oneRound = makePlan({
    scenarios: ['one'],
    variants: Array.from({ length: input.variants }, (_, i) => `v${i}`),
    trialMs: input.trialMs,
    warmupMs: input.warmupMs,
    minRounds: 1,
    maxRounds: input.maxRounds,
    maxDurationMs: input.maxDurationMs,
    minRoundsForSignificance: 1,
    simultaneous: input.simultaneous,
    roundsPerProcess: input.roundsPerProcess,
  }).roundMs;
  return input.scenarios.map((name) => ({
    name,
    costMs: (compare.has(name) ? oneRound * input.maxRounds : 0) + (input.extraMs?.[name] ?? 0),
  }));
}
