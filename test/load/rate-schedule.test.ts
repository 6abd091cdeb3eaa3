import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { changingScheduleFor, dueTimes, scheduleFor, skipFirst } from '../../src/load/arrival-pacer.js';
import { checkRateSchedule, RateCurve } from '../../src/load/rate-schedule.js';
import type { RatePiece } from '../../src/load/types.js';

/** ∫rate over [0, t) in requests, summed piece by piece. */
function bruteCount(pieces: readonly RatePiece[], t: number): number {
  let count = 0;
  pieces.forEach((p, j) => {
    const end = j + 1 < pieces.length ? pieces[j + 1]!.fromMs : Infinity;
    count += (p.rate * Math.max(0, Math.min(t, end) - p.fromMs)) / 1000;
  });
  return count;
}

/** The time the cumulative count reaches k, by bisection on bruteCount (to well under a nanosecond). */
function bruteArrival(pieces: readonly RatePiece[], k: number): number {
  let lo = 0;
  let hi = 1;
  while (bruteCount(pieces, hi) < k) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (bruteCount(pieces, mid) < k) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The first `n` due times of a connection's schedule. */
function firstDues(schedule: Parameters<typeof dueTimes>[0], n: number): number[] {
  const due = dueTimes(schedule);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(due.dueMs);
    due.advance();
  }
  return out;
}

const spike: RatePiece[] = [
  { fromMs: 0, rate: 100 },
  { fromMs: 1000, rate: 400 },
  { fromMs: 1500, rate: 100 },
];
// Boundaries that fall between arrivals: 23.43 arrivals before the second piece, 168.43 before the third.
const uneven: RatePiece[] = [
  { fromMs: 0, rate: 33 },
  { fromMs: 710, rate: 250 },
  { fromMs: 1290, rate: 45 },
];

describe('RateCurve', () => {
  it('puts the k-th arrival where the cumulative count reaches k, evenly spaced within each piece', () => {
    const curve = new RateCurve(spike);
    // 10 ms apart at 100/s, 2.5 ms at 400/s, 10 ms again.
    expect([0, 1, 99, 100, 101, 299, 300, 301].map((k) => curve.arrivalMs(k))).toEqual([0, 10, 990, 1000, 1002.5, 1497.5, 1500, 1510]);
    expect(curve.countAt(1000)).toBe(100);
    expect(curve.countAt(1500)).toBe(300);
    expect(curve.countAt(2000)).toBe(350);
  });

  it('agrees with brute-force inversion of the cumulative count, boundaries between arrivals included', () => {
    for (const pieces of [spike, uneven]) {
      const curve = new RateCurve(pieces);
      for (let k = 0; k < 400; k++) expect(curve.arrivalMs(k)).toBeCloseTo(bruteArrival(pieces, k), 6);
    }
  });

  it('gives the mean rate asked for over any span', () => {
    const curve = new RateCurve(spike);
    expect(curve.meanRate(0, 1000)).toBe(100);
    expect(curve.meanRate(1000, 1500)).toBe(400);
    expect(curve.meanRate(0, 2000)).toBe(175);
    // 250 ms at 100/s and 250 ms at 400/s.
    expect(curve.meanRate(750, 1250)).toBe(250);
    // Past the last piece it keeps its rate; an empty span reads the rate at its start.
    expect(curve.meanRate(3000, 4000)).toBe(100);
    expect(curve.meanRate(1200, 1200)).toBe(400);
  });
});

describe('due times of a connection', () => {
  it('under a 3-piece schedule on 3 connections: connection i takes arrivals i, i+3, i+6, ... at the brute-force times', () => {
    const startMs = 5000;
    for (const pieces of [spike, uneven]) {
      const curve = new RateCurve(pieces);
      for (let i = 0; i < 3; i++) {
        const dues = firstDues(changingScheduleFor(i, 3, curve, startMs, 10_000), 130);
        dues.forEach((due, m) => expect(due - startMs).toBeCloseTo(bruteArrival(pieces, i + 3 * m), 6));
      }
      // Together the connections send every arrival once, in order.
      const all = [0, 1, 2].flatMap((i) => firstDues(changingScheduleFor(i, 3, curve, startMs, 10_000), 130)).sort((a, b) => a - b);
      all.forEach((due, k) => expect(due - startMs).toBeCloseTo(bruteArrival(pieces, k), 6));
    }
  });

  it('under a constant rate: exactly the due times the engine has always used', () => {
    const [rate, connections, startMs] = [170, 3, 1234.5];
    for (let i = 0; i < connections; i++) {
      // The arithmetic of the engine before schedules: first slot, then add the interval each time.
      const expected: number[] = [];
      let due = startMs + (i * 1000) / rate;
      for (let m = 0; m < 500; m++, due += (connections * 1000) / rate) expected.push(due);
      expect(firstDues(scheduleFor(i, connections, rate, startMs, 10_000), 500)).toEqual(expected);
      // A one-piece schedule is the same rate, to rounding.
      const one = firstDues(changingScheduleFor(i, connections, new RateCurve([{ fromMs: 0, rate }]), startMs, 10_000), 500);
      one.forEach((d, m) => expect(d).toBeCloseTo(expected[m]!, 9));
    }
  });

  it('skips the slot the connection probe took, for either kind of schedule', () => {
    expect(firstDues(skipFirst(scheduleFor(0, 4, 200, 0, 1000)), 2)).toEqual([20, 40]);
    const curve = new RateCurve(spike);
    expect(firstDues(skipFirst(changingScheduleFor(0, 4, curve, 0, 1000)), 3)).toEqual([40, 80, 120]);
  });
});

describe('checkRateSchedule', () => {
  const rejects = (rate: number, schedule: RatePiece[], message: string) =>
    expect(() => checkRateSchedule(rate, schedule)).toThrow(new LoadError(message));

  it('accepts an increasing schedule that starts at 0 with the profile rate', () => {
    expect(() => checkRateSchedule(100, spike)).not.toThrow();
  });

  it('names the bad piece, its value and what was expected', () => {
    rejects(100, [], 'load profile schedule is empty; expected at least one { fromMs, rate } piece, the first at fromMs 0');
    rejects(100, [{ fromMs: 200, rate: 100 }], "load profile schedule[0].fromMs is 200; expected 0: the schedule starts with the window");
    rejects(
      100,
      [{ fromMs: 0, rate: 100 }, { fromMs: 800, rate: 400 }, { fromMs: 500, rate: 100 }],
      "load profile schedule[2].fromMs is 500, not after schedule[1].fromMs (800); expected increasing offsets from the window's start",
    );
    rejects(
      100,
      [{ fromMs: 0, rate: 100 }, { fromMs: 0, rate: 400 }],
      "load profile schedule[1].fromMs is 0, not after schedule[0].fromMs (0); expected increasing offsets from the window's start",
    );
    rejects(100, [{ fromMs: 0, rate: 100 }, { fromMs: 500, rate: 0 }], 'load profile schedule[1].rate is 0; expected a positive number of requests per second');
    rejects(100, [{ fromMs: 0, rate: 100 }, { fromMs: NaN, rate: 5 }], "load profile schedule[1].fromMs is NaN; expected milliseconds from the window's start");
    rejects(
      100,
      [{ fromMs: 0, rate: 200 }],
      'load profile rate is 100 but schedule[0].rate is 200; expected the same figure: rate is the rate the window starts with',
    );
  });
});
