import type { PacerClock } from './arrival-pacer.js';
import { sendRequest, type RequestSpec } from './one-request.js';
import type { TrialTally } from './trial-tally.js';
import type { TrialWindow } from './trial-window.js';

/**
 * Does the service keep connections open between requests? Asked once at the start of every trial,
 * because autocannon cannot measure a service that does not: after an answer it writes the next
 * request into the connection the service is closing, and on reconnecting keeps that request's
 * entry at the head of its queue, so every later answer is timed from an earlier request's start (a
 * 5 ms service read as p50 250 ms). Such a service gets a new connection per request instead
 * (per-request-engine.ts).
 */

/** 'keep-alive': connections are reused; 'per-request': the service closes each one after answering. */
export type ConnectionMode = 'keep-alive' | 'per-request';

/**
 * Whether an answer announces that the service closes the connection after it (RFC 9112 §9.3):
 * `Connection: close`, or HTTP/1.0 without `Connection: keep-alive` (Python's http.server).
 */
export function closesConnection(httpVersion: string, connection: string | undefined): boolean {
  const options = (connection ?? '').split(',').map((o) => o.trim().toLowerCase());
  if (options.includes('close')) return true;
  if (httpVersion === '1.0') return !options.includes('keep-alive');
  return false;
}

/**
 * Sends the trial's request once, on a connection offered for keep-alive, and reads the answer,
 * counted in `tally` like any other request but holding no connection of the Little's law check.
 * Null when no answer came (a socket error or timeout, also counted) or `window` closed first (not
 * counted): the caller keeps autocannon, whose error accounting covers a dead service.
 */
export async function probeConnectionMode(
  spec: RequestSpec,
  tally: TrialTally,
  window: TrialWindow,
  timeoutMs: number,
  clock: PacerClock,
): Promise<ConnectionMode | null> {
  if (!window.open) return null;
  const agent = new spec.transport.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const request = sendRequest(spec, agent, timeoutMs, clock);
    window.onClose(request.abandon);
    const result = await request.done;
    if (!window.open || result.kind === 'abandoned') return null;
    if (result.kind === 'failure') {
      tally.failure(result.failure, 0);
      return null;
    }
    tally.response(result.status, result.ms, 0);
    return closesConnection(result.httpVersion, result.connection) ? 'per-request' : 'keep-alive';
  } finally {
    agent.destroy();
  }
}
