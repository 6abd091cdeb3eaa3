import { afterEach, describe, expect, it } from 'vitest';
import { decodeHistogram, parseStatusSpec, runLoad } from '../../src/load/index.js';
import type { LoadTarget } from '../../src/load/index.js';
import { isAlive, startFixtureServer } from './fixture-server.js';
import type { FixtureServer } from './fixture-server.js';

const started: FixtureServer[] = [];

async function server(env: Record<string, string>): Promise<FixtureServer> {
  const s = await startFixtureServer(env);
  started.push(s);
  return s;
}

afterEach(async () => {
  const pids = started.map((s) => s.pid);
  await Promise.all(started.splice(0).map((s) => s.stop()));
  for (const pid of pids) expect(isAlive(pid), `fixture server ${pid} still running`).toBe(false);
});

const get = (url: string): LoadTarget => ({ url, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec('2xx') });

describe('runLoad, rate profile', () => {
  it('holds 200 requests a second against a fast service, not overloaded', async () => {
    const s = await server({});
    const o = await runLoad(get(`${s.url}/`), { kind: 'rate', rate: 200, connections: 4 }, { durationMs: 2000 });
    expect(o.targetRate).toBe(200);
    expect(o.errors).toBe(0);
    expect(o.throughput).toBeGreaterThanOrEqual(190);
    expect(o.throughput).toBeLessThanOrEqual(205);
    expect(o.overloaded).toBe(false);
    // Paced, not bursty: a fast service answers well inside the 20 ms between a connection's requests.
    expect(o.latencyMs.p50).toBeLessThan(10);
  });

  it('marks a service that can only do ~50 requests a second overloaded and shows its growing queue in p99', async () => {
    // One connection and 20 ms a request: at most ~50 answers a second, a quarter of the 200 asked for.
    const s = await server({ DELAY_MS: '20' });
    const o = await runLoad(get(`${s.url}/`), { kind: 'rate', rate: 200, connections: 1 }, { durationMs: 2000 });
    expect(o.targetRate).toBe(200);
    expect(o.errors).toBe(0);
    expect(o.throughput).toBeGreaterThan(30);
    expect(o.throughput).toBeLessThan(60);
    expect(o.overloaded).toBe(true);
    // Measured from when each request was due, the last requests of 2 s waited over a second:
    // far above the 20 ms the service takes for any one request.
    expect(o.latencyMs.p99).toBeGreaterThan(10 * 20);
    expect(o.latencyMs.p50).toBeGreaterThan(5 * 20);
    expect(decodeHistogram(o.histogram).totalCount).toBe(o.successes);
  });

  it('waits between requests longer than the request timeout without reporting timeouts', async () => {
    // 4 requests a second on 2 connections: each connection idles 500 ms between requests, longer
    // than the 300 ms timeout, which must run from the send and not from the previous answer.
    const s = await server({});
    const o = await runLoad(get(`${s.url}/`), { kind: 'rate', rate: 4, connections: 2 }, { durationMs: 1600, timeoutMs: 300 });
    expect(o.errorCounts).toEqual({});
    // Due at 0, 250, 500, ..., 1500 ms: 7 requests in the window.
    expect(o.successes).toBeGreaterThanOrEqual(6);
    expect(o.successes).toBeLessThanOrEqual(7);
  });
});
