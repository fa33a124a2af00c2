// Finds the request counter in an exposition (e.g. `http_requests_total{code="500"}`) and splits
// it into all requests and failed ones, so two scrapes give a request rate and an error rate.
import type { Exposition } from './exposition.ts';

/** Labels that carry a request's outcome, most common first. */
const STATUS_LABELS = ['status', 'code', 'status_code', 'http_status', 'outcome', 'result'];

export interface RequestCounts {
  /** The counter family, e.g. `model_requests_total`. */
  metric: string;
  /** The outcome label used, or null when the counter has none (errors cannot be told apart). */
  statusLabel: string | null;
  total: number;
  /** Requests with a 5xx status or an `error` outcome; null without an outcome label. */
  errors: number | null;
}

/** An outcome value that means the server failed: 5xx, or error/failure/fail. */
export function isErrorStatus(value: string): boolean {
  return /^5\d\d$/.test(value) || /^(5xx|error|errors|failure|failed|fail)$/i.test(value);
}

/**
 * The request counter: a counter family named `*request(s)_total` (or `*request(s)` declared as a
 * counter), preferring one with an outcome label and then one whose name shares the longest prefix
 * with `near` (the latency histogram, so `model_requests_total` goes with `model_request_duration_seconds`).
 */
export function requestCounts(exposition: Exposition, near = ''): RequestCounts | null {
  const families = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  for (const s of exposition.samples) {
    const declared = exposition.types.get(s.name.replace(/_total$/, '')) ?? exposition.types.get(s.name);
    const counterLike = s.name.endsWith('_total') ? declared === undefined || declared === 'counter' || declared === 'untyped' : declared === 'counter';
    if (!counterLike || !/requests?(_total)?$/.test(s.name)) continue;
    const list = families.get(s.name) ?? [];
    list.push({ labels: s.labels, value: s.value });
    families.set(s.name, list);
  }
  const candidates = [...families].map(([metric, samples]) => {
    const statusLabel = STATUS_LABELS.find((l) => samples.some((s) => l in s.labels)) ?? null;
    return { metric, samples, statusLabel };
  });
  candidates.sort(
    (a, b) => Number(b.statusLabel !== null) - Number(a.statusLabel !== null) || commonPrefix(b.metric, near) - commonPrefix(a.metric, near),
  );
  const best = candidates[0];
  if (!best) return null;
  const { metric, samples, statusLabel } = best;
  const total = samples.reduce((acc, s) => acc + s.value, 0);
  const errors =
    statusLabel === null ? null : samples.filter((s) => isErrorStatus(s.labels[statusLabel] ?? '')).reduce((acc, s) => acc + s.value, 0);
  return { metric, statusLabel, total, errors };
}

/** Increase of a counter between two scrapes; a drop means the process restarted, so the new value is the increase. */
export function counterIncrease(before: number, after: number): number {
  return after >= before ? after - before : after;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** The request counter's series, one per label set, with the outcome label used (for breakdowns by route, model, status). */
export interface RequestSeries {
  metric: string;
  statusLabel: string | null;
  series: Array<{ labels: Record<string, string>; value: number }>;
}

/** The same counter `requestCounts` picks, as its individual series. */
export function requestSeries(exposition: Exposition, near = ''): RequestSeries | null {
  const counts = requestCounts(exposition, near);
  if (!counts) return null;
  const series = exposition.samples.filter((s) => s.name === counts.metric).map((s) => ({ labels: s.labels, value: s.value }));
  return { metric: counts.metric, statusLabel: counts.statusLabel, series };
}
