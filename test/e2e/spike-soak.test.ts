import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Analysis } from '../../src/analyze/types.js';
import { findFreePort } from '../../src/service/index.js';
import type { SoakAnalysis } from '../../src/tests/soak/analyze.js';
import type { SpikeAnalysis } from '../../src/tests/spike/analyze.js';
import { REPO_ROOT, runBuiltCli } from '../helpers/cli.js';
import { processesMentioning } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-spike-soak-'));
afterAll(() => {
  expect(processesMentioning(dir)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

async function run(name: string, yaml: (port: number, basePort: number) => string): Promise<{ code: number | null; analysis: Analysis; stderr: string }> {
  const [port, basePort] = [await findFreePort(), await findFreePort()];
  const config = join(dir, `${name}.yml`);
  writeFileSync(config, yaml(port, basePort));
  const json = join(dir, `${name}.json`);
  const r = await runBuiltCli(['run', '--config', config, '--output', join(dir, `${name}-results.json`), '--json', json], { cwd: dir });
  return { code: r.code, analysis: JSON.parse(readFileSync(json, 'utf8')) as Analysis, stderr: r.stderr };
}

const service = (port: number) => `start: node ${join(REPO_ROOT, 'examples/service/server.mjs')} ${dir}
ready-url: http://127.0.0.1:${port}/health
port: ${port}`;

describe('spike and soak tests on the example service', { timeout: 120_000 }, () => {
  test('spike recovery is within ±1 s of the truth of a queue that drains at a known rate', async () => {
    // /api/limited serves 200 req/s (10 workers × 50 ms). 100 req/s, then 300 for 2 s: the queue
    // grows by 100 a second to 200, then drains at 200 − 100 = 100 a second: 2 s to recover.
    const { analysis, stderr } = await run('spike', (port) => `${service(port)}
compare: none
scenarios:
  - { name: limited, path: /api/limited }
tests:
  - kind: spike
    base-rate: 100
    factor: 3
    before: 2s
    spike-duration: 2s
    after: 5s
    settle: 500ms
    warmup: 500ms
    repeats: 1
`);
    const spike = analysis.tests![0] as SpikeAnalysis;
    expect(spike.kind, stderr).toBe('spike');
    expect(spike.head.recoveryMs!).toBeGreaterThanOrEqual(1000);
    expect(spike.head.recoveryMs!).toBeLessThanOrEqual(3000);
    expect(spike.head.baselineP99!).toBeLessThan(80);
    expect(spike.head.spikeP99!).toBeGreaterThan(500);
    expect(spike.verdict).toBe('no-baseline');
  });

  // Measured on the example service at 400 req/s: RSS grows for about 5 s (heap, JIT code), then
  // holds within 0.5 MB; the second half of a 14 s soak is past that.
  test('a leak of 1 KB per request fails on RSS growth, and the same service without it does not leak', async () => {
    const { code, analysis, stderr } = await run('soak', (port, basePort) => `${service(port)}
compare: variants
variants:
  base: { port: ${basePort} }
  head: { env: { LEAK_BYTES: "1024" } }
scenarios:
  - { name: items, path: /api/items }
tests:
  - kind: soak
    rate: 400
    duration: 14s
    interval: 250ms
    warmup-share: 50%
    budgets: { rss-growth: 500MB, fd-growth: 3600 }
`);
    const soak = analysis.tests![0] as SoakAnalysis;
    expect(soak.kind, stderr).toBe('soak');
    // 400 req/s × 1 KB is 1.44 GB an hour.
    expect(soak.head[0]!.rssPerHour.status).toBe('leak');
    expect(soak.head[0]!.rssPer1000Requests!).toBeGreaterThan(0.7e6);
    expect(soak.baseline![0]!.rssPerHour.status).not.toBe('leak');
    expect(soak.head[0]!.fdsPerHour.status).not.toBe('leak');
    expect(soak.verdict).toBe('fail');
    expect(code).toBe(1);
  });
});
