// Latency from the request-latency histogram's buckets, exactly as PromQL's histogram_quantile
// computes it: over the requests of the window when it holds enough of them, else over everything
// since the process started. Then what the numbers mean against something: the tail against the
// median (with an absolute floor, so 22 ms at a 4 ms median is not a "spike"), the p99 objective
// (--slo-p99), the last healthy run (the baseline), and the shape of the distribution and of the
// per-step means (a separate slow cluster; latency falling as a process warms up).
import { sampleCorrelation } from 'simple-statistics';
import type { Exposition } from '../prometheus/exposition.ts';
import { histogramQuantile } from '../prometheus/histogram-quantile.ts';
import { observationCount, type Bucket, type Histogram } from '../prometheus/histograms.ts';
import { latencyHistogram } from '../prometheus/latency-histogram.ts';
import { fmtMs, round } from './format.ts';
import type { Baseline, HealthTarget } from './input.ts';
import { latencyChart } from './latency-chart.ts';
import type { Notes, ScrapeWindow } from './notes.ts';
import { histogramIncreaseOver, stepIncreases } from './series.ts';

/** p99/p50 above this, with p99 at least TAIL_FLOOR_MS above p50, is a tail worth chasing. */
export const TAIL_RATIO_LIMIT = 3;
/** A tail whose p99 is within this of p50 is not a problem a person should chase, whatever the ratio (ms). */
export const TAIL_FLOOR_MS = 50;
/** Fewer requests than this in the window: percentiles come from everything since start. */
export const MIN_WINDOW_LATENCY_REQUESTS = 10;
/** A p50 this many times the baseline's, and at least REGRESSION_FLOOR_MS more, is a regression. */
export const REGRESSION_RATIO = 1.5;
export const REGRESSION_FLOOR_MS = 10;
/** Mean latency of the last scrape step this many times the first's, and TAIL_FLOOR_MS more, is latency climbing within the window. */
export const RISING_RATIO = 2;
/** …and the step means rising with time (correlation with the step index at least this). */
export const RISING_CORRELATION = 0.8;

export interface LatencyNote {
  latencyMs: { p50: number; p95: number; p99: number } | null;
  metric: string | null;
  /** Whether the percentiles cover the window or everything since start. */
  basis: 'interval' | 'since-start' | null;
  /** Requests behind the percentiles. */
  requests: number;
  /** Requests the histogram counted in the window; null without a histogram or a second scrape. */
  windowRequests: number | null;
  /** Mean latency of each scrape step, ms (null for a step without requests), and the requests in it. */
  steps: Array<{ meanMs: number | null; requests: number }>;
  /** Mean latency over the window, ms; null without requests or `_sum`. */
  meanMs: number | null;
}

const NONE: LatencyNote = { latencyMs: null, metric: null, basis: null, requests: 0, windowRequests: null, steps: [], meanMs: null };

