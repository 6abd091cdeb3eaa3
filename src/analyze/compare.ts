import { hodgesLehmann, hodgesLehmannPaired, mannWhitneyU, wilcoxonSignedRank } from '../stats/index.js';

/** A shift of head against baseline on the analysis scale (log values, or raw error rates). */
export interface Shift {
  /** Hodges–Lehmann estimate of head − baseline. */
  estimate: number;
  /** Its distribution-free interval; ±Infinity when too few trials for the confidence. */
  low: number;
  high: number;
  /** Two-sided p-value of the rank test. */
  p: number;
  /** The same interval at another confidence (for the minimum detectable effect). */
  intervalAt(confidence: number): { low: number; high: number };
  /**
   * True when no relabelling of the data could give any p below 1: every value equal (independent)
   * or every difference zero (paired) — e.g. no errors on either side.
   */
  degenerate: boolean;
}

/**
 * Independent samples (artifact mode: trials of two different runs): Mann–Whitney U for the
 * p-value, Hodges–Lehmann shift of head over baseline with Moses' interval.
 */
export function compareIndependent(baseline: readonly number[], head: readonly number[], confidence: number): Shift {
  const { p } = mannWhitneyU(baseline, head);
  const { estimate, ciLow, ciHigh } = hodgesLehmann(baseline, head, confidence);
  const intervalAt = (level: number) => {
    const { ciLow: low, ciHigh: high } = hodgesLehmann(baseline, head, level);
    return { low, high };
  };
  const first = baseline[0];
  const degenerate = baseline.every((v) => v === first) && head.every((v) => v === first);
  return { estimate, low: ciLow, high: ciHigh, p, intervalAt, degenerate };
}

/**
 * Paired samples (same-runner A/B: the two trials of one round): Wilcoxon signed-rank on the
 * per-round differences head − baseline, Hodges–Lehmann shift (median of Walsh averages).
 */
export function comparePaired(baseline: readonly number[], head: readonly number[], confidence: number): Shift {
  return comparePairedDifferences(head.map((h, i) => h - (baseline[i] as number)), confidence);
}

/**
 * The paired comparison from the differences head − baseline themselves: one per round, or one per
 * pair of service processes (the mean of its rounds' differences, analyze/units.ts).
 */
export function comparePairedDifferences(d: readonly number[], confidence: number): Shift {
  const { p } = wilcoxonSignedRank(d);
  const { estimate, ciLow, ciHigh } = hodgesLehmannPaired(d, confidence);
  const intervalAt = (level: number) => {
    const { ciLow: low, ciHigh: high } = hodgesLehmannPaired(d, level);
    return { low, high };
  };
  return { estimate, low: ciLow, high: ciHigh, p, intervalAt, degenerate: d.every((v) => v === 0) };
}
