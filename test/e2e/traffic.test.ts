import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Analysis } from '../../src/analyze/types.js';
import type { Results } from '../../src/results/schema.js';
import { findFreePort } from '../../src/service/index.js';
import { REPO_ROOT, runBuiltCli } from '../helpers/cli.js';
import { processesMentioning } from '../helpers/processes.js';

/**
 * Mixes and journeys end to end from the CLI on the example service. Kept short: the mix runs
 * measure two services that already run (so each trial is a unit and six a side suffice), the
 * journey one process for one round. What the defaults detect is measured by `npm run bench`.
 */
const dir = mkdtempSync(join(tmpdir(), 'perfgate-traffic-e2e-'));
const SERVER = join(REPO_ROOT, 'examples/service/server.mjs');
const services: ChildProcess[] = [];

async function startExample(env: Record<string, string>): Promise<string> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [SERVER, '--tag', dir], { env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  services.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`example service exited with ${code}`)));
  });
  return `http://127.0.0.1:${port}`;
}

writeFileSync(join(dir, 'ids.csv'), ['id', ...Array.from({ length: 200 }, (_, i) => String(i + 1))].join('\n'));
const MIX = `
scenarios:
  - name: shop
    data: { file: ids.csv, order: random }
    mix:
      - { name: list, path: /api/items, weight: 70 }
      - { name: item, path: "/api/items/{{id}}", weight: 25 }
      - { name: write, method: POST, path: /api/orders, body: { item: "{{id}}" }, weight: 5 }
connections: 8
warmup: 300ms
duration: 500ms
min-rounds: 6
max-rounds: 6
alpha: 0.05
gate: [p50, error-rate]
thresholds: { p50: 10% }
`;

let base = '';
let slowWrites = '';
beforeAll(async () => {
  [base, slowWrites] = await Promise.all([startExample({}), startExample({ WRITE_SLOWER_PERCENT: '30' })]);
});
afterAll(() => {
  for (const s of services) s.kill('SIGTERM');
});
afterAll(async () => {
  // The journey's service is perfgate's to stop; the mix's two are ours, stopped above.
  await new Promise((r) => setTimeout(r, 200));
  expect(processesMentioning(SERVER).filter((p) => p.cmdline.includes(dir) && p.cmdline.includes('journey'))).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('mixes and journeys on the example service (CLI)', { timeout: 60_000 }, () => {
  test('a mix where only the 5% write endpoint gets 30% slower fails, naming that request', async () => {
    writeFileSync(join(dir, 'base.yml'), `url: ${base}\ncompare: none\n${MIX}`);
    writeFileSync(join(dir, 'head.yml'), `url: ${slowWrites}\n${MIX}`);
    const b = await runBuiltCli(['run', '--config', 'base.yml', '--output', 'base.json'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    const r = await runBuiltCli(['run', '--config', 'head.yml', '--baseline', 'base.json', '--output', 'head.json', '--json', 'analysis.json', '--markdown', 'comment.md'], { cwd: dir });
    const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')) as Analysis;
    const regressed = analysis.scenarios.flatMap((s) => s.metrics.filter((m) => m.gated && m.status === 'regressed').map((m) => `${s.name} ${m.metric}`));
    expect(regressed, r.stdout).toEqual(['shop › write p50']);
    expect(r.code).toBe(1);
    expect(analysis.verdict).toBe('fail');
    const write = analysis.scenarios.find((s) => s.name === 'shop › write')!;
    expect(write.partOf).toBe('shop');
    // 20 ms of waiting became 26 ms.
    expect(write.metrics.find((m) => m.metric === 'p50')!.change!).toBeGreaterThan(0.15);
    expect(r.stdout).toContain('shop › write');
    const comment = readFileSync(join(dir, 'comment.md'), 'utf8');
    expect(comment).toContain('Per request (3) · ❌ 1 regressed');
    expect(comment).toMatch(/\| write \|[^\n]*❌ regressed/);
    // Every request of the data file's ids went out: the service saw many distinct ones.
    const stats = (await (await fetch(`${base}/stats`)).json()) as { distinctItemIds: number };
    expect(stats.distinctItemIds).toBeGreaterThan(150);
  });

  const journeyConfig = (port: number, idPath: string) => `start: node ${SERVER} --tag ${dir} journey
port: ${port}
compare: none
scenarios:
  - name: checkout
    journey:
      - { name: login, method: POST, path: /login, body: { user: ann }, capture: { token: $.token } }
      - { name: create, method: POST, path: /api/orders, headers: { authorization: "Bearer {{token}}" }, capture: { id: ${idPath} } }
      - { name: get, path: "/api/orders/{{id}}", headers: { authorization: "Bearer {{token}}" } }
connections: 4
warmup: 300ms
duration: 500ms
min-rounds: 1
max-rounds: 1
rounds-per-process: 1
`;

  test('a wrong capture path stops the run with an error naming the step and what was missing', async () => {
    writeFileSync(join(dir, 'wrong.yml'), journeyConfig(await findFreePort(), '$.orderId'));
    const r = await runBuiltCli(['run', '--config', 'wrong.yml', '--output', 'wrong.json'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(1);
    expect(r.stderr + r.stdout).toMatch(/every warmup request of step "create": capture "id": no \$\.orderId in the response body ×\d+, in scenario "checkout" to head, failed/);
  });

  test('a journey captures the token and the id, every step succeeds, and CPU is given per journey', async () => {
    writeFileSync(join(dir, 'journey.yml'), journeyConfig(await findFreePort(), '$.id'));
    const r = await runBuiltCli(['run', '--config', 'journey.yml', '--output', 'journey.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'journey.json'), 'utf8')) as Results;
    expect(results.scenarios.map((s) => [s.name, s.partOf ?? null])).toEqual([
      ['checkout', null],
      ['checkout › login', 'checkout'],
      ['checkout › create', 'checkout'],
      ['checkout › get', 'checkout'],
    ]);
    const [whole, ...steps] = results.scenarios.map((s) => s.variants['head']!.trials[0]!);
    for (const t of steps) expect(t!.errors, JSON.stringify(t!.errorCounts)).toBe(0);
    expect(steps[2]!.statusCounts).toEqual({ '200': steps[2]!.requests });
    expect(whole!.journeys).toBeGreaterThan(10);
    expect(whole!.errors).toBe(0);
    // CPU per journey is the same CPU time over completed journeys instead of requests.
    const cpuMs = whole!.cpuMsPerRequest! * (whole!.requests - whole!.errors);
    expect(whole!.cpuMsPerJourney!).toBeCloseTo(cpuMs / whole!.journeys!, 9);
    expect(whole!.cpuMsPerJourney! / whole!.cpuMsPerRequest!).toBeGreaterThan(2.5);
  });
});
