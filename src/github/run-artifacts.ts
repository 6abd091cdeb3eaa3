import type { ArtifactClient } from '@actions/artifact';
import type { ArtifactUploader, RestClient } from '../baseline/artifact-store.js';
import { PerfgateError } from '../errors.js';

/*
 * An artifact name can be used once per workflow run, and "Re-run jobs" keeps the run id: the
 * artifacts an earlier attempt uploaded stay on the run, and uploading the same name again answers
 * 409 Conflict. Left at that, a re-run of the push job fails to store its baseline, and a re-run of
 * a pull request job leaves the first attempt's results for the report workflow to comment with.
 *
 * Who uploaded the artifact we collide with? Artifacts record no job we could recognise (the legs
 * of a matrix share GITHUB_JOB, and a re-run job gets a new backend id), so it is told by time:
 *
 *   attempt 1                      attempt 2 (re-run)
 *   ├── job A uploads X            ├── job A' finds X from attempt 1 ──► replace it
 *   └── job B finds X ──► refuse   └── job B' finds X made after attempt 2 began ──► refuse
 *
 * - In attempt 1 nothing earlier exists, so the artifact is another job's (or step's) of this run
 *   using the same suite: both would overwrite each other's baseline, results and comment.
 * - From attempt 2 on, an artifact created before this attempt started is an earlier attempt's,
 *   replaced with the runtime token (no extra permission); one created since is another job's of
 *   this attempt. When the attempt's start cannot be read (the run needs `actions: read`), a
 *   re-run is by far the likelier cause, and attempt 1 already refused a same-suite matrix.
 * - Left undetected: re-running only the failed leg of a same-suite matrix replaces the other
 *   leg's artifact, made in an earlier attempt.
 *
 * The artifact is deleted and uploaded again within this step, so it is in place before the run
 * completes and a `workflow_run` report workflow can read it.
 */

export type NameConflict = 'earlier-attempt' | 'another-job';

export function judgeNameConflict(o: { attempt: number; existingCreatedAt: Date | null; attemptStartedAt: Date | null }): NameConflict {
  if (o.attempt <= 1) return 'another-job';
  if (o.existingCreatedAt && o.attemptStartedAt && o.existingCreatedAt.getTime() >= o.attemptStartedAt.getTime()) return 'another-job';
  return 'earlier-attempt';
}

export interface RunArtifactsOptions {
  client: Pick<ArtifactClient, 'uploadArtifact' | 'getArtifact' | 'deleteArtifact'>;
  suite: string;
  runId: string;
  attempt: number;
  /** When the current attempt of the run started, or null when that cannot be told. */
  attemptStartedAt(): Promise<Date | null>;
  log(line: string): void;
  /** The error when another job of this attempt uploaded the name; default: two jobs share the suite. */
  anotherJob?(name: string): PerfgateError;
}

/** Uploads an artifact of this run, replacing one of the same name that an earlier attempt left. */
export function runArtifactUploader(o: RunArtifactsOptions): ArtifactUploader {
  const sameSuite = (name: string): PerfgateError =>
    o.anotherJob?.(name) ??
    new PerfgateError(
      `the suite "${o.suite}" is used by two jobs (or steps) of workflow run ${o.runId || '(unknown)'}: another one already uploaded ` +
        `the artifact ${name} in this attempt, and they would overwrite each other's baseline, results and comment; ` +
        `give each job its own \`suite\` (in a matrix, e.g. \`suite: ${o.suite}-\${{ matrix.<key> }}\`)`,
    );
  return async (name, files, rootDirectory, retentionDays) => {
    const upload = () => o.client.uploadArtifact(name, files, rootDirectory, { retentionDays });
    try {
      await upload();
      return;
    } catch (e) {
      if (!isNameConflict(e)) throw e;
    }
    const { artifact } = await o.client.getArtifact(name);
    const attemptStartedAt = o.attempt > 1 ? await o.attemptStartedAt() : null;
    if (judgeNameConflict({ attempt: o.attempt, existingCreatedAt: artifact.createdAt ?? null, attemptStartedAt }) === 'another-job') {
      throw sameSuite(name);
    }
    o.log(`replacing the artifact ${name} (#${artifact.id}) that an earlier attempt of this run uploaded (this is attempt ${o.attempt})`);
    await o.client.deleteArtifact(name);
    try {
      await upload();
    } catch (e) {
      // Another job of this attempt uploaded the name between our delete and our upload.
      if (isNameConflict(e)) throw sameSuite(name);
      throw e;
    }
  };
}

/**
 * When the current attempt of the run started (`run_started_at` resets on each re-run), from REST;
 * null when it cannot be read, or the run's latest attempt is not this one.
 */
export async function attemptStartFromRest(
  rest: RestClient,
  o: { owner: string; repo: string; runId: string; attempt: number; log(line: string): void },
): Promise<Date | null> {
  if (!/^\d+$/.test(o.runId)) return null;
  try {
    const { data } = await rest.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner: o.owner, repo: o.repo, run_id: Number(o.runId) });
    const run = data as { run_attempt?: number; run_started_at?: string | null };
    if (run.run_attempt !== o.attempt) return null;
    const t = Date.parse(run.run_started_at ?? '');
    return Number.isFinite(t) ? new Date(t) : null;
  } catch (e) {
    o.log(`could not read when attempt ${o.attempt} of run ${o.runId} started (${(e as Error).message})`);
    return null;
  }
}

/**
 * The artifact client turns the results service's answer into an Error whose message carries the
 * status: "Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: ...".
 */
export function isNameConflict(e: unknown): boolean {
  return /\(409\)/.test((e as Error)?.message ?? '');
}
