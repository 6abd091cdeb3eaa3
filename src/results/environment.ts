import os from 'node:os';
import type { Environment } from './schema.js';

/** What the numbers were measured on; comparing across different hardware is flagged in the report. */
export function environmentFingerprint(env: NodeJS.ProcessEnv = process.env): Environment {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: Math.max(1, cpus.length),
    memoryBytes: os.totalmem(),
    nodeVersion: process.version,
    runnerName: env.RUNNER_NAME ?? null,
  };
}
