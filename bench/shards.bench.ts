/**
 * A suite split over shards (issue 18): a 12-scenario suite of the example service measured as
 * one job (shard 1/1) and as 4 shards, one after the other on this machine, as a matrix would
 * measure them on 4 runners at once.
 *
 * - Measuring time of the single job and of each shard, and each shard's share of the single job's
 *   (goal: ≤ 30% each). Every run measures the same fixed number of rounds (min-rounds =
 *   max-rounds = PERFGATE_BENCH_ROUNDS, 6), so the times compare like with like; a real shard also
 *   measures the rounds the whole suite plans, but never stops early as a single job may.
 * - The merge's own overhead: writing and reading the shard files, mergeShards, the analysis of
 *   the merged file, writing it (goal: < 30 s). The action adds the downloads of N small artifacts.
 * - The merged verdict against one job's verdict over the same recorded rounds: the 4 shard files
 *   merged, and separately every shard's trials put in one file without shard records, each
 *   analysed against the single job's run as the baseline; verdicts and every metric's status,
 *   estimate and adjusted p must be equal. The shards run with EXTRA_CPU_PERCENT
 *   (PERFGATE_BENCH_EXTRA_CPU_PERCENT, 5) so the verdict has something to find.
 *
 * PERFGATE_BENCH_SCENARIOS (12), PERFGATE_BENCH_SHARDS (4), PERFGATE_BENCH_DURATION ("2s") and
 * PERFGATE_BENCH_WARMUP ("1s") shrink it for a quick check. Writes bench/results/shards.json and
 * prints a markdown report.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { Analysis } from '../src/analyze/types.js';
import type { Config } from '../src/config/config.js';
import { loadConfig } from '../src/config/load.js';
import { realMeasureDeps } from '../src/measure/deps.js';
import { prepareVariants } from '../src/baseref/variants.js';
import { analyzeOptions, analyzeResults, runPipeline } from '../src/pipeline.js';
import { environmentFingerprint } from '../src/results/environment.js';
import { readResultsFile, writeResultsFile } from '../src/results/file.js';
import { mergeShards } from '../src/results/merge.js';
import type { Results } from '../src/results/schema.js';
import { findFreePort } from '../src/service/index.js';

const num = (name: string, fallback: number) => Number(process.env[name]) || fallback;
const SCENARIOS = num('PERFGATE_BENCH_SCENARIOS', 12);
const SHARDS = num('PERFGATE_BENCH_SHARDS', 4);
const ROUNDS = num('PERFGATE_BENCH_ROUNDS', 6);
const EXTRA_CPU_PERCENT = num('PERFGATE_BENCH_EXTRA_CPU_PERCENT', 5);
const DURATION = process.env.PERFGATE_BENCH_DURATION ?? '2s';
const WARMUP = process.env.PERFGATE_BENCH_WARMUP ?? '1s';

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const PATHS = ['/api/items', '/api/compute', '/api/slow'];

function suiteConfig(port: number, env: Record<string, string>): Config {
  const scenarios = Array.from({ length: SCENARIOS }, (_, i) => `  - { name: s${String(i + 1).padStart(2, '0')}, path: "${PATHS[i % PATHS.length]}?n=${i}" }`);
  const envLines = Object.entries(env).map(([k, v]) => `  ${k}: "${v}"`);
  return loadConfig({
    fileText: [
      'suite: shards-bench',
      'start: node examples/service/server.mjs',
      `port: ${port}`,
      `ready-url: http://127.0.0.1:${port}/health`,
      `duration: ${DURATION}`,
      `warmup: ${WARMUP}`,
      `min-rounds: ${ROUNDS}`,
      `max-rounds: ${ROUNDS}`,
      'max-duration: 3600s',
      ...(envLines.length > 0 ? ['env:', ...envLines] : []),
      'scenarios:',
      ...scenarios,
      '',
    ].join('\n'),
  });
}

/** One job measuring shard `index` of `count` (1/1: the whole suite), and how long it took. */
async function measureShard(config: Config, index: number, count: number): Promise<{ results: Results; ms: number }> {
  const prepared = await prepareVariants({
    config,
    workspace: process.cwd(),
    defaultBaseRef: null,
    headCommit: null,
    tmpDir: resolve('.perfgate', 'worktrees'),
    logDir: resolve('.perfgate', 'logs'),
    log,
    findFreePort,
  });
  const started = performance.now();
  try {
    const out = await runPipeline(
      {
        config,
        variants: prepared.variants,
        baseline: null,
        shard: { index, count, attempt: 1 },
        meta: {
          suite: config.suite,
          createdAt: new Date().toISOString(),
          git: { sha: null, ref: null, repository: null, runId: 'bench', event: 'bench' },
          environment: environmentFingerprint(),
        },
      },
      realMeasureDeps(() => {}),
    );
    const { analysis: _, ...results } = out.results;
    return { results, ms: performance.now() - started };
  } finally {
    await prepared.cleanup();
  }
}

