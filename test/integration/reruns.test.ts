import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fakeSha, pullRequestEvent, pushEvent, workflowRunEvent } from '../support/run-action.js';
import { BASELINE_ARTIFACT, MARKER, SUITE, artifactResults, readResults, removeRunDirs, runGate, runReport, secretLeaks, useBundles } from './harness.js';

// "Re-run jobs" keeps the run id, and the artifacts an earlier attempt uploaded stay on the run:
// uploading the same name again answers 409. A re-run replaces its earlier attempt's artifact; two
// jobs of one attempt with the same suite are refused with an error that names the suite.

const bundles = useBundles();
const RESULTS_ARTIFACT = `perfgate-results-${SUITE}`;
/** Measurements are not the point here: keep each run short. */
const QUICK = { 'min-rounds': 1, 'max-rounds': 2 };

let fake: FakeGitHub;
/** How far the fake's clock runs ahead of the real one: a re-run starts well after its first attempt. */
let skewMs = 0;
beforeEach(async () => {
  skewMs = 0;
  fake = await startFakeGitHub({ now: () => new Date(Date.now() + skewMs) });
});
afterEach(async () => {
  await fake.close();
});
afterAll(() => removeRunDirs());

/** "Re-run jobs" of a finished run, a few minutes later. */
function rerunLater(runId: number): void {
  skewMs += 5 * 60_000;
  fake.rerun(runId);
}

/** The start of the error for two jobs of one attempt with the same suite; the run id follows. */
const SAME_SUITE = `the suite "${SUITE}" is used by two jobs \\(or steps\\) of workflow run`;

describe('a re-run of the push job on the default branch', () => {
  it('replaces the baseline its first attempt stored, and another job of the same attempt with the same suite is refused', async () => {
    const sha = fakeSha('push-rerun');
    const first = await runGate({ fake, bundles, event: pushEvent({ sha }), inputs: QUICK });
    expect(first.code).toBe(0);
    const [earlier] = fake.artifacts(BASELINE_ARTIFACT);
    expect(earlier?.workflowRun.id).toBe(first.runId);
    const firstResults = readResults(first.outputs['results-file']!);

    rerunLater(first.runId);
    const second = await runGate({ fake, bundles, event: pushEvent({ sha }), inputs: QUICK, runId: first.runId, jobId: 2 });
    expect(second.stdout).not.toMatch(/^::error::/m);
    expect(second.code).toBe(0);
    expect(second.env.GITHUB_RUN_ATTEMPT).toBe('2');
    expect(second.stdout).toContain(`replacing the artifact ${BASELINE_ARTIFACT} (#${earlier!.id}) that an earlier attempt of this run uploaded`);
    const stored = fake.artifacts(BASELINE_ARTIFACT);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).not.toBe(earlier!.id);
    expect(stored[0]!.workflowRun.id).toBe(first.runId);
    const secondResults = readResults(second.outputs['results-file']!);
    expect(secondResults.createdAt).not.toBe(firstResults.createdAt);
    const baseline = artifactResults(fake, stored[0]!.id);
    expect(baseline.createdAt).toBe(secondResults.createdAt);
    expect(baseline.scenarios).toEqual(secondResults.scenarios);
    // The first attempt is not an earlier baseline of the second: same run, same commit.
    expect(second.stdout).toContain(`passed over: artifact ${BASELINE_ARTIFACT} #${earlier!.id} was uploaded by an earlier attempt of this workflow run`);
    expect(second.outputs.verdict).toBe('no-baseline');
    expect(baseline.history).toEqual([]);

    // A second job of the same attempt (a matrix leg) with the same suite: refused, nothing replaced.
    const other = await runGate({ fake, bundles, event: pushEvent({ sha }), inputs: QUICK, runId: first.runId, jobId: 3 });
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(
      new RegExp(`^::error::could not store the baseline artifact ${BASELINE_ARTIFACT}: ${SAME_SUITE} ${first.runId}.*give each job its own \`suite\``, 'm'),
    );
    expect(fake.artifacts(BASELINE_ARTIFACT).map((a) => a.id)).toEqual([stored[0]!.id]);
    for (const r of [first, second, other]) expect(secretLeaks(r, fake.token)).toEqual([]);
    expect(fake.unhandled()).toEqual([]);
  });
});

describe('a re-run of a pull request job', () => {
  it("replaces the results artifact, so the report workflow comments with the second attempt's results", async () => {
    const pr = 31;
    const headSha = fakeSha('pr-31-rerun');
    const event = pullRequestEvent({ number: pr, headSha });
    const first = await runGate({ fake, bundles, event, inputs: QUICK });
    expect(first.code).toBe(0);
    const [earlier] = fake.artifacts(RESULTS_ARTIFACT);
    expect(earlier?.workflowRun.id).toBe(first.runId);

    rerunLater(first.runId);
    const second = await runGate({ fake, bundles, event, inputs: QUICK, runId: first.runId, jobId: 2 });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/^::warning::could not upload the results artifact/m);
    expect(second.stdout).toContain(`replacing the artifact ${RESULTS_ARTIFACT} (#${earlier!.id}) that an earlier attempt of this run uploaded`);
    const replaced = fake.artifacts(RESULTS_ARTIFACT);
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.id).not.toBe(earlier!.id);
    const uploaded = artifactResults(fake, replaced[0]!.id);
    expect(uploaded.createdAt).toBe(readResults(second.outputs['results-file']!).createdAt);
    expect(uploaded.createdAt).not.toBe(readResults(first.outputs['results-file']!).createdAt);

    // The report workflow runs when the re-run completes and reads what is on the run now.
    const report = await runReport({
      fake,
      bundles,
      event: workflowRunEvent({ runId: first.runId, headSha, headBranch: `feature-${pr}`, pullRequests: [{ number: pr, headSha }] }),
      inputs: { mode: 'report', suite: SUITE, gate: 'cpu' },
    });
    expect(report.code).toBe(0);
    const downloads = fake.requests.filter((r) => /\/actions\/artifacts\/\d+\/zip$/.test(r.path)).map((r) => Number(r.path.split('/')[6]));
    expect(downloads).toEqual([replaced[0]!.id]);
    const comment = fake.comments(pr).find((c) => c.body.startsWith(MARKER));
    expect(comment?.body).toContain(`reported from workflow run ${report.runId} for run ${first.runId}`);
  });

  it('in the first attempt, a second job with the same suite fails with an error naming the suite', async () => {
    const pr = 32;
    const event = pullRequestEvent({ number: pr, headSha: fakeSha('pr-32') });
    const first = await runGate({ fake, bundles, event, inputs: QUICK });
    expect(first.code).toBe(0);
    const [uploaded] = fake.artifacts(RESULTS_ARTIFACT);

    const other = await runGate({ fake, bundles, event, inputs: QUICK, runId: first.runId, jobId: 2 });
    expect(other.env.GITHUB_RUN_ATTEMPT).toBe('1');
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(new RegExp(`^::error::${SAME_SUITE} ${first.runId}.*give each job its own \`suite\``, 'm'));
    // The first job's results stay what the report workflow reads.
    expect(fake.artifacts(RESULTS_ARTIFACT).map((a) => a.id)).toEqual([uploaded!.id]);
  });
});
