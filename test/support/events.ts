import { createHash } from 'node:crypto';

// Webhook payload builders for the events perfgate handles, shaped like the
// parts of GitHub's payloads that @actions/github's context and our code read.
// Defaults match startFakeGitHub's defaults (octo-org/service, id 700001, main).

export interface ActionEvent {
  name: string;
  payload: Record<string, unknown>;
}

export interface EventRepository {
  owner: string;
  name: string;
  id: number;
  defaultBranch: string;
}

export const DEFAULT_REPOSITORY: EventRepository = {
  owner: 'octo-org',
  name: 'service',
  id: 700_001,
  defaultBranch: 'main',
};

/** A stable fake commit sha derived from a label, so tests can name commits. */
export function fakeSha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

export function repositoryJson(repo: EventRepository, fork = false): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: `R_kgDO${repo.id}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: false,
    fork,
    owner: { login: repo.owner, id: repo.id + 1_000_000, type: 'User' },
    html_url: `https://github.com/${repo.owner}/${repo.name}`,
    default_branch: repo.defaultBranch,
  };
}

export interface PushEventInput {
  sha?: string;
  /** Default refs/heads/<default branch>. */
  ref?: string;
  before?: string;
  repository?: EventRepository;
}

export function pushEvent(input: PushEventInput = {}): ActionEvent {
  const repository = input.repository ?? DEFAULT_REPOSITORY;
  const sha = input.sha ?? fakeSha(`push-${Date.now()}-${Math.random()}`);
  return {
    name: 'push',
    payload: {
      ref: input.ref ?? `refs/heads/${repository.defaultBranch}`,
      before: input.before ?? fakeSha(`before-${sha}`),
      after: sha,
      head_commit: { id: sha, message: 'commit', timestamp: new Date().toISOString() },
      repository: repositoryJson(repository),
      sender: { login: 'octocat', id: 583231, type: 'User' },
    },
  };
}

export interface PullRequestEventInput {
  number: number;
  headSha: string;
  baseSha?: string;
  headRef?: string;
  baseRef?: string;
  labels?: string[];
  /** The head branch lives in a fork (read-only token, artifacts never trusted). */
  fork?: boolean;
  /** Default opened; synchronize for a new push, labeled for a label change. */
  action?: string;
  repository?: EventRepository;
  /** pull_request (default) or pull_request_target. */
  eventName?: string;
}

/** Id and name of the fork a fork pull request comes from. */
export function forkOf(repository: EventRepository): EventRepository {
  return { owner: 'contributor', name: repository.name, id: repository.id + 100_000, defaultBranch: repository.defaultBranch };
}

export function pullRequestEvent(input: PullRequestEventInput): ActionEvent {
  const repository = input.repository ?? DEFAULT_REPOSITORY;
  const headRepository = input.fork ? forkOf(repository) : repository;
  const headRef = input.headRef ?? `feature-${input.number}`;
  const baseRef = input.baseRef ?? repository.defaultBranch;
  const baseSha = input.baseSha ?? fakeSha(`base-${input.number}`);
  const full = `${repository.owner}/${repository.name}`;
  return {
    name: input.eventName ?? 'pull_request',
    payload: {
      action: input.action ?? 'opened',
      number: input.number,
      pull_request: {
        id: 1_000_000 + input.number,
        number: input.number,
        html_url: `https://github.com/${full}/pull/${input.number}`,
        title: `Pull request ${input.number}`,
        state: 'open',
        user: { login: input.fork ? 'contributor' : 'octocat', id: 583231, type: 'User' },
        labels: (input.labels ?? []).map((name, i) => ({ id: 200_001 + i, name })),
        merge_commit_sha: fakeSha(`merge-${input.number}-${input.headSha}`),
        head: {
          label: `${headRepository.owner}:${headRef}`,
          ref: headRef,
          sha: input.headSha,
          repo: repositoryJson(headRepository, input.fork ?? false),
        },
        base: {
          label: `${repository.owner}:${baseRef}`,
          ref: baseRef,
          sha: baseSha,
          repo: repositoryJson(repository),
        },
      },
      repository: repositoryJson(repository),
      sender: { login: input.fork ? 'contributor' : 'octocat', id: 583231, type: 'User' },
    },
  };
}

export interface WorkflowRunEventInput {
  /** The finished run (of the pull request) that triggered this one. */
  runId: number;
  headSha: string;
  headBranch: string;
  /** Event of the triggering run; default pull_request. */
  event?: string;
  /** Pull requests GitHub lists on the run. GitHub lists none for a fork's pull request. */
  pullRequests?: { number: number; headSha: string; baseRef?: string }[];
  /** The triggering run came from a fork. */
  fork?: boolean;
  conclusion?: string;
  repository?: EventRepository;
}

/** `workflow_run` (completed), the event of the documented report pattern for forks. */
export function workflowRunEvent(input: WorkflowRunEventInput): ActionEvent {
  const repository = input.repository ?? DEFAULT_REPOSITORY;
  const headRepository = input.fork ? forkOf(repository) : repository;
  return {
    name: 'workflow_run',
    payload: {
      action: 'completed',
      workflow_run: {
        id: input.runId,
        name: 'perf',
        event: input.event ?? 'pull_request',
        status: 'completed',
        conclusion: input.conclusion ?? 'success',
        head_branch: input.headBranch,
        head_sha: input.headSha,
        run_attempt: 1,
        pull_requests: (input.pullRequests ?? []).map((pr) => ({
          number: pr.number,
          head: { ref: input.headBranch, sha: pr.headSha, repo: { id: headRepository.id } },
          base: { ref: pr.baseRef ?? repository.defaultBranch, sha: fakeSha(`base-${pr.number}`), repo: { id: repository.id } },
        })),
        repository: repositoryJson(repository),
        head_repository: repositoryJson(headRepository, input.fork ?? false),
      },
      repository: repositoryJson(repository),
      sender: { login: 'octocat', id: 583231, type: 'User' },
    },
  };
}
