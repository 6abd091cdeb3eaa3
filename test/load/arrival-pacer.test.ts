import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { ArrivalPacer, changingScheduleFor, scheduleFor } from '../../src/load/arrival-pacer.js';
import { RateCurve } from '../../src/load/rate-schedule.js';
import type { PaceableClient } from '../../src/load/arrival-pacer.js';
import { ManualClock } from './manual-clock.js';

function fakeClient(clock: ManualClock) {
  const sends: number[] = [];
  const reschedules: number[] = [];
  const client: PaceableClient = {
    _doRequest: () => sends.push(clock.now()),
    destroyed: false,
    timeoutTicker: { reschedule: (ms) => reschedules.push(ms) },
  };
  return { client, sends, reschedules };
}

describe('scheduleFor', () => {
  it('spreads connections evenly over the arrival interval', () => {
    expect(scheduleFor(0, 4, 200, 1000, 10_000)).toEqual({ firstDueMs: 1000, intervalMs: 20, timeoutMs: 10_000 });
    expect(scheduleFor(3, 4, 200, 1000, 10_000).firstDueMs).toBe(1015);
  });
});

describe('ArrivalPacer', () => {
  it('sends on schedule when the service answers in time, with no lag', () => {
    const clock = new ManualClock();
    const { client, sends, reschedules } = fakeClient(clock);
    const pacer = new ArrivalPacer(client, { firstDueMs: 0, intervalMs: 10, timeoutMs: 1000 }, clock);
    client._doRequest(); // autocannon's first request on connect
    expect(sends).toEqual([0]);
    for (const answeredAt of [2, 13, 21]) {
      clock.advanceTo(answeredAt);
      expect(pacer.lagMs).toBe(0);
      client._doRequest(); // autocannon asks for the next request right after each answer
    }
    clock.advanceTo(35);
    expect(sends).toEqual([0, 10, 20, 30]);
    expect(pacer.lagMs).toBe(0);
    // While a request waits for its due time the request timeout restarts from the wait.
    expect(reschedules).toEqual([1008, 1007, 1009]);
  });

  it('sends at once when an answer comes late and carries the lag, which grows while overloaded', () => {
    const clock = new ManualClock();
    const { client, sends } = fakeClient(clock);
    const pacer = new ArrivalPacer(client, { firstDueMs: 0, intervalMs: 5, timeoutMs: 1000 }, clock);
    client._doRequest();
    const lags: number[] = [];
    // The service takes 20 ms a request, four times the 5 ms interval.
    for (let t = 20; t <= 100; t += 20) {
      clock.advanceTo(t);
      client._doRequest();
      lags.push(pacer.lagMs);
    }
    expect(sends).toEqual([0, 20, 40, 60, 80, 100]);
    // due 5, 10, 15, 20, 25 -> sent at 20, 40, 60, 80, 100
    expect(lags).toEqual([15, 30, 45, 60, 75]);
  });

  it('ignores a second request while one is already waiting, and sends nothing after stop', () => {
    const clock = new ManualClock();
    const { client, sends } = fakeClient(clock);
    const pacer = new ArrivalPacer(client, { firstDueMs: 10, intervalMs: 10, timeoutMs: 1000 }, clock);
    client._doRequest();
    client._doRequest(); // a reconnect while the first request waits
    clock.advanceTo(10);
    expect(sends).toEqual([10]);
    client._doRequest();
    expect(clock.pending).toBe(1);
    pacer.stop();
    expect(clock.pending).toBe(0);
    clock.advanceTo(50);
    client._doRequest();
    expect(sends).toEqual([10]);
  });

  it('sends nothing on a destroyed client', () => {
    const clock = new ManualClock();
    const { client, sends } = fakeClient(clock);
    new ArrivalPacer(client, { firstDueMs: 5, intervalMs: 10, timeoutMs: 1000 }, clock);
    client._doRequest();
    client.destroyed = true;
    clock.advanceTo(100);
    client._doRequest();
    expect(sends).toEqual([]);
  });

  it('follows a spike: on time before it, a lag that builds in it and outlives it, then back on time', () => {
    const clock = new ManualClock();
    const { client, sends } = fakeClient(clock);
    // One connection: 100/s, 400/s from 100 ms, 100/s again from 150 ms. Arrival k is due at 10k ms
    // up to k = 10, then every 2.5 ms up to k = 30 (150 ms), then every 10 ms.
    const curve = new RateCurve([
      { fromMs: 0, rate: 100 },
      { fromMs: 100, rate: 400 },
      { fromMs: 150, rate: 100 },
    ]);
    const pacer = new ArrivalPacer(client, changingScheduleFor(0, 1, curve, 0, 1000), clock);
    client._doRequest();
    const lags = [pacer.lagMs];
    // The service answers 5 ms after each send: in time at 100/s, half as fast as 400/s.
    while (sends.length < 45) {
      const sent = sends.length;
      clock.advanceTo(sends.at(-1)! + 5);
      client._doRequest();
      while (sends.length === sent) clock.advanceTo(clock.now() + 0.5);
      lags.push(pacer.lagMs);
    }
    const expectedSends: number[] = [];
    const expectedLags: number[] = [];
    for (let k = 0; k < 45; k++) {
      if (k <= 10) expectedSends.push(10 * k); // on time
      else if (k <= 40) expectedSends.push(105 + 5 * (k - 11)); // each as the previous answer arrives
      else expectedSends.push(260 + 10 * (k - 41)); // on time again
      const dueMs = k <= 10 ? 10 * k : k <= 30 ? 100 + 2.5 * (k - 10) : 150 + 10 * (k - 30);
      expectedLags.push(expectedSends[k]! - dueMs);
    }
    expect(sends).toEqual(expectedSends);
    expect(lags).toEqual(expectedLags);
    // The lag grows through the spike (2.5 ms a request), peaks at 50 ms on the first request after
    // it, and drains at 5 ms a request: the spike's queue outlives it, as a real client's would.
    expect(Math.max(...lags)).toBe(50);
    expect(lags[30]).toBe(50);
    expect(lags.slice(41)).toEqual([0, 0, 0, 0]);
  });

  it('refuses an autocannon whose client it cannot hook, saying what it needs', () => {
    const clock = new ManualClock();
    const client = { destroyed: false, timeoutTicker: { reschedule: () => {} } } as unknown as PaceableClient;
    expect(() => new ArrivalPacer(client, { firstDueMs: 0, intervalMs: 10, timeoutMs: 1000 }, clock)).toThrow(
      new LoadError(
        "the rate profile paces requests through autocannon 8's internal client._doRequest, which this autocannon lacks; " +
          'expected autocannon ^8.0.0 (use the closed profile meanwhile)',
      ),
    );
  });
});
