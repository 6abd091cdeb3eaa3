import { createRng } from '../stats/random.js';

/**
 * The seeded choices of a trial: which request of a mix comes next, which data row. Each trial
 * starts its sequences afresh from the same seed, so base and head are sent the same sequence of
 * requests and rows (shared by all connections, in the order the connections ask).
 */

/** Indexes drawn in proportion to `weights`, from a mulberry32 stream seeded with `seed`. */
export function weightedPicker(weights: readonly number[], seed: number): () => number {
  if (weights.length === 0 || weights.some((w) => !(w > 0) || !Number.isFinite(w))) {
    throw new RangeError(`weightedPicker: weights must be positive numbers, got ${JSON.stringify(weights)}`);
  }
  if (weights.length === 1) return () => 0;
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const rng = createRng(seed);
  return () => {
    const x = rng() * total;
    // Linear: a mix has a handful of requests, and the common ones come first in most configs.
    for (let i = 0; i < cumulative.length - 1; i++) if (x < cumulative[i]!) return i;
    return cumulative.length - 1;
  };
}

/** Mixed into a scenario's seed for its row stream: 2³² / φ, so nearby seeds land far apart. */
const ROW_STREAM = 0x9e3779b9;

export type RowOrder = 'sequential' | 'random';

/**
 * Row indexes 0..rows-1: in order, wrapping around, or uniformly at random from `seed`. The row
 * stream is seeded apart from the mix's (the seed mixed with a constant): with the same seed the
 * two streams would draw the same uniforms, and every request of a kind would get the same rows.
 */
export function rowPicker(rows: number, order: RowOrder, seed: number): () => number {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rowPicker: rows must be a whole number ≥ 1, got ${rows}`);
  if (order === 'sequential') {
    let next = 0;
    return () => {
      const i = next;
      next = next + 1 === rows ? 0 : next + 1;
      return i;
    };
  }
  const rng = createRng((seed ^ ROW_STREAM) >>> 0);
  return () => Math.floor(rng() * rows);
}
