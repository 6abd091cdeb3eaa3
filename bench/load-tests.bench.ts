/**
 * The capacity, spike and soak test kinds against services with a known truth (issue 17): the
 * example service's /api/limited (LIMIT_CONCURRENCY workers of LIMIT_SERVICE_MS each, a queue in
 * front) and its LEAK_BYTES leak. Every run is a fresh service process, measured through the kinds'
 * own measure and analyze, as a user's run would be.
 *
 * - capacity: for service times of 25, 50 and 100 ms (truth 400, 200, 100 req/s), PERFGATE_BENCH_RAMPS
 *   (3) ramps each; the error of each ramp's estimate against the truth.
 * - spike: PERFGATE_BENCH_SPIKES (5) spikes of 100 → 300 req/s for 2 s against 200 req/s of capacity:
 *   the queue grows by 100 a second to 200 and drains at 100 a second, so recovery takes 2 s.
 * - soak: PERFGATE_BENCH_SOAKS (5) soaks without a leak, and as many with each leak of
 *   PERFGATE_BENCH_LEAKS (bytes a request, "128,512"), PERFGATE_BENCH_SOAK_S (300) seconds each at
 *   PERFGATE_BENCH_SOAK_RATE (100) req/s on /api/items, with the default limits: false leaks, and
 *   the share of soaks that call each leak a leak (each soak is also appended to
 *   bench/results/soak-runs.jsonl as it ends; the levels take turns, soak by soak, and a 0 in
 *   PERFGATE_BENCH_LEAKS sets where the leak-free soaks go). Rates are printed with their count and an exact
 *   one-sided 95% bound.
 *
 * PERFGATE_BENCH_PARTS picks some of capacity,spike,soak. Writes bench/results/load-tests.json
 * and prints a markdown report.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import type { Scenario } from '../src/config/config.js';
import { loadConfig } from '../src/config/load.js';
import { realMeasureDeps } from '../src/measure/deps.js';
import type { VariantTarget } from '../src/measure/measure.js';
import { findFreePort } from '../src/service/index.js';
import { clopperPearson } from '../src/stats/index.js';
import { capacityKind } from '../src/tests/capacity/index.js';
import type { TestSpec } from '../src/tests/kind.js';
import { soakKind } from '../src/tests/soak/index.js';
import { spikeKind } from '../src/tests/spike/index.js';

const num = (name: string, fallback: number) => Number(process.env[name]) || fallback;
const RAMPS = num('PERFGATE_BENCH_RAMPS', 3);
const SPIKES = num('PERFGATE_BENCH_SPIKES', 5);
const SOAKS = num('PERFGATE_BENCH_SOAKS', 5);
const SOAK_S = num('PERFGATE_BENCH_SOAK_S', 300);
const SOAK_RATE = num('PERFGATE_BENCH_SOAK_RATE', 100);
const LEAKS = (process.env.PERFGATE_BENCH_LEAKS ?? '128,512').split(',').map(Number);
const PARTS = (process.env.PERFGATE_BENCH_PARTS ?? 'capacity,spike,soak').split(',');

const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const upper = (x: number, n: number) => `${x}/${n} (≤ ${pct(clopperPearson(x, n).high)})`;
const lower = (x: number, n: number) => `${x}/${n} (≥ ${pct(clopperPearson(x, n).low)})`;

/** A config and a variant for one run of one test kind on the example service with `env`. */
async function setup(path: string, env: Record<string, string>, tests: string) {
  const port = await findFreePort();
  const config = loadConfig({ fileText: `start: node examples/service/server.mjs\nport: ${port}\nready-url: http://127.0.0.1:${port}/health\nscenarios:\n  - { name: s, path: ${path} }\ntests:\n${tests}` });
  const variant: VariantTarget = {
    name: 'head',
    commit: null,
    service: { name: 'head', command: 'node examples/service/server.mjs', cwd: process.cwd(), env, port, ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 30_000 }, logFile: resolve('.perfgate/logs', 'load-tests.log') },
    urlFor: (s: Scenario) => s.url,
  };
  return { config, variant, test: config.tests[0] as TestSpec<never>, scenario: config.scenarios[0]! };
}

async function capacity(lines: string[], report: Record<string, unknown>): Promise<void> {
  const rows: { serviceMs: number; truth: number; estimates: number[] }[] = [];
  for (const serviceMs of [25, 50, 100]) {
    const truth = 10 / (serviceMs / 1000);
    const { config, variant, test, scenario } = await setup('/api/limited', { LIMIT_SERVICE_MS: String(serviceMs) }, `  - { kind: capacity, start-rate: ${truth / 4}, repeats: ${RAMPS}, budgets: { p99: ${serviceMs * 4}ms } }\n`);
    const runs = await capacityKind.measure({ test, scenario, config, variants: [variant], deps: realMeasureDeps(log) });
    const a = capacityKind.analyze({ test, scenario: 's', baseline: null, head: runs.head!, paired: false, alpha: 0.01, confidence: 0.95 });
    rows.push({ serviceMs, truth, estimates: a.head.ramps.map((e) => e.capacity ?? NaN) });
  }
  lines.push('**capacity** (/api/limited, 10 workers; each ramp on a fresh process, defaults but start-rate truth/4 and p99 ≤ 4 × service time)', '');
  lines.push('| service time | truth | estimates | error (min, max) |', '|--:|--:|--|--|');
  for (const r of rows) {
    const errors = r.estimates.map((e) => e / r.truth - 1);
    lines.push(`| ${r.serviceMs} ms | ${r.truth} req/s | ${r.estimates.map((e) => e.toFixed(0)).join(', ')} | ${pct(Math.min(...errors))}, ${pct(Math.max(...errors))} |`);
  }
  lines.push('');
  report.capacity = rows;
}

