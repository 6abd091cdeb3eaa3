import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { ArrivalPacer, scheduleFor } from '../../src/load/arrival-pacer.js';
import type { PaceableClient, PacerClock } from '../../src/load/arrival-pacer.js';

/** A manual clock: time moves only when the test says so, timers fire in due order. */
class ManualClock implements PacerClock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  advanceTo(t: number) {
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= t).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = t;
  }
  get pending() {
    return this.timers.size;
  }
}

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
