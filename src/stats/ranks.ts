/**
 * Mid-ranks (the average of the tied positions, 1-based) and the sizes of the tie groups: the
 * ranking every rank test here starts from (Hollander, Wolfe & Chicken, "Nonparametric Statistical
 * Methods", 3rd ed., 2014, §4.1 and §3.1; SciPy's `rankdata(method="average")`).
 */
export interface Ranking {
  /** ranks[i] is the mid-rank of values[i]. */
  ranks: number[];
  /** Size of every group of equal values with more than one member. */
  tieGroups: number[];
}

export function midRanks(values: readonly number[]): Ranking {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length).fill(0);
  const tieGroups: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end] as number] === values[order[start] as number]) end++;
    // positions start..end-1 (0-based) share the mid-rank of 1-based ranks start+1..end
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    if (end - start > 1) tieGroups.push(end - start);
    start = end;
  }
  return { ranks, tieGroups };
}

/** Σ (t³ − t) over tie groups: the tie correction of both rank tests' variances. */
export function tieTerm(tieGroups: readonly number[]): number {
  let sum = 0;
  for (const t of tieGroups) sum += t * t * t - t;
  return sum;
}
