// Wasserstein-1 (earth mover's) distance between two empirical distributions, as
// scipy.stats.wasserstein_distance computes it (∫ |F_a − F_b| over the pooled values), here as the
// equal ∫ |Q_a − Q_b| over probabilities, in one merge pass over the sorted samples. Evidently's drift score divides it by the reference standard deviation so that a
// threshold of 0.1 means "moved by a tenth of a standard deviation", whatever the feature's unit.

import { moments } from './moments.ts';
import { sortedCopy } from './sort.ts';

/** Floor on the reference standard deviation in the normed distance (Evidently's 0.001). */
const MIN_NORM = 0.001;

/** W1 between two unsorted samples without NaN (copied, not modified). */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  return wassersteinDistanceSorted(sortedCopy(a), sortedCopy(b));
}

/** W1 between two samples already sorted ascending. */
export function wassersteinDistanceSorted(a: Float64Array, b: Float64Array): number {
  return quantileDistance(a, 0, 1, b, 0, 1);
}

/**
 * W1 between the standardised samples (a − meanA)/sdA and (b − meanB)/sdB (both sorted ascending,
 * sd > 0): 0 when only location and spread differ. Computed on the fly, without standardised copies.
 */
export function standardisedWassersteinSorted(a: Float64Array, meanA: number, sdA: number, b: Float64Array, meanB: number, sdB: number): number {
  if (!(sdA > 0 && sdB > 0)) throw new RangeError('standardisedWasserstein needs two samples that vary');
  return quantileDistance(a, meanA, sdA, b, meanB, sdB);
}

/**
 * ∫₀¹ |Q_a(p) − Q_b(p)| dp for the quantile functions of (a − shiftA)/scaleA and (b − shiftB)/scaleB
 * (scales > 0, so the order is kept): the same W1 as the area between the CDFs, but the merge runs
 * over the probability steps k/n_a and l/n_b rather than over the values, so its branches follow a
 * fixed pattern instead of how the two samples interleave (about twice as fast on a million rows).
 */
function quantileDistance(a: Float64Array, shiftA: number, scaleA: number, b: Float64Array, shiftB: number, scaleB: number): number {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let previous = 0;
  let distance = 0;
  // Q_a = a[i] on ((i)/n_a, (i+1)/n_a]; the next step is whichever of (i+1)/n_a and (j+1)/n_b comes
  // first, compared exactly as (i+1)·n_b against (j+1)·n_a.
  while (i < na && j < nb) {
    const stepA = (i + 1) * nb;
    const stepB = (j + 1) * na;
    const next = stepA <= stepB ? (i + 1) / na : (j + 1) / nb;
    const va = ((a[i] as number) - shiftA) / scaleA;
    const vb = ((b[j] as number) - shiftB) / scaleB;
    distance += Math.abs(va - vb) * (next - previous);
    previous = next;
    if (stepA <= stepB) i++;
    if (stepB <= stepA) j++;
  }
  // Every value carries weight, so a NaN anywhere makes the sum NaN.
  if (distance !== distance) throw new RangeError('wassersteinDistance got NaN: drop missing values first');
  return distance;
}

/** Evidently's "wasserstein" drift score: W1 / max(std(reference, ddof 0), 0.001). Drift at ≥ 0.1. */
export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  return normedWassersteinSorted(sortedCopy(reference), sortedCopy(current));
}

/**
 * normedWasserstein for two samples already sorted ascending (for callers that sort once for
 * several statistics), with the reference's population sd (ddof 0, numpy's default) when the
 * caller has it already.
 */
export function normedWassersteinSorted(reference: Float64Array, current: Float64Array, referenceSd = moments(reference).sd): number {
  return wassersteinDistanceSorted(reference, current) / Math.max(referenceSd, MIN_NORM);
}
