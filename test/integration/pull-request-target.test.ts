import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/service/index.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { pullRequestEvent, runAction, type RunActionResult } from '../support/run-action.js';
import { git, makePullRequestRepo, type PullRequestRepo } from '../helpers/pull-request-repo.js';
import { MARKER, serverProcesses, serviceInputs, useBundles, useFakeGitHub } from './harness.js';

// pull_request_target runs with a write token and the repository's secrets. The built action runs
// in a real git checkout of a pull request (base, the fork's head, a merge of both) and must refuse
// to build or start anything that is not the base branch's code, unless told to accept the risk.

const bundles = useBundles();
let fake: FakeGitHub;
useFakeGitHub((f) => (fake = f));

const PR = 21;
let parent: string;
let repo: PullRequestRepo;
const runDirs: string[] = [];
let runCount = 0;

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'perfgate-prt-'));
  repo = makePullRequestRepo(parent);
});
afterAll(() => {
  for (const d of runDirs) rmSync(d, { recursive: true, force: true });
  rmSync(parent, { recursive: true, force: true });
});

interface TargetRun {
  result: RunActionResult;
  /** Files the start and build commands create when they run. */
  started: string;
  built: string;
}

/** Runs the built action on a fork's pull_request_target event with `checkout` as the workspace's HEAD. */
async function runTarget(checkout: string, extra: Record<string, string | number | boolean> = {}): Promise<TargetRun> {
  repo.checkout(checkout);
  const n = ++runCount;
  const started = join(parent, `started-${n}`);
  const built = join(parent, `built-${n}`);
  const port = await findFreePort();
  const inputs = serviceInputs(port, { 'min-rounds': 1, 'max-rounds': 1, ...extra });
  inputs.start = `touch ${started} && ${String(inputs.start)}`;
  if (inputs.build !== undefined) inputs.build = `touch ${built} && ${String(inputs.build)}`;
  const result = await runAction({
    fake,
    event: pullRequestEvent({ number: PR, headSha: repo.head, baseSha: repo.base, fork: true, eventName: 'pull_request_target' }),
    entry: bundles.index,
    inputs,
    cwd: repo.dir,
    env: { PERFGATE_RETRY_BASE_MS: '1' },
  });
  runDirs.push(result.tmpDir);
  return { result, started, built };
}

const NO_BASELINE_WARNING = '::warning::no baseline: no artifact named perfgate-baseline-api exists yet; a push to main that runs perfgate creates it';

function warnings(result: RunActionResult): string[] {
  return result.stdout.match(/^::warning::.*$/gm) ?? [];
}

/** Requests that would have written a comment. */
function commentWrites(): string[] {
  return fake.requests.filter((r) => (r.method === 'POST' || r.method === 'PATCH') && /\/comments/.test(r.path)).map((r) => `${r.method} ${r.path}`);
}

function expectRefusedUntouched(run: TargetRun): void {
  const { result } = run;
  expect(result.code).toBe(1);
  expect(result.stdout).toContain("A pull_request_target job holds a write token and the repository's secrets");
  expect(result.stdout).toContain('`workflow_run` recipe in perfgate\'s README ("Permissions, baselines and forks")');
  expect(existsSync(run.started)).toBe(false);
  expect(existsSync(run.built)).toBe(false);
  expect(serverProcesses()).toEqual([]);
  expect(result.leftoverProcesses).toBe(false);
  // No base worktree was made either: base-ref mode stopped before it.
  expect(git(repo.dir, 'worktree', 'list').split('\n')).toHaveLength(1);
  expect(commentWrites()).toEqual([]);
  expect(fake.comments(PR)).toEqual([]);
  expect(fake.uploads).toEqual([]);
  expect(result.outputs.verdict).toBeUndefined();
  expect(existsSync(join(repo.dir, 'perfgate-results.json'))).toBe(false);
}

