import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadSettings } from '../../src/results/load-settings.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fakeSha, pullRequestEvent, pushEvent } from '../support/run-action.js';
import {
  BASELINE_ARTIFACT,
  MARKER,
  artifactResults,
  removeRunDirs,
  runGate,
  seedBaseline,
  serverProcesses,
  syntheticResults,
  useBundles,
} from './harness.js';

// Issue 16.6 through the built action: a trusted push whose load settings differ from the stored
// baseline's starts a fresh history for the scenario, and a pull request measured under other
// settings than the baseline is told so instead of being failed for the change of load.

const bundles = useBundles();
let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
  removeRunDirs();
});

const SCENARIO = 'GET /api/compute';
/** What harness.serviceInputs measures under, but with 16 connections instead of 4. */
const SIXTEEN: LoadSettings = {
  profile: 'closed', connections: 16, rate: null, durationMs: 300, requestTimeoutMs: 10_000,
  method: 'GET', path: '/api/compute', headers: {}, body: null, expectStatus: '2xx',
};

describe('load settings in artifact mode (built action)', () => {
  it('a push with other connections starts the scenario\'s history afresh; a pull request with other connections is not tested on latency, throughput or CPU', async () => {
    const oldSha = fakeSha('old-baseline');
    const seeded = syntheticResults(oldSha);
    const earlier = [0.44, 0.45, 0.46].map((cpu, i) => ({
      sha: fakeSha(`older-${i}`), runId: String(i), createdAt: '2024-12-01T00:00:00Z', environment: null,
      scenarios: { [SCENARIO]: { cpuPerRequest: cpu, throughput: 3300, p50: 1 } },
    }));
    seedBaseline(fake, {
      sha: oldSha,
      content: JSON.stringify({ ...seeded, scenarios: seeded.scenarios.map((s) => ({ ...s, loadSettings: SIXTEEN })), history: earlier }),
    });

    const sha = fakeSha('push-with-4-connections');
    const push = await runGate({ fake, bundles, event: pushEvent({ sha, before: oldSha }), inputs: { 'min-rounds': 2, 'max-rounds': 2 } });
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toContain(`baseline: commit ${oldSha}`);
    const stored = artifactResults(fake, fake.artifacts(BASELINE_ARTIFACT)[0]!.id);
    expect(stored.git.sha).toBe(sha);
    expect(stored.scenarios[0]!.loadSettings).toEqual({ ...SIXTEEN, connections: 4 });
    // The seeded baseline and its three earlier runs were all measured under 16 connections.
    expect(stored.history).toEqual([]);
    // Its summary compares with the old baseline and says why latency and throughput are not tested.
    expect(push.summary).toContain("Load settings differ from the baseline's (baseline → this run): connections 16 → 4.");
    expect(push.summary).toContain('| throughput |');
    expect(push.summary).toMatch(/\| throughput \|[^\n]*\| ⏭️ not comparable \|/);

    // A pull request that halves the connections; the harness gates on CPU per request alone,
    // which another offered load invalidates too.
    const pr = 31;
    const run = await runGate({
      fake,
      bundles,
      event: pullRequestEvent({ number: pr, headSha: fakeSha('pr-31') }),
      inputs: { connections: 2, 'min-rounds': 2, 'max-rounds': 2 },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs.regressions).toBe('0');
    const comment = fake.comments(pr).find((c) => c.body.startsWith(MARKER))!.body;
    expect(comment).toContain('### ✅ Pass — no performance regression');
    expect(comment).toContain('Nothing regressed. 1 gated metric was not compared: measured under other load settings than the baseline.');
    expect(comment).toContain("> ⚠️ Load settings differ from the baseline's (baseline → this run): connections 4 → 2.");
    expect(comment).toMatch(/\| p50 latency \|[^\n]*\| ⏭️ not comparable \|/);
    expect(comment).toMatch(/\| CPU per request \|[^\n]*\| ⏭️ not comparable \|/);
    // The error rate is still tested (shown, not gated).
    expect(comment).toMatch(/\| error rate \|[^\n]*\| (✅|⚠️) [a-z]+ \(not gated\) \|/);
    expect(serverProcesses()).toEqual([]);
    expect(fake.unhandled()).toEqual([]);
  });
});
