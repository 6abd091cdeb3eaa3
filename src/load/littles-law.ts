/**
 * Little's law as a self-check of every trial's latency measurement.
 *
 * Little's law: the mean number of requests in a system equals their arrival rate times their
 * mean time in it (L = λW), for any system in a steady state whatever the distributions. A closed
 * loop over N connections keeps a request in flight on every connection all the time, so L = N:
 * mean latency × throughput must come out at N. perfgate measures L directly, as the time-average
 * of requests in flight:
 *
 *     in flight = N × Σ time each request held its connection within the window
 *                     / Σ time each connection was open within the window
 *
 * It counts every request (errors and timeouts too, not only the successes whose latency is
 * reported) and the requests still in flight when the window closed, and each connection from when
 * the engine opened it, so the edges of the window cost nothing. The plain product of mean latency
 * and throughput does not: on Python's http.server, whose listen backlog of 5 makes some connects
 * wait a 1 s SYN retry, it read 0.54 of the connections on a trial this method reads at 0.9995.
 * Each connection carries one request at a time, so on a correct trial in flight ≤ N exactly, and
 * below N only by the client's think time between an answer and the next request.
 *
 * A latency measured from the wrong start breaks the law: autocannon timing an answer from an
 * earlier request's start (a service that closes its connections) measured a 5 ms service as p50
 * 250 ms at 2,100 req/s on 16 connections, 525 requests "in flight" on 16 connections.
 *
 * Tolerance. Requests in flight as a share of connections, on the 2-core machine shared with other
 * work (load average 6-9), 16 connections, 3 s trials, 5 quiet and 3 with two extra busy-looping
 * processes each (docs/measurement.md):
 *
 *   service                                    engine        quiet           busy
 *   example /api/items (50 µs CPU)             autocannon    0.9980-0.9997   0.9988-0.9997
 *   example /api/compute (400 µs CPU)          autocannon    0.9994-0.9998   0.9987-0.9998
 *   example /api/slow (10 ms timer)            autocannon    0.9992-0.9998   0.9987-0.9999
 *   node, Connection: close, no delay          per-request   0.9992-0.9996   0.9993-0.9997
 *   node, Connection: close, 5 ms timer        per-request   0.9990-0.9997   0.9993-0.9998
 *   python3 -m http.server (HTTP/1.0)          per-request   0.9994-0.9997   0.9995-0.9997
 *   python http.server, 5 ms sleep (HTTP/1.0)  per-request   0.9993-0.9998   0.9998-0.9999
 *   250 ms trials, 64 connections, cold start  either        0.9993-1.0000
 *   node, closes without saying so, 5 ms       autocannon    0.90-0.95
 *
 * Correct trials lose at most 0.2% to think time, and never exceed 1. The one service below 0.99
 * closes each connection without a `Connection: close` header: autocannon writes a request into
 * the closing connection that is never answered, and that time is missing, but it times the
 * requests that are answered correctly (p50 7-10 ms for the 5 ms service). A faulty measurement is
 * off by far more: autocannon's stale queue gave 48-100 times the connections (0.5-0.8 s "latency"
 * for a 5 ms service). So a closed trial must lie within IN_FLIGHT_MIN_SHARE..IN_FLIGHT_MAX_SHARE of its connections: the
 * lower bound leaves the silent closer and a machine far busier than the one measured a margin,
 * the upper one only rounding, since more than one request in flight per connection is impossible
 * on a correct trial. A rate trial leaves its connections idle between due times, so only the
 * upper bound holds there (measured 0.16-0.88 below capacity, 0.999-1.000 overloaded).
 */

/** What a trial's Little's law check found. */
export interface LittlesLawCheck {
  /** Connections of the load profile: all busy in a closed loop, at most busy under a fixed rate. */
  connections: number;
  /** Time-average of requests in flight over the checked window, from the measured request times. */
  inFlight: number;
  holds: boolean;
}

/** A closed trial's requests in flight must be at least this share of its connections... */
export const IN_FLIGHT_MIN_SHARE = 0.8;
/** ...and any trial's at most this share. */
export const IN_FLIGHT_MAX_SHARE = 1.01;

/**
 * The check of one trial: `busyMs` is the time requests held their connections within the window,
 * `connectionMs` the time the connections were there to hold them (summed over connections, each
 * from when the engine opened it to the end of the window, so a slow start of the load generator
 * does not count as idle connections). Null when no connection was opened.
 */
export function checkLittlesLaw(
  kind: 'closed' | 'rate',
  connections: number,
  busyMs: number,
  connectionMs: number,
): LittlesLawCheck | null {
  if (!(connectionMs > 0) || !Number.isFinite(busyMs)) return null;
  const share = busyMs / connectionMs;
  const holds = share <= IN_FLIGHT_MAX_SHARE && (kind === 'rate' || share >= IN_FLIGHT_MIN_SHARE);
  return { connections, inFlight: share * connections, holds };
}
