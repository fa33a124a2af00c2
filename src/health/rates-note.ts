// Request and error rates from the request counter (`*_requests_total{status}`) across the
// scrapes: over the window when it holds enough requests to see a few-percent error rate, else
// over everything since the process started, always with the number of requests behind it. When
// the counter carries other labels (route, model, handler), the errors are broken down by them,
// so "one route fails" is told apart from "everything fails".
import type { Exposition } from '../prometheus/exposition.ts';
import { isErrorStatus, requestSeries, type RequestSeries } from '../prometheus/request-counters.ts';
import type { Severity } from '../report/model.ts';
import { fmtPct, round } from './format.ts';
import type { LatencyNote } from './latency-note.ts';
import type { Notes, ScrapeWindow } from './notes.ts';
import { increaseOver } from './series.ts';

/** Error ratios above these are a warning / critical. */
export const ERROR_RATE_WARNING = 0.01;
export const ERROR_RATE_CRITICAL = 0.05;
/** Fewer requests than this in the window: the error rate comes from the counters since start (a 5 % rate needs ~100 requests to show). */
export const MIN_WINDOW_ERROR_REQUESTS = 100;
/** Below this many requests an error rate is too thin to call critical. */
const MIN_CRITICAL_SAMPLE = 20;

export interface RatesNote {
  requestRatePerSec: number | null;
  /** Failed share of requests, 0–1. */
  errorRate: number | null;
  /** Requests behind errorRate, and what they cover. */
  errorSample: number | null;
  errorBasis: 'interval' | 'since-start' | null;
  requestCounter: string | null;
  /** Requests per scrape step (for the load correlation); empty without a counter or histogram. */
  stepRates: number[];
}

interface Tally {
  requests: number;
  errors: number;
  client: number;
  overload: number;
  rateLimited: number;
  byStatus: Map<string, number>;
}

