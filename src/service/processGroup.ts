import { hasProcfs, readAllProcStats, readProcStat } from './procfs.js';
import type { ProcStat } from './procfs.js';

/**
 * Signals and liveness for a service's process group (its PGID is the PID of the shell that
 * started it) and for descendants that left the group.
 *
 * A zombie counts as gone: it runs nothing and holds no memory. Where PID 1 does not reap orphans
 * (some containers and micro-VMs), a killed grandchild stays a zombie for good, and waiting for it
 * to vanish would never end.
 */

/** Sends a signal to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already, or not ours any more: either way nothing to stop.
  }
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a process runs: it exists and, where /proc can tell, is not a zombie. A negative PID
 * stands for a process group (where there is no /proc to list its members).
 */
export async function isProcessRunning(pid: number): Promise<boolean> {
  if (!exists(pid)) return false;
  if (pid < 0) return true;
  if (!hasProcfs()) return true;
  const stat = await readProcStat(pid);
  return stat !== null && stat.state !== 'Z';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until neither the group nor any of `pids` runs; false when `timeoutMs` passed first.
 * Each poll checks only the processes known to be left (cheap); the whole process table is read
 * only when the group still exists after they are all gone, to tell zombies from newcomers.
 */
export async function waitUntilGone(pgid: number, pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  const watched = new Set(pids);
  for (;;) {
    for (const pid of watched) if (!(await isProcessRunning(pid))) watched.delete(pid);
    if (watched.size === 0) {
      if (!exists(-pgid)) return true;
      if (!hasProcfs()) watched.add(-pgid);
      else {
        const left = runningGroupMembers(pgid, await readAllProcStats());
        if (left.length === 0) return true;
        for (const pid of left) watched.add(pid);
      }
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) return false;
    await sleep(Math.min(25, remaining));
  }
}

/** The running members of a process group in a process table. */
export function runningGroupMembers(pgid: number, stats: readonly ProcStat[]): number[] {
  return stats.filter((s) => s.pgrp === pgid && s.state !== 'Z').map((s) => s.pid);
}
