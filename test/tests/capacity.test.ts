import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLatencyHistogram, encodeHistogram, type LoadOutcome, type LoadProfile } from '../../src/load/index.js';
import type { MeasureDeps, VariantTarget } from '../../src/measure/measure.js';
import type { RunningService, ServiceSpec } from '../../src/service/index.js';
import { analyzeCapacity } from '../../src/tests/capacity/analyze.js';
import type { CapacityRun } from '../../src/tests/capacity/measure.js';
import { capacityKind } from '../../src/tests/capacity/index.js';
import type { CapacitySettings } from '../../src/tests/capacity/settings.js';
import type { TestSpec } from '../../src/tests/kind.js';

/**
 * A fake world whose services have a known capacity (req/s) per variant, and a load engine that
 * answers like a saturating queue: below capacity everything is delivered at 20 ms; above it only
 * the capacity is delivered and p99 grows with the excess. Records starts, stops and loads.
 */
function world(capacity: Record<string, number>) {
  const events: string[] = [];
  let starts = 0;
  const deps: MeasureDeps = {
    async startService(spec: ServiceSpec) {
      starts++;
      events.push(`start ${spec.name}`);
      return { pid: starts, spec, checkAlive() {}, stop: async () => void events.push(`stop ${spec.name}`) } as unknown as RunningService;
    },
    async runLoad(target, profile: LoadProfile, o): Promise<LoadOutcome> {
      const variant = target.url.includes(':3001') ? 'base' : 'head';
      const rate = profile.kind === 'rate' ? profile.rate : 0;
      events.push(`load ${variant} ${Math.round(rate)} for ${o.durationMs} on ${profile.connections}`);
      const cap = capacity[variant]!;
      const achieved = Math.min(rate, cap);
      const p99 = rate <= cap ? 20 : 20 + 1000 * (rate / cap - 1);
      // The first answer comes after 20 ms: the delivered rate counts from there (deliveredRate).
      const successes = (achieved * (o.durationMs - 20)) / 1000;
      const histogram = createLatencyHistogram();
      histogram.recordValue(20_000);
      return {
        durationMs: o.durationMs, requests: successes, errors: 0, statusCounts: {}, errorCounts: {},
        successes, throughput: achieved,
        latencyMs: { p50: p99 / 2, p90: p99, p95: p99, p99, max: p99, mean: p99 / 2 }, histogram: encodeHistogram(histogram), targetRate: rate,
        overloaded: achieved < 0.95 * rate, connectionMode: 'keep-alive', littlesLaw: null,
      };
    },
    sampleUsage: () => ({ ready: Promise.resolve(), stop: async () => ({ cpuMs: 500, peakRssBytes: 5e7, interference: null }) }),
    sampleSeries: () => ({ stop: async () => [], serviceExited: false, missedReadings: 0 }),
    parseStatusSpec: () => (s: number) => s < 300,
    now: () => 0,
    log: (line) => events.push(`log ${line}`),
  };
  return { deps, events };
}

const config = loadConfig({
  fileText: `start: node s.js
port: 3000
compare: variants
variants: { base: { port: 3001 } }
scenarios:
  - { name: items, path: /items }
tests:
  - kind: capacity
    start-rate: 100
    step-factor: 1.25
    step-duration: 1s
    warmup: 500ms
    max-rate: 1000
    repeats: 3
    budgets: { p99: 100ms }
`,
});

function variants(): VariantTarget[] {
  return ['base', 'head'].map((name) => ({
    name,
    commit: null,
    service: { name, command: 'x', cwd: '.', env: {}, port: name === 'base' ? 3001 : 3000, ready: { timeoutMs: 1 }, logFile: '/dev/null' },
    urlFor: (s) => s.url.replace(':3000', name === 'base' ? ':3001' : ':3000'),
  }));
}

const spec = config.tests[0] as TestSpec<CapacitySettings>;

describe('capacity test: measuring', () => {
  it('ramps each variant on a fresh start, alternating which goes first, and stops at the first broken step', async () => {
    const w = world({ base: 200, head: 160 });
    const runs = await capacityKind.measure({ test: spec, scenario: config.scenarios[0]!, config, variants: variants(), deps: w.deps });
    const order = w.events.filter((e) => e.startsWith('start') || e.startsWith('stop'));
    expect(order).toEqual([
      'start base', 'stop base', 'start head', 'stop head',
      'start head', 'stop head', 'start base', 'stop base',
      'start base', 'stop base', 'start head', 'stop head',
    ]);
    // Warmup at the start rate, then 100, 125, 156, 195, 244 (the first above 200 breaks p99).
    const baseLoads = w.events.filter((e) => e.startsWith('load base')).slice(0, 6);
    expect(baseLoads).toEqual([
      'load base 100 for 500 on 20', 'load base 100 for 1000 on 20', 'load base 125 for 1000 on 25',
      'load base 156 for 1000 on 32', 'load base 195 for 1000 on 40', 'load base 244 for 1000 on 49',
    ]);
    expect(runs.base!.map((r) => r.steps.length)).toEqual([5, 5, 5]);
    expect(runs.head!.map((r) => r.steps.map((s) => Math.round(s.offered)))).toEqual([[100, 125, 156, 195], [100, 125, 156, 195], [100, 125, 156, 195]]);
    expect(runs.base![0]!.steps[0]).toMatchObject({ offered: 100, achieved: 100, p99: 20, cpuCores: 0.5, rssBytes: 5e7, connections: 20 });
    expect(runs.base!.map((r) => r.process)).toEqual([0, 1, 2]);
  });
});

