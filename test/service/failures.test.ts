import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.js';
import { findFreePort, startService } from '../../src/service/index.js';
import type { TestBox } from './helpers.js';
import { eventually, isRunning, processesWithMarker, useServiceBox } from './helpers.js';

let box: TestBox;
useServiceBox((b) => (box = b));

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('service failures', () => {
  it('a start command that exits at once: exit code, command and log tail', async () => {
    const error = await rejection(
      startService(box.spec({ command: 'echo boom; exit 3', port: await findFreePort() })),
    );
    expect(error.message).toBe(
      `service "head" exited with code 3 before becoming ready (command: echo boom; exit 3)\n` +
        `last lines of ${box.logFile}:\nboom`,
    );
    expect(error.details).toEqual({ exitCode: 3, signal: null, logTail: 'boom' });
  });

  it('names the variant by its description when there is one, and says when the log is empty', async () => {
    const error = await rejection(
      startService(box.spec({ command: 'exit 7', description: 'base (commit 1a2b3c4)', ready: { logPattern: 'x', timeoutMs: 5000 } })),
    );
    expect(error.message).toBe(
      `service "base (commit 1a2b3c4)" exited with code 7 before becoming ready (command: exit 7)\n` +
        `last lines of ${box.logFile}:\n(no output)`,
    );
  });

  it('a service that never becomes ready: timeout, what it waited for, log tail', async () => {
    const port = await findFreePort();
    const error = await rejection(
      startService(
        box.spec({
          command: 'node http-server.mjs',
          port,
          env: { NEVER_READY: '1' },
          ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 1500 },
        }),
      ),
    );
    expect(error.message).toBe(
      `service "head" was not ready after 1.5 s (waiting for http://127.0.0.1:${port}/health to answer below 500)\n` +
        `last lines of ${box.logFile}:\nhttp-server listening on 127.0.0.1:${port}`,
    );
    expect(error.details.logTail).toBe(`http-server listening on 127.0.0.1:${port}`);
  });

  it('names every condition it waited for', async () => {
    const error = await rejection(
      startService(
        box.spec({
          command: 'echo starting; exec sleep 30',
          port: null,
          ready: { tcpPort: await findFreePort(), logPattern: '^never', timeoutMs: 300 },
        }),
      ),
    );
    expect(error.message).toMatch(
      /^service "head" was not ready after 0\.3 s \(waiting for port \d+ on 127\.0\.0\.1 or ::1 to accept a connection and a line of the log to match \/\^never\/\)\nlast lines of .*:\nstarting$/,
    );
  });

  it('a crash mid-run: checkAlive() reports the exit code and the log tail', async () => {
    const port = await findFreePort();
    const service = await startService(
      box.spec({ command: 'node http-server.mjs', port, env: { EXIT_AFTER_MS: '400', EXIT_CODE: '4' } }),
    );
    expect(() => service.checkAlive()).not.toThrow();
    await eventually(() => service.exited, 'the service to exit');
    let error: unknown;
    try {
      service.checkAlive();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceError);
    const tail = `http-server listening on 127.0.0.1:${port}\nhttp-server: exiting on purpose after 400 ms`;
    expect((error as ServiceError).message).toBe(
      `service "head" exited with code 4 during measurement\nlast lines of ${box.logFile}:\n${tail}`,
    );
    expect((error as ServiceError).details).toEqual({ exitCode: 4, signal: null, logTail: tail });
    await service.stop();
  });

  it('a service killed from outside: checkAlive() names the signal, stop() still clears the orphans', async () => {
    const port = await findFreePort();
    const service = await startService(box.spec({ command: 'node http-server.mjs', port }));
    // Killing only the shell leaves node orphaned in the service's process group.
    process.kill(service.pid, 'SIGKILL');
    await eventually(() => service.exited, 'the shell to die');
    const tail = `http-server listening on 127.0.0.1:${port}`;
    expect(() => service.checkAlive()).toThrow(
      new ServiceError(`service "head" was killed by signal SIGKILL during measurement\nlast lines of ${box.logFile}:\n${tail}`, {
        exitCode: null,
        signal: 'SIGKILL',
        logTail: tail,
      }),
    );
    expect(processesWithMarker(box.marker)).toHaveLength(1);
    await service.stop({ graceMs: 2000 });
    expect(processesWithMarker(box.marker)).toEqual([]);
  });

  it('a port already in use: refused before anything starts', async () => {
    const port = await findFreePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const error = await rejection(startService(box.spec({ command: 'echo never; exit 0', port })));
      expect(error.message).toBe(
        `port ${port} for service "head" is already in use by another process; stop it or choose another port`,
      );
      // Nothing ran: the log was never even opened.
      expect(existsSync(box.logFile)).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('refuses a ready URL that leaves the machine, before starting', async () => {
    const error = await rejection(
      startService(box.spec({ command: 'exit 0', ready: { url: 'http://example.com/health', timeoutMs: 1000 } })),
    );
    expect(error.message).toBe(
      'ready URL "http://example.com/health" for service "head" points at host "example.com"; perfgate only sends requests to this machine (127.0.0.1, ::1 or localhost)',
    );
    expect(existsSync(box.logFile)).toBe(false);
  });

  it('refuses a bad log pattern and a missing working directory', async () => {
    const badPattern = await rejection(
      startService(box.spec({ command: 'exit 0', ready: { logPattern: '(', timeoutMs: 1000 } })),
    );
    expect(badPattern.message).toMatch(/^ready log pattern "\(" for service "head" is not a valid regular expression: /);
    const missing = `${box.dir}/nope`;
    const noCwd = await rejection(startService(box.spec({ command: 'exit 0', cwd: missing })));
    expect(noCwd.message).toBe(`working directory "${missing}" for service "head" does not exist or is not a directory`);
  });

  it('a stopped-on-timeout service leaves no process behind, checked by PID', async () => {
    const error = await rejection(
      startService(
        box.spec({
          command: 'echo "pid $$"; exec sleep 30',
          ready: { logPattern: 'never', timeoutMs: 300 },
        }),
      ),
    );
    const pid = Number(/pid (\d+)/.exec(error.details.logTail ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isRunning(pid)).toBe(false);
  });
});
