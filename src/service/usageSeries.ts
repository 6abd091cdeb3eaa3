import type { ServiceUsage, UsageReadOptions } from './sampler.js';

/**
 * A time series of the service tree's usage, for soak tests: RSS, open file descriptors and CPU
 * every `everyMs`, for as long as the caller holds the load. A leak shows as a slope over minutes,
 * which the trial sampler (one window, CPU delta and peak RSS) cannot see.
 */

/** What a usage series needs of a service (RunningService has it). */
export interface SeriesService {
  /** The service has exited: the series then ends by itself. */
  readonly exited: boolean;
  usage(opts?: UsageReadOptions): Promise<ServiceUsage | null>;
}

export interface UsageSample {
  /** When the reading was taken, ms since the series started (whole ms). */
  atMs: number;
  rssBytes: number;
  /** Open fds of the tree; null where they cannot be counted (no /proc, no process readable). */
  fds: number | null;
  /** Processes of the tree whose fds could not be read: when above 0, `fds` is a partial count. */
  fdsUnreadable: number;
  /**
   * CPU of the tree since the series started, ms, in clock ticks (10 ms steps per process). The sum
   * of each interval's growth, never less than 0: a process that leaves the tree takes its own CPU
   * total with it, and that must not read as the tree giving CPU back. Never decreases.
   */
  cpuMs: number;
  /** Processes of the tree in this reading. */
  processes: number;
}

export interface UsageSeriesOptions {
  /** Time between samples, ms; default 1000. */
  everyMs?: number;
  /** Told each sample as it is taken (to write it out while the soak runs). */
  onSample?: (sample: UsageSample) => void;
}

export interface UsageSeries {
  /**
   * Ends the series (waiting for a reading in flight, whose sample is kept) and returns every sample
   * taken. Idempotent. Rejects with the error of `onSample` if it threw (the series ended there).
   */
  stop(): Promise<UsageSample[]>;
  /** True once the series ended by itself because the service exited; the samples so far are kept. */
  readonly serviceExited: boolean;
  /** Readings that failed while the service still ran; they are left out, leaving a gap in `atMs`. */
  readonly missedReadings: number;
}

export const DEFAULT_SERIES_EVERY_MS = 1000;
/** Below this, readings (a full one costs milliseconds) would crowd each other and the load. */
export const MIN_SERIES_EVERY_MS = 10;
/**
 * Between samples the series reads only the processes it knows (cheap: tens of µs each); every
 * 10 s it scans /proc for the whole tree again, so a worker started later joins within 10 s. A scan
 * costs a few ms, so this keeps the series under a thousandth of a core at the default interval.
 */
export const SERIES_FULL_READING_EVERY_MS = 10_000;

/**
 * The slot to take next on an absolute schedule (slot k is due k × everyMs after the start), given
 * that slot `done` was just taken and `elapsedMs` have passed: the next one, or, when the reading
 * overran, the first slot not yet past. Missed slots are skipped, not caught up (a burst of late
 * readings would crowd each other and the load); they show as a gap in `atMs`. Because each slot's
 * time is computed from the start, timer lateness never accumulates into drift.
 */
export function nextSlot(done: number, elapsedMs: number, everyMs: number): number {
  return Math.max(done + 1, Math.ceil(elapsedMs / everyMs));
}

/**
 * Samples the service every `everyMs` until stop() or until the service exits. Memory grows by one
 * sample (six numbers, 97 bytes measured) a reading: 600 samples (60 KB) for a 10 minute soak at 1 s,
 * 86,400 (under 10 MB) for a day; a caller that needs less writes them out through `onSample`.
 */
export function startUsageSeries(service: SeriesService, options: UsageSeriesOptions = {}): UsageSeries {
  const everyMs = options.everyMs ?? DEFAULT_SERIES_EVERY_MS;
  if (!(Number.isFinite(everyMs) && everyMs >= MIN_SERIES_EVERY_MS)) {
    throw new RangeError(`usage series everyMs is ${everyMs}; expected a number of milliseconds of at least ${MIN_SERIES_EVERY_MS}`);
  }
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  const samples: UsageSample[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | null = null;
  let ended = false;
  let serviceExited = false;
  let missedReadings = 0;
  let failure: { error: unknown } | null = null;
  let lastCpuMs: number | null = null;
  let cpuMs = 0;
  let lastFullAtMs = -Infinity;

  const end = (): void => {
    ended = true;
    clearTimeout(timer);
  };

  const take = async (slot: number): Promise<void> => {
    if (service.exited) {
      serviceExited = true;
      end();
      return;
    }
    const atMs = elapsed();
    const full = atMs - lastFullAtMs >= SERIES_FULL_READING_EVERY_MS;
    const reading = await service.usage({ fast: !full, fds: true }).catch(() => null);
    if (reading === null) {
      // Null from a service that still runs is a failed reading (a reader error), not an exit.
      if (service.exited) {
        serviceExited = true;
        end();
        return;
      }
      missedReadings++;
    } else {
      if (full) lastFullAtMs = atMs;
      if (lastCpuMs !== null) cpuMs += Math.max(0, reading.cpuMs - lastCpuMs);
      lastCpuMs = reading.cpuMs;
      const sample: UsageSample = {
        atMs: Math.round(atMs),
        rssBytes: reading.rssBytes,
        fds: reading.fds ?? null,
        fdsUnreadable: reading.fdsUnreadable ?? 0,
        cpuMs,
        processes: reading.processes,
      };
      samples.push(sample);
      try {
        options.onSample?.(sample);
      } catch (error) {
        failure = { error };
        end();
        return;
      }
    }
    // The next reading is scheduled only once this one is done: a slow reading never overlaps the next.
    if (!ended) schedule(nextSlot(slot, elapsed(), everyMs));
  };

  const run = (slot: number): void => {
    inFlight = take(slot).finally(() => {
      inFlight = null;
    });
  };

  const schedule = (slot: number): void => {
    timer = setTimeout(() => {
      // Node measures a timer from the loop's cached clock, so it may fire a little early: wait out the rest.
      if (elapsed() < slot * everyMs) schedule(slot);
      else run(slot);
    }, Math.max(0, slot * everyMs - elapsed()));
    // The load (or the caller) keeps perfgate alive; a forgotten series must not.
    timer.unref();
  };

  run(0);

  let result: Promise<UsageSample[]> | null = null;
  const finish = async (): Promise<UsageSample[]> => {
    end();
    await inFlight;
    if (failure !== null) throw failure.error;
    return samples;
  };

  return {
    stop: () => (result ??= finish()),
    get serviceExited() {
      return serviceExited;
    },
    get missedReadings() {
      return missedReadings;
    },
  };
}
