import { describe, expect, it } from 'vitest';
import { BOT_USER, HUMAN_USER, type FakeGitHub, type UserRecord } from '../support/fake-github.js';
import { fakeSha, pullRequestEvent, type RunActionResult } from '../support/run-action.js';
import { MARKER, runGate, secretLeaks, useBundles, useFakeGitHub } from './harness.js';

// The sticky comment is found by its marker *and* its author: anyone can post a comment that starts
// with the marker, and the token can edit other people's comments. Only a comment written by the
// identity the token acts as is ever edited; of several, the newest.

const bundles = useBundles();
let fake: FakeGitHub;
useFakeGitHub((f) => (fake = f));

const MALLORY: UserRecord = { login: 'mallory', id: 6_660_001, type: 'User' };
const FAKE_PASS = `${MARKER}\n### ✅ Pass — no performance change (trust me)`;
/** One round is enough: these tests are about the comment, not the measurement. */
const QUICK = { 'min-rounds': 1, 'max-rounds': 1 };

async function gatePullRequest(pr: number, extra: { token?: string } = {}): Promise<RunActionResult> {
  const run = await runGate({
    fake,
    bundles,
    event: pullRequestEvent({ number: pr, headSha: fakeSha(`pr-${pr}`) }),
    inputs: { ...QUICK, ...(extra.token ? { token: extra.token } : {}) },
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

function addPull(pr: number): void {
  fake.addPull({ number: pr, headSha: fakeSha(`pr-${pr}`) });
}

function commentWrites(pr: number): { method: string; path: string }[] {
  return fake.requests
    .filter((r) => (r.method === 'POST' && r.path.endsWith(`/issues/${pr}/comments`)) || (r.method === 'PATCH' && r.path.includes('/issues/comments/')))
    .map((r) => ({ method: r.method, path: r.path }));
}

function identityLookups(): { method: string; path: string; status: number }[] {
  return fake.requests.filter((r) => r.path === '/graphql' || r.path === '/user').map((r) => ({ method: r.method, path: r.path, status: r.status }));
}

function commentUrl(pr: number, id: number): string {
  return `https://github.com/octo-org/service/pull/${pr}#issuecomment-${id}`;
}

describe('the sticky comment', () => {
  it("leaves someone else's comment that starts with the marker alone, and writes and then edits its own", async () => {
    const pr = 21;
    addPull(pr);
    const forged = fake.addComment(pr, { body: FAKE_PASS, user: MALLORY, createdAt: new Date(Date.now() - 60_000) });

    const first = await gatePullRequest(pr);
    expect(fake.comments(pr)).toHaveLength(2);
    const forgedAfter = fake.comments(pr).find((c) => c.id === forged.id)!;
    expect(forgedAfter).toMatchObject({ body: FAKE_PASS, user: MALLORY, updatedAt: forged.createdAt });
    const ours = fake.comments(pr).find((c) => c.id !== forged.id)!;
    expect(ours.user).toEqual(BOT_USER);
    expect(ours.body.startsWith(MARKER)).toBe(true);
    expect(ours.body).toContain('No baseline');
    expect(first.outputs['comment-url']).toBe(commentUrl(pr, ours.id));
    expect(commentWrites(pr)).toEqual([{ method: 'POST', path: `/repos/octo-org/service/issues/${pr}/comments` }]);
    expect(first.stdout).toContain('1 comment carrying the marker was written by someone else (mallory) and was left alone');
    // The identity was looked up once: a marked comment existed.
    expect(identityLookups()).toEqual([{ method: 'POST', path: '/graphql', status: 200 }]);

    const second = await gatePullRequest(pr);
    expect(fake.comments(pr)).toHaveLength(2);
    expect(fake.comments(pr).find((c) => c.id === forged.id)).toMatchObject({ body: FAKE_PASS, user: MALLORY });
    expect(second.outputs['comment-url']).toBe(commentUrl(pr, ours.id));
    expect(commentWrites(pr).slice(1)).toEqual([{ method: 'PATCH', path: `/repos/octo-org/service/issues/comments/${ours.id}` }]);
    expect(identityLookups()).toHaveLength(2);
    for (const r of [first, second]) expect(secretLeaks(r, fake.token)).toEqual([]);
  });

  it('of several of its own comments edits the newest and leaves the older ones and a newer foreign one alone', async () => {
    const pr = 22;
    addPull(pr);
    const t = Date.now();
    const older = fake.addComment(pr, { body: `${MARKER}\nold report 1`, user: BOT_USER, createdAt: new Date(t - 300_000) });
    const newer = fake.addComment(pr, { body: `${MARKER}\nold report 2`, user: BOT_USER, createdAt: new Date(t - 200_000) });
    const foreign = fake.addComment(pr, { body: `${MARKER}\nold report 3`, user: HUMAN_USER, createdAt: new Date(t - 100_000) });

    const run = await gatePullRequest(pr);
    expect(commentWrites(pr)).toEqual([{ method: 'PATCH', path: `/repos/octo-org/service/issues/comments/${newer.id}` }]);
    const after = new Map(fake.comments(pr).map((c) => [c.id, c]));
    expect(after.size).toBe(3);
    expect(after.get(older.id)?.body).toBe(`${MARKER}\nold report 1`);
    expect(after.get(foreign.id)?.body).toBe(`${MARKER}\nold report 3`);
    expect(after.get(newer.id)?.body).toContain('No baseline');
    expect(run.outputs['comment-url']).toBe(commentUrl(pr, newer.id));
  });

  it.each([
    { kind: 'a personal access token', user: { login: 'perf-ops', id: 7_000_001, type: 'User' } as UserRecord, installation: false },
    { kind: "a GitHub App's installation token", user: { login: 'perfgate-app[bot]', id: 8_000_001, type: 'Bot' } as UserRecord, installation: true },
  ])('with $kind edits the comment of the account the token acts as, not github-actions[bot]', async ({ user, installation }) => {
    const pr = 23;
    addPull(pr);
    const token = fake.addToken(user, { installation });
    const t = Date.now();
    const own = fake.addComment(pr, { body: `${MARKER}\nby the token's account`, user, createdAt: new Date(t - 300_000) });
    const bots = fake.addComment(pr, { body: `${MARKER}\nby GITHUB_TOKEN`, user: BOT_USER, createdAt: new Date(t - 200_000) });
    const forged = fake.addComment(pr, { body: FAKE_PASS, user: MALLORY, createdAt: new Date(t - 100_000) });

    const run = await gatePullRequest(pr, { token });
    expect(commentWrites(pr)).toEqual([{ method: 'PATCH', path: `/repos/octo-org/service/issues/comments/${own.id}` }]);
    expect(fake.comments(pr).find((c) => c.id === own.id)?.body).toContain('No baseline');
    expect(fake.comments(pr).find((c) => c.id === bots.id)?.body).toBe(`${MARKER}\nby GITHUB_TOKEN`);
    expect(fake.comments(pr).find((c) => c.id === forged.id)?.body).toBe(FAKE_PASS);
    expect(run.outputs['comment-url']).toBe(commentUrl(pr, own.id));
    expect(identityLookups()).toEqual([{ method: 'POST', path: '/graphql', status: 200 }]);
    expect(fake.requests.find((r) => r.path === '/graphql')?.headers.authorization).toBe(`token ${token}`);
    expect(secretLeaks(run, token)).toEqual([]);
  });

  it('without GraphQL (as on GitHub Enterprise Server) asks GET /user: a user for a personal token, github-actions[bot] on its 403', async () => {
    fake.fail({ method: 'POST', path: '/graphql' }, { status: 404, times: Infinity, body: { message: 'Not Found', status: '404' } });
    const pr = 24;
    addPull(pr);
    const user: UserRecord = { login: 'perf-ops', id: 7_000_001, type: 'User' };
    const pat = fake.addToken(user);
    const t = Date.now();
    const patComment = fake.addComment(pr, { body: `${MARKER}\nby the personal token`, user, createdAt: new Date(t - 300_000) });
    const botComment = fake.addComment(pr, { body: `${MARKER}\nby GITHUB_TOKEN`, user: BOT_USER, createdAt: new Date(t - 200_000) });

    // GITHUB_TOKEN: GET /user refuses installation tokens, so the token writes as github-actions[bot].
    await gatePullRequest(pr);
    expect(identityLookups()).toEqual([
      { method: 'POST', path: '/graphql', status: 404 },
      { method: 'GET', path: '/user', status: 403 },
    ]);
    expect(commentWrites(pr)).toEqual([{ method: 'PATCH', path: `/repos/octo-org/service/issues/comments/${botComment.id}` }]);
    expect(fake.comments(pr).find((c) => c.id === patComment.id)?.body).toBe(`${MARKER}\nby the personal token`);

    // A personal access token: GET /user names its user.
    await gatePullRequest(pr, { token: pat });
    expect(identityLookups().slice(2)).toEqual([
      { method: 'POST', path: '/graphql', status: 404 },
      { method: 'GET', path: '/user', status: 200 },
    ]);
    expect(commentWrites(pr).slice(1)).toEqual([{ method: 'PATCH', path: `/repos/octo-org/service/issues/comments/${patComment.id}` }]);
    expect(fake.comments(pr).find((c) => c.id === patComment.id)?.body).toContain('No baseline');
    expect(fake.comments(pr)).toHaveLength(2);
  });
});
