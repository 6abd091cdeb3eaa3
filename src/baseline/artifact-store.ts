import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import { MAX_RESULTS_BYTES, readResultsFile } from '../results/file.js';
import type { Results } from '../results/schema.js';
import type { BaselineLookup, BaselineStore } from './store.js';
import { baselineArtifactName, judgeArtifact, judgeRunEvent, type ArtifactFacts } from './trust.js';

/** The slice of an Octokit client the store uses, so any configured client (retry, throttling) fits. */
export interface RestClient {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
}

export interface ArtifactStoreOptions {
  rest: RestClient;
  artifacts: Pick<ArtifactClient, 'uploadArtifact' | 'downloadArtifact'>;
  token: string;
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
      const first = judgeArtifact(facts, { defaultBranch: this.o.defaultBranch, repositoryId: this.o.repositoryId, now: this.o.now() });
      if (!first.trusted) {
        rejected.push(first.reason);
        continue;
      }
      tried++;
      const runId = facts.workflowRun!.id;
      const { data: run } = await this.o.rest.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
        owner: this.o.owner,
        repo: this.o.repo,
        run_id: runId,
      });
      const runData = run as { event?: string; html_url?: string; head_sha?: string };
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
        const results = await this.download(raw.id, runId);
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

  private async download(artifactId: number, runId: number): Promise<Results> {
    const dir = mkdtempSync(join(this.o.tmpDir, 'perfgate-baseline-'));
    try {
      await this.o.artifacts.downloadArtifact(artifactId, {
        path: dir,
        findBy: { token: this.o.token, workflowRunId: runId, repositoryOwner: this.o.owner, repositoryName: this.o.repo },
      });
      const file = join(dir, RESULTS_FILE_NAME);
      const files = readdirSync(dir);
      if (!files.includes(RESULTS_FILE_NAME)) throw new Error(`it holds no ${RESULTS_FILE_NAME} (found: ${files.join(', ') || 'nothing'})`);
      if (statSync(file).size > MAX_RESULTS_BYTES) throw new Error(`its ${RESULTS_FILE_NAME} is larger than ${MAX_RESULTS_BYTES} bytes`);
      return readResultsFile(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async save(results: Results): Promise<void> {
    const dir = join(this.o.tmpDir, `perfgate-upload-${this.o.suite}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, RESULTS_FILE_NAME);
    writeFileSync(file, JSON.stringify(results));
    try {
      await this.o.artifacts.uploadArtifact(this.name, [file], dir, { retentionDays: this.o.retentionDays ?? 90 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
