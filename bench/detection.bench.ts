/**
 * Detection power and false-fail rate, with fresh service processes as the replicate (issue 15).
 *
 * Two services: the example service (`/api/items`) and the numeric-loop service
 * (bench/services/numeric-loop.mjs), whose hot path is a tight loop over a typed array and whose
 * speed differs more from one start to the next.
 *
 * 1. Calibrate: each service's CPU time per request, so "+5%" means +5% CPU per request. The example
 *    service gets EXTRA_CPU_US = 5% of it; the numeric-loop service gets the share of extra loop
 *    iterations that costs 5% of it (its loop's cost from a run at twice the iterations).
 * 2. Record a pool of process pairs: per service and level (0% — an identical copy — 2%, 5%, 10%),
 *    PERFGATE_BENCH_PAIRS pairs, each a fresh start of base and head (start order alternating), a
 *    warmup of each, two rounds in ABBA order at the default trial length, then both stopped — what
 *    a default run records for one start. Levels are interleaved pair by pair so drift of the
 *    machine reaches all of them alike.
 * 3. Simulate (seeded) by resampling whole pairs, never rounds of one pair: a base-ref run is a
 *    sequence of starts drawn without replacement from the level's pairs (reshuffled only when a
 *    run needs more starts than the pool holds), each contributing its rounds
 *    (one or two rounds a start: both are simulated, each within the 3-minute budget its own plan
 *    allows), stopping as the real loop does. Artifact mode: the baseline's processes are base
 *    processes of the 0% pairs, the head's are head processes of the level's pairs, each run scaled
 *    by a between-run factor (lognormal, 5% sd), with a history of ten earlier full-budget runs.
 * 4. Confirm: real end-to-end CLI runs (compare: variants, default settings), each with its own
 *    fresh processes, as many as PERFGATE_BENCH_REAL asks. They run first, on a quiet machine, and
 *    each is appended to bench/results/detection-real.jsonl as it ends, so a long benchmark stopped
 *    halfway keeps what it measured; the report counts every recorded run.
 *
 * Every rate is printed with its count and an exact (Clopper–Pearson) one-sided 95% bound.
 *
 * Environment: PERFGATE_BENCH_SERVICES (example,numeric-loop), PERFGATE_BENCH_PAIRS (20),
 * PERFGATE_BENCH_SIMS (1000), PERFGATE_BENCH_REUSE_POOL=1 (reuse bench/results/detection-pool.json),
 * PERFGATE_BENCH_REAL (e.g. "numeric-loop:0:10,numeric-loop:5:5,example:0:5": service:level:runs;
 * "none" to skip), PERFGATE_BENCH_REAL_RESET=1 (forget the recorded real runs), PERFGATE_BENCH_EXTRA (perfgate.yml lines for the simulated runs).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { analyze, decided, minRoundsIndependent, minRoundsPaired } from '../src/analyze/index.js';
import type { Analysis } from '../src/analyze/types.js';
import type { Config, Scenario } from '../src/config/config.js';
import { loadConfig } from '../src/config/load.js';
import { realMeasureDeps } from '../src/measure/deps.js';
import { loadTrial, measure, measureTogether, trialContext, type VariantTarget } from '../src/measure/measure.js';
import { makePlan } from '../src/plan/plan.js';
import { analyzeOptions } from '../src/pipeline.js';
import { buildResults, summarize } from '../src/results/build.js';
import { environmentFingerprint } from '../src/results/environment.js';
import type { Results, TrialResult } from '../src/results/schema.js';
import { findFreePort, type RunningService } from '../src/service/index.js';
import { clopperPearson, createRng, normalSample } from '../src/stats/index.js';
import { medianOf } from '../src/analyze/median.js';
import { unitSpread } from '../src/analyze/units.js';

const LEVELS = [0, 2, 5, 10] as const;
const PAIRS = num('PERFGATE_BENCH_PAIRS', 20);
const SIMS = num('PERFGATE_BENCH_SIMS', 1000);
const BETWEEN_RUN_SD = 0.05;
const HISTORY_RUNS = 10;
const POOL_FILE = 'bench/results/detection-pool.json';
const ROUNDS_PER_PAIR = 2;

interface ServiceUnderTest {
  name: string;
  script: string;
  path: string;
  /** Environment that makes the head `percent`% more CPU per request, from the calibration. */
  inject(calibration: Calibration, percent: number): Record<string, string>;
}
interface Calibration {
  cpuMsPerRequest: number;
  /** numeric-loop: CPU per request at twice the iterations, so the loop's own cost is known. */
  doubledCpuMsPerRequest?: number;
}

