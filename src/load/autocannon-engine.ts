import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { LoadError } from '../errors.js';
import { ArrivalPacer } from './arrival-pacer.js';
import type { PaceableClient } from './arrival-pacer.js';
import { rateSchedule, type EngineRun } from './engine.js';
import { errorKind } from './one-request.js';

/**
 * The load engine for services that keep their connections open: autocannon, N connections, one
 * request at a time on each (no pipelining).
 */

/**
 * How often autocannon looks at its stop flag. Its default (1 s) would let a run overshoot its
 * window by up to a second; at 100 ms the run is over soon after the window closes.
 */
const SAMPLE_INTERVAL_MS = 100;
/** autocannon's own duration is only a backstop behind our window timer. */
const BACKSTOP_EXTRA_S = 5;
/** After the window, wait at most this long for autocannon's report before settling without it. */
const FINISH_GRACE_MS = 2_000;

/** The request in flight on an autocannon client: its queue entry, started at process.hrtime(). */
interface PendingEntry {
  startTime?: [number, number];
}

/** autocannon's http client as setupClient receives it: an EventEmitter plus the internals we use. */
type RawClient = EventEmitter &
  PaceableClient & {
    timeout: number;
    destroy(): void;
    conn?: unknown;
    _connect?: () => void;
    _destroyConnection?: () => void;
    pipelinedRequests?: { peek?(): PendingEntry | undefined };
    [PACER]?: ArrivalPacer;
  };

/** Where a client carries its pacer, for the response listener to read the lag from. */
const PACER = Symbol('perfgate.pacer');

export function runAutocannon(run: EngineRun): Promise<void> {
  const { url, target, profile, timeoutMs, tally, window, clock, connectionStarted, traffic } = run;
  const durationMs = Math.max(0, window.endMs - clock.now());

  return new Promise<void>((resolve, reject) => {
    if (!window.open) {
      resolve();
      return;
    }
    const clients: RawClient[] = [];
    const pacers: ArrivalPacer[] = [];
    let instance: autocannon.Instance | undefined;
    let settled = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      if (err) reject(new LoadError(`load against ${url.href} could not run: ${(err as Error).message ?? String(err)}`));
      else resolve();
    };

    window.onClose(() => {
      for (const pacer of pacers) pacer.stop();
      // Up to the moment the window closed, not to now: destroying clients takes a while.
      const late = clock.now() - (window.closedAtMs ?? clock.now());
      for (const client of clients) {
        const elapsed = elapsedMs(client.pipelinedRequests?.peek?.());
        if (elapsed > 0) tally.inFlightAtClose(Math.max(0, elapsed - late));
      }
      for (const client of clients) client.destroy();
      instance?.stop();
      graceTimer = setTimeout(finish, FINISH_GRACE_MS);
    });

    const setupClient = (client: autocannon.Client) => {
      const raw = client as unknown as RawClient;
      // autocannon's option refuses timeouts under 1 s; its client takes any, set before its timer starts.
      raw.timeout = timeoutMs;
      forgetClosedConnections(raw);
      const index = clients.length;
      clients.push(raw);
      // autocannon builds its clients one after the other, each connecting as it is built.
      connectionStarted();
      if (profile.kind === 'rate') {
        const pacer = new ArrivalPacer(raw, rateSchedule(profile, run, index), clock);
        pacers.push(pacer);
        raw[PACER] = pacer;
      }
      // Failures are rare: a listener per client is cheap enough and tells timeouts from socket errors.
      // The failed request is still at the head of the client's queue when autocannon reports it.
      if (traffic) {
        traffic.setupClient(raw);
        raw.on('connError', (err: unknown) => {
          if (window.open) traffic.failure(raw, errorKind(err), elapsedMs(raw.pipelinedRequests?.peek?.()));
        });
        raw.on('timeout', () => {
          if (window.open) traffic.timeout(raw, timeoutMs);
        });
        return;
      }
      raw.on('connError', (err: unknown) => {
        if (window.open) tally.failure(errorKind(err), elapsedMs(raw.pipelinedRequests?.peek?.()));
      });
      // A timed-out request held its connection for the whole timeout.
      raw.on('timeout', () => {
        if (window.open) tally.failure('timeout', timeoutMs);
      });
    };

    try {
      instance = autocannon(
        {
          url: url.href,
          method: target.method as autocannon.Request['method'],
          headers: target.headers,
          body: target.body,
          connections: profile.connections,
          pipelining: 1,
          duration: durationMs / 1000 + BACKSTOP_EXTRA_S,
          timeout: Math.max(1, timeoutMs / 1000),
          sampleInt: SAMPLE_INTERVAL_MS,
          setupClient,
          ...(traffic ? { requests: traffic.requests, initialContext: traffic.initialContext as unknown as Record<string, unknown> } : {}),
        },
        (err: unknown) => {
          window.close();
          finish(err);
        },
      );
      // One listener on the instance, not one more per client: autocannon emits there for every
      // response anyway, and a second listener on a client costs an array copy per response.
      if (traffic && profile.kind === 'rate') {
        instance.on('response', (client, status, _bytes, responseTime) => {
          if (window.open) traffic.response(client as unknown as RawClient, status, responseTime + (client as unknown as RawClient)[PACER]!.lagMs, responseTime);
        });
      } else if (traffic) {
        instance.on('response', (client, status, _bytes, responseTime) => {
          if (window.open) traffic.response(client as unknown as RawClient, status, responseTime, responseTime);
        });
      } else if (profile.kind === 'rate') {
        instance.on('response', (client, status, _bytes, responseTime) => {
          if (window.open) tally.response(status, responseTime + (client as unknown as RawClient)[PACER]!.lagMs, responseTime);
        });
      } else {
        instance.on('response', (_client, status, _bytes, responseTime) => {
          if (window.open) tally.response(status, responseTime);
        });
      }
    } catch (err) {
      // autocannon throws synchronously for what it cannot encode (an unknown method, ...).
      window.close();
      finish(err);
    }
  });
}

/** Time since a queued request was written, in milliseconds; 0 without one. */
function elapsedMs(entry: PendingEntry | undefined): number {
  if (!entry?.startTime) return 0;
  const [s, ns] = process.hrtime(entry.startTime);
  return s * 1e3 + ns / 1e6;
}

/**
 * autocannon reconnects when the service ends a connection, but keeps the old socket's listeners
 * and the queue entry of the request it had just written into it: every later answer on the client
 * is then timed from an earlier request's start, and an error on the old socket opens yet another
 * connection. Dropping the old connection and its queue before each reconnect (what autocannon does
 * itself after a timeout) times each request from its own write again, connecting included.
 * Services that close every connection are not left to this (connection-probe.ts); this covers
 * those that close one now and then (a keep-alive request limit, an idle timeout).
 */
function forgetClosedConnections(raw: RawClient): void {
  const connect = raw._connect;
  const drop = raw._destroyConnection;
  if (typeof connect !== 'function' || typeof drop !== 'function') return;
  raw._connect = () => {
    if (raw.conn) drop.call(raw);
    connect.call(raw);
  };
}
