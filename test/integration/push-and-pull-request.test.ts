import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUMAN_USER, startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fakeSha, pullRequestEvent, pushEvent, type RunActionResult } from '../support/run-action.js';
import { mermaidBlocks, parseChart } from '../helpers/mermaid.js';
import {
  BASELINE_ARTIFACT,
  MARKER,
  SUITE,
  artifactLeaks,
  artifactResults,
  readResults,
  removeRunDirs,
  runGate,
  secretLeaks,
  serverProcesses,
  useBundles,
} from './harness.js';

// A repository's life with perfgate, run by the built action against the fake GitHub: pushes to
// main store the baseline, pull requests are compared with it, commented on and gated. The tests
// build on each other in order (the pull requests need the baseline the pushes stored).

const bundles = useBundles();
let fake: FakeGitHub;
const runs: RunActionResult[] = [];
// Every run here gates CPU with a 50% threshold (one config, so the baselines stay comparable).
// What this file tests is the baseline, the comment and the gate's plumbing, not detection: an
// identical pull request in 6 rounds of 300 ms against another run's processes failed 1 of 7 full
// runs of the suite on the default 1.5% (2026-12-05; the cause not seen: the test did not print the run), and the regression below triples the CPU.
const INPUTS = { thresholds: 'cpu=50%' };
const first = fakeSha('push-1');
const second = fakeSha('push-2');

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
  removeRunDirs();
});

/** Comments on a pull request that carry this suite's marker. */
function perfgateComments(pr: number) {
  return fake.comments(pr).filter((c) => c.body.includes(MARKER));
}

function zipDownloads(): number[] {
  return fake.requests
    .filter((r) => r.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/\d+\/zip$/.test(r.path))
    .map((r) => Number(r.path.split('/')[6]));
}

describe('a push to the default branch', () => {
  it('uploads the baseline artifact, and the next push carries the first in its history', async () => {
    const one = await runGate({ fake, bundles, event: pushEvent({ sha: first }), inputs: INPUTS });
    runs.push(one);
    expect(one.stderr).not.toMatch(/::error::/);
    expect(one.code).toBe(0);
    expect(one.outputs.verdict).toBe('no-baseline');
    expect(one.leftoverProcesses).toBe(false);

    const [stored] = fake.artifacts(BASELINE_ARTIFACT);
    expect(stored?.workflowRun).toMatchObject({ id: one.runId, headBranch: 'main', headSha: first });
    const baseline = artifactResults(fake, stored!.id);
    expect(baseline).toMatchObject({ schemaVersion: 2, suite: SUITE, git: { sha: first, event: 'push', runId: String(one.runId) }, history: [] });
    const trials = baseline.scenarios[0]?.variants.head?.trials ?? [];
    expect(trials.length).toBeGreaterThanOrEqual(1);
    expect(trials.every((t) => t.requests > 0 && (t.cpuMsPerRequest ?? 0) > 0)).toBe(true);
    // The uploaded file is the run's own results file.
    expect(readResults(one.outputs['results-file']!).git.sha).toBe(first);
    // The summary of a push says so, and nothing is commented anywhere.
    expect(one.summary).toContain(MARKER);
    expect(one.stdout).toContain(`saved baseline artifact ${BASELINE_ARTIFACT}`);

    const two = await runGate({ fake, bundles, event: pushEvent({ sha: second, before: first }), inputs: INPUTS });
    runs.push(two);
    expect(two.code).toBe(0);
    const newest = fake.artifacts(BASELINE_ARTIFACT);
    expect(newest).toHaveLength(2);
    expect(newest[0]!.workflowRun.headSha).toBe(second);
    const next = artifactResults(fake, newest[0]!.id);
    expect(next.git.sha).toBe(second);
    expect(next.history).toHaveLength(1);
    expect(next.history[0]).toMatchObject({ sha: first, runId: String(one.runId) });
    expect(next.history[0]!.scenarios['GET /api/compute']?.cpuPerRequest).toBeGreaterThan(0);
    // The second push compared itself with the first: its summary shows the trend.
    expect(zipDownloads()).toEqual([stored!.id]);
    expect(two.outputs.verdict).not.toBe('no-baseline');
    expect(two.summary).toContain(`baseline \`${first.slice(0, 7)}\``);
    // ...and its chart: the first push (the baseline) and this one, as mermaid parses it.
    const trends = await Promise.all(mermaidBlocks(two.summary).map(parseChart));
    expect(trends.map((t) => [t.title, t.categories.length])).toEqual([['Trend over trusted runs (% of the oldest run shown)', 2]]);
    expect(trends[0]!.categories[1]).toBe('this run');
    expect(fake.unhandled()).toEqual([]);
  });
});

