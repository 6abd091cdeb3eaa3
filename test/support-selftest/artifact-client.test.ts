import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { runClient } from './run-client.js';

let fake: FakeGitHub;
let dir: string;

beforeEach(async () => {
  fake = await startFakeGitHub();
  dir = await mkdtemp(join(tmpdir(), 'fake-github-selftest-'));
});
afterEach(async () => {
  await fake.close();
});

function env(runId: number): Record<string, string> {
  return { ...fake.clientEnv({ runId, jobId: 7 }), GITHUB_WORKSPACE: dir, FAKE_TOKEN: fake.token };
}

describe('the real @actions/artifact client against the fake', () => {
  it('uploads a file: the fake holds a zip of it, tied to the run from the token', async () => {
    const run = fake.addRun({ headBranch: 'main', headSha: 'a'.repeat(40), event: 'push' });
    const content = JSON.stringify({ schemaVersion: 1, hello: 'world' });
    await writeFile(join(dir, 'perfgate-results.json'), content);

    const upload = await runClient(
      'upload-artifact.mjs',
      ['perfgate-baseline-default', dir, join(dir, 'perfgate-results.json')],
      env(run.id),
    );

    expect(upload.stderr).toBe('');
    expect(upload.code).toBe(0);
    const [artifact] = fake.artifacts('perfgate-baseline-default');
    expect(artifact).toBeDefined();
    expect(upload.result).toMatchObject({ id: artifact?.id, size: artifact?.sizeInBytes });
    expect(artifact?.workflowRun).toEqual({
      id: run.id,
      repositoryId: fake.repo.id,
      headRepositoryId: fake.repo.id,
      headBranch: 'main',
      headSha: 'a'.repeat(40),
    });
    expect(artifact?.jobId).toBe('7');
    const files = fake.artifactFiles(artifact?.id ?? 0);
    expect(Object.keys(files)).toEqual(['perfgate-results.json']);
    expect(files['perfgate-results.json']?.toString('utf8')).toBe(content);
    expect(fake.uploads[0]).toMatchObject({ mimeType: 'application/zip', version: 7, blockCount: 1 });
    expect(fake.uploads[0]?.hash).toBe(artifact?.digest);
    expect(fake.unhandled()).toEqual([]);
  });

  it('downloads from another run, through the REST zip redirect, both an uploaded and a seeded artifact', async () => {
    const uploader = fake.addRun({ headBranch: 'main', event: 'push' });
    const content = JSON.stringify({ schemaVersion: 1, value: 42 });
    await writeFile(join(dir, 'perfgate-results.json'), content);
    const upload = await runClient('upload-artifact.mjs', ['baseline', dir, join(dir, 'perfgate-results.json')], env(uploader.id));
    expect(upload.code).toBe(0);
    const uploadedId = (upload.result as { id: number }).id;
    // Our zip writer's stored entries must unpack with the client's unzipper too.
    const seeded = fake.addArtifact({ name: 'seeded', runId: uploader.id, content: '{"seeded":true}' });

    const downloader = fake.addRun({ headBranch: 'feature', event: 'pull_request' });
    const download = await runClient(
      'download-artifact.mjs',
      [
        `${fake.repo.owner}/${fake.repo.name}`,
        String(uploader.id),
        `${uploadedId}=${join(dir, 'uploaded')}`,
        `${seeded.id}=${join(dir, 'seeded')}`,
      ],
      env(downloader.id),
    );

    expect(download.stderr).toBe('');
    expect(download.code).toBe(0);
    expect(await readFile(join(dir, 'uploaded', 'perfgate-results.json'), 'utf8')).toBe(content);
    expect(await readFile(join(dir, 'seeded', 'perfgate-results.json'), 'utf8')).toBe('{"seeded":true}');
    const zipRequest = fake.requests.find((r) => r.path.endsWith(`/actions/artifacts/${uploadedId}/zip`));
    expect(zipRequest?.status).toBe(302);
    expect(zipRequest?.headers.authorization).toBe(`token ${fake.token}`);
    const blobGets = fake.requests.filter((r) => r.method === 'GET' && r.kind === 'blob');
    expect(blobGets.map((r) => r.status)).toEqual([200, 200]);
  });

  it('retries a blob block PUT answered 503 and still finalizes the upload', async () => {
    const run = fake.addRun();
    await writeFile(join(dir, 'perfgate-results.json'), 'retried');
    const fault = fake.fail({ method: 'PUT', kind: 'blob', path: /upload-/ }, { status: 503 });

    const upload = await runClient('upload-artifact.mjs', ['retried', dir, join(dir, 'perfgate-results.json')], env(run.id));

    expect(upload.code).toBe(0);
    expect(fault.hits).toBe(1);
    const blobPuts = fake.requests.filter((r) => r.kind === 'blob' && r.method === 'PUT');
    expect(blobPuts.map((r) => r.status)).toEqual([503, 201, 201]);
    const [artifact] = fake.artifacts('retried');
    expect(fake.artifactFiles(artifact?.id ?? 0)['perfgate-results.json']?.toString()).toBe('retried');
  });

  it('fails at once, without retrying, when an artifact of that name exists on the run', async () => {
    const run = fake.addRun();
    fake.addArtifact({ name: 'taken', runId: run.id, content: 'x' });
    await writeFile(join(dir, 'perfgate-results.json'), 'y');

    const upload = await runClient('upload-artifact.mjs', ['taken', dir, join(dir, 'perfgate-results.json')], env(run.id));

    expect(upload.code).not.toBe(0);
    expect(upload.stderr).toContain('already exists');
    expect(fake.requests.filter((r) => r.kind === 'twirp').map((r) => r.status)).toEqual([409]);
  });

  it("deletes an earlier job's artifact of the run by name with the runtime token, after which the name is free again", async () => {
    const run = fake.addRun();
    await writeFile(join(dir, 'perfgate-results.json'), 'first attempt');
    const first = await runClient('upload-artifact.mjs', ['again', dir, join(dir, 'perfgate-results.json')], env(run.id));
    expect(first.code).toBe(0);
    const [earlier] = fake.artifacts('again');
    expect(earlier?.jobId).toBe('7');

    // A re-run's job has a token of its own; the client names the uploading job when it deletes.
    const rerunEnv = { ...env(run.id), ...fake.clientEnv({ runId: run.id, jobId: 8 }) };
    const deleted = await runClient('delete-artifact.mjs', ['again'], rerunEnv);
    expect(deleted.stderr).toBe('');
    expect(deleted.result).toEqual({ id: earlier?.id });
    expect(fake.artifacts('again')).toEqual([]);
    const twirp = fake.requests.filter((r) => r.kind === 'twirp');
    expect(twirp.slice(-2).map((r) => [r.path.split('/').pop(), JSON.parse(r.body.toString()) as unknown, r.status])).toEqual([
      ['ListArtifacts', { workflow_run_backend_id: String(run.id), workflow_job_run_backend_id: '8', name_filter: 'again' }, 200],
      ['DeleteArtifact', { workflow_run_backend_id: String(run.id), workflow_job_run_backend_id: '7', name: 'again' }, 200],
    ]);

    await writeFile(join(dir, 'perfgate-results.json'), 'second attempt');
    const second = await runClient('upload-artifact.mjs', ['again', dir, join(dir, 'perfgate-results.json')], rerunEnv);
    expect(second.code).toBe(0);
    const [replaced] = fake.artifacts('again');
    expect(fake.artifactFiles(replaced?.id ?? 0)['perfgate-results.json']?.toString()).toBe('second attempt');
  });

  it('refuses a twirp call whose run does not match the runtime token', async () => {
    const run = fake.addRun();
    const response = await fetch(`${fake.url}/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${fake.clientEnv({ runId: run.id }).ACTIONS_RUNTIME_TOKEN}`,
      },
      body: JSON.stringify({ workflow_run_backend_id: '1', workflow_job_run_backend_id: '1' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'permission_denied' });
  });
});
