import { describe, expect, it } from 'vitest';
import { runLevelP } from '../../src/analyze/run-level.js';
import { METRICS } from '../../src/analyze/metrics.js';
import { historyEntry, results } from './builders.js';

const p50 = METRICS.find((m) => m.name === 'p50')!;
const errorRate = METRICS.find((m) => m.name === 'errorRate')!;
const baselineWith = (medians: number[], name = 'p50') => results({ api: { head: [] } }, { history: medians.map((v) => historyEntry({ api: { [name]: v } })) });

describe('run-level test: this run median against the earlier runs (prediction interval, Student t)', () => {
  // Reference values: numpy/scipy, with H = log([9.0, 10.8, 9.5, 11.0, 10.2, 10]),
  // t = |h − mean(H)| / sqrt(var(H, ddof=1)·(1 + 1/6) + se²), p = 2·scipy.stats.t.sf(t, 5).
  const baseline = baselineWith([9.0, 10.8, 9.5, 11.0, 10.2]);

  it('a single head value: the textbook prediction interval', () => {
    expect(runLevelP(p50, 'api', baseline, 10, [13.0])).toBeCloseTo(0.026195876725191646, 12);
    expect(runLevelP(p50, 'api', baseline, 10, [11.2])).toBeCloseTo(0.24787416327111372, 12);
  });

  it("several head values: their median's own standard error widens the interval", () => {
    // se = sqrt(π/2) · 1.4826 · MAD(log head) / sqrt(4)
    expect(runLevelP(p50, 'api', baseline, 10, [12.0, 12.5, 13.0, 13.5])).toBeCloseTo(0.045773318575308246, 12);
  });

  it('needs three earlier runs with the metric', () => {
    expect(runLevelP(p50, 'api', baselineWith([9.0, 10.8]), 10, [13.0])).toBeNull();
    expect(runLevelP(p50, 'api', baselineWith([9.0, 10.8, 9.5], 'p99'), 10, [13.0])).toBeNull();
    expect(runLevelP(p50, 'other', baseline, 10, [13.0])).toBeNull();
  });

  it('error rates are compared raw; a history without spread decides by equality alone', () => {
    const zeros = baselineWith([0, 0, 0], 'errorRate');
    expect(runLevelP(errorRate, 'api', zeros, 0, [0, 0, 0])).toBe(1);
    expect(runLevelP(errorRate, 'api', zeros, 0, [0.05, 0.05, 0.05])).toBe(0);
  });
});
