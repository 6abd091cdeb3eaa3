import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { LoadError, ServiceError } from '../../src/errors.js';
import type { LoadOutcome } from '../../src/load/index.js';
import { measure, type MeasureDeps, type VariantTarget } from '../../src/measure/measure.js';
import type { RunningService, ServiceSpec } from '../../src/service/index.js';

/** Measuring with fake services and a fake load engine: the loop's logic, without processes. */
function fakeWorld(opts: { otherCpu?: (call: number) => number; failWarmup?: boolean; crashAt?: number; machineMs?: number } = {}) {
  const events: string[] = [];
  let clock = 0;
  let loadCalls = 0;
  let trialCalls = 0;
  const services: { name: string; stopped: boolean }[] = [];
  const deps: MeasureDeps = {
    async startService(spec: ServiceSpec) {
      const s = { name: spec.name, stopped: false };
      services.push(s);
      events.push(`start ${spec.name}`);
      const running = {
        pid: 1,
        spec,
        exited: false,
        checkAlive() {
          if (opts.crashAt !== undefined && trialCalls >= opts.crashAt) throw new ServiceError(`service "${spec.name}" exited with code 1 during measurement`);
        },
        usage: async () => ({ cpuMs: 0, rssBytes: 0 }),
        logTail: () => '',
        stop: async () => {
          s.stopped = true;
          events.push(`stop ${spec.name}`);
        },
      };
      return running as unknown as RunningService;
    },
    async runLoad(target, _profile, o): Promise<LoadOutcome> {
      loadCalls++;
      clock += o.durationMs;
      const warm = o.durationMs !== 1000;
      if (!warm) trialCalls++;
      events.push(`${warm ? 'warm' : 'load'} ${target.url}`);
      // A real load takes time: yield to the event loop, so loads of one group can overlap.
      await new Promise((r) => setTimeout(r, 0));
      if (!warm) events.push(`done ${target.url}`);
      const failing = warm && opts.failWarmup;
      return {
        durationMs: o.durationMs,
        requests: 100,
        errors: failing ? 100 : 0,
        statusCounts: failing ? {} : { 200: 100 },
        errorCounts: failing ? { ECONNREFUSED: 100 } : {},
        successes: failing ? 0 : 100,
        throughput: 100,
        latencyMs: { p50: 1, p90: 2, p95: 2, p99: 3, max: 4, mean: 1.2 },
        histogram: 'x',
        targetRate: null,
        overloaded: false,
        connectionMode: 'keep-alive',
        littlesLaw: { connections: 16, inFlight: 15.9, holds: true },
      };
    },
    sampleUsage() {
      const call = trialCalls;
      return { ready: Promise.resolve(), stop: async () => ({ cpuMs: 50, peakRssBytes: 1e6, interference: { otherCpu: opts.otherCpu?.(call) ?? 0, steal: 0 }, machineMs: opts.machineMs ?? 4000 }) };
    },
    // measure() takes no series; a soak test does.
    sampleSeries: () => ({ stop: async () => [], serviceExited: false, missedReadings: 0 }),
    parseStatusSpec: () => (s: number) => s < 300,
    now: () => clock,
    log: (line) => events.push(`log ${line}`),
  };
  return { deps, events, services, calls: () => loadCalls };
}

const config = loadConfig({
  fileText: `start: node s.js
port: 3000
scenarios:
  - { name: a, path: /a }
  - { name: b, path: /b }
warmup: 500ms
duration: 1s
min-rounds: 2
max-rounds: 3
rounds-per-process: 1
`,
});
const simultaneous = loadConfig({ fileText: `start: node s.js
port: 3000
scenarios:
  - { name: a, path: /a }
warmup: 500ms
duration: 1s
min-rounds: 2
max-rounds: 2
pairing: simultaneous
rounds-per-process: 1
` });

function variants(): VariantTarget[] {
  return ['base', 'head'].map((name) => ({
    name,
    commit: null,
    service: { name, command: 'x', cwd: '.', env: {}, port: name === 'base' ? 3001 : 3000, ready: { timeoutMs: 1 }, logFile: '/dev/null' },
    urlFor: (s) => s.url.replace(':3000', name === 'base' ? ':3001' : ':3000'),
  }));
}

