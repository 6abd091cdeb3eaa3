import { describe, expect, it } from 'vitest';
import { analyze, decided, type AnalyzeOptions } from '../../src/analyze/index.js';
import { INVALIDATED_BY } from '../../src/analyze/comparable.js';
import type { Analysis, MetricAnalysis, MetricName } from '../../src/analyze/types.js';
import type { LoadSettings } from '../../src/results/load-settings.js';
import type { Results } from '../../src/results/schema.js';
import { historyEntry, options, results, spread, trials, type TrialValues } from './builders.js';

const CLOSED_16: LoadSettings = {
  profile: 'closed', connections: 16, rate: null, durationMs: 2000, requestTimeoutMs: 10_000,
  method: 'GET', path: '/api/items', headers: {}, body: null, expectStatus: '2xx',
};
const RATE_300: LoadSettings = { ...CLOSED_16, profile: 'rate', rate: 300 };

/** One scenario 'api', 12 trials around the given levels, measured under `settings` (null: an older file). */
function run(settings: LoadSettings | null, level: { p50: number; throughput: number; cpu: number }, extra: Parameters<typeof results>[1] = {}): Results {
  const values: Array<Partial<TrialValues>> = spread(1, 12, 0.02).map((w, i) => ({
    p50: level.p50 * w,
    throughput: level.throughput * spread(1, 12, 0.02)[11 - i]!,
    cpuMsPerRequest: level.cpu * w,
  }));
  const r = results({ api: { head: trials(values) } }, extra);
  return settings ? { ...r, scenarios: r.scenarios.map((s) => ({ ...s, loadSettings: settings })) } : r;
}

function metric(a: Analysis, name: MetricName): MetricAnalysis {
  return a.scenarios[0]!.metrics.find((m) => m.metric === name)!;
}

function statuses(a: Analysis): Record<string, string> {
  return Object.fromEntries(a.scenarios[0]!.metrics.map((m) => [m.metric, m.status]));
}

// The closed loop answered 1,430 req/s at 11 ms; a rate of 300 req/s gets 300 at 2 ms: −79%,
// and a service that idles between requests costs more CPU each (+130% on the example service).
const closed = { p50: 11, throughput: 1430, cpu: 0.2 };
const atRate = { p50: 2, throughput: 300, cpu: 0.46 };

