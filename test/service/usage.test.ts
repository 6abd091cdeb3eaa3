import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/service/index.js';
import {
  findFreePort,
  pidusageTreeUsage,
  procTreeUsage,
  startService,
  startUsageSampler,
} from '../../src/service/index.js';
import type { TestBox } from './helpers.js';
import { eventually, isRunning, MARKER_VAR, useServiceBox } from './helpers.js';

let box: TestBox;
useServiceBox((b) => (box = b));

function getText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${path}: ${res.statusCode}`))));
    }).on('error', reject);
  });
}

async function selfReportedCpuMs(port: number): Promise<number> {
  return (JSON.parse(await getText(port, '/cpu')) as { cpuMs: number }).cpuMs;
}

async function startCpuServer(): Promise<{ service: RunningService; port: number }> {
  const port = await findFreePort();
  const service = await startService(
    box.spec({ command: 'node http-server.mjs', port, ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 10_000 } }),
  );
  return { service, port };
}

/** Sequential CPU-bound requests: `count` × `ms` of busy work in the service. */
async function burn(port: number, count: number, ms: number): Promise<void> {
  for (let i = 0; i < count; i++) expect(await getText(port, `/burn?ms=${ms}`)).toBe('burnt');
}

describe('CPU and memory of the service tree', () => {
  it('usage().cpuMs follows what the service reports from process.cpuUsage() (±15%)', async () => {
    const { service, port } = await startCpuServer();
    const before = await service.usage();
    const selfBefore = await selfReportedCpuMs(port);
    await burn(port, 40, 25);
    const selfAfter = await selfReportedCpuMs(port);
    const after = await service.usage();
    expect(before).not.toBeNull();
    expect(after).not.toBeNull();
    const measured = (after?.cpuMs ?? 0) - (before?.cpuMs ?? 0);
    const reported = selfAfter - selfBefore;
    // At least the CPU work asked for: 40 × 25 ms.
    expect(reported).toBeGreaterThanOrEqual(1000);
    expect(measured / reported).toBeGreaterThan(0.85);
    expect(measured / reported).toBeLessThan(1.15);
    // A node process holds tens of megabytes.
    expect(after?.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    await service.stop();
  });

  it('the sampler: CPU delta over the window, peak RSS, and interference shares', async () => {
    const { service, port } = await startCpuServer();
    const sampler = startUsageSampler(service, { intervalMs: 50 });
    await sampler.ready;
    const selfBefore = await selfReportedCpuMs(port);
    await burn(port, 30, 25);
    const selfAfter = await selfReportedCpuMs(port);
    const window = await sampler.stop();
    expect(window).not.toBeNull();
    const reported = selfAfter - selfBefore;
    expect((window?.cpuMs ?? 0) / reported).toBeGreaterThan(0.85);
    expect((window?.cpuMs ?? 0) / reported).toBeLessThan(1.15);
    expect(window?.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    const interference = window?.interference;
    expect(interference?.otherCpu).toBeGreaterThanOrEqual(0);
    expect(interference?.otherCpu).toBeLessThanOrEqual(1);
    expect(interference?.steal).toBeGreaterThanOrEqual(0);
    expect(interference?.steal).toBeLessThanOrEqual(1);
    // stop() is idempotent: the same window again.
    expect(await sampler.stop()).toBe(window);
    await service.stop();
  });

  it('on Linux the window is the threads\' nanosecond run time, not 10 ms ticks', async () => {
    const { service, port } = await startCpuServer();
    const sampler = startUsageSampler(service, { intervalMs: 50 });
    await sampler.ready;
    const selfBefore = await selfReportedCpuMs(port);
    await burn(port, 30, 25);
    const selfAfter = await selfReportedCpuMs(port);
    const window = await sampler.stop();
    expect(window?.cpuPrecise).toBe(true);
    // Ticks would be off by up to two of them (20 ms); only the /cpu replies lie outside the
    // service's own reckoning.
    expect(Math.abs((window?.cpuMs ?? 0) - (selfAfter - selfBefore))).toBeLessThan(5);
    await service.stop();
  });

  it('a busy neighbour process shows up as otherCpu', async () => {
    const { service, port } = await startCpuServer();
    // A process that is neither the service nor us spins on one core for the whole window: about
    // half of all core time on this 2-core machine.
    const neighbour = spawn(process.execPath, ['-e', "console.log('spinning'); for (;;) {}"], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, [MARKER_VAR]: box.marker },
    });
    const neighbourExit = new Promise((resolve) => neighbour.once('exit', resolve));
    try {
      await new Promise((resolve) => neighbour.stdout.once('data', resolve));
      const sampler = startUsageSampler(service, { intervalMs: 100 });
      await sampler.ready;
      // Meanwhile the service burns too; that must not count as interference.
      await burn(port, 20, 25);
      neighbour.kill('SIGKILL');
      await neighbourExit;
      const window = await sampler.stop();
      // Other engineers' processes can only add to the neighbour's share.
      expect(window?.interference?.otherCpu).toBeGreaterThan(0.3);
    } finally {
      neighbour.kill('SIGKILL');
      await neighbourExit;
    }
    await service.stop();
  });

  it('keeps the CPU of a child that has already exited (its parent reaped it)', async () => {
    const burnScript =
      'const t = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };' +
      'const end = t() + 400; let x = 0; while (t() < end) for (let i = 0; i < 1000; i++) x += Math.sqrt(i);';
    const service = await startService(
      box.spec({
        command: `echo ready; sleep 0.2; node -e '${burnScript}'; echo done; exec sleep 30`,
        ready: { logPattern: '^ready$', timeoutMs: 10_000 },
      }),
    );
    const before = await service.usage();
    await eventually(() => service.logTail().endsWith('done'), 'the burning child to finish');
    const after = await service.usage();
    // The node child is gone, yet its 400 ms (plus its start-up) count: they sit in the shell's cutime.
    const delta = (after?.cpuMs ?? 0) - (before?.cpuMs ?? 0);
    expect(delta).toBeGreaterThanOrEqual(400);
    expect(delta).toBeLessThan(1500);
    expect((await procTreeUsage(service.pid))?.pids).toEqual([service.pid]);
    await service.stop();
  });

  it('the sampler returns null when the service died during the window', async () => {
    const { service } = await startCpuServer();
    const sampler = startUsageSampler(service, { intervalMs: 50 });
    await sampler.ready;
    await service.stop();
    expect(await sampler.stop()).toBeNull();
  });

  it('the pidusage fallback finds the same tree and comparable numbers', async () => {
    const service = await startService(
      box.spec({ command: 'node stubborn-tree.mjs', ready: { logPattern: '^grandchild pid', timeoutMs: 10_000 } }),
    );
    const viaProc = await procTreeUsage(service.pid);
    const viaPidusage = await pidusageTreeUsage(service.pid);
    expect(viaProc?.pids).toHaveLength(3);
    expect(viaPidusage?.pids).toEqual(viaProc?.pids);
    // Two node processes: tens of megabytes by either reading, within a few percent of each other.
    expect(viaPidusage?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect((viaPidusage?.rssBytes ?? 0) / (viaProc?.rssBytes ?? 1)).toBeGreaterThan(0.9);
    expect((viaPidusage?.rssBytes ?? 0) / (viaProc?.rssBytes ?? 1)).toBeLessThan(1.1);
    // pidusage leaves out the time of reaped children; the live processes' CPU is the same to a few ticks.
    expect(Math.abs((viaPidusage?.cpuMs ?? 0) - (viaProc?.cpuMs ?? 0))).toBeLessThan(100);
    const pids = viaProc?.pids ?? [];
    await service.stop({ graceMs: 200 });
    expect(pids.filter(isRunning)).toEqual([]);
    expect(await procTreeUsage(service.pid)).toBeNull();
  });
});
