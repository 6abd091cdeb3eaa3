import { readFileSync } from 'node:fs';

/** Reads a reference file written by scripts/gen-stats-fixtures.py (SciPy values). */
export function loadFixture<T>(name: string): T {
  const url = new URL(`../fixtures/stats/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** |actual − expected| ≤ tolerance · |expected| (exact zeros must be exact). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}
