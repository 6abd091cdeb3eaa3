import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { LoadError } from '../errors.js';
import { ArrivalPacer, scheduleFor } from './arrival-pacer.js';
import type { PaceableClient, PacerClock } from './arrival-pacer.js';
import { assertLoopbackUrl } from './loopback.js';
import { TrialTally } from './trial-tally.js';
import type { LoadOptions, LoadOutcome, LoadProfile, LoadTarget } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * How often autocannon looks at its stop flag. Its default (1 s) would let a run overshoot its
 * window by up to a second; at 100 ms the run is over soon after the window closes.
 */
const SAMPLE_INTERVAL_MS = 100;
/** autocannon's own duration is only a backstop behind our window timer. */
const BACKSTOP_EXTRA_S = 5;
/** After the window, wait at most this long for autocannon's report before settling without it. */
const FINISH_GRACE_MS = 2_000;

/** autocannon's http client as setupClient receives it: an EventEmitter plus the internals we use. */
type RawClient = EventEmitter & PaceableClient & { timeout: number; destroy(): void; [PACER]?: ArrivalPacer };

/** Where a client carries its pacer, for the response listener to read the lag from. */
const PACER = Symbol('perfgate.pacer');

const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * One trial of load: drive `target` with `profile` for `durationMs` and count what came back.
 *
 * The counts cover exactly the window [start, start + durationMs): at its end every connection is
 * closed, so no request is sent whose cost the counts do not cover, and answers arriving later are
 * not counted. autocannon stays silent (no progress bar, no table: those only run from its CLI).
 * Warmup is the caller's: it runs a trial and throws the outcome away.
 */
export async function runLoad(target: LoadTarget, profile: LoadProfile, options: LoadOptions): Promise<LoadOutcome> {
  const url = assertLoopbackUrl(target.url);
  checkProfile(profile);
  const { durationMs, timeoutMs = DEFAULT_TIMEOUT_MS, signal } = options;
  checkPositive('durationMs', durationMs);
  checkPositive('timeoutMs', timeoutMs);
  signal?.throwIfAborted();

  const clock = systemClock;
  const tally = new TrialTally(target.isExpectedStatus);
  const targetRate = profile.kind === 'rate' ? profile.rate : null;

  return new Promise<LoadOutcome>((resolve, reject) => {
    const clients: RawClient[] = [];
    const pacers: ArrivalPacer[] = [];
    let instance: autocannon.Instance | undefined;
    let open = true;
    let settled = false;
    let windowMs = 0;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const startMs = clock.now();

    const closeWindow = () => {
      if (!open) return;
      open = false;
      windowMs = clock.now() - startMs;
      clearTimeout(windowTimer);
      signal?.removeEventListener('abort', closeWindow);
      for (const pacer of pacers) pacer.stop();
      for (const client of clients) client.destroy();
      instance?.stop();
      graceTimer = setTimeout(finish, FINISH_GRACE_MS);
    };

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      if (signal?.aborted) reject(signal.reason);
      else if (err) reject(new LoadError(`load against ${url.href} could not run: ${(err as Error).message ?? String(err)}`));
      else resolve(tally.outcome(windowMs, targetRate));
    };

    const setupClient = (client: autocannon.Client) => {
      const raw = client as unknown as RawClient;
      // autocannon's option refuses timeouts under 1 s; its client takes any, set before its timer starts.
      raw.timeout = timeoutMs;
      const index = clients.length;
      clients.push(raw);
      if (profile.kind === 'rate') {
        const pacer = new ArrivalPacer(raw, scheduleFor(index, profile.connections, profile.rate, startMs, timeoutMs), clock);
        pacers.push(pacer);
        raw[PACER] = pacer;
      }
      // Failures are rare: a listener per client is cheap enough and tells timeouts from socket errors.
      raw.on('connError', (err: unknown) => {
        if (open) tally.failure(errorKind(err));
      });
      raw.on('timeout', () => {
        if (open) tally.failure('timeout');
      });
    };

    signal?.addEventListener('abort', closeWindow, { once: true });
    const windowTimer = setTimeout(closeWindow, durationMs);
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
        },
        (err: unknown) => {
          closeWindow();
          finish(err);
        },
      );
      // One listener on the instance, not one more per client: autocannon emits there for every
      // response anyway, and a second listener on a client costs an array copy per response.
      if (profile.kind === 'rate') {
        instance.on('response', (client, status, _bytes, responseTime) => {
          if (open) tally.response(status, responseTime + (client as unknown as RawClient)[PACER]!.lagMs);
        });
      } else {
        instance.on('response', (_client, status, _bytes, responseTime) => {
          if (open) tally.response(status, responseTime);
        });
      }
    } catch (err) {
      // autocannon throws synchronously for what it cannot encode (an unknown method, ...).
      closeWindow();
      finish(err);
    }
  });
}

/** A socket error's code ('ECONNREFUSED', 'ECONNRESET', ...): a small, fixed set of keys. */
function errorKind(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'socket error';
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new LoadError(`load option ${name} is ${value}; expected a positive number of milliseconds`);
  }
}

function checkProfile(profile: LoadProfile): void {
  if (!Number.isInteger(profile.connections) || profile.connections < 1) {
    throw new LoadError(`load profile connections is ${profile.connections}; expected a whole number of at least 1`);
  }
  if (profile.kind === 'rate' && (!Number.isFinite(profile.rate) || profile.rate <= 0)) {
    throw new LoadError(`load profile rate is ${profile.rate}; expected a positive number of requests per second`);
  }
}