export function noteRates(notes: Notes, scrapes: readonly Exposition[], latency: Pick<LatencyNote, 'metric' | 'windowRequests' | 'steps'>, window: ScrapeWindow): RatesNote {
  const first = scrapes[0];
  const c1 = first ? requestSeries(first, latency.metric ?? '') : null;
  const stepSeconds = window.scrapes > 1 ? window.seconds / (window.scrapes - 1) : 0;
  if (!c1) {
    const message = 'no request counter (`*_requests_total{status}`) exported — the error rate is unknown; add one';
    notes.find('info', message);
    notes.observe('metrics.request_counter', false, message);
    const stepRates = stepSeconds > 0 ? latency.steps.map((s) => s.requests / stepSeconds) : [];
    if (latency.windowRequests === null || window.seconds <= 0) return { requestRatePerSec: null, errorRate: null, errorSample: null, errorBasis: null, requestCounter: null, stepRates };
    const requestRatePerSec = latency.windowRequests / window.seconds;
    notes.evidence.push({ label: 'request rate', value: `${requestRatePerSec.toFixed(2)} req/s`, detail: `increase of ${latency.metric}_count over ${window.between}` });
    notes.observe('requests.rate', round(requestRatePerSec), `${requestRatePerSec.toFixed(2)} req/s over ${window.between} (from ${latency.metric}_count)`, { windowSeconds: window.seconds, sampleSize: latency.windowRequests });
    return { requestRatePerSec, errorRate: null, errorSample: null, errorBasis: null, requestCounter: null, stepRates };
  }
  const { metric, statusLabel } = c1;
  notes.observe('metrics.request_counter', statusLabel !== null, statusLabel !== null ? `request counter ${metric}{${statusLabel}} exported` : `${metric} has no status label`);
  const all = scrapes.map((e) => requestSeries(e, latency.metric ?? '')).filter((c): c is RequestSeries => c?.metric === metric);
  const keys = [...new Set(all.flatMap((c) => c.series.map((s) => labelKey(s.labels))))];
  const labelsOf = new Map(all.flatMap((c) => c.series.map((s) => [labelKey(s.labels), s.labels] as const)));
  const valuesOf = (key: string) => all.map((c) => c.series.find((s) => labelKey(s.labels) === key)?.value ?? 0);
  const windowByKey = new Map(keys.map((k) => [k, all.length > 1 ? increaseOver(valuesOf(k)) : 0]));
  const sinceStartByKey = new Map(keys.map((k) => [k, valuesOf(k).at(-1) ?? 0]));
  const windowTotal = [...windowByKey.values()].reduce((a, b) => a + b, 0);
  const sinceStartTotal = [...sinceStartByKey.values()].reduce((a, b) => a + b, 0);
  const hasWindow = all.length > 1 && window.seconds > 0;

  const requestRatePerSec = hasWindow ? windowTotal / window.seconds : null;
  if (requestRatePerSec !== null) {
    notes.evidence.push({ label: 'request rate', value: `${requestRatePerSec.toFixed(2)} req/s`, detail: `increase of ${metric} over ${window.between}` });
    notes.observe('requests.rate', round(requestRatePerSec), `${requestRatePerSec.toFixed(2)} req/s over ${window.between} (${windowTotal} requests)`, { windowSeconds: window.seconds, sampleSize: windowTotal });
    notes.observe('requests.count', windowTotal, `${windowTotal} requests in ${window.between}`, { windowSeconds: window.seconds });
  }
  const stepRates = hasWindow && stepSeconds > 0 ? stepTotals(all).map((n) => n / stepSeconds) : [];

  if (statusLabel === null) {
    notes.find('info', `${metric} has no status/code label — the error rate is unknown; label it with the HTTP status`);
    notes.tables.push(ratesTable(metric, requestRatePerSec, null, null, 'one scrape', sinceStartTotal));
    return { requestRatePerSec, errorRate: null, errorSample: null, errorBasis: null, requestCounter: metric, stepRates };
  }

  const useWindow = hasWindow && (windowTotal >= MIN_WINDOW_ERROR_REQUESTS || sinceStartTotal <= windowTotal);
  const counts = useWindow ? windowByKey : sinceStartByKey;
  const tally = tallyOf(keys, counts, labelsOf, statusLabel);
  const basis = useWindow ? 'interval' : 'since-start';
  const scope = useWindow
    ? `${tally.errors} of ${tally.requests} in ${window.between}`
    : `${tally.errors} of ${tally.requests} since the process started (${hasWindow ? `only ${windowTotal} requests in ${window.between}` : 'one usable scrape'})`;
  const extra = { sampleSize: tally.requests, ...(useWindow ? { windowSeconds: window.seconds } : {}) };
  let errorRate: number | null = null;
  if (tally.requests > 0) {
    errorRate = tally.errors / tally.requests;
    const rawSeverity: Severity = errorRate > ERROR_RATE_CRITICAL ? 'critical' : errorRate > ERROR_RATE_WARNING ? 'warning' : 'ok';
    const thin = tally.requests < MIN_CRITICAL_SAMPLE;
    const severity: Severity = rawSeverity === 'critical' && thin ? 'warning' : rawSeverity;
    notes.observe('errors.rate', round(errorRate), `error rate ${fmtPct(errorRate)} (${scope})`, extra);
    notes.observe('errors.basis', basis, useWindow ? `error rate measured over ${window.between}` : `error rate measured since the process started: the window held only ${windowTotal} requests`, extra);
    notes.observe('errors.count', tally.errors, `${tally.errors} failed requests (${scope})`, extra);
    const client = tally.client / tally.requests;
    const overload = tally.overload / tally.requests;
    const limited = tally.rateLimited / tally.requests;
    notes.observe('errors.client_rate', round(client), `${fmtPct(client)} of requests answered 4xx other than 429 (${tally.client} of ${tally.requests})`, extra);
    notes.observe('errors.overload_rate', round(overload), `${fmtPct(overload)} of requests answered 429/503 (${tally.overload} of ${tally.requests})`, extra);
    notes.observe('errors.rate_limited_rate', round(limited), `${fmtPct(limited)} of requests answered 429 Too Many Requests (${tally.rateLimited} of ${tally.requests})`, extra);
    notes.evidence.push({ label: 'error rate', value: fmtPct(errorRate), detail: `5xx/error ${metric}{${statusLabel}}: ${scope}`, severity });
    if (severity !== 'ok') notes.find(severity, `error rate ${fmtPct(errorRate)} (${scope})${thin ? ' — too few requests to be sure' : ''}`);
    if (client > 0.05 && tally.client >= 5) notes.find('warning', `${fmtPct(client)} of requests were rejected with 4xx (${tally.client} of ${tally.requests}): callers send requests the service refuses`);
    if (limited > 0.05 && tally.rateLimited >= 5) notes.find('warning', `${fmtPct(limited)} of requests were refused with 429 Too Many Requests (${tally.rateLimited} of ${tally.requests}): callers are rate limited`);
    breakdown(notes, keys, counts, labelsOf, statusLabel, tally, extra);
  }
  notes.tables.push(ratesTable(metric, requestRatePerSec, hasWindow ? tallyOf(keys, windowByKey, labelsOf, statusLabel).errors / window.seconds : null, errorRate === null ? null : `${fmtPct(errorRate)} (${basis}, ${tally.requests} requests)`, hasWindow ? window.between : 'one scrape', sinceStartTotal, tallyOf(keys, sinceStartByKey, labelsOf, statusLabel)));
  if (tally.byStatus.size > 0) {
    notes.tables.push({
      title: `Requests by status (${basis === 'interval' ? 'last interval' : 'since start'})`,
      columns: ['status', 'requests', 'share'],
      rows: [...tally.byStatus].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, n]) => [s, n, fmtPct(n / tally.requests)]),
    });
  }
  return { requestRatePerSec, errorRate, errorSample: errorRate === null ? null : tally.requests, errorBasis: errorRate === null ? null : basis, requestCounter: metric, stepRates };
}

