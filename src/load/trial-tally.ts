import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../results/schema.js';
import { createLatencyHistogram, encodeHistogram, summarizeLatency, toRecordableMicros } from './histogram.js';
import type { LoadOutcome } from './types.js';

/** Status codes below this are counted in flat arrays; anything else (never seen in practice) in a Map. */
const STATUS_SLOTS = 600;
const UNKNOWN = 0;
const EXPECTED = 1;
const UNEXPECTED = 2;

/** What arrived in one interval of a trial (IntervalSample without its times and rates). */
export interface IntervalCounts {
  requests: number;
  errors: number;
  successes: number;
  latencyMs: LatencySummary;
}

/** A rate profile is overloaded when it delivers less than this share of its target rate. */
export const OVERLOAD_SHARE = 0.95;

/**
 * Counts one trial: every response and every failed attempt, and the latency of the successful
 * ones in a microsecond histogram. No array grows with the number of requests.
 *
 * response() runs once per response on the core that the load generator shares with the service,
 * so it is kept to a table look-up, two increments and a histogram record; the user's
 * isExpectedStatus is asked once per distinct status, not once per response.
 *
 * Interval samples cost it nothing more: an interval's counts are differences of the running
 * totals, and its latencies go into a histogram of their own that takeInterval(), called from a
 * timer at each boundary, summarizes, adds into the trial's histogram and empties. The trial's
 * histogram ends up with the same counts, bucket for bucket, as if every value had gone straight
 * into it.
 */
export class TrialTally {
  private readonly verdicts = new Uint8Array(STATUS_SLOTS);
  private readonly byStatus = new Float64Array(STATUS_SLOTS);
  private readonly byOddStatus = new Map<number, number>();
  private readonly failures = new Map<string, number>();
  private successCount = 0;
  private failureCount = 0;
  private statusErrorCount = 0;
  private busy = 0;
  /** Where response() records latencies: the trial's histogram, or while sampling the current interval's. */
  private recording: Histogram;
  /** The running totals when the current interval began. */
  private intervalStart = { successes: 0, statusErrors: 0, failures: 0 };

  constructor(
    private readonly isExpectedStatus: (status: number) => boolean,
    private readonly histogram: Histogram = createLatencyHistogram(),
  ) {
    this.recording = histogram;
  }

  /**
   * From now on count in intervals, each ended by takeInterval(). Called before the first
   * response, so that the intervals add up to the trial.
   */
  sampleIntervals(): void {
    if (this.recording === this.histogram) this.recording = createLatencyHistogram();
  }

  /** The counts since the previous call (or since sampleIntervals()), and a new interval begins. */
  takeInterval(): IntervalCounts {
    const interval = this.recording;
    if (interval === this.histogram) throw new Error('TrialTally.takeInterval() before sampleIntervals()');
    const start = this.intervalStart;
    const successes = this.successCount - start.successes;
    const statusErrors = this.statusErrorCount - start.statusErrors;
    const failures = this.failureCount - start.failures;
    const latencyMs = summarizeLatency(interval);
    if (interval.totalCount > 0) {
      this.histogram.add(interval);
      interval.reset();
    }
    this.intervalStart = { successes: this.successCount, statusErrors: this.statusErrorCount, failures: this.failureCount };
    return { requests: successes + statusErrors + failures, errors: statusErrors + failures, successes, latencyMs };
  }

  /**
   * A complete HTTP response; latencyMs is only recorded when its status is expected. busyMs is how
   * long the request held its connection, whatever its status, for the Little's law check
   * (littles-law.ts): the latency itself, except under the rate profile, whose latency adds the
   * time the request waited for its connection before it was sent.
   */
  response(status: number, latencyMs: number, busyMs: number = latencyMs): void {
    this.busy += busyMs;
    if (status >= 0 && status < STATUS_SLOTS) {
      this.byStatus[status]! += 1;
      let verdict = this.verdicts[status]!;
      if (verdict === UNKNOWN) {
        verdict = this.isExpectedStatus(status) ? EXPECTED : UNEXPECTED;
        this.verdicts[status] = verdict;
      }
      if (verdict === EXPECTED) {
        this.successCount += 1;
        this.recording.recordValue(toRecordableMicros(latencyMs));
      } else {
        this.statusErrorCount += 1;
      }
      return;
    }
    this.byOddStatus.set(status, (this.byOddStatus.get(status) ?? 0) + 1);
    if (this.isExpectedStatus(status)) {
      this.successCount += 1;
      this.recording.recordValue(toRecordableMicros(latencyMs));
    } else {
      this.statusErrorCount += 1;
    }
  }

  /** A request that got no response: 'timeout', or a socket error code such as 'ECONNREFUSED'. */
  failure(kind: string, busyMs = 0): void {
    this.busy += busyMs;
    this.failureCount += 1;
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }

  /** Time a request still in flight when the window closed held its connection within the window. */
  inFlightAtClose(busyMs: number): void {
    this.busy += busyMs;
  }

  get successes(): number {
    return this.successCount;
  }

  /** Milliseconds that requests held connections, summed over all requests and connections. */
  get busyMs(): number {
    return this.busy;
  }

  /** The counts of a window of `durationMs`; how the load was sent and checked is the caller's to add. */
  outcome(durationMs: number, targetRate: number | null): Omit<LoadOutcome, 'connectionMode' | 'littlesLaw'> {
    const statusCounts: Record<string, number> = {};
    const errorCounts: Record<string, number> = {};
    const addStatus = (status: number, count: number, expected: boolean) => {
      statusCounts[String(status)] = count;
      if (!expected) errorCounts[`status ${status}`] = count;
    };
    for (let status = 0; status < STATUS_SLOTS; status++) {
      const count = this.byStatus[status]!;
      if (count > 0) addStatus(status, count, this.verdicts[status] === EXPECTED);
    }
    for (const [status, count] of this.byOddStatus) addStatus(status, count, this.isExpectedStatus(status));
    for (const [kind, count] of this.failures) errorCounts[kind] = count;

    const seconds = durationMs / 1000;
    const throughput = seconds > 0 ? this.successCount / seconds : 0;
    const responses = this.successCount + this.statusErrorCount;
    // An interval not yet taken still belongs to the trial; it stays for takeInterval() to report.
    let whole = this.histogram;
    if (this.recording !== this.histogram && this.recording.totalCount > 0) {
      whole = createLatencyHistogram();
      whole.add(this.histogram);
      whole.add(this.recording);
    }
    return {
      durationMs,
      requests: responses + this.failureCount,
      errors: this.statusErrorCount + this.failureCount,
      statusCounts,
      errorCounts,
      successes: this.successCount,
      throughput,
      latencyMs: summarizeLatency(whole),
      histogram: encodeHistogram(whole),
      targetRate,
      overloaded: targetRate !== null && throughput < OVERLOAD_SHARE * targetRate,
    };
  }
}
