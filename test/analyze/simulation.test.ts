import { describe, expect, it } from 'vitest';
import { analyze, medianOf, type AnalyzeOptions } from '../../src/analyze/index.js';
import type { Analysis, MetricName } from '../../src/analyze/types.js';
import { createRng, lognormalSample, normalSample, type RandomSource } from '../../src/stats/index.js';
import { options, results, trial } from './builders.js';

/**
 * The seeded simulation of issue 5: lognormal trial values with 3% noise (σ of the log = 0.03),
 * 10 trials a side, 2,000 repetitions. Every metric gets its own noise, so Holm works across the
 * whole gated family (p50, p99, throughput, error rate, CPU) as in a real run. Seeded: the counts
 * are the same on every run. Measured rates are listed in docs/statistics.md.
 */
const REPETITIONS = 2000;
const TRIALS = 10;
const NOISE = 0.03;
const ALPHA = 0.01;

interface Shifts {
  p50?: number;
  throughput?: number;
}

/** One trial whose metrics are each lognormal around a fixed level, scaled by a shared drift. */
function noisyTrial(rng: RandomSource, round: number, order: number, shift: Shifts, drift = 1) {
  const level = (center: number, factor = 1) => center * factor * drift * lognormalSample(rng, 0, NOISE);
  return trial({
    round,
    order,
    p50: level(10, 1 + (shift.p50 ?? 0)),
    p90: level(15),
    p99: level(30),
    throughput: level(2000, 1 + (shift.throughput ?? 0)) / drift / drift, // a slower machine serves fewer
    cpuMsPerRequest: level(0.05),
    peakRssBytes: Math.round(level(50e6)),
  });
}

function artifactRun(rng: RandomSource, shift: Shifts, opts: AnalyzeOptions): Analysis {
  const side = (s: Shifts) => Array.from({ length: TRIALS }, (_, i) => noisyTrial(rng, i, i, s));
  return analyze({ baseline: results({ api: { head: side({}) } }), head: results({ api: { head: side(shift) } }), options: opts });
}

function pairedRun(rng: RandomSource, shift: Shifts, opts: AnalyzeOptions, rounds: number): Analysis {
  const base = [];
  const head = [];
  for (let r = 0; r < rounds; r++) {
    // A machine-wide slowdown shared by both trials of a round (5% sd): what pairing cancels.
    const drift = Math.exp(0.05 * normalSample(rng));
    base.push(noisyTrial(rng, r, 2 * r, {}, drift));
    head.push(noisyTrial(rng, r, 2 * r + 1, shift, drift));
  }
  return analyze({ baseline: null, head: results({ api: { base, head } }), options: opts });
}

interface Rates {
  /** Runs where a gated metric was reported regressed: what fails a check. */
  falseFail: number;
  /** Runs where a gated metric had adjusted p < alpha in either direction: Holm's family-wise error. */
  anySignificant: number;
  /** Runs where the metric was reported regressed. */
  caught: Partial<Record<MetricName, number>>;
  /** Median of the minimum detectable effects stated for CPU (threshold 2%, mostly inconclusive). */
  cpuMde: number | null;
}

function simulate(run: () => Analysis, watch: MetricName[] = []): Rates {
  let falseFail = 0;
  let anySignificant = 0;
  const caught: Partial<Record<MetricName, number>> = {};
  const cpuMde: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const metrics = run().scenarios[0]!.metrics;
    if (metrics.some((m) => m.gated && m.status === 'regressed')) falseFail++;
    if (metrics.some((m) => m.gated && m.pAdjusted !== null && m.pAdjusted < ALPHA)) anySignificant++;
    for (const name of watch) {
      if (metrics.some((m) => m.metric === name && m.status === 'regressed')) caught[name] = (caught[name] ?? 0) + 1;
    }
    const cpu = metrics.find((m) => m.metric === 'cpuPerRequest');
    if (cpu?.minDetectableEffect != null) cpuMde.push(cpu.minDetectableEffect);
  }
  for (const name of watch) caught[name] = (caught[name] ?? 0) / REPETITIONS;
  return { falseFail: falseFail / REPETITIONS, anySignificant: anySignificant / REPETITIONS, caught, cpuMde: medianOf(cpuMde) };
}

const opts = options({ alpha: ALPHA });

describe('seeded simulation: artifact mode, 10 trials a side', () => {
  it('A/A: a false regression in at most alpha of the runs; Holm keeps bare significance below alpha too', () => {
    const rng = createRng(20250105);
    const rates = simulate(() => artifactRun(rng, {}, opts));
    expect(rates.falseFail).toBeLessThanOrEqual(ALPHA);
    expect(rates.anySignificant).toBeLessThanOrEqual(ALPHA);
    // What an inconclusive CPU row states it could detect: 95% of runs catch a shift of about
    // 8.4% here (measured with this simulation), and the estimate should be near that.
    expect(rates.cpuMde).toBeGreaterThan(0.07);
    expect(rates.cpuMde).toBeLessThan(0.1);
  });

  it('catches a 10% p50 regression and a 10% throughput drop in at least 95% of runs', () => {
    const rng = createRng(7);
    const rates = simulate(() => artifactRun(rng, { p50: 0.1, throughput: -0.1 }, opts), ['p50', 'throughput']);
    expect(rates.caught.p50).toBeGreaterThanOrEqual(0.95);
    expect(rates.caught.throughput).toBeGreaterThanOrEqual(0.95);
  });
});

describe('seeded simulation: paired mode with a shared per-round drift of 5%', () => {
  it('A/A over 10 rounds: a false regression in at most alpha of the runs', () => {
    const rng = createRng(99);
    const rates = simulate(() => pairedRun(rng, {}, opts, 10));
    expect(rates.falseFail).toBeLessThanOrEqual(ALPHA);
    expect(rates.anySignificant).toBeLessThanOrEqual(ALPHA);
  });

  it('catches a 10% p50 regression in at least 95% of runs of 12 rounds', () => {
    // With 4 testable gated metrics (the error rate is 0 throughout) Holm's first level is 0.0025,
    // which 10 signed ranks reach only when all 10 rounds agree (2/1024): 10 rounds catch the
    // shift in about 89% of runs, 12 rounds in about 99%.
    const rng = createRng(1234);
    const rates = simulate(() => pairedRun(rng, { p50: 0.1 }, opts, 12), ['p50']);
    expect(rates.caught.p50).toBeGreaterThanOrEqual(0.95);
  });
});
