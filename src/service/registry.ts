/**
 * Every service perfgate started and has not finished stopping. Whatever happens to perfgate (an
 * error, Ctrl-C, a cancelled workflow), these must not outlive it.
 */

export interface Stoppable {
  readonly pid: number;
  stop(opts?: { graceMs?: number }): Promise<void>;
}

const live = new Set<Stoppable>();
let exitHandlerInstalled = false;

/**
 * Last resort on process exit: 'exit' handlers must be synchronous, so there is no time to be
 * gentle. SIGKILL to each group that was never stopped properly.
 */
function killAllNow(): void {
  for (const service of live) {
    try {
      process.kill(-service.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export function registerService(service: Stoppable): void {
  live.add(service);
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.on('exit', killAllNow);
  }
}

export function unregisterService(service: Stoppable): void {
  live.delete(service);
}

export function liveServiceCount(): number {
  return live.size;
}

/** Stops every registered service (SIGTERM, grace, SIGKILL), all at once. */
export async function stopAllServices(opts?: { graceMs?: number }): Promise<void> {
  const results = await Promise.allSettled([...live].map((service) => service.stop(opts)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

const EXIT_CODE_OF: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface SignalCleanupOptions {
  /** Grace before SIGKILL for each service; default 5 s. */
  graceMs?: number;
  /** Told which signal arrived, before stopping starts (e.g. to log it). */
  onSignal?: (signal: NodeJS.Signals, services: number) => void;
  /** Ends the process; replaceable for tests. */
  exit?: (code: number) => void;
}

/**
 * On SIGINT or SIGTERM of perfgate: stop all services, then exit with 130 or 143 (128 + signal
 * number, what a shell reports). A second signal while stopping kills everything at once.
 * Returns a function that removes the handlers again.
 */
export function installSignalCleanup(opts: SignalCleanupOptions = {}): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    const code = EXIT_CODE_OF[signal as 'SIGINT' | 'SIGTERM'];
    if (stopping) {
      killAllNow();
      exit(code);
      return;
    }
    stopping = true;
    opts.onSignal?.(signal, live.size);
    stopAllServices({ graceMs: opts.graceMs }).then(
      () => exit(code),
      () => {
        killAllNow();
        exit(code);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
