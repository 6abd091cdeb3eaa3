/**
 * Detection power and false-fail rate (issue 8), measured on this machine with the example service.
 *
 * 1. Calibrate: the CPU time per request of the scenario, so a "5% regression" means +5% CPU per
 *    request (EXTRA_CPU_US = 5% of it), not 5% of some inner loop.
 * 2. Record a pool: one long run with five variants interleaved round by round: base, a copy of
 *    base (for A/A), and heads with +2%, +5%, +10% CPU per request. Default trial length, warmup
 *    and connections, so every recorded round is what a default run would record.
 * 3. Simulate (seeded): a default run is a sequence of rounds drawn with replacement from the
 *    pool, stopping as the real loop does (decided() after min rounds, the round limit from the
 *    3-minute budget). base-ref mode pairs base and head of the same round; artifact mode takes
 *    baseline and head from different draws and scales each run by a between-run factor
 *    (lognormal, 5% sd), with a history of earlier runs so the noise-widened threshold is used.
 * 4. Confirm: real end-to-end CLI runs (compare: variants) at 0% and 5%.
 *
 * Environment: PERFGATE_BENCH_POOL_ROUNDS (40), PERFGATE_BENCH_SIMS (1000),
 * PERFGATE_BENCH_REAL_RUNS (5), PERFGATE_BENCH_REUSE_POOL=1 (reuse bench/results/detection-pool.json),
 * PERFGATE_BENCH_SKIP_REAL=1, PERFGATE_BENCH_EXTRA (perfgate.yml lines for the simulated runs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { analyze, decided, minRoundsPaired, minRoundsIndependent } from '../src/analyze/index.js';
import type { Analysis } from '../src/analyze/types.js';
import type { Config, Scenario } from '../src/config/config.js';
import { loadConfig } from '../src/config/load.js';
import { realMeasureDeps } from '../src/measure/deps.js';
import { measure, type VariantTarget } from '../src/measure/measure.js';
import { makePlan } from '../src/plan/plan.js';
import { analyzeOptions } from '../src/pipeline.js';
import { buildResults, summarize } from '../src/results/build.js';
import { environmentFingerprint } from '../src/results/environment.js';
import type { Results, TrialResult } from '../src/results/schema.js';
import { findFreePort } from '../src/service/index.js';
import { createRng, normalSample } from '../src/stats/index.js';

const LEVELS = [0, 2, 5, 10] as const;
const POOL_ROUNDS = num('PERFGATE_BENCH_POOL_ROUNDS', 40);
const SIMS = num('PERFGATE_BENCH_SIMS', 1000);
const REAL_RUNS = num('PERFGATE_BENCH_REAL_RUNS', 5);
const BETWEEN_RUN_SD = 0.05;
const HISTORY_RUNS = 10;
const POOL_FILE = 'bench/results/detection-pool.json';
const SCENARIO_PATH = '/api/items';

function num(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const log = (line: string) => process.stderr.write(`${line}\n`);

function configFor(port: number, extra = ''): Config {
  return loadConfig({
    fileText: `suite: bench
start: node examples/service/server.mjs
port: ${port}
ready-url: http://127.0.0.1:${port}/health
scenarios:
  - name: items
    path: ${SCENARIO_PATH}
${extra}`,
  });
}

function variant(config: Config, name: string, port: number, env: Record<string, string>): VariantTarget {
  const svc = config.service!;
  return {
    name,
    commit: null,
    service: {
      name,
      command: svc.start,
      cwd: process.cwd(),
      env,
      port,
      ready: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 30_000 },
      logFile: resolve('.perfgate/logs', `bench-${name}.log`),
    },
    urlFor: (s: Scenario) => {
      const u = new URL(s.url);
      u.port = String(port);
      return u.toString();
    },
  };
}

interface Pool {
  machine: { cpuModel: string; cores: number };
  cpuMsPerRequest: number;
  extraCpuUs: Record<string, number>;
  rounds: number;
  /** Trials by variant name: base, aa, l2, l5, l10; index = round. */
  trials: Record<string, TrialResult[]>;
}

async function calibrate(): Promise<number> {
  const port = await findFreePort();
  const config = configFor(port, 'duration: 5s\nwarmup: 3s\nmin-rounds: 3\nmax-rounds: 3\n');
  const m = await measure({ config, variants: [variant(config, 'head', port, {})], minRoundsForSignificance: 3 }, realMeasureDeps(() => {}));
  const values = m.scenarios[0]!.variants.head!.trials.map((t) => t.cpuMsPerRequest!).sort((a, b) => a - b);
  return values[1]!;
}

