// Picks the request-latency histogram out of a scrape: the named one, or by the naming
// convention `*_duration_seconds` / `*_latency_seconds`, summed across its label sets.
import type { Exposition } from './exposition.ts';
import { histograms, observationCount, sumHistograms, type Histogram } from './histograms.ts';

const LATENCY_NAME = /_(duration|latency)_seconds$/;
/** Runtime histograms that match the naming convention but time no request (prom-client's `nodejs_gc_duration_seconds`). */
const NOT_REQUESTS = /(^|_)gc_/;

export interface LatencyHistogram {
  /** The family, summed across label sets (`sum by (le)`). */
  histogram: Histogram;
  /** Label sets summed into it. */
  series: number;
  /** Factor from the histogram's unit to milliseconds: 1000 for `_seconds`, 1 for `_milliseconds`/`_ms`. */
  toMs: number;
  /** Other latency histograms the scrape exports, not used. */
  others: string[];
}

/**
 * The latency histogram named `name` (a `_bucket` suffix is allowed), or else the auto-detected one with the most observations
 * (ties: first by name). Null when there is none.
 */
export function latencyHistogram(exposition: Exposition, name?: string): LatencyHistogram | null {
  const all = histograms(exposition);
  const wanted = name?.replace(/_(bucket|sum|count)$/, '');
  const families = [...new Set(all.map((h) => h.name))].filter((f) => (wanted === undefined ? LATENCY_NAME.test(f) && !NOT_REQUESTS.test(f) : f === wanted)).sort();
  const summed = families.map((f) => {
    const series = all.filter((h) => h.name === f);
    return { histogram: sumHistograms(series) as Histogram, series: series.length };
  });
  summed.sort((a, b) => observationCount(b.histogram) - observationCount(a.histogram));
  const best = summed[0];
  if (!best) return null;
  const family = best.histogram.name;
  return { ...best, toMs: /_(milliseconds|ms)$/.test(family) ? 1 : 1000, others: families.filter((f) => f !== family) };
}
