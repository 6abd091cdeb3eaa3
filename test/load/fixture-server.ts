import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const FIXTURE_SERVER = fileURLToPath(new URL('../fixtures/load-servers/server.mjs', import.meta.url));
/** Python's http.server (HTTP/1.0: it closes every connection), with the same PORT and DELAY_MS. */
export const PYTHON_FIXTURE_SERVER = fileURLToPath(new URL('../fixtures/load-servers/http10_server.py', import.meta.url));

export interface FixtureServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Start test/fixtures/load-servers/server.mjs (or another `program` of the same protocol) as a child process on a free port. */
export async function startFixtureServer(
  env: Record<string, string> = {},
  program: readonly string[] = [process.execPath, FIXTURE_SERVER],
): Promise<FixtureServer> {
  const [command, ...args] = program as [string, ...string[]];
  const child = spawn(command, args, {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('fixture server did not start');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fixture server gave no port in 10 s; stderr: ${stderr}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fixture server exited with ${code}; stderr: ${stderr}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** True while a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
