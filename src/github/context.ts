import { TRUSTED_EVENTS } from '../baseline/trust.js';

/** What the action needs to know about the event that started it, read from the payload once. */
export interface EventInfo {
  eventName: string;
  kind: 'trusted-push' | 'pull-request' | 'workflow-run' | 'other';
  owner: string;
  repo: string;
  repositoryId: number | null;
  defaultBranch: string | null;
  sha: string;
  ref: string;
  runId: string;
  /** GITHUB_RUN_ATTEMPT: 1, then 2, 3 ... for each "Re-run jobs" of the same run id. */
  runAttempt: number;
  serverUrl: string;
  pullRequest: { number: number; headSha: string; baseSha: string; baseRef: string; labels: string[]; fromFork: boolean } | null;
  workflowRun: { id: number; headSha: string; event: string; pullRequestNumbers: number[]; headBranch: string | null } | null;
}

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function readEvent(env: NodeJS.ProcessEnv, eventName: string, payload: Payload): EventInfo {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const repository = payload.repository ?? {};
  const defaultBranch: string | null = repository.default_branch ?? null;
  const ref = env.GITHUB_REF ?? '';
  const pr = payload.pull_request;
  const wr = payload.workflow_run;
  const repositoryId = Number(repository.id ?? env.GITHUB_REPOSITORY_ID ?? NaN);

  let kind: EventInfo['kind'] = 'other';
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && pr) kind = 'pull-request';
  else if (eventName === 'workflow_run' && wr) kind = 'workflow-run';
  else if ((TRUSTED_EVENTS as readonly string[]).includes(eventName) && defaultBranch !== null && ref === `refs/heads/${defaultBranch}`) {
    kind = 'trusted-push';
  }

  return {
    eventName,
    kind,
    owner,
    repo,
    repositoryId: Number.isFinite(repositoryId) ? repositoryId : null,
    defaultBranch,
    sha: env.GITHUB_SHA ?? '',
    ref,
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: /^[1-9]\d*$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? Number(env.GITHUB_RUN_ATTEMPT) : 1,
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    pullRequest: pr
      ? {
          number: Number(pr.number ?? payload.number),
          headSha: String(pr.head?.sha ?? ''),
          baseSha: String(pr.base?.sha ?? ''),
          baseRef: String(pr.base?.ref ?? ''),
          labels: Array.isArray(pr.labels) ? pr.labels.map((l: { name?: string }) => String(l.name ?? '')) : [],
          fromFork: Boolean(pr.head?.repo && pr.base?.repo && pr.head.repo.id !== pr.base.repo.id),
        }
      : null,
    workflowRun: wr
      ? {
          id: Number(wr.id),
          headSha: String(wr.head_sha ?? ''),
          event: String(wr.event ?? ''),
          pullRequestNumbers: Array.isArray(wr.pull_requests) ? wr.pull_requests.map((p: { number: number }) => Number(p.number)) : [],
          headBranch: wr.head_branch ?? null,
        }
      : null,
  };
}
