import type { PacerClock } from './arrival-pacer.js';
import type { TrialTally } from './trial-tally.js';
import type { TrialWindow } from './trial-window.js';
import type { IntervalSample } from './types.js';

/**
 * Cuts a trial's window into intervals of `intervalMs` and reports the counts of each: the time
 * series a spike or soak test reads (the rise and recovery of p99, a slope of throughput).
 *
 * The boundaries come from a timer on the window's clock, not from a check per response (the
 * response path runs on the core the service shares, trial-tally.ts): at each boundary the tally
 * hands over what arrived since the previous one. A response therefore belongs to the interval in
 * which it arrived, as far as the event loop can tell: a timer that fires d ms late moves d ms of
 * answers into the interval before, and the samples record the boundaries as they happened, so
 * every interval's throughput is over its own measured length and the intervals tile the window.
 * The boundaries themselves stay on the window's grid (startMs + n × intervalMs): a late timer
 * does not push the ones after it. The last interval ends with the window, shorter when the
 * window is not a whole number of intervals (or was aborted).
 *
 * The trial's connection probe ran just before the window and is counted in the trial, so it is
 * counted in the first interval too: the intervals add up to the trial.
 */
export class IntervalSampler {
  /** Every sample so far, in order. */
  readonly samples: IntervalSample[] = [];
  /** What onSample threw, if it did: the trial stopped there and reports it. */
  failure: { error: unknown } | null = null;
  private timer: unknown = null;
  private lastBoundaryMs: number;
  /** The boundary the timer is set for: startMs + boundary × intervalMs. */
  private boundary = 0;

  /**
   * `offeredRate(fromMs, toMs)`: the mean rate the profile asked for over an interval (offsets from
   * the window's start); null for the closed profile. Made with the window, before the engine
   * sends anything, from a `tally` that is already sampling (TrialTally.sampleIntervals).
   */
  constructor(
    private readonly tally: TrialTally,
    private readonly window: TrialWindow,
    private readonly clock: PacerClock,
    private readonly intervalMs: number,
    private readonly offeredRate: ((fromMs: number, toMs: number) => number) | null,
    private readonly onSample: (sample: IntervalSample) => void,
  ) {
    this.lastBoundaryMs = window.startMs;
    this.scheduleNext(window.startMs);
    window.onClose(this.last);
  }

  /**
   * The timer for the next boundary on the grid after the one just passed and after `nowMs`, if it
   * falls inside the window. Node's timers can fire up to a millisecond before the time asked for
   * on performance.now()'s clock, so the boundary is counted, not recomputed from the time.
   */
  private scheduleNext(nowMs: number): void {
    const { startMs, endMs } = this.window;
    this.boundary = Math.max(this.boundary + 1, Math.floor((nowMs - startMs) / this.intervalMs) + 1);
    const at = startMs + this.boundary * this.intervalMs;
    if (at >= endMs) return;
    this.timer = this.clock.setTimeout(this.atBoundary, Math.max(0, at - this.clock.now()));
  }

  private readonly atBoundary = (): void => {
    this.timer = null;
    if (!this.window.open) return;
    const now = this.clock.now();
    this.emit(now);
    if (this.window.open) this.scheduleNext(now);
  };

  private readonly last = (): void => {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.emit(this.window.closedAtMs ?? this.clock.now());
  };

  private emit(endMs: number): void {
    const durationMs = endMs - this.lastBoundaryMs;
    // A boundary that coincides with the close, or a window aborted at a boundary: nothing to report.
    if (!(durationMs > 0)) return;
    const fromMs = this.lastBoundaryMs - this.window.startMs;
    this.lastBoundaryMs = endMs;
    const counts = this.tally.takeInterval();
    const sample: IntervalSample = {
      startMs: fromMs,
      durationMs,
      requests: counts.requests,
      errors: counts.errors,
      successes: counts.successes,
      throughput: counts.successes / (durationMs / 1000),
      offeredRate: this.offeredRate === null ? null : this.offeredRate(fromMs, fromMs + durationMs),
      latencyMs: counts.latencyMs,
    };
    this.samples.push(sample);
    if (this.failure !== null) return;
    try {
      this.onSample(sample);
    } catch (error) {
      // Thrown from a timer it would take the process down; it ends the trial instead.
      this.failure = { error };
      this.window.close();
    }
  }
}
