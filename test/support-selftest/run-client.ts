import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runnerFreeEnv } from '../support/child-env.js';

// Runs one of the client scripts next to this file in a process of its own:
// the @actions/* clients read their environment when they are imported.

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON after the `RESULT ` line the scripts print last. */
  result: unknown;
}

export function runClient(script: string, args: string[], env: Record<string, string>): Promise<ClientRun> {
  const path = fileURLToPath(new URL(`./clients/${script}`, import.meta.url));
  const child = spawn(process.execPath, [path, ...args], {
    env: { ...runnerFreeEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code, stdout, stderr, result: line ? (JSON.parse(line.slice(7)) as unknown) : undefined });
    });
  });
}
