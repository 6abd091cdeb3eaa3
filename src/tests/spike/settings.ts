import * as f from '../../config/fields.js';
import { COMMON_TEST_FIELDS, FieldReader } from '../fields.js';

export interface SpikeBudgets {
  /** Errors over requests from the spike's start until recovery. */
  errorRate?: number;
  /** The highest interval p99 from the spike's start until recovery, ms. */
  p99?: number;
  /** Recovery time, ms; not recovering by the end of the run breaks it. */
  recoveryMs?: number;
}

export interface SpikeSettings {
  baseRate: number;
  /** The spike offers factor × baseRate. */
  factor: number;
  beforeMs: number;
  spikeMs: number;
  afterMs: number;
  intervalMs: number;
  /** p99 is back once within this share above its level before the spike. */
  tolerance: number;
  settleMs: number;
  warmupMs: number;
  repeats: number;
  connections: number | null;
  budgets: SpikeBudgets;
  /** A significant increase of recovery time beyond this (ms) fails. */
  recoveryThresholdMs: number;
}

export const SPIKE_FIELDS = [
  'base-rate', 'factor', 'before', 'spike-duration', 'after', 'interval', 'tolerance', 'settle', 'warmup', 'repeats', 'connections', 'budgets', 'recovery-threshold',
] as const;
const BUDGET_KEYS = ['error-rate', 'p99', 'recovery'] as const;

export const SPIKE_DEFAULTS = {
  baseRate: 20,
  factor: 5,
  beforeMs: 5_000,
  spikeMs: 5_000,
  afterMs: 20_000,
  // Recovery is read to one interval; 250 ms keeps it well inside the ±1 s the issue asks, with
  // enough answers per interval for a p99 at a few tens of requests a second.
  intervalMs: 250,
  tolerance: 0.5,
  settleMs: 2_000,
  warmupMs: 1_000,
  repeats: 3,
  recoveryThresholdMs: 1_000,
} as const;

export function parseSpikeSettings(raw: Record<string, unknown>, at: string, problems: string[]): SpikeSettings {
  const r = new FieldReader(raw, at, problems);
  r.unknownFields([...COMMON_TEST_FIELDS, ...SPIKE_FIELDS]);
  const seconds = (name: string, fallback: number) => r.get(name, (v) => f.duration(v, 's'), fallback);
  const budgets = r.map('budgets', BUDGET_KEYS, (key, v) => {
    if (key === 'error-rate') return f.percent(v, { max: 100 });
    if (key === 'recovery') return f.duration(v, 's');
    return f.duration(v, 'ms');
  });
  const factor = r.get('factor', (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    return Number.isFinite(n) && n > 1 && n <= 100 ? { ok: true as const, value: n } : { ok: false as const, message: `${f.show(v)} is not a spike factor; write a number above 1 and at most 100, e.g. 5` };
  }, SPIKE_DEFAULTS.factor);
  const s: SpikeSettings = {
    baseRate: r.get('base-rate', (v) => f.positiveNumber(v, 'requests per second'), SPIKE_DEFAULTS.baseRate),
    factor,
    beforeMs: seconds('before', SPIKE_DEFAULTS.beforeMs),
    spikeMs: seconds('spike-duration', SPIKE_DEFAULTS.spikeMs),
    afterMs: seconds('after', SPIKE_DEFAULTS.afterMs),
    intervalMs: seconds('interval', SPIKE_DEFAULTS.intervalMs),
    tolerance: r.get('tolerance', (v) => f.percent(v, { max: 1000 }), SPIKE_DEFAULTS.tolerance),
    settleMs: seconds('settle', SPIKE_DEFAULTS.settleMs),
    warmupMs: seconds('warmup', SPIKE_DEFAULTS.warmupMs),
    repeats: r.get('repeats', (v) => f.integer(v, 1, 20), SPIKE_DEFAULTS.repeats),
    connections: r.get<number | null>('connections', (v) => f.integer(v, 1, 1000), null),
    budgets: { errorRate: budgets['error-rate'], p99: budgets.p99, recoveryMs: budgets.recovery },
    recoveryThresholdMs: seconds('recovery-threshold', SPIKE_DEFAULTS.recoveryThresholdMs),
  };
  if (s.intervalMs < 50) r.problem('interval', `${s.intervalMs} ms is too short for a p99; write at least "50ms"`);
  if (s.beforeMs < 3 * s.intervalMs) r.problem('before', `${s.beforeMs / 1000} s holds fewer than 3 intervals of ${s.intervalMs / 1000} s: there would be no level to recover to`);
  if (s.afterMs < s.settleMs) r.problem('after', `${s.afterMs / 1000} s is shorter than settle (${s.settleMs / 1000} s): recovery could never be seen`);
  return s;
}
