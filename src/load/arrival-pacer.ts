/**
 * Fixed arrival rate with latency corrected for coordinated omission.
 *
 * Coordinated omission: a load generator that waits for an answer before sending the next request
 * stops asking while the service is stalled, so the stall shows in one slow sample instead of in
 * every request that a real client would have sent meanwhile. Under a fixed arrival rate the fix is
 * to measure each request from the moment it was due to be sent, not from when it went out (Gil
 * Tene, "How NOT to measure latency"; wrk2 does the same).
 *
 * Each of the C connections owns one slot of an even schedule: with a total rate R its requests are
 * due every C/R seconds, and connection i starts i/R seconds after the first, so that together they
 * send a request every 1/R seconds. A rate that changes over the window (rate-schedule.ts) keeps the
 * same rule: the k-th arrival of the whole profile is due when the cumulative count reaches k, and
 * connection i takes arrivals i, i + C, i + 2C, ... When a request is due:
 *
 *     connection idle  ──due──▶ wait for the due time, send           latency = response time
 *     connection busy  ──due──▶ send as soon as the answer arrives    latency = response time + lag
 *                                                                      (lag = answer time − due time)
 *
 * Only a late answer adds lag: the delay of a timer firing a little late (Node's are ms-coarse) is
 * the generator's, not the service's. The schedule is absolute (due += C/R), so a connection that
 * fell behind stays behind and its lag keeps growing, which is what users of an overloaded service
 * see: a queue that grows for as long as the arrivals outpace the service.
 *
 * Why not autocannon's own overallRate: it is a per-connection budget per second, spent as a burst
 * at the start of each second, and a connection's deficit is forgiven every second, so an overloaded
 * service looks like a closed loop; its correction records with an expected interval of
 * Math.ceil(1 / rate) ms, which is 1 ms whatever the rate. Why not HdrHistogram's
 * recordValueWithExpectedInterval: it back-fills values below the one slow sample, so a service that
 * takes 20 ms per request but is asked for four times its capacity would still show a p99 of 20 ms.
 */

import { LoadError } from '../errors.js';
import type { RateCurve } from './rate-schedule.js';

/** The parts of autocannon's (v8) http client the pacer hooks into; they are internal to autocannon. */
export interface PaceableClient {
  _doRequest: () => void;
  destroyed: boolean;
  timeoutTicker: { reschedule(ms: number): void };
}

export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** One connection's due times under a constant rate. */
export interface EvenArrivals {
  /** When this connection's first request is due (clock milliseconds). */
  firstDueMs: number;
  /** Time between this connection's requests: connections / rate seconds, in milliseconds. */
  intervalMs: number;
  /** The client's request timeout, restarted while a request waits for its due time. */
  timeoutMs: number;
}

/** One connection's due times under a rate that changes: arrivals first, first + step, ... of `curve`. */
export interface ChangingArrivals {
  curve: RateCurve;
  /** When the curve's window starts (clock milliseconds). */
  startMs: number;
  /** This connection's first arrival (0-based over the whole profile) and the step to its next: the connections. */
  first: number;
  step: number;
  timeoutMs: number;
}

export type ArrivalSchedule = EvenArrivals | ChangingArrivals;

/** Due time of connection `index` out of `connections` sending `rate` requests a second in total. */
export function scheduleFor(index: number, connections: number, rate: number, startMs: number, timeoutMs: number): EvenArrivals {
  return { firstDueMs: startMs + (index * 1000) / rate, intervalMs: (connections * 1000) / rate, timeoutMs };
}

/** Connection `index` out of `connections` under a changing rate whose window starts at `startMs`. */
export function changingScheduleFor(index: number, connections: number, curve: RateCurve, startMs: number, timeoutMs: number): ChangingArrivals {
  return { curve, startMs, first: index, step: connections, timeoutMs };
}

/** The same connection one request later: the probe took its first slot (engine.ts). */
export function skipFirst(schedule: ArrivalSchedule): ArrivalSchedule {
  return 'curve' in schedule
    ? { ...schedule, first: schedule.first + schedule.step }
    : { ...schedule, firstDueMs: schedule.firstDueMs + schedule.intervalMs };
}

/** A connection's due times in order: `dueMs` is its next request's, advance() moves on to the one after. */
export interface DueTimes {
  readonly dueMs: number;
  advance(): void;
}

export function dueTimes(schedule: ArrivalSchedule): DueTimes {
  if (!('curve' in schedule)) {
    // Added up, not multiplied: the due times a constant rate has always had, to the last bit.
    const { intervalMs } = schedule;
    let dueMs = schedule.firstDueMs;
    return {
      get dueMs() {
        return dueMs;
      },
      advance() {
        dueMs += intervalMs;
      },
    };
  }
  const { curve, startMs, step } = schedule;
  let k = schedule.first;
  let piece = curve.pieceOfArrival(k);
  let dueMs = startMs + curve.arrivalMs(k, piece);
  return {
    get dueMs() {
      return dueMs;
    },
    advance() {
      k += step;
      piece = curve.pieceOfArrival(k, piece);
      dueMs = startMs + curve.arrivalMs(k, piece);
    },
  };
}

export class ArrivalPacer {
  /** Lag of the request now in flight on this connection (ms); read when its answer arrives. */
  lagMs = 0;
  private readonly due: DueTimes;
  private timer: unknown = null;
  private stopped = false;
  private readonly send: () => void;

  constructor(
    private readonly client: PaceableClient,
    private readonly schedule: ArrivalSchedule,
    private readonly clock: PacerClock,
  ) {
    if (typeof client._doRequest !== 'function') {
      throw new LoadError(
        'the rate profile paces requests through autocannon 8\'s internal client._doRequest, which this autocannon lacks; ' +
          'expected autocannon ^8.0.0 (use the closed profile meanwhile)',
      );
    }
    this.due = dueTimes(schedule);
    // autocannon calls _doRequest after every answer and on every (re)connect; pacing sits there.
    this.send = client._doRequest.bind(client);
    client._doRequest = () => this.request();
  }

  request(): void {
    if (this.stopped || this.timer !== null || this.client.destroyed) return;
    const late = this.clock.now() - this.due.dueMs;
    if (late < 0) {
      // The request timeout runs from the last send; without a restart a long wait would read as a timeout.
      this.client.timeoutTicker.reschedule(this.schedule.timeoutMs - late);
      this.timer = this.clock.setTimeout(this.sendOnTime, -late);
      return;
    }
    this.lagMs = late;
    this.due.advance();
    this.send();
  }

  /** No request leaves this connection afterwards. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly sendOnTime = (): void => {
    this.timer = null;
    if (this.stopped || this.client.destroyed) return;
    this.lagMs = 0;
    this.due.advance();
    this.send();
  };
}
