import type { SystemCpu } from './procfs.js';

/** CPU taken by neighbours during a window, as shares (0..1) of all cores' time. */
export interface Interference {
  /** Used by processes other than the service's tree and perfgate's own process. */
  otherCpu: number;
  /** Taken by the hypervisor for other guests: time this machine wanted to run and could not. */
  steal: number;
}

/**
 * Everything the machine ran during the window (from /proc/stat), minus what the service and
 * perfgate account for themselves, as a share of all cores' time. Pure arithmetic; tick counts are
 * turned into milliseconds with the machine's clock tick rate.
 */
export function computeInterference(
  before: SystemCpu,
  after: SystemCpu,
  serviceCpuMs: number,
  selfCpuMs: number,
  ticksPerSecond: number,
): Interference | null {
  const msPerTick = 1000 / ticksPerSecond;
  const totalMs = (after.total - before.total) * msPerTick;
  if (!(totalMs > 0)) return null;
  const busyMs = (after.busy - before.busy) * msPerTick;
  const stealMs = (after.steal - before.steal) * msPerTick;
  // Each source rounds to its own tick, so "other" can come out a little below zero on a quiet machine.
  const otherMs = Math.max(0, busyMs - serviceCpuMs - selfCpuMs);
  return {
    otherCpu: Math.min(1, otherMs / totalMs),
    steal: Math.min(1, Math.max(0, stealMs / totalMs)),
  };
}