const SERVICES: ServiceUnderTest[] = [
  {
    name: 'example',
    script: 'examples/service/server.mjs',
    path: '/api/items',
    inject: (c, p): Record<string, string> => (p > 0 ? { EXTRA_CPU_US: ((c.cpuMsPerRequest * 1000 * p) / 100).toFixed(2) } : {}),
  },
  {
    name: 'numeric-loop',
    script: 'bench/services/numeric-loop.mjs',
    path: '/work',
    inject: (c, p): Record<string, string> => {
      if (p <= 0) return {};
      // Extra iterations costing p% of the whole request: the loop costs (doubled − normal).
      const loop = c.doubledCpuMsPerRequest! - c.cpuMsPerRequest;
      return { EXTRA_WORK_PERCENT: ((p * c.cpuMsPerRequest) / loop).toFixed(3) };
    },
  },
];

function num(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function configFor(svc: ServiceUnderTest, port: number, extra = ''): Config {
  return loadConfig({
    fileText: `suite: bench
start: node ${svc.script}
port: ${port}
ready-url: http://127.0.0.1:${port}/health
scenarios:
  - name: s
    path: ${svc.path}
${extra}`,
  });
}

function variant(svc: ServiceUnderTest, name: string, port: number, env: Record<string, string>): VariantTarget {
  return {
    name,
    commit: null,
    service: { name, command: `node ${svc.script}`, cwd: process.cwd(), env, port, ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 30_000 }, logFile: resolve('.perfgate/logs', `bench-${svc.name}-${name}.log`) },
    urlFor: (s: Scenario) => {
      const u = new URL(s.url);
      u.port = String(port);
      return u.toString();
    },
  };
}

/** A trial as the pool keeps it: no histogram (the analysis never reads it). */
type PoolTrial = Omit<TrialResult, 'histogram'>;
interface PoolPair {
  base: PoolTrial[];
  head: PoolTrial[];
  /** Wall time of this start: restarts, warmups, its rounds. */
  ms: number;
}
interface Pool {
  machine: { cpuModel: string; cores: number };
  pairs: number;
  services: Record<string, { calibration: Calibration; env: Record<string, Record<string, string>>; levels: Record<string, PoolPair[]> }>;
}

async function cpuPerRequest(svc: ServiceUnderTest, env: Record<string, string>): Promise<number> {
  const port = await findFreePort();
  const config = configFor(svc, port, 'duration: 3s\nwarmup: 2s\nmin-rounds: 3\nmax-rounds: 3\nrounds-per-process: 3\n');
  const m = await measure({ config, variants: [variant(svc, 'head', port, env)], minRoundsForSignificance: 1 }, realMeasureDeps(() => {}));
  return medianOf(m.scenarios[0]!.variants.head!.trials.map((t) => t.cpuMsPerRequest!))!;
}

async function calibrate(svc: ServiceUnderTest): Promise<Calibration> {
  const c: Calibration = { cpuMsPerRequest: await cpuPerRequest(svc, {}) };
  if (svc.name === 'numeric-loop') c.doubledCpuMsPerRequest = await cpuPerRequest(svc, { EXTRA_WORK_PERCENT: '100' });
  return c;
}

