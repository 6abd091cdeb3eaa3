import type { LatencySummary } from '../results/schema.js';
import type { ConnectionMode } from './connection-probe.js';
import type { LittlesLawCheck } from './littles-law.js';
import type { TrafficProgram } from './traffic.js';

/** What one trial sends: a single request shape, repeated. */
export interface LoadTarget {
  /** Full URL. Only loopback hosts are accepted (127.0.0.0/8, localhost, ::1). */
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Which statuses count as success; every other status is an error (see parseStatusSpec). */
  isExpectedStatus: (status: number) => boolean;
  /**
   * A mix or journey (traffic.ts): its requests go to `url`'s origin instead of the one request
   * above, which the trial no longer sends.
   */
  traffic?: TrafficProgram;
}

/** From `fromMs` (milliseconds after the window's start) on, `rate` requests a second. */
export interface RatePiece {
  fromMs: number;
  rate: number;
}

/**
 * closed: N connections, each sending its next request as soon as the previous answer arrives.
 * rate: a fixed arrival rate (requests per second over all connections), evenly spaced, with
 * latency measured from each request's intended send time (see arrival-pacer.ts). With a
 * `schedule` the rate changes over the window, piecewise constant (rate-schedule.ts): the first
 * piece starts at fromMs 0 with `rate`, each later one after the one before; without it, `rate`
 * holds throughout.
 */
export type LoadProfile =
  | { kind: 'closed'; connections: number }
  | { kind: 'rate'; rate: number; connections: number; schedule?: RatePiece[] };

/**
 * The counts of one interval of the window. A response belongs to the interval in which it
 * arrived, which is what a user watching a dashboard sees; under the rate profile its latency is
 * still measured from when it was due (arrival-pacer.ts), so a queue built up in a spike shows in
 * the intervals it drains in.
 */
export interface IntervalSample {
  /** Start of the interval, milliseconds after the window's start. */
  startMs: number;
  /** Its measured length: the intervals of a trial tile its window. */
  durationMs: number;
  /** Answers and failed attempts that arrived in the interval. */
  requests: number;
  errors: number;
  successes: number;
  /** Successful responses per second of the interval. */
  throughput: number;
  /** Rate profile: the mean rate the schedule asked for over the interval; null for the closed profile. */
  offeredRate: number | null;
  /** Of the successful responses that arrived in the interval, milliseconds. */
  latencyMs: LatencySummary;
}

export interface IntervalOptions {
  /** Length of each interval, from the window's start; the last one ends with the window. */
  ms: number;
  /** Called at the end of each interval, in order, while the load goes on; a throw stops the trial. */
  onSample(sample: IntervalSample): void;
}

export interface LoadOptions {
  /** Length of the measured window; load stops by itself when it ends. */
  durationMs: number;
  /** Per request; a request unanswered this long counts as a 'timeout' error. Default 10 s. */
  timeoutMs?: number;
  /** Aborting stops the load at once and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Counts of every `ms` of the window as well as of the whole (interval-sampler.ts). */
  interval?: IntervalOptions;
}

export interface LoadOutcome {
  /** Measured length of the window the counts below cover. */
  durationMs: number;
  /** Every completed request and every failed attempt (socket error, timeout). */
  requests: number;
  /** Unexpected statuses plus socket errors and timeouts. */
  errors: number;
  /** Responses by HTTP status code ("200", "503"). */
  statusCounts: Record<string, number>;
  /** Errors by kind: 'status 503', 'timeout', 'ECONNREFUSED', 'ECONNRESET', ... */
  errorCounts: Record<string, number>;
  successes: number;
  /** Successful responses per second. */
  throughput: number;
  /** Of successful responses, milliseconds, from the microsecond histogram. */
  latencyMs: LatencySummary;
  /** hdr-histogram-js encodeIntoCompressedBase64 of the microsecond histogram of successful responses. */
  histogram: string;
  /** Rate profile: the rate asked for, its mean over the window when it has a schedule; null for the closed profile. */
  targetRate: number | null;
  /** Rate profile only: the successful rate reached was below 95% of the target. */
  overloaded: boolean;
  /** 'per-request' when the service closed its connections, so each request had a connection of its own. */
  connectionMode: ConnectionMode;
  /** Mean requests in flight against the connections (littles-law.ts); null when no load ran. */
  littlesLaw: LittlesLawCheck | null;
  /** With options.interval: every sample given to onSample, in order. */
  intervals?: IntervalSample[];
  /** A mix or journey: the counts of each request or step, in the program's order. */
  parts?: PartOutcome[];
  /**
   * A journey: how many passes through every step completed. The outcome's latency is then that of
   * whole passes and its throughput passes a second; `successes` stays successful requests.
   */
  units?: { name: string; completed: number };
}

/** One part of a mix or journey (a request, a step): its own counts, latency and throughput. */
export type PartOutcome = { name: string } & Omit<LoadOutcome, 'connectionMode' | 'littlesLaw' | 'intervals' | 'parts' | 'units'>;