async function recordPool(): Promise<Pool> {
  const cpuMs = await calibrate();
  log(`calibration: ${(cpuMs * 1000).toFixed(1)} µs of CPU per request on ${SCENARIO_PATH}`);
  const extra: Record<string, number> = {};
  const variants: VariantTarget[] = [];
  const config = configFor(1, `max-rounds: ${POOL_ROUNDS}\nmin-rounds: ${POOL_ROUNDS}\nmax-duration: 3h\n${process.env.PERFGATE_BENCH_EXTRA ?? ''}\n`);
  const names = ['base', 'aa', 'l2', 'l5', 'l10'];
  for (const name of names) {
    const level = name === 'base' || name === 'aa' ? 0 : Number(name.slice(1));
    extra[name] = (cpuMs * 1000 * level) / 100;
    variants.push(variant(config, name, await findFreePort(), extra[name]! > 0 ? { EXTRA_CPU_US: extra[name]!.toFixed(2) } : {}));
  }
  log(`recording ${POOL_ROUNDS} rounds of ${names.length} interleaved variants of ${config.load.trialMs / 1000} s (about ${Math.round((POOL_ROUNDS * names.length * (config.load.trialMs + 300)) / 60_000)} min)`);
  let last = Date.now();
  const m = await measure({ config, variants, minRoundsForSignificance: POOL_ROUNDS }, realMeasureDeps((line) => {
    if (line.startsWith('round') && Date.now() - last < 60_000 && !line.includes('again')) return;
    last = Date.now();
    log(line);
  }));
  const s = m.scenarios[0]!;
  const env = environmentFingerprint();
  const lastPerRound = (trials: TrialResult[]) => {
    const byRound = new Map<number, TrialResult>();
    for (const t of trials) byRound.set(t.round, t);
    return [...byRound.keys()].sort((a, b) => a - b).map((r) => byRound.get(r)!);
  };
  return {
    machine: { cpuModel: env.cpuModel, cores: env.cores },
    cpuMsPerRequest: cpuMs,
    extraCpuUs: extra,
    rounds: m.rounds,
    trials: Object.fromEntries(names.map((n) => [n, lastPerRound(s.variants[n]!.trials)])),
  };
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

function resultsOf(config: Config, variants: Record<string, TrialResult[]>, rounds: number): Results {
  const scenario = config.scenarios[0]!;
  return buildResults(
    {
      suite: 'bench',
      createdAt: '2026-01-01T00:00:00Z',
      git: { sha: null, ref: null, repository: null, runId: null, event: null },
      environment: environmentFingerprint(),
      configHash: 'bench',
      variants: Object.keys(variants).map((name) => ({ name, commit: null })),
    },
    {
      rounds,
      disturbedRounds: 0,
      scenarios: [{ name: scenario.name, method: 'GET', path: SCENARIO_PATH, variants: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, { trials: v }])) }],
    },
  );
}

interface SimOutcome {
  fail: number;
  pass: number;
  inconclusive: number;
  meanRounds: number;
}

