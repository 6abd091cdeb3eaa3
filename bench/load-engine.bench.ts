/**
 * Load engine benchmark (issue 4): how much of bare autocannon's throughput perfgate's runLoad keeps
 * with its per-response listener (goal >= 0.9), and how much perfgate's own RSS grows over a long
 * full-speed run (goal < 50 MB).
 *
 * Both engines drive the example service's /api/items (examples/service/server.mjs, a child
 * process) with the same settings, alternating (P B, B P, P B, B P) so drift on the machine hits
 * both. The headline ratio is the median of the per-pair ratios: on a shared 2-core machine one
 * neighbour's burst can halve a single trial, and a median of pairs shrugs that off.
 * Run from the repository root. Environment:
 *   PERFGATE_BENCH_TRIAL_S  seconds per throughput trial (default 5)
 *   PERFGATE_BENCH_PAIRS    alternating pairs (default 4)
 *   PERFGATE_BENCH_SOAK_S   seconds of the RSS soak (default 60)
 * Writes bench/results/load-engine.json and prints a markdown table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { alternatingPairs, engineTable, machine, mean, numberFromEnv, pairedThroughput, startExampleService, type Engine } from './engine-pairs.js';
import { parseStatusSpec, runLoad } from '../src/load/index.js';
import type { LoadProfile, LoadTarget } from '../src/load/index.js';

const CONNECTIONS = 16;
const TRIAL_S = numberFromEnv('PERFGATE_BENCH_TRIAL_S', 5);
const PAIRS = numberFromEnv('PERFGATE_BENCH_PAIRS', 4);
const SOAK_S = numberFromEnv('PERFGATE_BENCH_SOAK_S', 60);
const THROUGHPUT_GOAL = 0.9;
const RSS_GOAL_MB = 50;
const MB = 1024 * 1024;

interface Trial {
  engine: Engine;
  throughput: number;
  requests: number;
  /** CPU time of this process (the load generator) per response, microseconds. */
  cpuUsPerRequest: number;
}

