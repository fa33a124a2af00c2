// Latency percentiles from the request-latency histogram's buckets, exactly as PromQL's
// histogram_quantile computes them: over the requests between the two scrapes when there were
// any, else over everything since the process started. Also charts the distribution behind them.
import type { Exposition } from '../prometheus/exposition.ts';
import { histogramQuantile } from '../prometheus/histogram-quantile.ts';
import { histogramIncrease, observationCount, type Histogram } from '../prometheus/histograms.ts';
import { latencyHistogram } from '../prometheus/latency-histogram.ts';
import { fmtMs, round } from './format.ts';
import { latencyChart } from './latency-chart.ts';
import type { Notes, ScrapeWindow } from './notes.ts';
import type { HealthTarget, Scrape } from './observations.ts';

/** p99/p50 above this flags tail-latency spikes. */
export const TAIL_RATIO_LIMIT = 3;

export interface LatencyNote {
  latencyMs: { p50: number; p95: number; p99: number } | null;
  metric: string | null;
  /** Whether the percentiles cover the requests between the scrapes or everything since start. */
  basis: 'interval' | 'since-start' | null;
  /** The tail-latency finding, when p99/p50 is too high. */
  tail: string | null;
  /** Requests the histogram counted between the two scrapes; null without a histogram or a second scrape. */
  windowRequests: number | null;
}

/** Percentiles from the latency histogram: over the window when requests arrived in it, else since start. */
export function noteLatency(notes: Notes, target: HealthTarget, before: Scrape, second: Exposition | null, window: ScrapeWindow): LatencyNote {
  const none: LatencyNote = { latencyMs: null, metric: null, basis: null, tail: null, windowRequests: null };
  const lat = before.exposition ? latencyHistogram(before.exposition, target.latencyMetric) : null;
  if (!lat) {
    const message = target.latencyMetric ? `no histogram named ${target.latencyMetric} in ${before.url}` : 'no latency histogram exported — add one (a `*_request_duration_seconds` histogram)';
    notes.findings.push({ severity: 'warning', message });
    notes.fixes.push('Export a request-latency histogram, e.g. `model_request_duration_seconds` with buckets from 5 ms to 10 s (prometheus_client `Histogram`, client_golang `NewHistogramVec`), and re-run');
    return none;
  }
  const metric = lat.histogram.name;
  if (lat.others.length > 0) notes.evidence.push({ label: 'other latency histograms', value: lat.others.join(', '), detail: 'pass --latency-metric to use one of them' });
  const latAfter = second ? latencyHistogram(second, metric) : null;
  const increase = latAfter ? histogramIncrease(lat.histogram, latAfter.histogram) : null;
  const windowRequests = increase === null ? null : observationCount(increase);
  const inWindow = windowRequests !== null && windowRequests > 0;
  const used: Histogram = inWindow && increase ? increase : (latAfter?.histogram ?? lat.histogram);
  const observations = observationCount(used);
  if (observations === 0) {
    notes.findings.push({ severity: 'info', message: `${metric} has no observations yet — send traffic and re-run to get latency` });
    return { ...none, metric, windowRequests };
  }

  const q = (p: number) => histogramQuantile(p, used.buckets) * lat.toMs;
  const latencyMs = { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
  const ratio = latencyMs.p50 > 0 ? latencyMs.p99 / latencyMs.p50 : Infinity;
  const tail = ratio > TAIL_RATIO_LIMIT ? `p99/p50 = ${Number.isFinite(ratio) ? ratio.toFixed(1) : '∞'} (p99 ${fmtMs(latencyMs.p99)} vs p50 ${fmtMs(latencyMs.p50)}): tail-latency spikes` : null;
  const scope = inWindow ? `${observations} requests in ${window.between}` : `all ${observations} requests ${window.sinceStart}`;
  notes.evidence.push({
    label: 'latency p50 / p95 / p99',
    value: `${fmtMs(latencyMs.p50)} / ${fmtMs(latencyMs.p95)} / ${fmtMs(latencyMs.p99)}`,
    detail: `from ${metric} buckets (${lat.series} label set${lat.series === 1 ? '' : 's'} summed), ${scope}`,
    severity: tail ? 'warning' : 'ok',
  });
  if (tail) notes.findings.push({ severity: 'warning', message: tail });
  const topFinite = [...used.buckets].reverse().find((b) => Number.isFinite(b.le));
  if (topFinite && topFinite.count < 0.99 * observations) {
    notes.findings.push({ severity: 'info', message: `p99 lies beyond ${metric}'s highest finite bucket (${fmtMs(topFinite.le * lat.toMs)}): the true p99 is higher — add larger buckets` });
  }
  const mean = used.sum !== undefined ? (used.sum / observations) * lat.toMs : null;
  const basis = inWindow ? 'interval' : 'since-start';
  notes.tables.push({
    title: `Latency (${metric}, ${inWindow ? 'last interval' : 'since start'})`,
    columns: ['percentile', 'ms'],
    rows: [['p50', round(latencyMs.p50)], ['p95', round(latencyMs.p95)], ['p99', round(latencyMs.p99)], ['mean', mean === null ? null : round(mean)], ['requests', observations]],
  });
  notes.charts.push(latencyChart({ metric, basis, buckets: used.buckets, toMs: lat.toMs, p50Ms: latencyMs.p50, p99Ms: latencyMs.p99 }));
  return { latencyMs, metric, basis, tail, windowRequests };
}
