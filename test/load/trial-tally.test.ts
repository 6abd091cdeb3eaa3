import { describe, expect, it } from 'vitest';
import { decodeHistogram, parseStatusSpec } from '../../src/load/index.js';
import { TrialTally } from '../../src/load/trial-tally.js';

describe('TrialTally', () => {
  it('counts expected statuses as successes and everything else as errors, per status and kind', () => {
    const tally = new TrialTally(parseStatusSpec('2xx'));
    for (let i = 0; i < 6; i++) tally.response(200, 2.5);
    tally.response(201, 3.5);
    tally.response(503, 0.2);
    tally.response(503, 0.2);
    tally.response(404, 0.2);
    tally.failure('timeout');
    tally.failure('ECONNRESET');
    tally.failure('ECONNRESET');
    const o = tally.outcome(2000, null);
    expect(o.requests).toBe(13);
    expect(o.successes).toBe(7);
    expect(o.errors).toBe(6);
    expect(o.statusCounts).toEqual({ '200': 6, '201': 1, '404': 1, '503': 2 });
    expect(o.errorCounts).toEqual({ 'status 404': 1, 'status 503': 2, timeout: 1, ECONNRESET: 2 });
    expect(o.throughput).toBe(3.5);
    expect(o.durationMs).toBe(2000);
    // Only successful responses enter the latency histogram.
    expect(decodeHistogram(o.histogram).totalCount).toBe(7);
    expect(o.latencyMs.p50).toBeCloseTo(2.5, 2);
    expect(o.latencyMs.max).toBeCloseTo(3.5, 2);
    expect(o.targetRate).toBeNull();
    expect(o.overloaded).toBe(false);
  });

  it('asks isExpectedStatus once per distinct status', () => {
    const asked: number[] = [];
    const tally = new TrialTally((s) => {
      asked.push(s);
      return s === 200;
    });
    for (let i = 0; i < 100; i++) tally.response(i % 2 ? 200 : 500, 1);
    tally.response(777, 1);
    expect(asked).toEqual([500, 200, 777]);
    expect(tally.outcome(1000, null).errorCounts).toEqual({ 'status 500': 50, 'status 777': 1 });
  });

  it('marks a rate trial overloaded below 95% of the target', () => {
    const reach = (n: number) => {
      const tally = new TrialTally(() => true);
      for (let i = 0; i < n; i++) tally.response(200, 1);
      return tally.outcome(1000, 100);
    };
    expect(reach(95).overloaded).toBe(false);
    expect(reach(94).overloaded).toBe(true);
    expect(reach(94).targetRate).toBe(100);
  });

  it('clamps latencies into the histogram range instead of throwing', () => {
    const tally = new TrialTally(() => true);
    tally.response(200, 0);
    tally.response(200, 120_000);
    const o = tally.outcome(1000, null);
    expect(o.successes).toBe(2);
    expect(o.latencyMs.max).toBeGreaterThanOrEqual(59_990);
    expect(o.latencyMs.max).toBeLessThanOrEqual(60_100);
  });

  it("sums the time every request held its connection, whatever its status, for the Little's law check", () => {
    const tally = new TrialTally(parseStatusSpec('2xx'));
    tally.response(200, 2.5);
    // Rate profile: the latency counts the lag behind schedule, the connection only the answer's time.
    tally.response(200, 10.5, 2.5);
    tally.response(503, 1.25);
    tally.failure('timeout', 300);
    tally.failure('ECONNREFUSED');
    tally.inFlightAtClose(0.75);
    // The connection probe: counted, but it holds no connection of the checked window.
    tally.response(200, 4, 0);
    expect(tally.busyMs).toBe(2.5 + 2.5 + 1.25 + 300 + 0 + 0.75 + 0);
    const o = tally.outcome(1000, null);
    expect(o.requests).toBe(6);
    expect(o.successes).toBe(3);
    expect(decodeHistogram(o.histogram).totalCount).toBe(3);
    expect(o.latencyMs.max).toBeCloseTo(10.5, 1);
  });
});
