import autocannon from 'autocannon';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLittlesLaw, decodeHistogram, parseStatusSpec, runLoad } from '../../src/load/index.js';
import type { LoadOutcome, LoadTarget } from '../../src/load/index.js';
import { IN_FLIGHT_MAX_SHARE, IN_FLIGHT_MIN_SHARE } from '../../src/load/littles-law.js';
import { isAlive, PYTHON_FIXTURE_SERVER, startFixtureServer } from './fixture-server.js';
import type { FixtureServer } from './fixture-server.js';

/**
 * Services that close their connections after every answer. autocannon alone read a 5 ms service
 * as p50 250 ms (docs/measurement.md); perfgate gives such a service a connection per request.
 *
 * Bounds on latency are values the service could not produce and a broken measurement would: the
 * handler waits 5 ms, so p50 is at least that, and a generous 60 ms upper bound survives a 2-core
 * machine shared with a busy neighbour (measured p50 there: 9-29 ms), while the fault measured
 * 250-800 ms.
 */

const started: FixtureServer[] = [];

async function server(env: Record<string, string>, program?: string[]): Promise<FixtureServer> {
  const s = await startFixtureServer(env, program);
  started.push(s);
  return s;
}

const python = (env: Record<string, string>) => server(env, ['python3', PYTHON_FIXTURE_SERVER]);

afterEach(async () => {
  const pids = started.map((s) => s.pid);
  await Promise.all(started.splice(0).map((s) => s.stop()));
  for (const pid of pids) expect(isAlive(pid), `fixture server ${pid} still running`).toBe(false);
});

const get = (url: string, expect = '2xx'): LoadTarget => ({ url, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec(expect) });

/** What every correct trial of the 5 ms closing service shows, whatever the engine. */
function expectFiveMsService(o: LoadOutcome, connections: number) {
  expect(o.errors).toBe(0);
  expect(o.statusCounts).toEqual({ '200': o.successes });
  expect(decodeHistogram(o.histogram).totalCount).toBe(o.successes);
  expect(o.latencyMs.p50).toBeGreaterThanOrEqual(4.5);
  expect(o.latencyMs.p50).toBeLessThanOrEqual(60);
  expect(o.littlesLaw).not.toBeNull();
  expect(o.littlesLaw!.connections).toBe(connections);
  expect(o.littlesLaw!.inFlight).toBeLessThanOrEqual(connections * IN_FLIGHT_MAX_SHARE);
}

