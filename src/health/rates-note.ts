// Request and error rates from the request counter (`*_requests_total{status}`): over the window
// between the scrapes when requests arrived in it, else over all requests since start.
import type { Exposition } from '../prometheus/exposition.ts';
import { counterIncrease, requestCounts, type RequestCounts } from '../prometheus/request-counters.ts';
import type { Severity } from '../report/model.ts';
import { fmtPct, round } from './format.ts';
import type { LatencyNote } from './latency-note.ts';
import type { Notes, ScrapeWindow } from './notes.ts';

/** Error ratios above these are a warning / critical. */
export const ERROR_RATE_WARNING = 0.01;
export const ERROR_RATE_CRITICAL = 0.05;

export interface RatesNote {
  requestRatePerSec: number | null;
  /** Failed share of requests, 0–1. */
  errorRate: number | null;
  /** The error-rate finding, when the rate is above the warning level. */
  errors: string | null;
  requestCounter: string | null;
}

/**
 * Request rate from the counter's increase between the scrapes (or the histogram's `_count` without
 * a counter); error rate over the same window, or over all requests since start when none arrived in it.
 */
export function noteRates(
  notes: Notes,
  first: Exposition,
  second: Exposition | null,
  { metric, windowRequests }: Pick<LatencyNote, 'metric' | 'windowRequests'>,
  window: ScrapeWindow,
): RatesNote {
  const c1 = requestCounts(first, metric ?? '');
  if (!c1) {
    notes.findings.push({ severity: 'info', message: 'no request counter (`*_requests_total{status}`) exported — the error rate is unknown; add one' });
    if (windowRequests === null) return { requestRatePerSec: null, errorRate: null, errors: null, requestCounter: null };
    const requestRatePerSec = windowRequests / window.seconds;
    notes.evidence.push({ label: 'request rate', value: `${requestRatePerSec.toFixed(2)} req/s`, detail: `increase of ${metric}_count over ${window.between}` });
    return { requestRatePerSec, errorRate: null, errors: null, requestCounter: null };
  }

  const c2 = second ? requestCounts(second, metric ?? '') : null;
  const later = c2 && c2.metric === c1.metric ? c2 : null;
  const latest: RequestCounts = later ?? c1;
  const requests = later ? counterIncrease(c1.total, later.total) : null;
  const errors = later && c1.errors !== null && later.errors !== null ? counterIncrease(c1.errors, later.errors) : null;
  const requestRatePerSec = requests === null ? null : requests / window.seconds;
  const errorsInWindow = requests !== null && requests > 0 && errors !== null;
  const errorRate = errorsInWindow ? errors / requests : latest.errors !== null && latest.total > 0 ? latest.errors / latest.total : null;
  const errorScope = errorsInWindow ? `${errors} of ${requests} in ${window.between}` : `${latest.errors} of ${latest.total} ${window.sinceStart}`;
  const errorSeverity: Severity = errorRate === null ? 'ok' : errorRate > ERROR_RATE_CRITICAL ? 'critical' : errorRate > ERROR_RATE_WARNING ? 'warning' : 'ok';

  if (latest.statusLabel === null) notes.findings.push({ severity: 'info', message: `${c1.metric} has no status/code label — the error rate is unknown; label it with the HTTP status` });
  if (requestRatePerSec !== null) notes.evidence.push({ label: 'request rate', value: `${requestRatePerSec.toFixed(2)} req/s`, detail: `increase of ${c1.metric} over ${window.between}` });
  const errorFinding = errorRate !== null && errorSeverity !== 'ok' ? `error rate ${fmtPct(errorRate)} (${errorScope})` : null;
  if (errorRate !== null) {
    notes.evidence.push({ label: 'error rate', value: fmtPct(errorRate), detail: `5xx/error ${c1.metric}{${latest.statusLabel}}: ${errorScope}`, severity: errorSeverity });
  }
  if (errorFinding) notes.findings.push({ severity: errorSeverity, message: errorFinding });
  const perSecondBasis = later ? window.between : 'one scrape only';
  notes.tables.push({
    title: `Rates (${c1.metric})`,
    columns: ['measure', 'value', 'basis'],
    rows: [
      ['requests/s', requestRatePerSec === null ? null : round(requestRatePerSec), perSecondBasis],
      ['errors/s', errors === null ? null : round(errors / window.seconds), perSecondBasis],
      ['error rate', errorRate === null ? null : fmtPct(errorRate), errorsInWindow ? window.between : 'since start'],
      ['requests (total)', latest.total, 'since start'],
      ['errors (total)', latest.errors, 'since start'],
    ],
  });
  return { requestRatePerSec, errorRate, errors: errorFinding, requestCounter: c1.metric };
}
