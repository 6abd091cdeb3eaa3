import { expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.js';
import { fakeSha, pullRequestEvent, pushEvent } from '../support/run-action.js';
import { BASELINE_ARTIFACT, MARKER, artifactLeaks, readResults, runGate, secretLeaks, useBundles, useFakeGitHub } from './harness.js';

// Requests to GitHub fail: the run must say so clearly and decide as the design says, and the token
// must not leak even when the runner asks for debug logs and the clients print their errors.

const bundles = useBundles();
let fake: FakeGitHub;
useFakeGitHub((f) => (fake = f));

const debug = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' };
const oneRound = { 'min-rounds': 1, 'max-rounds': 1 };

it('the token appears nowhere in stdout, stderr, the summary, the outputs or any file a run wrote, with debug logs and failing requests', async () => {
  const push = await runGate({ fake, bundles, event: pushEvent({ sha: fakeSha('token-push') }), inputs: oneRound, env: debug });
  expect(push.code).toBe(0);
  expect(push.stdout).toContain('::debug::');

  const lists = fake.fail({ method: 'GET', path: '/repos/octo-org/service/actions/artifacts' }, { status: 502, times: Infinity });
  const posts = fake.fail({ method: 'POST', path: /\/issues\/\d+\/comments$/ }, { status: 500, times: Infinity });
  const pr = await runGate({ fake, bundles, event: pullRequestEvent({ number: 41, headSha: fakeSha('token-pr') }), inputs: oneRound, env: debug });

  // The failures were met and reported, not crashed on: the clients retried, then gave up.
  expect(lists.hits).toBeGreaterThan(1);
  expect(posts.hits).toBeGreaterThan(1);
  expect(pr.code).toBe(0);
  expect(pr.outputs.verdict).toBe('no-baseline');
  expect(pr.stdout).toMatch(/^::warning::no baseline: the baseline could not be looked up: /m);
  expect(pr.stdout).toMatch(/^::warning::could not comment on pull request #41: .*; the report is in the job summary/m);

  for (const run of [push, pr]) {
    // The run did have it, as the runner passes it: the default of the token input.
    expect(run.env.INPUT_TOKEN).toBe(fake.token);
    expect(secretLeaks(run, fake.token)).toEqual([]);
    expect(JSON.stringify(readResults(run.outputs['results-file']!))).not.toContain(fake.token);
  }
  expect(artifactLeaks(fake, fake.token)).toEqual([]);
  expect(fake.requests.some((r) => r.headers.authorization === `token ${fake.token}`)).toBe(true);
});

it('fails a push whose baseline cannot be stored, after writing its summary and outputs', async () => {
  // A status the artifact client does not retry.
  const refused = fake.fail({ kind: 'twirp', path: /CreateArtifact$/ }, { status: 403, times: Infinity, body: { code: 'permission_denied', msg: 'no' } });
  const push = await runGate({ fake, bundles, event: pushEvent({ sha: fakeSha('unsaved') }), inputs: oneRound });
  expect(refused.hits).toBeGreaterThanOrEqual(1);
  expect(push.code).toBe(1);
  expect(push.stdout).toMatch(new RegExp(`^::error::could not store the baseline artifact ${BASELINE_ARTIFACT}: `, 'm'));
  expect(push.stdout).not.toContain('perfgate failed unexpectedly');
  expect(push.summary).toContain(MARKER);
  expect(push.outputs.verdict).toBe('no-baseline');
  expect(fake.artifacts(BASELINE_ARTIFACT)).toEqual([]);
  expect(secretLeaks(push, fake.token)).toEqual([]);
});
