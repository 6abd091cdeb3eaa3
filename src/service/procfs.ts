import { execFileSync } from 'node:child_process';
import { close, existsSync, open, read } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { parseSchedstat } from './cpuTime.js';

/**
 * Linux /proc, read as plain text. The parsers are pure so they can be tested on fixed strings;
 * the readers at the bottom are the only I/O.
 */

/** The fields of /proc/<pid>/stat that perfgate uses. Times are in clock ticks, rss in pages. */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  utime: number;
  stime: number;
  /** CPU of children this process has waited for: keeps a reaped worker's time inside the tree. */
  cutime: number;
  cstime: number;
  rssPages: number;
}

/** Parses one /proc/<pid>/stat line; null when it is not one. */
export function parseProcStat(text: string): ProcStat | null {
  // The command name sits in parentheses and may itself contain spaces and ')', so split after the
  // last ')'. Field numbers below are those of proc(5) minus 3.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const f = text.slice(close + 2).trim().split(' ');
  if (f.length < 22 || !Number.isInteger(pid)) return null;
  const num = (i: number): number => Number(f[i]);
  const stat: ProcStat = {
    pid,
    state: f[0] ?? '?',
    ppid: num(1),
    pgrp: num(2),
    utime: num(11),
    stime: num(12),
    cutime: num(13),
    cstime: num(14),
    rssPages: num(21),
  };
  const numbers = [stat.ppid, stat.pgrp, stat.utime, stat.stime, stat.cutime, stat.cstime, stat.rssPages];
  return numbers.every(Number.isFinite) ? stat : null;
}

/** The aggregate "cpu" line of /proc/stat, in clock ticks summed over all cores. */
export interface SystemCpu {
  /** Every tick of every core, guest time excluded (the kernel already counts it in user). */
  total: number;
  /** Ticks spent running something: user, nice, system, irq, softirq. */
  busy: number;
  /** Ticks the hypervisor gave to another guest while this VM wanted to run. */
  steal: number;
}

export function parseSystemCpu(text: string): SystemCpu | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  if (v.length < 4 || !v.every(Number.isFinite)) return null;
  const busy = user + nice + system + irq + softirq;
  return { total: busy + idle + iowait + steal, busy, steal };
}

let clockTicks: number | undefined;
let pageBytes: number | undefined;

function getconf(name: string, fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2000 }).trim());
    return Number.isInteger(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

/** USER_HZ, the unit of /proc times. Almost always 100; asked once because it can differ. */
export function clockTicksPerSecond(): number {
  clockTicks ??= getconf('CLK_TCK', 100);
  return clockTicks;
}

export function pageSizeBytes(): number {
  pageBytes ??= getconf('PAGESIZE', 4096);
  return pageBytes;
}

export function hasProcfs(): boolean {
  return existsSync('/proc/self/stat');
}

/**
 * Reads a small /proc file with open + one read + close. fs.promises.readFile costs about twice the
 * CPU (it stats and reads in chunks), and readFileSync would stall the event loop that times the
 * load's responses; a full scan of /proc this way costs perfgate about 50 µs of CPU per process.
 * The first 4 KiB is all we need: a stat line is far shorter, and /proc/stat starts with the
 * aggregate "cpu" line.
 */
function readSmallFile(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    open(path, 'r', (openError, fd) => {
      if (openError) return resolve(null);
      const buffer = Buffer.allocUnsafe(4096);
      read(fd, buffer, 0, buffer.length, 0, (readError, bytes) => {
        close(fd, () => {});
        resolve(readError ? null : buffer.toString('latin1', 0, bytes));
      });
    });
  });
}

export async function readProcStat(pid: number): Promise<ProcStat | null> {
  const text = await readSmallFile(`/proc/${pid}/stat`);
  return text === null ? null : parseProcStat(text);
}

/** The given processes that could still be read; those that vanished are left out. */
export async function readProcStats(pids: readonly number[]): Promise<ProcStat[]> {
  const stats = await Promise.all(pids.map(readProcStat));
  return stats.filter((s): s is ProcStat => s !== null);
}

/** Every process on the machine that could be read; processes that vanish while reading are skipped. */
export async function readAllProcStats(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  return readProcStats(names.filter((name) => /^\d+$/.test(name)).map(Number));
}

export async function readSystemCpu(): Promise<SystemCpu | null> {
  const text = await readSmallFile('/proc/stat');
  return text === null ? null : parseSystemCpu(text);
}

/**
 * Open file descriptors of a process: the entries of /proc/<pid>/fd, counted without following them
 * (readdir only; no stat, no readlink). null when the directory cannot be read: the process exited
 * meanwhile (ENOENT), or belongs to another user (EACCES: only the owner and root may list it).
 * Its cost is measured at readTreeFds (treeUsage.ts).
 */
export async function readFdCount(pid: number): Promise<number | null> {
  try {
    return (await readdir(`/proc/${pid}/fd`)).length;
  } catch {
    return null;
  }
}

/**
 * Nanosecond run time of each live thread of a process (schedstat), keyed by thread id; null when
 * the process is gone or the kernel has no schedstat (built without CONFIG_SCHED_INFO). A thread
 * that ends between listing and reading is left out: the caller then sees it vanish.
 */
export async function readThreadRunNs(pid: number): Promise<Map<number, number> | null> {
  let tids: string[];
  try {
    tids = (await readdir(`/proc/${pid}/task`)).filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const times = await Promise.all(tids.map((tid) => readSmallFile(`/proc/${pid}/task/${tid}/schedstat`)));
  const ns = new Map<number, number>();
  times.forEach((text, i) => {
    const value = text === null ? null : parseSchedstat(text);
    if (value !== null) ns.set(Number(tids[i]), value);
  });
  return ns.size > 0 ? ns : null;
}
