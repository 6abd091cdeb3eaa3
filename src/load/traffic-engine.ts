import type { EventEmitter } from 'node:events';
import type autocannon from 'autocannon';
import { freshPassState, type PassState, type TrafficStep } from './traffic.js';
import type { TrafficTally } from './traffic-tally.js';

/**
 * How the autocannon engine drives a mix or journey: autocannon's `requests` list, one entry per
 * step, each built by the step's prepare() from the connection's pass state (autocannon's per-client
 * `context`, fresh at every pass through the list), and answers counted per part of the program.
 *
 * autocannon runs onResponse (the captures) and then emits 'response' for the same answer, before
 * it moves to the next request, so both see the pass state of the answer's request. A step that
 * returns no request makes autocannon start the list again: that is how a failed step ends its pass.
 */

/** The parts of autocannon's client this reads. */
export interface TrafficClient extends EventEmitter {
  requestIterator?: { context: PassState; currentRequestIndex: number };
  _destroyConnection?: () => void;
}

/**
 * Where a client keeps the part and pass of the request it dropped with its connection. On a
 * timeout autocannon drops the connection, reconnects and sends the next request, and only then
 * reports the timeout: by then it may be on the next step, or a new pass.
 */
const DROPPED = Symbol('perfgate.dropped');
type Tracked = TrafficClient & { [DROPPED]?: { part: number; state: PassState }; pipelinedRequests?: { size?(): number } };

export interface TrafficDriver {
  /** autocannon's `requests` and `initialContext` options. */
  requests: autocannon.Request[];
  initialContext: PassState;
  /** Called once per client as autocannon builds it. */
  setupClient(client: TrafficClient): void;
  response(client: TrafficClient, status: number, latencyMs: number, busyMs: number): void;
  failure(client: TrafficClient, kind: string, busyMs: number): void;
  timeout(client: TrafficClient, busyMs: number): void;
}

export function trafficDriver(steps: TrafficStep[], tally: TrafficTally, isExpected: ((status: number) => boolean)[], lastStep: number | null): TrafficDriver {
  const requests = steps.map((step): autocannon.Request => {
    const request: autocannon.Request = step.fixed
      ? { ...step.fixed, method: step.fixed.method as autocannon.Request['method'], body: step.fixed.body ?? '' }
      : {
          setupRequest: (req, context) => {
            const prepared = step.prepare(context as PassState);
            if (prepared === null) return null as unknown as autocannon.Request;
            return { ...req, method: prepared.method as autocannon.Request['method'], path: prepared.path, headers: prepared.headers, body: prepared.body ?? '' };
          },
        };
    if (step.onResponse) {
      const capture = step.onResponse;
      const expected = isExpected[steps.indexOf(step)]!;
      request.onResponse = (status, body, context, headers) => {
        // Only an expected answer is read: an error page has nothing to capture, and is an error already.
        if (expected(status)) capture(context as PassState, body, (headers ?? {}) as Record<string, unknown>);
      };
    }
    return request;
  });

  const stateOf = (client: TrafficClient): PassState => client.requestIterator!.context;
  // Several steps: one part each, the step autocannon is on. One step: the part its prepare() picked.
  const partOf =
    steps.length > 1 ? (client: TrafficClient) => client.requestIterator!.currentRequestIndex : (client: TrafficClient) => stateOf(client).part ?? 0;
  const failed = (state: PassState, part: number, kind: string, busyMs: number) => {
    tally.parts[part]!.failure(kind, busyMs);
    state.broken = true;
  };
  return {
    requests,
    initialContext: freshPassState(),
    setupClient(client) {
      const tracked = client as Tracked;
      const drop = tracked._destroyConnection;
      if (typeof drop !== 'function') return;
      tracked._destroyConnection = function (this: unknown) {
        // A request dropped unanswered ends its pass before the reconnect sends the next step.
        if (tracked.requestIterator && (tracked.pipelinedRequests?.size?.() ?? 0) > 0) {
          const state = stateOf(tracked);
          tracked[DROPPED] = { part: partOf(tracked), state };
          state.broken = true;
        }
        drop.call(tracked);
      };
    },
    response(client, status, latencyMs, busyMs) {
      const state = stateOf(client);
      const part = partOf(client);
      if (state.failure) {
        failed(state, part, state.failure, busyMs);
        state.failure = null;
        return;
      }
      tally.parts[part]!.response(status, latencyMs, busyMs);
      if (lastStep === null) return;
      if (!isExpected[part]!(status)) {
        state.broken = true;
        return;
      }
      const elapsed = (state.elapsedMs ?? 0) + latencyMs;
      state.elapsedMs = elapsed;
      if (part === lastStep && !state.broken) tally.passCompleted(elapsed);
    },
    failure(client, kind, busyMs) {
      failed(stateOf(client), partOf(client), kind, busyMs);
    },
    timeout(client, busyMs) {
      const at = (client as Tracked)[DROPPED] ?? { part: partOf(client), state: stateOf(client) };
      failed(at.state, at.part, 'timeout', busyMs);
    },
  };
}
