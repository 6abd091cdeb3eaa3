import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ServiceError } from '../errors.js';
import { isLoopbackHost } from '../load/loopback.js';
import { LogLineMatcher } from './logFile.js';
import { serviceLabel } from './messages.js';
import { acceptsConnections } from './ports.js';
import type { ServiceSpec } from './spec.js';

/** What "ready" means for one service, validated before anything is started. */
export interface ReadinessPlan {
  url: URL | null;
  tcpPort: number | null;
  logPattern: RegExp | null;
  timeoutMs: number;
  intervalMs: number;
  /** For the timeout message: "waiting for http://127.0.0.1:3000/health to answer below 500". */
  waitingFor: string;
}

export const DEFAULT_READY_INTERVAL_MS = 100;

function validPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port < 65536;
}

/** Checks the readiness settings and fills the default (the service's port accepting connections). */
export function planReadiness(spec: ServiceSpec): ReadinessPlan {
  const { ready } = spec;
  const label = serviceLabel(spec);
  let url: URL | null = null;
  if (ready.url !== undefined) {
    try {
      url = new URL(ready.url);
    } catch {
      throw new ServiceError(`ready URL "${ready.url}" for ${label} is not a valid URL; expected e.g. http://127.0.0.1:3000/health`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ServiceError(`ready URL "${ready.url}" for ${label} must use http or https, not ${url.protocol.replace(':', '')}`);
    }
    if (!isLoopbackHost(url.hostname)) {
      throw new ServiceError(
        `ready URL "${ready.url}" for ${label} points at host "${url.hostname}"; perfgate only sends requests to this machine (127.0.0.1, ::1 or localhost)`,
      );
    }
  }
  let logPattern: RegExp | null = null;
  if (ready.logPattern !== undefined) {
    try {
      logPattern = new RegExp(ready.logPattern);
    } catch (error) {
      throw new ServiceError(`ready log pattern "${ready.logPattern}" for ${label} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  let tcpPort = ready.tcpPort ?? null;
  if (url === null && tcpPort === null && logPattern === null) tcpPort = spec.port;
  for (const [what, port] of [['port', spec.port], ['ready TCP port', tcpPort]] as const) {
    if (port !== null && !validPort(port)) {
      throw new ServiceError(`${what} ${port} for ${label} is not a TCP port; expected an integer from 1 to 65535`);
    }
  }
  if (!(ready.timeoutMs > 0)) {
    throw new ServiceError(`ready timeout ${ready.timeoutMs} ms for ${label} must be greater than 0`);
  }

  const waits: string[] = [];
  if (url !== null) waits.push(`${url.href} to answer below 500`);
  if (tcpPort !== null) waits.push(`port ${tcpPort} on 127.0.0.1 or ::1 to accept a connection`);
  if (logPattern !== null) waits.push(`a line of the log to match ${String(logPattern)}`);
  return {
    url,
    tcpPort,
    logPattern,
    timeoutMs: ready.timeoutMs,
    intervalMs: ready.intervalMs ?? DEFAULT_READY_INTERVAL_MS,
    waitingFor: waits.length > 0 ? `waiting for ${waits.join(' and ')}` : 'no readiness check',
  };
}

/**
 * Ports that must be free before the service starts. If something else already answers there, the
 * readiness probe would be satisfied by the wrong process and perfgate would measure it.
 */
export function portsThatMustBeFree(spec: ServiceSpec, plan: ReadinessPlan): number[] {
  const ports = new Set<number>();
  if (spec.port !== null) ports.add(spec.port);
  if (plan.tcpPort !== null) ports.add(plan.tcpPort);
  if (plan.url !== null) {
    const urlPort = plan.url.port === '' ? (plan.url.protocol === 'https:' ? 443 : 80) : Number(plan.url.port);
    ports.add(urlPort);
  }
  return [...ports];
}

/** GET the URL once; true when it answers with a status below 500. */
export function httpAnswersBelow500(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      // Loopback only, so a self-signed certificate of a local service is no reason to wait forever.
      { method: 'GET', agent: false, timeout: timeoutMs, rejectUnauthorized: false },
      (response) => {
        response.resume();
        request.destroy();
        resolve((response.statusCode ?? 500) < 500);
      },
    );
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
    request.end();
  });
}

export type Probe = () => Promise<boolean>;

/** One probe per condition of the plan; each one, once passed, stays passed. */
export function makeProbes(plan: ReadinessPlan, logFile: string, logOffset: number): Probe[] {
  const probes: Probe[] = [];
  const probeTimeout = Math.min(2000, plan.timeoutMs);
  const sticky = (probe: Probe): Probe => {
    let passed = false;
    return async () => (passed ||= await probe());
  };
  const { url, tcpPort, logPattern } = plan;
  if (url !== null) probes.push(sticky(() => httpAnswersBelow500(url, probeTimeout)));
  if (tcpPort !== null) probes.push(sticky(() => acceptsConnections(tcpPort, probeTimeout)));
  if (logPattern !== null) {
    const matcher = new LogLineMatcher(logFile, logOffset, logPattern);
    probes.push(() => matcher.check());
  }
  return probes;
}

export type ReadyOutcome = { kind: 'ready' } | { kind: 'exited' } | { kind: 'timeout' } | { kind: 'aborted' };

/**
 * Polls the probes until all pass, the service exits, the time is up or the caller aborts.
 * `exited` resolves when the service's process exits, so a crash is noticed without waiting a poll.
 */
export async function waitUntilReady(
  probes: readonly Probe[],
  plan: Pick<ReadinessPlan, 'timeoutMs' | 'intervalMs'>,
  exited: Promise<unknown>,
  isExited: () => boolean,
  signal?: AbortSignal,
): Promise<ReadyOutcome> {
  const deadline = performance.now() + plan.timeoutMs;
  let wake: () => void = () => {};
  const onAbort = (): void => wake();
  signal?.addEventListener('abort', onAbort);
  void exited.then(() => wake());
  try {
    for (;;) {
      if (isExited()) return { kind: 'exited' };
      if (signal?.aborted) return { kind: 'aborted' };
      const results = await Promise.all(probes.map((probe) => probe()));
      // A probe can pass against a process that died meanwhile (the log line was printed, then exit 1).
      if (isExited()) return { kind: 'exited' };
      if (results.every(Boolean)) return { kind: 'ready' };
      const remaining = deadline - performance.now();
      if (remaining <= 0) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(plan.intervalMs, remaining));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    wake = () => {};
  }
}
