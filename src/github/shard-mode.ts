import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_FILE_NAME } from '../baseline/artifact-store.js';
import { PerfgateError } from '../errors.js';
import type { ShardSpec } from '../plan/shards.js';
import { writeResults, writeSummary } from './conclude.js';
import { artifactUploaderFor, measureSuite, runnerTemp, type ModeInput } from './mode.js';

/** Shard K of N of a suite uploads its results under this name, for the merge job of the same run. */
export function shardArtifactName(suite: string, shard: ShardSpec): string {
  return `perfgate-results-${suite}-shard-${shard.index}-of-${shard.count}`;
}

/**
 * One job of a matrix (`shard: K/N`): measures its share of the suite and uploads it for the merge
 * job. It judges nothing: a verdict over one shard would test part of the family (Holm over every
 * scenario of every shard) and could pass what the whole fails. So no baseline is looked up (in
 * base-ref mode the shard measures base and head of its scenarios side by side, paired within
 * it), no comment is posted, no gate set and no baseline saved.
 */
export async function runShardMode(m: ModeInput, shard: ShardSpec): Promise<void> {
  const { deps, config, event } = m;
  const { core } = deps;
  const tmpDir = runnerTemp(deps.env);
  const { results } = await measureSuite(m, {
    title: `perfgate: measure shard ${shard.index}/${shard.count}`,
    baseline: null,
    noBaselineReason: `shard ${shard.index}/${shard.count} measures only; the merge job compares`,
    shard: { ...shard, attempt: event.runAttempt },
  });
  writeResults(m, results);

  const name = shardArtifactName(config.suite, shard);
  const scenarios = results.shard?.scenarios ?? [];
  await core.group('perfgate: upload shard results', async () => {
    const dir = join(tmpDir, `perfgate-shard-upload-${config.suite}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, RESULTS_FILE_NAME), JSON.stringify(results));
      const twice = (artifact: string) =>
        new PerfgateError(
          `shard ${shard.index}/${shard.count} of suite "${config.suite}" is measured by two jobs of workflow run ${event.runId || '(unknown)'}: ` +
            `another one already uploaded ${artifact} in this attempt; give every job of the matrix its own K in \`shard: K/${shard.count}\``,
        );
      await artifactUploaderFor(m, twice)(name, [join(dir, RESULTS_FILE_NAME)], dir, 7);
    } catch (e) {
      // Without it the merge job reports this shard missing: fail here, where the cause is.
      if (e instanceof PerfgateError) throw e;
      throw new PerfgateError(`could not upload the shard results artifact ${name}: ${(e as Error).message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    core.info(`uploaded ${name}`);
  });
  const list = scenarios.length > 0 ? scenarios.map((s) => `\`${s}\``).join(', ') : 'no scenario (the matrix has more shards than the suite has scenarios)';
  await writeSummary(
    core,
    `### perfgate ${config.suite}: shard ${shard.index}/${shard.count}\n\nMeasured ${list}, ${results.rounds} rounds, ` +
      `and uploaded them as \`${name}\`. The job with \`mode: merge\` compares every shard together, comments and gates.\n`,
  );
}
