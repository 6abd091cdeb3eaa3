/**
 * Holm's step-down adjustment for multiple comparisons (S. Holm, "A simple sequentially rejective
 * multiple test procedure", Scand. J. Statist. 6 (1979)): with the m p-values sorted ascending,
 * p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). Rejecting where p̃ < α controls the
 * family-wise error rate at α under any dependence, and is never less powerful than Bonferroni.
 * Returns the adjusted values in the order of the input (same as R's p.adjust(p, "holm")).
 */
export function holm(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holm: pValues[${i}] is ${p}; expected a p-value in [0, 1]`);
  });
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const adjusted = new Array<number>(m).fill(0);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = running;
  });
  return adjusted;
}