function simulate(pool: Pool, level: string, mode: 'base-ref' | 'artifact', seed: number, config: Config): SimOutcome {
  const rng = createRng(seed);
  const options = analyzeOptions(config);
  const gatedCount = config.analysis.gated.length * config.scenarios.length;
  const plan = makePlan({
    scenarios: ['items'],
    variants: mode === 'base-ref' ? ['base', 'head'] : ['head'],
    trialMs: config.load.trialMs,
    warmupMs: config.load.warmupMs,
    minRounds: null,
    maxRounds: config.rounds.max,
    maxDurationMs: config.rounds.maxDurationMs,
    minRoundsForSignificance: mode === 'base-ref' ? minRoundsPaired(config.analysis.alpha, gatedCount) : minRoundsIndependent(config.analysis.alpha, gatedCount),
  });
  const base = pool.trials.base!;
  const head = level === '0' ? pool.trials.aa! : pool.trials[`l${level}`]!;
  const n = Math.min(base.length, head.length);
  const draw = () => Math.floor(rng() * n);
  const factor = () => Math.exp(BETWEEN_RUN_SD * normalSample(rng));
  const out: SimOutcome = { fail: 0, pass: 0, inconclusive: 0, meanRounds: 0 };

  for (let sim = 0; sim < SIMS; sim++) {
    let analysis: Analysis | null = null;
    let rounds = 0;
    if (mode === 'base-ref') {
      const b: TrialResult[] = [];
      const h: TrialResult[] = [];
      for (let r = 0; r < plan.maxRounds; r++) {
        const i = draw();
        b.push({ ...base[i]!, round: r });
        h.push({ ...head[i]!, round: r });
        rounds = r + 1;
        if (rounds >= plan.minRounds) {
          analysis = analyze({ baseline: null, head: resultsOf(config, { base: b, head: h }, rounds), options });
          if (decided(analysis)) break;
        }
      }
    } else {
      // The baseline: an earlier trusted run of base (own draws, own speed), with a history of
      // earlier runs whose medians carry their own between-run factors.
      const fb = factor();
      const baseTrials = Array.from({ length: plan.maxRounds }, (_, r) => ({ ...scaleTrial(base[draw()]!, fb), round: r }));
      const baseline = resultsOf(config, { head: baseTrials }, baseTrials.length);
      baseline.history = Array.from({ length: HISTORY_RUNS }, () => {
        const f = factor();
        return summarize(resultsOf(config, { head: Array.from({ length: 8 }, (_, r) => ({ ...scaleTrial(base[draw()]!, f), round: r })) }, 8));
      });
      const fh = factor();
      const h: TrialResult[] = [];
      for (let r = 0; r < plan.maxRounds; r++) {
        h.push({ ...scaleTrial(head[draw()]!, fh), round: r });
        rounds = r + 1;
        if (rounds >= plan.minRounds) {
          analysis = analyze({ baseline, head: resultsOf(config, { head: h }, rounds), options });
          if (decided(analysis)) break;
        }
      }
    }
    const verdict = analysis!.verdict;
    if (verdict === 'fail') out.fail++;
    else if (verdict === 'pass') out.pass++;
    else out.inconclusive++;
    out.meanRounds += rounds / SIMS;
  }
  return out;
}

