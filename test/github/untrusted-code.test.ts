import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git as gitProgram } from '../../src/baseref/git.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { readCheckoutFacts } from '../../src/github/checkout-facts.js';
import { readEvent } from '../../src/github/context.js';
import { codeDirectories, decideCodeTrust, parseAllowUntrustedCode, type CheckoutTrustFacts } from '../../src/github/untrusted-code.js';
import { makePullRequestRepo, type PullRequestRepo } from '../helpers/pull-request-repo.js';

const BASE = 'b'.repeat(40);
const TIP = 'c'.repeat(40);
const PR_HEAD = 'e'.repeat(40);
const OTHER = 'f'.repeat(40);

function facts(over: Partial<CheckoutTrustFacts> = {}): CheckoutTrustFacts {
  return {
    eventName: 'pull_request_target',
    workspace: '/work/app',
    head: { sha: PR_HEAD },
    pullRequest: { number: 7, headSha: PR_HEAD, baseRef: 'main' },
    trustedCommits: [BASE, TIP],
    baseTipUnknown: null,
    headContainsPullRequestHead: false,
    allowUntrustedCode: false,
    ...over,
  };
}

describe('decideCodeTrust', () => {
  it("refuses the pull request's head on pull_request_target, naming it, the risk and the README recipe", () => {
    const d = decideCodeTrust(facts());
    expect(d.run).toBe(false);
    if (d.run) return;
    expect(d.error).toBe(
      `perfgate will not run untrusted code on pull_request_target: /work/app has the head commit ${PR_HEAD} of pull request #7 checked out. ` +
        "A pull_request_target job holds a write token and the repository's secrets, so starting or building a pull request's code " +
        'there hands them to whoever opened it (a "pwn request"). ' +
        "Measure pull requests on `pull_request` and comment on fork pull requests with the `workflow_run` recipe in perfgate's " +
        'README ("Permissions, baselines and forks"), or check out the base branch (actions/checkout\'s default on pull_request_target). ' +
        'Nothing was built or started.',
    );
  });

  it('refuses a merge commit that contains the head, and says so', () => {
    const d = decideCodeTrust(facts({ head: { sha: OTHER }, headContainsPullRequestHead: true }));
    expect(d).toMatchObject({ run: false });
    expect(!d.run && d.error).toContain(`/work/app has ${OTHER} checked out, a merge commit that contains the head ${PR_HEAD} of pull request #7.`);
  });

  it('refuses any other commit, listing the commits it would have trusted and why the tip is missing', () => {
    const d = decideCodeTrust(facts({ head: { sha: OTHER }, trustedCommits: [BASE], baseTipUnknown: 'GET branches/main answered HTTP 404: Branch not found' }));
    expect(!d.run && d.error).toContain(
      `/work/app has ${OTHER} checked out, which is not a commit of the base branch main that this event vouches for ` +
        `(${BASE}; its current tip could not be looked up: GET branches/main answered HTTP 404: Branch not found).`,
    );
  });

  it('fails closed when HEAD could not be read', () => {
    const d = decideCodeTrust(facts({ head: { error: 'git rev-parse HEAD: fatal: not a git repository' } }));
    expect(!d.run && d.error).toContain(
      "the commit checked out in /work/app could not be read (git rev-parse HEAD: fatal: not a git repository), so it cannot be told apart from the pull request's code.",
    );
  });

  it('runs the base commit or the tip of the base branch without a word, whatever the case of the SHA', () => {
    expect(decideCodeTrust(facts({ head: { sha: BASE } }))).toEqual({ run: true, warning: null });
    expect(decideCodeTrust(facts({ head: { sha: TIP.toUpperCase() } }))).toEqual({ run: true, warning: null });
    expect(decideCodeTrust(facts({ head: { sha: BASE }, allowUntrustedCode: true }))).toEqual({ run: true, warning: null });
  });

  it('never trusts a blank: a payload without a base SHA trusts nothing it lacks', () => {
    expect(decideCodeTrust(facts({ head: { sha: OTHER }, trustedCommits: ['', '  '] })).run).toBe(false);
  });

  it('with allow-untrusted-code runs untrusted code and warns, naming what runs', () => {
    const d = decideCodeTrust(facts({ allowUntrustedCode: true }));
    expect(d).toEqual({
      run: true,
      warning:
        `allow-untrusted-code is true, so perfgate runs untrusted code on pull_request_target: /work/app has the head commit ${PR_HEAD} ` +
        "of pull request #7 checked out. That code can use this job's write token and the repository's secrets.",
    });
    const unread = decideCodeTrust(facts({ allowUntrustedCode: true, head: { error: 'no git' } }));
    expect(unread.run && unread.warning).toContain('could not be read (no git)');
  });

  it('leaves every other event alone: pull_request runs with a read-only token, and pushes measure trusted code', () => {
    for (const eventName of ['pull_request', 'push', 'workflow_dispatch', 'schedule']) {
      expect(decideCodeTrust(facts({ eventName }))).toEqual({ run: true, warning: null });
    }
  });
});

describe('the allow-untrusted-code input', () => {
  it('is false when not given, and reads true/false', () => {
    expect(parseAllowUntrustedCode('')).toBe(false);
    expect(parseAllowUntrustedCode('true')).toBe(true);
    expect(parseAllowUntrustedCode(' FALSE ')).toBe(false);
  });

  it('names the input and the bad value', () => {
    expect(() => parseAllowUntrustedCode('sure')).toThrow(ConfigError);
    expect(() => parseAllowUntrustedCode('sure')).toThrow('input "allow-untrusted-code": "sure" is not true or false');
  });

  it("cannot be set from perfgate.yml, which an untrusted checkout would supply", () => {
    expect(() => loadConfig({ fileText: 'url: http://127.0.0.1:3000/\nallow-untrusted-code: true\n' })).toThrow('unknown field "allow-untrusted-code"');
  });
});

