import { median, medianAbsoluteDeviation } from 'simple-statistics';

/** Median of the values (the mean of the middle two for an even count); null when there are none. */
export function medianOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : median(values);
}

/**
 * Robust standard deviation: 1.4826 × the median absolute deviation from the median, which equals
 * the standard deviation for normal data and ignores a single wild value (Rousseeuw & Croux,
 * JASA 88, 1993). null for fewer than two values.
 */
export function robustSd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  return 1.4826 * medianAbsoluteDeviation(values);
}
