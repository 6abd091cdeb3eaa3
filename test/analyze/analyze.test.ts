import { describe, expect, it } from 'vitest';
import { analyze, decided, type AnalyzeOptions } from '../../src/analyze/index.js';
import type { Analysis, MetricAnalysis, MetricName } from '../../src/analyze/types.js';
import type { Results } from '../../src/results/schema.js';
import { holm } from '../../src/stats/index.js';
import { historyEntry, options, results, spread, trial, trials, type TrialValues } from './builders.js';

function metric(analysis: Analysis, name: MetricName, scenario = 0): MetricAnalysis {
  const found = analysis.scenarios[scenario]?.metrics.find((m) => m.metric === name);
  if (!found) throw new Error(`no metric ${name} in scenario ${scenario}`);
  return found;
}

/** Baseline and head of one scenario 'api', variant 'head' on each side (artifact mode). */
function artifact(base: Array<Partial<TrialValues>>, head: Array<Partial<TrialValues>>, opts: Partial<AnalyzeOptions> = {}, baselineExtra = {}) {
  return analyze({
    baseline: results({ api: { head: trials(base) } }, baselineExtra),
    head: results({ api: { head: trials(head) } }),
    options: options(opts),
  });
}

const p50s = (values: number[]) => values.map((p50) => ({ p50 }));

