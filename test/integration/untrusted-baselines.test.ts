import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.js';
import { fakeSha, forkOf, pullRequestEvent } from '../support/run-action.js';
import {
  BASELINE_ARTIFACT,
  MARKER,
  runGate,
  secretLeaks,
  seedBaseline,
  serverProcesses,
  syntheticResults,
  useBundles,
  type SeedBaselineInput,
  useFakeGitHub,
} from './harness.js';

// Artifacts that must never become the baseline: each test seeds one such artifact as the only
// (and newest) candidate and runs a pull request. The run must pass with verdict no-baseline and
// say in the comment why the artifact was passed over.

const bundles = useBundles();
let fake: FakeGitHub;
useFakeGitHub((f) => (fake = f));

function downloadsOf(artifactId: number): number {
  return fake.requests.filter((r) => r.path.endsWith(`/actions/artifacts/${artifactId}/zip`)).length;
}

/** Seeds the one candidate, runs a one-round pull request, and checks it was not used. */
async function expectPassedOver(seed: Omit<SeedBaselineInput, 'sha'>, why: RegExp, downloaded: boolean): Promise<void> {
  const sha = fakeSha(`candidate-${JSON.stringify(seed)}`);
  const id = seedBaseline(fake, { sha, ...seed });
  const pr = 21;
  const run = await runGate({
    fake,
    bundles,
    event: pullRequestEvent({ number: pr, headSha: fakeSha('pr-21') }),
    inputs: { 'min-rounds': 1, 'max-rounds': 1 },
  });

  expect(run.code).toBe(0);
  expect(run.outputs.verdict).toBe('no-baseline');
  expect(run.outputs.regressions).toBe('0');
  // Downloading is the step that validation needs; a run the trust rules reject is never fetched.
  expect(downloadsOf(id)).toBe(downloaded ? 1 : 0);
  expect(run.stdout).not.toContain(`baseline: commit ${sha}`);
  expect(run.stdout).toMatch(new RegExp(`^::warning::no baseline: .*${why.source}`, 'm'));

  const comments = fake.comments(pr).filter((c) => c.body.startsWith(MARKER));
  expect(comments).toHaveLength(1);
  const body = comments[0]!.body;
  expect(body).toContain('### ℹ️ No baseline — nothing to compare with yet');
  expect(body).toMatch(why);
  expect(body).toContain(`${BASELINE_ARTIFACT} #${id}`);
  expect(body).not.toContain(sha.slice(0, 7));
  expect(run.summary).toMatch(why);
  expect(secretLeaks(run, fake.token)).toEqual([]);
  expect(run.leftoverProcesses).toBe(false);
  expect(serverProcesses()).toEqual([]);
}

describe('an artifact is never the baseline when it', () => {
  it("comes from a fork's run, even one of a branch named like the default branch", async () => {
    await expectPassedOver(
      { event: 'pull_request', headBranch: 'main', headRepositoryId: forkOf({ ...fake.repo }).id },
      /comes from a fork's run \(repository \d+\); a fork can never provide the baseline/,
      false,
    );
  });

  it('was made on another branch', async () => {
    await expectPassedOver({ headBranch: 'feature-x' }, /was made on branch feature-x, not the default branch main/, false);
  });

  it('was made by an untrusted event on the default branch', async () => {
    await expectPassedOver({ event: 'pull_request' }, /was made by a pull_request run; only push, schedule, workflow_dispatch runs make baselines/, false);
  });

  it('has expired', async () => {
    await expectPassedOver({ expired: true }, /has expired/, false);
  });

  it('holds a corrupt results file', async () => {
    const truncated = JSON.stringify(syntheticResults('x')).slice(0, 300);
    await expectPassedOver({ content: truncated }, /could not be used: .*perfgate-results\.json is not valid JSON/, true);
  });

  it('is a corrupt zip archive', async () => {
    await expectPassedOver({ zip: Buffer.from('PK\u0003\u0004 this is not a zip archive at all') }, /could not be used: it is not a zip archive/, true);
  });

  it('holds a results file of a future schema version', async () => {
    const future = { ...syntheticResults('x'), schemaVersion: 3, somethingNew: true };
    await expectPassedOver(
      { content: JSON.stringify(future) },
      /could not be used: .*has schemaVersion 3, newer than this perfgate understands \(2\); upgrade perfgate/,
      true,
    );
  });
});