describe('a pull request', () => {
  it('is compared with the newest trusted baseline and gets one sticky comment, edited in place on a re-run past 100 other comments', async () => {
    const pr = 5;
    const headSha = fakeSha('pr-5-head');
    fake.addPull({ number: pr, headSha });
    for (let i = 0; i < 150; i++) fake.addComment(pr, { body: `comment ${i}`, user: HUMAN_USER });
    // Another suite's sticky comment and a reply quoting ours are not ours to edit.
    fake.addComment(pr, { body: `<!-- perfgate:${SUITE}-v2 -->\nanother suite` });
    const quoteOfOurs = fake.addComment(pr, { body: `> ${MARKER}\n> the report said...`, user: HUMAN_USER });
    const downloadsBefore = zipDownloads().length;

    const run = await runGate({ fake, bundles, event: pullRequestEvent({ number: pr, headSha }), inputs: INPUTS });
    runs.push(run);
    expect(run.code, run.stdout).toBe(0);
    expect(['pass', 'inconclusive']).toContain(run.outputs.verdict);
    // The newest trusted baseline (the second push) is the one downloaded and named.
    const newest = fake.artifacts(BASELINE_ARTIFACT)[0]!;
    expect(zipDownloads().slice(downloadsBefore)).toEqual([newest.id]);
    expect(run.stdout).toContain(`baseline: commit ${second}`);

    const ours = perfgateComments(pr).filter((c) => c.id !== quoteOfOurs.id);
    expect(ours).toHaveLength(1);
    const comment = ours[0]!;
    expect(comment.body.startsWith(MARKER)).toBe(true);
    expect(comment.body).toContain('| metric | baseline | head | change | 95% CI | p | status |');
    expect(comment.body).toContain(`stored baseline \`${second.slice(0, 7)}\``);
    expect(run.outputs['comment-url']).toBe(`https://github.com/octo-org/service/pull/${pr}#issuecomment-${comment.id}`);
    expect(run.summary).toContain('| metric | baseline | head | change | 95% CI | p | status |');
    // The job summary charts the trend of every scenario: the first push in the history, the second (the baseline), this run.
    const trends = await Promise.all(mermaidBlocks(run.summary).map(parseChart));
    expect(trends.map((t) => t.categories.length)).toEqual([3]);
    expect(fake.comments(pr)).toHaveLength(153);

    const rerun = await runGate({ fake, bundles, event: pullRequestEvent({ number: pr, headSha, action: 'synchronize' }), inputs: INPUTS });
    runs.push(rerun);
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(fake.comments(pr)).toHaveLength(153);
    const after = perfgateComments(pr).filter((c) => c.id !== quoteOfOurs.id);
    expect(after.map((c) => c.id)).toEqual([comment.id]);
    expect(rerun.outputs['comment-url']).toBe(run.outputs['comment-url']);
    // It was found on the second page and edited, not created again.
    const commentCalls = fake.requests.filter((r) => r.path.endsWith(`/issues/${pr}/comments`) || r.path.includes('/issues/comments/'));
    expect(commentCalls.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(commentCalls.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/octo-org/service/issues/comments/${comment.id}`,
    ]);
    expect(commentCalls.some((r) => r.method === 'GET' && r.query.page === '2')).toBe(true);
    expect(fake.comments(pr).find((c) => c.id === quoteOfOurs.id)?.body).toBe(`> ${MARKER}\n> the report said...`);
    expect(fake.unhandled()).toEqual([]);
  });

  it('fails the step on a regression, and passes visibly acknowledged once the label is set', async () => {
    const pr = 7;
    const headSha = fakeSha('pr-7-head');
    // The head triples the CPU each request of the service costs.
    const regressed = { ...INPUTS, env: 'EXTRA_CPU_PERCENT=200' };

    const failing = await runGate({ fake, bundles, event: pullRequestEvent({ number: pr, headSha }), inputs: regressed });
    runs.push(failing);
    expect(failing.outputs.verdict).toBe('fail');
    expect(failing.outputs.regressions).toBe('1');
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^::error::GET \/api\/compute: CPU per request regressed by \+\d+/m);
    expect(failing.stdout).toMatch(/^::error::perfgate: 1 regression fails this check; .* label perf-regression-accepted accepts it on purpose$/m);
    const [comment] = perfgateComments(pr);
    expect(comment?.body).toMatch(/### ❌ Fail — performance regressed/);
    expect(failing.leftoverProcesses).toBe(false);

    // A label added after the run: the re-run's payload is the original event's, without it.
    fake.setLabels(pr, ['perf-regression-accepted']);
    const acknowledged = await runGate({ fake, bundles, event: pullRequestEvent({ number: pr, headSha }), inputs: regressed });
    runs.push(acknowledged);
    expect(acknowledged.code).toBe(0);
    expect(acknowledged.stdout).not.toMatch(/^::error::/m);
    expect(acknowledged.stdout).toMatch(/^::warning::GET \/api\/compute: CPU per request regressed/m);
    expect(acknowledged.stdout).toContain('::notice::performance regression acknowledged by the label perf-regression-accepted');
    // The verdict output stays what was measured; the comment says it was accepted on purpose.
    expect(acknowledged.outputs.verdict).toBe('fail');
    const edited = perfgateComments(pr);
    expect(edited).toHaveLength(1);
    expect(edited[0]!.body).toContain('### ✅ Acknowledged regression (label `perf-regression-accepted`)');
    expect(edited[0]!.body).toContain('accepts this on purpose, so the check passes');
    expect(acknowledged.summary).toContain('Acknowledged regression');
  });
});

describe('the token', () => {
  it('appears nowhere in what any run printed or wrote, nor in the artifacts', () => {
    expect(runs.length).toBeGreaterThanOrEqual(6);
    for (const run of runs) expect(secretLeaks(run, fake.token)).toEqual([]);
    expect(artifactLeaks(fake, fake.token)).toEqual([]);
    // The runs did use it: every REST call carried it.
    expect(fake.requests.filter((r) => r.kind === 'rest').every((r) => r.headers.authorization === `token ${fake.token}`)).toBe(true);
    expect(serverProcesses()).toEqual([]);
  });
});
