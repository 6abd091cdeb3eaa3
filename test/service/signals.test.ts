import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../src/service/index.js';
import { findFreePort } from '../../src/service/index.js';
import type { TestBox } from './helpers.js';
import { eventually, isRunning, makeBox, processesWithMarker } from './helpers.js';

const DRIVER = resolve(import.meta.dirname, 'signal-driver.mjs');
let bundleDir: string;
let bundle: string;

beforeAll(async () => {
  // The driver is a plain node process, as perfgate is in production: give it the module as JS.
  bundleDir = mkdtempSync(join(tmpdir(), 'perfgate-service-bundle-'));
  bundle = join(bundleDir, 'service.mjs');
  await build({
    entryPoints: [resolve(import.meta.dirname, '../../src/service/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    packages: 'external',
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

let box: TestBox;
beforeEach(() => {
  box = makeBox();
});
afterEach(() => {
  try {
    expect(processesWithMarker(box.marker)).toEqual([]);
  } finally {
    box.cleanup();
  }
});

interface Driver {
  pid: number;
  servicePids: number[];
  servicePid: number;
  exit: Promise<{ code: number | null; signal: string | null }>;
  stderr: () => string;
}

async function runDriver(spec: ServiceSpec, args: string[]): Promise<Driver> {
  const child = spawn(process.execPath, [DRIVER, bundle, JSON.stringify(spec), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) done(out.slice(0, out.indexOf('\n')));
    });
    void exit.then(({ code }) => fail(new Error(`driver exited with ${code} before starting the service: ${stderr}`)));
  });
  const { pid, pids } = JSON.parse(line) as { pid: number; pids: number[] };
  return { pid: child.pid as number, servicePid: pid, servicePids: pids, exit, stderr: () => stderr };
}

describe('no service outlives perfgate', () => {
  it('SIGINT: services are stopped, then perfgate exits with 130', async () => {
    const port = await findFreePort();
    const driver = await runDriver(box.spec({ command: 'node http-server.mjs', port }), ['signal', '5000']);
    expect(driver.servicePids.length).toBeGreaterThanOrEqual(2);
    expect(driver.servicePids.filter(isRunning)).toEqual(driver.servicePids);
    process.kill(driver.pid, 'SIGINT');
    expect(await driver.exit).toEqual({ code: 130, signal: null });
    expect(driver.stderr()).toBe('driver got SIGINT, stopping 1 service(s)\n');
    // The driver waited for the group before exiting: nothing is left even now.
    expect(driver.servicePids.filter(isRunning)).toEqual([]);
  });

  it('SIGTERM: a service that ignores SIGTERM is killed after the grace, exit code 143', async () => {
    const driver = await runDriver(
      box.spec({ command: 'node stubborn-tree.mjs', ready: { logPattern: '^grandchild pid \\d+ ignores', timeoutMs: 10_000 } }),
      ['signal', '300'],
    );
    expect(driver.servicePids).toHaveLength(3);
    process.kill(driver.pid, 'SIGTERM');
    expect(await driver.exit).toEqual({ code: 143, signal: null });
    expect(driver.servicePids.filter(isRunning)).toEqual([]);
  });

  it('exit without stopping: the exit handler SIGKILLs the group', async () => {
    const driver = await runDriver(
      // The inner shell prints "up" itself, so both processes exist when the service counts as ready.
      box.spec({ command: `sh -c 'echo up; exec sleep 30'; echo never`, ready: { logPattern: '^up$', timeoutMs: 10_000 } }),
      ['exit'],
    );
    expect(driver.servicePids).toHaveLength(2);
    expect(await driver.exit).toEqual({ code: 0, signal: null });
    await eventually(() => driver.servicePids.every((pid) => !isRunning(pid)), 'the service group to die');
  });
});
