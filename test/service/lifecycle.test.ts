import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/service/index.js';
import { findFreePort, liveServiceCount, procTreeUsage, startService } from '../../src/service/index.js';
import type { TestBox } from './helpers.js';
import { isRunning, useServiceBox } from './helpers.js';

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

let box: TestBox;
useServiceBox((b) => (box = b));

/** Stops the service and checks, by PID, that it and every descendant seen while it ran are gone. */
async function stopAndCheck(service: RunningService): Promise<void> {
  const tree = await procTreeUsage(service.pid);
  expect(tree).not.toBeNull();
  const pids = tree?.pids ?? [];
  expect(pids).toContain(service.pid);
  await service.stop();
  expect(pids.filter(isRunning)).toEqual([]);
  expect(service.exited).toBe(true);
}

describe('startService', () => {
  it('starts a server in its own process group and waits for the ready URL', async () => {
    const port = await findFreePort();
    const service = await startService(
      box.spec({
        command: 'node http-server.mjs',
        port,
        ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 10_000 },
      }),
    );
    expect(service.exited).toBe(false);
    expect(() => service.checkAlive()).not.toThrow();
    // Ready means it answers now, without retrying.
    expect(await httpGet(port, '/')).toEqual({ status: 200, body: 'ok' });
    // PORT reached the service; its output went to the log.
    expect(service.logTail()).toBe(`http-server listening on 127.0.0.1:${port}`);
    // The shell leads a group of its own (PGID = PID), so one signal reaches all of it.
    const stat = readFileSync(`/proc/${service.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])).toBe(service.pid);
    await stopAndCheck(service);
  });

  it('waits for a TCP port to accept, by default the service port', async () => {
    const port = await findFreePort();
    const service = await startService(box.spec({ command: 'node tcp-server.mjs', port }));
    const greeting = await new Promise<string>((resolve, reject) => {
      import('node:net').then(({ connect }) => {
        const socket = connect({ host: '127.0.0.1', port });
        let text = '';
        socket.on('data', (d) => (text += d.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      }, reject);
    });
    expect(greeting).toBe('hello\n');
    await stopAndCheck(service);
  });

  it('waits for a log line matching the pattern', async () => {
    const port = await findFreePort();
    // The line comes 300 ms after start, and nothing listens anywhere: only the log can tell.
    const service = await startService(
      box.spec({
        command: 'sleep 0.3; echo "warming up"; echo "service is UP on $PORT"; exec sleep 30',
        cwd: box.dir,
        port,
        ready: { logPattern: 'is UP on \\d+$', timeoutMs: 10_000 },
      }),
    );
    expect(service.logTail()).toBe(`warming up\nservice is UP on ${port}`);
    expect(service.logTail(1)).toBe(`service is UP on ${port}`);
    await stopAndCheck(service);
  });

  it('passes cwd and env, and appends the log across starts with a header per run', async () => {
    const spec = box.spec({
      command: 'echo "cwd=$(pwd) greeting=$GREETING"; echo ready; exec sleep 30',
      cwd: box.dir,
      env: { GREETING: 'hi there' },
      ready: { logPattern: '^ready$', timeoutMs: 10_000 },
    });
    const first = await startService(spec);
    await first.stop();
    const second = await startService({ ...spec, env: { ...spec.env, GREETING: 'again' } });
    // The tail belongs to this run only.
    expect(second.logTail()).toBe(`cwd=${box.dir} greeting=again\nready`);
    const log = readFileSync(box.logFile, 'utf8').split('\n');
    expect(log.filter((l) => l.startsWith('--- perfgate: starting head at '))).toHaveLength(2);
    expect(log).toContain(`cwd=${box.dir} greeting=hi there`);
    await stopAndCheck(second);
  });

  it('stop() is idempotent and usage() is null once the service is gone', async () => {
    const service = await startService(
      box.spec({ command: 'echo go; exec sleep 30', ready: { logPattern: 'go', timeoutMs: 10_000 } }),
    );
    expect(await service.usage()).not.toBeNull();
    const pid = service.pid;
    await Promise.all([service.stop(), service.stop()]);
    await service.stop();
    expect(isRunning(pid)).toBe(false);
    expect(await service.usage()).toBeNull();
  });

  it('cancels a start when the signal aborts and leaves nothing behind', async () => {
    const port = await findFreePort();
    const controller = new AbortController();
    const started = startService(
      box.spec({
        command: 'node http-server.mjs',
        port,
        env: { NEVER_READY: '1' },
        ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 30_000 },
      }),
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('user cancelled')), 300);
    await expect(started).rejects.toThrow('user cancelled');
    expect(liveServiceCount()).toBe(0);
  });
});
