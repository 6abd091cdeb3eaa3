/** Median of the values (the mean of the middle two for an even count); null when there are none. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Robust standard deviation: 1.4826 × the median absolute deviation from the median, which equals
 * the standard deviation for normal data and ignores a single wild value (Rousseeuw & Croux,
 * JASA 88, 1993). null for fewer than two values.
 */
export function robustSd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const center = medianOf(values) as number;
  return 1.4826 * (medianOf(values.map((v) => Math.abs(v - center))) as number);
}
