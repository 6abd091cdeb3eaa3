// What every mode of the action works with: its dependencies, its inputs, and the artifact stores
// and transfers of this run. The modes (gate, shard, merge, report) import this and conclude.ts;
// none imports action.ts, which only dispatches to them.
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type * as coreModule from '@actions/core';
import type { ArtifactClient } from '@actions/artifact';
import { ArtifactStore, artifactClientFetcher, type ArchiveFetcher, type ArtifactUploader, type RestClient } from '../baseline/artifact-store.js';
import type { BaselineLookup, BaselineStore } from '../baseline/store.js';
import type { Config } from '../config/config.js';
import type { PerfgateError } from '../errors.js';
import type { MeasureDeps } from '../measure/measure.js';
import { prepareVariants } from '../baseref/variants.js';
import { runPipeline, type PipelineInput, type PipelineOutput } from '../pipeline.js';
import { environmentFingerprint } from '../results/environment.js';
import { httpStatusOf } from './comment.js';
import type { EventInfo } from './context.js';
import { attemptStartFromRest, runArtifactUploader } from './run-artifacts.js';

export type Core = Pick<
  typeof coreModule,
  'getInput' | 'setOutput' | 'setFailed' | 'warning' | 'error' | 'info' | 'notice' | 'setSecret' | 'group' | 'summary' | 'startGroup' | 'endGroup'
>;

export interface ActionDeps {
  core: Core;
  env: NodeJS.ProcessEnv;
  eventName: string;
  payload: Record<string, unknown>;
  rest: RestClient;
  artifacts: Pick<ArtifactClient, 'uploadArtifact' | 'downloadArtifact' | 'getArtifact' | 'deleteArtifact'>;
  measureDeps: MeasureDeps;
  findFreePort(): Promise<number>;
  now(): Date;
  /** Base of the waits between retried downloads (default 1 s); tests make it short. */
  retryBaseMs?: number;
}

export interface ModeInput {
  deps: ActionDeps;
  config: Config;
  event: EventInfo;
  token: string;
  workspace: string;
}

/** Results of a pull request run are uploaded under this name for the workflow_run report pattern. */
export function resultsArtifactName(suite: string): string {
  return `perfgate-results-${suite}`;
}

/** Name of the file beside the results in the report artifact that says which pull request they are for. */
export function pullRequestFileName(suite: string): string {
  return `perfgate-pr-${suite}.json`;
}

/** The runner's temp directory (emptied after each job), or the system's outside a runner. */
export function runnerTemp(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP || tmpdir();
}

export function artifactStoreFor(m: ModeInput): ArtifactStore | null {
  const { event, deps } = m;
  if (event.repositoryId === null || event.defaultBranch === null) return null;
  return new ArtifactStore({
    rest: deps.rest,
    fetchArchive: archiveFetcherFor(m),
    upload: artifactUploaderFor(m),
    currentRunId: /^\d+$/.test(event.runId) ? Number(event.runId) : null,
    owner: event.owner,
    repo: event.repo,
    repositoryId: event.repositoryId,
    defaultBranch: event.defaultBranch,
    serverUrl: event.serverUrl,
    suite: m.config.suite,
    tmpDir: runnerTemp(deps.env),
    now: () => deps.now().toISOString(),
  });
}

/** Uploads to this run, replacing what an earlier attempt of it left under the same name. */
export function artifactUploaderFor(m: ModeInput, anotherJob?: (name: string) => PerfgateError): ArtifactUploader {
  const { deps, event } = m;
  const log = (line: string): void => deps.core.info(line);
  return runArtifactUploader({
    ...(anotherJob ? { anotherJob } : {}),
    client: deps.artifacts,
    suite: m.config.suite,
    runId: event.runId,
    attempt: event.runAttempt,
    attemptStartedAt: () => attemptStartFromRest(deps.rest, { owner: event.owner, repo: event.repo, runId: event.runId, attempt: event.runAttempt, log }),
    log,
  });
}

/** Downloads of other runs' artifacts, as the action makes them. */
export function archiveFetcherFor(m: ModeInput): ArchiveFetcher {
  const { deps, event } = m;
  return artifactClientFetcher(deps.artifacts, {
    token: m.token,
    owner: event.owner,
    repo: event.repo,
    tmpDir: runnerTemp(deps.env),
    retryBaseMs: deps.retryBaseMs,
  });
}

export async function loadBaseline(m: ModeInput, store: BaselineStore | null): Promise<BaselineLookup> {
  if (m.config.compare === 'none') return { results: null, reason: 'compare is set to none', rejected: [] };
  if (!store) return { results: null, reason: 'the event payload does not name the repository and its default branch', rejected: [] };
  try {
    return await store.load();
  } catch (e) {
    const status = httpStatusOf(e);
    const hint = status === 403 || status === 404 ? ' (the workflow needs `permissions: actions: read`)' : '';
    return { results: null, reason: `the baseline could not be looked up: ${(e as Error).message}${hint}`, rejected: [] };
  }
}

/**
 * The artifact store and the stored baseline a run compares with; a paired run (base-ref, variants)
 * measures its own base and needs neither. What was passed over, and why there is none, is logged.
 */
export async function baselineFor(m: ModeInput, paired: boolean): Promise<{ store: ArtifactStore | null; lookup: BaselineLookup }> {
  if (paired) return { store: null, lookup: { results: null, rejected: [] } };
  const { core } = m.deps;
  const store = artifactStoreFor(m);
  const lookup = await core.group('perfgate: baseline', async () => {
    const l = await loadBaseline(m, store);
    for (const r of l.rejected) core.info(`passed over: ${r}`);
    if (l.results) core.info(`baseline: commit ${l.provenance?.commit ?? '?'} from ${l.provenance?.runUrl ?? 'an earlier run'}`);
    else if (m.event.kind !== 'trusted-push') core.warning(`no baseline: ${l.reason}`);
    return l;
  });
  return { store, lookup };
}

/**
 * Prepares the variants (in base-ref mode, a worktree of the base), measures the suite with the
 * pipeline and removes what was prepared, whatever happens: the measuring step every mode that
 * measures shares. `title` names the measuring group in the log.
 */
export async function measureSuite(
  m: ModeInput,
  p: { title: string } & Pick<PipelineInput, 'baseline' | 'noBaselineReason' | 'stopEarly' | 'shard'>,
): Promise<PipelineOutput & { commits: { base: string | null; head: string | null } }> {
  const { deps, config, event } = m;
  const { core } = deps;
  const headSha = event.pullRequest?.headSha ?? event.sha;
  const tmpDir = runnerTemp(deps.env);
  const prepared = await core.group('perfgate: prepare', () =>
    prepareVariants({
      config,
      workspace: m.workspace,
      defaultBaseRef: event.pullRequest?.baseSha ?? (typeof deps.payload.before === 'string' ? deps.payload.before : null),
      headCommit: headSha,
      tmpDir,
      logDir: resolve(tmpDir, 'perfgate-logs'),
      log: (line) => core.info(line),
      findFreePort: deps.findFreePort,
    }),
  );
  try {
    const { title, ...rest } = p;
    const out = await core.group(title, () =>
      runPipeline(
        {
          ...rest,
          config,
          variants: prepared.variants,
          meta: {
            suite: config.suite,
            createdAt: deps.now().toISOString(),
            git: { sha: headSha, ref: event.ref, repository: `${event.owner}/${event.repo}`, runId: event.runId, event: event.eventName },
            environment: environmentFingerprint(deps.env),
          },
        },
        deps.measureDeps,
      ),
    );
    return { ...out, commits: prepared.commits };
  } finally {
    await prepared.cleanup();
  }
}
