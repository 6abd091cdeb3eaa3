/**
 * What the load engine needs to send more than one kind of request in a trial: a mix's weighted
 * requests or a journey's steps. The scenario kinds (src/scenarios/) build a TrafficProgram; the
 * engine (traffic-engine.ts) only runs its steps and counts answers per part, so it knows nothing
 * of weights, captures or data files.
 */

/** One request as it goes on the wire, on the trial's origin. */
export interface PreparedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * The state of one pass through the steps on one connection: autocannon's per-client `context`,
 * which it replaces with a fresh empty one at every pass through its request list, so values
 * captured by one journey never leak into the next. Every field starts absent; an empty object is
 * the cheapest thing for autocannon to copy once a pass.
 */
export interface PassState {
  /** Template values: the pass's data row and what earlier steps captured. */
  vars?: Record<string, string | undefined>;
  /** A one-step program (a mix): the part its prepare() picked for the request in flight. */
  part?: number;
  /** Set by a step's capture when a value was missing: the step's answer counts as this error. */
  failure?: string | null;
  /** A step of this pass failed: the remaining steps are skipped and the pass starts again. */
  broken?: boolean;
  /** Sum of the pass's step latencies so far, milliseconds. */
  elapsedMs?: number;
}

export interface TrafficStep {
  /**
   * A request that never changes: autocannon builds it once and sends it as it is. Only a first
   * step may be fixed: a later one must be able to skip itself when its pass has failed.
   */
  fixed?: PreparedRequest;
  /** The request to send (a one-step program sets state.part); null when the pass must start again. */
  prepare(state: PassState): PreparedRequest | null;
  /** Called with each expected answer before it is counted; sets state.failure when a capture failed. */
  onResponse?(state: PassState, body: string, headers: Record<string, unknown>): void;
}

export interface TrafficPart {
  name: string;
  isExpectedStatus(status: number): boolean;
}

/**
 * A program of several steps has one part per step, in order (a journey); a program of one step
 * picks the part of each request in its prepare() (a mix).
 */
export interface TrafficProgram {
  parts: TrafficPart[];
  /**
   * "journey" when the steps make one unit whose latency is the sum of theirs and whose throughput
   * is completed passes a second; null when every request is a unit of its own (a mix).
   */
  unit: string | null;
  /** The steps of one trial, with its seeded sequences started afresh (the same every trial). */
  start(): TrafficStep[];
}

export function freshPassState(): PassState {
  return {};
}
