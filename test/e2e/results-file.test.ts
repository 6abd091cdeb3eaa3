import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { decodeHistogram } from '../../src/load/index.js';
import { realMeasureDeps } from '../../src/measure/deps.js';
import { measure } from '../../src/measure/measure.js';
import { variantTarget } from '../../src/measure/variants.js';
import { readResultsFile } from '../../src/results/file.js';
import { findFreePort } from '../../src/service/index.js';
import { REPO_ROOT, runBuiltCli } from '../helpers/cli.js';
import { processesMentioning } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-results-'));
afterAll(() => {
  expect(processesMentioning(dir)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('perfgate run on the example service', { timeout: 120_000 }, () => {
  test('writes a valid results file with every trial, metric and histogram', async () => {
    const port = await findFreePort();
    const out = join(dir, 'results.json');
    const r = await runBuiltCli(
      [
        'run', '--config', join(REPO_ROOT, 'examples/service/perfgate.yml'),
        '--start', `node ${join(REPO_ROOT, 'examples/service/server.mjs')} ${dir}`,
        '--port', String(port), '--ready-url', `http://127.0.0.1:${port}/health`,
        '--compare', 'none', '--warmup', '300ms', '--duration', '500ms', '--min-rounds', '2', '--max-rounds', '2', '--output', out,
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('round 2/2');
    const results = readResultsFile(out);
    expect(results.schemaVersion).toBe(2);
    expect(results.suite).toBe('example');
    expect(results.environment.cores).toBeGreaterThan(0);
    expect(results.rounds).toBe(2);
    expect(results.scenarios.map((s) => s.name)).toEqual(['items', 'compute', 'slow']);
    for (const s of results.scenarios) {
      const trials = s.variants.head!.trials;
      expect(trials.map((t) => t.round)).toEqual([0, 1]);
      for (const t of trials) {
        expect(t.requests).toBeGreaterThan(10);
        expect(t.errors).toBe(0);
        expect(t.statusCounts).toEqual({ 200: t.requests });
        expect(t.cpuMsPerRequest).toBeGreaterThan(0);
        expect(t.peakRssBytes).toBeGreaterThan(10e6);
        expect(decodeHistogram(t.histogram).totalCount).toBe(t.requests);
      }
    }
    // /api/slow waits 10 ms on a timer: its median latency can be no less.
    expect(results.scenarios[2]!.variants.head!.trials[0]!.latencyMs.p50).toBeGreaterThanOrEqual(10);
  });

  test('CPU per request on a CPU-bound endpoint agrees with what the service measures itself (±15%)', async () => {
    const port = await findFreePort();
    const config = loadConfig({
      // One process for all three rounds: the service's own counters start afresh with a process.
      inputs: { start: `node ${join(REPO_ROOT, 'examples/service/server.mjs')} ${dir}`, port: String(port), url: `http://127.0.0.1:${port}/api/compute`, warmup: '500ms', duration: '2s', connections: '4', 'rounds-per-process': '3' },
    });
    const head = variantTarget(config, 'head', { root: REPO_ROOT, commit: null, port: null }, dir);
    const stats = async () => (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { served: number; cpuUs: number };
    const deps = realMeasureDeps(() => {});
    let before: { served: number; cpuUs: number } | null = null;
    const selfReported: number[] = [];
    const m = await measure(
      { config: { ...config, rounds: { min: 3, max: 3, maxDurationMs: 60_000 } }, variants: [head], minRoundsForSignificance: 3 },
      {
        ...deps,
        // Read the service's own CPU clock right around each trial's load.
        runLoad: async (target, profile, o) => {
          before = await stats();
          const outcome = await deps.runLoad(target, profile, o);
          const after = await stats();
          selfReported.push((after.cpuUs - before.cpuUs) / 1000 / (after.served - before.served));
          return outcome;
        },
      },
    );
    const trials = m.scenarios[0]!.variants.head!.trials;
    expect(trials).toHaveLength(3);
    trials.forEach((t, i) => {
      const own = selfReported[i + 1]!; // the first load was the warmup
      expect(t.cpuMsPerRequest! / own).toBeGreaterThan(0.85);
      expect(t.cpuMsPerRequest! / own).toBeLessThan(1.15);
    });
  });
});
