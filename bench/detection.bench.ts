/**
 * Detection power and false-fail rate (issue 8), measured on this machine with the example service.
 *
 * 1. Calibrate: the CPU time per request of the scenario, so a "5% regression" means +5% CPU per
 *    request (EXTRA_CPU_US = 5% of it), not 5% of some inner loop.
 * 2. Record a pool: per level (0% — an identical copy — 2%, 5%, 10%) a pair of services of its own,
 *    base and head, measured in every round both ways: simultaneous (both loaded at once) and
 *    alternating (one after the other). Default trial length, warmup and connections, so every
 *    recorded pair is what a default run of that pairing would record.
 * 3. Simulate (seeded): a default run is a sequence of rounds drawn with replacement from the
 *    pool, stopping as the real loop does (decided() after min rounds, the round limit from the
 *    3-minute budget). base-ref mode pairs base and head of the same round; artifact mode takes
 *    baseline and head from different draws of the alternating (solo) trials and scales each run
 *    by a between-run factor (lognormal, 5% sd), with a history of ten earlier full-budget runs so
 *    the noise-widened threshold and the run-level test are used.
 * 4. Confirm: real end-to-end CLI runs (compare: variants, default settings) at 0%, 2% and 5%.
 *
 * A simulated run can only be as right as the pool: each resamples the pool's rounds, so the
 * pool's own sampling error (its median ratio is off by about 1.25 · sd / √rounds) is shared by
 * all simulated runs of that level. The measured change per level is printed beside the rates.
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
import { loadTrial, measure, measureTogether, trialContext, type VariantTarget } from '../src/measure/measure.js';
import { makePlan } from '../src/plan/plan.js';
import { analyzeOptions } from '../src/pipeline.js';
import { buildResults, summarize } from '../src/results/build.js';
import { environmentFingerprint } from '../src/results/environment.js';
import type { Results, TrialResult } from '../src/results/schema.js';
import { findFreePort, type RunningService } from '../src/service/index.js';
import { createRng, normalSample } from '../src/stats/index.js';
import { medianOf, robustSd } from '../src/analyze/median.js';

const LEVELS = [0, 2, 5, 10] as const;
/** Levels confirmed by real end-to-end runs: the false-fail level and the two detection goals. */
const REAL_LEVELS = [0, 2, 5] as const;
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
      command: svc.start!,
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
  /**
   * Per level ("0" is the identical copy), the pairs a paired run would record, index = round:
   * `simultaneous`, base and head loaded at the same time; `alternating`, one after the other.
   * The alternating trials, each taken alone, are also the solo trials artifact mode draws from.
   */
  pairs: Record<'simultaneous' | 'alternating', Record<string, { base: TrialResult[]; head: TrialResult[] }>>;
}

const HEADS: Record<string, string> = { '0': 'aa', '2': 'l2', '5': 'l5', '10': 'l10' };

async function calibrate(): Promise<number> {
  const port = await findFreePort();
  const config = configFor(port, 'duration: 5s\nwarmup: 3s\nmin-rounds: 3\nmax-rounds: 3\n');
  const m = await measure({ config, variants: [variant(config, 'head', port, {})], minRoundsForSignificance: 3 }, realMeasureDeps(() => {}));
  const values = m.scenarios[0]!.variants.head!.trials.map((t) => t.cpuMsPerRequest!).sort((a, b) => a - b);
  return values[1]!;
}

/**
 * Records the pool: per level a pair of services of its own (a base, and a head that is an
 * identical copy or has +2%, +5%, +10% CPU), warmed up once, then rounds in which every pair is
 * measured both ways, simultaneous and alternating, the order of the pairs reversed every other
 * round. Both pairings then see the same machine. Each pair has its own base so that base and head
 * are used alike: a base shared by all pairs is busy four times as often as any head, and an
 * earlier pool recorded that way showed the idle head 10% slower in throughput with the same code.
 */
