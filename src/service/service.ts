import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ServiceError } from '../errors.js';
import { readLogTail } from './logFile.js';
import type { ExitInfo } from './messages.js';
import {
  crashedError,
  exitedBeforeReadyError,
  notReadyError,
  portInUseError,
  serviceLabel,
  spawnFailedError,
} from './messages.js';
import { hasProcfs, readAllProcStats } from './procfs.js';
import { runningGroupMembers, signalGroup, signalProcess, waitUntilGone } from './processGroup.js';
import { serviceTreePids } from './processTree.js';
import { acceptsConnections } from './ports.js';
import { makeProbes, planReadiness, portsThatMustBeFree, waitUntilReady } from './readiness.js';
import { registerService, unregisterService } from './registry.js';
import type { ServiceSpec } from './spec.js';
import type { ServiceUsage, UsageReadOptions } from './sampler.js';
import type { TreeUsageReader } from './treeUsage.js';
import { defaultTreeUsageReader } from './treeUsage.js';

export const DEFAULT_STOP_GRACE_MS = 5000;
/** After SIGKILL the kernel needs moments, not seconds; longer means a process stuck in the kernel. */
const KILL_WAIT_MS = 5000;
const DEFAULT_TAIL_LINES = 20;

export interface RunningService {
  readonly pid: number;
  readonly spec: ServiceSpec;
  /** The shell that runs the command has exited. */
  readonly exited: boolean;
  /** Throws a ServiceError (exit code or signal, log tail) if the service has exited. */
  checkAlive(): void;
  /**
   * CPU so far and RSS now of the whole process tree; null when the service is gone. `fast` reads
   * only the processes found by the last full reading (for frequent RSS samples); `fds` also counts
   * open file descriptors.
   */
  usage(opts?: UsageReadOptions): Promise<ServiceUsage | null>;
  /** The last lines (default 20) this run of the service wrote to its log. */
  logTail(lines?: number): string;
  /** SIGTERM to the group, up to graceMs (default 5 s), then SIGKILL; resolves when all are gone. Idempotent. */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

export interface StartOptions {
  signal?: AbortSignal;
  /** How CPU and RSS are read; default /proc where it exists, pidusage elsewhere. */
  usageReader?: TreeUsageReader;
}

class ServiceProcess implements RunningService {
  private exitInfo: ExitInfo | null = null;
  private stopping: Promise<void> | null = null;
  /** The tree as of the last full reading. */
  private knownPids: number[] | undefined;
  readonly exitPromise: Promise<ExitInfo>;

