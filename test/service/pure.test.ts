import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.js';
import { computeInterference, startUsageSampler } from '../../src/service/index.js';
import type { SampledService } from '../../src/service/index.js';
import { lastLines, LogLineMatcher, readLogTail } from '../../src/service/logFile.js';
import { describeExit, serviceLabel } from '../../src/service/messages.js';
import { parseProcStat, parseSystemCpu } from '../../src/service/procfs.js';
import type { SystemCpu } from '../../src/service/procfs.js';
import { serviceTreePids } from '../../src/service/processTree.js';
import { isLoopbackHost } from '../../src/load/loopback.js';
import { planReadiness, portsThatMustBeFree } from '../../src/service/readiness.js';
import type { ServiceSpec } from '../../src/service/index.js';

describe('/proc parsing', () => {
  it('reads pid, state, parent, group, times and rss from /proc/<pid>/stat', () => {
    // A real line, with a command name that contains a space and a parenthesis.
    const line =
      '4242 (node (worker) x) S 4200 4200 3254 0 -1 4194304 99 0 0 0 1234 567 89 10 20 0 1 0 74817 3133440 413 18446744073709551615 0 0 0\n';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      state: 'S',
      ppid: 4200,
      pgrp: 4200,
      utime: 1234,
      stime: 567,
      cutime: 89,
      cstime: 10,
      rssPages: 413,
    });
    expect(parseProcStat('garbage')).toBeNull();
    expect(parseProcStat('12 (x) S 1 2')).toBeNull();
  });

  it('reads the aggregate cpu line of /proc/stat, leaving guest time out of the total', () => {
    const text =
      'cpu  6921 10 4506 46185 182 3 222 40 100 0\ncpu0 3159 0 2094 23621 18 0 132 0 0 0\nintr 1 2 3\n';
    // busy = user + nice + system + irq + softirq; total adds idle, iowait and steal.
    expect(parseSystemCpu(text)).toEqual({ busy: 6921 + 10 + 4506 + 3 + 222, total: 6921 + 10 + 4506 + 3 + 222 + 46185 + 182 + 40, steal: 40 });
    expect(parseSystemCpu('cpu0 1 2 3 4\n')).toBeNull();
  });
});

describe('serviceTreePids', () => {
  const table = [
    { pid: 1, ppid: 0, pgrp: 1 },
    { pid: 100, ppid: 1, pgrp: 100 }, // perfgate
    { pid: 200, ppid: 100, pgrp: 200 }, // sh, the service root
    { pid: 201, ppid: 200, pgrp: 200 }, // node
    { pid: 202, ppid: 201, pgrp: 200 }, // a worker of node
    { pid: 203, ppid: 201, pgrp: 203 }, // a descendant that made its own group
    { pid: 204, ppid: 203, pgrp: 203 }, // ... and its child
    { pid: 205, ppid: 1, pgrp: 200 }, // orphan of the service, reparented to init, still in the group
    { pid: 300, ppid: 100, pgrp: 300 }, // another service of perfgate
  ];
  it('finds descendants, descendants in other groups, and orphans still in the group', () => {
    expect(serviceTreePids(200, table)).toEqual([200, 201, 202, 203, 204, 205]);
  });
  it('is empty when the root is gone and nothing is left in its group', () => {
    expect(serviceTreePids(999, table)).toEqual([]);
  });
  it('works without group information (ps fallback)', () => {
    expect(serviceTreePids(201, table.map((p) => ({ ...p, pgrp: null })))).toEqual([201, 202, 203, 204]);
  });
});

describe('computeInterference', () => {
  const before: SystemCpu = { total: 10_000, busy: 2_000, steal: 100 };
  it('is what the machine ran minus the service and perfgate, as a share of all core time', () => {
    // 2 cores × 1 s = 200 ticks at 100 Hz = 2000 ms; 120 ticks busy = 1200 ms; 10 ticks stolen.
    const after: SystemCpu = { total: 10_200, busy: 2_120, steal: 110 };
    const result = computeInterference(before, after, 500, 300, 100);
    expect(result?.otherCpu).toBeCloseTo((1200 - 500 - 300) / 2000, 12);
    expect(result?.steal).toBeCloseTo(100 / 2000, 12);
  });
  it('honours the clock tick rate', () => {
    const after: SystemCpu = { total: 10_200, busy: 2_120, steal: 100 };
    // At 250 Hz the same ticks are 800 ms of time, 480 ms busy.
    expect(computeInterference(before, after, 100, 80, 250)).toEqual({ otherCpu: (480 - 180) / 800, steal: 0 });
  });
  it('never goes below zero when per-process tick rounding overshoots', () => {
    const after: SystemCpu = { total: 10_200, busy: 2_050, steal: 100 };
    expect(computeInterference(before, after, 400, 200, 100)).toEqual({ otherCpu: 0, steal: 0 });
  });
  it('is null for an empty window', () => {
    expect(computeInterference(before, before, 0, 0, 100)).toBeNull();
  });
});