describe('pull_request_target with untrusted code checked out', () => {
  // base-ref with build-head: true would build the head and the base and start both; nothing may run.
  const abInputs = { compare: 'base-ref', build: 'true', 'build-head': true };

  it("refuses the pull request's head: builds nothing, starts nothing, comments nothing", async () => {
    const run = await runTarget(repo.head, abInputs);
    expectRefusedUntouched(run);
    expect(run.result.stdout).toContain(
      `::error::perfgate will not run untrusted code on pull_request_target: ${repo.dir} has the head commit ${repo.head} of pull request #${PR} checked out.`,
    );
  });

  it('refuses a merge commit that contains the head (refs/pull/N/merge)', async () => {
    fake.setBranch('main', repo.newerBase);
    const run = await runTarget(repo.merge, abInputs);
    expectRefusedUntouched(run);
    expect(run.result.stdout).toContain(
      `${repo.dir} has ${repo.merge} checked out, a merge commit that contains the head ${repo.head} of pull request #${PR}.`,
    );
  });

  it('refuses a commit it cannot vouch for when the tip of the base branch cannot be looked up', async () => {
    // The fake knows no branch: GET .../branches/main answers 404.
    const run = await runTarget(repo.newerBase, abInputs);
    expectRefusedUntouched(run);
    expect(run.result.stdout).toContain(`${repo.dir} has ${repo.newerBase} checked out, which is not a commit of the base branch main that this event vouches for (${repo.base}; its current tip could not be looked up: GET branches/main answered HTTP 404`);
  });

  it('refuses a pull request checked out into the directory `cwd` names, though the workspace holds the base', async () => {
    // A workflow that checks out the base at the root and the pull request into a subdirectory.
    const sub = join(repo.dir, 'pr-checkout');
    git(repo.dir, 'clone', '-q', repo.dir, sub);
    git(sub, 'checkout', '-q', '--detach', repo.head);
    try {
      const run = await runTarget(repo.base, { ...abInputs, cwd: 'pr-checkout' });
      expectRefusedUntouched(run);
      expect(run.result.stdout).toContain(
        `::error::perfgate will not run untrusted code on pull_request_target: ${sub} has the head commit ${repo.head} of pull request #${PR} checked out.`,
      );
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  it('with allow-untrusted-code: true, runs it and warns', async () => {
    const run = await runTarget(repo.head, { 'allow-untrusted-code': true });
    const { result } = run;
    expect(result.stdout).toContain(
      `::warning::allow-untrusted-code is true, so perfgate runs untrusted code on pull_request_target: ${repo.dir} has the head commit ${repo.head} ` +
        `of pull request #${PR} checked out. That code can use this job's write token and the repository's secrets.`,
    );
    expect(warnings(result)).toHaveLength(2);
    expect(result.code).toBe(0);
    expect(result.outputs.verdict).toBe('no-baseline');
    expect(existsSync(run.started)).toBe(true);
    expect(fake.comments(PR)).toHaveLength(1);
    expect(fake.comments(PR)[0]!.body.startsWith(MARKER)).toBe(true);
    expect(serverProcesses()).toEqual([]);
  });

  it('rejects an allow-untrusted-code that is not a boolean, naming it', async () => {
    const run = await runTarget(repo.head, { 'allow-untrusted-code': 'maybe' });
    expect(run.result.code).toBe(1);
    expect(run.result.stdout).toContain('input "allow-untrusted-code": "maybe" is not true or false');
    expect(existsSync(run.started)).toBe(false);
  });
});

describe('pull_request_target with the base branch checked out', () => {
  it('measures the base commit and comments, without a warning', async () => {
    const run = await runTarget(repo.base);
    const { result } = run;
    expect(result.code).toBe(0);
    expect(warnings(result)).toEqual([NO_BASELINE_WARNING]);
    expect(result.outputs.verdict).toBe('no-baseline');
    expect(existsSync(run.started)).toBe(true);
    expect(fake.comments(PR)).toHaveLength(1);
    // The event named this commit: no need to ask the API for the branch.
    expect(fake.requests.filter((r) => r.path.includes('/branches/'))).toEqual([]);
  });

  it("measures the base branch's current tip (newer than the event), once the API names it", async () => {
    fake.setBranch('main', repo.newerBase);
    const run = await runTarget(repo.newerBase);
    expect(run.result.code).toBe(0);
    expect(warnings(run.result)).toEqual([NO_BASELINE_WARNING]);
    expect(existsSync(run.started)).toBe(true);
    expect(fake.requests.filter((r) => r.path.includes('/branches/')).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/octo-org/service/branches/main',
    ]);
  });
});
