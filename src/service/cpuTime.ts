/**
 * CPU time of a process tree between two readings, as precisely as the platform tells it.
 *
 * /proc/<pid>/stat gives CPU in 10 ms clock ticks. A 2 s trial of a service using a third of a
 * core is about 70 ticks, so the step alone is a 1-2% error on each trial's CPU per request.
 * Measured on a 2-core runner (two identical services loaded at once, 20 rounds of 2 s), the
 * round-to-round spread of their CPU ratio was 1.2% from ticks and 0.3% from schedstat, which the
 * kernel keeps in nanoseconds per thread. So the precise reading is used whenever it accounts for
 * the whole window, and the tick reading otherwise.
 */
export interface CpuReading {
  /** All CPU so far, ms: clock ticks on Linux (10 ms steps), pidusage elsewhere. */
  cpuMs: number;
  /** Nanosecond run times where the platform has them (Linux schedstat). */
  threads?: ThreadTimes;
}

export interface ThreadTimes {
  /** Run time so far of every live thread of the tree, ns, keyed by thread id. */
  ns: ReadonlyMap<number, number>;
  /** CPU of children the tree's processes reaped (cutime + cstime), ms: only ticks exist for them. */
  reapedMs: number;
  /** Processes in the tree: each can put up to a tick of rounding into `cpuMs`. */
  processes: number;
}

/** How far the tick delta may differ from the precise one before the precise one is distrusted. */
export const TICK_SLACK_MS_PER_PROCESS = 30;
export const TICK_SLACK_SHARE = 0.03;

/**
 * CPU used between two readings, ms. Precise (sum of the threads' nanosecond deltas, plus reaped
 * children) when both readings have thread times, no thread of the first has vanished or gone
 * backwards (its time would be lost or its id reused), and the tick delta agrees within rounding
 * (a thread that started and ended inside the window shows only in ticks). Otherwise the ticks.
 */
export function cpuBetween(first: CpuReading, last: CpuReading): { ms: number; precise: boolean } {
  const ticks = Math.max(0, last.cpuMs - first.cpuMs);
  const a = first.threads;
  const b = last.threads;
  if (a === undefined || b === undefined) return { ms: ticks, precise: false };
  let ns = 0;
  for (const [tid, before] of a.ns) {
    const after = b.ns.get(tid);
    if (after === undefined || after < before) return { ms: ticks, precise: false };
  }
  for (const [tid, after] of b.ns) ns += after - (a.ns.get(tid) ?? 0);
  const precise = ns / 1e6 + Math.max(0, b.reapedMs - a.reapedMs);
  const slack = TICK_SLACK_MS_PER_PROCESS * Math.max(a.processes, b.processes) + TICK_SLACK_SHARE * precise;
  if (Math.abs(ticks - precise) > slack) return { ms: ticks, precise: false };
  return { ms: precise, precise: true };
}

/** The first field of /proc/<pid>/task/<tid>/schedstat: time spent on a CPU, ns. null when not one. */
export function parseSchedstat(text: string): number | null {
  const first = text.trim().split(/\s+/)[0];
  if (first === undefined || !/^\d+$/.test(first)) return null;
  const ns = Number(first);
  return Number.isSafeInteger(ns) ? ns : null;
}
