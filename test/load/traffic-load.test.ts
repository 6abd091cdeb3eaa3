import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { parseStatusSpec, runLoad } from '../../src/load/index.js';
import type { LoadOutcome } from '../../src/load/types.js';
import { scenarioKind } from '../../src/scenarios/registry.js';
import { PYTHON_FIXTURE_SERVER, startFixtureServer } from './fixture-server.js';

// The example service as a child process, driven by runLoad with mixes and journeys read from a config.
const SERVER = fileURLToPath(new URL('../../examples/service/server.mjs', import.meta.url));
let child: ChildProcess;
let origin = '';

beforeAll(async () => {
  child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`example service exited with ${code}`)));
  });
});
afterAll(() => {
  child?.kill('SIGTERM');
});

const dir = mkdtempSync(join(tmpdir(), 'perfgate-traffic-load-'));
writeFileSync(join(dir, 'ids.csv'), ['id', ...Array.from({ length: 40 }, (_, i) => String(1000 + i))].join('\n'));

function scenario(yaml: string) {
  const c = loadConfig({ filePath: join(dir, 'perfgate.yml'), fileText: `url: ${origin}\nscenarios:\n${yaml}` });
  return c.scenarios[0]!;
}

async function run(yaml: string, durationMs = 500): Promise<LoadOutcome> {
  const s = scenario(yaml);
  const program = scenarioKind(s.traffic!).program(s.traffic!, parseStatusSpec);
  return runLoad({ url: s.url, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec('2xx'), traffic: program }, { kind: 'closed', connections: 4 }, { durationMs });
}

const JOURNEY = `
  - name: checkout
    journey:
      - { name: login, method: POST, path: /login, body: { user: ann }, capture: { token: $.token } }
      - { name: create, method: POST, path: /api/orders, headers: { authorization: "Bearer {{token}}" }, capture: { id: ID_PATH } }
      - { name: get, path: "/api/orders/{{id}}" }
      - { name: me, path: /api/me, headers: { authorization: "Bearer {{token}}" } }
`;

test('a journey captures the token and the id, and every step succeeds', async () => {
  const o = await run(JOURNEY.replace('ID_PATH', '$.id'));
  expect(o.parts!.map((p) => p.name)).toEqual(['login', 'create', 'get', 'me']);
  for (const p of o.parts!) {
    expect(p.errors, `${p.name}: ${JSON.stringify(p.errorCounts)}`).toBe(0);
    expect(p.successes).toBeGreaterThan(20);
  }
  // The steps of a pass run in order on one connection: no step runs more often than the one before
  // it, and at most one pass a connection is cut short by the window.
  const counts = o.parts!.map((p) => p.requests);
  for (let i = 1; i < counts.length; i++) expect(counts[i - 1]! - counts[i]!).toBeGreaterThanOrEqual(0);
  expect(counts[0]! - counts[3]!).toBeLessThanOrEqual(4 + 1);
  expect(o.units!.completed).toBe(o.parts![3]!.successes);
  expect(o.throughput).toBeCloseTo(o.units!.completed / (o.durationMs / 1000), 6);
  // A journey's latency is the sum of its steps': the mean of sums is the sum of means.
  const stepMeans = o.parts!.reduce((sum, p) => sum + p.latencyMs.mean, 0);
  expect(o.latencyMs.mean / stepMeans).toBeGreaterThan(0.85);
  expect(o.latencyMs.mean / stepMeans).toBeLessThan(1.15);
  // The create step waits 20 ms on a timer, so a whole journey takes longer than that.
  expect(o.latencyMs.p50).toBeGreaterThan(20);
});

test('a wrong capture path is an error of its step naming what was missing; the pass goes no further', async () => {
  const o = await run(JOURNEY.replace('ID_PATH', '$.orderId'), 300);
  const [login, create, get, me] = o.parts!;
  expect(login!.errors).toBe(0);
  expect(create!.requests).toBeGreaterThan(0);
  expect(create!.errors).toBe(create!.requests);
  expect(Object.keys(create!.errorCounts)).toEqual(['capture "id": no $.orderId in the response body']);
  expect(o.errorCounts).toEqual({ 'step "create": capture "id": no $.orderId in the response body': create!.errors });
  expect(get!.requests + me!.requests).toBe(0);
  expect(o.units!.completed).toBe(0);
});