function tallyOf(keys: string[], counts: Map<string, number>, labelsOf: Map<string, Record<string, string>>, statusLabel: string): Tally {
  const t: Tally = { requests: 0, errors: 0, client: 0, overload: 0, rateLimited: 0, byStatus: new Map() };
  for (const k of keys) {
    const n = counts.get(k) ?? 0;
    const status = labelsOf.get(k)?.[statusLabel] ?? '';
    t.requests += n;
    if (isErrorStatus(status)) t.errors += n;
    // 429 is a refusal to serve this caller now (a rate limit), not a request the service cannot understand.
    if (/^4\d\d$/.test(status) && status !== '429') t.client += n;
    if (status === '429') t.rateLimited += n;
    if (status === '429' || status === '503') t.overload += n;
    if (n > 0) t.byStatus.set(status, (t.byStatus.get(status) ?? 0) + n);
  }
  return t;
}

/**
 * Errors by each other label of the counter (route, model, handler …): the value with the most
 * errors, its share of them, its own error rate and the rest's. Only for a label with several
 * values that got requests, and a few errors to split.
 */
function breakdown(notes: Notes, keys: string[], counts: Map<string, number>, labelsOf: Map<string, Record<string, string>>, statusLabel: string, tally: Tally, extra: { sampleSize: number; windowSeconds?: number }): void {
  if (tally.errors < 3) return;
  const CONCENTRATED_CAP = 1000;
  const labelNames = [...new Set([...labelsOf.values()].flatMap((l) => Object.keys(l)))].filter((l) => l !== statusLabel).sort();
  for (const label of labelNames) {
    const byValue = new Map<string, { requests: number; errors: number }>();
    for (const k of keys) {
      const labels = labelsOf.get(k) ?? {};
      const value = labels[label] ?? '';
      const n = counts.get(k) ?? 0;
      const entry = byValue.get(value) ?? { requests: 0, errors: 0 };
      entry.requests += n;
      if (isErrorStatus(labels[statusLabel] ?? '')) entry.errors += n;
      byValue.set(value, entry);
    }
    const busy = [...byValue].filter(([, v]) => v.requests > 0);
    if (busy.length < 2) continue;
    busy.sort(([a, x], [b, y]) => y.errors - x.errors || y.requests - x.requests || (a < b ? -1 : 1));
    const [topValue, top] = busy[0] as [string, { requests: number; errors: number }];
    const share = top.errors / tally.errors;
    const rate = top.errors / top.requests;
    if (rate <= ERROR_RATE_WARNING || top.errors < 3) continue;
    const restRequests = tally.requests - top.requests;
    const restErrors = tally.errors - top.errors;
    const restRate = restRequests > 0 ? restErrors / restRequests : 0;
    const subject = `${label}=${topValue}`;
    notes.observe('errors.top_share', round(share), `${fmtPct(share)} of the errors are on ${subject} (${top.errors} of ${tally.errors})`, { ...extra, subject });
    notes.observe('errors.top_rate', round(rate), `${subject} fails ${fmtPct(rate)} of its requests (${top.errors} of ${top.requests})`, { ...extra, subject, sampleSize: top.requests });
    notes.observe('errors.others_rate', round(restRate), `the other ${label} values fail ${fmtPct(restRate)} (${restErrors} of ${restRequests})`, { ...extra, subject: label, sampleSize: restRequests });
    const versus = restRate > 0 ? rate / restRate : CONCENTRATED_CAP;
    notes.observe('errors.top_vs_others', round(Math.min(versus, CONCENTRATED_CAP)), `${subject} fails ${fmtPct(rate)} of its requests, the other ${label} values ${fmtPct(restRate)} (${restRequests} requests)`, { ...extra, subject, sampleSize: restRequests });
    notes.tables.push({
      title: `Errors by ${label}`,
      columns: [label, 'requests', 'errors', 'error rate'],
      rows: busy.map(([v, e]) => [v, e.requests, e.errors, fmtPct(e.errors / e.requests)]),
    });
    if (versus >= 5 && restRequests >= 20) notes.evidence.push({ label: `errors by ${label}`, value: `${fmtPct(share)} on ${topValue}`, detail: `${topValue}: ${fmtPct(rate)} of ${top.requests} fail; the rest: ${fmtPct(restRate)} of ${restRequests}`, severity: 'warning' });
  }
}

function stepTotals(all: RequestSeries[]): number[] {
  const totals = all.map((c) => c.series.reduce((a, s) => a + s.value, 0));
  return totals.slice(1).map((v, i) => (v >= (totals[i] as number) ? v - (totals[i] as number) : v));
}

function ratesTable(metric: string, rps: number | null, errorsPerSec: number | null, errorRate: string | null, perSecondBasis: string, total: number, sinceStart?: Tally) {
  return {
    title: `Rates (${metric})`,
    columns: ['measure', 'value', 'basis'],
    rows: [
      ['requests/s', rps === null ? null : round(rps), perSecondBasis],
      ['errors/s', errorsPerSec === null ? null : round(errorsPerSec), perSecondBasis],
      ['error rate', errorRate, errorRate === null ? '' : 'see value'],
      ['requests (total)', total, 'since start'],
      ['errors (total)', sinceStart ? sinceStart.errors : null, 'since start'],
    ] as Array<Array<string | number | null>>,
  };
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}
