import type { TrialResult } from '../results/schema.js';

/**
 * The unit a test counts. Two starts of the same code differ by a persistent few percent (JIT
 * decisions, code and heap layout, address-space randomisation, the core a process lands on), so
 * rounds measured on one pair of processes are not independent replicates of "base vs head": a
 * test over them turns the pair's offset into a "change" (pseudo-replication; Georges et al.,
 * OOPSLA 2007; Kalibera & Jones, ISMM 2013). The replicate is therefore a fresh process, or a
 * fresh pair of them in paired mode: the values of one start are averaged into one value, and the
 * rank test sees one value per start. Trials without a process index (a service perfgate did not
 * start, or a results file from before process-level replication) are each a unit of their own.
 */
export function unitKey(trial: Pick<TrialResult, 'process' | 'round' | 'order'>, by: 'round' | 'order'): string {
  return trial.process !== undefined ? `p${trial.process}` : by === 'round' ? `r${trial.round}` : `t${trial.order}`;
}

/** Values grouped by their unit, in the order the units first appear. */
export function groupByUnit<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => number): number[][] {
  const groups = new Map<string, number[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(value(item));
    else groups.set(k, [value(item)]);
  }
  return [...groups.values()];
}

/** One value per unit: the mean of its values on the analysis scale (log values, or raw rates). */
export function unitMeans(groups: readonly (readonly number[])[]): number[] {
  return groups.map((g) => g.reduce((a, b) => a + b, 0) / g.length);
}

export interface UnitSpread {
  /** Units (processes or pairs of them; rounds when nothing was restarted). */
  units: number;
  /**
   * Standard deviation between units beyond what the noise within them explains, on the analysis
   * scale (for log values ≈ a relative spread); null with fewer than two units or without a
   * within-unit estimate.
   */
  between: number | null;
  /** Standard deviation of values around their unit's mean; null when no unit has two values. */
  within: number | null;
}

/**
 * One-way random-effects decomposition by the method of moments (Searle, Casella & McCulloch,
 * *Variance Components*, 1992, §3.5, unbalanced case): the within-unit variance is the pooled
 * variance around each unit's mean, MSW = Σᵢ Σⱼ (xᵢⱼ − x̄ᵢ)² / (N − k); the variance of the unit
 * means is σ²_between + MSW · mean(1/nᵢ), so σ²_between = max(0, var(x̄ᵢ) − MSW · mean(1/nᵢ)).
 * Descriptive only: it tells a user which of the two limits what a run can detect.
 */
export function unitSpread(groups: readonly (readonly number[])[]): UnitSpread {
  const k = groups.length;
  const n = groups.reduce((a, g) => a + g.length, 0);
  const means = unitMeans(groups);
  let within: number | null = null;
  if (n > k) {
    let ss = 0;
    groups.forEach((g, i) => {
      for (const v of g) ss += (v - (means[i] as number)) ** 2;
    });
    within = Math.sqrt(ss / (n - k));
  }
  let between: number | null = null;
  if (k >= 2 && within !== null) {
    const grand = means.reduce((a, b) => a + b, 0) / k;
    const varMeans = means.reduce((a, m) => a + (m - grand) ** 2, 0) / (k - 1);
    const meanInverseSize = groups.reduce((a, g) => a + 1 / g.length, 0) / k;
    between = Math.sqrt(Math.max(0, varMeans - within ** 2 * meanInverseSize));
  }
  return { units: k, between, within };
}
