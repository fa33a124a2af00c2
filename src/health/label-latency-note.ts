// Latency broken down by a label of the latency histogram (model, route, handler…): when one label
// value is much slower than the others, and the latency problem of the whole service (a tail worth
// chasing, a p99 over the objective) goes away without it, the problem is that label's — a heavier
// model, a slow dependency of one route — not a slow path every request may take.
import type { Exposition } from '../prometheus/exposition.ts';
import { histogramQuantile } from '../prometheus/histogram-quantile.ts';
import { histograms, observationCount, sumHistograms, type Histogram } from '../prometheus/histograms.ts';
import { fmtMs, round } from './format.ts';
import type { HealthTarget } from './input.ts';
import { MIN_WINDOW_LATENCY_REQUESTS, TAIL_FLOOR_MS, TAIL_RATIO_LIMIT, type LatencyNote } from './latency-note.ts';
import type { Notes, ScrapeWindow } from './notes.ts';
import { histogramIncreaseOver } from './series.ts';

/** Labels that split requests by outcome or by scrape target, not by the work they ask for. */
const NOT_WORK = /^(code|status|status_code|status_class|result|outcome|instance|job|pod|namespace|container|node|method)$/;
/** A label with more values than this is an identifier (a user, a request id), not a kind of work. */
const MAX_VALUES = 50;
/** Requests a label value (and the rest) need for a median. */
const MIN_REQUESTS = 20;

interface Split {
  label: string;
  value: string;
  requests: number;
  p50: number;
  p99: number;
  restRequests: number;
  restP50: number;
  restP99: number;
}

export function noteLabelLatency(notes: Notes, target: HealthTarget, scrapes: readonly Exposition[], latency: LatencyNote, window: ScrapeWindow): void {
  const metric = latency.metric;
  const overall = latency.latencyMs;
  if (!metric || !overall || scrapes.length === 0) return;
  const toMs = /_(milliseconds|ms)$/.test(metric) ? 1 : 1000;
  const perScrape = scrapes.map((e) => histograms(e).filter((h) => h.name === metric));
  const last = perScrape.at(-1) ?? [];
  const labels = [...new Set(last.flatMap((h) => Object.keys(h.labels)))].filter((l) => !NOT_WORK.test(l));
  const inWindow = latency.basis === 'interval';
  /** The histogram of the series `keep` selects, over the window or since start as the overall percentiles are. */
  const select = (keep: (h: Histogram) => boolean): Histogram | null => {
    const series = perScrape.map((list) => sumHistograms(list.filter(keep))).filter((h): h is Histogram => h !== null);
    if (series.length === 0) return null;
    return inWindow ? histogramIncreaseOver(series) : (series.at(-1) as Histogram);
  };
  let worst: Split | null = null;
  for (const label of labels) {
    const values = [...new Set(last.map((h) => h.labels[label]).filter((v): v is string => v !== undefined))];
    if (values.length < 2 || values.length > MAX_VALUES) continue;
    for (const value of values) {
      const mine = select((h) => h.labels[label] === value);
      const rest = select((h) => h.labels[label] !== value);
      if (!mine || !rest) continue;
      const requests = observationCount(mine);
      const restRequests = observationCount(rest);
      if (requests < Math.max(MIN_REQUESTS, MIN_WINDOW_LATENCY_REQUESTS) || restRequests < MIN_REQUESTS) continue;
      const q = (h: Histogram, p: number) => histogramQuantile(p, h.buckets) * toMs;
      const split: Split = { label, value, requests, p50: q(mine, 0.5), p99: q(mine, 0.99), restRequests, restP50: q(rest, 0.5), restP99: q(rest, 0.99) };
      const ratio = (s: Split) => s.p50 / Math.max(s.restP50, 1e-3);
      if (!worst || ratio(split) > ratio(worst)) worst = split;
    }
  }
  if (!worst) return;
  const subject = `${worst.label}=${worst.value}`;
  const extra = { subject, sampleSize: worst.requests, ...(inWindow ? { windowSeconds: window.seconds } : {}) };
  const ratio = worst.p50 / Math.max(worst.restP50, 1e-3);
  const others = `the other ${worst.label} values p50 ${fmtMs(worst.restP50)}, p99 ${fmtMs(worst.restP99)} (${worst.restRequests} requests)`;
  notes.observe('latency.slowest_label_vs_others', round(Math.min(ratio, 1e6)), `${subject}: p50 ${fmtMs(worst.p50)}, p99 ${fmtMs(worst.p99)} over ${worst.requests} requests; ${others}`, extra);

  // Does the service's latency problem go away without that label value?
  const slo = target.sloP99Ms;
  const spikes = overall.p99 / Math.max(overall.p50, 1e-3) > TAIL_RATIO_LIMIT && overall.p99 - overall.p50 >= TAIL_FLOOR_MS;
  const overSlo = slo !== undefined && overall.p99 > slo;
  const restSpikes = worst.restP99 / Math.max(worst.restP50, 1e-3) > TAIL_RATIO_LIMIT && worst.restP99 - worst.restP50 >= TAIL_FLOOR_MS;
  const restFine = !restSpikes && (slo === undefined || worst.restP99 <= slo) && worst.restP99 <= overall.p99 / 2;
  const owned = (spikes || overSlo) && restFine;
  const problem = overSlo ? `p99 ${fmtMs(overall.p99)} over the ${fmtMs(slo as number)} objective` : spikes ? `the tail (p99 ${fmtMs(overall.p99)} vs p50 ${fmtMs(overall.p50)})` : 'no latency problem';
  notes.observe(
    'latency.tail_owned_by_label',
    owned,
    owned
      ? `${problem} is ${subject}'s alone: its p99 ${fmtMs(worst.p99)}, ${others}`
      : spikes || overSlo
        ? `${problem} is not one ${worst.label}'s: without ${subject}, ${others}`
        : `no latency problem to assign to a ${worst.label} (slowest ${subject}, p50 ${fmtMs(worst.p50)})`,
    extra,
  );
  if (owned) notes.find('warning', `${problem} comes from ${subject} only (p50 ${fmtMs(worst.p50)}, p99 ${fmtMs(worst.p99)}; ${others})`);
}
