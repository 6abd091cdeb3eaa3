import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { suiteConfigHash } from '../../src/pipeline.js';
import type { Results } from '../../src/results/schema.js';
import { findFreePort } from '../../src/service/index.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { REPO_ROOT, fakeSha, pullRequestEvent, pushEvent, runAction, type ActionEvent, type RunActionResult } from '../support/run-action.js';
import { BASELINE_ARTIFACT, MARKER, SUITE, artifactResults, readResults, removeRunDirs, secretLeaks, syntheticResults, useBundles } from './harness.js';

// A suite split over a matrix: shard jobs measure and upload, one merge job of the same run
// downloads them, analyses them as one family, comments, gates and stores one baseline. Tiny
// trials on the example service: these check the plumbing, not detection.

const bundles = useBundles();
const SERVER = join(REPO_ROOT, 'examples', 'service', 'server.mjs');
const SCENARIOS = ['items', 'compute', 'health'];
const shardArtifact = (k: number, n = 3) => `perfgate-results-${SUITE}-shard-${k}-of-${n}`;

let port = 0;
let configText = '';
let hash = '';
const dirs: string[] = [];

beforeAll(async () => {
  // One port for every job: the scenarios' URLs are part of the configuration the shards must share.
  port = await findFreePort();
  configText = [
    `suite: ${SUITE}`,
    `start: node ${SERVER}`,
    `port: ${port}`,
    `ready-url: http://127.0.0.1:${port}/health`,
    'ready-timeout: 20s',
    'warmup: 100ms',
    'duration: 150ms',
    'connections: 2',
    'gate: cpu',
    'min-rounds: 1',
    'max-rounds: 1',
    'rounds-per-process: 1',
    'scenarios:',
    '  - { name: items, path: /api/items }',
    '  - { name: compute, path: /api/compute }',
    '  - { name: health, path: /health }',
    '',
  ].join('\n');
  hash = suiteConfigHash(loadConfig({ fileText: configText }));
});

