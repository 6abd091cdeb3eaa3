import { RESULTS_FILE_NAME } from '../baseline/artifact-store.js';
import { readZipEntry } from '../baseline/zip.js';
import { PerfgateError, ShardMergeError } from '../errors.js';
import { analyzeOptions, analyzeResults, suiteConfigHash } from '../pipeline.js';
import { mergeShards, type ShardInput } from '../results/merge.js';
import { MAX_RESULTS_BYTES, parseResultsText } from '../results/file.js';
import { httpStatusOf } from './comment.js';
import { concludeRun } from './conclude.js';
import { archiveFetcherFor, baselineFor, type ModeInput } from './mode.js';

interface RunArtifact {
  id: number;
  name: string;
  expired?: boolean;
  created_at?: string | null;
  digest?: string | null;
}

/** The shard artifacts' names of a suite: perfgate-results-<suite>-shard-K-of-N (shard-mode.ts). */
function shardNamePattern(suite: string): RegExp {
  return new RegExp(`^perfgate-results-${suite.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-shard-(\\d+)-of-(\\d+)$`);
}

/**
 * The shard artifacts of this workflow run, the newest upload of each name. Listing the run's own
 * artifacts is what keeps out every other run's; a name uploaded more than once (an earlier
 * attempt's copy that could not be replaced) yields its newest.
 */
async function listShardArtifacts(m: ModeInput): Promise<{ chosen: (RunArtifact & { index: number; count: number })[]; passedOver: string[] }> {
  const { deps, event, config } = m;
  const pattern = shardNamePattern(config.suite);
  const all: RunArtifact[] = [];
  for (let page = 1; ; page++) {
    let data: unknown;
    try {
      ({ data } = await deps.rest.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
        owner: event.owner,
        repo: event.repo,
        run_id: Number(event.runId),
        per_page: 100,
        page,
      }));
    } catch (e) {
      const status = httpStatusOf(e);
      const hint = status === 403 || status === 404 ? ' (the workflow needs `permissions: actions: read`)' : '';
      throw new PerfgateError(`could not list the artifacts of workflow run ${event.runId}${status === null ? '' : ` (HTTP ${status})`}: ${(e as Error).message}${hint}`);
    }
    const batch = (data as { artifacts?: RunArtifact[] }).artifacts ?? [];
    all.push(...batch);
    if (batch.length < 100) break;
  }
  const passedOver: string[] = [];
  const newest = new Map<string, RunArtifact & { index: number; count: number }>();
  const matching = all.filter((a) => pattern.test(a.name) && !a.expired);
  matching.sort((a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? '') || b.id - a.id);
  for (const a of matching) {
    if (newest.has(a.name)) {
      passedOver.push(`artifact ${a.name} #${a.id}: an older upload of the same shard than #${newest.get(a.name)!.id}`);
      continue;
    }
    const [, k, n] = pattern.exec(a.name)!;
    newest.set(a.name, { ...a, index: Number(k), count: Number(n) });
  }
  return { chosen: [...newest.values()].sort((a, b) => a.index - b.index), passedOver };
}

/**
 * `mode: merge`, the job after a matrix of `shard: K/N` jobs (with `needs:` on it): downloads every
 * shard's results from this run, checks they make one suite (mergeShards), and then does what a
 * single job does with them: compare with the baseline, with Holm across every scenario of every
 * shard, comment, set the outputs and the gate, and on a trusted push store one combined baseline.
 */
export async function runMergeMode(m: ModeInput): Promise<void> {
  const { deps, config, event } = m;
  const { core } = deps;
  if (!/^\d+$/.test(event.runId)) {
    throw new PerfgateError('mode: merge reads the shard artifacts of this workflow run, but GITHUB_RUN_ID names none; merge files locally with `perfgate merge`');
  }
  const inputs = await core.group('perfgate: shard results', async () => {
    const { chosen, passedOver } = await listShardArtifacts(m);
    for (const p of passedOver) core.info(`passed over: ${p}`);
    if (chosen.length === 0) {
      throw new PerfgateError(
        `workflow run ${event.runId} has no shard results of suite "${config.suite}" (artifacts perfgate-results-${config.suite}-shard-K-of-N): ` +
          'run the shard jobs with `shard: K/N` and the same suite, and give this job `needs:` on them',
      );
    }
    const counts = [...new Set(chosen.map((a) => a.count))];
    if (counts.length > 1) {
      throw new ShardMergeError([
        `the shard artifacts of run ${event.runId} split the suite in different ways (${chosen.map((a) => a.name).join(', ')}); every job of the matrix must say the same N`,
      ]);
    }
    const fetch = archiveFetcherFor(m);
    const out: ShardInput[] = [];
    for (const a of chosen) {
      const source = `artifact ${a.name} #${a.id}`;
      let zip: Buffer;
      try {
        zip = await fetch({ id: a.id, runId: Number(event.runId), digest: a.digest ?? null });
      } catch (e) {
        throw new PerfgateError(`${source} could not be downloaded: ${(e as Error).message}`);
      }
      let file: Buffer | null;
      try {
        file = readZipEntry(zip, RESULTS_FILE_NAME, MAX_RESULTS_BYTES);
      } catch (e) {
        throw new PerfgateError(`${source} is damaged: ${(e as Error).message}`);
      }
      if (!file) throw new PerfgateError(`${source} holds no ${RESULTS_FILE_NAME}`);
      const results = parseResultsText(file.toString('utf8'), `${RESULTS_FILE_NAME} of ${source}`);
      const shard = results.shard;
      if (shard && (shard.index !== a.index || shard.count !== a.count)) {
        throw new ShardMergeError([`${source} holds the results of shard ${shard.index}/${shard.count}, not of shard ${a.index}/${a.count} as its name says`]);
      }
      // Listed on this run but measured in another (uploaded from elsewhere): never mixed in.
      if (shard && shard.runId !== null && shard.runId !== event.runId) {
        core.info(`passed over: ${source} was measured in workflow run ${shard.runId}, not in this run ${event.runId}`);
        continue;
      }
      core.info(`${source}: shard ${a.index}/${a.count}${shard?.attempt ? ` of attempt ${shard.attempt}` : ''}, ${results.scenarios.length} scenarios`);
      out.push({ source, results });
    }
    return out;
  });

  let merged;
  try {
    merged = mergeShards(inputs, { order: config.scenarios.map((s) => s.name) });
  } catch (e) {
    if (e instanceof ShardMergeError && e.problems.some((p) => / missing /.test(p))) {
      throw new ShardMergeError([
        ...e.problems,
        'a shard job that failed, was cancelled or skipped uploads nothing: re-run it, then this job (which needs `needs:` on the matrix job)',
      ]);
    }
    throw e;
  }
  const ownHash = suiteConfigHash(config);
  if (merged.configHash !== ownHash) {
    throw new ShardMergeError([
      `the shards were measured with config hash ${merged.configHash}, and this merge job's configuration hashes to ${ownHash}: ` +
        'give the merge job the same config file and inputs (scenarios, load, thresholds, gate) as the shard jobs',
    ]);
  }

  const paired = merged.variants.some((v) => v.name === 'base');
  const { store, lookup } = await baselineFor(m, paired);
  const analysis = analyzeResults(lookup.results, merged, analyzeOptions(config, lookup.reason));
  const commits = paired
    ? { base: merged.variants.find((v) => v.name === 'base')?.commit ?? null, head: merged.variants.find((v) => v.name === 'head')?.commit ?? merged.git.sha }
    : null;
  await concludeRun(m, { results: { ...merged, analysis }, analysis, lookup, store, paired, commits });
}