/** What must agree between two analyses of the same rounds. */
function essence(a: Analysis) {
  return {
    verdict: a.verdict,
    metrics: a.scenarios.flatMap((s) => s.metrics.map((m) => `${s.name} ${m.metric} ${m.status} ${m.change} ${m.pAdjusted}`)),
  };
}

export async function main(): Promise<void> {
  const port = await findFreePort();
  const base = suiteConfig(port, {});
  const head = suiteConfig(port, EXTRA_CPU_PERCENT > 0 ? { EXTRA_CPU_PERCENT: String(EXTRA_CPU_PERCENT) } : {});
  log(`${SCENARIOS} scenarios, ${ROUNDS} rounds of ${DURATION} trials; the single job, then ${SHARDS} shards with EXTRA_CPU_PERCENT=${EXTRA_CPU_PERCENT}`);

  const single = await measureShard(base, 1, 1);
  log(`single job: ${seconds(single.ms)}`);
  const shards: { results: Results; ms: number }[] = [];
  for (let k = 1; k <= SHARDS; k++) {
    const s = await measureShard(head, k, SHARDS);
    log(`shard ${k}/${SHARDS} (${s.results.shard?.scenarios.join(', ')}): ${seconds(s.ms)}`);
    shards.push(s);
  }

  // The merge job's own work, from the shard files on disk to the merged file with its analysis.
  const dir = mkdtempSync(join(os.tmpdir(), 'perfgate-shards-bench-'));
  let mergeMs: number;
  let merged: Results;
  let mergedAnalysis: Analysis;
  try {
    shards.forEach((s, i) => writeResultsFile(join(dir, `shard-${i + 1}.json`), s.results));
    const started = performance.now();
    const files = shards.map((_, i) => ({ source: `shard-${i + 1}.json`, results: readResultsFile(join(dir, `shard-${i + 1}.json`)) }));
    merged = mergeShards(files, { order: head.scenarios.map((s) => s.name) });
    mergedAnalysis = analyzeResults(single.results, merged, analyzeOptions(head));
    writeResultsFile(join(dir, 'merged.json'), { ...merged, analysis: mergedAnalysis });
    mergeMs = performance.now() - started;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // The same rounds as one job's file: every shard's scenarios, no shard records.
  const { shards: _records, ...rest } = merged;
  const union: Results = { ...rest, scenarios: shards.flatMap((s) => s.results.scenarios) };
  // In the config's order, as the merge lists them (names s01, s02, ... sort that way).
  union.scenarios.sort((a, b) => a.name.localeCompare(b.name));
  const unionAnalysis = analyzeResults(single.results, union, analyzeOptions(head));
  const sameVerdict = JSON.stringify(essence(mergedAnalysis)) === JSON.stringify(essence(unionAnalysis));

  const shares = shards.map((s) => s.ms / single.ms);
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
    scenarios: SCENARIOS,
    shards: SHARDS,
    rounds: ROUNDS,
    duration: DURATION,
    singleMs: Math.round(single.ms),
    shardMs: shards.map((s) => Math.round(s.ms)),
    // Rounds measured again because other processes took the CPU: they lengthen a job.
    disturbedRounds: { single: single.results.disturbedRounds, shards: shards.map((s) => s.results.disturbedRounds) },
    shardShare: shares.map((x) => Math.round(x * 1000) / 1000),
    mergeMs: Math.round(mergeMs),
    verdict: { merged: mergedAnalysis.verdict, oneJob: unionAnalysis.verdict, equal: sameVerdict },
    goals: { shardShareAtMost30Percent: shares.every((x) => x <= 0.3), mergeUnder30s: mergeMs < 30_000, verdictsEqual: sameVerdict },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/shards.json', JSON.stringify(report, null, 2) + '\n');

  const lines = [
    `## shards: ${SCENARIOS} scenarios as 1 job and as ${SHARDS} shards (${report.machine.cpu}, ${report.machine.cores} cores)`,
    '',
    '| job | scenarios | measuring time | share of the single job | rounds measured again (disturbed) |',
    '|---|---|---|---|---|',
    `| single (1/1) | ${SCENARIOS} | ${seconds(single.ms)} | 100% | ${single.results.disturbedRounds} |`,
    ...shards.map((s, i) => `| shard ${i + 1}/${SHARDS} | ${s.results.shard?.scenarios.length ?? 0} | ${seconds(s.ms)} | ${(shares[i]! * 100).toFixed(1)}% | ${s.results.disturbedRounds} |`),
    '',
    `- merge overhead (read ${SHARDS} files, merge, analyse, write): ${mergeMs.toFixed(0)} ms (goal < 30 s: ${report.goals.mergeUnder30s ? 'met' : 'MISSED'})`,
    `- every shard ≤ 30% of the single job: ${report.goals.shardShareAtMost30Percent ? 'met' : 'MISSED'}`,
    `- merged verdict ${mergedAnalysis.verdict}, one job over the same rounds ${unionAnalysis.verdict}: ${sameVerdict ? 'equal, every metric alike' : 'DIFFERENT'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
