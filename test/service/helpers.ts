import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { ServiceSpec } from '../../src/service/index.js';
import { liveServiceCount, stopAllServices } from '../../src/service/index.js';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/servers');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/**
 * Every process a test starts carries this variable in its environment (children inherit it), so
 * a leftover is found by PID even when it was orphaned and its parent link is lost.
 */
export const MARKER_VAR = 'PERFGATE_SERVICE_TEST_MARKER';

export interface TestBox {
  dir: string;
  marker: string;
  logFile: string;
  spec(overrides: Partial<ServiceSpec> & Pick<ServiceSpec, 'command'>): ServiceSpec;
  /** Kills any process left with the marker and removes the directory. */
  cleanup(): void;
}

export function makeBox(): TestBox {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-service-'));
  const marker = randomUUID();
  const logFile = join(dir, 'logs', 'head.log');
  return {
    dir,
    marker,
    logFile,
    spec: (overrides) => ({
      name: 'head',
      cwd: FIXTURES,
      port: null,
      ready: { timeoutMs: 10_000 },
      logFile,
      ...overrides,
      env: { [MARKER_VAR]: marker, ...overrides.env },
    }),
    cleanup: () => {
      // After a failed test: whatever is left is reported by then, and must not outlive the run.
      for (const pid of processesWithMarker(marker)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether a process still runs. A zombie does not: on this machine PID 1 never reaps orphans, so
 * a killed grandchild stays a zombie entry for good although it runs nothing.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return procState(pid) !== 'Z';
}

/** PIDs of running processes whose environment carries the marker. */
export function processesWithMarker(marker: string): number[] {
  const needle = `${MARKER_VAR}=${marker}`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (environ.split('\0').includes(needle) && isRunning(pid)) found.push(pid);
  }
  return found;
}

/** Numbers after "<label> pid " in a log, e.g. pidsInLog(text, 'grandchild'). */
export function pidsInLog(text: string, label: string): number[] {
  return [...text.matchAll(new RegExp(`^${label} pid (\\d+)`, 'gm'))].map((m) => Number(m[1]));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition the test cannot otherwise await (a process exiting); fails after 10 s. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A fresh box per test, and after it: every service stopped, none of the box's processes alive, the
 * registry empty. `set` receives each test's box.
 */
export function useServiceBox(set: (box: TestBox) => void): void {
  let box: TestBox;
  beforeEach(() => {
    box = makeBox();
    set(box);
  });
  afterEach(async () => {
    try {
      await stopAllServices();
      expect(processesWithMarker(box.marker)).toEqual([]);
      expect(liveServiceCount()).toBe(0);
    } finally {
      box.cleanup();
    }
  });
}
