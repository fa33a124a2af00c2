// Seeded random samples for tests and benchmarks: the generator is src/stats/seeded-random.ts
// (mulberry32), so nothing random needs committing as a fixture.

export { seededRandom } from '../../src/stats/seeded-random.ts';

/** n normal draws with the given mean and standard deviation (Box–Muller) from `random`. */
export function normalSamples(n: number, mean: number, sd: number, random: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return out;
}
