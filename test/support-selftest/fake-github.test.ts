import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.js';
import { createZip, makeRuntimeToken, parseRuntimeToken, readZip, startFakeGitHub } from '../support/fake-github.js';
import { crc32 } from '../support/zip.js';

let fake: FakeGitHub;
let now = new Date('2025-06-01T12:00:00Z');
beforeEach(async () => {
  now = new Date('2025-06-01T12:00:00Z');
  fake = await startFakeGitHub({ now: () => now });
});
afterEach(async () => {
  await fake.close();
});

async function get(path: string, token = fake.token): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${fake.url}${path}`, { headers: { authorization: `token ${token}` }, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
}

describe('zip', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('reads back what it writes, and names what is wrong with a non-zip', () => {
    const zip = createZip({ 'perfgate-results.json': '{"a":1}', 'dir/b.bin': Buffer.from([0, 255, 7]) });
    expect(readZip(zip)).toEqual({ 'perfgate-results.json': Buffer.from('{"a":1}'), 'dir/b.bin': Buffer.from([0, 255, 7]) });
    expect(() => readZip(Buffer.from('not a zip at all, clearly not'))).toThrow(/no end of central directory/);
  });
});

describe('runtime token', () => {
  it('carries the run and job in the Actions.Results scope', () => {
    expect(parseRuntimeToken(makeRuntimeToken(123, 'job-9'))).toEqual({ runId: '123', jobId: 'job-9' });
    expect(parseRuntimeToken('a.b.c')).toBeUndefined();
  });
});

describe('REST state', () => {
  it('lists artifacts newest first with total_count, name filter, pagination and expiry', async () => {
    const run = fake.addRun({ headBranch: 'main', event: 'push' });
    const names = ['perfgate-baseline-default', 'other', 'perfgate-baseline-default'];
    const ids = names.map((name, i) =>
      fake.addArtifact({ name, runId: run.id, content: `{"i":${i}}`, createdAt: new Date(now.getTime() - (3 - i) * 60_000) }).id,
    );
    const expired = fake.addArtifact({ name: 'old', runId: run.id, content: '{}', expired: true });

    const filtered = await get('/repos/octo-org/service/actions/artifacts?name=perfgate-baseline-default');
    expect(filtered.body).toMatchObject({ total_count: 2, artifacts: [{ id: ids[2] }, { id: ids[0] }] });
    const page2 = await get('/repos/octo-org/service/actions/artifacts?per_page=2&page=2');
    expect(page2.body).toMatchObject({ total_count: 4, artifacts: [{ id: ids[1] }, { id: ids[0] }] });
    expect(page2.headers.get('link')).toContain('rel="prev"');
    const old = await get(`/repos/octo-org/service/actions/artifacts/${expired.id}`);
    expect(old.body).toMatchObject({ expired: true, name: 'old' });
    expect((await get(`/repos/octo-org/service/actions/artifacts/${expired.id}/zip`)).status).toBe(410);

    // Passing expires_at also expires an artifact.
    now = new Date(now.getTime() + 91 * 24 * 3600 * 1000);
    expect((await get(`/repos/octo-org/service/actions/artifacts/${ids[0]}`)).body).toMatchObject({ expired: true });
  });

  it('describes a fork run and its artifact with the fork as head repository', async () => {
    const fork = fake.addRepo({ owner: 'contributor', name: 'service', fork: true });
    const run = fake.addRun({ headBranch: 'main', event: 'pull_request', headRepositoryId: fork.id, headSha: 'e'.repeat(40) });
    const artifact = fake.addArtifact({ name: 'perfgate-baseline-default', runId: run.id, content: '{}' });

    const runJson = await get(`/repos/octo-org/service/actions/runs/${run.id}`);
    expect(runJson.body).toMatchObject({
      id: run.id,
      event: 'pull_request',
      head_branch: 'main',
      head_sha: 'e'.repeat(40),
      repository: { id: fake.repo.id, full_name: 'octo-org/service' },
      head_repository: { id: fork.id, full_name: 'contributor/service', fork: true },
    });
    const artifactJson = await get(`/repos/octo-org/service/actions/artifacts/${artifact.id}`);
    expect(artifactJson.body).toMatchObject({
      workflow_run: { id: run.id, repository_id: fake.repo.id, head_repository_id: fork.id, head_branch: 'main' },
      digest: artifact.digest,
      size_in_bytes: artifact.sizeInBytes,
    });
    const runArtifacts = await get(`/repos/octo-org/service/actions/runs/${run.id}/artifacts`);
    expect(runArtifacts.body).toMatchObject({ total_count: 1, artifacts: [{ id: artifact.id }] });
  });

  it('redirects an artifact download to a signed blob URL that serves application/zip', async () => {
    const run = fake.addRun();
    const artifact = fake.addArtifact({ name: 'a', runId: run.id, content: 'zip me' });
    const redirect = await get(`/repos/octo-org/service/actions/artifacts/${artifact.id}/zip`);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    const blob = await fetch(location);
    expect(blob.headers.get('content-type')).toBe('application/zip');
    expect(readZip(Buffer.from(await blob.arrayBuffer()))['perfgate-results.json']?.toString()).toBe('zip me');
    const unsigned = await fetch(location.replace(/sig=[^&]+/, 'sig=forged'));
    expect(unsigned.status).toBe(403);
  });

  it('serves the pull request with labels and the label list', async () => {
    fake.addPull({ number: 5, headSha: 'f'.repeat(40), labels: ['a'] });
    fake.setLabels(5, ['perf-regression-accepted', 'b']);
    expect((await get('/repos/octo-org/service/pulls/5')).body).toMatchObject({
      number: 5,
      head: { sha: 'f'.repeat(40), ref: 'feature-5', repo: { id: fake.repo.id } },
      base: { ref: 'main' },
      labels: [{ name: 'perf-regression-accepted' }, { name: 'b' }],
    });
    const labels = (await get('/repos/octo-org/service/issues/5/labels')).body as { name: string }[];
    expect(labels.map((l) => l.name)).toEqual(['perf-regression-accepted', 'b']);
    expect((await get('/repos/octo-org/service/issues/6/comments')).status).toBe(404);
  });

  it('serves the tip of a branch that was set, 404 for one that was not', async () => {
    fake.setBranch('release/1.x', 'a'.repeat(40));
    const found = await get('/repos/octo-org/service/branches/release%2F1.x');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ name: 'release/1.x', commit: { sha: 'a'.repeat(40) } });
    const missing = await get('/repos/octo-org/service/branches/main');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ message: 'Branch not found' });
  });

  it('answers 401 to a wrong token and records unknown routes', async () => {
    expect((await get('/repos/octo-org/service', 'ghs_other')).status).toBe(401);
    expect((await get('/repos/octo-org/service/deployments')).status).toBe(404);
    expect(fake.unhandled().map((r) => r.path)).toEqual(['/repos/octo-org/service/deployments']);
  });
});

describe('token identities', () => {
  async function post(path: string, token: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('GET /user refuses installation tokens and names the user of a personal one; GraphQL viewer names both', async () => {
    const user = { login: 'perf-ops', id: 7001, type: 'User' as const };
    const pat = fake.addToken(user);
    const app = fake.addToken({ login: 'perf-app[bot]', id: 8001, type: 'Bot' }, { installation: true });
    expect(await get('/user')).toMatchObject({ status: 403, body: { message: 'Resource not accessible by integration' } });
    expect(await get('/user', app)).toMatchObject({ status: 403 });
    expect(await get('/user', pat)).toMatchObject({ status: 200, body: { login: 'perf-ops', id: 7001, type: 'User' } });
    const viewer = (token: string) => post('/graphql', token, { query: 'query { viewer { login databaseId } }' });
    expect(await viewer(fake.token)).toEqual({ status: 200, body: { data: { viewer: { login: 'github-actions[bot]', databaseId: 41898282 } } } });
    expect(await viewer(app)).toEqual({ status: 200, body: { data: { viewer: { login: 'perf-app[bot]', databaseId: 8001 } } } });
    expect(await viewer(pat)).toEqual({ status: 200, body: { data: { viewer: { login: 'perf-ops', databaseId: 7001 } } } });
    expect(await post('/graphql', pat, { query: '{ viewer { email } }' })).toMatchObject({ status: 200, body: { errors: [{ message: "Field 'email' doesn't exist on type 'User'" }] } });
  });

  it('writes a comment under the identity of the token that created it', async () => {
    fake.addPull({ number: 3, headSha: 'c'.repeat(40) });
    const pat = fake.addToken({ login: 'perf-ops', id: 7001, type: 'User' });
    expect((await post('/repos/octo-org/service/issues/3/comments', fake.token, { body: 'a' })).status).toBe(201);
    expect((await post('/repos/octo-org/service/issues/3/comments', pat, { body: 'b' })).status).toBe(201);
    expect(fake.comments(3).map((c) => [c.body, c.user.login])).toEqual([
      ['a', 'github-actions[bot]'],
      ['b', 'perf-ops'],
    ]);
  });

  it('a re-run keeps the run id, counts the attempt and starts it now', async () => {
    const run = fake.addRun({ event: 'push' });
    now = new Date('2025-06-01T12:30:00Z');
    expect(fake.rerun(run.id)).toMatchObject({ id: run.id, runAttempt: 2, runStartedAt: '2025-06-01T12:30:00Z', status: 'in_progress' });
    expect(await get(`/repos/octo-org/service/actions/runs/${run.id}`)).toMatchObject({
      body: { run_attempt: 2, created_at: '2025-06-01T12:00:00Z', run_started_at: '2025-06-01T12:30:00Z' },
    });
  });
});

describe('fault injection', () => {
  it('fails the given number of matching requests, then answers normally', async () => {
    const fault = fake.fail({ method: 'GET', path: /^\/repos\/octo-org\/service$/ }, { status: 502, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/repos/octo-org/service')).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(fault).toMatchObject({ hits: 2, remaining: 0 });
    expect(fake.requests.map((r) => r.injected)).toEqual([true, true, false]);
  });

  it('can be cancelled and can carry a custom body and headers', async () => {
    const rateLimited = fake.fail({ path: '/repos/octo-org/service' }, {
      status: 403,
      body: { message: 'API rate limit exceeded' },
      headers: { 'x-ratelimit-remaining': '0' },
      times: Infinity,
    });
    const limited = await get('/repos/octo-org/service');
    expect(limited).toMatchObject({ status: 403, body: { message: 'API rate limit exceeded' } });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    rateLimited.cancel();
    expect((await get('/repos/octo-org/service')).status).toBe(200);
  });
});
