import { ServiceError } from '../errors.js';
import type { ServiceSpec } from './spec.js';

/**
 * The words a user reads when their service misbehaves. Pure: every message is built from values,
 * so tests can assert them exactly.
 */

/** `service "head"`, or the description when the caller gave one (`service "base (commit 1a2b3c4)"`). */
export function serviceLabel(spec: Pick<ServiceSpec, 'name' | 'description'>): string {
  return `service "${spec.description ?? spec.name}"`;
}

/** "exited with code 3" or "was killed by signal SIGKILL". */
export function describeExit(exitCode: number | null, signal: string | null): string {
  if (signal !== null) return `was killed by signal ${signal}`;
  if (exitCode !== null) return `exited with code ${exitCode}`;
  return 'exited';
}

export function withLogTail(message: string, logFile: string, tail: string): string {
  return `${message}\nlast lines of ${logFile}:\n${tail === '' ? '(no output)' : tail}`;
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
}

export function exitedBeforeReadyError(spec: ServiceSpec, exit: ExitInfo, tail: string): ServiceError {
  const message = `${serviceLabel(spec)} ${describeExit(exit.exitCode, exit.signal)} before becoming ready (command: ${spec.command})`;
  return new ServiceError(withLogTail(message, spec.logFile, tail), { ...exit, logTail: tail });
}

export function notReadyError(spec: ServiceSpec, timeoutMs: number, waitingFor: string, tail: string): ServiceError {
  const message = `${serviceLabel(spec)} was not ready after ${(timeoutMs / 1000).toFixed(1)} s (${waitingFor})`;
  return new ServiceError(withLogTail(message, spec.logFile, tail), { exitCode: null, signal: null, logTail: tail });
}

export function crashedError(spec: ServiceSpec, exit: ExitInfo, tail: string): ServiceError {
  const message = `${serviceLabel(spec)} ${describeExit(exit.exitCode, exit.signal)} during measurement`;
  return new ServiceError(withLogTail(message, spec.logFile, tail), { ...exit, logTail: tail });
}

export function portInUseError(spec: ServiceSpec, port: number): ServiceError {
  return new ServiceError(
    `port ${port} for ${serviceLabel(spec)} is already in use by another process; stop it or choose another port`,
  );
}

export function spawnFailedError(spec: ServiceSpec, reason: string): ServiceError {
  return new ServiceError(`${serviceLabel(spec)} could not be started (command: ${spec.command}): ${reason}`);
}