describe('artifact mode (independent samples)', () => {
  it('reports a 20% p50 regression with its interval, p and a failing verdict', () => {
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(12, 10, 0.02)));
    const m = metric(a, 'p50');
    expect(a.method).toBe('independent');
    expect(m.status).toBe('regressed');
    expect(m.change).toBeCloseTo(0.2, 2);
    expect(m.ciLow!).toBeGreaterThan(0.15);
    expect(m.ciHigh!).toBeLessThan(0.25);
    expect(m.ciLow!).toBeLessThan(m.change!);
    expect(m.p!).toBeLessThan(0.001);
    expect(m.pAdjusted!).toBeGreaterThanOrEqual(m.p!);
    expect(m.baseline).toBeCloseTo(10, 10);
    expect(m.head).toBeCloseTo(12, 10);
    expect(m.unit).toBe('ms');
    expect(m.changeKind).toBe('relative');
    expect(m.samples?.baseline).toHaveLength(10);
    expect(m.samples?.head[0]).toBeCloseTo(12 * 0.98, 10);
    expect(a.verdict).toBe('fail');
    expect(a.alpha).toBe(0.01);
    expect(a.confidence).toBe(0.95);
    expect(a.rounds).toEqual({ baseline: 10, head: 10 });
  });

  it('calls a faster head improved and passes', () => {
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(8, 10, 0.02)));
    expect(metric(a, 'p50').status).toBe('improved');
    expect(metric(a, 'p50').change).toBeCloseTo(-0.2, 2);
    expect(a.verdict).toBe('pass');
  });

  it('calls a metric unchanged when the whole interval is inside ±threshold', () => {
    const a = artifact(p50s(spread(10, 10, 0.01)), p50s(spread(10.05, 10, 0.01)));
    const m = metric(a, 'p50');
    expect(m.status).toBe('unchanged');
    expect(m.ciLow!).toBeGreaterThan(-0.05);
    expect(m.ciHigh!).toBeLessThan(0.05);
    expect(m.minDetectableEffect).toBeUndefined();
    expect(a.verdict).toBe('pass');
  });

  it('calls a noisy metric inconclusive and states what it could have detected', () => {
    const a = artifact(p50s(spread(10, 8, 0.15)), p50s(spread(10.3, 8, 0.15)));
    const m = metric(a, 'p50');
    expect(m.status).toBe('inconclusive');
    expect(m.minDetectableEffect).not.toBeNull();
    expect(m.minDetectableEffect!).toBeGreaterThan(m.threshold);
    expect(a.verdict).toBe('inconclusive');
  });

  it('has no detectable effect when too few trials can never reach the adjusted alpha', () => {
    const few = artifact(p50s([10, 11, 12]), p50s([10.5, 11.5, 12.5]));
    expect(metric(few, 'p50').status).toBe('inconclusive');
    expect(metric(few, 'p50').ciLow).toBeNull(); // 3 a side cannot give a 95% interval
    expect(metric(few, 'p50').minDetectableEffect).toBeNull();
    // 5 a side: the interval exists, but p ≥ 2/252 > 0.01 / 5 gated metrics, whatever the data
    const five = metric(artifact(p50s(spread(10, 5, 0.15)), p50s(spread(10.3, 5, 0.15))), 'p50');
    expect(five.ciLow).not.toBeNull();
    expect(five.status).toBe('inconclusive');
    expect(five.minDetectableEffect).toBeNull();
  });

  it('reads throughput as higher-is-better', () => {
    const base = spread(2000, 10, 0.02).map((throughput) => ({ throughput }));
    const slower = artifact(base, spread(1600, 10, 0.02).map((throughput) => ({ throughput })));
    expect(metric(slower, 'throughput').status).toBe('regressed');
    expect(metric(slower, 'throughput').change).toBeCloseTo(-0.2, 2);
    const faster = artifact(base, spread(2400, 10, 0.02).map((throughput) => ({ throughput })));
    expect(metric(faster, 'throughput').status).toBe('improved');
  });

  it('a significant change smaller than the threshold whose interval crosses it stays inconclusive', () => {
    // +4% with a ±2% spread: clearly not zero, but maybe more than 5%
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(10.4, 10, 0.02)));
    const m = metric(a, 'p50');
    expect(m.p!).toBeLessThan(0.01);
    expect(m.change!).toBeGreaterThan(0.02);
    expect(m.change!).toBeLessThan(0.05);
    expect(m.ciHigh!).toBeGreaterThan(0.05);
    expect(m.status).toBe('inconclusive');
  });

  it('lets a regression in a metric that is not gated show without failing', () => {
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(12, 10, 0.02)), { gated: ['throughput'] });
    const m = metric(a, 'p50');
    expect(m.gated).toBe(false);
    expect(m.status).toBe('regressed');
    expect(a.verdict).toBe('pass');
  });

  it('adjusts with Holm across every gated metric of every scenario', () => {
    const base = { a: { head: trials(p50s(spread(10, 8, 0.03))) }, b: { head: trials(p50s(spread(10, 9, 0.03))) } };
    const head = { a: { head: trials(p50s(spread(10.6, 8, 0.03))) }, b: { head: trials(p50s(spread(11, 9, 0.03))) } };
    const a = analyze({ baseline: results(base), head: results(head), options: options({ gated: ['p50', 'p90'] }) });
    const gated = a.scenarios.flatMap((s) => s.metrics.filter((m) => m.gated));
    expect(gated).toHaveLength(4);
    const expected = holm(gated.map((m) => m.p!));
    gated.forEach((m, i) => expect(m.pAdjusted).toBeCloseTo(expected[i]!, 15));
    expect(gated.some((m) => m.pAdjusted! > m.p!)).toBe(true);
    // shown-only metrics are adjusted within their own family
    const shown = a.scenarios.flatMap((s) => s.metrics.filter((m) => !m.gated && m.p !== null && m.p < 1));
    const expectedShown = holm(shown.map((m) => m.p!));
    shown.forEach((m, i) => expect(m.pAdjusted).toBeCloseTo(expectedShown[i]!, 15));
  });

  it('leaves a metric that no relabelling could make significant out of the Holm family', () => {
    // No errors on either side: the error rate's p is 1 whatever the labels, so it takes no share of alpha.
    const a = artifact(p50s(spread(10, 8, 0.03)), p50s(spread(10.6, 8, 0.03)), { gated: ['p50', 'p90', 'errorRate'] });
    const [p50, p90, errors] = [metric(a, 'p50'), metric(a, 'p90'), metric(a, 'errorRate')];
    expect(errors).toMatchObject({ p: 1, pAdjusted: 1, status: 'unchanged' });
    const expected = holm([p50.p!, p90.p!]);
    expect(p50.pAdjusted).toBeCloseTo(expected[0]!, 15);
    expect(p90.pAdjusted).toBeCloseTo(expected[1]!, 15);
  });

  it('marks CPU unavailable when no process was measured, without affecting the verdict', () => {
    const a = artifact(
      spread(10, 10, 0.01).map((p50) => ({ p50, cpuMsPerRequest: null, peakRssBytes: null })),
      spread(10, 10, 0.01).map((p50) => ({ p50, cpuMsPerRequest: null, peakRssBytes: null })),
    );
    const cpu = metric(a, 'cpuPerRequest');
    expect(cpu).toMatchObject({ status: 'unavailable', baseline: null, head: null, change: null, p: null, gated: true });
    expect(metric(a, 'peakRss').status).toBe('unavailable');
    expect(a.verdict).toBe('pass');
  });

  it('compares error rates as differences of rates, so a rise from zero is measurable', () => {
    const base = spread(10, 10, 0.01).map((p50) => ({ p50, errors: 0 }));
    const head = spread(10, 10, 0.01).map((p50, i) => ({ p50, errors: 500 + 10 * i })); // 5.0%–5.9% of 10,000
    const a = artifact(base, head);
    const m = metric(a, 'errorRate');
    expect(m.changeKind).toBe('absolute');
    expect(m.unit).toBe('ratio');
    expect(m.baseline).toBe(0);
    expect(m.head).toBeCloseTo(0.0545, 10);
    expect(m.change).toBeCloseTo(0.0545, 10);
    expect(m.status).toBe('regressed');
    expect(a.verdict).toBe('fail');
    // no errors on either side: nothing changed, exactly
    const clean = metric(artifact(base, base), 'errorRate');
    expect(clean).toMatchObject({ status: 'unchanged', change: 0, ciLow: 0, ciHigh: 0, p: 1 });
  });

  it('reads a throughput of zero as about −100% instead of failing on log(0)', () => {
    const a = artifact(
      spread(2000, 10, 0.02).map((throughput) => ({ throughput })),
      Array.from({ length: 10 }, () => ({ throughput: 0 })),
    );
    const m = metric(a, 'throughput');
    expect(m.status).toBe('regressed');
    expect(m.change).toBeCloseTo(-1, 6);
  });

  it('marks the metrics of a scenario the baseline lacks as unavailable', () => {
    const a = analyze({
      baseline: results({ api: { head: trials(p50s(spread(10, 10, 0.01))) } }),
      head: results({ api: { head: trials(p50s(spread(10, 10, 0.01))) }, newer: { head: trials(p50s(spread(10, 10, 0.01))) } }),
      options: options(),
    });
    expect(a.scenarios.map((s) => s.name)).toEqual(['api', 'newer']);
    expect(a.scenarios[1]!.metrics.every((m) => m.status === 'unavailable')).toBe(true);
    expect(metric(a, 'p50', 1).head).toBeCloseTo(10, 10);
    expect(a.verdict).toBe('pass');
  });

  it('is no-baseline when the baseline holds none of the scenarios', () => {
    const a = analyze({
      baseline: results({ other: { head: trials(p50s([10, 11])) } }),
      head: results({ api: { head: trials(p50s([10, 11])) } }),
      options: options(),
    });
    expect(a.verdict).toBe('no-baseline');
    expect(a.reason).toMatch(/no measurements of these scenarios/);
  });

  it('uses per-scenario thresholds', () => {
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(12, 10, 0.02)), {
      scenarios: { api: { thresholds: { p50: 0.3, p90: 0.3, p99: 0.3 } } },
    });
    expect(metric(a, 'p50').threshold).toBe(0.3);
    expect(metric(a, 'p50').status).toBe('unchanged'); // +20%, interval inside ±30%
    expect(metric(a, 'p99').threshold).toBe(0.3);
    expect(metric(a, 'throughput').threshold).toBe(0.05);
  });
});