describe('readCheckoutFacts on a real repository', () => {
  let repo: PullRequestRepo;
  let parent: string;
  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), 'perfgate-trust-'));
    repo = makePullRequestRepo(parent);
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  /** A pull_request_target event as GitHub sends it: GITHUB_SHA is the base branch's last commit. */
  function event(baseSha: string, eventSha = baseSha) {
    const payload = {
      repository: { id: 1, default_branch: 'main' },
      pull_request: { number: 7, head: { sha: repo.head, repo: { id: 2 } }, base: { sha: baseSha, ref: 'main', repo: { id: 1 } } },
    };
    return readEvent({ GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: eventSha, GITHUB_REF: 'refs/heads/main' }, 'pull_request_target', payload);
  }

  async function read(baseSha: string, tip: () => Promise<string>, eventSha?: string) {
    const lookups: string[] = [];
    const f = await readCheckoutFacts(
      { event: event(baseSha, eventSha), workspace: repo.dir, allowUntrustedCode: false },
      {
        git: gitProgram,
        branchTip: (branch) => {
          lookups.push(branch);
          return tip();
        },
      },
    );
    return { facts: f, lookups };
  }

  it('the base commit: trusted from the event alone, without asking the API', async () => {
    repo.checkout(repo.base);
    const { facts: f, lookups } = await read(repo.base, async () => repo.newerBase);
    expect(f.head).toEqual({ sha: repo.base });
    expect(lookups).toEqual([]);
    expect(decideCodeTrust(f)).toEqual({ run: true, warning: null });
  });

  it("GITHUB_SHA (the base branch's last commit) is trusted too", async () => {
    repo.checkout(repo.newerBase);
    const { facts: f, lookups } = await read(repo.base, async () => repo.base, repo.newerBase);
    expect(lookups).toEqual([]);
    expect(decideCodeTrust(f).run).toBe(true);
  });

  it("the pull request's head: refused", async () => {
    repo.checkout(repo.head);
    const { facts: f, lookups } = await read(repo.base, async () => repo.base);
    expect(f.head).toEqual({ sha: repo.head });
    expect(lookups).toEqual(['main']);
    expect(f.headContainsPullRequestHead).toBe(false);
    expect(decideCodeTrust(f).run).toBe(false);
  });

  it('a merge that contains the head: refused and described as such', async () => {
    repo.checkout(repo.merge);
    const { facts: f } = await read(repo.base, async () => repo.newerBase);
    expect(f.head).toEqual({ sha: repo.merge });
    expect(f.headContainsPullRequestHead).toBe(true);
    expect(f.trustedCommits).toEqual([repo.base, repo.newerBase]);
    expect(decideCodeTrust(f).run).toBe(false);
  });

  it("the base branch's current tip, newer than the event (a re-run): trusted once the API names it", async () => {
    repo.checkout(repo.newerBase);
    const { facts: f, lookups } = await read(repo.base, async () => repo.newerBase);
    expect(lookups).toEqual(['main']);
    expect(f.trustedCommits).toEqual([repo.base, repo.newerBase]);
    expect(decideCodeTrust(f)).toEqual({ run: true, warning: null });
  });

  it('the same commit while the tip cannot be looked up: refused, with the reason', async () => {
    repo.checkout(repo.newerBase);
    const { facts: f } = await read(repo.base, () => Promise.reject(new Error('GET branches/main answered HTTP 403: Resource not accessible')));
    expect(f.baseTipUnknown).toBe('GET branches/main answered HTTP 403: Resource not accessible');
    expect(f.headContainsPullRequestHead).toBe(false);
    const d = decideCodeTrust(f);
    expect(!d.run && d.error).toContain('its current tip could not be looked up: GET branches/main answered HTTP 403');
  });

  it('a directory that is not a repository: HEAD unknown, refused', async () => {
    const plain = mkdtempSync(join(parent, 'plain-'));
    const f = await readCheckoutFacts(
      { event: event(repo.base), workspace: plain, allowUntrustedCode: false },
      { git: gitProgram, branchTip: async () => repo.base },
    );
    expect(f.head).toMatchObject({ error: expect.stringMatching(/^git rev-parse HEAD: fatal: not a git repository/) });
    expect(decideCodeTrust(f).run).toBe(false);
  });
});

describe('the directories whose code would run', () => {
  it('are the workspace and the cwd of the head, and of the base when compare: variants', () => {
    expect(codeDirectories('/w', { compare: 'none', serviceCwd: '.' })).toEqual(['/w']);
    expect(codeDirectories('/w', { compare: 'base-ref', serviceCwd: 'pr' })).toEqual(['/w', '/w/pr']);
    expect(codeDirectories('/w', { compare: 'variants', serviceCwd: '.', headCwd: 'head', baseCwd: '/abs/base' })).toEqual(['/w', '/w/head', '/abs/base']);
    // base-ref's base is a worktree of the event's base commit, not a directory of the checkout.
    expect(codeDirectories('/w', { compare: 'base-ref', serviceCwd: '.', baseCwd: 'elsewhere' })).toEqual(['/w']);
    expect(codeDirectories('/w', { compare: 'variants', serviceCwd: null, headCwd: 'h' })).toEqual(['/w', '/w/h']);
  });
});
