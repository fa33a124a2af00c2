// Wasserstein-1 (earth mover's) distance between two empirical distributions, as
// scipy.stats.wasserstein_distance: ∫ |F_a − F_b| over the pooled values, in one merge pass over
// sorted copies. Evidently's drift score divides it by the reference standard deviation so that a
// threshold of 0.1 means "moved by a tenth of a standard deviation", whatever the feature's unit.

import { sortedCopy } from './sort.ts';

/** Floor on the reference standard deviation in the normed distance (Evidently's 0.001). */
const MIN_NORM = 0.001;

/** W1 between two unsorted samples without NaN (copied, not modified). */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  return wassersteinDistanceSorted(sortedCopy(a), sortedCopy(b));
}

/** W1 between two samples already sorted ascending. */
export function wassersteinDistanceSorted(a: Float64Array, b: Float64Array): number {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0] as number, b[0] as number);
  let distance = 0;
  while (i < na || j < nb) {
    const va = i < na ? (a[i] as number) : Infinity;
    const vb = j < nb ? (b[j] as number) : Infinity;
    const v = va <= vb ? va : vb;
    // F_a and F_b are constant on [previous, v): counts of values ≤ previous.
    if (v > previous) distance += Math.abs(i / na - j / nb) * (v - previous);
    previous = v;
    const i0 = i;
    const j0 = j;
    while (i < na && (a[i] as number) <= v) i++;
    while (j < nb && (b[j] as number) <= v) j++;
    // Only NaN fails to advance either index; without this check it would loop forever.
    if (i === i0 && j === j0) throw new RangeError('wassersteinDistance got NaN: drop missing values first');
  }
  return distance;
}

/** Population standard deviation (ddof 0, numpy's np.std default), two-pass. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    squares += d * d;
  }
  return Math.sqrt(squares / n);
}

/** Evidently's "wasserstein" drift score: W1 / max(std(reference, ddof 0), 0.001). Drift at ≥ 0.1. */
export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  return normedWassersteinSorted(sortedCopy(reference), sortedCopy(current));
}

/** normedWasserstein for two samples already sorted ascending (for callers that sort once for several statistics). */
export function normedWassersteinSorted(reference: Float64Array, current: Float64Array): number {
  return wassersteinDistanceSorted(reference, current) / Math.max(populationStd(reference), MIN_NORM);
}