describe('history widens thresholds by run-to-run noise', () => {
  const noisyHistory = [9.0, 10.8, 9.5, 11.0, 10.2].map((p50) => historyEntry({ api: { p50, throughput: 2000 } }));

  it('widens to noiseK × robust spread of log medians and records the configured threshold', () => {
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(11.2, 10, 0.02)), {}, { history: noisyHistory });
    const m = metric(a, 'p50');
    // log medians of 9.0 10.8 9.5 11.0 10.2 and the baseline's 10
    const logs = [9.0, 10.8, 9.5, 11.0, 10.2, 10].map(Math.log).sort((x, y) => x - y);
    const center = (logs[2]! + logs[3]!) / 2;
    const deviations = logs.map((v) => Math.abs(v - center)).sort((x, y) => x - y);
    const sd = 1.4826 * ((deviations[2]! + deviations[3]!) / 2);
    expect(m.threshold).toBeCloseTo(Math.expm1(3 * sd), 12);
    expect(m.threshold).toBeGreaterThan(0.12);
    expect(m.thresholdWidenedFrom).toBe(0.05);
    // +12% would have been a regression at 5%; against this history it is not: the trials differ
    // (Mann–Whitney alone gives p < 0.001), but a run median of 11.2 is an ordinary one among
    // these runs (the run-level p, checked with scipy.stats.t below, is what p reports).
    expect(m.pRuns!).toBeGreaterThan(0.1);
    expect(m.p).toBe(m.pRuns);
    expect(m.status).not.toBe('regressed');
    // a quiet metric keeps its configured threshold
    expect(metric(a, 'throughput').threshold).toBe(0.05);
    expect(metric(a, 'throughput').thresholdWidenedFrom).toBeUndefined();
  });

  it('needs at least three history entries', () => {
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(11.2, 10, 0.02)), {}, { history: noisyHistory.slice(0, 2) });
    expect(metric(a, 'p50').threshold).toBe(0.05);
    expect(metric(a, 'p50').status).toBe('regressed');
  });

  it('uses rate differences for the error rate', () => {
    const history = [0, 0.01, 0.02, 0.03].map((errorRate) => historyEntry({ api: { errorRate } }));
    const a = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(10, 10, 0.02)), {}, { history });
    // rates 0, 0.01, 0.02, 0.03 and the baseline's 0: median 0.01, MAD 0.01
    expect(metric(a, 'errorRate').threshold).toBeCloseTo(3 * 1.4826 * 0.01, 12);
  });
});

