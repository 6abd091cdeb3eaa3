import { dueTimes } from './arrival-pacer.js';
import { rateSchedule, type EngineRun } from './engine.js';
import { requestSpec, sendRequest, type PendingRequest } from './one-request.js';

/**
 * The load engine for services that close their connections (HTTP/1.0, `Connection: close`): N
 * loops, each sending one request at a time on a connection of its own, timed from just before the
 * connection is opened to the end of the answer. Connecting is part of every request such a
 * service serves, so it is part of its latency, as it is for its real clients.
 *
 * closed: each loop sends its next request as soon as the previous one is settled.
 * rate: loop i owns slot i of the schedule of arrival-pacer.ts and waits for its due time; a
 * request sent late (its loop was still busy) counts the lag in its latency, as the autocannon
 * engine's pacer does, but not in the time it held a connection.
 *
 * The load generator does not close a connection first: the service does, so the TIME_WAIT sockets
 * thousands of connections a second leave behind are mostly on its side, not on our ephemeral
 * ports (98% for the node fixture, 84% for Python's http.server, measured over 2 s at 16 loops).
 * On loopback Linux reuses the rest for new connections (net.ipv4.tcp_tw_reuse defaults to 2).
 */
export async function runPerRequest(run: EngineRun): Promise<void> {
  const { url, target, profile, timeoutMs, tally, window, clock, connectionStarted } = run;
  const spec = requestSpec(url, target);
  const inFlight = new Set<PendingRequest>();
  const sleepers = new Set<{ timer: unknown; wake: () => void }>();

  window.onClose(() => {
    const closedAt = window.closedAtMs ?? clock.now();
    for (const request of inFlight) {
      tally.inFlightAtClose(Math.max(0, closedAt - request.startMs));
      request.abandon();
    }
    inFlight.clear();
    for (const sleeper of sleepers) {
      clock.clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    sleepers.clear();
  });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const sleeper = {
        timer: clock.setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      sleepers.add(sleeper);
    });

  const loop = async (index: number) => {
    const due = profile.kind === 'rate' ? dueTimes(rateSchedule(profile, run, index)) : null;
    connectionStarted();
    while (window.open) {
      let lagMs = 0;
      if (due !== null) {
        const late = clock.now() - due.dueMs;
        // A timer firing a little late is the generator's delay, not the service's: no lag then.
        if (late < 0) await sleep(-late);
        else lagMs = late;
        due.advance();
        if (!window.open) return;
      }
      const request = sendRequest(spec, false, timeoutMs, clock);
      inFlight.add(request);
      const result = await request.done;
      inFlight.delete(request);
      // Settled after the window closed: its time was counted at the close, the answer is not.
      if (!window.open || result.kind === 'abandoned') return;
      if (result.kind === 'response') tally.response(result.status, result.ms + lagMs, result.ms);
      else tally.failure(result.failure, result.ms);
    }
  };

  await Promise.all(Array.from({ length: profile.connections }, (_, i) => loop(i)));
}
