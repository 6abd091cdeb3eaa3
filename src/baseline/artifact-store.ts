import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import { MAX_RESULTS_BYTES, parseResultsText } from '../results/file.js';
import type { Results } from '../results/schema.js';
import type { BaselineLookup, BaselineStore } from './store.js';
import { baselineArtifactName, judgeArtifact, judgeRunEvent, type ArtifactFacts } from './trust.js';
import { readZipEntry, zipEntryNames } from './zip.js';

/** The slice of an Octokit client the store uses, so any configured client (retry, throttling) fits. */
export interface RestClient {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
}

/** Uploads files as an artifact of the current workflow run (the action's, see github/run-artifacts.ts). */
export type ArtifactUploader = (name: string, files: string[], rootDirectory: string, retentionDays: number) => Promise<void>;

/** Where a candidate's archive comes from: the artifact client in the action, plain REST in the CLI. */
export type ArchiveFetcher = (artifact: { id: number; runId: number; digest: string | null }) => Promise<Buffer>;

export interface ArtifactStoreOptions {
  rest: RestClient;
  fetchArchive: ArchiveFetcher;
  /** Uploads a new baseline; absent where nothing is ever saved (the CLI's fetch). */
  upload?: ArtifactUploader;
  /** The workflow run looking up (and saving) a baseline: its own earlier attempts never serve as one. */
  currentRunId?: number | null;
  owner: string;
  repo: string;
  repositoryId: number;
  defaultBranch: string;
  serverUrl: string;
  suite: string;
  tmpDir: string;
  retentionDays?: number;
  now(): string;
}

/** How many trusted-looking candidates are tried before giving up (older ones are rarely better). */
const MAX_CANDIDATES = 5;
export const RESULTS_FILE_NAME = 'perfgate-results.json';

interface RestArtifact {
  id: number;
  name: string;
  expired: boolean;
  expires_at: string | null;
  created_at: string | null;
  size_in_bytes?: number;
  /** `sha256:<hex>` of the archive, recorded at upload (absent on older artifacts). */
  digest?: string | null;
  workflow_run?: { id: number; head_branch: string | null; head_sha: string | null; repository_id: number | null; head_repository_id: number | null } | null;
}

export function artifactFacts(a: RestArtifact): ArtifactFacts {
  const run = a.workflow_run;
  return {
    id: a.id,
    name: a.name,
    expired: a.expired,
    expiresAt: a.expires_at,
    createdAt: a.created_at,
    workflowRun: run
      ? { id: run.id, headBranch: run.head_branch, headSha: run.head_sha, repositoryId: run.repository_id ?? null, headRepositoryId: run.head_repository_id ?? null }
      : null,
  };
}

/**
 * Baselines kept as workflow artifacts (perfgate-baseline-<suite>). Loading looks through the
 * artifacts of that name newest first and takes the first one that passes the trust rules and
 * validates; every candidate passed over is reported with its reason.
 */
export class ArtifactStore implements BaselineStore {
  constructor(private readonly o: ArtifactStoreOptions) {}

  get name(): string {
    return baselineArtifactName(this.o.suite);
  }