export async function main(): Promise<void> {
  // Other processes on the machine are the main source of noise here: record how busy it was.
  const loadAtStart = os.loadavg()[0] ?? 0;
  const server = await startExampleService();
  const target: LoadTarget = { url: `${server.origin}/api/items`, method: 'GET', headers: {}, isExpectedStatus: parseStatusSpec('2xx') };
  const profile: LoadProfile = { kind: 'closed', connections: CONNECTIONS };
  let results;
  try {
    // Warm both engines and the server's JIT before anything is compared.
    await runLoad(target, profile, { durationMs: 1000 });
    await autocannon({ url: target.url, connections: CONNECTIONS, duration: 1 });

    const trials = await alternatingPairs(PAIRS, (engine) => (engine === 'perfgate' ? perfgateTrial(target, profile) : bareTrial(target.url)));
    const soak = await rssSoak(target, profile);
    results = summarize(trials, soak, loadAtStart);
  } finally {
    await server.stop();
  }

  await mkdir(path.resolve('bench/results'), { recursive: true });
  await writeFile(path.resolve('bench/results/load-engine.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderTable(results));
}

async function perfgateTrial(target: LoadTarget, profile: LoadProfile): Promise<Trial> {
  const cpu = process.cpuUsage();
  const o = await runLoad(target, profile, { durationMs: TRIAL_S * 1000 });
  const used = process.cpuUsage(cpu);
  return { engine: 'perfgate', throughput: o.throughput, requests: o.requests, cpuUsPerRequest: (used.user + used.system) / o.requests };
}

async function bareTrial(url: string): Promise<Trial> {
  const cpu = process.cpuUsage();
  const r = await autocannon({ url, connections: CONNECTIONS, duration: TRIAL_S });
  const used = process.cpuUsage(cpu);
  const requests = r.requests.total;
  return { engine: 'bare', throughput: requests / r.duration, requests, cpuUsPerRequest: (used.user + used.system) / requests };
}

interface Soak {
  seconds: number;
  requests: number;
  throughput: number;
  baselineMb: number;
  maxMb: number;
  endMb: number;
  growthMb: number;
}

/** RSS sampled every second over one long full-speed runLoad; growth is the peak over the start. */
async function rssSoak(target: LoadTarget, profile: LoadProfile): Promise<Soak> {
  const baseline = process.memoryUsage().rss;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 1000);
  let o;
  try {
    o = await runLoad(target, profile, { durationMs: SOAK_S * 1000 });
  } finally {
    clearInterval(sampler);
  }
  samples.push(process.memoryUsage().rss);
  const max = Math.max(...samples);
  return {
    seconds: SOAK_S,
    requests: o.requests,
    throughput: o.throughput,
    baselineMb: baseline / MB,
    maxMb: max / MB,
    endMb: samples[samples.length - 1]! / MB,
    growthMb: (max - baseline) / MB,
  };
}

function summarize(trials: Trial[], soak: Soak, loadAtStart: number) {
  const { perfgate, bare, pairRatios, ratio } = pairedThroughput(trials);
  return {
    benchmark: 'load-engine',
    createdAt: new Date().toISOString(),
    environment: machine(loadAtStart),
    settings: { connections: CONNECTIONS, trialSeconds: TRIAL_S, pairs: PAIRS, soakSeconds: SOAK_S },
    throughput: {
      perfgateReqPerS: mean(perfgate.map((t) => t.throughput)),
      bareReqPerS: mean(bare.map((t) => t.throughput)),
      ratio,
      ratioOfMeans: mean(perfgate.map((t) => t.throughput)) / mean(bare.map((t) => t.throughput)),
      pairRatios,
      goal: THROUGHPUT_GOAL,
      met: ratio >= THROUGHPUT_GOAL,
    },
    generatorCpuUsPerRequest: {
      perfgate: mean(perfgate.map((t) => t.cpuUsPerRequest)),
      bare: mean(bare.map((t) => t.cpuUsPerRequest)),
    },
    rss: { ...soak, goalMb: RSS_GOAL_MB, met: soak.growthMb < RSS_GOAL_MB },
    trials,
  };
}

function renderTable(r: ReturnType<typeof summarize>): string {
  const f = (x: number, digits = 0) => x.toFixed(digits);
  const rows = [
    ['throughput, perfgate runLoad (req/s, mean)', f(r.throughput.perfgateReqPerS), ''],
    ['throughput, bare autocannon (req/s, mean)', f(r.throughput.bareReqPerS), ''],
    ['throughput ratio perfgate / bare (median of pairs)', f(r.throughput.ratio, 3), `>= ${THROUGHPUT_GOAL} ${r.throughput.met ? 'met' : 'MISSED'}`],
    ['ratio per pair', r.throughput.pairRatios.map((x) => f(x, 3)).join(', '), ''],
    ['ratio of mean throughputs', f(r.throughput.ratioOfMeans, 3), ''],
    ['load generator CPU per request, perfgate (µs)', f(r.generatorCpuUsPerRequest.perfgate, 1), ''],
    ['load generator CPU per request, bare (µs)', f(r.generatorCpuUsPerRequest.bare, 1), ''],
    [`RSS growth over a ${r.rss.seconds} s full-speed runLoad (MB)`, f(r.rss.growthMb, 1), `< ${RSS_GOAL_MB} ${r.rss.met ? 'met' : 'MISSED'}`],
    ['RSS at start / peak / end (MB)', `${f(r.rss.baselineMb, 1)} / ${f(r.rss.maxMb, 1)} / ${f(r.rss.endMb, 1)}`, ''],
    ['requests in the soak', String(r.rss.requests), ''],
  ];
  return engineTable('Load engine', null, r.settings, r.environment, rows);
}
