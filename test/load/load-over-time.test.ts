import { afterEach, describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { decodeHistogram, parseStatusSpec, runLoad } from '../../src/load/index.js';
import type { IntervalSample, LoadOutcome, LoadProfile, LoadTarget } from '../../src/load/index.js';
import { RateCurve } from '../../src/load/rate-schedule.js';
import { isAlive, startFixtureServer } from './fixture-server.js';
import type { FixtureServer } from './fixture-server.js';

/**
 * One continuous run whose rate changes, reported interval by interval: what spike and soak tests
 * are built on. Every bound is an ordering or a ratio far from what a correct run gives (the spike
 * asks for 4 times the base rate; its queue adds hundreds of milliseconds to a 20 ms service), never
 * a time.
 */

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

/** 100 requests a second, 400 from 1000 ms, 100 again from 1500 ms. */
const spike = [
  { fromMs: 0, rate: 100 },
  { fromMs: 1000, rate: 400 },
  { fromMs: 1500, rate: 100 },
];

async function sampledRun(url: string, profile: LoadProfile, durationMs: number, intervalMs: number) {
  const seen: IntervalSample[] = [];
  const o = await runLoad(get(url), profile, { durationMs, interval: { ms: intervalMs, onSample: (s) => seen.push(s) } });
  return { o, seen };
}

/** What holds for the samples of every correct run: handed over in order, tiling the window, adding up to it. */
function expectSamplesAddUp(o: LoadOutcome, seen: IntervalSample[], intervals: number) {
  expect(o.intervals).toEqual(seen);
  // One per interval; one fewer only if the event loop stalled across a whole boundary.
  expect(seen.length).toBeGreaterThanOrEqual(intervals - 1);
  expect(seen.length).toBeLessThanOrEqual(intervals);
  expect(seen[0]!.startMs).toBe(0);
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.startMs).toBeCloseTo(seen[i - 1]!.startMs + seen[i - 1]!.durationMs, 6);
  expect(seen.reduce((t, s) => t + s.durationMs, 0)).toBeCloseTo(o.durationMs, 6);
  const sum = (key: 'requests' | 'errors' | 'successes') => seen.reduce((t, s) => t + s[key], 0);
  expect(sum('requests')).toBe(o.requests);
  expect(sum('successes')).toBe(o.successes);
  expect(sum('errors')).toBe(o.errors);
  expect(decodeHistogram(o.histogram).totalCount).toBe(o.successes);
}

/** Successes per second over the samples whose middle falls in [fromMs, toMs). */
function rateOver(seen: IntervalSample[], fromMs: number, toMs: number): number {
  const inside = seen.filter((s) => s.startMs + s.durationMs / 2 >= fromMs && s.startMs + s.durationMs / 2 < toMs);
  return inside.reduce((t, s) => t + s.successes, 0) / (inside.reduce((t, s) => t + s.durationMs, 0) / 1000);
}

/** The throughput of a spike run follows its schedule: the spike delivers far more than before it and after. */
function expectThroughputFollowsSpike(o: LoadOutcome, seen: IntervalSample[]) {
  const curve = new RateCurve(spike);
  for (const s of seen) expect(s.offeredRate).toBeCloseTo(curve.meanRate(s.startMs, s.startMs + s.durationMs), 6);
  expect(o.targetRate).toBeCloseTo(curve.meanRate(0, o.durationMs), 6);
  // Asked for: 100/s, then 400/s: a correct run delivers 4 times as much in the spike. Not
  // compared with after it: a generator held up during the spike sends its backlog after it.
  expect(rateOver(seen, 1000, 1500)).toBeGreaterThanOrEqual(2 * rateOver(seen, 0, 1000));
  // 350 arrivals are due in the window (the probe answered the first): never more answers than that.
  expect(o.successes).toBeLessThanOrEqual(350);
  expect(o.successes).toBeGreaterThan(250);
}