describe('startUsageSampler with fake sources', () => {
  it('reports the CPU delta, the peak RSS and the interference of the window', async () => {
    const readings = [
      { cpuMs: 1000, rssBytes: 50, processes: 1 },
      { cpuMs: 1100, rssBytes: 90, processes: 1 },
      { cpuMs: 1400, rssBytes: 70, processes: 1 },
    ];
    let call = 0;
    const service: SampledService = { usage: async () => readings[Math.min(call++, readings.length - 1)] ?? null };
    const systems: SystemCpu[] = [
      { total: 0, busy: 0, steal: 0 },
      { total: 400, busy: 200, steal: 20 },
    ];
    const selves = [10_000, 10_600];
    let s = 0;
    let m = 0;
    const sampler = startUsageSampler(
      service,
      { intervalMs: 5 },
      { readSystemCpu: async () => systems[s++] ?? null, selfCpuMs: () => selves[m++] ?? 0, ticksPerSecond: () => 100 },
    );
    await sampler.ready;
    // Let the interval take the middle reading.
    await new Promise((r) => setTimeout(r, 30));
    const window = await sampler.stop();
    // 4000 ms of core time, 2000 busy: 400 service (1400 - 1000) and 600 perfgate leave 1000 others.
    expect(window).toEqual({
      cpuMs: 400,
      cpuPrecise: false,
      peakRssBytes: 90,
      interference: { otherCpu: 0.25, steal: 0.05 },
      machineMs: 4000,
    });
  });

  it('has no interference where /proc/stat is missing, and is null when usage is unknown', async () => {
    const noSystem = { readSystemCpu: async () => null, selfCpuMs: () => 0, ticksPerSecond: () => 100 };
    const steady: SampledService = { usage: async () => ({ cpuMs: 5, rssBytes: 1, processes: 1 }) };
    expect(await startUsageSampler(steady, { intervalMs: 1000 }, noSystem).stop()).toEqual({
      cpuMs: 0,
      cpuPrecise: false,
      peakRssBytes: 1,
      interference: null,
      machineMs: null,
    });
    const gone: SampledService = { usage: async () => null };
    expect(await startUsageSampler(gone, { intervalMs: 1000 }, noSystem).stop()).toBeNull();
  });
});

describe('log tail', () => {
  it('keeps the last lines and drops the empty one after a final newline', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc');
    expect(lastLines('a\r\nb', 5)).toBe('a\nb');
    expect(lastLines('', 3)).toBe('');
  });

  it('reads only what this run wrote, and only the end of a large log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-logtail-'));
    try {
      const file = join(dir, 'x.log');
      const old = 'old run line\n';
      writeFileSync(file, `${old}new 1\nnew 2\n`);
      expect(readLogTail(file, Buffer.byteLength(old), 20)).toBe('new 1\nnew 2');
      const many = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n');
      writeFileSync(file, many);
      expect(readLogTail(file, 0, 3)).toBe('line 19997\nline 19998\nline 19999');
      expect(readLogTail(join(dir, 'missing.log'), 0, 3)).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('LogLineMatcher matches lines written after its offset, across reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-logmatch-'));
    try {
      const file = join(dir, 'x.log');
      writeFileSync(file, 'Listening on 1\n');
      const matcher = new LogLineMatcher(file, 15, /^Listening on \d+$/);
      expect(await matcher.check()).toBe(false);
      writeFileSync(file, 'Listening on 1\nstarting\nListen', { flag: 'w' });
      expect(await matcher.check()).toBe(false);
      writeFileSync(file, 'Listening on 1\nstarting\nListening on 2\n');
      expect(await matcher.check()).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('messages', () => {
  it('describes exits and names services', () => {
    expect(describeExit(3, null)).toBe('exited with code 3');
    expect(describeExit(null, 'SIGKILL')).toBe('was killed by signal SIGKILL');
    expect(serviceLabel({ name: 'head' })).toBe('service "head"');
    expect(serviceLabel({ name: 'base', description: 'base (commit 1a2b3c4)' })).toBe('service "base (commit 1a2b3c4)"');
  });
});

describe('readiness plan', () => {
  const spec = (ready: ServiceSpec['ready'], port: number | null = 3000): ServiceSpec => ({
    name: 'head',
    command: 'x',
    cwd: '.',
    env: {},
    port,
    ready,
    logFile: 'x.log',
  });

  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1', 'LOCALHOST']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', '192.168.1.1', 'example.com', '0.0.0.0', '127.0.0.1.nip.io', '[::]']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('waits for the service port by default and for every condition given', () => {
    expect(planReadiness(spec({ timeoutMs: 2000 })).waitingFor).toBe(
      'waiting for port 3000 on 127.0.0.1 or ::1 to accept a connection',
    );
    const all = planReadiness(spec({ url: 'http://localhost:8080/health', logPattern: 'up', timeoutMs: 2000 }));
    expect(all.waitingFor).toBe('waiting for http://localhost:8080/health to answer below 500 and a line of the log to match /up/');
    expect(all.tcpPort).toBeNull();
    expect(all.intervalMs).toBe(100);
    // The service port, and the ready URL's port: someone else answering there would fool the probe.
    expect(portsThatMustBeFree(spec({ url: 'http://localhost:8080/health', timeoutMs: 1 }), all)).toEqual([3000, 8080]);
    expect(planReadiness(spec({ timeoutMs: 2000 }, null)).waitingFor).toBe('no readiness check');
  });

  it('refuses what it cannot honour, naming the value', () => {
    const problems: Array<[ServiceSpec, string]> = [
      [spec({ url: 'ftp://127.0.0.1/x', timeoutMs: 1 }), 'ready URL "ftp://127.0.0.1/x" for service "head" must use http or https, not ftp'],
      [spec({ url: 'not a url', timeoutMs: 1 }), 'ready URL "not a url" for service "head" is not a valid URL; expected e.g. http://127.0.0.1:3000/health'],
      [spec({ timeoutMs: 0 }), 'ready timeout 0 ms for service "head" must be greater than 0'],
      [spec({ timeoutMs: 1 }, 70_000), 'port 70000 for service "head" is not a TCP port; expected an integer from 1 to 65535'],
      [spec({ tcpPort: 0, timeoutMs: 1 }), 'ready TCP port 0 for service "head" is not a TCP port; expected an integer from 1 to 65535'],
    ];
    for (const [s, message] of problems) expect(() => planReadiness(s)).toThrow(new ServiceError(message));
  });
});
