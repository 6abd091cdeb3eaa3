import { createHash, randomBytes } from 'node:crypto';
import { createZip } from './zip.js';

// The in-memory world the fake GitHub server answers from. Tests seed it with
// the add* methods and inspect it afterwards; the HTTP layer only reads and
// mutates it through these methods, so what a test sees is what a client saw.

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  fork: boolean;
}

export interface RunRecord {
  id: number;
  repositoryId: number;
  headRepositoryId: number;
  headBranch: string;
  headSha: string;
  event: string;
  status: string;
  conclusion: string | null;
  runAttempt: number;
  createdAt: string;
  /** When the latest attempt started: createdAt, until a re-run starts a later attempt. */
  runStartedAt: string;
}

export interface ArtifactWorkflowRun {
  id: number;
  repositoryId: number;
  headRepositoryId: number;
  headBranch: string;
  headSha: string;
}

export interface ArtifactRecord {
  id: number;
  name: string;
  repositoryId: number;
  sizeInBytes: number;
  /** `sha256:<hex>` of the zip, as the REST API reports it. */
  digest: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  /** Set by a test; an artifact whose expiresAt has passed is expired as well. */
  expired: boolean;
  workflowRun: ArtifactWorkflowRun;
  /** Backend job id of the upload (from the runtime token), "0" when seeded. */
  jobId: string;
  zip: Buffer;
  /** Query secret of the blob download URL. */
  downloadSig: string;
}

