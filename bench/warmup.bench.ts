/**
 * How long a fresh service process must be warmed up, and how far two starts of the same code sit
 * apart (issue 15). For each service (the example service and the numeric-loop service), starts
 * PERFGATE_BENCH_WARMUP_STARTS (8) fresh processes one after the other; each is loaded for 8 s in
 * consecutive 250 ms windows with no warmup at all, and the CPU time per request of every window
 * is recorded.
 *
 * - Warmup: per window, the ratio of its CPU per request to the same process's settled level (the
 *   median of its windows from 4 s to 8 s), as the median over the processes. Warmup must last
 *   until that ratio stays within 1%.
 * - Start cost: launch to ready, per process.
 * - Between-process spread: the robust sd, across processes, of the log of each process's settled
 *   level; the within-process spread is the robust sd of a process's settled windows around its own
 *   median (of 250 ms windows, so larger than that of a 2 s trial).
 * Writes bench/results/warmup.json and prints a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Scenario } from '../src/config/config.js';
import { loadConfig } from '../src/config/load.js';
import { realMeasureDeps } from '../src/measure/deps.js';
import { measureTogether, trialContext, type VariantTarget } from '../src/measure/measure.js';
import { findFreePort } from '../src/service/index.js';
import { medianOf, robustSd } from '../src/analyze/median.js';

const WINDOW_MS = 250;
const TOTAL_MS = 8_000;
const SETTLED_FROM_MS = 4_000;
const STARTS = Number(process.env.PERFGATE_BENCH_WARMUP_STARTS) || 8;

const ALL_SERVICES = [
  { name: 'example', command: 'node examples/service/server.mjs', path: '/api/items' },
  { name: 'numeric-loop', command: 'node bench/services/numeric-loop.mjs', path: '/work' },
] as const;
export const SERVICES = ALL_SERVICES.filter((s) => !process.env.PERFGATE_BENCH_SERVICES || process.env.PERFGATE_BENCH_SERVICES.split(",").includes(s.name));

const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function oneProcess(svc: (typeof ALL_SERVICES)[number]): Promise<{ startMs: number; windows: number[] }> {
  const port = await findFreePort();
  const config = loadConfig({ fileText: `suite: warmup\nstart: ${svc.command}\nport: ${port}\nready-url: http://127.0.0.1:${port}/health\nduration: ${WINDOW_MS / 1000}s\nwarmup: 0\nurl: http://127.0.0.1:${port}${svc.path}\n` });
  const deps = realMeasureDeps(() => {});
  const target: VariantTarget = {
    name: 'head',
    commit: null,
    service: { name: 'head', command: svc.command, cwd: process.cwd(), env: {}, port, ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 30_000 }, logFile: resolve('.perfgate/logs', `warmup-${svc.name}.log`) },
    urlFor: (s: Scenario) => s.url,
  };
  const launched = Date.now();
  const running = await deps.startService(target.service!);
  const startMs = Date.now() - launched;
  const ctx = trialContext(config, deps);
  const windows: number[] = [];
  try {
    for (let t = 0; t < TOTAL_MS; t += WINDOW_MS) {
      const [trial] = await measureTogether(ctx, [{ variant: target, scenario: config.scenarios[0]!, service: running }]);
      windows.push(trial!.cpuMsPerRequest!);
    }
  } finally {
    await running.stop();
  }
  return { startMs, windows };
}

export async function main(): Promise<void> {
  const out: Record<string, unknown> = {};
  const lines = ['| service | start to ready (median) | CPU/request of windows vs settled: 0–0.25 s, 0.25–0.5 s, 0.5–1 s, 1–2 s, 2–4 s | between-process sd | within-process sd (250 ms windows) |', '|---|--:|---|--:|--:|'];
  for (const svc of SERVICES) {
    const runs: { startMs: number; windows: number[] }[] = [];
    for (let i = 0; i < STARTS; i++) {
      runs.push(await oneProcess(svc));
      log(`${svc.name}: process ${i + 1}/${STARTS}: ready after ${runs.at(-1)!.startMs} ms`);
    }
    const settledFrom = SETTLED_FROM_MS / WINDOW_MS;
    const settled = runs.map((r) => medianOf(r.windows.slice(settledFrom))!);
    const ratioByWindow = runs[0]!.windows.map((_, w) => medianOf(runs.map((r, i) => r.windows[w]! / settled[i]!))!);
    const span = (from: number, to: number) => medianOf(ratioByWindow.slice(from / WINDOW_MS, to / WINDOW_MS))! - 1;
    const between = robustSd(settled.map(Math.log))!;
    const within = medianOf(runs.map((r, i) => robustSd(r.windows.slice(settledFrom).map((v) => Math.log(v / settled[i]!)))!))!;
    const startMs = medianOf(runs.map((r) => r.startMs))!;
    out[svc.name] = { starts: STARTS, windowMs: WINDOW_MS, startMs: runs.map((r) => r.startMs), settledCpuMsPerRequest: settled, ratioByWindow, betweenProcessSd: between, withinProcessWindowSd: within };
    lines.push(`| ${svc.name} | ${startMs} ms | ${[span(0, 250), span(250, 500), span(500, 1000), span(1000, 2000), span(2000, 4000)].map((x) => (x >= 0 ? '+' : '') + pct(x)).join(', ')} | ${pct(between)} | ${pct(within)} |`);
    log(lines.at(-1)!);
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/warmup.json', JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}