describe('budgets on the head alone', () => {
  it('fail the verdict when broken, even without a baseline', () => {
    const head = results({ api: { head: trials(spread(10, 9, 0.02).map((p50) => ({ p50, p95: p50 * 25 }))) } });
    const a = analyze({ baseline: null, head, options: options({ budgets: { p95: 200, peakRss: 100e6 }, noBaselineReason: 'first run' }) });
    expect(a.method).toBe('none');
    expect(a.scenarios[0]!.budgets).toEqual([
      { metric: 'p95', limit: 200, value: 250, ok: false },
      { metric: 'peakRss', limit: 100e6, value: 50e6, ok: true },
    ]);
    expect(a.verdict).toBe('fail');
    expect(a.reason).toBe('first run');
  });

  it('treat throughput as a floor, pool the error rate and skip what was not measured', () => {
    const head = results({
      api: {
        head: trials([
          { throughput: 900, errors: 0, requests: 1000, peakRssBytes: null },
          { throughput: 950, errors: 0, requests: 1000, peakRssBytes: null },
          { throughput: 1000, errors: 300, requests: 1000, peakRssBytes: null },
        ]),
      },
    });
    const a = analyze({ baseline: null, head, options: options({ budgets: { throughput: 1000, errorRate: 0.05, peakRss: 1 } }) });
    expect(a.scenarios[0]!.budgets).toEqual([
      { metric: 'throughput', limit: 1000, value: 950, ok: false },
      { metric: 'errorRate', limit: 0.05, value: 0.1, ok: false }, // 300 of 3000; the median trial has 0
      { metric: 'peakRss', limit: 1, value: null, ok: true },
    ]);
  });

  it('take per-scenario limits over the defaults', () => {
    const head = results({ api: { head: trials(p50s([10, 10, 10])) }, slow: { head: trials(p50s([100, 100, 100])) } });
    const a = analyze({ baseline: null, head, options: options({ budgets: { p50: 50 }, scenarios: { slow: { budgets: { p50: 150 } } } }) });
    expect(a.scenarios.map((s) => s.budgets[0]!.ok)).toEqual([true, true]);
    expect(a.scenarios[1]!.budgets[0]!.limit).toBe(150);
    expect(a.verdict).toBe('no-baseline');
  });
});

describe('no baseline', () => {
  it('is no-baseline with head medians and nothing compared', () => {
    const a = analyze({ baseline: null, head: results({ api: { head: trials(p50s([9, 10, 11])) } }), options: options() });
    expect(a.verdict).toBe('no-baseline');
    expect(a.method).toBe('none');
    expect(a.reason).toBe('no baseline results to compare with');
    const m = metric(a, 'p50');
    expect(m).toMatchObject({ status: 'unavailable', baseline: null, head: 10, p: null, samples: { baseline: [], head: [9, 10, 11] } });
    expect(decided(a)).toBe(true);
  });
});

