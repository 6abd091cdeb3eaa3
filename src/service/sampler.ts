import type { CpuReading } from './cpuTime.js';
import { cpuBetween } from './cpuTime.js';
import type { Interference } from './interference.js';
import { computeInterference } from './interference.js';
import type { SystemCpu } from './procfs.js';
import { clockTicksPerSecond, readSystemCpu } from './procfs.js';

/** What a usage sampler needs of a service. */
export interface SampledService {
  /**
   * A full reading when called plainly; `fast` may read only the processes known from the last one;
   * `fds` also counts the tree's open file descriptors.
   */
  usage(opts?: UsageReadOptions): Promise<ServiceUsage | null>;
}

export interface UsageReadOptions {
  fast?: boolean;
  fds?: boolean;
}

/** CPU so far (with thread times where the platform has them), RSS now, and when asked open fds. */
export type ServiceUsage = CpuReading & {
  rssBytes: number;
  /** Processes read: the whole tree, or on a fast reading the known ones still there. */
  processes: number;
  /** Open fds of the tree; null where they could not be counted. Present only when asked for. */
  fds?: number | null;
  /** Processes whose fds could not be read. Present only when fds were asked for. */
  fdsUnreadable?: number;
};

export interface UsageWindow {
  /** CPU used by the service's whole tree during the window. */
  cpuMs: number;
  /** Whether `cpuMs` comes from nanosecond thread times rather than clock ticks. */
  cpuPrecise: boolean;
  /** Highest tree RSS seen at the start, every interval and at the end. */
  peakRssBytes: number;
  /** Neighbours' CPU and steal during the window; null where /proc/stat is missing. */
  interference: Interference | null;
  /**
   * Time of all cores during the window (wall time × cores), from /proc/stat; null where it is
   * missing. Lets a caller that ran several services at once take their CPU out of `otherCpu`.
   */
  machineMs: number | null;
}

export interface UsageSampler {
  /** Resolves once the starting point is taken; start the load after it to miss nothing. */
  readonly ready: Promise<void>;
  /** Ends the window. null when the service's usage could not be read at its start or end (it died). */
  stop(): Promise<UsageWindow | null>;
}

export interface SamplerDeps {
  readSystemCpu: () => Promise<SystemCpu | null>;
  /** perfgate's own CPU so far, in milliseconds. */
  selfCpuMs: () => number;
  ticksPerSecond: () => number;
}

const defaultDeps: SamplerDeps = {
  readSystemCpu,
  selfCpuMs: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  ticksPerSecond: clockTicksPerSecond,
};

interface Snapshot {
  usage: ServiceUsage | null;
  system: SystemCpu | null;
  selfCpuMs: number;
}

/**
 * Measures one window (a trial) of a running service: CPU delta of its tree, peak RSS sampled
 * every `intervalMs`, and how much the rest of the machine ran meanwhile.
 */
export function startUsageSampler(
  service: SampledService,
  opts: { intervalMs: number },
  deps: SamplerDeps = defaultDeps,
): UsageSampler {
  const snapshot = async (): Promise<Snapshot> => {
    const [usage, system] = await Promise.all([service.usage().catch(() => null), deps.readSystemCpu()]);
    return { usage, system, selfCpuMs: deps.selfCpuMs() };
  };

  let peakRssBytes = 0;
  const notePeak = (usage: { rssBytes: number } | null): void => {
    if (usage !== null) peakRssBytes = Math.max(peakRssBytes, usage.rssBytes);
  };

  const start = snapshot().then((s) => {
    notePeak(s.usage);
    return s;
  });

  let inFlight: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A slow read must not pile up behind itself.
    if (inFlight !== null) return;
    // Between the ends, only RSS matters: the cheap reading of the known processes is enough.
    inFlight = service
      .usage({ fast: true })
      .then(notePeak, () => {})
      .finally(() => {
        inFlight = null;
      });
  }, opts.intervalMs);
  timer.unref();

  let result: Promise<UsageWindow | null> | null = null;
  const finish = async (): Promise<UsageWindow | null> => {
    clearInterval(timer);
    await inFlight;
    const [first, last] = [await start, await snapshot()];
    notePeak(last.usage);
    if (first.usage === null || last.usage === null) return null;
    const { ms: cpuMs, precise: cpuPrecise } = cpuBetween(first.usage, last.usage);
    if (first.system === null || last.system === null) {
      return { cpuMs, cpuPrecise, peakRssBytes, interference: null, machineMs: null };
    }
    const ticks = deps.ticksPerSecond();
    const interference = computeInterference(first.system, last.system, cpuMs, last.selfCpuMs - first.selfCpuMs, ticks);
    const machineMs = ((last.system.total - first.system.total) * 1000) / ticks;
    return { cpuMs, cpuPrecise, peakRssBytes, interference, machineMs: machineMs > 0 ? machineMs : null };
  };

  return {
    ready: start.then(() => undefined),
    stop: () => (result ??= finish()),
  };
}
