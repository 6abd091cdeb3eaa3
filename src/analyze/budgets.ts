import type { TrialResult } from '../results/schema.js';
import { medianOf } from './median.js';
import { BUDGETS } from './metrics.js';
import type { BudgetCheck, BudgetMetric } from './types.js';

/**
 * Absolute limits on the head alone, whatever the baseline did: the median over the head's trials
 * against the limit (throughput must reach its limit, everything else stay at or below it).
 * The error rate is pooled instead — all errors over all requests — because a median of per-trial
 * rates would hide errors that come in bursts in a minority of trials.
 * A budget whose metric was not measured (CPU or RSS without a process) cannot be checked: its
 * value is null and it does not fail.
 */
export function checkBudgets(trials: readonly TrialResult[], limits: Partial<Record<BudgetMetric, number>>): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const spec of BUDGETS) {
    const limit = limits[spec.name];
    if (limit === undefined) continue;
    const value = spec.name === 'errorRate' ? pooledErrorRate(trials) : medianOf(present(trials.map(spec.value)));
    const ok = value === null || (spec.kind === 'min' ? value >= limit : value <= limit);
    checks.push({ metric: spec.name, limit, value, ok });
  }
  return checks;
}

function pooledErrorRate(trials: readonly TrialResult[]): number | null {
  let errors = 0;
  let requests = 0;
  for (const t of trials) {
    errors += t.errors;
    requests += t.requests;
  }
  return requests > 0 ? errors / requests : null;
}

export function present(values: ReadonlyArray<number | null>): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}