  constructor(
    readonly spec: ServiceSpec,
    private readonly child: ChildProcess & { pid: number },
    private readonly logOffset: number,
    private readonly usageReader: TreeUsageReader,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (exitCode, signal) => {
        this.exitInfo = { exitCode, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitInfo !== null;
  }

  get exit(): ExitInfo | null {
    return this.exitInfo;
  }

  checkAlive(): void {
    if (this.exitInfo !== null) throw crashedError(this.spec, this.exitInfo, this.logTail());
  }

  async usage(opts: UsageReadOptions = {}): Promise<ServiceUsage | null> {
    if (this.exitInfo !== null) return null;
    const known = opts.fast === true ? this.knownPids : undefined;
    const usage = await this.usageReader(this.pid, known, { fds: opts.fds === true });
    if (usage === null) return null;
    if (known === undefined) this.knownPids = usage.pids;
    const { cpuMs, rssBytes, threads, pids, fds, fdsUnreadable } = usage;
    const reading: ServiceUsage = { cpuMs, rssBytes, processes: pids.length };
    if (threads !== undefined) reading.threads = threads;
    if (opts.fds === true) {
      reading.fds = fds;
      reading.fdsUnreadable = fdsUnreadable;
    }
    return reading;
  }

  logTail(lines = DEFAULT_TAIL_LINES): string {
    return readLogTail(this.spec.logFile, this.logOffset, lines);
  }

  stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.stopping ??= this.terminate(opts.graceMs ?? DEFAULT_STOP_GRACE_MS);
    return this.stopping;
  }

  private async terminate(graceMs: number): Promise<void> {
    const pgid = this.pid;
    // Descendants that moved to a group of their own would escape the group signal: note them while
    // the parent links still lead to them (once their parent dies they are reparented away).
    const { members, escaped } = await this.snapshotTree();
    signalGroup(pgid, 'SIGTERM');
    for (const pid of escaped) signalProcess(pid, 'SIGTERM');
    const watch = [...members, ...escaped];
    if (!(await waitUntilGone(pgid, watch, graceMs))) {
      signalGroup(pgid, 'SIGKILL');
      for (const pid of escaped) signalProcess(pid, 'SIGKILL');
      if (!(await waitUntilGone(pgid, watch, KILL_WAIT_MS))) {
        throw new ServiceError(
          `${serviceLabel(this.spec)} (process group ${pgid}) still runs ${KILL_WAIT_MS / 1000} s after SIGKILL; it may be stuck in the kernel`,
        );
      }
    }
    // The shell is our child: once Node has reaped it, `exited` is true and stays consistent.
    await this.exitPromise;
    unregisterService(this);
  }

  /** Running members of the group, and descendants outside it. */
  private async snapshotTree(): Promise<{ members: number[]; escaped: number[] }> {
    if (!hasProcfs()) return { members: [], escaped: [] };
    const stats = await readAllProcStats();
    const members = runningGroupMembers(this.pid, stats);
    const inGroup = new Set(members);
    const running = new Set(stats.filter((s) => s.state !== 'Z').map((s) => s.pid));
    const escaped = serviceTreePids(this.pid, stats).filter((pid) => !inGroup.has(pid) && running.has(pid));
    return { members, escaped };
  }
}

function checkCwd(spec: ServiceSpec): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(spec.cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) {
    throw new ServiceError(`working directory "${spec.cwd}" for ${serviceLabel(spec)} does not exist or is not a directory`);
  }
}

/** Opens the log for appending and marks where this run's output begins. */
function openLog(spec: ServiceSpec): { fd: number; offset: number } {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  // A header tells runs apart in a log that is appended to; the tail starts after it.
  writeSync(fd, `--- perfgate: starting ${spec.name} at ${new Date().toISOString()}: ${spec.command}\n`);
  return { fd, offset: fstatSync(fd).size };
}

/**
 * Starts the service's command in a process group of its own and waits until it is ready. On any
 * failure the group is stopped before the error is thrown: nothing is left behind.
 */
export async function startService(spec: ServiceSpec, opts: StartOptions = {}): Promise<RunningService> {
  const plan = planReadiness(spec);
  checkCwd(spec);
  opts.signal?.throwIfAborted();
  for (const port of portsThatMustBeFree(spec, plan)) {
    if (await acceptsConnections(port)) throw portInUseError(spec, port);
  }
  opts.signal?.throwIfAborted();

  const log = openLog(spec);
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', spec.command], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, ...(spec.port !== null ? { PORT: String(spec.port) } : {}) },
      // Own process group (PGID = PID), so one signal reaches the shell and everything it started.
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(log.fd);
  }
  if (child.pid === undefined) {
    const reason = await new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(error.message));
      setTimeout(() => resolve('no process id was assigned'), 1000).unref();
    });
    throw spawnFailedError(spec, reason);
  }
  // Spawn errors after a pid exists (rare) surface as an exit; keep them from crashing perfgate.
  child.on('error', () => {});

  const service = new ServiceProcess(spec, child as ChildProcess & { pid: number }, log.offset, opts.usageReader ?? defaultTreeUsageReader());
  registerService(service);
  try {
    const probes = makeProbes(plan, spec.logFile, log.offset);
    const outcome = await waitUntilReady(probes, plan, service.exitPromise, () => service.exited, opts.signal);
    if (outcome.kind === 'ready') return service;
    await service.stop();
    if (outcome.kind === 'exited') {
      throw exitedBeforeReadyError(spec, service.exit ?? { exitCode: null, signal: null }, service.logTail());
    }
    if (outcome.kind === 'timeout') throw notReadyError(spec, plan.timeoutMs, plan.waitingFor, service.logTail());
    opts.signal?.throwIfAborted();
    throw new ServiceError(`start of ${serviceLabel(spec)} was cancelled`);
  } catch (error) {
    await service.stop().catch(() => {});
    throw error;
  }
}
