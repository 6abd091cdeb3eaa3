/** A source of uniform numbers in [0, 1), the shape simple-statistics' `permutationTest` and `shuffle` accept. */
export type RandomSource = () => number;

/**
 * Seeded PRNG: Tommy Ettinger's mulberry32 (public domain, 2017): 32 bits of state, period 2³²,
 * results in [0, 1) with 32 random bits. Not cryptographic, and the short period rules it out for
 * billions of draws, but it is fast and statistically sound for simulations and resampling of the
 * size used here. The same seed always gives the same sequence, so every run is reproducible.
 */
export function createRng(seed: number): RandomSource {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One standard normal draw by the Box–Muller transform (Box & Muller, Ann. Math. Statist. 29, 1958).
 * Uses two uniforms per draw and keeps no state, so a draw depends only on the source's position.
 */
export function normalSample(rng: RandomSource): number {
  const u1 = 1 - rng(); // (0, 1], keeps log finite
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** exp(μ + σZ): a lognormal draw whose log has mean μ and standard deviation σ. */
export function lognormalSample(rng: RandomSource, mu = 0, sigma = 1): number {
  return Math.exp(mu + sigma * normalSample(rng));
}