describe('runLoad over time: a rate that changes and interval samples', () => {
  it('follows a 100 → 400 → 100 req/s schedule on a 5 ms service, in 8 samples of 250 ms that add up to the trial', async () => {
    const s = await server({ DELAY_MS: '5' });
    const { o, seen } = await sampledRun(`${s.url}/`, { kind: 'rate', rate: 100, connections: 8, schedule: spike }, 2000, 250);
    expect(o.connectionMode).toBe('keep-alive');
    expect(o.errors).toBe(0);
    expectSamplesAddUp(o, seen, 8);
    expectThroughputFollowsSpike(o, seen);
    // 175 req/s asked for on average; a 5 ms service keeps up.
    expect(o.overloaded).toBe(false);
  });

  it('shows a spike past capacity in the p99 of its intervals, and the fall back after it', async () => {
    // 10 workers at 20 ms: 500 requests a second. 200/s before and after, 800/s for 500 ms: about
    // 150 requests fall behind in the spike, a lag that grows to ~300 ms and drains in ~0.5 s after it.
    const s = await server({ DELAY_MS: '20', WORKERS: '10' });
    const schedule = [
      { fromMs: 0, rate: 200 },
      { fromMs: 1000, rate: 800 },
      { fromMs: 1500, rate: 200 },
    ];
    const { o, seen } = await sampledRun(`${s.url}/`, { kind: 'rate', rate: 200, connections: 16, schedule }, 3000, 250);
    expectSamplesAddUp(o, seen, 12);
    expect(o.errors).toBe(0);
    const p99 = (fromMs: number, toMs: number) =>
      seen.filter((x) => x.startMs + x.durationMs / 2 >= fromMs && x.startMs + x.durationMs / 2 < toMs).map((x) => x.latencyMs.p99);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // Before: the service's 20 ms. In and just after the spike: its queue.
    const before = median(p99(250, 1000));
    const worst = Math.max(...p99(1000, 2000));
    expect(before).toBeGreaterThanOrEqual(19);
    expect(worst).toBeGreaterThan(4 * before);
    expect(worst).toBeGreaterThan(100);
    // Back to the service's own latency once the queue has drained.
    const after = median(p99(2250, 3000));
    expect(after).toBeLessThan(worst / 3);
    // The whole window's p99 is the spike's, not the calm's.
    expect(o.latencyMs.p99).toBeGreaterThan(2 * before);
  });

  it('does the same with the per-request engine for a service that closes its connections', async () => {
    const s = await server({ DELAY_MS: '5', CLOSE: 'header' });
    const { o, seen } = await sampledRun(`${s.url}/`, { kind: 'rate', rate: 100, connections: 8, schedule: spike }, 2000, 250);
    expect(o.connectionMode).toBe('per-request');
    expect(o.errors).toBe(0);
    expectSamplesAddUp(o, seen, 8);
    expectThroughputFollowsSpike(o, seen);
  });

  it('samples a closed loop too, with no offered rate, and leaves the outcome without samples when not asked', async () => {
    const s = await server({ DELAY_MS: '5' });
    const { o, seen } = await sampledRun(`${s.url}/`, { kind: 'closed', connections: 4 }, 1000, 300);
    expectSamplesAddUp(o, seen, 4);
    expect(seen.map((x) => x.offeredRate)).toEqual(seen.map(() => null));
    expect(seen.at(-1)!.durationMs).toBeLessThan(300);
    expect(o.targetRate).toBeNull();
    const plain = await runLoad(get(`${s.url}/`), { kind: 'closed', connections: 4 }, { durationMs: 300 });
    expect(plain).not.toHaveProperty('intervals');
  });

  it('refuses a bad schedule or interval before sending anything, naming it', async () => {
    const target = get('http://127.0.0.1:9/');
    await expect(
      runLoad(target, { kind: 'rate', rate: 100, connections: 2, schedule: [{ fromMs: 0, rate: 100 }, { fromMs: 800, rate: 400 }, { fromMs: 500, rate: 100 }] }, { durationMs: 1000 }),
    ).rejects.toThrow(
      new LoadError("load profile schedule[2].fromMs is 500, not after schedule[1].fromMs (800); expected increasing offsets from the window's start"),
    );
    await expect(runLoad(target, { kind: 'closed', connections: 2 }, { durationMs: 1000, interval: { ms: 0, onSample: () => {} } })).rejects.toThrow(
      new LoadError('load option interval.ms is 0; expected at least 100 milliseconds'),
    );
  });

  it("stops the trial when onSample throws and rejects with the caller's own error", async () => {
    const s = await server({});
    const boom = new Error('dashboard down');
    let calls = 0;
    const run = runLoad(get(`${s.url}/`), { kind: 'closed', connections: 2 }, {
      durationMs: 5000,
      interval: {
        ms: 100,
        onSample: () => {
          calls += 1;
          throw boom;
        },
      },
    });
    await expect(run).rejects.toBe(boom);
    expect(calls).toBe(1);
  });
});