async function recordPool(): Promise<Pool> {
  const cpuMs = await calibrate();
  log(`calibration: ${(cpuMs * 1000).toFixed(1)} µs of CPU per request on ${SCENARIO_PATH}`);
  const config = configFor(1, process.env.PERFGATE_BENCH_EXTRA ?? '');
  const deps = realMeasureDeps(log);
  const ctx = trialContext(config, deps);
  const scenario = config.scenarios[0]!;
  const extra: Record<string, number> = {};
  const targets = new Map<string, VariantTarget>();
  const running = new Map<string, RunningService>();
  const pairs: Pool['pairs'] = { simultaneous: {}, alternating: {} };
  for (const level of Object.keys(HEADS)) {
    pairs.simultaneous[level] = { base: [], head: [] };
    pairs.alternating[level] = { base: [], head: [] };
  }
  const slots = Object.keys(HEADS).length * 3;
  const baseOf = (level: string) => `base${level}`;
  log(`recording ${POOL_ROUNDS} rounds of ${slots} trials of ${config.load.trialMs / 1000} s (about ${Math.round((POOL_ROUNDS * slots * (config.load.trialMs + 300)) / 60_000)} min)`);
  try {
    for (const name of [...Object.keys(HEADS).map(baseOf), ...Object.values(HEADS)]) {
      const level = name.startsWith('base') || name === 'aa' ? 0 : Number(name.slice(1));
      extra[name] = (cpuMs * 1000 * level) / 100;
      const t = variant(config, name, await findFreePort(), extra[name]! > 0 ? { EXTRA_CPU_US: extra[name]!.toFixed(2) } : {});
      targets.set(name, t);
      running.set(name, await deps.startService(t.service!));
      await loadTrial(ctx, t, scenario, config.load.warmupMs);
    }
    const member = (name: string) => ({ variant: targets.get(name)!, scenario, service: running.get(name) });
    const started = Date.now();
    for (let round = 0; round < POOL_ROUNDS; round++) {
      const levels = round % 2 === 0 ? Object.keys(HEADS) : Object.keys(HEADS).reverse();
      for (const level of levels) {
        const head = HEADS[level]!;
        const base = baseOf(level);
        const [b, h] = round % 2 === 0 ? [base, head] : [head, base];
        const together = await measureTogether(ctx, [member(b), member(h)]);
        const byName = { [b]: together[0]!, [h]: together[1]! };
        pairs.simultaneous[level]!.base.push({ ...byName[base]!, round, order: 0 });
        pairs.simultaneous[level]!.head.push({ ...byName[head]!, round, order: 1 });
        const first = (await measureTogether(ctx, [member(b)]))[0]!;
        const second = (await measureTogether(ctx, [member(h)]))[0]!;
        const alone = { [b]: first, [h]: second };
        pairs.alternating[level]!.base.push({ ...alone[base]!, round, order: 0 });
        pairs.alternating[level]!.head.push({ ...alone[head]!, round, order: 1 });
      }
      if ((round + 1) % 5 === 0) log(`pool round ${round + 1}/${POOL_ROUNDS} after ${Math.round((Date.now() - started) / 1000)} s`);
    }
  } finally {
    await Promise.allSettled([...running.values()].map((s) => s.stop()));
  }
  const env = environmentFingerprint();
  return { machine: { cpuModel: env.cpuModel, cores: env.cores }, cpuMsPerRequest: cpuMs, extraCpuUs: extra, rounds: POOL_ROUNDS, pairs };
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
  /** How often each gated metric was the one that regressed (or a budget broke), over all runs. */
  failedBy: Record<string, number>;
}

type Mode = 'base-ref' | 'artifact';
type Pairing = 'simultaneous' | 'alternating';