describe('capacity test: analysis', () => {
  const run = (cap: number, jitter: number): CapacityRun => ({
    process: 0,
    // Saturation at `cap`: the 25% step above it delivers only cap, p99 climbs past the SLO.
    steps: [100, 125, 156.25, 195.3125, 244.140625].filter((r) => r / 1.25 < cap * jitter).map((r) => ({
      offered: r, achieved: Math.min(r, cap * jitter), p50: 10, p95: 18, p99: r <= cap * jitter ? 20 : 500, mean: 10,
      requests: 100, errorRate: 0, connections: 16, cpuCores: null, rssBytes: null,
    })),
  });

  it('fails a significant 20% drop in capacity (paired t test on log capacity)', () => {
    const base = [run(200, 1), run(200, 1.01), run(200, 0.99), run(200, 1.02), run(200, 0.995)];
    const head = [run(160, 1), run(160, 1.005), run(160, 0.99), run(160, 1.01), run(160, 1)];
    const a = analyzeCapacity({ test: spec, scenario: 'items', baseline: base, head, paired: true, alpha: 0.01, confidence: 0.95 });
    expect(a.status).toBe('regressed');
    expect(a.verdict).toBe('fail');
    expect(a.change!).toBeLessThan(-0.15);
    expect(a.change!).toBeGreaterThan(-0.25);
    expect(a.p!).toBeLessThan(0.01);
    expect(a.failures[0]).toMatch(/^capacity of items fell −\d+\.\d% \(\d+ → \d+ req\/s; 95% CI −\d+\.\d% to −\d+\.\d%, p [<=] 0\.\d+\)$/);
  });

  it('passes the same capacity (interval inside ±10%), and is no-baseline without one', () => {
    const base = [run(200, 1), run(200, 1.01), run(200, 0.99)];
    const head = [run(200, 1.005), run(200, 0.995), run(200, 1)];
    const a = analyzeCapacity({ test: spec, scenario: 'items', baseline: base, head, paired: true, alpha: 0.01, confidence: 0.95 });
    expect(a.status).toBe('unchanged');
    expect(a.verdict).toBe('pass');
    const alone = analyzeCapacity({ test: spec, scenario: 'items', baseline: null, head, paired: false, alpha: 0.01, confidence: 0.95 });
    expect(alone.verdict).toBe('no-baseline');
    expect(alone.head.capacity).not.toBeNull();
  });

  it('does not test ramps that reached max-rate, and says why', () => {
    const high: CapacityRun = { process: 0, steps: [{ offered: 1000, achieved: 1000, p50: 1, p95: 1, p99: 1, mean: 1, requests: 1, errorRate: 0, connections: 8, cpuCores: null, rssBytes: null }] };
    const a = analyzeCapacity({ test: spec, scenario: 'items', baseline: [high, high], head: [high, high], paired: true, alpha: 0.01, confidence: 0.95 });
    expect(a.status).toBeNull();
    expect(a.untested).toBe('a ramp reached max-rate (1000 req/s) within the SLO: raise max-rate');
    expect(a.verdict).toBe('inconclusive');
    expect(a.head.atMax).toBe(true);
  });

  it('checks the capacity budget and plans headroom from production traffic', () => {
    const s = { ...spec, settings: { ...spec.settings, budgets: { ...spec.settings.budgets, capacity: 180 }, traffic: 50 } };
    const head = [run(160, 1), run(160, 1.01), run(160, 0.99)];
    const a = analyzeCapacity({ test: s, scenario: 'items', baseline: null, head, paired: false, alpha: 0.01, confidence: 0.95 });
    expect(a.budget).toMatchObject({ limit: 180, ok: false });
    expect(a.verdict).toBe('fail');
    expect(a.planning!.headroom).toBeCloseTo(a.head.capacity! / 50, 12);
    expect(a.planning!.instancesFor10x).toBe(Math.ceil(500 / a.head.capacity!));
  });
});
