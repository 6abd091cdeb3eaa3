import * as f from '../../config/fields.js';
import { COMMON_TEST_FIELDS, FieldReader } from '../fields.js';

/** The service-level objective a step must meet, and the floor on capacity. Times in ms, rates as fractions. */
export interface CapacityBudgets {
  p50?: number;
  p95?: number;
  p99?: number;
  /** Share of requests that failed; a step above it breaks the SLO. Default 1%. */
  errorRate: number;
  /** Minimum capacity at the SLO, requests per second: a head below it fails. */
  capacity?: number;
}

export interface CapacitySettings {
  /** Offered rate of the first step, requests per second. */
  startRate: number;
  /** Each step offers this many times the previous one. */
  stepFactor: number;
  stepMs: number;
  /** Load at the start rate before the first step, after every start of the service. */
  warmupMs: number;
  /** No step offers more; a ramp that reaches it without breaking the SLO reports "at least". */
  maxRate: number;
  /** Ramps per variant, each on a fresh start of its service: the test's sample. */
  repeats: number;
  /** Connections of every step; null: enough for the step's rate at the latency SLO (connectionsFor). */
  connections: number | null;
  budgets: CapacityBudgets;
  /** A drop of capacity beyond this (a fraction) that is significant fails. */
  threshold: number;
  /** Today's peak production traffic, requests per second: for headroom and capacity planning. */
  traffic: number | null;
}

export const CAPACITY_FIELDS = [
  'start-rate', 'step-factor', 'step-duration', 'warmup', 'max-rate', 'repeats', 'connections', 'budgets', 'threshold', 'traffic',
] as const;

const BUDGET_KEYS = ['p50', 'p95', 'p99', 'error-rate', 'capacity'] as const;

export const CAPACITY_DEFAULTS = {
  startRate: 10,
  // ×1.25 a step: from 10 req/s a ramp reaches 1,000 req/s in 21 steps, and interpolating between
  // two steps 25% apart puts capacity within a few percent (the benchmark measures it).
  stepFactor: 1.25,
  stepMs: 2_000,
  warmupMs: 1_000,
  maxRate: 10_000,
  // A t test on log capacity with 5 pairs reaches p < 0.01 once the ratio is consistent
  // (t(0.995, 4) = 4.6); 3 pairs would need t > 9.9.
  repeats: 5,
  errorRate: 0.01,
  threshold: 0.1,
} as const;

export function parseCapacitySettings(raw: Record<string, unknown>, at: string, problems: string[]): CapacitySettings {
  const r = new FieldReader(raw, at, problems);
  r.unknownFields([...COMMON_TEST_FIELDS, ...CAPACITY_FIELDS]);
  const rate = (v: unknown) => f.positiveNumber(v, 'requests per second');
  const budgets = r.map('budgets', BUDGET_KEYS, (key, v) => {
    if (key === 'error-rate') return f.percent(v, { max: 100 });
    if (key === 'capacity') return f.positiveNumber(v, 'requests per second');
    return f.duration(v, 'ms');
  });
  const stepFactor = r.get('step-factor', (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    return Number.isFinite(n) && n > 1 && n <= 4 ? { ok: true as const, value: n } : { ok: false as const, message: `${f.show(v)} is not a step factor; write a number above 1 and at most 4, e.g. 1.25` };
  }, CAPACITY_DEFAULTS.stepFactor);
  const stepMs = r.get('step-duration', (v) => f.duration(v, 's'), CAPACITY_DEFAULTS.stepMs);
  if (stepMs < 250) r.problem('step-duration', `${stepMs} ms is too short to measure a p99; write at least "250ms"`);
  const settings: CapacitySettings = {
    startRate: r.get('start-rate', rate, CAPACITY_DEFAULTS.startRate),
    stepFactor,
    stepMs,
    warmupMs: r.get('warmup', (v) => f.duration(v, 's'), CAPACITY_DEFAULTS.warmupMs),
    maxRate: r.get('max-rate', rate, CAPACITY_DEFAULTS.maxRate),
    repeats: r.get('repeats', (v) => f.integer(v, 2, 100), CAPACITY_DEFAULTS.repeats),
    connections: r.get<number | null>('connections', (v) => f.integer(v, 1, 1000), null),
    budgets: {
      p50: budgets.p50,
      p95: budgets.p95,
      p99: budgets.p99,
      errorRate: budgets['error-rate'] ?? CAPACITY_DEFAULTS.errorRate,
      capacity: budgets.capacity,
    },
    threshold: r.get('threshold', (v) => f.percent(v, { max: 99 }), CAPACITY_DEFAULTS.threshold),
    traffic: r.get<number | null>('traffic', rate, null),
  };
  if (settings.maxRate < settings.startRate) {
    r.problem('max-rate', `${settings.maxRate} req/s is below start-rate (${settings.startRate} req/s)`);
  }
  return settings;
}
