// Groups the flat `_bucket{le}` / `_sum` / `_count` samples of an exposition into histograms, one
// per label set, and sums them across label sets the way `sum by (le)` does in PromQL.
import type { Exposition, Sample } from './exposition.ts';

/** One cumulative bucket: observations ≤ `le`. */
export interface Bucket {
  le: number;
  count: number;
}

export interface Histogram {
  /** Family name, without the `_bucket` suffix. */
  name: string;
  /** Labels other than `le`. */
  labels: Record<string, string>;
  /** Sorted by `le`; the last one is +Inf in a well-formed histogram. */
  buckets: Bucket[];
  /** `_sum`, when exported. */
  sum?: number;
  /** `_count`, when exported (equals the +Inf bucket). */
  count?: number;
}

/**
 * Every histogram in the exposition: families declared `# TYPE … histogram`, and untyped
 * series whose `_bucket` samples carry an `le` label.
 */
export function histograms(exposition: Exposition): Histogram[] {
  const byKey = new Map<string, Histogram>();
  const get = (name: string, labels: Record<string, string>): Histogram => {
    const key = `${name}{${labelKey(labels)}}`;
    let h = byKey.get(key);
    if (!h) byKey.set(key, (h = { name, labels, buckets: [] }));
    return h;
  };
  const isHistogram = (family: string) => {
    const type = exposition.types.get(family);
    return type === 'histogram' || type === undefined || type === 'untyped';
  };
  const bucketFamilies = new Set(
    exposition.samples.filter((s) => s.name.endsWith('_bucket') && 'le' in s.labels).map((s) => s.name.slice(0, -'_bucket'.length)),
  );
  for (const s of exposition.samples) {
    const [family, part] = split(s);
    if (!family || !bucketFamilies.has(family) || !isHistogram(family)) continue;
    const { le, ...labels } = s.labels;
    const h = get(family, labels);
    if (part === 'bucket' && le !== undefined) h.buckets.push({ le: parseLe(le), count: s.value });
    else if (part === 'sum') h.sum = s.value;
    else if (part === 'count') h.count = s.value;
  }
  for (const h of byKey.values()) h.buckets.sort((a, b) => a.le - b.le);
  return [...byKey.values()].filter((h) => h.buckets.length > 0);
}

/** Sums histograms of one family across label sets (PromQL `sum by (le)`); null when given none. */
export function sumHistograms(list: Histogram[]): Histogram | null {
  const first = list[0];
  if (!first) return null;
  const byLe = new Map<number, number>();
  let sum: number | undefined = 0;
  let count: number | undefined = 0;
  for (const h of list) {
    for (const b of h.buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
    sum = sum === undefined || h.sum === undefined ? undefined : sum + h.sum;
    count = count === undefined || h.count === undefined ? undefined : count + h.count;
  }
  const buckets = [...byLe].map(([le, n]) => ({ le, count: n })).sort((a, b) => a.le - b.le);
  return { name: first.name, labels: {}, buckets, ...(sum === undefined ? {} : { sum }), ...(count === undefined ? {} : { count }) };
}

/** The increase from `before` to `after` (two scrapes of the same histogram); a counter reset keeps `after` as is. */
export function histogramIncrease(before: Histogram | null, after: Histogram): Histogram {
  const reset = before === null || (before.count ?? total(before)) > (after.count ?? total(after));
  if (reset) return after;
  const prev = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    ...after,
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (prev.get(b.le) ?? 0) })),
    ...(after.sum !== undefined && before.sum !== undefined ? { sum: after.sum - before.sum } : {}),
    ...(after.count !== undefined && before.count !== undefined ? { count: after.count - before.count } : {}),
  };
}

/** Observations in a histogram: `_count`, else the +Inf bucket. */
export function observationCount(h: Histogram): number {
  return h.count ?? total(h);
}

function total(h: Histogram): number {
  return h.buckets.find((b) => b.le === Infinity)?.count ?? 0;
}

function split(s: Sample): [string | undefined, 'bucket' | 'sum' | 'count' | undefined] {
  for (const part of ['bucket', 'sum', 'count'] as const) {
    if (s.name.endsWith(`_${part}`)) return [s.name.slice(0, -(part.length + 1)), part];
  }
  return [undefined, undefined];
}

function parseLe(le: string): number {
  const lower = le.toLowerCase();
  return lower === '+inf' || lower === 'inf' ? Infinity : Number(le);
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}
