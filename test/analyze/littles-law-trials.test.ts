import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { BUDGETS, METRICS, trustedLatency } from '../../src/analyze/metrics.js';
import type { Analysis, MetricName } from '../../src/analyze/types.js';
import { summarize } from '../../src/results/build.js';
import type { TrialResult } from '../../src/results/schema.js';
import { options, results, spread, trials } from './builders.js';

/**
 * A trial whose latency broke Little's law (src/load/littles-law.ts) was timed wrong: its latency
 * decides nothing (comparison, budgets, history), while its counts and CPU still do.
 */

const broken = { connections: 16, inFlight: 525, holds: false };
const held = { connections: 16, inFlight: 15.97, holds: true };

/** p50 of 10 ms ± 2%, but trial `at` measured at 500 ms by a faulty engine, flagged by the check. */
function withFaultyTrial(at: number[], flagged: boolean): TrialResult[] {
  return trials(spread(10, 10, 0.02).map((p50, i) => ({ p50: at.includes(i) ? 500 : p50, throughput: 2000 + i }))).map((t, i) => ({
    ...t,
    littlesLaw: at.includes(i) && flagged ? broken : held,
  }));
}

function metric(a: Analysis, name: MetricName) {
  return a.scenarios[0]!.metrics.find((m) => m.metric === name)!;
}

describe("trials that break Little's law", () => {
  it('have no latency to compare or hold against a budget, but keep throughput, errors and CPU', () => {
    const faulty = { ...trials([{ p50: 500 }])[0]!, littlesLaw: broken };
    for (const name of ['p50', 'p90', 'p99'] as const) {
      expect(METRICS.find((m) => m.name === name)!.value(faulty)).toBeNull();
      expect(trustedLatency(faulty, name)).toBeNull();
    }
    for (const name of ['p50', 'p90', 'p95', 'p99'] as const) expect(BUDGETS.find((b) => b.name === name)!.value(faulty)).toBeNull();
    expect(METRICS.find((m) => m.name === 'throughput')!.value(faulty)).toBe(2000);
    expect(METRICS.find((m) => m.name === 'errorRate')!.value(faulty)).toBe(0);
    expect(METRICS.find((m) => m.name === 'cpuPerRequest')!.value(faulty)).toBe(0.05);

    // A trial that held, and one from a file written before the check, keep their latency.
    expect(trustedLatency({ ...faulty, littlesLaw: held }, 'p50')).toBe(500);
    const { littlesLaw: _, ...older } = faulty;
    expect(trustedLatency(older, 'p99')).toBe(1500);
    expect(trustedLatency({ ...faulty, littlesLaw: null }, 'p50')).toBe(500);
  });

  it('leave the comparison: two 500 ms trials flagged in the head do not make p50 regress', () => {
    const baseline = results({ api: { head: withFaultyTrial([], false) } });
    const flagged = analyze({ baseline, head: results({ api: { head: withFaultyTrial([3, 7], true) } }), options: options() });
    expect(metric(flagged, 'p50').samples!.head).toHaveLength(8);
    expect(metric(flagged, 'p50').samples!.head.every((v) => v < 11)).toBe(true);
    expect(metric(flagged, 'p50').status).not.toBe('regressed');
    expect(metric(flagged, 'throughput').samples!.head).toHaveLength(10);
    expect(flagged.verdict).toBe('pass');

    // The same values unflagged are taken at face value: the check is what keeps them out.
    const unflagged = analyze({ baseline, head: results({ api: { head: withFaultyTrial([3, 7], false) } }), options: options() });
    expect(metric(unflagged, 'p50').samples!.head).toHaveLength(10);
    expect(metric(unflagged, 'p99').samples!.head).toContain(1500);
  });

  it('leave the pairs of a paired comparison and the budgets', () => {
    const head = withFaultyTrial([2], true);
    const a = analyze({
      baseline: null,
      head: results({ api: { base: withFaultyTrial([], false), head } }),
      options: options({ budgets: { p99: 100 } }),
    });
    expect(a.method).toBe('paired');
    expect(metric(a, 'p50').samples!.head).toHaveLength(9);
    expect(metric(a, 'p50').samples!.baseline).toHaveLength(9);
    const budget = a.scenarios[0]!.budgets.find((b) => b.metric === 'p99')!;
    expect(budget.ok).toBe(true);
    expect(budget.value!).toBeLessThan(100);
  });

  it('leave the history a baseline carries forward', () => {
    const run = results({ api: { head: withFaultyTrial([0, 1, 2, 3, 4, 5], true) } });
    const entry = summarize(run);
    // The median of the four trials that held, not of ten with six at 500 ms.
    expect(entry.scenarios['api']!['p50']).toBeLessThan(11);
    expect(entry.scenarios['api']!['throughput']).toBe(2004.5);
  });
});
