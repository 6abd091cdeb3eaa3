import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { decodeHistogram, parseStatusSpec, runLoad, summarizeLatency } from '../../src/load/index.js';
import type { LoadTarget } from '../../src/load/index.js';
import { closedPort, isAlive, startFixtureServer } from './fixture-server.js';
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

const get = (url: string, expect = '2xx'): LoadTarget => ({
  url,
  method: 'GET',
  headers: {},
  isExpectedStatus: parseStatusSpec(expect),
});

describe('runLoad, closed profile', () => {
  it('measures a fixed 20 ms delay as a p50 between 20 and 23 ms, and the histogram round-trips', async () => {
    const s = await server({ DELAY_MS: '20' });
    const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections: 4 }, { durationMs: 2000 });

    // 4 connections, ~21 ms a round trip: about 380 answers in 2 s.
    expect(o.successes).toBeGreaterThan(200);
    expect(o.errors).toBe(0);
    expect(o.requests).toBe(o.successes);
    expect(o.statusCounts).toEqual({ '200': o.successes });
    expect(o.errorCounts).toEqual({});
    expect(o.latencyMs.p50).toBeGreaterThanOrEqual(20);
    expect(o.latencyMs.p50).toBeLessThanOrEqual(23);
    expect(o.latencyMs.mean).toBeGreaterThanOrEqual(20);
    expect(o.latencyMs.max).toBeGreaterThanOrEqual(o.latencyMs.p99);
    expect(o.throughput).toBeCloseTo(o.successes / (o.durationMs / 1000), 9);
    expect(o.targetRate).toBeNull();
    expect(o.overloaded).toBe(false);

    const back = decodeHistogram(o.histogram);
    expect(back.totalCount).toBe(o.successes);
    expect(summarizeLatency(back).p50).toBe(o.latencyMs.p50);
    expect(summarizeLatency(back).p99).toBe(o.latencyMs.p99);
  });

  it('counts every 4th request answered 503 as a 25% error share, per status', async () => {
    const s = await server({ FAIL_EVERY: '4', DELAY_MS: '1' });
    const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections: 4 }, { durationMs: 1500 });

    const ok = o.statusCounts['200'] ?? 0;
    const failed = o.statusCounts['503'] ?? 0;
    expect(Object.keys(o.statusCounts).sort()).toEqual(['200', '503']);
    expect(o.errorCounts).toEqual({ 'status 503': failed });
    expect(o.requests).toBe(ok + failed);
    expect(o.successes).toBe(ok);
    expect(o.errors).toBe(failed);
    expect(o.requests).toBeGreaterThan(200);
    expect(Math.abs(o.errors / o.requests - 0.25)).toBeLessThanOrEqual(0.02);
    expect(decodeHistogram(o.histogram).totalCount).toBe(ok);
    expect(o.throughput).toBeCloseTo(ok / (o.durationMs / 1000), 9);
  });

  it('stops sending when the window closes: the service saw no more requests than were counted, plus those in flight', async () => {
    const s = await server({});
    const connections = 4;
    const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections }, { durationMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const seen = ((await (await fetch(`${s.url}/__count`)).json()) as { count: number }).count;
    expect(o.requests).toBeGreaterThan(100);
    expect(seen - o.requests).toBeGreaterThanOrEqual(0);
    expect(seen - o.requests).toBeLessThanOrEqual(connections);
  });

  it('sends the method, headers and body it is given and counts a status outside the spec as an error', async () => {
    const s = await server({});
    const post: LoadTarget = {
      url: `${s.url}/echo`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-echo': 'yes' },
      body: '{"a":1}',
      isExpectedStatus: parseStatusSpec('201'),
    };
    const accepted = await runLoad(post, { kind: 'closed', connections: 2 }, { durationMs: 300 });
    expect(accepted.requests).toBeGreaterThan(0);
    expect(accepted.statusCounts).toEqual({ '201': accepted.requests });
    expect(accepted.successes).toBe(accepted.requests);

    // Without the header the fixture answers 400, which '2xx' does not expect.
    const refused = await runLoad({ ...post, headers: {}, isExpectedStatus: parseStatusSpec('2xx') }, { kind: 'closed', connections: 2 }, { durationMs: 300 });
    expect(refused.successes).toBe(0);
    expect(refused.requests).toBeGreaterThan(0);
    expect(refused.errorCounts).toEqual({ 'status 400': refused.requests });
    expect(refused.latencyMs).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it('counts refused connections as errors, never as successes', async () => {
    const port = await closedPort();
    const o = await runLoad(get(`http://127.0.0.1:${port}/`), { kind: 'closed', connections: 2 }, { durationMs: 300 });
    expect(o.successes).toBe(0);
    expect(o.throughput).toBe(0);
    expect(o.statusCounts).toEqual({});
    expect(Object.keys(o.errorCounts)).toEqual(['ECONNREFUSED']);
    expect(o.errors).toBe(o.errorCounts['ECONNREFUSED']);
    expect(o.errors).toBeGreaterThan(0);
    expect(o.requests).toBe(o.errors);
  });

  it('counts unanswered requests as timeouts, even with a timeout under a second', async () => {
    const s = await server({ HANG_PATH: '/hang' });
    const o = await runLoad(get(`${s.url}/hang`), { kind: 'closed', connections: 2 }, { durationMs: 1000, timeoutMs: 200 });
    expect(o.successes).toBe(0);
    expect(Object.keys(o.errorCounts)).toEqual(['timeout']);
    // 2 connections timing out every 200 ms within 1 s: 8 or so, never the 0 a 10 s timeout would give.
    expect(o.errorCounts['timeout']).toBeGreaterThanOrEqual(4);
    expect(o.errors).toBe(o.errorCounts['timeout']);
  });

  it('stops at once when aborted and rejects with the reason', async () => {
    const s = await server({ DELAY_MS: '5' });
    const controller = new AbortController();
    const reason = new Error('perfgate was interrupted');
    setTimeout(() => controller.abort(reason), 300);
    // Without the signal this would run for 20 s and resolve; the test timeout would catch a hang.
    await expect(
      runLoad(get(`${s.url}/`), { kind: 'closed', connections: 2 }, { durationMs: 20_000, signal: controller.signal }),
    ).rejects.toBe(reason);
    const aborted = new AbortController();
    aborted.abort(reason);
    await expect(runLoad(get(`${s.url}/`), { kind: 'closed', connections: 2 }, { durationMs: 1000, signal: aborted.signal })).rejects.toBe(reason);
  });

  it('prints nothing on stdout or stderr', async () => {
    const s = await server({ FAIL_EVERY: '3' });
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    try {
      const o = await runLoad(get(`${s.url}/`), { kind: 'closed', connections: 2 }, { durationMs: 500 });
      expect(o.requests).toBeGreaterThan(0);
      expect(out).not.toHaveBeenCalled();
      expect(err).not.toHaveBeenCalled();
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('refuses bad options with messages naming the value', async () => {
    const t = get('http://127.0.0.1:9/');
    await expect(runLoad(t, { kind: 'closed', connections: 0 }, { durationMs: 100 })).rejects.toThrow(
      new LoadError('load profile connections is 0; expected a whole number of at least 1'),
    );
    await expect(runLoad(t, { kind: 'rate', rate: -5, connections: 1 }, { durationMs: 100 })).rejects.toThrow(
      new LoadError('load profile rate is -5; expected a positive number of requests per second'),
    );
    await expect(runLoad(t, { kind: 'closed', connections: 1 }, { durationMs: Number.NaN })).rejects.toThrow(
      new LoadError('load option durationMs is NaN; expected a positive number of milliseconds'),
    );
    await expect(runLoad(t, { kind: 'closed', connections: 1 }, { durationMs: 100, timeoutMs: 0 })).rejects.toThrow(
      new LoadError('load option timeoutMs is 0; expected a positive number of milliseconds'),
    );
    await expect(runLoad({ ...t, method: 'FETCH' }, { kind: 'closed', connections: 1 }, { durationMs: 100 })).rejects.toThrow(
      new LoadError('load against http://127.0.0.1:9/ could not run: FETCH HTTP method is not supported'),
    );
  });
});
