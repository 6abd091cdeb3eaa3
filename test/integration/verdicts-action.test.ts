import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { REPO_ROOT, fakeSha, pullRequestEvent, runAction, type RunActionResult } from '../support/run-action.js';
import { findFreePort } from '../../src/service/index.js';
import type { Analysis } from '../../src/analyze/types.js';
import { exampleAbConfig } from '../helpers/example-ab.js';
import { readResults, removeRunDirs, serverProcesses, useBundles } from './harness.js';

// The verdicts of test/e2e/verdicts.test.ts, this time from the built action on a pull request
// against the fake GitHub: the example service twice side by side (compare: variants), the head
// with a known injected change, the verdict in the outputs, the exit code, the annotations and the
// sticky comment. Short trials and widened thresholds keep it quick; what the defaults detect is
// measured by `npm run bench`.

const bundles = useBundles();
const SERVER = join(REPO_ROOT, 'examples', 'service', 'server.mjs');
let fake: FakeGitHub;
const dirs: string[] = [];
let pr = 40;

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
  removeRunDirs();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function gate(name: string, opts: { headEnv: Record<string, string>; scenarios: string[]; extra?: string; gate?: string }): Promise<RunActionResult & { analysis: Analysis; comment: string }> {
  const workspace = mkdtempSync(join(tmpdir(), `perfgate-verdict-${name}-`));
  dirs.push(workspace);
  const port = await findFreePort();
  writeFileSync(join(workspace, 'perfgate.yml'), exampleAbConfig({ suite: name, start: `node ${SERVER}`, port, ...opts }));
  const number = pr++;
  const r = await runAction({
    fake,
    event: pullRequestEvent({ number, headSha: fakeSha(`verdict-${name}`) }),
    entry: bundles.index,
    cwd: workspace,
    inputs: { config: 'perfgate.yml' },
    env: { PERFGATE_RETRY_BASE_MS: '1' },
  });
  const results = readResults(join(workspace, 'perfgate-results.json'));
  const comment = fake.comments(number).find((c) => c.body.includes(`<!-- perfgate:${name} -->`))?.body ?? '';
  expect(r.leftoverProcesses).toBe(false);
  return { ...r, analysis: results.analysis as Analysis, comment };
}

const regressedIn = (a: Analysis, scenario: string) =>
  a.scenarios.find((s) => s.name === scenario)!.metrics.filter((m) => m.gated && m.status === 'regressed').map((m) => m.metric);

describe('verdicts of the built action on a pull request (compare: variants)', { timeout: 120_000 }, () => {
  it('A/A never fails: pass or inconclusive, exit 0, no error annotation, a comment that says so', async () => {
    // "pass" needs every interval inside its threshold, which depends on the machine's noise; that
    // identical code never fails the check must hold on any machine.
    const r = await gate('aa', { headEnv: {}, scenarios: ['compute'] });
    expect(['pass', 'inconclusive'], r.stdout).toContain(r.outputs.verdict);
    expect(r.outputs.regressions).toBe('0');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(r.comment).toMatch(r.outputs.verdict === 'pass' ? /^### ✅ Pass/m : /^### ⚠️ Inconclusive/m);
    expect(r.comment).toMatch(/\*\*Processes:\*\* a fresh process of each service every round: \d+ per variant/);
  });

  it('a head with more CPU, errors and a broken budget fails on each, one annotation per failure', async () => {
    // One run for what the CLI tests take several runs for, on one endpoint (each scenario adds a
    // trial per variant to every round): /api/slow, whose 10 ms timer breaks a 5 ms p99 budget, with
    // 200 µs of CPU added to its few tens (an unmistakable CPU regression), and 5% errors. Gated on
    // CPU and errors: the smallest family that holds both. What is the action's own here is how the
    // failures are reported; how each is detected is covered by test/e2e/verdicts.test.ts and
    // test/e2e/base-ref.test.ts.
    const r = await gate('fail', {
      headEnv: { EXTRA_CPU_US: '200', ERROR_RATE: '0.05' },
      scenarios: ['slow'],
      extra: 'budgets: { p99: 5ms }\n',
      gate: 'cpu, error-rate',
    });
    expect(r.outputs.verdict, r.stdout).toBe('fail');
    expect(r.code).toBe(1);
    expect(regressedIn(r.analysis, 'slow')).toEqual(expect.arrayContaining(['cpuPerRequest', 'errorRate']));
    const errors = r.analysis.scenarios.find((s) => s.name === 'slow')!.metrics.find((m) => m.metric === 'errorRate')!;
    expect(errors.head!).toBeCloseTo(0.05, 2);
    expect(r.stdout).toMatch(/^::error::slow: CPU per request regressed by \+\d/m);
    expect(r.stdout).toMatch(/^::error::slow: error rate regressed by \+[45]\.\d pp /m);
    expect(r.stdout).toMatch(/^::error::slow: p99 latency budget broken: [\d.]+ ms, over the limit 5 ms$/m);
    expect(r.outputs.regressions).toBe('3');
    expect(r.comment).toMatch(/### ❌ Fail — performance regressed and a budget is exceeded/);
    expect(r.comment).toMatch(/`slow` CPU per request regressed by \+\d/);
    expect(serverProcesses()).toEqual([]);
  });

  it('a capacity test below its budget fails with its own annotation and section', async () => {
    // /api/limited: 10 workers of 62.5 ms in the head, 160 req/s; a floor of 180 fails on the budget
    // alone, whatever two ramps a side can say about the change. The comparison is tested by
    // test/e2e/capacity.test.ts; here, how the action reports another kind of test.
    const r = await gate('capacity', {
      headEnv: { LIMIT_SERVICE_MS: '62.5' },
      scenarios: ['limited'],
      extra: 'tests:\n  - { kind: capacity, start-rate: 125, step-duration: 500ms, warmup: 300ms, repeats: 2, budgets: { p99: 400ms, capacity: 180 } }\n',
    });
    expect(r.outputs.verdict, r.stdout).toBe('fail');
    expect(r.code).toBe(1);
    expect(r.analysis.scenarios).toEqual([]);
    expect(r.analysis.tests!.map((t) => [t.kind, t.verdict])).toEqual([['capacity', 'fail']]);
    expect(r.stdout).toMatch(/^::error::limited \(capacity test "capacity"\): capacity of limited is 1[4-7]\d req\/s, below the budget of 180 req\/s$/m);
    expect(r.comment).toMatch(/^### ❌ Fail — capacity test failed/m);
    expect(r.comment).toContain('### ❌ Capacity of `limited` (test `capacity`)');
    expect(r.comment).toContain('```mermaid');
    // The budget, and the drop itself when two ramps a side happen to make it significant.
    expect(['1', '2']).toContain(r.outputs.regressions);
  });
});
