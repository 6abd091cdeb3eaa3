import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/service/index.js';
import { procTreeUsage, readTreeFds, startService } from '../../src/service/index.js';
import type { TestBox } from './helpers.js';
import { eventually, pidsInLog, useServiceBox } from './helpers.js';

let box: TestBox;
useServiceBox((b) => (box = b));

/**
 * A node process that opens `n` more files (/dev/null) on each SIGUSR2 and logs "batch <k>". The
 * handler is installed and the first line logged before the test's first reading, so between
 * batches the process is idle and nothing else opens or closes a descriptor. (SIGUSR1 would start
 * Node's inspector.)
 */
function fileOpener(n: number): string {
  const script =
    "const fs = require('fs'); const held = []; let batch = 0;" +
    `process.on('SIGUSR2', () => { for (let i = 0; i < ${n}; i++) held.push(fs.openSync('/dev/null', 'r'));` +
    " console.log('batch ' + ++batch); });" +
    "console.log('waiting'); setInterval(() => {}, 60000);";
  return `node -e "${script}"`;
}

async function fdsOf(service: RunningService): Promise<number | null | undefined> {
  return (await service.usage({ fds: true }))?.fds;
}

/** Entries of /proc/<pid>/fd, read here independently of perfgate's reader. */
function fdEntries(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

describe('open file descriptors of the service tree', () => {
  it('rise by exactly N each time the idle service opens N files', async () => {
    const n = 7;
    // exec: the node process is the whole tree, with nothing else that could open a descriptor.
    const service = await startService(
      box.spec({ command: `exec ${fileOpener(n)}`, ready: { logPattern: '^waiting$', timeoutMs: 10_000 } }),
    );
    const before = await fdsOf(service);
    process.kill(service.pid, 'SIGUSR2');
    await eventually(() => service.logTail().endsWith('batch 1'), 'the first batch of files to be open');
    const afterFirst = await fdsOf(service);
    process.kill(service.pid, 'SIGUSR2');
    await eventually(() => service.logTail().endsWith('batch 2'), 'the second batch of files to be open');
    const afterSecond = await service.usage({ fast: true, fds: true });

    expect(before).toBeGreaterThan(0);
    expect((afterFirst ?? 0) - (before ?? 0)).toBe(n);
    // The fast reading (known processes only) counts the same way.
    expect((afterSecond?.fds ?? 0) - (afterFirst ?? 0)).toBe(n);
    expect(afterSecond).toMatchObject({ processes: 1, fdsUnreadable: 0 });
    expect(afterSecond?.fds).toBe(fdEntries(service.pid));
    await service.stop();
  });

  it('counts every process of a tree: the shell and its node child', async () => {
    // No exec: the shell waits for node, so the tree is two processes.
    const service = await startService(
      box.spec({
        command: `node -e "console.log('child pid ' + process.pid); setInterval(() => {}, 60000)"; echo unreachable`,
        ready: { logPattern: '^child pid', timeoutMs: 10_000 },
      }),
    );
    const [child] = pidsInLog(service.logTail(), 'child');
    const tree = await procTreeUsage(service.pid, undefined, { fds: true });
    expect(tree?.pids).toEqual([service.pid, child].sort((a, b) => (a ?? 0) - (b ?? 0)));
    const shellFds = fdEntries(service.pid);
    const childFds = fdEntries(child ?? 0);
    // Both processes hold descriptors, so a count of either alone would be short.
    expect(shellFds).toBeGreaterThan(0);
    expect(childFds).toBeGreaterThan(shellFds);
    expect(tree?.fds).toBe(shellFds + childFds);
    expect(tree?.fdsUnreadable).toBe(0);
    expect(await service.usage({ fds: true })).toMatchObject({ processes: 2, fds: shellFds + childFds });
    await service.stop();
  });

  it('skips a process that has exited and says how many it could not read', async () => {
    const service = await startService(box.spec({ command: 'echo ready; exec sleep 60', ready: { logPattern: '^ready$', timeoutMs: 10_000 } }));
    // Exited and reaped: its /proc entry is gone (ENOENT), as for a process that exits mid-reading.
    const gone = spawnSync('true').pid;
    expect(await readTreeFds([service.pid, gone])).toEqual({ fds: fdEntries(service.pid), fdsUnreadable: 1 });
    // Nothing readable is unknown, not zero.
    expect(await readTreeFds([gone])).toEqual({ fds: null, fdsUnreadable: 1 });
    await service.stop();
  });

  it('reads no fds unless asked: the cheap readings stay as they were', async () => {
    const tree = await procTreeUsage(process.pid);
    expect(tree).toMatchObject({ fds: null, fdsUnreadable: 0 });
  });
});
