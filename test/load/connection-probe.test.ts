import { afterEach, describe, expect, it } from 'vitest';
import type { PacerClock } from '../../src/load/arrival-pacer.js';
import { closesConnection, probeConnectionMode } from '../../src/load/connection-probe.js';
import { parseStatusSpec } from '../../src/load/index.js';
import { requestSpec } from '../../src/load/one-request.js';
import { TrialTally } from '../../src/load/trial-tally.js';
import { TrialWindow } from '../../src/load/trial-window.js';
import { closedPort, isAlive, PYTHON_FIXTURE_SERVER, startFixtureServer } from './fixture-server.js';
import type { FixtureServer } from './fixture-server.js';

describe('closesConnection (RFC 9112 §9.3)', () => {
  it('reads HTTP/1.1 as persistent unless it says close, in any case and position', () => {
    expect(closesConnection('1.1', undefined)).toBe(false);
    expect(closesConnection('1.1', 'keep-alive')).toBe(false);
    expect(closesConnection('1.1', 'close')).toBe(true);
    expect(closesConnection('1.1', 'Close')).toBe(true);
    expect(closesConnection('1.1', 'upgrade, close')).toBe(true);
    expect(closesConnection('1.1', 'closed')).toBe(false);
  });

  it('reads HTTP/1.0 as closing unless it says keep-alive', () => {
    expect(closesConnection('1.0', undefined)).toBe(true);
    expect(closesConnection('1.0', '')).toBe(true);
    expect(closesConnection('1.0', 'Keep-Alive')).toBe(false);
    expect(closesConnection('1.0', 'keep-alive, close')).toBe(true);
  });
});

describe('requestSpec', () => {
  it('sends to the bare IPv6 address, the default port, the path with its query, and a body with its length', () => {
    const target = { url: '', method: 'POST', headers: { 'x-a': '1' }, body: '{"é":1}', isExpectedStatus: () => true };
    const spec = requestSpec(new URL('http://[::1]/items?page=2'), target);
    expect(spec.options).toMatchObject({ host: '::1', port: 80, path: '/items?page=2', method: 'POST' });
    // Bytes, not characters: é takes two.
    expect(spec.options.headers).toEqual({ 'x-a': '1', 'content-length': '8' });
    expect(spec.body?.toString()).toBe('{"é":1}');
    const own = requestSpec(new URL('https://127.0.0.1:8443/'), { ...target, headers: { 'Content-Length': '9' } });
    expect(own.options).toMatchObject({ host: '127.0.0.1', port: 8443, path: '/', rejectUnauthorized: false });
    expect(own.options.headers).toEqual({ 'Content-Length': '9' });
    expect(requestSpec(new URL('http://localhost:3000/'), { ...target, method: 'GET', body: undefined }).body).toBeUndefined();
  });
});

const started: FixtureServer[] = [];

afterEach(async () => {
  const pids = started.map((s) => s.pid);
  await Promise.all(started.splice(0).map((s) => s.stop()));
  for (const pid of pids) expect(isAlive(pid), `fixture server ${pid} still running`).toBe(false);
});

const clock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

async function probe(url: string, windowMs = 5000, timeoutMs = 5000) {
  const tally = new TrialTally(parseStatusSpec('2xx'));
  const window = new TrialWindow(windowMs, clock);
  const target = { url, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec('2xx') };
  const mode = await probeConnectionMode(requestSpec(new URL(url), target), tally, window, timeoutMs, clock);
  window.close();
  return { mode, tally, outcome: tally.outcome(1000, null) };
}

describe('probeConnectionMode', () => {
  it('tells a keep-alive service from one that closes with a header and from HTTP/1.0, counting the probe', async () => {
    const kept = await startFixtureServer({});
    const closing = await startFixtureServer({ CLOSE: 'header' });
    const http10 = await startFixtureServer({}, ['python3', PYTHON_FIXTURE_SERVER]);
    started.push(kept, closing, http10);

    for (const [s, mode] of [[kept, 'keep-alive'], [closing, 'per-request'], [http10, 'per-request']] as const) {
      const p = await probe(`${s.url}/`);
      expect(p.mode).toBe(mode);
      expect(p.outcome.requests).toBe(1);
      expect(p.outcome.statusCounts).toEqual({ '200': 1 });
      // The probe runs before the window whose connections Little's law checks.
      expect(p.tally.busyMs).toBe(0);
    }
  });

  it('has no answer for a refused connection, and counts it as an error', async () => {
    const p = await probe(`http://127.0.0.1:${await closedPort()}/`);
    expect(p.mode).toBeNull();
    expect(p.outcome.errorCounts).toEqual({ ECONNREFUSED: 1 });
  });

  it('gives up uncounted when its window closes first, and counts a timeout inside it', async () => {
    const s = await startFixtureServer({ HANG_PATH: '/hang' });
    started.push(s);
    const cut = await probe(`${s.url}/hang`, 200, 5000);
    expect(cut.mode).toBeNull();
    expect(cut.outcome.requests).toBe(0);
    const timedOut = await probe(`${s.url}/hang`, 5000, 200);
    expect(timedOut.mode).toBeNull();
    expect(timedOut.outcome.errorCounts).toEqual({ timeout: 1 });
  });
});
