import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Analysis } from '../../src/analyze/types.js';
import { readResultsFile } from '../../src/results/file.js';
import { findFreePort } from '../../src/service/index.js';
import type { CapacityAnalysis } from '../../src/tests/capacity/analyze.js';
import { REPO_ROOT, runBuiltCli } from '../helpers/cli.js';
import { processesMentioning } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-capacity-'));
afterAll(() => {
  expect(processesMentioning(dir)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The example service's /api/limited has a known capacity: LIMIT_CONCURRENCY workers of
 * LIMIT_SERVICE_MS each (timers, no CPU, so the 2-core machine does not blur it): 10 / 50 ms =
 * 200 req/s for base, 10 / 62.5 ms = 160 req/s (20% less) for head.
 */
describe('capacity test on the example service', { timeout: 180_000 }, () => {
  test('finds each variant\'s capacity within ±10% of the truth, fails the 20% drop, and reads the same from the results file', async () => {
    const [basePort, headPort] = [await findFreePort(), await findFreePort()];
    const config = join(dir, 'perfgate.yml');
    writeFileSync(
      config,
      `suite: capacity
compare: variants
start: node ${join(REPO_ROOT, 'examples/service/server.mjs')} ${dir}
ready-url: http://127.0.0.1:${headPort}/health
port: ${headPort}
variants:
  base: { port: ${basePort}, env: { LIMIT_SERVICE_MS: "50" } }
  head: { env: { LIMIT_SERVICE_MS: "62.5" } }
scenarios:
  - { name: limited, path: /api/limited }
tests:
  - kind: capacity
    start-rate: 125
    step-duration: 500ms
    warmup: 300ms
    repeats: 4
    budgets: { p99: 400ms }
`,
    );
    const out = join(dir, 'results.json');
    const json = join(dir, 'analysis.json');
    const r = await runBuiltCli(['run', '--config', config, '--output', out, '--json', json], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const analysis = JSON.parse(readFileSync(json, 'utf8')) as Analysis;
    expect(analysis.verdict).toBe('fail');
    expect(analysis.scenarios).toEqual([]);
    const cap = analysis.tests![0] as CapacityAnalysis;
    expect(cap).toMatchObject({ kind: 'capacity', scenario: 'limited', status: 'regressed', method: 'paired' });
    expect(cap.baseline!.capacity!).toBeGreaterThan(180);
    expect(cap.baseline!.capacity!).toBeLessThan(220);
    expect(cap.head.capacity!).toBeGreaterThan(144);
    expect(cap.head.capacity!).toBeLessThan(176);
    expect(cap.change!).toBeLessThan(-0.1);
    expect(cap.head.ramps).toHaveLength(4);
    expect(r.stdout).toContain('capacity of limited (test "capacity"): fail');
    expect(r.stderr).toMatch(/capacity head ramp 4\/4: \d+ req\/s \(delivered/);

    // The results file keeps every step and the test's entry: analyzed again without the config,
    // it gives the same capacities and verdict.
    const results = readResultsFile(out);
    expect(results.tests![0]!.variants.head!.runs).toHaveLength(4);
    const again = await runBuiltCli(['compare', out, '--json', join(dir, 'again.json')], { cwd: dir });
    expect(again.code, again.stderr).toBe(1);
    const second = (JSON.parse(readFileSync(join(dir, 'again.json'), 'utf8')) as Analysis).tests![0] as CapacityAnalysis;
    expect(second.head.capacity).toBe(cap.head.capacity);
    expect(second.p).toBe(cap.p);
  });
});
