import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CpuReading, ThreadTimes } from './cpuTime.js';
import {
  clockTicksPerSecond,
  hasProcfs,
  pageSizeBytes,
  readAllProcStats,
  readFdCount,
  readProcStats,
  readThreadRunNs,
} from './procfs.js';
import type { ProcessLink } from './processTree.js';
import { serviceTreePids } from './processTree.js';

/**
 * CPU time and resident memory of a whole process tree at one moment. `cpuMs` is the CPU (user +
 * system) used so far by the live processes of the tree and the children they reaped.
 */
export interface TreeUsage extends CpuReading {
  rssBytes: number;
  /** The processes read: the whole tree, or on a fast reading the known ones still there. */
  pids: number[];
  /**
   * Open file descriptors summed over the processes whose fd directory could be read; null when
   * not asked for, where /proc is missing, or when no process could be read (never 0 for unknown).
   */
  fds: number | null;
  /** Processes whose fd directory could not be read (exited meanwhile, EACCES); 0 when fds not read. */
  fdsUnreadable: number;
}

export interface TreeUsageOptions {
  /** Also count open file descriptors (one readdir a process; cost measured at readTreeFds). */
  fds?: boolean;
}

/**
 * Reads the usage of the tree rooted at a PID; null when the root is gone. With `knownPids` (the
 * `pids` of an earlier reading) only those are read: much cheaper, good for RSS samples, but blind
 * to processes started since.
 */
export type TreeUsageReader = (
  rootPid: number,
  knownPids?: readonly number[],
  opts?: TreeUsageOptions,
) => Promise<TreeUsage | null>;

/**
 * Open fds of the given processes; a process whose fd directory cannot be read (it exited meanwhile,
 * EACCES) is counted apart, and fds is null only when none could be read.
 *
 * What counting fds costs, measured with `nice -n 19` on a 2-core machine busy with a benchmark
 * (perfgate's CPU per reading, median of 20 batches of 100): a readdir of /proc/<pid>/fd is about
 * 30 µs for one node process (18 fds) and 120-145 µs for a tree of 5 (a shell and 4 node processes,
 * 76 fds), where a fast reading without fds costs 55-60 µs and 160-170 µs, and a full reading (a
 * scan of /proc, 160 processes) 2.2-3.4 ms. So fds are read only when asked for: the trial
 * sampler's frequent RSS readings stay as cheap as they were, and a usage series once a second pays
 * well under a thousandth of a core for them.
 */
export async function readTreeFds(pids: readonly number[]): Promise<{ fds: number | null; fdsUnreadable: number }> {
  const counts = await Promise.all(pids.map(readFdCount));
  let fds = 0;
  let fdsUnreadable = 0;
  for (const count of counts) {
    if (count === null) fdsUnreadable++;
    else fds += count;
  }
  return { fds: fdsUnreadable === pids.length ? null : fds, fdsUnreadable };
}

/**
 * Linux: /proc/<pid>/stat of every process (or of the known ones), exact to one clock tick per
 * process. A full reading also takes every thread's nanosecond run time, for `cpuBetween`.
 */
export const procTreeUsage: TreeUsageReader = async (rootPid, knownPids, opts = {}) => {
  const stats = knownPids === undefined ? await readAllProcStats() : await readProcStats(knownPids);
  if (!stats.some((s) => s.pid === rootPid)) return null;
  // A fast reading counts only the known processes it could still read.
  const members = new Set(knownPids === undefined ? serviceTreePids(rootPid, stats) : stats.map((s) => s.pid));
  const msPerTick = 1000 / clockTicksPerSecond();
  const page = pageSizeBytes();
  let ticks = 0;
  let reapedTicks = 0;
  let rssBytes = 0;
  for (const s of stats) {
    if (!members.has(s.pid)) continue;
    ticks += s.utime + s.stime + s.cutime + s.cstime;
    reapedTicks += s.cutime + s.cstime;
    rssBytes += s.rssPages * page;
  }
  const pids = [...members].sort((a, b) => a - b);
  const { fds, fdsUnreadable } = opts.fds === true ? await readTreeFds(pids) : { fds: null, fdsUnreadable: 0 };
  const usage: TreeUsage = { cpuMs: ticks * msPerTick, rssBytes, pids, fds, fdsUnreadable };
  // Only the full readings (a trial's ends) need CPU to the nanosecond; the frequent fast ones are for RSS.
  if (knownPids === undefined) {
    const threads = await treeThreadTimes(pids, reapedTicks * msPerTick);
    if (threads !== null) usage.threads = threads;
  }
  return usage;
};

async function treeThreadTimes(pids: readonly number[], reapedMs: number): Promise<ThreadTimes | null> {
  const perProcess = await Promise.all(pids.map(readThreadRunNs));
  const ns = new Map<number, number>();
  for (const times of perProcess) {
    if (times === null) return null;
    for (const [tid, value] of times) ns.set(tid, value);
  }
  return { ns, reapedMs, processes: pids.length };
}

const execFileAsync = promisify(execFile);

/** The process table from `ps`, or null when there is no usable ps. */
async function psProcessLinks(): Promise<ProcessLink[] | null> {
  try {
    const { stdout } = await execFileAsync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { timeout: 5000 });
    const links: ProcessLink[] = [];
    for (const line of stdout.split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid !== undefined && ppid !== undefined && Number.isInteger(pid) && Number.isInteger(ppid)) {
        links.push({ pid, ppid, pgrp: null });
      }
    }
    return links;
  } catch {
    return null;
  }
}

interface PidStatus {
  ctime: number;
  memory: number;
}

async function pidusageOf(pids: number[]): Promise<Record<string, PidStatus> | null> {
  // Loaded on first use: only platforms without /proc need it.
  const { default: pidusage } = await import('pidusage');
  try {
    return (await pidusage(pids)) as Record<string, PidStatus>;
  } catch {
    return null;
  }
}

/**
 * Where /proc is missing (macOS, BSD): the tree from `ps`, CPU and RSS per process from pidusage.
 * Coarser than /proc (no reaped children; ps rounds times on some systems), but not zero.
 */
export const pidusageTreeUsage: TreeUsageReader = async (rootPid, knownPids) => {
  const links = knownPids === undefined ? await psProcessLinks() : null;
  let pids = knownPids !== undefined ? [...knownPids] : links === null ? [rootPid] : serviceTreePids(rootPid, links);
  if (pids.length === 0) return null;
  let stats = await pidusageOf(pids);
  if (stats === null && pids.length > 1) {
    // A member exited between ps and pidusage, which then refuses the whole list: fall back to the root.
    pids = [rootPid];
    stats = await pidusageOf(pids);
  }
  if (stats === null) return null;
  let cpuMs = 0;
  let rssBytes = 0;
  for (const pid of pids) {
    const s = stats[String(pid)];
    if (s === undefined) continue;
    cpuMs += s.ctime;
    rssBytes += s.memory;
  }
  // No portable way to count another process's fds without /proc (lsof is too slow to sample).
  return { cpuMs, rssBytes, pids, fds: null, fdsUnreadable: 0 };
};

/** /proc where the machine has it, pidusage elsewhere. Decided once, at the edge. */
export function defaultTreeUsageReader(): TreeUsageReader {
  return hasProcfs() ? procTreeUsage : pidusageTreeUsage;
}