function realRuns(pool: Pool, level: number, runs: number): { verdicts: string[]; seconds: number[] } {
  const verdicts: string[] = [];
  const seconds: number[] = [];
  const extraUs = (pool.cpuMsPerRequest * 1000 * level) / 100;
  for (let i = 0; i < runs; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const file = resolve('.perfgate', `bench-real-${level}.yml`);
    mkdirSync('.perfgate', { recursive: true });
    writeFileSync(
      file,
      `suite: bench
compare: variants
start: node examples/service/server.mjs
port: ${port}
ready-url: http://127.0.0.1:${port}/health
variants:
  head:
    env: { EXTRA_CPU_US: "${extraUs.toFixed(2)}" }
scenarios:
  - name: items
    path: ${SCENARIO_PATH}
`,
    );
    const started = Date.now();
    const r = spawnSync(process.execPath, ['dist/cli.js', 'run', '--config', file, '--json', '.perfgate/bench-real.json', '--output', '.perfgate/bench-real-results.json'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    seconds.push((Date.now() - started) / 1000);
    let verdict = `error (exit ${r.status})`;
    try {
      verdict = (JSON.parse(readFileSync('.perfgate/bench-real.json', 'utf8')) as Analysis).verdict;
    } catch {
      log(r.stderr.slice(-2000));
    }
    verdicts.push(verdict);
    log(`real run at +${level}% CPU: ${verdict} in ${seconds.at(-1)!.toFixed(0)} s`);
  }
  return { verdicts, seconds };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function main(): Promise<void> {
  mkdirSync('bench/results', { recursive: true });
  let pool: Pool;
  if (process.env.PERFGATE_BENCH_REUSE_POOL === '1' && existsSync(POOL_FILE)) {
    pool = JSON.parse(readFileSync(POOL_FILE, 'utf8')) as Pool;
    log(`reusing the recorded pool in ${POOL_FILE} (${pool.rounds} rounds)`);
  } else {
    pool = await recordPool();
    writeFileSync(POOL_FILE, JSON.stringify(pool));
  }

  // What each level really changed, measured: median of per-round CPU ratios head/base.
  const measured: Record<string, number> = {};
  for (const level of LEVELS) {
    const head = level === 0 ? pool.trials.aa! : pool.trials[`l${level}`]!;
    const ratios = head.map((t, i) => t.cpuMsPerRequest! / pool.trials.base![i]!.cpuMsPerRequest!).sort((a, b) => a - b);
    measured[level] = ratios[Math.floor(ratios.length / 2)]! - 1;
  }

  // PERFGATE_BENCH_EXTRA: extra perfgate.yml lines (e.g. "thresholds: { cpu: 1% }") to try other
  // settings against the same recorded pool.
  const config = configFor(3000, process.env.PERFGATE_BENCH_EXTRA ?? '');
  const rows: { mode: string; level: number; measuredCpuChange: number; fail: number; pass: number; inconclusive: number; meanRounds: number }[] = [];
  for (const mode of ['base-ref', 'artifact'] as const) {
    for (const level of LEVELS) {
      const o = simulate(pool, String(level), mode, 1000 + level, config);
      rows.push({ mode, level, measuredCpuChange: measured[level]!, fail: o.fail / SIMS, pass: o.pass / SIMS, inconclusive: o.inconclusive / SIMS, meanRounds: o.meanRounds });
      log(`${mode} +${level}%: fail ${pct(o.fail / SIMS)}, pass ${pct(o.pass / SIMS)}, inconclusive ${pct(o.inconclusive / SIMS)}, ${o.meanRounds.toFixed(1)} rounds`);
    }
  }

  const real = process.env.PERFGATE_BENCH_SKIP_REAL === '1' ? null : { zero: realRuns(pool, 0, REAL_RUNS), five: realRuns(pool, 5, REAL_RUNS) };

  const goals = [
    { what: 'base-ref false fail at 0%', value: rows.find((r) => r.mode === 'base-ref' && r.level === 0)!.fail, goal: '≤ 1%', met: (v: number) => v <= 0.01 },
    { what: 'artifact false fail at 0%', value: rows.find((r) => r.mode === 'artifact' && r.level === 0)!.fail, goal: '≤ 1%', met: (v: number) => v <= 0.01 },
    { what: 'base-ref detection at 5%', value: rows.find((r) => r.mode === 'base-ref' && r.level === 5)!.fail, goal: '≥ 95%', met: (v: number) => v >= 0.95 },
    { what: 'base-ref detection at 2%', value: rows.find((r) => r.mode === 'base-ref' && r.level === 2)!.fail, goal: '≥ 80%', met: (v: number) => v >= 0.8 },
  ];
  const report = {
    machine: { ...pool.machine, node: process.version, load: os.loadavg() },
    settings: { trialMs: config.load.trialMs, warmupMs: config.load.warmupMs, connections: config.load.connections, maxDurationMs: config.rounds.maxDurationMs, alpha: config.analysis.alpha, thresholds: config.analysis.thresholds, gated: config.analysis.gated, betweenRunSd: BETWEEN_RUN_SD, sims: SIMS, poolRounds: pool.rounds },
    cpuMsPerRequest: pool.cpuMsPerRequest,
    rows,
    real,
    goals: goals.map((g) => ({ what: g.what, value: g.value, goal: g.goal, met: g.met(g.value) })),
  };
  writeFileSync('bench/results/detection.json', JSON.stringify(report, null, 2) + '\n');

  const lines = [
    `Detection on ${pool.machine.cpuModel} (${pool.machine.cores} cores), example service ${SCENARIO_PATH}, ${(pool.cpuMsPerRequest * 1000).toFixed(0)} µs CPU/request, default settings, ${SIMS} simulated runs per cell from ${pool.rounds} recorded rounds:`,
    '',
    '| mode | injected CPU | measured CPU change | fail | pass | inconclusive | rounds (mean) |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows.map((r) => `| ${r.mode} | +${r.level}% | ${r.measuredCpuChange >= 0 ? '+' : ''}${pct(r.measuredCpuChange)} | ${pct(r.fail)} | ${pct(r.pass)} | ${pct(r.inconclusive)} | ${r.meanRounds.toFixed(1)} |`),
    '',
    '| goal | measured | target | met |',
    '|---|--:|--:|:-:|',
    ...goals.map((g) => `| ${g.what} | ${pct(g.value)} | ${g.goal} | ${g.met(g.value) ? 'yes' : `no (short by ${pct(Math.abs(g.value - (g.goal.includes('≤') ? 0.01 : g.goal.includes('95') ? 0.95 : 0.8)))})`} |`),
  ];
  if (real) {
    lines.push('', '| real end-to-end runs | verdicts | seconds each |', '|---|---|---|');
    lines.push(`| +0% CPU | ${real.zero.verdicts.join(', ')} | ${real.zero.seconds.map((s) => s.toFixed(0)).join(', ')} |`);
    lines.push(`| +5% CPU | ${real.five.verdicts.join(', ')} | ${real.five.seconds.map((s) => s.toFixed(0)).join(', ')} |`);
  }
  const md = lines.join('\n') + '\n';
  writeFileSync('bench/results/detection.md', md);
  process.stdout.write(md);
}