describe('a baseline measured under other load settings', () => {
  it('marks latency, throughput, CPU and memory not comparable, still tests the error rate, and passes', () => {
    const a = analyze({ baseline: run(CLOSED_16, closed), head: run(RATE_300, atRate), options: options() });
    expect(statuses(a)).toEqual({
      p50: 'not-comparable', p90: 'not-comparable', p99: 'not-comparable', throughput: 'not-comparable',
      errorRate: 'unchanged', cpuPerRequest: 'not-comparable', peakRss: 'not-comparable',
    });
    expect(a.verdict).toBe('pass');
    expect(a.scenarios[0]!.loadSettings).toEqual({
      status: 'changed',
      changes: [
        { setting: 'profile', baseline: 'closed', head: 'rate' },
        { setting: 'rate', baseline: null, head: 300 },
      ],
      notComparable: ['p50', 'p90', 'p99', 'throughput', 'cpuPerRequest', 'peakRss'],
    });
    // The medians stay in the report; there is no change, interval or p to show.
    const t = metric(a, 'throughput');
    expect(t.baseline).toBeCloseTo(1430, 6);
    expect(t.head).toBeCloseTo(300, 6);
    expect([t.change, t.ciLow, t.ciHigh, t.p, t.pAdjusted]).toEqual([null, null, null, null, null]);
    expect(t.samples?.head).toHaveLength(12);
    expect(decided(a)).toBe(true);
  });

  it('a longer trial leaves CPU comparable: a CPU regression still fails, and the untested metrics are left out of Holm\'s family', () => {
    const longer = { ...CLOSED_16, durationMs: 5000 };
    const a = analyze({ baseline: run(CLOSED_16, closed), head: run(longer, { ...closed, p50: 11.5, cpu: 0.24 }), options: options() });
    expect(a.scenarios[0]!.loadSettings).toMatchObject({ status: 'changed', changes: [{ setting: 'duration', baseline: 2000, head: 5000 }] });
    const cpu = metric(a, 'cpuPerRequest');
    expect(cpu.status).toBe('regressed');
    expect(cpu.change).toBeCloseTo(0.2, 6);
    expect(a.verdict).toBe('fail');
    // The gated family is CPU alone (the error rate, 0 on both sides, can never be significant).
    expect(cpu.pAdjusted).toBe(cpu.p);
    // Under the same settings p50, p99 and throughput join the family and CPU's p is adjusted up.
    const same = analyze({ baseline: run(CLOSED_16, closed), head: run(CLOSED_16, { ...closed, cpu: 0.24, p50: 11.5 }), options: options() });
    const sameCpu = metric(same, 'cpuPerRequest');
    expect(sameCpu.pAdjusted!).toBeGreaterThan(sameCpu.p! * 1.5);
    expect(same.scenarios[0]!.loadSettings).toEqual({ status: 'same' });
  });

  it('the same −79% throughput under the same settings regresses: it is the settings that hold it back', () => {
    const a = analyze({ baseline: run(CLOSED_16, closed), head: run(CLOSED_16, atRate), options: options() });
    expect(metric(a, 'throughput').status).toBe('regressed');
    expect(metric(a, 'throughput').change).toBeCloseTo(300 / 1430 - 1, 2);
    expect(a.verdict).toBe('fail');
  });

  it('another request leaves nothing comparable: the run passes on its budgets, not as "no baseline"', () => {
    const other = { ...CLOSED_16, path: '/api/orders' };
    const a = analyze({ baseline: run(CLOSED_16, closed), head: run(other, atRate), options: options() });
    expect(new Set(Object.values(statuses(a)))).toEqual(new Set(['not-comparable']));
    expect(a.verdict).toBe('pass');
    expect(a.reason).toBeUndefined();
    // A budget is checked on the head alone and still fails the run.
    const budgeted = analyze({ baseline: run(CLOSED_16, closed), head: run(other, atRate), options: options({ budgets: { p50: 1 } }) });
    expect(budgeted.verdict).toBe('fail');
  });

  it('a metric neither side has stays unavailable rather than not comparable', () => {
    const noRss = (r: Results): Results => ({
      ...r,
      scenarios: r.scenarios.map((s) => ({ ...s, variants: { head: { trials: s.variants.head!.trials.map((t) => ({ ...t, peakRssBytes: null })) } } })),
    });
    const a = analyze({ baseline: noRss(run(CLOSED_16, closed)), head: noRss(run(RATE_300, atRate)), options: options() });
    expect(metric(a, 'peakRss').status).toBe('unavailable');
  });

  it('keeps no run-level p and no widened threshold for an untested metric', () => {
    const history = [1400, 1500, 1350, 1600].map((throughput) => historyEntry({ api: { throughput, cpuPerRequest: 0.2, p50: 11 } }));
    const longer = { ...CLOSED_16, durationMs: 5000 };
    const a = analyze({ baseline: run(CLOSED_16, closed, { history }), head: run(longer, closed), options: options() });
    const t = metric(a, 'throughput');
    expect(t.status).toBe('not-comparable');
    expect(t.pRuns).toBeUndefined();
    expect(t.thresholdWidenedFrom).toBeUndefined();
    expect(t.threshold).toBe(0.05);
    expect(metric(a, 'cpuPerRequest').pRuns).toBeTypeOf('number');
    // Under the same settings the history's spread widens the throughput's threshold.
    const same = metric(analyze({ baseline: run(CLOSED_16, closed, { history }), head: run(CLOSED_16, closed), options: options() }), 'throughput');
    expect(same.thresholdWidenedFrom).toBe(0.05);
    expect(same.pRuns).toBeTypeOf('number');
  });

  it('a results file from before settings were recorded is compared as before, and says so', () => {
    const a = analyze({ baseline: run(null, closed), head: run(RATE_300, atRate), options: options() });
    expect(a.scenarios[0]!.loadSettings).toEqual({ status: 'unrecorded', missing: 'baseline' });
    expect(metric(a, 'throughput').status).toBe('regressed');
    const both = analyze({ baseline: run(null, closed), head: run(null, closed), options: options() });
    expect(both.scenarios[0]!.loadSettings).toEqual({ status: 'unrecorded', missing: 'both' });
    expect(analyze({ baseline: run(CLOSED_16, closed), head: run(null, closed), options: options() }).scenarios[0]!.loadSettings).toEqual({
      status: 'unrecorded', missing: 'head',
    });
  });

  it('is no question in paired mode or without a baseline: both sides share one run\'s settings', () => {
    const paired = results({ api: { base: trials([{ p50: 10 }, { p50: 10 }]), head: trials([{ p50: 10 }, { p50: 10 }]) } });
    const opts: AnalyzeOptions = options();
    expect(analyze({ baseline: null, head: paired, options: opts }).scenarios[0]).not.toHaveProperty('loadSettings');
    expect(analyze({ baseline: null, head: run(RATE_300, atRate), options: opts }).scenarios[0]).not.toHaveProperty('loadSettings');
  });
});

describe('INVALIDATED_BY', () => {
  it('another offered load invalidates all but the error rate; a longer trial keeps CPU; another request, everything', () => {
    for (const setting of ['profile', 'connections', 'rate'] as const) {
      expect(INVALIDATED_BY[setting]).toEqual(['p50', 'p90', 'p99', 'throughput', 'peakRss', 'cpuPerRequest']);
    }
    expect(INVALIDATED_BY.duration).toEqual(['p50', 'p90', 'p99', 'throughput', 'peakRss']);
    expect(INVALIDATED_BY['request-timeout']).toContain('errorRate');
    expect(INVALIDATED_BY['request-timeout']).not.toContain('cpuPerRequest');
    for (const setting of ['method', 'path', 'headers', 'body', 'expect-status'] as const) {
      expect(INVALIDATED_BY[setting]).toHaveLength(7);
    }
  });
});