async function spike(lines: string[], report: Record<string, unknown>): Promise<void> {
  const recoveries: (number | null)[] = [];
  for (let i = 0; i < SPIKES; i++) {
    const { config, variant, test, scenario } = await setup('/api/limited', {}, '  - { kind: spike, base-rate: 100, factor: 3, before: 3s, spike-duration: 2s, after: 6s, settle: 1s, repeats: 1 }\n');
    const runs = await spikeKind.measure({ test, scenario, config, variants: [variant], deps: realMeasureDeps(log) });
    const a = spikeKind.analyze({ test, scenario: 's', baseline: null, head: runs.head!, paired: false, alpha: 0.01, confidence: 0.95 });
    recoveries.push(a.head.recoveryMs);
  }
  const within = recoveries.filter((r) => r !== null && Math.abs(r - 2000) <= 1000).length;
  lines.push('**spike** (/api/limited at 200 req/s; 100 → 300 req/s for 2 s: truth 2 s)', '');
  lines.push(`Recovery times: ${recoveries.map((r) => (r === null ? 'not recovered' : `${(r / 1000).toFixed(2)} s`)).join(', ')}; within ±1 s of the truth: ${lower(within, recoveries.length)}.`, '');
  report.spike = { recoveries, within };
}

async function soak(lines: string[], report: Record<string, unknown>): Promise<void> {
  const entry = `  - { kind: soak, rate: ${SOAK_RATE}, duration: ${SOAK_S}s }\n`;
  type Row = { leak: number; verdict: string; rss: string; fds: string; p99: string; rssPerHour: number | null; rssLow: number | null; rssHigh: number | null; rssDetectable: number | null };
  const rows: Row[] = [];
  const levels = LEAKS.includes(0) ? LEAKS : [0, ...LEAKS];
  // Levels interleaved soak by soak: a drift of the machine over the hours touches every level
  // alike, and a bench stopped early still has soaks of each.
  for (let i = 0; i < SOAKS; i++) {
    for (const leak of levels) {
      const { config, variant, test, scenario } = await setup('/api/items', leak > 0 ? { LEAK_BYTES: String(leak) } : {}, entry);
      const runs = await soakKind.measure({ test, scenario, config, variants: [variant], deps: realMeasureDeps(log) });
      const a = soakKind.analyze({ test, scenario: 's', baseline: null, head: runs.head!, paired: false, alpha: 0.01, confidence: 0.95 });
      const t = a.head[0]!;
      const row: Row = {
        leak,
        verdict: a.verdict,
        rss: t.rssPerHour.status,
        fds: t.fdsPerHour.status,
        p99: t.p99DriftPerHour.status,
        rssPerHour: t.rssPerHour.slope,
        rssLow: t.rssPerHour.low,
        rssHigh: t.rssPerHour.high,
        rssDetectable: t.rssPerHour.detectable,
      };
      rows.push(row);
      // One line a soak as it ends: a stopped bench keeps every soak it finished.
      appendFileSync('bench/results/soak-runs.jsonl', `${JSON.stringify({ ...row, rate: SOAK_RATE, seconds: SOAK_S, at: new Date().toISOString() })}\n`);
      log(`soak, leak ${leak} B/request, ${i + 1}/${SOAKS}: ${a.verdict} (RSS ${row.rss}, fds ${row.fds}, p99 ${row.p99})`);
    }
  }
  const mb = (v: number | null) => (v === null ? '—' : `${(v / 1e6).toFixed(1)}`);
  lines.push(`**soak** (/api/items at ${SOAK_RATE} req/s for ${SOAK_S} s, default limits; each soak a fresh process)`, '');
  lines.push('| leak | payload it retains | soaks failed (any trend) | RSS called a leak | RSS slope, MB/h (median) |', '|--:|--:|--|--|--:|');
  for (const leak of levels) {
    const rs = rows.filter((r) => r.leak === leak);
    const n = rs.length;
    const failed = rs.filter((r) => r.verdict === 'fail').length;
    const rssLeaks = rs.filter((r) => r.rss === 'leak').length;
    const slopes = rs.map((r) => r.rssPerHour).filter((v): v is number => v !== null).sort((x, y) => x - y);
    const perHour = (leak * SOAK_RATE * 3600) / 1e6;
    lines.push(
      `| ${leak} B/request | ${perHour.toFixed(0)} MB/h | ${leak === 0 ? upper(failed, n) : `${failed}/${n}`} | ${leak === 0 ? upper(rssLeaks, n) : lower(rssLeaks, n)} | ${mb(slopes[Math.floor(slopes.length / 2)] ?? null)} |`,
    );
  }
  lines.push('');
  report.soak = rows;
}

export async function main(): Promise<void> {
  mkdirSync('.perfgate/logs', { recursive: true });
  const lines = [`Load test kinds against known truths, on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}.`, ''];
  const report: Record<string, unknown> = {};
  mkdirSync('bench/results', { recursive: true });
  if (PARTS.includes('capacity')) await capacity(lines, report);
  if (PARTS.includes('spike')) await spike(lines, report);
  if (PARTS.includes('soak')) await soak(lines, report);
  mkdirSync('bench/results', { recursive: true });
  // Parts not run this time keep their last figures.
  const file = 'bench/results/load-tests.json';
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...previous, ...report }, null, 2) + '\n');
  process.stdout.write(`${lines.join('\n')}\n`);
}
