// Reading a metric across the scrapes of one run: counter increases that survive a restart,
// histogram increases, gauge values, per-step rates and slopes. Pure helpers over expositions.
import { linearRegression } from 'simple-statistics';
import type { Exposition, Sample } from '../prometheus/exposition.ts';
import { histogramIncrease, type Histogram } from '../prometheus/histograms.ts';
import { counterIncrease } from '../prometheus/request-counters.ts';

/** Sum of the samples named `name` (optionally filtered), or undefined when the scrape has none. */
export function sumOf(e: Exposition, name: string, keep: (s: Sample) => boolean = () => true): number | undefined {
  let found = false;
  let total = 0;
  for (const s of e.samples) {
    if (s.name !== name || !keep(s)) continue;
    found = true;
    total += s.value;
  }
  return found ? total : undefined;
}

/** The first of `names` that the scrape exports. */
export function firstExported(e: Exposition, names: readonly string[]): string | undefined {
  return names.find((n) => e.samples.some((s) => s.name === n));
}

/** Increase of a counter over consecutive values; a drop is a restart (the new value is the increase). */
export function increaseOver(values: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < values.length; i++) total += counterIncrease(values[i - 1] as number, values[i] as number);
  return total;
}

/** Per-step increases of a counter. */
export function stepIncreases(values: readonly number[]): number[] {
  return values.slice(1).map((v, i) => counterIncrease(values[i] as number, v));
}

/** Histogram increase over consecutive scrapes of the same histogram, bucket by bucket, surviving a reset. */
export function histogramIncreaseOver(list: readonly Histogram[]): Histogram | null {
  if (list.length < 2) return null;
  let acc: Histogram | null = null;
  for (let i = 1; i < list.length; i++) {
    const step = histogramIncrease(list[i - 1] as Histogram, list[i] as Histogram);
    acc = acc === null ? step : addHistograms(acc, step);
  }
  return acc;
}

function addHistograms(a: Histogram, b: Histogram): Histogram {
  const byLe = new Map(a.buckets.map((x) => [x.le, x.count]));
  for (const x of b.buckets) byLe.set(x.le, (byLe.get(x.le) ?? 0) + x.count);
  return {
    ...b,
    buckets: [...byLe].map(([le, count]) => ({ le, count })).sort((x, y) => x.le - y.le),
    ...(a.sum !== undefined && b.sum !== undefined ? { sum: a.sum + b.sum } : {}),
    ...(a.count !== undefined && b.count !== undefined ? { count: a.count + b.count } : {}),
  };
}

/** Did any of these counters drop between consecutive scrapes (a process restart)? */
export function dropped(values: readonly number[]): boolean {
  return values.some((v, i) => i > 0 && v < (values[i - 1] as number));
}

/** Least-squares slope of y over x; null with fewer than 2 distinct x. */
export function slope(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 2 || new Set(xs).size < 2) return null;
  return linearRegression(xs.map((x, i) => [x, ys[i] as number])).m;
}
