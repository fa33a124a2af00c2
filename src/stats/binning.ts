// Shares per bin of a reference and a current sample, as Evidently's get_binned_data prepares
// them for Jensen–Shannon and PSI: a numeric feature with more than 20 distinct reference values
// is cut into numpy 'sturges' bins over reference ∪ current (ceil(log2(n) + 1) equal-width bins,
// the last one closed on the right); anything else gets one bin per value seen on either side.
// Shares are returned raw (zeros kept): Jensen–Shannon uses them so, PSI fills zeros first
// (fillZeroShares), exactly as Evidently does.

/** More distinct reference values than this and a numeric feature is binned by Sturges' rule. */
const MAX_DISTINCT_FOR_PER_VALUE = 20;

export interface BinnedShares {
  /** Bin edges (bins + 1 of them) when the values were cut into Sturges bins. */
  edges?: number[];
  /** One label per bin: "[lo, hi)" ranges for Sturges bins, the value or category otherwise. */
  labels: string[];
  /** Share of reference values in each bin (sums to 1). */
  referenceShares: Float64Array;
  /** Share of current values in each bin (sums to 1). */
  currentShares: Float64Array;
}

/** Bins for a numeric feature (samples without NaN, not modified). */
export function binNumeric(reference: Float64Array, current: Float64Array): BinnedShares {
  if (reference.length === 0 || current.length === 0) throw new RangeError('binNumeric needs two non-empty samples');
  if (countDistinctUpTo(reference, MAX_DISTINCT_FOR_PER_VALUE + 1) > MAX_DISTINCT_FOR_PER_VALUE) {
    return sturgesBins(reference, current);
  }
  const counts = new Map<number, [number, number]>();
  for (const v of reference) {
    const c = counts.get(v);
    if (c) c[0]++;
    else counts.set(v, [1, 0]);
  }
  for (const v of current) {
    const c = counts.get(v);
    if (c) c[1]++;
    else counts.set(v, [0, 1]);
  }
  const values = [...counts.keys()].sort((a, b) => a - b);
  return {
    labels: values.map(String),
    referenceShares: Float64Array.from(values, (v) => (counts.get(v) as [number, number])[0] / reference.length),
    currentShares: Float64Array.from(values, (v) => (counts.get(v) as [number, number])[1] / current.length),
  };
}

/** Bins for a categorical feature: one per category over the union, sorted by label. */
export function binCategorical(reference: Map<string, number>, current: Map<string, number>): BinnedShares {
  const nRef = sum(reference.values());
  const nCur = sum(current.values());
  if (nRef <= 0 || nCur <= 0) throw new RangeError('binCategorical needs counts on both sides');
  const labels = [...new Set([...reference.keys(), ...current.keys()])]
    .filter((k) => (reference.get(k) ?? 0) > 0 || (current.get(k) ?? 0) > 0)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    labels,
    referenceShares: Float64Array.from(labels, (k) => (reference.get(k) ?? 0) / nRef),
    currentShares: Float64Array.from(labels, (k) => (current.get(k) ?? 0) / nCur),
  };
}

/**
 * Evidently's zero filling (feel_zeroes): every zero share becomes min(non-zero share)/10^6 when
 * that minimum is ≤ 1e-4, else 1e-4. Returns a new array; the shares no longer sum exactly to 1.
 */
export function fillZeroShares(shares: Float64Array): Float64Array {
  let minNonZero = Infinity;
  for (const s of shares) if (s !== 0 && s < minNonZero) minNonZero = s;
  const fill = minNonZero <= 0.0001 ? minNonZero / 10 ** 6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function countDistinctUpTo(values: Float64Array, limit: number): number {
  const seen = new Set<number>();
  for (const v of values) {
    seen.add(v);
    if (seen.size >= limit) break;
  }
  return seen.size;
}

/** numpy.histogram_bin_edges(ref ∪ cur, bins='sturges') and numpy.histogram's counts per sample. */
function sturgesBins(reference: Float64Array, current: Float64Array): BinnedShares {
  let min = Infinity;
  let max = -Infinity;
  for (const sample of [reference, current]) {
    for (const v of sample) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const size = reference.length + current.length;
  const width = (max - min) / (Math.log2(size) + 1);
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const bins = width > 0 ? Math.ceil((last - first) / width) : 1;
  // numpy.linspace(first, last, bins + 1): i·step + first, the last edge set to `last` exactly.
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * step + first);
  edges[bins] = last;
  return {
    edges,
    labels: edges.slice(0, -1).map((lo, i) => `[${short(lo)}, ${short(edges[i + 1] as number)}${i === bins - 1 ? ']' : ')'}`),
    referenceShares: histogramShares(reference, edges),
    currentShares: histogramShares(current, edges),
  };
}

/** Share of values per bin [e_i, e_{i+1}), the last bin closed; values outside are not counted. */
function histogramShares(values: Float64Array, edges: number[]): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const lastEdge = edges[bins] as number;
  for (const v of values) {
    if (!(v >= (edges[0] as number) && v <= lastEdge)) continue;
    // Largest i < bins with edges[i] ≤ v.
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((edges[mid] as number) <= v) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]!++;
  }
  for (let i = 0; i < bins; i++) counts[i] = (counts[i] as number) / values.length;
  return counts;
}

function short(x: number): string {
  return String(Number(x.toPrecision(4)));
}
