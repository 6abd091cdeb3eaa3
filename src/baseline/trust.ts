/**
 * Which stored artifact may serve as a baseline. A baseline decides whether other people's pull
 * requests pass, so only runs of the repository's own default branch, started by a trusted event,
 * qualify; a fork's run (whose code anyone can write) never does.
 */
export const TRUSTED_EVENTS = ['push', 'schedule', 'workflow_dispatch'] as const;

export interface ArtifactFacts {
  id: number;
  name: string;
  expired: boolean;
  expiresAt: string | null;
  createdAt: string | null;
  workflowRun: { id: number; headBranch: string | null; headSha: string | null; repositoryId: number | null; headRepositoryId: number | null } | null;
}

export interface TrustContext {
  defaultBranch: string;
  repositoryId: number;
  /** ISO time used for expiry, passed in so the rule has no clock. */
  now: string;
  /** The workflow run doing the lookup, when it is one. */
  currentRunId?: number | null;
}

export type TrustJudgement = { trusted: true } | { trusted: false; reason: string };

/** First check, on the artifact listing alone (no extra request). */
export function judgeArtifact(a: ArtifactFacts, ctx: TrustContext): TrustJudgement {
  const what = `artifact ${a.name} #${a.id}`;
  if (a.expired || (a.expiresAt !== null && Date.parse(a.expiresAt) <= Date.parse(ctx.now))) {
    return { trusted: false, reason: `${what} has expired` };
  }
  const run = a.workflowRun;
  if (!run) return { trusted: false, reason: `${what} has no workflow run to vouch for it` };
  if (run.headRepositoryId !== null && run.repositoryId !== null && run.headRepositoryId !== run.repositoryId) {
    return { trusted: false, reason: `${what} comes from a fork's run (repository ${run.headRepositoryId}); a fork can never provide the baseline` };
  }
  if (run.repositoryId !== null && run.repositoryId !== ctx.repositoryId) {
    return { trusted: false, reason: `${what} belongs to another repository (${run.repositoryId})` };
  }
  if (run.headRepositoryId === null) {
    return { trusted: false, reason: `${what} does not say which repository its run came from` };
  }
  if (run.headBranch !== ctx.defaultBranch) {
    return { trusted: false, reason: `${what} was made on branch ${run.headBranch ?? '(unknown)'}, not the default branch ${ctx.defaultBranch}` };
  }
  // A re-run keeps the run id: what an earlier attempt stored measured this same commit, and this
  // attempt is about to replace it. It is not an earlier run to compare with or carry into history.
  if (ctx.currentRunId !== undefined && ctx.currentRunId !== null && run.id === ctx.currentRunId) {
    return { trusted: false, reason: `${what} was uploaded by an earlier attempt of this workflow run` };
  }
  return { trusted: true };
}

/** Second check, once the run is fetched: only trusted events. */
export function judgeRunEvent(a: ArtifactFacts, event: string | null): TrustJudgement {
  if (event && (TRUSTED_EVENTS as readonly string[]).includes(event)) return { trusted: true };
  return {
    trusted: false,
    reason: `artifact ${a.name} #${a.id} was made by a ${event ?? 'unknown'} run; only ${TRUSTED_EVENTS.join(', ')} runs make baselines`,
  };
}

export function baselineArtifactName(suite: string): string {
  return `perfgate-baseline-${suite}`;
}
