// The φ-quantile of a histogram from its cumulative buckets, computed exactly as PromQL's
// histogram_quantile (promql/quantile.go, bucketQuantile) does, so the numbers we report match
// what the team's Grafana dashboards show for the same buckets.
import type { Bucket } from './histograms.ts';

/**
 * - NaN when there is no +Inf bucket, fewer than two buckets, or no observations; -Inf for q < 0, +Inf for q > 1.
 * - Buckets with equal bounds are merged; a count that decreases is raised to the previous one.
 * - Linear interpolation inside the bucket holding rank q·total; the lowest bucket starts at 0
 *   when its upper bound is positive (otherwise its upper bound is returned).
 * - A rank that lands in the +Inf bucket returns the highest finite upper bound.
 */
export function histogramQuantile(q: number, cumulative: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...cumulative].sort((a, b) => a.le - b.le);
  if (sorted.at(-1)?.le !== Infinity) return NaN;

  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets.at(-1);
    if (last && last.le === b.le) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count < max) b.count = max;
    max = b.count;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets.at(-1)?.count ?? 0;
  if (!(observations > 0)) return NaN;

  let rank = q * observations;
  let i = buckets.findIndex((b, j) => j < buckets.length - 1 && b.count >= rank);
  if (i === -1) i = buckets.length - 1;
  if (i === buckets.length - 1) return buckets[buckets.length - 2]?.le ?? NaN;
  const bucket = buckets[i] as Bucket;
  if (i === 0 && bucket.le <= 0) return bucket.le;
  let start = 0;
  let count = bucket.count;
  const prev = buckets[i - 1];
  if (prev) {
    start = prev.le;
    count -= prev.count;
    rank -= prev.count;
  }
  return start + (bucket.le - start) * (rank / count);
}
