import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { runClient } from './run-client.js';

let fake: FakeGitHub;
const PR = 17;

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addPull({ number: PR, headSha: 'b'.repeat(40) });
});
afterEach(async () => {
  await fake.close();
});

function seedComments(count: number): void {
  for (let i = 1; i <= count; i++) fake.addComment(PR, { body: `comment ${i}` });
}

const owner = 'octo-org';
const repo = 'service';

// Octokit logs failed requests to the console; the tests assert on them instead.
const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

// The plugins the action and the CLI use, with a 1 ms retry base so tests do not wait.
const quickRetry = {
  log,
  retry: { retryAfterBaseValue: 1 },
  throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false },
};

describe('Octokit against the fake', () => {
  it('getOctokit (base URL from GITHUB_API_URL) lists 250 comments over 3 pages, creates and updates one', async () => {
    seedComments(250);
    const env = { ...fake.clientEnv({ runId: fake.addRun().id }), FAKE_TOKEN: fake.token };

    const client = await runClient('octokit-comments.mjs', [`${owner}/${repo}`, String(PR)], env);

    expect(client.stderr).toBe('');
    expect(client.result).toMatchObject({
      listed: 250,
      lastListedBody: 'comment 250',
      createdStatus: 201,
      updatedBody: 'second',
    });
    const { createdId, updatedUrl } = client.result as { createdId: number; updatedUrl: string };
    expect(updatedUrl).toBe(`https://github.com/${owner}/${repo}/pull/${PR}#issuecomment-${createdId}`);
    const lists = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${PR}/comments`));
    expect(lists.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(fake.comments(PR)).toHaveLength(251);
    expect(fake.comments(PR).at(-1)).toMatchObject({ id: createdId, body: 'second', user: { login: 'github-actions[bot]' } });
  });

  it('@octokit/rest with baseUrl paginates, creates and updates', async () => {
    seedComments(250);
    const octokit = new Octokit({ auth: fake.token, baseUrl: fake.url });

    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: PR, per_page: 100 });
    const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: PR, body: 'new' });
    const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: created.data.id, body: 'edited' });

    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `comment ${i + 1}`));
    expect(new Set(all.map((c) => c.id)).size).toBe(250);
    expect(updated.data).toMatchObject({ id: created.data.id, body: 'edited' });
    expect(fake.comments(PR).filter((c) => c.body === 'edited')).toHaveLength(1);
    // @octokit/auth-token sends installation-style tokens with the "token" scheme.
    expect(fake.requests.every((r) => r.headers.authorization === `token ${fake.token}`)).toBe(true);
  });

  it('answers Link headers with next and last like GitHub', async () => {
    seedComments(250);
    const response = await fetch(`${fake.url}/repos/${owner}/${repo}/issues/${PR}/comments?per_page=100&page=2`, {
      headers: { authorization: `Bearer ${fake.token}` },
    });
    const base = `${fake.url}/repos/${owner}/${repo}/issues/${PR}/comments?per_page=100`;
    expect(response.headers.get('link')).toBe(
      `<${base}&page=1>; rel="prev", <${base}&page=3>; rel="next", <${base}&page=3>; rel="last", <${base}&page=1>; rel="first"`,
    );
    expect(((await response.json()) as unknown[]).length).toBe(100);
  });

  it('a 502 then a 200 succeeds with plugin-retry, for @octokit/rest and for getOctokit', async () => {
    const run = fake.addRun();
    fake.addArtifact({ name: 'perfgate-baseline-default', runId: run.id, content: '{}' });
    const path = `/repos/${owner}/${repo}/actions/artifacts`;
    const RetryingOctokit = Octokit.plugin(retry, throttling);
    const rest = new RetryingOctokit({ auth: fake.token, baseUrl: fake.url, ...quickRetry });
    const actions = getOctokit(fake.token, { baseUrl: fake.url, ...quickRetry }, retry, throttling);

    const fault1 = fake.fail({ method: 'GET', path }, { status: 502 });
    const viaRest = await rest.rest.actions.listArtifactsForRepo({ owner, repo, name: 'perfgate-baseline-default' });
    const fault2 = fake.fail({ method: 'GET', path }, { status: 502 });
    const viaActions = await actions.rest.actions.listArtifactsForRepo({ owner, repo, name: 'perfgate-baseline-default' });

    expect(viaRest.data.total_count).toBe(1);
    expect(viaActions.data.artifacts[0]?.workflow_run?.id).toBe(run.id);
    expect([fault1.hits, fault2.hits]).toEqual([1, 1]);
    expect(fake.requests.map((r) => r.status)).toEqual([502, 200, 502, 200]);
  });

  it('getOctokit without the retry plugin throws on the first 502', async () => {
    fake.fail({ path: `/repos/${owner}/${repo}` }, { status: 502 });
    const plain = getOctokit(fake.token, { baseUrl: fake.url });
    await expect(plain.rest.repos.get({ owner, repo })).rejects.toMatchObject({ status: 502 });
  });

  it('an injected 403 on creating a comment surfaces as a RequestError with status 403, not retried', async () => {
    fake.fail({ method: 'POST', path: `/repos/${owner}/${repo}/issues/${PR}/comments` }, { status: 403, times: Infinity });
    const RetryingOctokit = Octokit.plugin(retry, throttling);
    const octokit = new RetryingOctokit({ auth: fake.token, baseUrl: fake.url, ...quickRetry });

    const error: unknown = await octokit.rest.issues
      .createComment({ owner, repo, issue_number: PR, body: 'x' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'HttpError', status: 403 });
    expect((error as Error).message).toContain('Resource not accessible by integration');
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(fake.comments(PR)).toHaveLength(0);
  });

  it('refuses a wrong token with 401 and a comment body over 65536 characters with 422', async () => {
    const wrong = new Octokit({ auth: 'ghs_wrong', baseUrl: fake.url, log });
    await expect(wrong.rest.repos.get({ owner, repo })).rejects.toMatchObject({ status: 401 });
    const octokit = new Octokit({ auth: fake.token, baseUrl: fake.url, log });
    await expect(
      octokit.rest.issues.createComment({ owner, repo, issue_number: PR, body: 'x'.repeat(65_537) }),
    ).rejects.toMatchObject({ status: 422 });
    const ok = await octokit.rest.issues.createComment({ owner, repo, issue_number: PR, body: 'x'.repeat(65_536) });
    expect(ok.status).toBe(201);
  });
});