let fake: FakeGitHub;
let skewMs = 0;
beforeEach(async () => {
  skewMs = 0;
  fake = await startFakeGitHub({ now: () => new Date(Date.now() + skewMs) });
});
afterEach(async () => {
  await fake.close();
});
afterAll(() => {
  removeRunDirs();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One job of the workflow, in a checkout of its own holding the shared perfgate.yml. */
async function job(event: ActionEvent, inputs: Record<string, string>, at: { runId?: number; jobId?: number } = {}): Promise<RunActionResult> {
  const workspace = mkdtempSync(join(tmpdir(), 'perfgate-shards-'));
  dirs.push(workspace);
  writeFileSync(join(workspace, 'perfgate.yml'), configText);
  const r = await runAction({
    fake,
    event,
    entry: bundles.index,
    cwd: workspace,
    inputs: { config: 'perfgate.yml', ...inputs },
    env: { PERFGATE_RETRY_BASE_MS: '1' },
    ...(at.runId !== undefined ? { runId: at.runId } : {}),
    ...(at.jobId !== undefined ? { jobId: at.jobId } : {}),
  });
  dirs.push(r.tmpDir);
  return r;
}

/** The three shard jobs of one run (the first creates the run); its merge job is `merge()`. */
async function matrixRun(event: ActionEvent): Promise<{ shards: RunActionResult[]; merge(): Promise<RunActionResult>; runId: number }> {
  const shards: RunActionResult[] = [];
  for (let k = 1; k <= 3; k++) {
    const runId = shards[0]?.runId;
    shards.push(await job(event, { shard: `${k}/3` }, runId !== undefined ? { runId, jobId: k } : {}));
  }
  const runId = shards[0]!.runId;
  return { shards, runId, merge: () => job(event, { mode: 'merge' }, { runId, jobId: 4 }) };
}

function expectClean(r: RunActionResult): void {
  expect(r.stdout).not.toMatch(/^::error::/m);
  expect(r.code).toBe(0);
  expect(r.leftoverProcesses).toBe(false);
  expect(secretLeaks(r, fake.token)).toEqual([]);
}

describe('a matrix of shard jobs and a merge job', { timeout: 120_000 }, () => {
  it('on a push stores one combined baseline; on the next pull request merges, compares with it, comments once; a re-run shard replaces its results', async () => {
    const pushSha = fakeSha('shards-push');
    const push = await matrixRun(pushEvent({ sha: pushSha }));
    for (const s of push.shards) {
      expectClean(s);
      // A shard measures only: no verdict, no comment, no baseline.
      expect(s.outputs.verdict ?? '').toBe('');
    }
    const perShard = push.shards.map((s) => readResults(s.outputs['results-file']!));
    expect(perShard.map((r) => r.shard?.scenarios)).toEqual([['compute'], ['health'], ['items']]);
    expect(perShard.map((r) => r.scenarios.map((s) => s.name))).toEqual([['compute'], ['health'], ['items']]);
    expect(perShard.every((r) => r.shard?.configHash === hash && r.configHash === hash && r.shard.runId === String(push.runId))).toBe(true);
    expect(perShard.map((r) => r.analysis)).toEqual([undefined, undefined, undefined]);
    expect(fake.artifacts().map((a) => a.name).sort()).toEqual([1, 2, 3].map((k) => shardArtifact(k)));

    const pushMerge = await push.merge();
    expectClean(pushMerge);
    const stored = fake.artifacts(BASELINE_ARTIFACT);
    expect(stored).toHaveLength(1);
    const baseline = artifactResults(fake, stored[0]!.id);
    expect(baseline.scenarios.map((s) => s.name)).toEqual(SCENARIOS);
    expect(baseline.shards?.map((s) => [s.index, s.scenarios])).toEqual([[1, ['compute']], [2, ['health']], [3, ['items']]]);
    expect(baseline.configHash).toBe(hash);
    for (const name of SCENARIOS) {
      const trials = baseline.scenarios.find((s) => s.name === name)!.variants.head!.trials;
      const measured = perShard.find((r) => r.scenarios[0]!.name === name)!.scenarios[0]!.variants.head!.trials;
      expect(trials).toEqual(measured);
    }

    const pr = 41;
    const headSha = fakeSha('shards-pr');
    const event = pullRequestEvent({ number: pr, headSha });
    const run = await matrixRun(event);
    for (const s of run.shards) expectClean(s);
    expect(fake.comments(pr)).toHaveLength(0);
    const merge = await run.merge();
    expectClean(merge);
    expect(merge.stdout).toContain(`baseline: commit ${pushSha}`);
    expect(['pass', 'inconclusive']).toContain(merge.outputs.verdict);
    const merged = readResults(merge.outputs['results-file']!);
    expect(merged.scenarios.map((s) => s.name)).toEqual(SCENARIOS);
    expect(merged.shards?.map((s) => s.runId)).toEqual([String(run.runId), String(run.runId), String(run.runId)]);
    const analysis = merged.analysis as { verdict: string; scenarios: { name: string; metrics: { metric: string; baseline: number | null }[] }[] };
    expect(analysis.verdict).toBe(merge.outputs.verdict);
    // Every scenario of every shard was compared with the combined baseline.
    expect(analysis.scenarios.map((s) => s.name)).toEqual(SCENARIOS);
    for (const s of analysis.scenarios) expect(s.metrics.find((m) => m.metric === 'cpuPerRequest')!.baseline).not.toBeNull();
    const comments = fake.comments(pr).filter((c) => c.body.startsWith(MARKER));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/Measured in 3 shards, merged into one analysis: shard 1\/3 on .*`compute`; shard 2\/3 on .*`health`; shard 3\/3 on .*`items`\./);
    // How to measure it again locally: shard by shard, merged, compared as the merge job did.
    expect(comments[0]!.body).toContain('--shard $k/N --output shard-$k.json; done && npx perfgate merge shard-*.json --output merged.json && npx perfgate baseline fetch');
    expect(merge.summary).toContain('Measured in 3 shards');

    // "Re-run jobs" of shard 2 alone, later: its artifact is replaced, and the merge re-run uses it.
    skewMs += 5 * 60_000;
    fake.rerun(run.runId);
    const [before] = fake.artifacts(shardArtifact(2));
    const again = await job(event, { shard: '2/3' }, { runId: run.runId, jobId: 5 });
    expectClean(again);
    expect(again.stdout).toContain(`replacing the artifact ${shardArtifact(2)} (#${before!.id}) that an earlier attempt of this run uploaded`);
    const merge2 = await job(event, { mode: 'merge' }, { runId: run.runId, jobId: 6 });
    expectClean(merge2);
    const remerged = readResults(merge2.outputs['results-file']!);
    expect(remerged.shards?.map((s) => s.attempt)).toEqual([1, 2, 1]);
    const rerunTrials = readResults(again.outputs['results-file']!).scenarios[0]!.variants.head!.trials;
    expect(remerged.scenarios.find((s) => s.name === 'health')!.variants.head!.trials).toEqual(rerunTrials);
    // The sticky comment is updated in place, not posted twice.
    expect(fake.comments(pr).filter((c) => c.body.startsWith(MARKER)).map((c) => c.id)).toEqual([comments[0]!.id]);
    expect(fake.unhandled()).toEqual([]);
  });
});

/** A shard's results of the merge's suite, without measuring: made-up trials, as the seeded baselines. */
function shardResults(index: number, opts: { runId: number; attempt?: number; configHash?: string; scenario?: string; cpuMs?: number }): string {
  const base = syntheticResults(fakeSha('seeded'), { cpuMs: opts.cpuMs ?? 0.45 });
  const scenario = opts.scenario ?? SCENARIOS[index - 1]!;
  const results: Results = {
    ...base,
    git: { ...base.git, runId: String(opts.runId), event: 'pull_request' },
    configHash: opts.configHash ?? hash,
    scenarios: [{ ...base.scenarios[0]!, name: scenario }],
    shard: {
      index,
      count: 3,
      runId: String(opts.runId),
      attempt: opts.attempt ?? 1,
      configHash: opts.configHash ?? hash,
      scenarios: [scenario],
      environment: base.environment,
      createdAt: base.createdAt,
    },
  };
  return JSON.stringify(results);
}

describe('the merge job refuses shards that do not make one suite, naming which', { timeout: 60_000 }, () => {
  function prRun(number: number) {
    const headSha = fakeSha(`seeded-${number}`);
    const run = fake.addRun({ event: 'pull_request', headBranch: `feature-${number}`, headSha });
    return { run, event: pullRequestEvent({ number, headSha }) };
  }

  it('a missing shard', async () => {
    const { run, event } = prRun(51);
    for (const k of [1, 3]) fake.addArtifact({ name: shardArtifact(k), runId: run.id, content: shardResults(k, { runId: run.id }) });
    const r = await job(event, { mode: 'merge' }, { runId: run.id, jobId: 9 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::cannot merge the shards \(2 problems\):%0A {2}- shard 2\/3 is missing \(given: 1\/3, 3\/3\)%0A {2}- a shard job that failed/m);
    expect(fake.comments(51)).toHaveLength(0);
  });

  it('mismatched config hashes', async () => {
    const { run, event } = prRun(52);
    fake.addArtifact({ name: shardArtifact(1), runId: run.id, content: shardResults(1, { runId: run.id }) });
    fake.addArtifact({ name: shardArtifact(2), runId: run.id, content: shardResults(2, { runId: run.id, configHash: 'other0hash' }) });
    fake.addArtifact({ name: shardArtifact(3), runId: run.id, content: shardResults(3, { runId: run.id }) });
    const r = await job(event, { mode: 'merge' }, { runId: run.id, jobId: 9 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `::error::cannot merge the shards: shard 2/3 (artifact ${shardArtifact(2)} #`,
    );
    expect(r.stdout).toMatch(new RegExp(`was measured with config hash other0hash, shard 1/3 \\(artifact ${shardArtifact(1)} #\\d+\\) with ${hash}: the shard jobs ran different configurations`));
    expect(fake.comments(52)).toHaveLength(0);
  });

  it('shard jobs that disagree on N', async () => {
    const { run, event } = prRun(56);
    fake.addArtifact({ name: shardArtifact(1), runId: run.id, content: shardResults(1, { runId: run.id }) });
    fake.addArtifact({ name: shardArtifact(2, 4), runId: run.id, content: shardResults(2, { runId: run.id }) });
    const r = await job(event, { mode: 'merge' }, { runId: run.id, jobId: 9 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `::error::cannot merge the shards: the shard artifacts of run ${run.id} split the suite in different ways (${shardArtifact(1)}, ${shardArtifact(2, 4)}); every job of the matrix must say the same N`,
    );
  });

  it("ignores another run's shard artifacts and an older attempt's upload of a shard", async () => {
    const { run, event } = prRun(53);
    // Another run's full set, of another configuration: taking any of it would fail the merge.
    const other = fake.addRun({ event: 'pull_request', headBranch: 'feature-other', headSha: fakeSha('other-run') });
    for (const k of [1, 2, 3]) fake.addArtifact({ name: shardArtifact(k), runId: other.id, content: shardResults(k, { runId: other.id, configHash: 'other0hash' }), createdAt: new Date(Date.now() + 60_000) });
    // Shard 2 uploaded twice in this run: attempt 1 (which measured "compute" a second time) and attempt 2.
    const old = fake.addArtifact({ name: shardArtifact(2), runId: run.id, content: shardResults(2, { runId: run.id, scenario: 'compute' }), createdAt: new Date(Date.now() - 60_000) });
    for (const k of [1, 2, 3]) fake.addArtifact({ name: shardArtifact(k), runId: run.id, content: shardResults(k, { runId: run.id, attempt: k === 2 ? 2 : 1 }) });
    const r = await job(event, { mode: 'merge', 'require-baseline': 'false' }, { runId: run.id, jobId: 9 });
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`passed over: artifact ${shardArtifact(2)} #${old.id}: an older upload of the same shard`);
    const merged = readResults(r.outputs['results-file']!);
    expect(merged.scenarios.map((s) => s.name)).toEqual(SCENARIOS);
    expect(merged.shards?.map((s) => [s.runId, s.attempt])).toEqual([[String(run.id), 1], [String(run.id), 2], [String(run.id), 1]]);
    expect(r.outputs.verdict).toBe('no-baseline');
    const downloads = fake.requests.filter((q) => /\/actions\/artifacts\/\d+\/zip$/.test(q.path)).map((q) => Number(q.path.split('/')[6]));
    const ours = fake.artifacts().filter((a) => a.workflowRun.id === run.id && a.name.includes('-shard-') && a.id !== old.id).map((a) => a.id);
    expect(downloads.sort()).toEqual(ours.sort());
  });

  it('two jobs of one attempt measuring the same shard: the second fails, naming the shard, and leaves the first upload', async () => {
    const { run, event } = prRun(55);
    const first = fake.addArtifact({ name: shardArtifact(1), runId: run.id, content: shardResults(1, { runId: run.id }) });
    const r = await job(event, { shard: '1/3' }, { runId: run.id, jobId: 9 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `::error::shard 1/3 of suite "${SUITE}" is measured by two jobs of workflow run ${run.id}: another one already uploaded ${shardArtifact(1)} in this attempt; ` +
        'give every job of the matrix its own K in `shard: K/3`',
    );
    expect(fake.artifacts(shardArtifact(1)).map((a) => a.id)).toEqual([first.id]);
    expect(r.leftoverProcesses).toBe(false);
  });

  it('a shard input that is not K/N, naming the input, the value and what is expected', async () => {
    const { run, event } = prRun(54);
    const r = await job(event, { shard: '4/3' }, { runId: run.id, jobId: 9 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('input "shard": "4/3" is not a shard of 3; expected K/N with 1 ≤ K ≤ N');
  });
});