describe('runLoad against services that close their connections', () => {
  it('measures a node service answering `Connection: close` after 5 ms at its own latency, one connection per request', async () => {
    const s = await server({ CLOSE: 'header', DELAY_MS: '5' });
    const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections: 16 }, { durationMs: 2000 });
    expect(o.connectionMode).toBe('per-request');
    expect(o.successes).toBeGreaterThan(100);
    expectFiveMsService(o, 16);
    expect(o.littlesLaw!.inFlight).toBeGreaterThanOrEqual(16 * IN_FLIGHT_MIN_SHARE);
    expect(o.littlesLaw!.holds).toBe(true);
  });

  it("measures Python's http.server (HTTP/1.0) with a 5 ms handler at its own latency", async () => {
    const s = await python({ DELAY_MS: '5' });
    const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections: 16 }, { durationMs: 2000 });
    expect(o.connectionMode).toBe('per-request');
    expect(o.successes).toBeGreaterThan(50);
    expectFiveMsService(o, 16);
    expect(o.littlesLaw!.holds).toBe(true);
  });

  it('holds a fixed rate against a closing service, latency measured from the due time', async () => {
    // The node service: Python's listen backlog of 5 can hold a connect back a full second (a SYN
    // retry), which a loop of a fixed rate cannot make up within the window.
    const s = await server({ CLOSE: 'header', DELAY_MS: '5' });
    const o = await runLoad(get(`${s.url}/`), { kind: 'rate', rate: 100, connections: 4 }, { durationMs: 2000 });
    expect(o.connectionMode).toBe('per-request');
    expect(o.targetRate).toBe(100);
    expect(o.throughput).toBeGreaterThanOrEqual(95);
    expect(o.throughput).toBeLessThanOrEqual(102);
    expect(o.overloaded).toBe(false);
    expectFiveMsService(o, 4);
    expect(o.littlesLaw!.holds).toBe(true);
  });

  it('keeps the exact window: the service saw no more requests than were counted, plus those in flight', async () => {
    const s = await server({ CLOSE: 'header' });
    const connections = 4;
    const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections }, { durationMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const seen = ((await (await fetch(`${s.url}/__count`)).json()) as { count: number }).count;
    expect(o.connectionMode).toBe('per-request');
    expect(o.requests).toBeGreaterThan(50);
    expect(seen - o.requests).toBeGreaterThanOrEqual(0);
    expect(seen - o.requests).toBeLessThanOrEqual(connections);
  });

  it('counts unexpected statuses as errors and sends method, headers and body on every new connection', async () => {
    const failing = await server({ CLOSE: 'header', FAIL_EVERY: '4', DELAY_MS: '1' });
    const o = await runLoad(get(`${failing.url}/`), { kind: 'closed', connections: 4 }, { durationMs: 1000 });
    expect(o.connectionMode).toBe('per-request');
    const ok = o.statusCounts['200'] ?? 0;
    const failed = o.statusCounts['503'] ?? 0;
    expect(o.errorCounts).toEqual({ 'status 503': failed });
    expect(o.requests).toBe(ok + failed);
    expect(o.requests).toBeGreaterThan(100);
    expect(Math.abs(o.errors / o.requests - 0.25)).toBeLessThanOrEqual(0.02);
    expect(decodeHistogram(o.histogram).totalCount).toBe(ok);

    const echo = await server({ CLOSE: 'header' });
    const post: LoadTarget = {
      url: `${echo.url}/echo`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-echo': 'yes' },
      body: '{"a":1}',
      isExpectedStatus: parseStatusSpec('201'),
    };
    const accepted = await runLoad(post, { kind: 'closed', connections: 2 }, { durationMs: 300 });
    expect(accepted.connectionMode).toBe('per-request');
    expect(accepted.requests).toBeGreaterThan(0);
    expect(accepted.statusCounts).toEqual({ '201': accepted.requests });
  });

  it('stops at once when aborted and rejects with the reason', async () => {
    const s = await server({ CLOSE: 'header', DELAY_MS: '5' });
    const controller = new AbortController();
    const reason = new Error('perfgate was interrupted');
    setTimeout(() => controller.abort(reason), 300);
    await expect(
      runLoad(get(`${s.url}/`), { kind: 'closed', connections: 2 }, { durationMs: 20_000, signal: controller.signal }),
    ).rejects.toBe(reason);
  });

  it('times a service that closes connections without saying so from each request, not from a stale one', async () => {
    // No header to see in advance: autocannon drives it, and each reconnect drops the request it
    // wrote into the closing connection. Before that, its stale queue put 76-103 requests "in
    // flight" on 16 connections and p50 at 760-830 ms.
    const s = await server({ CLOSE: 'silently', DELAY_MS: '5' });
    const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections: 16 }, { durationMs: 2000 });
    expect(o.connectionMode).toBe('keep-alive');
    expect(o.successes).toBeGreaterThan(100);
    expectFiveMsService(o, 16);
  });

  it("flags what autocannon alone measures on a closing service: Little's law does not hold", async () => {
    // What perfgate did before it probed: autocannon straight at a 5 ms `Connection: close` service.
    const s = await server({ CLOSE: 'header', DELAY_MS: '5' });
    const connections = 16;
    const durationS = 1.5;
    let busyMs = 0;
    let responses = 0;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({ url: `${s.url}/`, connections, pipelining: 1, duration: durationS }, (err, r) =>
        err ? reject(err) : resolve(r),
      );
      instance.on('response', (_client, _status, _bytes, responseTime) => {
        busyMs += responseTime;
        responses += 1;
      });
    });
    expect(responses).toBeGreaterThan(100);
    const check = checkLittlesLaw('closed', connections, busyMs, connections * durationS * 1000)!;
    // Far more requests "in flight" than connections: answers timed from earlier requests' starts.
    expect(check.inFlight).toBeGreaterThan(2 * connections);
    expect(check.holds).toBe(false);
    expect(result.latency.p50).toBeGreaterThan(60);
  });
});