/** Percentiles and their comparisons. */
export function noteLatency(notes: Notes, target: HealthTarget, scrapes: readonly Exposition[], window: ScrapeWindow, baseline: Baseline | null, nowMs: number): LatencyNote {
  const first = scrapes[0];
  const lat = first ? latencyHistogram(first, target.latencyMetric) : null;
  if (!first || !lat) {
    const message = target.latencyMetric ? `no histogram named ${target.latencyMetric} in the metrics` : 'no latency histogram exported — add one (a `*_request_duration_seconds` histogram)';
    notes.find('warning', message);
    notes.observe('metrics.latency_histogram', false, message);
    notes.fixes.push('Export a request-latency histogram, e.g. `model_request_duration_seconds` with buckets from 5 ms to 10 s (prometheus_client `Histogram`, client_golang `NewHistogramVec`), and re-run');
    return NONE;
  }
  const metric = lat.histogram.name;
  notes.observe('metrics.latency_histogram', true, `latency histogram ${metric} exported`);
  if (lat.others.length > 0) notes.evidence.push({ label: 'other latency histograms', value: lat.others.join(', '), detail: 'pass --latency-metric to use one of them' });
  const series = scrapes.map((e) => latencyHistogram(e, metric)?.histogram).filter((h): h is Histogram => h !== undefined);
  const increase = histogramIncreaseOver(series);
  const windowRequests = increase === null ? null : observationCount(increase);
  const inWindow = windowRequests !== null && windowRequests >= MIN_WINDOW_LATENCY_REQUESTS;
  const last = series.at(-1) ?? lat.histogram;
  const used: Histogram = inWindow && increase ? increase : last;
  const requests = observationCount(used);
  const steps = stepMeans(series, lat.toMs);
  if (requests === 0) {
    notes.find('info', `${metric} has no observations yet — send traffic and re-run to get latency`);
    return { ...NONE, metric, windowRequests, steps };
  }

  const q = (p: number) => histogramQuantile(p, used.buckets) * lat.toMs;
  const latencyMs = { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
  const basis = inWindow ? 'interval' : 'since-start';
  const scope = inWindow
    ? `${requests} requests in ${window.between}`
    : `all ${requests} requests since the process started (${windowRequests === null ? 'one usable scrape' : `only ${windowRequests} in ${window.between}`})`;
  const extra = { sampleSize: requests, ...(inWindow ? { windowSeconds: window.seconds } : {}) };
  const pcts = `p50 ${fmtMs(latencyMs.p50)}, p95 ${fmtMs(latencyMs.p95)}, p99 ${fmtMs(latencyMs.p99)}`;
  notes.observe('latency.p50', round(latencyMs.p50), `p50 ${fmtMs(latencyMs.p50)} over ${scope}`, extra);
  notes.observe('latency.p95', round(latencyMs.p95), `p95 ${fmtMs(latencyMs.p95)} over ${scope}`, extra);
  notes.observe('latency.p99', round(latencyMs.p99), `p99 ${fmtMs(latencyMs.p99)} over ${scope}`, extra);

  // The tail: relative to the median, with an absolute floor.
  const ratio = latencyMs.p50 > 0 ? latencyMs.p99 / latencyMs.p50 : latencyMs.p99 > 0 ? Infinity : 1;
  const excess = latencyMs.p99 - latencyMs.p50;
  const spikes = ratio > TAIL_RATIO_LIMIT && excess >= TAIL_FLOOR_MS;
  const ratioText = Number.isFinite(ratio) ? ratio.toFixed(1) : '∞';
  notes.observe('latency.tail_ratio', Number.isFinite(ratio) ? round(ratio) : 1e6, `p99/p50 = ${ratioText} (p99 ${fmtMs(latencyMs.p99)} vs p50 ${fmtMs(latencyMs.p50)})`, extra);
  notes.observe('latency.tail_excess', round(excess), `p99 is ${fmtMs(excess)} above p50`, extra);
  notes.observe(
    'latency.tail_spikes',
    spikes,
    spikes
      ? `tail-latency spikes: p99/p50 = ${ratioText}, p99 ${fmtMs(latencyMs.p99)} is ${fmtMs(excess)} above p50`
      : ratio > TAIL_RATIO_LIMIT
        ? `p99/p50 = ${ratioText}, but p99 is only ${fmtMs(excess)} above p50 (under ${TAIL_FLOOR_MS} ms): no tail worth chasing`
        : `no tail spikes: p99/p50 = ${ratioText}`,
    extra,
  );
  if (spikes) notes.find('warning', `p99/p50 = ${ratioText} (p99 ${fmtMs(latencyMs.p99)} vs p50 ${fmtMs(latencyMs.p50)}): tail-latency spikes`);
  if (spikes) {
    const cluster = slowCluster(used.buckets, lat.toMs);
    notes.observe(
      'latency.bimodal',
      cluster !== null,
      cluster ? `a separate cluster of slow requests: ${cluster}` : 'the slow requests form a continuous tail, not a separate cluster',
      extra,
    );
  }

  const severity = spikes ? 'warning' : 'ok';
  notes.evidence.push({
    label: 'latency p50 / p95 / p99',
    value: `${fmtMs(latencyMs.p50)} / ${fmtMs(latencyMs.p95)} / ${fmtMs(latencyMs.p99)}`,
    detail: `from ${metric} buckets (${lat.series} label set${lat.series === 1 ? '' : 's'} summed), ${scope}`,
    severity,
  });
  const topFinite = [...used.buckets].reverse().find((b) => Number.isFinite(b.le));
  if (topFinite && topFinite.count < 0.99 * requests) {
    notes.find('info', `p99 lies beyond ${metric}'s highest finite bucket (${fmtMs(topFinite.le * lat.toMs)}): the true p99 is higher — add larger buckets`);
  }

  compare(notes, target, baseline, latencyMs, extra, pcts, nowMs);
  noteTrend(notes, steps, stepMedians(series, lat.toMs), window);

  const meanMs = used.sum !== undefined && requests > 0 ? (used.sum / requests) * lat.toMs : null;
  notes.tables.push({
    title: `Latency (${metric}, ${inWindow ? 'last interval' : 'since start'})`,
    columns: ['percentile', 'ms'],
    rows: [
      ['p50', round(latencyMs.p50)],
      ['p95', round(latencyMs.p95)],
      ['p99', round(latencyMs.p99)],
      ['mean', meanMs === null ? null : round(meanMs)],
      ['requests', requests],
      ...(baseline ? [['baseline p50', round(baseline.p50Ms)] as [string, number], ['baseline p99', round(baseline.p99Ms)] as [string, number]] : []),
      ...(target.sloP99Ms !== undefined ? [['p99 objective', target.sloP99Ms] as [string, number]] : []),
    ],
  });
  notes.charts.push(latencyChart({ metric, basis, buckets: used.buckets, toMs: lat.toMs, p50Ms: latencyMs.p50, p99Ms: latencyMs.p99 }));
  return { latencyMs, metric, basis, requests, windowRequests, steps, meanMs: inWindow ? meanMs : null };
}

type Extra = { sampleSize: number; windowSeconds?: number };

/** Absolute latency against the p99 objective and the last healthy run. */
function compare(notes: Notes, target: HealthTarget, baseline: Baseline | null, ms: { p50: number; p99: number }, extra: Extra, pcts: string, nowMs: number): void {
  const slo = target.sloP99Ms;
  if (slo !== undefined) {
    notes.observe('latency.slo_p99', slo, `p99 objective ${fmtMs(slo)} (--slo-p99)`);
    notes.observe('latency.p99_vs_slo', round(ms.p99 / slo), `p99 ${fmtMs(ms.p99)} is ${(ms.p99 / slo).toFixed(2)}× the ${fmtMs(slo)} p99 objective`, extra);
    notes.observe('latency.p50_vs_slo', round(ms.p50 / slo), `p50 ${fmtMs(ms.p50)} is ${(ms.p50 / slo).toFixed(2)}× the ${fmtMs(slo)} p99 objective${ms.p50 > slo ? ': even the median misses it' : ''}`, extra);
    if (ms.p99 > slo) notes.find('warning', `p99 ${fmtMs(ms.p99)} breaks the ${fmtMs(slo)} p99 objective${ms.p50 > slo ? ` — so does p50 (${fmtMs(ms.p50)}): every request is slow, not only the tail` : ''}`);
  }
  if (baseline) {
    const ago = ageText((nowMs - baseline.atMs) / 1000);
    const r50 = baseline.p50Ms > 0 ? ms.p50 / baseline.p50Ms : 1;
    const r99 = baseline.p99Ms > 0 ? ms.p99 / baseline.p99Ms : 1;
    const shift = ms.p50 - baseline.p50Ms;
    const regressed = r50 >= REGRESSION_RATIO && shift >= REGRESSION_FLOOR_MS;
    notes.observe('latency.baseline_p50', round(baseline.p50Ms), `p50 of the last healthy run (${ago}, ${baseline.requests} requests): ${fmtMs(baseline.p50Ms)}`);
    notes.observe('latency.p50_vs_baseline', round(r50), `p50 went from ${fmtMs(baseline.p50Ms)} (last healthy run, ${ago}) to ${fmtMs(ms.p50)}: ${r50.toFixed(1)}×`, extra);
    notes.observe('latency.p99_vs_baseline', round(r99), `p99 went from ${fmtMs(baseline.p99Ms)} (last healthy run, ${ago}) to ${fmtMs(ms.p99)}: ${r99.toFixed(1)}×`, extra);
    notes.observe('latency.p50_shift', round(shift), `p50 is ${fmtMs(Math.abs(shift))} ${shift >= 0 ? 'above' : 'below'} the last healthy run's`, extra);
    notes.observe(
      'latency.regressed',
      regressed,
      regressed
        ? `every request got slower: p50 went from ${fmtMs(baseline.p50Ms)} (last healthy run, ${ago}) to ${fmtMs(ms.p50)}, p99 from ${fmtMs(baseline.p99Ms)} to ${fmtMs(ms.p99)}`
        : `p50 ${fmtMs(ms.p50)} is in line with the last healthy run's ${fmtMs(baseline.p50Ms)} (${ago})`,
      extra,
    );
    notes.evidence.push({ label: 'baseline (last healthy run)', value: `p50 ${fmtMs(baseline.p50Ms)}, p99 ${fmtMs(baseline.p99Ms)}`, detail: `${ago}, ${baseline.requests} requests; now p50 ×${r50.toFixed(2)}, p99 ×${r99.toFixed(2)}`, severity: regressed ? 'warning' : 'ok' });
    if (regressed) notes.find('warning', `p50 went from ${fmtMs(baseline.p50Ms)} to ${fmtMs(ms.p50)} (${r50.toFixed(1)}× the last healthy run, ${ago}); p99 from ${fmtMs(baseline.p99Ms)} to ${fmtMs(ms.p99)}`);
  }
  if (slo === undefined && !baseline) {
    notes.find('info', `latency is ${fmtMs(ms.p50)} at p50 (${pcts}); no baseline or SLO to compare — pass --slo-p99 <ms>, and the next healthy run becomes the baseline`);
    notes.fixes.push('Give the latency objective (`--slo-p99 <ms>`) so an absolute latency can be judged; healthy runs are kept as the baseline for the next');
  }
}

/** Mean latency per scrape step, from the increases of `_sum` and `_count`. */
function stepMeans(series: readonly Histogram[], toMs: number): LatencyNote['steps'] {
  if (series.some((h) => h.sum === undefined)) return [];
  const counts = stepIncreases(series.map((h) => h.count ?? h.buckets.at(-1)?.count ?? 0));
  const sums = stepIncreases(series.map((h) => h.sum as number));
  return counts.map((n, i) => ({ requests: n, meanMs: n > 0 ? ((sums[i] as number) / n) * toMs : null }));
}

/** Median latency of each scrape step, ms, from the step's bucket increases (null for a step with under 3 requests). */
function stepMedians(series: readonly Histogram[], toMs: number): Array<number | null> {
  return series.slice(1).map((h, i) => {
    const step = histogramIncreaseOver([series[i] as Histogram, h]);
    return step && observationCount(step) >= 3 ? histogramQuantile(0.5, step.buckets) * toMs : null;
  });
}

/** Latency falling through the window, as a process warms up (JIT, caches, lazy model load). */
function noteTrend(notes: Notes, steps: LatencyNote['steps'], stepP50s: ReadonlyArray<number | null>, window: ScrapeWindow): void {
  const busy = steps.filter((s): s is { meanMs: number; requests: number } => s.meanMs !== null && s.requests >= 3);
  if (busy.length < 3) return;
  const firstMs = (busy[0] as { meanMs: number }).meanMs;
  const lastMs = (busy.at(-1) as { meanMs: number }).meanMs;
  if (!(firstMs > 0)) return;
  const trend = lastMs / firstMs;
  const sampleSize = busy.reduce((a, s) => a + s.requests, 0);
  const text = `mean latency went from ${fmtMs(firstMs)} in the first scrape step to ${fmtMs(lastMs)} in the last (${trend.toFixed(2)}×)`;
  notes.observe('latency.trend', round(trend), text, { sampleSize, windowSeconds: window.seconds });
  const warming = trend <= 0.5 && firstMs - lastMs >= TAIL_FLOOR_MS;
  // A climb is the typical request getting slower step after step: judged on each step's median,
  // which a few stalls landing late in the window (they are counted when they finish) do not move.
  const medians = stepP50s.filter((m): m is number => m !== null);
  const firstP50 = medians[0];
  const lastP50 = medians.at(-1);
  const steadyClimb =
    medians.length >= 3 && firstP50 !== undefined && lastP50 !== undefined && Math.max(...medians) > Math.min(...medians) && sampleCorrelation(medians.map((_, i) => i), medians) >= RISING_CORRELATION;
  const rising = steadyClimb && lastP50 >= RISING_RATIO * firstP50 && lastP50 - firstP50 >= TAIL_FLOOR_MS;
  const steady =
    trend >= RISING_RATIO && !rising
      ? `${text}, but the median of each step did not climb: a few slow requests, not every request getting slower`
      : `latency steady through the window (${trend.toFixed(2)}× first to last step)`;
  const medianText = steadyClimb ? `; the median of each step went ${medians.map((m) => fmtMs(m)).join(' → ')}` : '';

  notes.observe('latency.trend_shift', round(lastMs - firstMs), `mean latency of the last scrape step is ${fmtMs(Math.abs(lastMs - firstMs))} ${lastMs >= firstMs ? 'above' : 'below'} the first's`, { sampleSize, windowSeconds: window.seconds });
  notes.observe('latency.warming', warming, warming ? `latency is falling as the process warms up: ${text}` : rising ? `latency is rising, not falling: ${text}` : steady, { sampleSize, windowSeconds: window.seconds });
  notes.observe('latency.rising', rising, rising ? `latency climbed through the window: ${text}${medianText}` : warming ? `latency fell through the window: ${text}` : steady, { sampleSize, windowSeconds: window.seconds });
  if (warming) notes.find('info', `latency is falling through the window (warming up): ${text}`);
  if (rising) notes.find('warning', `latency is climbing through the window: ${text}${medianText}`);
}

/**
 * A separate cluster of slow requests: a bucket beyond the median's holding ≥ 0.5 % of the
 * requests, with a bucket between them holding under a quarter of both (a valley). Queueing makes a
 * smooth tail; a retry, a timeout, a pause or a slow dependency call makes a second hump.
 */
function slowCluster(buckets: readonly Bucket[], toMs: number): string | null {
  const own = buckets.map((b, i) => b.count - (buckets[i - 1]?.count ?? 0));
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const bulk = buckets.findIndex((b) => b.count >= 0.5 * total);
  for (let i = bulk + 2; i < own.length; i++) {
    const peak = own[i] as number;
    if (peak < Math.max(1, 0.005 * total)) continue;
    for (let j = bulk + 1; j < i; j++) {
      if ((own[j] as number) * 4 <= Math.min(peak, own[bulk] as number)) {
        const lo = buckets[i - 1]?.le ?? 0;
        const hi = buckets[i]?.le ?? Infinity;
        const share = (100 * peak) / total;
        return `${share.toFixed(1)} % of requests took ${fmtMs(lo * toMs)}–${Number.isFinite(hi) ? fmtMs(hi * toMs) : '∞'}, with almost none between them and the median`;
      }
    }
  }
  return null;
}

function ageText(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}
