import { describe, expect, it } from 'vitest';
import type { PacerClock } from '../../src/load/arrival-pacer.js';
import { decodeHistogram, parseStatusSpec } from '../../src/load/index.js';
import { IntervalSampler } from '../../src/load/interval-sampler.js';
import { RateCurve } from '../../src/load/rate-schedule.js';
import { TrialTally } from '../../src/load/trial-tally.js';
import { TrialWindow } from '../../src/load/trial-window.js';
import type { IntervalSample } from '../../src/load/types.js';
import { ManualClock } from './manual-clock.js';

/** What arrives when: a response (status, latency) or a failure, at a clock time. */
type Event = { at: number; status: number; ms: number } | { at: number; failure: string };

/** Plays `events` into a tally as an engine would (only while the window is open), to `untilMs`. */
function play(clock: ManualClock, window: TrialWindow, tally: TrialTally, events: readonly Event[], untilMs: number) {
  for (const e of events) {
    clock.advanceTo(e.at);
    if (!window.open) continue;
    if ('failure' in e) tally.failure(e.failure);
    else tally.response(e.status, e.ms);
  }
  clock.advanceTo(untilMs);
}

function sampled(events: readonly Event[], durationMs: number, intervalMs: number, offered: ((a: number, b: number) => number) | null = null) {
  const clock = new ManualClock();
  const tally = new TrialTally(parseStatusSpec('2xx'));
  tally.sampleIntervals();
  const window = new TrialWindow(durationMs, clock);
  const seen: IntervalSample[] = [];
  const sampler = new IntervalSampler(tally, window, clock, intervalMs, offered, (s) => seen.push(s));
  play(clock, window, tally, events, durationMs + 50);
  return { seen, sampler, outcome: tally.outcome(window.closedAtMs! - window.startMs, null), window };
}

/** Every 10 ms a 200 whose latency is a fifth of its arrival time, a 503 at 333 and a timeout at 777. */
const events: Event[] = [
  ...Array.from({ length: 100 }, (_, i) => ({ at: 5 + 10 * i, status: 200, ms: (5 + 10 * i) / 5 })),
  { at: 333, status: 503, ms: 1 },
  { at: 777, failure: 'timeout' },
].sort((a, b) => a.at - b.at);