/** One start of a base/head pair: both started and warmed up, two rounds (ABBA), both stopped. */
async function recordPair(svc: ServiceUnderTest, headEnv: Record<string, string>, flip: boolean): Promise<PoolPair> {
  const started = Date.now();
  const config = configFor(svc, 1);
  const deps = realMeasureDeps(() => {});
  const ctx = trialContext(config, deps);
  const scenario = config.scenarios[0]!;
  const targets = { base: variant(svc, 'base', await findFreePort(), {}), head: variant(svc, 'head', await findFreePort(), headEnv) };
  const order = flip ? (['head', 'base'] as const) : (['base', 'head'] as const);
  const running = new Map<string, RunningService>();
  const pair: PoolPair = { base: [], head: [], ms: 0 };
  try {
    for (const name of order) running.set(name, await deps.startService(targets[name].service!));
    for (const name of order) await loadTrial(ctx, targets[name], scenario, config.load.warmupMs);
    for (let round = 0; round < ROUNDS_PER_PAIR; round++) {
      const names = round % 2 === (flip ? 1 : 0) ? (['base', 'head'] as const) : (['head', 'base'] as const);
      for (const name of names) {
        const [t] = await measureTogether(ctx, [{ variant: targets[name], scenario, service: running.get(name) }]);
        const { histogram: _h, ...kept } = t!;
        pair[name].push({ ...kept, round, order: round * 2 + (name === names[0] ? 0 : 1), process: 0 });
      }
    }
  } finally {
    await Promise.allSettled([...running.values()].map((s) => s.stop()));
  }
  pair.ms = Date.now() - started;
  return pair;
}

async function recordPool(): Promise<Pool> {
  const env = environmentFingerprint();
  const pool: Pool = { machine: { cpuModel: env.cpuModel, cores: env.cores }, pairs: PAIRS, services: {} };
  for (const svc of selectedServices()) {
    const calibration = await calibrate(svc);
    const envs = Object.fromEntries(LEVELS.map((l) => [String(l), svc.inject(calibration, l)]));
    log(`${svc.name}: ${(calibration.cpuMsPerRequest * 1000).toFixed(1)} µs of CPU per request; head environments ${JSON.stringify(envs)}`);
    pool.services[svc.name] = { calibration, env: envs, levels: Object.fromEntries(LEVELS.map((l) => [String(l), [] as PoolPair[]])) };
  }
  const started = Date.now();
  for (let k = 0; k < PAIRS; k++) {
    for (const svc of selectedServices()) {
      const entry = pool.services[svc.name]!;
      const levels = k % 2 === 0 ? LEVELS : [...LEVELS].reverse();
      for (const level of levels) entry.levels[String(level)]!.push(await recordPair(svc, entry.env[String(level)]!, k % 2 === 1));
    }
    log(`pool: ${k + 1}/${PAIRS} pairs of every service and level after ${Math.round((Date.now() - started) / 1000)} s`);
  }
  return pool;
}

function selectedServices(): ServiceUnderTest[] {
  const wanted = process.env.PERFGATE_BENCH_SERVICES?.split(',').map((s) => s.trim());
  return SERVICES.filter((s) => !wanted || wanted.includes(s.name));
}

/** Scales the time-like values of a trial by f (a slower run: latency and CPU ×f, throughput ÷f). */
function scaleTrial(t: TrialResult, f: number): TrialResult {
  const l = t.latencyMs;
  return {
    ...t,
    throughput: t.throughput / f,
    latencyMs: { p50: l.p50 * f, p90: l.p90 * f, p95: l.p95 * f, p99: l.p99 * f, max: l.max * f, mean: l.mean * f },
    cpuMsPerRequest: t.cpuMsPerRequest === null ? null : t.cpuMsPerRequest * f,
  };
}

function resultsOf(variants: Record<string, TrialResult[]>, rounds: number): Results {
  return buildResults(
    {
      suite: 'bench',
      createdAt: '2026-01-01T00:00:00Z',
      git: { sha: null, ref: null, repository: null, runId: null, event: null },
      environment: environmentFingerprint(),
      configHash: 'bench',
      variants: Object.keys(variants).map((name) => ({ name, commit: null })),
    },
    { rounds, disturbedRounds: 0, scenarios: [{ name: 's', method: 'GET', path: '/', variants: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, { trials: v }])) }] },
  );
}

