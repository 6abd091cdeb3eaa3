import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.js';
import { liveServiceCount, procTreeUsage, startService, stopAllServices } from '../../src/service/index.js';
import type { TestBox } from './helpers.js';
import { isRunning, pidsInLog, processesWithMarker, useServiceBox } from './helpers.js';

let box: TestBox;
useServiceBox((b) => (box = b));

const READY_WHEN_BOTH_IGNORE_SIGTERM = { logPattern: '^grandchild pid \\d+ ignores SIGTERM', timeoutMs: 10_000 };

describe('stopping a service', () => {
  it('SIGTERM, then SIGKILL to the whole group, grandchild included', async () => {
    const service = await startService(
      box.spec({ command: 'exec node stubborn-tree.mjs', ready: READY_WHEN_BOTH_IGNORE_SIGTERM }),
    );
    const log = readFileSync(box.logFile, 'utf8');
    const [child = 0] = pidsInLog(log, 'child');
    const [grandchild = 0] = pidsInLog(log, 'grandchild');
    // `exec` makes the stubborn node process the group leader itself.
    expect(child).toBe(service.pid);
    expect(grandchild).toBeGreaterThan(0);
    expect((await procTreeUsage(service.pid))?.pids).toEqual([child, grandchild].sort((a, b) => a - b));
    expect(processesWithMarker(box.marker).sort((a, b) => a - b)).toEqual([child, grandchild].sort((a, b) => a - b));

    await service.stop({ graceMs: 300 });

    expect([child, grandchild].filter(isRunning)).toEqual([]);
    // Both saw the SIGTERM and ignored it; only SIGKILL ended them.
    const after = service.logTail();
    expect(after).toContain('child got SIGTERM and ignores it');
    expect(after).toContain('grandchild got SIGTERM and ignores it');
    expect(() => service.checkAlive()).toThrow(
      new ServiceError(`service "head" was killed by signal SIGKILL during measurement\nlast lines of ${box.logFile}:\n${after}`, {
        exitCode: null,
        signal: 'SIGKILL',
        logTail: after,
      }),
    );
  });

  it('also reaches a descendant that moved to a process group of its own', async () => {
    const service = await startService(
      box.spec({ command: 'node stubborn-tree.mjs', env: { ESCAPE: '1' }, ready: READY_WHEN_BOTH_IGNORE_SIGTERM }),
    );
    const log = readFileSync(box.logFile, 'utf8');
    const [child] = pidsInLog(log, 'child');
    const [grandchild] = pidsInLog(log, 'grandchild');
    const tree = (await procTreeUsage(service.pid))?.pids ?? [];
    // sh, the stubborn child and the escaped grandchild.
    expect(tree).toHaveLength(3);
    expect(tree).toContain(child);
    expect(tree).toContain(grandchild);

    await service.stop({ graceMs: 300 });

    expect(tree.filter(isRunning)).toEqual([]);
  });

  it('a graceful service is gone after SIGTERM alone', async () => {
    const service = await startService(
      box.spec({ command: 'echo "pid $$"; exec sleep 30', ready: { logPattern: '^pid', timeoutMs: 10_000 } }),
    );
    await service.stop({ graceMs: 10_000 });
    expect(isRunning(service.pid)).toBe(false);
    expect(() => service.checkAlive()).toThrow(/^service "head" was killed by signal SIGTERM during measurement\n/);
  });

  it('stopAllServices() stops every service still registered', async () => {
    const spec = box.spec({ command: 'echo up; exec sleep 30', ready: { logPattern: '^up$', timeoutMs: 10_000 } });
    const a = await startService(spec);
    const b = await startService({ ...spec, name: 'base', logFile: `${box.dir}/base.log` });
    expect(liveServiceCount()).toBe(2);
    await stopAllServices();
    expect(liveServiceCount()).toBe(0);
    expect([a.pid, b.pid].filter(isRunning)).toEqual([]);
  });
});
