// Deterministic pseudo-random numbers for tests and benchmarks (mulberry32): the same seed gives
// the same samples on every run, so nothing random needs committing as a fixture.

/** Uniform [0, 1) source. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n normal draws with the given mean and standard deviation (Box–Muller) from `random`. */
export function normalSamples(n: number, mean: number, sd: number, random: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return out;
}