  async load(): Promise<BaselineLookup> {
    const rejected: string[] = [];
    const { data } = await this.o.rest.request('GET /repos/{owner}/{repo}/actions/artifacts', {
      owner: this.o.owner,
      repo: this.o.repo,
      name: this.name,
      per_page: 100,
    });
    const listed = ((data as { artifacts?: RestArtifact[] }).artifacts ?? []).filter((a) => a.name === this.name);
    listed.sort((a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? '') || b.id - a.id);
    if (listed.length === 0) {
      return { results: null, reason: `no artifact named ${this.name} exists yet; a push to ${this.o.defaultBranch} that runs perfgate creates it`, rejected };
    }

    let tried = 0;
    for (const raw of listed) {
      if (tried >= MAX_CANDIDATES) break;
      const facts = artifactFacts(raw);
      const first = judgeArtifact(facts, {
        defaultBranch: this.o.defaultBranch,
        repositoryId: this.o.repositoryId,
        now: this.o.now(),
        currentRunId: this.o.currentRunId ?? null,
      });
      if (!first.trusted) {
        rejected.push(first.reason);
        continue;
      }
      tried++;
      const runId = facts.workflowRun!.id;
      let runData: { event?: string; html_url?: string };
      try {
        const { data: run } = await this.o.rest.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
          owner: this.o.owner,
          repo: this.o.repo,
          run_id: runId,
        });
        runData = run as typeof runData;
      } catch (e) {
        rejected.push(`artifact ${this.name} #${raw.id}: its workflow run ${runId} could not be read (${(e as Error).message})`);
        continue;
      }
      const second = judgeRunEvent(facts, runData.event ?? null);
      if (!second.trusted) {
        rejected.push(second.reason);
        continue;
      }
      if (raw.size_in_bytes !== undefined && raw.size_in_bytes > MAX_RESULTS_BYTES) {
        rejected.push(`artifact ${this.name} #${raw.id} is ${raw.size_in_bytes} bytes, more than a results file may have`);
        continue;
      }
      try {
        const results = await this.download(raw, runId);
        return {
          results,
          provenance: {
            commit: facts.workflowRun!.headSha ?? results.git.sha,
            runUrl: runData.html_url ?? `${this.o.serverUrl}/${this.o.owner}/${this.o.repo}/actions/runs/${runId}`,
            createdAt: facts.createdAt ?? results.createdAt,
            artifactId: raw.id,
          },
          rejected,
        };
      } catch (e) {
        rejected.push(`artifact ${this.name} #${raw.id} could not be used: ${(e as Error).message}`);
      }
    }
    return {
      results: null,
      reason: `no trusted baseline found among ${listed.length} artifact${listed.length === 1 ? '' : 's'} named ${this.name}: ${rejected.join('; ')}`,
      rejected,
    };
  }

  private async download(raw: RestArtifact, runId: number): Promise<Results> {
    const zip = await this.o.fetchArchive({ id: raw.id, runId, digest: raw.digest ?? null });
    const file = readZipEntry(zip, RESULTS_FILE_NAME, MAX_RESULTS_BYTES);
    if (!file) throw new Error(`it holds no ${RESULTS_FILE_NAME} (found: ${zipEntryNames(zip).join(', ') || 'nothing'})`);
    const results = parseResultsText(file.toString('utf8'), RESULTS_FILE_NAME);
    if (results.suite !== this.o.suite) throw new Error(`its results are of suite "${results.suite}", not "${this.o.suite}"`);
    return results;
  }

  async save(results: Results): Promise<void> {
    const dir = join(this.o.tmpDir, `perfgate-upload-${this.o.suite}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, RESULTS_FILE_NAME);
    writeFileSync(file, JSON.stringify(results));
    try {
      if (!this.o.upload) throw new Error(`cannot save ${this.name}: this store has no artifact client to upload with`);
      await this.o.upload(this.name, [file], dir, this.o.retentionDays ?? 90);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Fetches archives with @actions/artifact's cross-run download (`findBy`, needs `actions: read`),
 * unopened (see zip.ts for why), checked against the digest GitHub recorded at upload. The client's
 * REST call has no retries of its own, and a transient 502 must not make an older baseline win, so
 * a failed download is tried again (`attempts` in all, waiting retryBaseMs × attempt² between).
 */
export function artifactClientFetcher(
  artifacts: Pick<ArtifactClient, 'downloadArtifact'>,
  o: { token: string; owner: string; repo: string; tmpDir: string; attempts?: number; retryBaseMs?: number },
): ArchiveFetcher {
  const once: ArchiveFetcher = async ({ id, runId, digest }) => {
    const dir = mkdtempSync(join(o.tmpDir, 'perfgate-artifact-'));
    try {
      const { digestMismatch } = await artifacts.downloadArtifact(id, {
        path: dir,
        skipDecompress: true,
        ...(digest ? { expectedHash: digest } : {}),
        findBy: { token: o.token, workflowRunId: runId, repositoryOwner: o.owner, repositoryName: o.repo },
      });
      if (digestMismatch) throw new Error(`the downloaded archive does not match the digest ${digest} recorded at upload`);
      const files = readdirSync(dir);
      if (files.length !== 1) throw new Error(`the download left ${files.length} files instead of one archive`);
      const path = join(dir, files[0]!);
      const size = statSync(path).size;
      if (size > MAX_RESULTS_BYTES) throw new Error(`the archive is ${size} bytes, more than the ${MAX_RESULTS_BYTES} a results artifact may have`);
      return readFileSync(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const attempts = o.attempts ?? 3;
  const base = o.retryBaseMs ?? 1000;
  return async (artifact) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(artifact);
      } catch (e) {
        if (attempt >= attempts) throw e;
        await new Promise((r) => setTimeout(r, base * attempt * attempt));
      }
    }
  };
}

/**
 * Fetches archives over REST alone (`GET .../artifacts/{id}/zip`, which redirects to the blob), for
 * the CLI: no runner, no temp files, nothing printed.
 */
export function restFetcher(rest: RestClient, o: { owner: string; repo: string }): ArchiveFetcher {
  return async ({ id, digest }) => {
    const { data } = await rest.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      owner: o.owner,
      repo: o.repo,
      artifact_id: id,
      archive_format: 'zip',
    });
    if (!(data instanceof ArrayBuffer)) throw new Error('the download did not answer with an archive');
    const zip = Buffer.from(data);
    if (zip.length > MAX_RESULTS_BYTES) throw new Error(`the archive is ${zip.length} bytes, more than the ${MAX_RESULTS_BYTES} a results artifact may have`);
    if (digest && `sha256:${createHash('sha256').update(zip).digest('hex')}` !== digest) {
      throw new Error(`the downloaded archive does not match the digest ${digest} recorded at upload`);
    }
    return zip;
  };
}