describe('paired mode (base and head in one run)', () => {
  // A drift that moves both variants of a round together, as a busy neighbour does.
  const drift = [1.0, 1.15, 0.9, 1.2, 0.85, 1.1, 0.95, 1.05, 0.92, 1.18, 1.02, 0.88];
  const jitter = (i: number) => 1 + 0.004 * ((i * 7) % 5 - 2);

  function pairedRun(headFactor: number): Results {
    return results({
      api: {
        base: trials(drift.map((d, i) => ({ p50: 10 * d * jitter(i), order: 2 * i }))),
        head: trials(drift.map((d, i) => ({ p50: 10 * headFactor * d * jitter(i + 3), order: 2 * i + 1 }))),
      },
    });
  }

  it('detects a 6% regression that drift hides from an unpaired comparison', () => {
    const run = pairedRun(1.06);
    const a = analyze({ baseline: null, head: run, options: options() });
    expect(a.method).toBe('paired');
    const m = metric(a, 'p50');
    expect(m.status).toBe('regressed');
    expect(m.change).toBeCloseTo(0.06, 2);
    expect(m.samples?.baseline).toHaveLength(12);
    expect(a.verdict).toBe('fail');
    expect(a.rounds).toEqual({ baseline: 12, head: 12 });

    // the same trials as two independent samples: the drift swamps the shift
    const scenario = run.scenarios[0]!;
    const unpaired = analyze({
      baseline: results({ api: { head: scenario.variants['base']!.trials } }),
      head: results({ api: { head: scenario.variants['head']!.trials } }),
      options: options(),
    });
    expect(metric(unpaired, 'p50').status).toBe('inconclusive');
  });

  it('is unchanged when head equals base up to jitter', () => {
    const a = analyze({ baseline: null, head: pairedRun(1.0), options: options() });
    expect(metric(a, 'p50').status).toBe('unchanged');
    expect(decided(a)).toBe(true);
  });

  it('pairs by round, keeps the last trial of a re-run round and drops unmatched rounds', () => {
    const head = results({
      api: {
        base: [trial({ round: 0, order: 0, p50: 10 }), trial({ round: 1, order: 2, p50: 50 }), trial({ round: 1, order: 4, p50: 11 }), trial({ round: 2, order: 6, p50: 12 })],
        head: [trial({ round: 0, order: 1, p50: 11 }), trial({ round: 1, order: 3, p50: 12 }), trial({ round: 3, order: 7, p50: 99 })],
      },
    });
    const m = metric(analyze({ baseline: null, head, options: options() }), 'p50');
    expect(m.samples).toEqual({ baseline: [10, 11], head: [11, 12] });
  });
});

describe('decided', () => {
  it('is false while a gated metric is inconclusive and true once the run fails', () => {
    const noisy = artifact(p50s(spread(10, 5, 0.15)), p50s(spread(10.3, 5, 0.15)));
    expect(noisy.verdict).toBe('inconclusive');
    expect(decided(noisy)).toBe(false);
    const regressed = artifact(p50s(spread(10, 10, 0.02)), p50s(spread(12, 10, 0.02)));
    expect(decided(regressed)).toBe(true);
    // an inconclusive metric that is not gated does not hold the run
    expect(decided(artifact(p50s(spread(10, 5, 0.15)), p50s(spread(10.3, 5, 0.15)), { gated: ['throughput'] }))).toBe(true);
  });

  it('is true when a budget is broken even if metrics are undecided', () => {
    const a = artifact(p50s(spread(10, 5, 0.15)), p50s(spread(10.3, 5, 0.15)), { budgets: { p50: 5 } });
    expect(a.verdict).toBe('fail');
    expect(decided(a)).toBe(true);
  });
});

describe('options', () => {
  it('refuses bad values, naming each', () => {
    const head = results({ api: { head: trials(p50s([10])) } });
    expect(() => analyze({ baseline: null, head, options: options({ alpha: 5 }) })).toThrow(/alpha must be between 0 and 1.*got 5/);
    expect(() => analyze({ baseline: null, head, options: options({ confidence: 95 }) })).toThrow(/confidence .* got 95/);
    expect(() =>
      analyze({ baseline: null, head, options: options({ scenarios: { api: { thresholds: { p50: -1 } } } }) }),
    ).toThrow(/scenarios\.api\.thresholds\.p50 must be a number ≥ 0, got -1/);
  });

  it('uses the configured confidence for the intervals', () => {
    const base = p50s(spread(10, 10, 0.05));
    const head = p50s(spread(10.2, 10, 0.05));
    const narrow = metric(artifact(base, head, { confidence: 0.8 }), 'p50');
    const wide = metric(artifact(base, head, { confidence: 0.99 }), 'p50');
    expect(narrow.ciHigh! - narrow.ciLow!).toBeLessThan(wide.ciHigh! - wide.ciLow!);
  });
});
