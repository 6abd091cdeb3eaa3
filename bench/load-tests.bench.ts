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
 * - soak: PERFGATE_BENCH_LEAK_FREE_SOAKS (= PERFGATE_BENCH_SOAKS, 5) soaks without a leak, and
 *   PERFGATE_BENCH_SOAKS with each leak of PERFGATE_BENCH_LEAKS (bytes a request, or bytes kept
 *   every Nth request as "4096/40"; "128,512"), PERFGATE_BENCH_SOAK_S (300) seconds each at
 *   PERFGATE_BENCH_SOAK_RATE (100) req/s on /api/items, with the default limits: false leaks, and
 *   the share of soaks that call each leak a leak (each soak is also appended to
 *   bench/results/soak-runs.jsonl as it ends; the levels are interleaved in proportion).
 *   PERFGATE_BENCH_SOAK_PARALLEL (1) soaks run at once, each a fresh process on its own port.
 *   Rates are printed with their count and an exact one-sided 95% bound.
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
// 0 is a count here (a run of leaks alone), not "unset".
const LEAK_FREE_SOAKS = process.env.PERFGATE_BENCH_LEAK_FREE_SOAKS ? Number(process.env.PERFGATE_BENCH_LEAK_FREE_SOAKS) : SOAKS;
const PARALLEL = num('PERFGATE_BENCH_SOAK_PARALLEL', 1);
const LEAKS = (process.env.PERFGATE_BENCH_LEAKS ?? '128,512').split(',').map((l) => parseLeak(l));
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
    service: { name: 'head', command: 'node examples/service/server.mjs', cwd: process.cwd(), env, port, ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 30_000 }, logFile: resolve('.perfgate/logs', `load-tests-${port}.log`) },
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

/** A leak level: `bytes` kept every `every`th request ("4096/40"; "512" is every request). */
type Leak = { bytes: number; every: number; label: string };
function parseLeak(text: string): Leak {
  const [bytes, every = 1] = text.trim().split('/').map(Number);
  if (!Number.isInteger(bytes) || bytes! < 0 || !Number.isInteger(every) || every < 1) throw new Error(`PERFGATE_BENCH_LEAKS: "${text}" is not "bytes" or "bytes/every" (whole numbers, every ≥ 1)`);
  return { bytes: bytes!, every, label: bytes === 0 ? '0' : every === 1 ? String(bytes) : `${bytes}/${every}` };
}

/**
 * Every soak to run, the levels interleaved in proportion: a drift of the machine over the hours
 * touches every level alike, and a bench stopped early still has soaks of each.
 */
function soakJobs(levels: { leak: Leak; count: number }[]): Leak[] {
  const jobs = levels.flatMap(({ leak, count }) => Array.from({ length: count }, (_, k) => ({ leak, at: (k + 0.5) / count })));
  return jobs.sort((a, b) => a.at - b.at).map((j) => j.leak);
}