function simulate(pool: Pool, level: string, mode: Mode, pairing: Pairing, seed: number, config: Config): SimOutcome {
  const rng = createRng(seed);
  const options = analyzeOptions(config);
  const gatedCount = config.analysis.gated.length * config.scenarios.length;
  const plan = makePlan({
    scenarios: ['items'],
    variants: mode === 'base-ref' ? ['base', 'head'] : ['head'],
    trialMs: config.load.trialMs,
    warmupMs: config.load.warmupMs,
    minRounds: config.rounds.min,
    maxRounds: config.rounds.max,
    maxDurationMs: config.rounds.maxDurationMs,
    minRoundsForSignificance: mode === 'base-ref' ? minRoundsPaired(config.analysis.alpha, gatedCount) : minRoundsIndependent(config.analysis.alpha, gatedCount),
    simultaneous: mode === 'base-ref' && pairing === 'simultaneous',
  });
  // base-ref: the recorded pairs of this pairing. artifact: trials taken alone (the alternating
  // ones), the baseline from base's, the head from this level's.
  const recorded = pool.pairs[mode === 'base-ref' ? pairing : 'alternating'][level]!;
  const base = recorded.base;
  const head = recorded.head;
  const n = Math.min(base.length, head.length);
  const draw = () => Math.floor(rng() * n);
  const factor = () => Math.exp(BETWEEN_RUN_SD * normalSample(rng));
  const out: SimOutcome = { fail: 0, pass: 0, inconclusive: 0, meanRounds: 0, failedBy: {} };

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
        // Earlier trusted runs measured their whole budget, as the baseline did.
        const trials = Array.from({ length: plan.maxRounds }, (_, r) => ({ ...scaleTrial(base[draw()]!, f), round: r }));
        return summarize(resultsOf(config, { head: trials }, trials.length));
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
    if (verdict === 'fail') {
      out.fail++;
      for (const m of analysis!.scenarios.flatMap((sc) => sc.metrics)) {
        if (m.status === 'regressed' && m.gated) out.failedBy[m.metric] = (out.failedBy[m.metric] ?? 0) + 1;
      }
    }
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

  // What each level really changed, measured: median of per-round CPU ratios head/base; and the
  // spread of those ratios in the identical pair (robust sd of log ratios), per pairing.
  const measured: Record<string, Record<string, number>> = { simultaneous: {}, alternating: {} };
  const spread: Record<string, Record<string, number>> = { simultaneous: {}, alternating: {} };
  const metricsOf: Record<string, (t: TrialResult) => number> = { cpu: (t) => t.cpuMsPerRequest!, p50: (t) => t.latencyMs.p50, p99: (t) => t.latencyMs.p99, throughput: (t) => t.throughput };
  for (const pairing of ['simultaneous', 'alternating'] as const) {
    for (const level of LEVELS) {
      const { base, head } = pool.pairs[pairing][String(level)]!;
      measured[pairing]![level] = Math.exp(medianOf(head.map((t, i) => Math.log(t.cpuMsPerRequest! / base[i]!.cpuMsPerRequest!)))!) - 1;
    }
    const { base, head } = pool.pairs[pairing]['0']!;
    for (const [name, value] of Object.entries(metricsOf)) spread[pairing]![name] = robustSd(head.map((t, i) => Math.log(value(t) / value(base[i]!))))!;
    log(`${pairing}: paired spread of the identical copy (robust sd of log ratios): ${Object.entries(spread[pairing]!).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
  }

  // PERFGATE_BENCH_EXTRA: extra perfgate.yml lines (e.g. "thresholds: { cpu: 1% }") to try other
  // settings against the same recorded pool.
  const config = configFor(3000, process.env.PERFGATE_BENCH_EXTRA ?? '');
  const rows: { mode: string; level: number; measuredCpuChange: number; fail: number; pass: number; inconclusive: number; meanRounds: number; failedBy: Record<string, number> }[] = [];
  const other: Pairing = config.load.pairing === 'simultaneous' ? 'alternating' : 'simultaneous';
  const cells: { mode: Mode; pairing: Pairing; label: string }[] = [
    { mode: 'base-ref', pairing: config.load.pairing, label: `base-ref (${config.load.pairing})` },
    { mode: 'base-ref', pairing: other, label: `base-ref (${other})` },
    { mode: 'artifact', pairing: 'alternating', label: 'artifact' },
  ];
  for (const { mode, pairing, label } of cells) {
    for (const level of LEVELS) {
      const o = simulate(pool, String(level), mode, pairing, 1000 + level, config);
      rows.push({ mode: label, level, measuredCpuChange: measured[mode === 'base-ref' ? pairing : 'alternating']![level]!, fail: o.fail / SIMS, pass: o.pass / SIMS, inconclusive: o.inconclusive / SIMS, meanRounds: o.meanRounds, failedBy: o.failedBy });
      log(`${label} +${level}%: fail ${pct(o.fail / SIMS)}, pass ${pct(o.pass / SIMS)}, inconclusive ${pct(o.inconclusive / SIMS)}, ${o.meanRounds.toFixed(1)} rounds; regressed: ${JSON.stringify(o.failedBy)}`);
    }
  }

  const real = process.env.PERFGATE_BENCH_SKIP_REAL === '1' ? null : Object.fromEntries(REAL_LEVELS.map((level) => [String(level), realRuns(pool, level, REAL_RUNS)]));

  const goals = [
    { what: 'base-ref false fail at 0%', value: rows.find((r) => r.mode === cells[0]!.label && r.level === 0)!.fail, goal: '≤ 1%', met: (v: number) => v <= 0.01 },
    { what: 'artifact false fail at 0%', value: rows.find((r) => r.mode === 'artifact' && r.level === 0)!.fail, goal: '≤ 1%', met: (v: number) => v <= 0.01 },
    { what: 'base-ref detection at 5%', value: rows.find((r) => r.mode === cells[0]!.label && r.level === 5)!.fail, goal: '≥ 95%', met: (v: number) => v >= 0.95 },
    { what: 'base-ref detection at 2%', value: rows.find((r) => r.mode === cells[0]!.label && r.level === 2)!.fail, goal: '≥ 80%', met: (v: number) => v >= 0.8 },
  ];
  const report = {
    machine: { ...pool.machine, node: process.version, load: os.loadavg() },
    settings: { trialMs: config.load.trialMs, warmupMs: config.load.warmupMs, connections: config.load.connections, maxDurationMs: config.rounds.maxDurationMs, alpha: config.analysis.alpha, thresholds: config.analysis.thresholds, gated: config.analysis.gated, pairing: config.load.pairing, maxRounds: config.rounds.max, betweenRunSd: BETWEEN_RUN_SD, sims: SIMS, poolRounds: pool.rounds },
    pairedSpreadOfIdenticalCopy: spread,
    cpuMsPerRequest: pool.cpuMsPerRequest,
    rows,
    real,
    goals: goals.map((g) => ({ what: g.what, value: g.value, goal: g.goal, met: g.met(g.value) })),
  };
  writeFileSync('bench/results/detection.json', JSON.stringify(report, null, 2) + '\n');

  const lines = [
    `Detection on ${pool.machine.cpuModel} (${pool.machine.cores} cores), example service ${SCENARIO_PATH}, ${(pool.cpuMsPerRequest * 1000).toFixed(0)} µs CPU/request, default settings, ${SIMS} simulated runs per cell from ${pool.rounds} recorded rounds:`,
    '',
    `Paired spread of the identical copy (robust sd of per-round log ratios): ${(['simultaneous', 'alternating'] as const).map((p) => `${p}: ${Object.entries(spread[p]!).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`).join('; ')}.`,
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
    for (const [level, r] of Object.entries(real)) lines.push(`| +${level}% CPU | ${r.verdicts.join(', ')} | ${r.seconds.map((s) => s.toFixed(0)).join(', ')} |`);
  }
  const md = lines.join('\n') + '\n';
  writeFileSync('bench/results/detection.md', md);
  process.stdout.write(md);
}