describe('IntervalSampler', () => {
  it('reports each interval of the window with what arrived in it, and the intervals add up to the trial', () => {
    const { seen, sampler, outcome } = sampled(events, 1000, 250);
    expect(seen.map((s) => [s.startMs, s.durationMs])).toEqual([
      [0, 250],
      [250, 250],
      [500, 250],
      [750, 250],
    ]);
    expect(seen.map((s) => [s.requests, s.errors, s.successes])).toEqual([
      [25, 0, 25],
      [26, 1, 25],
      [25, 0, 25],
      [26, 1, 25],
    ]);
    expect(seen.map((s) => s.throughput)).toEqual([100, 100, 100, 100]);
    expect(seen.every((s) => s.offeredRate === null)).toBe(true);
    // Latencies of the responses that arrived in each interval: 1..49 ms, 51..99, 101..149, 151..199.
    seen.forEach((s, i) => expect(s.latencyMs.max).toBeCloseTo([49, 99, 149, 199][i]!, 0));
    expect(seen[0]!.latencyMs.p50).toBeCloseTo(25, 0);
    expect(seen[3]!.latencyMs.p50).toBeCloseTo(175, 0);
    expect(sampler.samples).toEqual(seen);
    const sum = (key: 'requests' | 'errors' | 'successes') => seen.reduce((t, s) => t + s[key], 0);
    expect([sum('requests'), sum('errors'), sum('successes')]).toEqual([outcome.requests, outcome.errors, outcome.successes]);
  });

  it('leaves the trial exactly as it is without sampling, histogram bucket for bucket', () => {
    const { outcome } = sampled(events, 1000, 250);
    const clock = new ManualClock();
    const plain = new TrialTally(parseStatusSpec('2xx'));
    const window = new TrialWindow(1000, clock);
    play(clock, window, plain, events, 1050);
    const expected = plain.outcome(window.closedAtMs! - window.startMs, null);
    expect(outcome).toEqual(expected);
    expect(outcome.histogram).toBe(expected.histogram);
    expect(decodeHistogram(outcome.histogram).totalCount).toBe(100);
  });

  it('ends with a shorter interval when the window is not a whole number of them, and counts what came before the window in the first', () => {
    const clock = new ManualClock();
    const tally = new TrialTally(parseStatusSpec('2xx'));
    tally.sampleIntervals();
    // The connection probe: answered before the window opens, counted in the trial.
    tally.response(200, 3);
    clock.advanceTo(100);
    const window = new TrialWindow(1000, clock);
    const seen: IntervalSample[] = [];
    new IntervalSampler(tally, window, clock, 300, null, (s) => seen.push(s));
    play(clock, window, tally, events.map((e) => ({ ...e, at: e.at + 100 })), 1200);
    expect(seen.map((s) => [s.startMs, s.durationMs])).toEqual([
      [0, 300],
      [300, 300],
      [600, 300],
      [900, 100],
    ]);
    expect(seen.map((s) => s.requests)).toEqual([31, 31, 31, 10]);
    expect(seen[3]!.throughput).toBe(100);
    expect(seen.reduce((t, s) => t + s.requests, 0)).toBe(tally.outcome(1000, null).requests);
  });

  it('keeps its boundaries on the grid when a timer fires late, each interval over its measured length', () => {
    const clock = new ManualClock();
    // Every sampler timer fires 10 ms late; the window's own timer is on time.
    const late: PacerClock = { now: clock.now, setTimeout: (fn, ms) => clock.setTimeout(fn, ms + 10), clearTimeout: clock.clearTimeout };
    const tally = new TrialTally(parseStatusSpec('2xx'));
    tally.sampleIntervals();
    const window = new TrialWindow(1000, clock);
    const seen: IntervalSample[] = [];
    new IntervalSampler(tally, window, late, 250, null, (s) => seen.push(s));
    play(clock, window, tally, events, 1050);
    expect(seen.map((s) => [s.startMs, s.durationMs])).toEqual([
      [0, 260],
      [260, 250],
      [510, 250],
      [760, 240],
    ]);
    // A response belongs to the interval its timer had not yet closed when it arrived.
    expect(seen.map((s) => s.successes)).toEqual([26, 25, 25, 24]);
    expect(seen[0]!.throughput).toBeCloseTo(100, 9);
  });

  it("gives each interval the schedule's mean rate over it", () => {
    const curve = new RateCurve([
      { fromMs: 0, rate: 100 },
      { fromMs: 400, rate: 400 },
      { fromMs: 600, rate: 100 },
    ]);
    const { seen } = sampled(events, 1000, 250, (a, b) => curve.meanRate(a, b));
    // [250, 500): 150 ms at 100/s and 100 ms at 400/s; [500, 750): 100 ms at 400/s and 150 ms at 100/s.
    expect(seen.map((s) => s.offeredRate)).toEqual([100, 220, 220, 100]);
  });

  it('stops the trial when onSample throws, and keeps what it had', () => {
    const clock = new ManualClock();
    const tally = new TrialTally(parseStatusSpec('2xx'));
    tally.sampleIntervals();
    const window = new TrialWindow(1000, clock);
    const boom = new Error('dashboard down');
    let calls = 0;
    const sampler = new IntervalSampler(tally, window, clock, 250, null, () => {
      calls += 1;
      if (calls === 2) throw boom;
    });
    play(clock, window, tally, events, 1050);
    expect(window.closedAtMs).toBe(500);
    expect(sampler.failure).toEqual({ error: boom });
    expect(calls).toBe(2);
    expect(sampler.samples.map((s) => s.startMs)).toEqual([0, 250]);
  });

  it('ends with the window when it is aborted, and sends nothing after', () => {
    const clock = new ManualClock();
    const tally = new TrialTally(parseStatusSpec('2xx'));
    tally.sampleIntervals();
    const abort = new AbortController();
    const window = new TrialWindow(1000, clock, abort.signal);
    const seen: IntervalSample[] = [];
    new IntervalSampler(tally, window, clock, 250, null, (s) => seen.push(s));
    play(clock, window, tally, events.filter((e) => e.at < 600), 600);
    abort.abort();
    clock.advanceTo(2000);
    expect(seen.map((s) => [s.startMs, s.durationMs, s.requests])).toEqual([
      [0, 250, 25],
      [250, 250, 26],
      [500, 100, 10],
    ]);
    expect(clock.pending).toBe(0);
  });
});