export interface UserRecord {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface CommentRecord {
  id: number;
  repositoryId: number;
  issueNumber: number;
  body: string;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface PullRecord {
  number: number;
  repositoryId: number;
  headRepositoryId: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  title: string;
  user: UserRecord;
  labels: string[];
  state: 'open' | 'closed';
}

export const BOT_USER: UserRecord = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const HUMAN_USER: UserRecord = { login: 'octocat', id: 583231, type: 'User' };

/**
 * Who a token acts as. GITHUB_TOKEN and a GitHub App's token are installation tokens: they write as
 * the app's bot, and `GET /user` refuses them (403); a personal access token acts as its user.
 */
export interface TokenIdentity {
  user: UserRecord;
  installation: boolean;
}

export interface AddRepoInput {
  owner: string;
  name: string;
  id?: number;
  defaultBranch?: string;
  fork?: boolean;
}

export interface AddRunInput {
  id?: number;
  /** Repository the run belongs to; default: the main repository. */
  repositoryId?: number;
  /** A fork's id for runs of fork pull requests; default: repositoryId. */
  headRepositoryId?: number;
  headBranch?: string;
  headSha?: string;
  /** push, pull_request, schedule, workflow_dispatch, workflow_run ... default push. */
  event?: string;
  status?: string;
  conclusion?: string | null;
  runAttempt?: number;
  createdAt?: Date | string;
}

export interface AddArtifactInput {
  name: string;
  /** The run that uploaded it; must have been added first. */
  runId: number;
  /** Contents of a single file, zipped under `fileName`. */
  content?: Buffer | string;
  /** Default perfgate-results.json. */
  fileName?: string;
  /** Several files to zip instead of `content`. */
  files?: Record<string, Buffer | string>;
  /** Raw archive bytes (e.g. a corrupt one) instead of `content` or `files`. */
  zip?: Buffer;
  createdAt?: Date | string;
  /** Default createdAt + 90 days. */
  expiresAt?: Date | string;
  expired?: boolean;
}

export interface AddPullInput {
  number: number;
  headSha: string;
  headRef?: string;
  baseRef?: string;
  baseSha?: string;
  /** Id of the head repository; default the main repository. */
  headRepositoryId?: number;
  labels?: string[];
  title?: string;
  user?: UserRecord;
}

export interface AddCommentInput {
  body: string;
  user?: UserRecord;
  createdAt?: Date | string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function iso(value: Date | string | undefined, fallback: Date): string {
  if (value === undefined) return fallback.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new Error(`fake-github: invalid date ${String(value)}`);
  // GitHub timestamps have no milliseconds.
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function randomSig(): string {
  return randomBytes(12).toString('hex');
}

export class FakeState {
  readonly repos: RepoRecord[] = [];
  readonly runs: RunRecord[] = [];
  readonly artifacts: ArtifactRecord[] = [];
  readonly comments: CommentRecord[] = [];
  readonly pulls: PullRecord[] = [];
  readonly labelIds = new Map<string, number>();
  /** Branch tips by `<repository id>/<branch>`; a branch not set here is unknown (404). */
  readonly branchTips = new Map<string, string>();

  // Different ranges per kind, so that passing a run id where an artifact id is
  // expected finds nothing instead of a wrong record.
  private nextRepoId = 700_001;
  private nextRunId = 9_000_001;
  private nextArtifactId = 3_000_001;
  private nextCommentId = 1_500_000_001;
  private nextLabelId = 200_001;

  constructor(readonly now: () => Date) {}

  addRepo(input: AddRepoInput): RepoRecord {
    const id = input.id ?? this.nextRepoId++;
    if (this.repoById(id)) throw new Error(`fake-github: repository id ${id} exists already`);
    const repo: RepoRecord = {
      id,
      owner: input.owner,
      name: input.name,
      defaultBranch: input.defaultBranch ?? 'main',
      fork: input.fork ?? false,
    };
    this.repos.push(repo);
    return repo;
  }

  repoById(id: number): RepoRecord | undefined {
    return this.repos.find((r) => r.id === id);
  }

  repoByName(owner: string, name: string): RepoRecord | undefined {
    // GitHub resolves owner and repository names case-insensitively.
    return this.repos.find(
      (r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase(),
    );
  }

  addRun(input: AddRunInput, defaultRepo: RepoRecord): RunRecord {
    const id = input.id ?? this.nextRunId++;
    if (this.runById(id)) throw new Error(`fake-github: workflow run ${id} exists already`);
    const repositoryId = input.repositoryId ?? defaultRepo.id;
    const repo = this.repoById(repositoryId);
    if (!repo) throw new Error(`fake-github: addRun: unknown repositoryId ${repositoryId}; add the repository first`);
    const createdAt = iso(input.createdAt, this.now());
    const run: RunRecord = {
      id,
      repositoryId,
      headRepositoryId: input.headRepositoryId ?? repositoryId,
      headBranch: input.headBranch ?? repo.defaultBranch,
      headSha: input.headSha ?? randomBytes(20).toString('hex'),
      event: input.event ?? 'push',
      status: input.status ?? 'completed',
      conclusion: input.conclusion === undefined ? 'success' : input.conclusion,
      runAttempt: input.runAttempt ?? 1,
      createdAt,
      runStartedAt: createdAt,
    };
    this.runs.push(run);
    return run;
  }

  runById(id: number): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /**
   * "Re-run jobs": the same run id, the next attempt, started now. Artifacts of earlier attempts
   * stay on the run, as on GitHub.
   */
  rerun(id: number): RunRecord {
    const run = this.runById(id);
    if (!run) throw new Error(`fake-github: rerun: unknown run ${id}; call addRun first`);
    run.runAttempt++;
    run.runStartedAt = iso(undefined, this.now());
    run.status = 'in_progress';
    run.conclusion = null;
    return run;
  }

  /** Stores an artifact of a run; used both by seeding and by a finalized upload. */
  storeArtifact(
    run: RunRecord,
    name: string,
    zip: Buffer,
    opts: { createdAt?: Date | string; expiresAt?: Date | string; expired?: boolean; jobId?: string } = {},
  ): ArtifactRecord {
    const createdAt = iso(opts.createdAt, this.now());
    const artifact: ArtifactRecord = {
      id: this.nextArtifactId++,
      name,
      repositoryId: run.repositoryId,
      sizeInBytes: zip.length,
      digest: sha256Digest(zip),
      createdAt,
      updatedAt: createdAt,
      expiresAt: iso(opts.expiresAt, new Date(new Date(createdAt).getTime() + 90 * DAY_MS)),
      expired: opts.expired ?? false,
      workflowRun: {
        id: run.id,
        repositoryId: run.repositoryId,
        headRepositoryId: run.headRepositoryId,
        headBranch: run.headBranch,
        headSha: run.headSha,
      },
      jobId: opts.jobId ?? '0',
      zip,
      downloadSig: randomSig(),
    };
    this.artifacts.push(artifact);
    return artifact;
  }

  addArtifact(input: AddArtifactInput): ArtifactRecord {
    const run = this.runById(input.runId);
    if (!run) throw new Error(`fake-github: addArtifact: unknown runId ${input.runId}; call addRun first`);
    const sources = [input.content, input.files, input.zip].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      throw new Error(`fake-github: addArtifact '${input.name}': give exactly one of content, files or zip (got ${sources})`);
    }
    let zip: Buffer;
    if (input.zip) zip = input.zip;
    else if (input.files) zip = createZip(input.files);
    else zip = createZip({ [input.fileName ?? 'perfgate-results.json']: input.content ?? '' });
    return this.storeArtifact(run, input.name, zip, input);
  }

  isExpired(artifact: ArtifactRecord): boolean {
    return artifact.expired || new Date(artifact.expiresAt).getTime() <= this.now().getTime();
  }

  /** Artifacts of a repository, newest first (ties: higher id first). */
  artifactsOf(repositoryId: number): ArtifactRecord[] {
    return this.artifacts
      .filter((a) => a.repositoryId === repositoryId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  }

  artifactById(id: number): ArtifactRecord | undefined {
    return this.artifacts.find((a) => a.id === id);
  }

  addPull(input: AddPullInput, repo: RepoRecord): PullRecord {
    if (this.pull(repo.id, input.number)) {
      throw new Error(`fake-github: pull request #${input.number} exists already in ${repo.owner}/${repo.name}`);
    }
    const pull: PullRecord = {
      number: input.number,
      repositoryId: repo.id,
      headRepositoryId: input.headRepositoryId ?? repo.id,
      headRef: input.headRef ?? `feature-${input.number}`,
      headSha: input.headSha,
      baseRef: input.baseRef ?? repo.defaultBranch,
      baseSha: input.baseSha ?? randomBytes(20).toString('hex'),
      title: input.title ?? `Pull request ${input.number}`,
      user: input.user ?? HUMAN_USER,
      labels: [...(input.labels ?? [])],
      state: 'open',
    };
    this.pulls.push(pull);
    return pull;
  }

  pull(repositoryId: number, number: number): PullRecord | undefined {
    return this.pulls.find((p) => p.repositoryId === repositoryId && p.number === number);
  }

  setBranch(repositoryId: number, name: string, sha: string): void {
    this.branchTips.set(`${repositoryId}/${name}`, sha);
  }

  branchTip(repositoryId: number, name: string): string | undefined {
    return this.branchTips.get(`${repositoryId}/${name}`);
  }

  labelId(name: string): number {
    let id = this.labelIds.get(name);
    if (id === undefined) {
      id = this.nextLabelId++;
      this.labelIds.set(name, id);
    }
    return id;
  }

  addComment(repositoryId: number, issueNumber: number, input: AddCommentInput): CommentRecord {
    const createdAt = iso(input.createdAt, this.now());
    const comment: CommentRecord = {
      id: this.nextCommentId++,
      repositoryId,
      issueNumber,
      body: input.body,
      user: input.user ?? HUMAN_USER,
      createdAt,
      updatedAt: createdAt,
    };
    this.comments.push(comment);
    return comment;
  }

  commentsOf(repositoryId: number, issueNumber: number): CommentRecord[] {
    // GitHub lists issue comments oldest first, in id order.
    return this.comments
      .filter((c) => c.repositoryId === repositoryId && c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id);
  }

  commentById(repositoryId: number, id: number): CommentRecord | undefined {
    return this.comments.find((c) => c.repositoryId === repositoryId && c.id === id);
  }

  updateComment(comment: CommentRecord, body: string): void {
    comment.body = body;
    comment.updatedAt = iso(undefined, this.now());
  }
}
