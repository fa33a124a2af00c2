// Deterministic pseudo-random numbers (mulberry32): the same seed gives the same stream on every
// run, so a permutation test (src/drift/chance-distance.ts) gives the same verdict on a rerun, and
// tests and benchmarks need no random fixture committed.

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
