/**
 * perfgate's own overhead (issue 8): the time from launching `perfgate run` to the start of its
 * first trial, with the service already running (so its start-up is excluded) and no warmup.
 * That is process start, loading the bundle, config, planning and the load engine's set-up.
 * Writes bench/results/overhead.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Results } from '../src/results/schema.js';
import { findFreePort } from '../src/service/index.js';

const RUNS = 5;

export async function main(): Promise<void> {
  const port = await findFreePort();
  const server = spawn(process.execPath, ['examples/service/server.mjs'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res) => server.stdout.once('data', () => res()));
  const samples: number[] = [];
  mkdirSync('.perfgate', { recursive: true });
  const out = resolve('.perfgate/overhead-results.json');
  try {
    for (let i = 0; i < RUNS; i++) {
      const launched = Date.now();
      const r = spawnSync(
        process.execPath,
        ['dist/cli.js', 'run', '--url', `http://127.0.0.1:${port}/api/items`, '--compare', 'none', '--warmup', '0', '--duration', '1s', '--min-rounds', '1', '--max-rounds', '1', '--output', out],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`perfgate run failed (exit ${r.status}): ${r.stderr}`);
      const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
      const first = Date.parse(results.scenarios[0]!.variants.head!.trials[0]!.startedAt);
      samples.push(first - launched);
      process.stderr.write(`run ${i + 1}/${RUNS}: first trial after ${first - launched} ms\n`);
    }
  } finally {
    server.kill('SIGTERM');
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/overhead.json', JSON.stringify({ runs: RUNS, msToFirstTrial: samples, medianMs: median }, null, 2) + '\n');
  process.stdout.write(`\n| overhead | median | runs |\n|---|--:|--:|\n| launch to first trial (service already running, no warmup) | ${median} ms | ${samples.join(', ')} ms |\n`);
}
