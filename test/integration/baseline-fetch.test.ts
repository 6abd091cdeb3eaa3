import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fakeSha, forkOf, pullRequestEvent } from '../support/run-action.js';
import { removeRunDirs, runCli, runGate, secretLeaks, seedBaseline, syntheticResults, useBundles, type CliResult } from './harness.js';

// `perfgate baseline fetch` reproduces a CI comparison on a laptop, so it must pick exactly the
// artifact the action picks: the newest one that passes the trust rules and validates.

const bundles = useBundles();
let fake: FakeGitHub;
let cwd: string;

beforeEach(async () => {
  fake = await startFakeGitHub();
  cwd = mkdtempSync(join(tmpdir(), 'perfgate-fetch-test-'));
});
afterEach(async () => {
  await fake.close();
  rmSync(cwd, { recursive: true, force: true });
});
afterAll(() => {
  removeRunDirs();
});

const hoursAgo = (h: number): Date => new Date(Date.now() - h * 3600_000);

/** Trusted and untrusted candidates; the untrusted and broken ones are all newer than the pick. */
function seedCandidates(): { pick: string; pickId: number } {
  seedBaseline(fake, { sha: fakeSha('old-trusted'), createdAt: hoursAgo(6) });
  const pick = fakeSha('newest-trusted');
  const pickId = seedBaseline(fake, { sha: pick, createdAt: hoursAgo(5), event: 'schedule' });
  seedBaseline(fake, { sha: fakeSha('other-branch'), createdAt: hoursAgo(4), headBranch: 'release' });
  seedBaseline(fake, { sha: fakeSha('pr-run'), createdAt: hoursAgo(3), event: 'pull_request' });
  seedBaseline(fake, {
    sha: fakeSha('fork'),
    createdAt: hoursAgo(2),
    event: 'pull_request',
    headBranch: 'main',
    headRepositoryId: forkOf({ ...fake.repo }).id,
  });
  seedBaseline(fake, { sha: fakeSha('corrupt'), createdAt: hoursAgo(1.5), content: '{"schemaVersion": 1, "tool": {' });
  const future = { ...syntheticResults(fakeSha('future')), schemaVersion: 3 };
  seedBaseline(fake, { sha: fakeSha('future'), createdAt: hoursAgo(1), content: JSON.stringify(future) });
  seedBaseline(fake, { sha: fakeSha('expired'), createdAt: hoursAgo(0.5), expired: true });
  return { pick, pickId };
}

function fetchBaseline(env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(bundles.cli, ['baseline', 'fetch', '--repo', 'octo-org/service', '--suite', 'api', '--output', 'base.json'], {
    cwd,
    env: {
      GITHUB_TOKEN: fake.token,
      GITHUB_API_URL: fake.url,
      NO_PROXY: '127.0.0.1,localhost',
      PERFGATE_RETRY_BASE_MS: '1',
      ...env,
    },
  });
}

function zipDownloads(): number[] {
  return fake.requests.filter((r) => /\/actions\/artifacts\/\d+\/zip$/.test(r.path)).map((r) => Number(r.path.split('/')[6]));
}

describe('perfgate baseline fetch', () => {
  it('picks the artifact the action picks, passing over the same untrusted and broken ones', async () => {
    const { pick, pickId } = seedCandidates();

    const cli = await fetchBaseline();
    expect(cli.stderr).not.toContain('Error');
    expect(cli.code).toBe(0);
    const fetched = JSON.parse(readFileSync(join(cwd, 'base.json'), 'utf8')) as { git: { sha: string } };
    expect(fetched.git.sha).toBe(pick);
    expect(cli.stdout).toContain(`commit ${pick}, artifact #${pickId}`);
    // A terminal, not a runner: no workflow commands.
    expect(`${cli.stdout}${cli.stderr}`).not.toMatch(/^::/m);
    const passedOver = cli.stderr.split('\n').filter((l) => l.startsWith('passed over: '));
    expect(passedOver).toHaveLength(6);
    const cliDownloads = zipDownloads();

    const run = await runGate({
      fake,
      bundles,
      event: pullRequestEvent({ number: 31, headSha: fakeSha('pr-31') }),
      inputs: { 'min-rounds': 1, 'max-rounds': 1 },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`baseline: commit ${pick} from `);
    // Both downloaded the same candidates in the same order: the two broken ones, then the pick.
    const actionDownloads = zipDownloads().slice(cliDownloads.length);
    expect(actionDownloads).toEqual(cliDownloads);
    expect(actionDownloads.at(-1)).toBe(pickId);
    // And passed over the same ones for the same reasons.
    const actionPassedOver = run.stdout.split('\n').filter((l) => l.startsWith('passed over: '));
    expect(actionPassedOver).toEqual(passedOver);

    for (const text of [cli.stdout, cli.stderr, readFileSync(join(cwd, 'base.json'), 'utf8')]) expect(text).not.toContain(fake.token);
    expect(secretLeaks(run, fake.token)).toEqual([]);
  });

  it('retries a 502 on the artifact list and succeeds', async () => {
    const { pick } = seedCandidates();
    const fault = fake.fail({ method: 'GET', path: '/repos/octo-org/service/actions/artifacts' }, { status: 502, times: 1 });

    const cli = await fetchBaseline();

    expect(fault.hits).toBe(1);
    expect(cli.code).toBe(0);
    const lists = fake.requests.filter((r) => r.path === '/repos/octo-org/service/actions/artifacts');
    expect(lists.map((r) => r.status)).toEqual([502, 200]);
    expect((JSON.parse(readFileSync(join(cwd, 'base.json'), 'utf8')) as { git: { sha: string } }).git.sha).toBe(pick);
  });

  it('keeps the newest baseline when its download answers 502 once, in the CLI and in the action', async () => {
    seedBaseline(fake, { sha: fakeSha('older'), createdAt: hoursAgo(2) });
    const newest = fakeSha('newest');
    const newestId = seedBaseline(fake, { sha: newest, createdAt: hoursAgo(1) });
    const zipPath = `/repos/octo-org/service/actions/artifacts/${newestId}/zip`;

    const cliFault = fake.fail({ method: 'GET', path: zipPath }, { status: 502, times: 1 });
    const cli = await fetchBaseline();
    expect(cliFault.hits).toBe(1);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`commit ${newest}, artifact #${newestId}`);

    const actionFault = fake.fail({ method: 'GET', path: zipPath }, { status: 502, times: 1 });
    const run = await runGate({
      fake,
      bundles,
      event: pullRequestEvent({ number: 32, headSha: fakeSha('pr-32') }),
      inputs: { 'min-rounds': 1, 'max-rounds': 1 },
    });
    expect(actionFault.hits).toBe(1);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`baseline: commit ${newest} from `);
    expect(run.stdout).not.toContain('passed over:');
  });

  it('says why when there is no trusted baseline, and exits non-zero', async () => {
    seedBaseline(fake, { sha: fakeSha('only-fork'), event: 'pull_request', headRepositoryId: forkOf({ ...fake.repo }).id });
    const cli = await fetchBaseline();
    expect(cli.code).toBe(3);
    expect(cli.stderr).toMatch(/no baseline: no trusted baseline found among 1 artifact named perfgate-baseline-api: .*comes from a fork's run/);
    expect(cli.stderr).not.toContain(fake.token);
  });

  it('refuses without a token, naming the variable', async () => {
    const cli = await fetchBaseline({ GITHUB_TOKEN: '' });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('set GITHUB_TOKEN');
    expect(fake.requests).toEqual([]);
  });
});