test('a mix follows its weights, and a data file sends different ids', async () => {
  const before = (await (await fetch(`${origin}/stats`)).json()) as { distinctItemIds: number };
  const o = await run(`
  - name: shop
    data: { file: ids.csv, order: random }
    mix:
      - { name: list, path: /api/items, weight: 70 }
      - { name: item, path: "/api/items/{{id}}", weight: 25 }
      - { name: health, path: /health, weight: 5 }
`);
  const total = o.parts!.reduce((s, p) => s + p.requests, 0);
  expect(total).toBe(o.requests);
  expect(total).toBeGreaterThan(400);
  const share = (i: number) => o.parts![i]!.requests / total;
  // Binomial sd at n ≥ 400 is at most 0.023; 0.1 is over four of them.
  expect(Math.abs(share(0) - 0.7)).toBeLessThan(0.1);
  expect(Math.abs(share(1) - 0.25)).toBeLessThan(0.1);
  expect(o.errors).toBe(0);
  const after = (await (await fetch(`${origin}/stats`)).json()) as { distinctItemIds: number };
  // 40 ids drawn at random over 100+ requests: all but a few are seen (P(one missed) < 8%).
  expect(after.distinctItemIds - before.distinctItemIds).toBeGreaterThan(30);
  expect(after.distinctItemIds).toBeLessThanOrEqual(40);
});

test('a journey under the rate profile sends the rate asked for, every step counted', async () => {
  const s = scenario(JOURNEY.replace('ID_PATH', '$.id'));
  const program = scenarioKind(s.traffic!).program(s.traffic!, parseStatusSpec);
  const o = await runLoad(
    { url: s.url, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec('2xx'), traffic: program },
    { kind: 'rate', rate: 200, connections: 8 },
    { durationMs: 500 },
  );
  expect(o.errors).toBe(0);
  // 200 requests a second over 0.5 s, spread over the steps; the probe's answer counts too.
  expect(o.requests).toBeGreaterThanOrEqual(90);
  expect(o.requests).toBeLessThanOrEqual(102);
  expect(o.parts!.reduce((n, p) => n + p.requests, 0)).toBe(o.requests);
  expect(o.targetRate).toBe(200);
  expect(o.units!.completed).toBeGreaterThan(10);
});

test('a service that closes every connection is refused for a mix, saying why', async () => {
  const closing = await startFixtureServer({}, ['python3', PYTHON_FIXTURE_SERVER]);
  try {
    const c = loadConfig({ fileText: `url: ${closing.url}\nscenarios:\n  - { name: m, mix: [{ name: a, path: /a }, { name: b, path: /b }] }\n` });
    const s = c.scenarios[0]!;
    const program = scenarioKind(s.traffic!).program(s.traffic!, parseStatusSpec);
    await expect(
      runLoad({ url: s.url, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec('2xx'), traffic: program }, { kind: 'closed', connections: 2 }, { durationMs: 300 }),
    ).rejects.toThrow(/closes its connection after each answer .*; a mix or journey needs connections kept open \(HTTP keep-alive\)/);
  } finally {
    await closing.stop();
  }
});

test('a journey step that times out is an error of that step, and its pass goes no further', async () => {
  const hanging = await startFixtureServer({ HANG_PATH: '/hang' });
  try {
    const c = loadConfig({
      fileText: `url: ${hanging.url}\nscenarios:\n  - { name: j, journey: [{ name: first, path: /ok }, { name: stuck, path: /hang }, { name: never, path: /ok }] }\n`,
    });
    const s = c.scenarios[0]!;
    const program = scenarioKind(s.traffic!).program(s.traffic!, parseStatusSpec);
    const o = await runLoad(
      { url: s.url, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec('2xx'), traffic: program },
      { kind: 'closed', connections: 2 },
      { durationMs: 700, timeoutMs: 100 },
    );
    const [first, stuck, never] = o.parts!;
    expect(first!.errors).toBe(0);
    expect(first!.successes).toBeGreaterThanOrEqual(2);
    expect(stuck!.errorCounts).toEqual({ timeout: stuck!.requests });
    expect(stuck!.requests).toBeGreaterThanOrEqual(2);
    expect(never!.requests).toBe(0);
    expect(o.units!.completed).toBe(0);
  } finally {
    await hanging.stop();
  }
});
