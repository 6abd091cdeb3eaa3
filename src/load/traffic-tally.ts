import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, encodeHistogram, summarizeLatency, toRecordableMicros } from './histogram.js';
import type { TrafficProgram } from './traffic.js';
import { OVERLOAD_SHARE, TrialTally } from './trial-tally.js';
import type { LoadOutcome, PartOutcome } from './types.js';

/**
 * Counts one trial of a mix or journey: a TrialTally per part (request of a mix, step of a
 * journey), each with its own microsecond histogram, and for a journey a histogram of whole passes
 * (the sum of their steps' latencies). The whole mix is the parts added together at the end, so an
 * answer is recorded once, not twice, on the core the load generator shares with the service.
 */
export class TrafficTally {
  readonly parts: TrialTally[];
  private readonly histograms: Histogram[];
  private readonly passes: Histogram | null;
  private completed = 0;

  constructor(private readonly program: TrafficProgram) {
    this.histograms = program.parts.map(() => createLatencyHistogram());
    this.parts = program.parts.map((p, i) => new TrialTally(p.isExpectedStatus, this.histograms[i]));
    this.passes = program.unit === null ? null : createLatencyHistogram();
  }

  /** A pass through every step succeeded; its latency is the sum of theirs. */
  passCompleted(latencyMs: number): void {
    this.completed += 1;
    this.passes?.recordValue(toRecordableMicros(latencyMs));
  }

  get busyMs(): number {
    return this.parts.reduce((sum, p) => sum + p.busyMs, 0);
  }

  /**
   * The whole's outcome, with every part's. The whole counts every request of every part (its
   * errors named by their part); its latency and throughput are those of the requests of a mix, of
   * completed passes of a journey. `successes` stays the successful requests, so CPU per request
   * is per completed request of any part.
   */
  outcome(durationMs: number, targetRate: number | null): Omit<LoadOutcome, 'connectionMode' | 'littlesLaw'> {
    const label = this.program.unit === null ? 'request' : 'step';
    const parts: PartOutcome[] = this.parts.map((p, i) => ({ name: this.program.parts[i]!.name, ...p.outcome(durationMs, null) }));
    const statusCounts: Record<string, number> = {};
    const errorCounts: Record<string, number> = {};
    let requests = 0;
    let errors = 0;
    let successes = 0;
    for (const p of parts) {
      requests += p.requests;
      errors += p.errors;
      successes += p.successes;
      for (const [s, n] of Object.entries(p.statusCounts)) statusCounts[s] = (statusCounts[s] ?? 0) + n;
      for (const [kind, n] of Object.entries(p.errorCounts)) errorCounts[`${label} "${p.name}": ${kind}`] = n;
    }
    let whole: Histogram;
    let done: number;
    if (this.passes !== null) {
      whole = this.passes;
      done = this.completed;
    } else {
      whole = createLatencyHistogram();
      for (const h of this.histograms) whole.add(h);
      done = successes;
    }
    const seconds = durationMs / 1000;
    const throughput = seconds > 0 ? done / seconds : 0;
    return {
      durationMs,
      requests,
      errors,
      statusCounts,
      errorCounts,
      successes,
      throughput,
      latencyMs: summarizeLatency(whole),
      histogram: encodeHistogram(whole),
      targetRate,
      overloaded: targetRate !== null && successes / Math.max(seconds, 1e-9) < OVERLOAD_SHARE * targetRate,
      parts,
      ...(this.program.unit !== null ? { units: { name: this.program.unit, completed: this.completed } } : {}),
    };
  }
}