interface SimOutcome {
  fail: number;
  pass: number;
  inconclusive: number;
  meanRounds: number;
  meanSeconds: number;
  failedBy: Record<string, number>;
}

type Mode = 'base-ref' | 'artifact';

/** A start's trials renumbered as process `index` and rounds from `firstRound`, r rounds of it. */
function asProcess(trials: readonly PoolTrial[], index: number, firstRound: number, r: number, f = 1): TrialResult[] {
  return trials.slice(0, r).map((t, j) => scaleTrial({ ...t, histogram: '', round: firstRound + j, order: 2 * (firstRound + j), process: index }, f));
}

function simulate(pairs: Record<string, PoolPair[]>, level: string, mode: Mode, r: number, seed: number, config: Config, pairMs: number): SimOutcome {
  const rng = createRng(seed);
  const options = analyzeOptions(config);
  const gatedCount = config.analysis.gated.length * config.scenarios.length;
  const variants = mode === 'base-ref' ? ['base', 'head'] : ['head'];
  const plan = makePlan({
    scenarios: ['s'],
    variants,
    trialMs: config.load.trialMs,
    warmupMs: config.load.warmupMs,
    minRounds: config.rounds.min,
    maxRounds: config.rounds.max,
    maxDurationMs: config.rounds.maxDurationMs,
    minRoundsForSignificance: mode === 'base-ref' ? minRoundsPaired(config.analysis.alpha, gatedCount) : minRoundsIndependent(config.analysis.alpha, gatedCount),
    roundsPerProcess: r,
  });
  // Time a start really took in the pool (two rounds), scaled to r rounds and the variants a run has.
  const roundMs = (pairMs - 2 * config.load.warmupMs) / ROUNDS_PER_PAIR;
  const startMs = (2 * config.load.warmupMs + r * roundMs) * (variants.length / 2);
  const own = pairs[level]!;
  const aa = pairs['0']!;
  // Pairs are drawn without replacement within a run (a fresh shuffle each run, reshuffled only if
  // a run needs more starts than the pool has), so the units of one simulated run are distinct
  // processes: drawing one pair twice would be the pseudo-replication this benchmark is about.
  const shuffled = (from: readonly PoolPair[]) => {
    const a = [...from];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  const drawer = (from: readonly PoolPair[]) => {
    let order = shuffled(from);
    let next = 0;
    return () => {
      if (next === order.length) {
        order = shuffled(from);
        next = 0;
      }
      return order[next++]!;
    };
  };
  const factor = () => Math.exp(BETWEEN_RUN_SD * normalSample(rng));
  const out: SimOutcome = { fail: 0, pass: 0, inconclusive: 0, meanRounds: 0, meanSeconds: 0, failedBy: {} };
  const starts = plan.maxRounds / r;

  for (let sim = 0; sim < SIMS; sim++) {
    let analysis: Analysis | null = null;
    let rounds = 0;
    if (mode === 'base-ref') {
      const draw = drawer(own);
      const b: TrialResult[] = [];
      const h: TrialResult[] = [];
      for (let k = 0; k < starts; k++) {
        const p = draw();
        b.push(...asProcess(p.base, k, k * r, r));
        h.push(...asProcess(p.head, k, k * r, r));
        rounds = (k + 1) * r;
        if (rounds >= plan.minRounds) {
          analysis = analyze({ baseline: null, head: resultsOf({ base: b, head: h }, rounds), options });
          if (decided(analysis)) break;
        }
      }
    } else {
      // The baseline: an earlier trusted run of the base code (base processes of identical pairs),
      // full budget, with its own speed; a history of earlier runs likewise.
      const fullRun = (f: number) => {
        const draw = drawer(aa);
        return Array.from({ length: starts }, (_, k) => asProcess(draw().base, k, k * r, r, f)).flat();
      };
      const baseline = resultsOf({ head: fullRun(factor()) }, plan.maxRounds);
      baseline.history = Array.from({ length: HISTORY_RUNS }, () => summarize(resultsOf({ head: fullRun(factor()) }, plan.maxRounds)));
      const fh = factor();
      const draw = drawer(own);
      const h: TrialResult[] = [];
      for (let k = 0; k < starts; k++) {
        h.push(...asProcess(draw().head, k, k * r, r, fh));
        rounds = (k + 1) * r;
        if (rounds >= plan.minRounds) {
          analysis = analyze({ baseline, head: resultsOf({ head: h }, rounds), options });
          if (decided(analysis)) break;
        }
      }
    }
    const verdict = analysis!.verdict;
    if (verdict === 'fail') {
      out.fail++;
      for (const m of analysis!.scenarios.flatMap((sc) => sc.metrics)) {
        if (m.status === 'regressed' && m.gated) out.failedBy[m.metric] = (out.failedBy[m.metric] ?? 0) + 1;
      }
    } else if (verdict === 'pass') out.pass++;
    else out.inconclusive++;
    out.meanRounds += rounds / SIMS;
    out.meanSeconds += ((rounds / r) * startMs) / 1000 / SIMS;
  }
  return out;
}

function quoteRate(x: number, n: number, kind: 'upper' | 'lower'): string {
  const b = clopperPearson(x, n);
  return kind === 'upper' ? `${x}/${n} (≤ ${pct(b.high)})` : `${x}/${n} (≥ ${pct(b.low)})`;
}

const REAL_FILE = 'bench/results/detection-real.jsonl';

interface RealRun {
  verdict: string;
  seconds: number;
  cpuChange: number | null;
  processes: number | null;
  /** The gated metrics that ended inconclusive, with their intervals: what kept the verdict open. */
  undecided?: { metric: string; ciLow: number | null; ciHigh: number | null; threshold: number }[];
}

function headCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Every real run recorded so far, grouped by service and level, in the order they ran. */
function recordedRealRuns(): { service: string; level: number; runs: RealRun[] }[] {
  if (!existsSync(REAL_FILE)) return [];
  const groups = new Map<string, { service: string; level: number; runs: RealRun[] }>();
  for (const line of readFileSync(REAL_FILE, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as RealRun & { service: string; level: number };
    const key = `${r.service}:${r.level}`;
    if (!groups.has(key)) groups.set(key, { service: r.service, level: r.level, runs: [] });
    groups.get(key)!.runs.push({ verdict: r.verdict, seconds: r.seconds, cpuChange: r.cpuChange, processes: r.processes });
  }
  return [...groups.values()];
}

async function realRuns(svc: ServiceUnderTest, calibration: Calibration, level: number, runs: number): Promise<void> {
  const env = svc.inject(calibration, level);
  mkdirSync('bench/results', { recursive: true });
  for (let i = 0; i < runs; i++) {
    const port = await findFreePort();
    const file = resolve('.perfgate', `bench-real-${svc.name}-${level}.yml`);
    mkdirSync('.perfgate', { recursive: true });
    writeFileSync(
      file,
      `suite: bench
compare: variants
start: node ${svc.script}
port: ${port}
ready-url: http://127.0.0.1:${port}/health
variants:
  head:
    env: ${JSON.stringify(env)}
scenarios:
  - name: s
    path: ${svc.path}
`,
    );
    // A run that dies before writing its analysis must not be counted with the previous run's.
    rmSync('.perfgate/bench-real.json', { force: true });
    const started = Date.now();
    const r = spawnSync(process.execPath, ['dist/cli.js', 'run', '--config', file, '--json', '.perfgate/bench-real.json', '--output', '.perfgate/bench-real-results.json'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const seconds = (Date.now() - started) / 1000;
    let run: RealRun = { verdict: `error (exit ${r.status})`, seconds, cpuChange: null, processes: null };
    try {
      if (r.status !== 0 && r.status !== 1) throw new Error(`exit ${r.status}`);
      const a = JSON.parse(readFileSync('.perfgate/bench-real.json', 'utf8')) as Analysis;
      const cpu = a.scenarios[0]!.metrics.find((m) => m.metric === 'cpuPerRequest')!;
      const undecided = a.scenarios[0]!.metrics
        .filter((m) => m.gated && m.status === 'inconclusive')
        .map((m) => ({ metric: m.metric, ciLow: m.ciLow, ciHigh: m.ciHigh, threshold: m.threshold }));
      run = { verdict: a.verdict, seconds, cpuChange: cpu.change, processes: cpu.units?.head ?? null, undecided };
    } catch {
      log(r.stderr.slice(-2000));
    }
    // Each run is kept as it ends: a run takes minutes, and a benchmark stopped halfway keeps what
    // it measured. The report counts every run in the file (PERFGATE_BENCH_REAL_RESET=1 empties it).
    appendFileSync(REAL_FILE, JSON.stringify({ service: svc.name, level, ...run, at: new Date().toISOString(), commit: headCommit() }) + '\n');
    log(`real run, ${svc.name} +${level}%: ${run.verdict} in ${seconds.toFixed(0)} s (CPU ${run.cpuChange === null ? '?' : pct(run.cpuChange)}, ${run.processes} pairs)`);
  }
}

export async function main(): Promise<void> {
  mkdirSync('bench/results', { recursive: true });
  let pool: Pool;
  if (process.env.PERFGATE_BENCH_REUSE_POOL === '1' && existsSync(POOL_FILE)) {
    pool = JSON.parse(readFileSync(POOL_FILE, 'utf8')) as Pool;
    log(`reusing the recorded pool in ${POOL_FILE} (${pool.pairs} pairs a level)`);
  } else {
    pool = await recordPool();
    writeFileSync(POOL_FILE, JSON.stringify(pool));
  }

  // Real runs first, on a quiet machine, each appended to REAL_FILE as it ends; the simulations after.
  if (process.env.PERFGATE_BENCH_REAL_RESET === '1') writeFileSync(REAL_FILE, '');
  const realSpec = process.env.PERFGATE_BENCH_REAL ?? 'numeric-loop:0:10,numeric-loop:5:5,example:0:5,example:5:5';
  if (realSpec !== 'none') {
    for (const part of realSpec.split(',')) {
      const [service, level, runs] = part.split(':');
      const svc = SERVICES.find((s) => s.name === service);
      const entry = pool.services[service!];
      if (!svc || !entry) throw new Error(`PERFGATE_BENCH_REAL: no recorded service "${service}"`);
      await realRuns(svc, entry.calibration, Number(level), Number(runs));
    }
  }

  const lines: string[] = [
    `Detection with fresh processes as the replicate, on ${pool.machine.cpuModel} (${pool.machine.cores} cores), default settings, ${SIMS} simulated runs per cell resampling whole pairs from ${pool.pairs} recorded pairs of processes per service and level.`,
    '',
  ];
  const report: Record<string, unknown> = { machine: { ...pool.machine, node: process.version, load: os.loadavg() }, pairs: pool.pairs, sims: SIMS, services: {} };
  const extra = process.env.PERFGATE_BENCH_EXTRA ?? '';
  for (const [name, entry] of Object.entries(pool.services)) {
    const svc = SERVICES.find((s) => s.name === name)!;
    const config = configFor(svc, 3000, extra);
    const pairMs = medianOf(Object.values(entry.levels).flat().map((p) => p.ms))!;
    // What each level's pool really holds: the mean over pairs of their mean log CPU ratio, and for
    // the identical pairs the spread between pairs and between the rounds of one pair.
    const pairLogRatios = (level: string) => entry.levels[level]!.map((p) => p.head.map((h, j) => Math.log(h.cpuMsPerRequest! / p.base[j]!.cpuMsPerRequest!)));
    const measured = Object.fromEntries(LEVELS.map((l) => {
      const units = pairLogRatios(String(l)).map((g) => g.reduce((a, b) => a + b, 0) / g.length);
      return [l, Math.expm1(units.reduce((a, b) => a + b, 0) / units.length)];
    }));
    const spread = unitSpread(pairLogRatios('0'));
    lines.push(
      `**${name}** (${(entry.calibration.cpuMsPerRequest * 1000).toFixed(0)} µs CPU/request; a start of a pair with its two rounds took ${(pairMs / 1000).toFixed(1)} s). ` +
        `Identical pairs: CPU ratio spread between pairs ${pct(spread.between ?? NaN)}, between the two rounds of one pair ${pct(spread.within ?? NaN)} (sd). ` +
        `Mean CPU change held by each level's pool: ${LEVELS.map((l) => `+${l}% → ${measured[l]! >= 0 ? '+' : ''}${pct(measured[l]!)}`).join(', ')}.`,
      '',
      '| mode | rounds a start | injected CPU | fail | pass | inconclusive | rounds (mean) | time (mean) |',
      '|---|--:|--:|--:|--:|--:|--:|--:|',
    );
    const rows: unknown[] = [];
    for (const mode of ['base-ref', 'artifact'] as Mode[]) {
      for (const r of [2, 1]) {
        if (mode === 'artifact' && r !== config.load.roundsPerProcess) continue;
        for (const level of LEVELS) {
          const o = simulate(entry.levels, String(level), mode, r, 1000 + level, config, pairMs);
          const failCell = level === 0 ? quoteRate(o.fail, SIMS, 'upper') : quoteRate(o.fail, SIMS, 'lower');
          lines.push(`| ${mode} | ${r} | +${level}% | ${failCell} | ${pct(o.pass / SIMS)} | ${pct(o.inconclusive / SIMS)} | ${o.meanRounds.toFixed(1)} | ${o.meanSeconds.toFixed(0)} s |`);
          rows.push({ mode, roundsPerProcess: r, level, ...o });
          log(`${name} ${mode} r=${r} +${level}%: fail ${o.fail}/${SIMS}, pass ${o.pass}, inconclusive ${o.inconclusive}; regressed: ${JSON.stringify(o.failedBy)}`);
        }
      }
    }
    lines.push('');
    (report.services as Record<string, unknown>)[name] = { calibration: entry.calibration, pairMs, measuredCpuChange: measured, identicalPairSpread: spread, rows };
  }

  const real = recordedRealRuns();
  if (real.length > 0) {
    lines.push(
      `Real end-to-end runs (compare: variants, default settings, each with fresh processes; every run recorded in ${REAL_FILE}):`,
      '',
      '| service, injected CPU | fail | verdicts | CPU change (median) | seconds each (median, max) |',
      '|---|--:|---|--:|--:|',
    );
    for (const r of real) {
      const fails = r.runs.filter((x) => x.verdict === 'fail').length;
      const failCell = r.level === 0 ? quoteRate(fails, r.runs.length, 'upper') : quoteRate(fails, r.runs.length, 'lower');
      const counts = Object.entries(r.runs.reduce<Record<string, number>>((acc, x) => ((acc[x.verdict] = (acc[x.verdict] ?? 0) + 1), acc), {})).map(([v, n]) => `${v} ${n}`).join(', ');
      const cpu = medianOf(r.runs.map((x) => x.cpuChange).filter((x): x is number => x !== null));
      const secs = r.runs.map((x) => x.seconds);
      lines.push(`| ${r.service} +${r.level}% | ${failCell} | ${counts} | ${cpu === null ? '—' : pct(cpu)} | ${medianOf(secs)!.toFixed(0)} s, ${Math.max(...secs).toFixed(0)} s |`);
    }
  }
  report.real = real;
  writeFileSync('bench/results/detection.json', JSON.stringify(report, null, 2) + '\n');
  const md = lines.join('\n') + '\n';
  writeFileSync('bench/results/detection.md', md);
  process.stdout.write(md);
}
