// How far apart two samples of ONE categorical distribution land by chance. A distance between
// category shares (Jensen–Shannon, PSI) is biased upward when many values are rare: two samples of
// 2,500 rows over 1,500 Zipf-distributed ids sit at a Jensen–Shannon distance of ~0.35 with nothing
// changed, far above the 0.1 threshold. So a distance counts as drift only when it also beats the
// distances of random splits of the pooled rows into the same two sizes (a permutation test,
// seeded from the counts so a rerun gives the same verdict).

import { seededRandom } from '../stats/seeded-random.ts';

/** Random splits drawn; the smallest p-value they can show is 1 / (PERMUTATIONS + 1) = 0.01. */
const PERMUTATIONS = 99;
/** Above this many pooled rows the bias is small and the splits would cost more than the test. */
const MAX_POOLED_ROWS = 200_000;

export interface ChanceDistance {
  /** Median distance of the random splits. */
  medianChance: number;
  /** (1 + splits at least as far apart as the observed samples) / (splits + 1). */
  pValue: number;
}

/**
 * The permutation null of `distance` (over the two samples' shares, one entry per value) for
 * these counts; undefined when the pooled sample is too large to need it (or a side is empty).
 */
export function chanceDistance(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
  observed: number,
  distance: (referenceShares: Float64Array, currentShares: Float64Array) => number,
): ChanceDistance | undefined {
  const labels = [...new Set([...reference.keys(), ...current.keys()])];
  let nRef = 0;
  let nCur = 0;
  for (const c of reference.values()) nRef += c;
  for (const c of current.values()) nCur += c;
  const pooled = nRef + nCur;
  if (nRef === 0 || nCur === 0 || pooled > MAX_POOLED_ROWS) return undefined;
  const rows = new Uint32Array(pooled);
  let at = 0;
  labels.forEach((label, i) => {
    const c = (reference.get(label) ?? 0) + (current.get(label) ?? 0);
    rows.fill(i, at, at + c);
    at += c;
  });
  const random = seededRandom(seedOf(labels.length, nRef, nCur, observed));
  const refCounts = new Float64Array(labels.length);
  const curCounts = new Float64Array(labels.length);
  const distances: number[] = [];
  for (let p = 0; p < PERMUTATIONS; p++) {
    // Partial Fisher–Yates: the first nRef slots become a uniformly random reference sample.
    for (let i = 0; i < nRef; i++) {
      const j = i + Math.floor(random() * (pooled - i));
      const t = rows[i]!;
      rows[i] = rows[j]!;
      rows[j] = t;
    }
    refCounts.fill(0);
    curCounts.fill(0);
    for (let i = 0; i < nRef; i++) refCounts[rows[i]!]!++;
    for (let i = nRef; i < pooled; i++) curCounts[rows[i]!]!++;
    distances.push(distance(refCounts.map((c) => c / nRef), curCounts.map((c) => c / nCur)));
  }
  distances.sort((a, b) => a - b);
  const atLeast = distances.filter((d) => d >= observed).length;
  return { medianChance: distances[Math.floor(PERMUTATIONS / 2)]!, pValue: (1 + atLeast) / (PERMUTATIONS + 1) };
}

function seedOf(...parts: number[]): number {
  let h = 2166136261;
  for (const p of parts) {
    h ^= Math.floor(p * 1e6) >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
