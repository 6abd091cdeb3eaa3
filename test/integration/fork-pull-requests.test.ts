import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.js';
import { fakeSha, pullRequestEvent, workflowRunEvent } from '../support/run-action.js';
import {
  MARKER,
  SUITE,
  runGate,
  runReport,
  secretLeaks,
  seedBaseline,
  serverProcesses,
  syntheticResults,
  useBundles,
  useFakeGitHub,
} from './harness.js';

// Pull requests from forks get a read-only token: commenting answers 403. The gate must still
// decide and exit as it would have, with a warning and the report in the job summary; the
// workflow_run pattern (`mode: report`) then comments from the base repository.

const bundles = useBundles();
let fake: FakeGitHub;
useFakeGitHub((f) => (fake = f));

const COMMENTS_PATH = /^\/repos\/octo-org\/service\/issues\/\d+\/comments$/;

/** A trusted baseline whose CPU per request is a small fraction of what the example service costs. */
function seedCheapBaseline(): string {
  const sha = fakeSha('cheap-baseline');
  seedBaseline(fake, { sha, content: JSON.stringify(syntheticResults(sha, { cpuMs: 0.02, createdAt: new Date().toISOString() })) });
  return sha;
}

describe('a read-only token (403 on commenting)', () => {
  it('leaves a fail verdict and its exit status as they are, with a warning and the summary', async () => {
    seedCheapBaseline();
    const refused = fake.fail({ method: 'POST', path: COMMENTS_PATH }, { status: 403, times: Infinity });
    const pr = 11;

    const run = await runGate({ fake, bundles, event: pullRequestEvent({ number: pr, headSha: fakeSha('pr-11'), fork: true }) });

    expect(refused.hits).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::GET \/api\/compute: CPU per request regressed by \+/m);
    expect(run.stdout).toMatch(/^::warning::could not comment on pull request #11 \(HTTP 403\): the token is read-only/m);
    expect(run.stdout).not.toContain('perfgate failed unexpectedly');
    expect(run.stderr).toBe('');
    expect(run.summary).toContain(MARKER);
    expect(run.summary).toContain('Fail — performance regressed');
    expect(run.outputs['comment-url']).toBe('');
    expect(fake.comments(pr)).toEqual([]);
    expect(secretLeaks(run, fake.token)).toEqual([]);
    expect(serverProcesses()).toEqual([]);
  });

  it('leaves a passing run passing', async () => {
    fake.fail({ method: 'POST', path: COMMENTS_PATH }, { status: 403, times: Infinity });
    const run = await runGate({
      fake,
      bundles,
      event: pullRequestEvent({ number: 12, headSha: fakeSha('pr-12'), fork: true }),
      inputs: { 'min-rounds': 1, 'max-rounds': 1 },
    });
    expect(run.outputs.verdict).toBe('no-baseline');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::warning::could not comment on pull request #12 \(HTTP 403\)/m);
    expect(run.summary).toContain('No baseline');
    expect(secretLeaks(run, fake.token)).toEqual([]);
  });
});

describe('mode: report (workflow_run)', () => {
  it("comments with the fork run's results after checking they belong to the pull request's head, and refuses when they do not", async () => {
    const baselineSha = seedCheapBaseline();
    const pr = 9;
    const headSha = fakeSha('fork-head-9');
    fake.fail({ method: 'POST', path: COMMENTS_PATH }, { status: 403, times: 1 });

    const prRun = await runGate({
      fake,
      bundles,
      event: pullRequestEvent({ number: pr, headSha, fork: true }),
      inputs: { 'fail-on-regression': false },
    });
    expect(prRun.code).toBe(0);
    expect(prRun.outputs.verdict).toBe('fail');
    expect(fake.comments(pr)).toEqual([]);
    const [uploaded] = fake.artifacts(`perfgate-results-${SUITE}`);
    expect(uploaded?.workflowRun.id).toBe(prRun.runId);
    const files = fake.artifactFiles(uploaded!.id);
    expect(Object.keys(files).sort()).toEqual([`perfgate-pr-${SUITE}.json`, 'perfgate-results.json']);
    expect(JSON.parse(files[`perfgate-pr-${SUITE}.json`]!.toString())).toEqual({ pullRequest: pr, headSha });
    expect(JSON.parse(files['perfgate-results.json']!.toString()).git.sha).toBe(headSha);

    // GitHub lists no pull requests on a fork's run; the artifact names it and the SHA proves it.
    const event = workflowRunEvent({ runId: prRun.runId, headSha, headBranch: `feature-${pr}`, fork: true });
    const report = await runReport({ fake, bundles, event, inputs: { mode: 'report', suite: SUITE, gate: 'cpu' } });
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    const [comment] = fake.comments(pr);
    expect(fake.comments(pr)).toHaveLength(1);
    expect(comment!.body.startsWith(MARKER)).toBe(true);
    expect(comment!.body).toContain(`head \`${headSha.slice(0, 7)}\` against the stored baseline \`${baselineSha.slice(0, 7)}\``);
    expect(comment!.body).toContain(`reported from workflow run ${report.runId} for run ${prRun.runId}`);
    // The same head against the same baseline: the same verdict as the pull request's own run.
    expect(report.outputs.verdict).toBe(prRun.outputs.verdict);
    expect(report.outputs['comment-url']).toBe(`https://github.com/octo-org/service/pull/${pr}#issuecomment-${comment!.id}`);
    expect(report.summary).toContain(MARKER);

    // A newer push to the pull request: these results no longer describe its head.
    const pull = fake.pull(pr)!;
    pull.headSha = fakeSha('fork-head-9-newer');
    const stale = await runReport({ fake, bundles, event, inputs: { mode: 'report', suite: SUITE } });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(
      `::error::the results of run ${prRun.runId} do not belong to the head of pull request #${pr}: the run built ${headSha}, ` +
        `the results name ${headSha}, and the pull request's head is now ${pull.headSha}; not commenting`,
    );
    expect(fake.comments(pr)).toHaveLength(1);
    expect(fake.comments(pr)[0]!.body).toBe(comment!.body);
    expect(stale.outputs.verdict).toBeUndefined();

    for (const r of [prRun, report, stale]) expect(secretLeaks(r, fake.token)).toEqual([]);
  });

  it('reports nothing for a run that was not a pull request', async () => {
    const run = fake.addRun({ event: 'push', headBranch: 'main' });
    const event = workflowRunEvent({ runId: run.id, headSha: run.headSha, headBranch: 'main', event: 'push' });
    const report = await runReport({ fake, bundles, event, inputs: { mode: 'report', suite: SUITE } });
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(`run ${run.id} was started by push, not by a pull request; nothing to report`);
    expect(fake.requests.filter((r) => r.kind === 'rest')).toEqual([]);
    expect(secretLeaks(report, fake.token)).toEqual([]);
  });
});