describe('measure', () => {
  test('runs interleaved rounds of every scenario and variant, then stops the services', async () => {
    const w = fakeWorld();
    const m = await measure({ config, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    expect(m.rounds).toBe(3);
    const a = m.scenarios[0]!;
    expect(a.variants.base!.trials.map((t) => [t.round, t.order])).toEqual([[0, 0], [1, 5], [2, 8]]);
    expect(a.variants.head!.trials.map((t) => [t.round, t.order])).toEqual([[0, 1], [1, 4], [2, 9]]);
    expect(a.variants.head!.trials[0]).toMatchObject({
      cpuMsPerRequest: 0.5, peakRssBytes: 1e6, requests: 100, errors: 0,
      connectionMode: 'keep-alive', littlesLaw: { connections: 16, inFlight: 15.9, holds: true },
    });
    const loads = w.events.filter((e) => e.startsWith('load'));
    expect(loads.slice(0, 4)).toEqual([
      'load http://127.0.0.1:3001/a',
      'load http://127.0.0.1:3000/a',
      'load http://127.0.0.1:3000/b',
      'load http://127.0.0.1:3001/b',
    ]);
    expect(w.services.every((s) => s.stopped)).toBe(true);
    expect(w.events.filter((e) => e.startsWith('log round'))).toHaveLength(3);
  });

  test('alternating pairing (the default) runs one trial at a time', async () => {
    const w = fakeWorld();
    await measure({ config, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    const trials = w.events.filter((e) => e.startsWith('load') || e.startsWith('done'));
    expect(trials.slice(0, 4)).toEqual(['load http://127.0.0.1:3001/a', 'done http://127.0.0.1:3001/a', 'load http://127.0.0.1:3000/a', 'done http://127.0.0.1:3000/a']);
  });

  test('simultaneous pairing loads base and head at the same time, the start order alternating', async () => {
    const w = fakeWorld();
    const m = await measure({ config: simultaneous, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    const trials = w.events.filter((e) => e.startsWith('load') || e.startsWith('done'));
    expect(trials).toEqual([
      'load http://127.0.0.1:3001/a',
      'load http://127.0.0.1:3000/a',
      'done http://127.0.0.1:3001/a',
      'done http://127.0.0.1:3000/a',
      'load http://127.0.0.1:3000/a',
      'load http://127.0.0.1:3001/a',
      'done http://127.0.0.1:3000/a',
      'done http://127.0.0.1:3001/a',
    ]);
    const [base, head] = [m.scenarios[0]!.variants.base!.trials, m.scenarios[0]!.variants.head!.trials];
    expect(base.map((t) => t.round)).toEqual([0, 1]);
    expect(head.map((t) => t.round)).toEqual([0, 1]);
    expect(base.map((t) => t.startedAt)).toEqual(head.map((t) => t.startedAt));
  });

  test("simultaneous trials do not count each other's service as interference", async () => {
    // Each sampler sees 45% of the machine used by others; 50 ms of that in 200 ms is the other
    // variant's service (25%), which leaves 20%: below the limit, nothing is measured again.
    const together = fakeWorld({ otherCpu: () => 0.45, machineMs: 200 });
    const m = await measure({ config: simultaneous, variants: variants(), minRoundsForSignificance: 2 }, together.deps);
    expect(m.disturbedRounds).toBe(0);
    expect(m.scenarios[0]!.variants.head!.trials[0]!.interference!.otherCpu).toBeCloseTo(0.2, 10);
    // One after the other, the same 45% is somebody else's: three rounds measured again, and the
    // three kept are still disturbed.
    const alone = fakeWorld({ otherCpu: () => 0.45, machineMs: 200 });
    expect((await measure({ config, variants: variants(), minRoundsForSignificance: 2 }, alone.deps)).disturbedRounds).toBe(6);
  });

  test('ends early when the stop predicate says every metric is decided', async () => {
    const w = fakeWorld();
    const asked: number[] = [];
    const m = await measure(
      { config, variants: variants(), minRoundsForSignificance: 2, shouldStop: (_s, rounds) => (asked.push(rounds), true) },
      w.deps,
    );
    expect(asked).toEqual([2]);
    expect(m.rounds).toBe(2);
    expect(m.stoppedEarly).toBe(true);
  });

  test('repeats a round disturbed by other processes, a bounded number of times', async () => {
    const w = fakeWorld({ otherCpu: (call) => (call < 8 ? 0.9 : 0) });
    const m = await measure({ config, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    expect(m.disturbedRounds).toBe(2);
    expect(m.rounds).toBe(3);
    expect(m.scenarios[0]!.variants.base!.trials.map((t) => t.round)).toEqual([0, 1, 2]);
    expect(w.events.filter((e) => e.includes('measuring it again'))).toEqual([
      'log round 1: other processes used 90% of the CPU; measuring it again',
      'log round 1: other processes used 90% of the CPU; measuring it again',
    ]);
  });

  test('a service that dies mid-run fails the run and every service is still stopped', async () => {
    const w = fakeWorld({ crashAt: 3 });
    await expect(measure({ config, variants: variants(), minRoundsForSignificance: 2 }, w.deps)).rejects.toThrow(
      new ServiceError('service "head" exited with code 1 during measurement'),
    );
    expect(w.services.map((s) => s.stopped)).toEqual([true, true]);
  });

  test('a target that fails every warmup request is a clear error, not a fast success', async () => {
    const w = fakeWorld({ failWarmup: true });
    await expect(measure({ config, variants: variants(), minRoundsForSignificance: 2 }, w.deps)).rejects.toThrow(
      new LoadError('every warmup request of scenario "a" to base (http://127.0.0.1:3001/a) failed: ECONNREFUSED ×100'),
    );
    expect(w.services.every((s) => s.stopped)).toBe(true);
  });

  test('with rounds-per-process 1 every round runs on fresh processes of both variants, the start order alternating', async () => {
    const w = fakeWorld();
    const m = await measure({ config, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    const lifecycle = w.events.filter((e) => e.startsWith('start') || e.startsWith('stop'));
    expect(lifecycle).toEqual(['start base', 'start head', 'stop base', 'stop head', 'start head', 'start base', 'stop head', 'stop base', 'start base', 'start head', 'stop base', 'stop head']);
    expect(m.roundsPerProcess).toBe(1);
    expect(m.scenarios[1]!.variants.head!.trials.map((t) => t.process)).toEqual([0, 1, 2]);
  });
});

describe('measure: a fresh process every few rounds', () => {
  const blocks = loadConfig({ fileText: `start: node s.js
port: 3000
scenarios:
  - { name: a, path: /a }
warmup: 500ms
duration: 1s
min-rounds: 3
max-rounds: 6
rounds-per-process: 2
` });

  test('restarts both services after every two rounds, warms each process up, and records the process of each trial', async () => {
    const w = fakeWorld();
    const m = await measure({ config: blocks, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    expect(m.rounds).toBe(6);
    expect(m.roundsPerProcess).toBe(2);
    expect(m.plan).toMatchObject({ minRounds: 4, maxRounds: 6, roundsPerProcess: 2 });
    const base = m.scenarios[0]!.variants.base!.trials;
    const head = m.scenarios[0]!.variants.head!.trials;
    expect(base.map((t) => [t.round, t.process])).toEqual([[0, 0], [1, 0], [2, 1], [3, 1], [4, 2], [5, 2]]);
    expect(head.map((t) => t.process)).toEqual([0, 0, 1, 1, 2, 2]);
    // Every start is followed by a warmup of that process before any trial.
    const seq = w.events.filter((e) => /^(start|stop|warm|load)/.test(e)).map((e) => e.replace('http://127.0.0.1:', ''));
    expect(seq.slice(0, 10)).toEqual(['start base', 'start head', 'warm 3001/a', 'warm 3000/a', 'load 3001/a', 'load 3000/a', 'load 3000/a', 'load 3001/a', 'stop base', 'stop head']);
    // The next process mirrors it: head started, warmed and measured first (H B B H), so neither
    // variant is always the first one measured on a fresh process.
    expect(seq.slice(10, 18)).toEqual(['start head', 'start base', 'warm 3000/a', 'warm 3001/a', 'load 3000/a', 'load 3001/a', 'load 3001/a', 'load 3000/a']);
    expect(seq.slice(20, 28)).toEqual(['start base', 'start head', 'warm 3001/a', 'warm 3000/a', 'load 3001/a', 'load 3000/a', 'load 3000/a', 'load 3001/a']);
    expect(w.services).toHaveLength(6);
    expect(w.services.every((s) => s.stopped)).toBe(true);
  });

  test('with one round a process, the variant measured first alternates from process to process', async () => {
    const w = fakeWorld();
    await measure({ config: { ...blocks, load: { ...blocks.load, roundsPerProcess: 1 } }, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    const loads = w.events.filter((e) => e.startsWith('load ')).map((e) => e.replace('load http://127.0.0.1:', ''));
    expect(loads.slice(0, 8)).toEqual(['3001/a', '3000/a', '3000/a', '3001/a', '3001/a', '3000/a', '3000/a', '3001/a']);
  });

  test('asks whether to stop only when a process block is complete', async () => {
    const w = fakeWorld();
    const asked: number[] = [];
    const m = await measure({ config: blocks, variants: variants(), minRoundsForSignificance: 2, shouldStop: (_s, rounds) => (asked.push(rounds), rounds >= 4) }, w.deps);
    expect(asked).toEqual([4]);
    expect(m.rounds).toBe(4);
    expect(m.stoppedEarly).toBe(true);
  });

  test('a round measured again after interference stays on the same processes', async () => {
    const w = fakeWorld({ otherCpu: (call) => (call === 2 || call === 3 ? 0.9 : 0) });
    const m = await measure({ config: blocks, variants: variants(), minRoundsForSignificance: 2 }, w.deps);
    expect(m.disturbedRounds).toBe(1);
    expect(w.services).toHaveLength(6);
    expect(m.scenarios[0]!.variants.head!.trials.map((t) => [t.round, t.process])).toEqual([[0, 0], [1, 0], [2, 1], [3, 1], [4, 2], [5, 2]]);
  });

  test('a variant without a start command (already running) means no restarts, and rounds are the units', async () => {
    const w = fakeWorld();
    const vs = variants();
    vs[0] = { ...vs[0]!, service: null };
    const m = await measure({ config: blocks, variants: vs, minRoundsForSignificance: 2 }, w.deps);
    expect(m.roundsPerProcess).toBeNull();
    expect(w.services).toHaveLength(1);
    expect(m.scenarios[0]!.variants.head!.trials.every((t) => t.process === undefined)).toBe(true);
    expect(w.events).toContain('log note: a variant has no start command, so no service is restarted: rounds, not processes, are the unit of the test');
  });
});

describe('measure: a shard of the suite', () => {
  const suite = loadConfig({
    fileText: `start: node s.js
port: 3000
scenarios:
  - { name: a, path: /a }
  - { name: b, path: /b }
  - { name: c, path: /c }
  - { name: d, path: /d }
warmup: 500ms
duration: 1s
min-rounds: 2
max-rounds: 30
max-duration: 40s
rounds-per-process: 1
`,
  });
  const shardOfA = { ...suite, scenarios: suite.scenarios.filter((s) => s.name === 'a') };

  test('measures the rounds the whole suite would, not as many as its own share of the budget allows', async () => {
    const whole = await measure({ config: suite, variants: variants(), minRoundsForSignificance: 2 }, fakeWorld().deps);
    const w = fakeWorld();
    const shard = await measure({ config: shardOfA, variants: variants(), minRoundsForSignificance: 2, roundsAsFor: ['a', 'b', 'c', 'd'] }, w.deps);
    const alone = await measure({ config: shardOfA, variants: variants(), minRoundsForSignificance: 2 }, fakeWorld().deps);
    expect(shard.rounds).toBe(whole.rounds);
    expect(shard.plan.maxRounds).toBe(whole.plan.maxRounds);
    // One scenario of four: a round is a quarter as long, so alone it would fill 40 s with more rounds.
    expect(alone.rounds).toBeGreaterThan(whole.rounds);
    expect(shard.plan.roundMs * 4).toBe(whole.plan.roundMs);
    expect(w.events).toContain(`log note: a shard measures the rounds the whole suite plans (2 to ${whole.plan.maxRounds}), in its share of the time`);
  });
});
