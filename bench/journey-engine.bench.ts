/**
 * Journey engine benchmark (issue 19): perfgate's throughput on a 3-step journey against a
 * hand-written autocannon `requests` array doing the same steps (goal >= 0.85).
 *
 * The journey, on the example service (a child process): POST /login captures the token from the
 * body, GET /api/me and GET /api/items/7 send it as a bearer token. Steps without timers, so both
 * engines run at the speed of the machine, not of a service's waits. perfgate's side is the
 * scenario as perfgate.yml would say it (loadConfig, the journey kind's program, runLoad: the
 * templates, the capture by JSON path, the per-step µs histograms and the journey histogram); the
 * hand-written side is what a user would write with autocannon alone: a JSON.parse in onResponse,
 * the token in the context, and autocannon's own millisecond histograms. Alternating pairs
 * (P B, B P, ...) so drift hits both; the ratio is the median of per-pair ratios of completed
 * requests a second (every step of either engine counts as one).
 * Run from the repository root. Environment:
 *   PERFGATE_BENCH_TRIAL_S  seconds per trial (default 5)
 *   PERFGATE_BENCH_PAIRS    alternating pairs (default 4)
 * Writes bench/results/journey-engine.json and prints a markdown table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { alternatingPairs, engineTable, machine, mean, numberFromEnv, pairedThroughput, startExampleService, type Engine } from './engine-pairs.js';
import { loadConfig } from '../src/config/load.js';
import { parseStatusSpec, runLoad } from '../src/load/index.js';
import type { LoadProfile, LoadTarget } from '../src/load/index.js';
import { scenarioKind } from '../src/scenarios/registry.js';

const CONNECTIONS = 16;
const TRIAL_S = numberFromEnv('PERFGATE_BENCH_TRIAL_S', 5);
const PAIRS = numberFromEnv('PERFGATE_BENCH_PAIRS', 4);
const THROUGHPUT_GOAL = 0.85;

interface Trial {
  engine: Engine;
  /** Completed requests (steps) a second. */
  throughput: number;
  requests: number;
  journeys: number | null;
  errors: number;
  /** CPU time of this process (the load generator) per request, microseconds. */
  cpuUsPerRequest: number;
}

export async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0] ?? 0;
  const server = await startExampleService();
  const config = loadConfig({
    fileText: `url: ${server.origin}
scenarios:
  - name: journey
    journey:
      - { name: login, method: POST, path: /login, body: { user: bench }, capture: { token: $.token } }
      - { name: me, path: /api/me, headers: { authorization: "Bearer {{token}}" } }
      - { name: item, path: /api/items/7, headers: { authorization: "Bearer {{token}}" } }
`,
  });
  const scenario = config.scenarios[0]!;
  const target: LoadTarget = {
    url: scenario.url,
    method: 'GET',
    headers: {},
    isExpectedStatus: parseStatusSpec('2xx'),
    traffic: scenarioKind(scenario.traffic!).program(scenario.traffic!, parseStatusSpec),
  };
  const profile: LoadProfile = { kind: 'closed', connections: CONNECTIONS };
  let results;
  try {
    await runLoad(target, profile, { durationMs: 1000 });
    await bareTrial(server.origin, 1);

    const trials = await alternatingPairs(
      PAIRS,
      (engine) => (engine === 'perfgate' ? perfgateTrial(target, profile) : bareTrial(server.origin, TRIAL_S)),
      (t) => `, ${t.errors} errors`,
    );
    results = summarize(trials, loadAtStart);
  } finally {
    await server.stop();
  }
  await mkdir(path.resolve('bench/results'), { recursive: true });
  await writeFile(path.resolve('bench/results/journey-engine.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderTable(results));
}

async function perfgateTrial(target: LoadTarget, profile: LoadProfile): Promise<Trial> {
  const cpu = process.cpuUsage();
  const o = await runLoad(target, profile, { durationMs: TRIAL_S * 1000 });
  const used = process.cpuUsage(cpu);
  const seconds = o.durationMs / 1000;
  return {
    engine: 'perfgate',
    throughput: o.successes / seconds,
    requests: o.requests,
    journeys: o.units?.completed ?? null,
    errors: o.errors,
    cpuUsPerRequest: (used.user + used.system) / o.requests,
  };
}

/** The same three steps written against autocannon directly, as its README shows for `requests`. */
async function bareTrial(origin: string, seconds: number): Promise<Trial> {
  const cpu = process.cpuUsage();
  const bearer = (context: object) => ({ authorization: `Bearer ${String((context as { token?: string }).token)}` });
  const r = await autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/login',
        body: JSON.stringify({ user: 'bench' }),
        onResponse: (_status, body, context) => {
          (context as { token?: string }).token = (JSON.parse(body) as { token: string }).token;
        },
      },
      { path: '/api/me', setupRequest: (req, context) => ({ ...req, headers: bearer(context) }) },
      { path: '/api/items/7', setupRequest: (req, context) => ({ ...req, headers: bearer(context) }) },
    ],
  });
  const used = process.cpuUsage(cpu);
  const requests = r.requests.total;
  const errors = r.errors + r.non2xx + r.timeouts;
  return { engine: 'bare', throughput: (requests - r.non2xx) / r.duration, requests, journeys: null, errors, cpuUsPerRequest: (used.user + used.system) / requests };
}

function summarize(trials: Trial[], loadAtStart: number) {
  const { perfgate, bare, pairRatios, ratio } = pairedThroughput(trials);
  return {
    benchmark: 'journey-engine',
    createdAt: new Date().toISOString(),
    environment: machine(loadAtStart),
    settings: { connections: CONNECTIONS, trialSeconds: TRIAL_S, pairs: PAIRS, steps: 3 },
    throughput: {
      perfgateReqPerS: mean(perfgate.map((t) => t.throughput)),
      bareReqPerS: mean(bare.map((t) => t.throughput)),
      ratio,
      pairRatios,
      goal: THROUGHPUT_GOAL,
      met: ratio >= THROUGHPUT_GOAL,
    },
    generatorCpuUsPerRequest: { perfgate: mean(perfgate.map((t) => t.cpuUsPerRequest)), bare: mean(bare.map((t) => t.cpuUsPerRequest)) },
    errors: { perfgate: perfgate.reduce((n, t) => n + t.errors, 0), bare: bare.reduce((n, t) => n + t.errors, 0) },
    trials,
  };
}

function renderTable(r: ReturnType<typeof summarize>): string {
  const f = (x: number, digits = 0) => x.toFixed(digits);
  const rows = [
    ['throughput, perfgate journey (steps/s, mean)', f(r.throughput.perfgateReqPerS), ''],
    ['throughput, hand-written autocannon requests (steps/s, mean)', f(r.throughput.bareReqPerS), ''],
    ['throughput ratio perfgate / hand-written (median of pairs)', f(r.throughput.ratio, 3), `>= ${THROUGHPUT_GOAL} ${r.throughput.met ? 'met' : 'MISSED'}`],
    ['ratio per pair', r.throughput.pairRatios.map((x) => f(x, 3)).join(', '), ''],
    ['load generator CPU per request, perfgate / hand-written (µs)', `${f(r.generatorCpuUsPerRequest.perfgate, 1)} / ${f(r.generatorCpuUsPerRequest.bare, 1)}`, ''],
    ['errors, perfgate / hand-written', `${r.errors.perfgate} / ${r.errors.bare}`, ''],
  ];
  return engineTable('Journey engine', '3 steps', r.settings, r.environment, rows);
}
