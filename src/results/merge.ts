import { ShardMergeError } from '../errors.js';
import type { Environment, Results, ShardRecord } from './schema.js';

/**
 * Merging the results files of a suite's shards (`shard: K/N` jobs) into the file one job would
 * have written, so the analysis treats every scenario of every shard as one family (Holm across
 * all of them) and the baseline a trusted push stores is one file again. Pure: the caller reads
 * the files (perfgate merge) or downloads them (mode: merge).
 */

export interface ShardInput {
  /** Where the file came from, for messages: a path, or "artifact NAME #ID". */
  source: string;
  results: Results;
}

export interface MergeOptions {
  /** Scenario names in the order to list them (the config's); others follow in shard order. */
  order?: readonly string[];
}

function label(r: ShardRecord): string {
  return `shard ${r.index}/${r.count}`;
}

/**
 * Checks that the files are every shard of one suite, measured with one configuration, each
 * scenario once, and merges them. Every problem found is reported together, each naming the shard,
 * its file and the scenario or hash at fault.
 */
export function mergeShards(inputs: readonly ShardInput[], options: MergeOptions = {}): Results {
  if (inputs.length === 0) throw new ShardMergeError(['no shard results were given']);
  const problems: string[] = [];
  const shards: { input: ShardInput; record: ShardRecord }[] = [];
  for (const input of inputs) {
    const record = input.results.shard;
    if (record) shards.push({ input, record });
    else if (input.results.shards) problems.push(`${input.source} holds results already merged from ${input.results.shards.length} shards; give the shards' own files`);
    else problems.push(`${input.source} is not a shard's results: it was measured without \`shard: K/N\` (--shard K/N)`);
  }
  if (shards.length === 0) throw new ShardMergeError(problems);

  const first = shards[0]!;
  const who = (s: (typeof shards)[number]): string => `${label(s.record)} (${s.input.source})`;
  for (const s of shards.slice(1)) {
    if (s.input.results.suite !== first.input.results.suite) {
      problems.push(`${who(s)} is of suite "${s.input.results.suite}", ${who(first)} of suite "${first.input.results.suite}"`);
    }
    if (s.record.count !== first.record.count) {
      problems.push(`${who(s)} splits the suite into ${s.record.count} shards, ${who(first)} into ${first.record.count}; every job of the matrix must say the same N`);
    }
    if (s.record.configHash !== first.record.configHash) {
      problems.push(
        `${who(s)} was measured with config hash ${s.record.configHash}, ${who(first)} with ${first.record.configHash}: ` +
          'the shard jobs ran different configurations (perfgate.yml or the inputs differ between them)',
      );
    }
    const sha = s.input.results.git.sha;
    const firstSha = first.input.results.git.sha;
    if (sha && firstSha && sha !== firstSha) problems.push(`${who(s)} measured commit ${sha}, ${who(first)} commit ${firstSha}`);
    const variants = s.input.results.variants.map((v) => v.name).join(', ');
    const firstVariants = first.input.results.variants.map((v) => v.name).join(', ');
    if (variants !== firstVariants) problems.push(`${who(s)} measured the variants ${variants}, ${who(first)} ${firstVariants}`);
  }

  const byIndex = new Map<number, (typeof shards)[number]>();
  for (const s of shards) {
    const earlier = byIndex.get(s.record.index);
    if (earlier) problems.push(`${label(s.record)} is given twice: ${earlier.input.source} and ${s.input.source}`);
    else byIndex.set(s.record.index, s);
  }
  const count = first.record.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0 && problems.length === 0) {
    const given = [...byIndex.keys()].sort((a, b) => a - b).map((k) => `${k}/${count}`).join(', ');
    problems.push(`${missing.map((k) => `shard ${k}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (given: ${given})`);
  }

  const ordered = [...byIndex.values()].sort((a, b) => a.record.index - b.record.index);
  const owner = new Map<string, (typeof shards)[number]>();
  for (const s of ordered) {
    for (const scenario of s.input.results.scenarios) {
      const other = owner.get(scenario.name);
      if (other) problems.push(`scenario "${scenario.name}" is in ${who(other)} and in ${who(s)}`);
      else owner.set(scenario.name, s);
    }
  }
  if (problems.length > 0) throw new ShardMergeError(problems);

  const position = new Map((options.order ?? []).map((name, i) => [name, i]));
  const rank = (name: string): number => position.get(name) ?? Number.MAX_SAFE_INTEGER;
  const scenarios = ordered.flatMap((s) => s.input.results.scenarios);
  // A stable sort: scenarios the order does not name keep their shard order, after the named ones.
  scenarios.sort((a, b) => rank(a.name) - rank(b.name));
  const tests = ordered.flatMap((s) => s.input.results.tests ?? []);
  const base = first.input.results;
  const merged: Results = {
    schemaVersion: base.schemaVersion,
    tool: base.tool,
    suite: base.suite,
    // The last shard to finish: when the merged measurement was complete.
    createdAt: ordered.map((s) => s.input.results.createdAt).sort().at(-1)!,
    git: ordered[0]!.input.results.git,
    // The first shard's machine stands for the run; each scenario's own is in `shards`.
    environment: ordered[0]!.input.results.environment,
    configHash: first.record.configHash,
    variants: ordered[0]!.input.results.variants,
    rounds: Math.max(...ordered.map((s) => s.input.results.rounds)),
    disturbedRounds: ordered.reduce((n, s) => n + s.input.results.disturbedRounds, 0),
    scenarios,
    shards: ordered.map((s) => s.record),
    history: [],
  };
  const pairing = ordered.find((s) => s.input.results.pairing)?.input.results.pairing;
  if (pairing) merged.pairing = pairing;
  const perProcess = ordered.find((s) => s.input.results.roundsPerProcess)?.input.results.roundsPerProcess;
  if (perProcess) merged.roundsPerProcess = perProcess;
  if (tests.length > 0) merged.tests = tests;
  return merged;
}

/**
 * The machine a scenario was measured on: its shard's, in a file merged from shards; the run's
 * otherwise.
 */
export function scenarioEnvironment(results: Pick<Results, 'environment' | 'shards'>, scenario: string): Environment {
  return results.shards?.find((s) => s.scenarios.includes(scenario))?.environment ?? results.environment;
}