async function soak(lines: string[], report: Record<string, unknown>): Promise<void> {
  const entry = `  - { kind: soak, rate: ${SOAK_RATE}, duration: ${SOAK_S}s }\n`;
  type Row = { leak: number; every: number; verdict: string; rss: string; fds: string; p99: string; rssPerHour: number | null; rssLow: number | null; rssHigh: number | null; rssDetectable: number | null };
  const rows: Row[] = [];
  const leaks = LEAKS.some((l) => l.bytes === 0) || LEAK_FREE_SOAKS === 0 ? LEAKS : [parseLeak('0'), ...LEAKS];
  const jobs = soakJobs(leaks.map((leak) => ({ leak, count: leak.bytes === 0 ? LEAK_FREE_SOAKS : SOAKS })));
  const done = new Map<string, number>();
  let failedToRun = 0;
  // Soaks at 100 req/s are light (a few percent of a core each), so PARALLEL of them run at once,
  // each a fresh process on its own port. Other soaks beside one are load on the machine, as other
  // jobs on a CI runner are: it can only add false leaks or hide leaks, so the rates are not flattered.
  const quiet = (line: string) => {
    if (!/^soak (head|base)(-\d+)?: \d+\/\d+ s$/.test(line) && !line.startsWith('soak test ')) log(line);
  };
  const soakOne = async (leak: Leak): Promise<Row> => {
    const env: Record<string, string> = leak.bytes > 0 ? { LEAK_BYTES: String(leak.bytes), LEAK_EVERY: String(leak.every) } : {};
    const { config, variant, test, scenario } = await setup('/api/items', env, entry);
    const runs = await soakKind.measure({ test, scenario, config, variants: [variant], deps: realMeasureDeps(PARALLEL > 1 ? quiet : log) });
    const a = soakKind.analyze({ test, scenario: 's', baseline: null, head: runs.head!, paired: false, alpha: 0.01, confidence: 0.95 });
    const t = a.head[0]!;
    return {
      leak: leak.bytes,
      every: leak.every,
      verdict: a.verdict,
      rss: t.rssPerHour.status,
      fds: t.fdsPerHour.status,
      p99: t.p99DriftPerHour.status,
      rssPerHour: t.rssPerHour.slope,
      rssLow: t.rssPerHour.low,
      rssHigh: t.rssPerHour.high,
      rssDetectable: t.rssPerHour.detectable,
    };
  };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const leak = jobs[next++]!;
      let row: Row | null = null;
      // A service that cannot start (its port taken in the moment between finding and binding it)
      // is no soak outcome: one more try on a new port, then it is counted as not run.
      for (let attempt = 1; attempt <= 2 && row === null; attempt++) {
        try {
          row = await soakOne(leak);
        } catch (err) {
          log(`soak, leak ${leak.label}: could not run (attempt ${attempt}): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
      }
      if (row === null) {
        failedToRun++;
        continue;
      }
      rows.push(row);
      // One line a soak as it ends: a stopped bench keeps every soak it finished.
      appendFileSync('bench/results/soak-runs.jsonl', `${JSON.stringify({ ...row, rate: SOAK_RATE, seconds: SOAK_S, parallel: PARALLEL, at: new Date().toISOString() })}\n`);
      done.set(leak.label, (done.get(leak.label) ?? 0) + 1);
      log(`soak, leak ${leak.label} B/request, ${done.get(leak.label)}/${leak.bytes === 0 ? LEAK_FREE_SOAKS : SOAKS} (${rows.length}/${jobs.length} in all): ${row.verdict} (RSS ${row.rss}, fds ${row.fds}, p99 ${row.p99})`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, PARALLEL) }, worker));
  const mb = (v: number | null) => (v === null ? '—' : `${(v / 1e6).toFixed(1)}`);
  lines.push(`**soak** (/api/items at ${SOAK_RATE} req/s for ${SOAK_S} s, default limits; each soak a fresh process, ${PARALLEL} at a time)`, '');
  if (failedToRun > 0) lines.push(`${failedToRun} soak(s) could not run (the service did not start twice) and are not counted.`, '');
  lines.push('| leak (bytes kept / every Nth request) | payload it retains | soaks failed (any trend) | RSS called a leak | RSS slope, MB/h (median) |', '|--:|--:|--|--|--:|');
  for (const leak of leaks) {
    const rs = rows.filter((r) => r.leak === leak.bytes && r.every === leak.every);
    const n = rs.length;
    const failed = rs.filter((r) => r.verdict === 'fail').length;
    const rssLeaks = rs.filter((r) => r.rss === 'leak').length;
    const slopes = rs.map((r) => r.rssPerHour).filter((v): v is number => v !== null).sort((x, y) => x - y);
    const perHour = (leak.bytes * (SOAK_RATE / leak.every) * 3600) / 1e6;
    const free = leak.bytes === 0;
    lines.push(`| ${leak.label} | ${perHour.toFixed(0)} MB/h | ${free ? upper(failed, n) : `${failed}/${n}`} | ${free ? upper(rssLeaks, n) : lower(rssLeaks, n)} | ${mb(slopes[Math.floor(slopes.length / 2)] ?? null)} |`);
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
