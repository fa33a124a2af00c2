// `health <url>`: is the inference service up, how slow is it, and how often does it fail?
// Probes the health endpoint, scrapes the Prometheus metrics twice a short interval apart
// (counters are totals, so rates need two points), computes p50/p95/p99 from the latency
// histogram's buckets exactly as PromQL would, and turns what it sees into ranked hypotheses.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { durationMs, parseTokens } from '../src/args.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/diagnostic.ts';
import { UsageError } from '../src/errors.ts';
import { parseExposition, type Exposition } from '../src/prometheus/exposition.ts';
import { histogramQuantile } from '../src/prometheus/histogram-quantile.ts';
import { histogramIncrease, observationCount, type Histogram } from '../src/prometheus/histograms.ts';
import { latencyHistogram } from '../src/prometheus/latency-histogram.ts';
import { counterIncrease, requestCounts, type RequestCounts } from '../src/prometheus/request-counters.ts';
import { worstSeverity, type DiagnosticResult, type Evidence, type Hypothesis, type MetricsTable, type Severity } from '../src/report/model.ts';

const USAGE = 'health <url> [--health-path /health] [--metrics-path /metrics] [--latency-metric NAME] [--interval 2s]';

/** Deadline of each HTTP request the diagnostic makes, ms. */
export const HEALTH_FETCH_TIMEOUT_MS = 5000;
/** p99/p50 above this flags tail-latency spikes. */
export const TAIL_RATIO_LIMIT = 3;
/** Error ratios above these are a warning / critical. */
export const ERROR_RATE_WARNING = 0.01;
export const ERROR_RATE_CRITICAL = 0.05;
const MAX_HEALTH_BODY_BYTES = 64 * 1024;
const MAX_METRICS_BYTES = 16 * 1024 * 1024;

export const healthPayloadSchema = z.strictObject({
  /** Base URL of the service, http or https; the paths below are appended to its path. */
  url: z.url({ protocol: /^https?$/ }),
  /** Health endpoint path. Default `/health`. */
  healthPath: z.string().startsWith('/').default('/health'),
  /** Prometheus metrics path. Default `/metrics`. */
  metricsPath: z.string().startsWith('/').default('/metrics'),
  /** Latency histogram to read. Default: the busiest `*_duration_seconds` / `*_latency_seconds` histogram. */
  latencyMetric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/).optional(),
  /** Time between the two metric scrapes that give the rates, ms. Default 2000. */
  intervalMs: z.number().int().min(100).max(60_000).default(2000),
});
export type HealthPayload = z.infer<typeof healthPayloadSchema>;

export interface HealthFinding {
  severity: Severity;
  message: string;
}

/** One HTTP GET: the answer, or why there was none. */
type Fetched =
  | { kind: 'response'; status: number; ms: number; body: string; truncated: boolean }
  | { kind: 'unreachable'; ms: number; code: string; reason: string };

interface Scrape {
  url: string;
  fetched: Fetched;
  exposition: Exposition | null;
  /** Why the scrape is unusable, when it is. */
  problem: string | null;
  /** performance.now() when the answer arrived. */
  at: number;
}

export const healthDiagnostic = defineDiagnostic({
  name: 'health',
  usage: USAGE,
  description: 'probe /health and scrape /metrics: latency p50/p95/p99, request and error rates, what to check next',
  payload: healthPayloadSchema,
  timeoutMs: 60_000,
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(
      tokens,
      {
        'health-path': { type: 'string' },
        'metrics-path': { type: 'string' },
        'latency-metric': { type: 'string' },
        interval: { type: 'string' },
      },
      USAGE,
    );
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'health needs the service URL' : `health takes one URL, got ${positionals.length} arguments`, USAGE);
    }
    const url = positionals[0] ?? '';
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new UsageError(`"${shownUrl(url)}" is not an http(s) URL`, USAGE);
    const payload = {
      url,
      healthPath: values['health-path'],
      metricsPath: values['metrics-path'],
      latencyMetric: values['latency-metric'],
      intervalMs: durationMs(values.interval as string | undefined, 'interval'),
    };
    return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  },
  async run(payload, deps) {
    const started = deps.now();
    const base = new URL(payload.url);
    await deps.progress(5, `probing ${payload.healthPath}`);
    const health = await get(deps, endpoint(base, payload.healthPath), MAX_HEALTH_BODY_BYTES);
    await deps.progress(25, `scraping ${payload.metricsPath}`);
    const metricsUrl = endpoint(base, payload.metricsPath);
    const before = await scrape(deps, metricsUrl);
    let after: Scrape | null = null;
    if (before.exposition) {
      await deps.progress(40, `waiting ${payload.intervalMs / 1000} s for a second scrape`);
      await sleep(payload.intervalMs, undefined, { signal: deps.signal });
      await deps.progress(75, `scraping ${payload.metricsPath} again`);
      after = await scrape(deps, metricsUrl);
    }
    await deps.progress(95, 'analysing');
    const result = assessHealth({ url: shownUrl(payload.url), payload, health, before, after });
    await deps.progress(100, 'done');
    return { ...result, durationMs: deps.now() - started };
  },
});

/** `base`'s path + `path`, so `http://gw/models/resnet` + `/health` → `http://gw/models/resnet/health`. */
function endpoint(base: URL, path: string): URL {
  const url = new URL(base);
  url.pathname = base.pathname.replace(/\/$/, '') + path;
  url.search = '';
  url.hash = '';
  return url;
}

/** The URL for people: any user:password replaced by `***`. */
function shownUrl(url: string | URL): string {
  if (!URL.canParse(String(url))) return String(url).slice(0, 200);
  const u = new URL(url);
  if (u.username || u.password) {
    u.username = '***';
    u.password = '';
  }
  return u.href.replace(/\/$/, '');
}

async function get(deps: DiagnosticDeps, url: URL, maxBytes: number): Promise<Fetched> {
  const target = new URL(url);
  const headers: Record<string, string> = {};
  if (target.username || target.password) {
    // fetch refuses URLs with credentials; send them as Basic auth instead.
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const t0 = performance.now();
  const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(HEALTH_FETCH_TIMEOUT_MS)]);
  try {
    const res = await deps.fetch(target, { headers, signal });
    const { text, truncated } = await readBounded(res, maxBytes);
    return { kind: 'response', status: res.status, ms: performance.now() - t0, body: text, truncated };
  } catch (err) {
    if (deps.signal.aborted) throw deps.signal.reason;
    return { kind: 'unreachable', ms: performance.now() - t0, ...failureOf(err) };
  }
}

async function readBounded(res: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), truncated: true };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/** fetch's failure as a code (ECONNREFUSED, ENOTFOUND, timeout, …) and a one-line reason. */
function failureOf(err: unknown): { code: string; reason: string } {
  if (err instanceof Error && err.name === 'TimeoutError') return { code: 'timeout', reason: `no answer within ${HEALTH_FETCH_TIMEOUT_MS} ms` };
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : 'error';
  const message = typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  return { code, reason: message.replace(/\s+/g, ' ').slice(0, 200) };
}

async function scrape(deps: DiagnosticDeps, url: URL): Promise<Scrape> {
  const shown = shownUrl(url);
  const fetched = await get(deps, url, MAX_METRICS_BYTES);
  const at = performance.now();
  if (fetched.kind === 'unreachable') return { url: shown, fetched, exposition: null, problem: `${shown} unreachable: ${fetched.reason}`, at };
  if (fetched.status < 200 || fetched.status > 299) {
    return { url: shown, fetched, exposition: null, problem: `${shown} answered ${fetched.status}: no Prometheus metrics at that path`, at };
  }
  if (fetched.truncated) return { url: shown, fetched, exposition: null, problem: `${shown} is larger than ${MAX_METRICS_BYTES / 1024 / 1024} MiB`, at };
  try {
    return { url: shown, fetched, exposition: parseExposition(fetched.body, shown), problem: null, at };
  } catch (err) {
    return { url: shown, fetched, exposition: null, problem: `${err instanceof Error ? err.message : String(err)} (not Prometheus text format)`, at };
  }
}

interface Assessment {
  url: string;
  payload: HealthPayload;
  health: Fetched;
  before: Scrape;
  /** The second scrape; null when the first was unusable. */
  after: Scrape | null;
}

/** What the parts of the assessment add to the report. */
interface Notes {
  findings: HealthFinding[];
  evidence: Evidence[];
  tables: MetricsTable[];
  fixes: string[];
}

/** The time between the two scrapes, in words for the evidence. */
interface Window {
  seconds: number;
  /** e.g. `the 2.0 s between two scrapes`. */
  between: string;
  /** e.g. `since the process started (no requests in the 2.0 s between two scrapes)`. */
  sinceStart: string;
}

/** Turns the probe and the scrapes into the report. Pure. */
export function assessHealth({ url, payload, health, before, after }: Assessment): DiagnosticResult {
  if (health.kind === 'unreachable' && before.fetched.kind === 'unreachable') return unreachable(url, payload, health, before.fetched);

  const notes: Notes = { findings: [], evidence: [], tables: [], fixes: [] };
  const healthOk = noteHealthEndpoint(notes, payload, health);
  let latency: LatencyNote = { latencyMs: null, metric: null, basis: null, tail: null };
  let rates: RatesNote = { requestRatePerSec: null, errorRate: null, errors: null, requestCounter: null };
  let memoryLine: string | null = null;
  let window: Window | null = null;

  if (!before.exposition) {
    notes.findings.push({ severity: 'warning', message: `metrics unusable: ${before.problem ?? 'no answer'}` });
    notes.fixes.push(`Expose Prometheus metrics at ${payload.metricsPath} (or pass --metrics-path) with a request-latency histogram and a request counter by status`);
  } else {
    const second = after?.exposition ? after.exposition : null;
    if (after && !second) notes.findings.push({ severity: 'info', message: `second scrape failed (${after.problem ?? 'no answer'}): rates need two scrapes` });
    const seconds = second && after ? (after.at - before.at) / 1000 : 0;
    const between = second ? `the ${seconds.toFixed(1)} s between two scrapes` : 'one scrape';
    window = { seconds, between, sinceStart: `since the process started (${second ? `no requests in ${between}` : 'only one scrape'})` };
    latency = noteLatency(notes, payload, before, second, window);
    rates = noteRates(notes, before.exposition, second, latency.metric, window);
    memoryLine = noteMemory(notes, before.exposition, second, window);
  }

  const hypotheses = [
    ...(health.kind === 'response' ? unhealthyHypotheses(payload, health) : []),
    ...errorHypotheses(rates.errors, healthOk, payload, memoryLine),
    ...tailHypotheses(latency.tail, url, memoryLine),
  ];
  hypotheses.sort((a, b) => LIKELIHOOD.indexOf(a.likelihood) - LIKELIHOOD.indexOf(b.likelihood));

  const { findings } = notes;
  const severity = worstSeverity(findings.map((f) => f.severity));
  const fixes = [...hypotheses.slice(0, 2).map((h) => h.fixes[0] ?? '').filter(Boolean), ...notes.fixes];
  const prevention = [
    ...(latency.metric ? [`Alert on p99 from the buckets: \`histogram_quantile(0.99, sum by (le) (rate(${latency.metric}_bucket[5m])))\``] : []),
    ...(rates.requestCounter ? [`Alert when the 5xx share of \`${rates.requestCounter}\` stays above ${fmtPct(ERROR_RATE_WARNING)} for 5 minutes`] : []),
    `Point the readiness probe at ${payload.healthPath} so unhealthy pods leave the Service`,
  ];

  const { latencyMs } = latency;
  const { requestRatePerSec, errorRate } = rates;
  const latencyLine = latencyMs ? `p50 ${fmtMs(latencyMs.p50)}, p99 ${fmtMs(latencyMs.p99)}` : 'latency unknown';
  const rateLine = `${requestRatePerSec === null ? '? req/s' : `${requestRatePerSec.toFixed(2)} req/s`}, ${errorRate === null ? 'error rate unknown' : `${fmtPct(errorRate)} errors`}`;
  const healthLine = health.kind === 'response' ? `${payload.healthPath} ${health.status} in ${fmtMs(health.ms)}` : `${payload.healthPath} unreachable`;
  const problems = findings.filter((f) => f.severity === severity).map((f) => f.message);
  const summary =
    severity === 'ok'
      ? `${url} looks healthy: ${healthLine}; ${latencyLine}; ${rateLine}. Nothing to fix; re-run when an alert fires.`
      : `${url}: ${problems.join('; ')}. ${healthLine}; ${latencyLine}; ${rateLine}.${fixes[0] ? ` Next: ${fixes[0]}` : ''}`;

  return {
    diagnostic: 'health',
    title: `health ${url}`,
    summary,
    severity,
    evidence: [...notes.evidence, ...findings.map((f) => ({ label: 'finding', value: f.message, severity: f.severity }))],
    tables: notes.tables,
    hypotheses,
    fixes,
    verification: [`Re-run \`/debug health ${url}\`: ${payload.healthPath} answers 2xx, error rate below ${fmtPct(ERROR_RATE_WARNING)}, p99/p50 at most ${TAIL_RATIO_LIMIT}`],
    prevention,
    charts: [],
    data: {
      url,
      health: { status: health.kind === 'response' ? health.status : null, ok: healthOk, ms: round(health.ms) },
      latencyMs: latencyMs && { p50: round(latencyMs.p50), p95: round(latencyMs.p95), p99: round(latencyMs.p99) },
      requestRatePerSec: requestRatePerSec === null ? null : round(requestRatePerSec),
      errorRate,
      metric: latency.metric,
      requestCounter: rates.requestCounter,
      basis: latency.basis,
      intervalMs: window && window.seconds > 0 ? Math.round(window.seconds * 1000) : null,
      findings,
    },
    durationMs: 0,
  };
}

/** Evidence and findings from the health probe; true when it answered 2xx. */
function noteHealthEndpoint(notes: Notes, payload: HealthPayload, health: Fetched): boolean {
  const path = payload.healthPath;
  if (health.kind === 'unreachable') {
    notes.findings.push({ severity: 'critical', message: `${path} unreachable (${health.code}: ${health.reason}) while ${payload.metricsPath} answers` });
    notes.evidence.push({ label: `GET ${path}`, value: 'no answer', detail: `${health.code}: ${health.reason}`, severity: 'critical' });
    return false;
  }
  const ok = health.status >= 200 && health.status <= 299;
  const severity: Severity = ok ? 'ok' : health.status >= 500 ? 'critical' : 'warning';
  notes.evidence.push({ label: `GET ${path}`, value: `${health.status} in ${fmtMs(health.ms)}`, detail: summariseBody(health.body), severity });
  if (health.status >= 500) notes.findings.push({ severity, message: `${path} answered ${health.status}: the service reports itself unhealthy` });
  else if (!ok) notes.findings.push({ severity, message: `${path} answered ${health.status}${health.status === 404 ? ' — no health endpoint at that path; pass --health-path' : ''}` });
  return ok;
}

interface LatencyNote {
  latencyMs: { p50: number; p95: number; p99: number } | null;
  metric: string | null;
  /** Whether the percentiles cover the requests between the scrapes or everything since start. */
  basis: 'interval' | 'since-start' | null;
  /** The tail-latency finding, when p99/p50 is too high. */
  tail: string | null;
}

/** Percentiles from the latency histogram: over the window when requests arrived in it, else since start. */
function noteLatency(notes: Notes, payload: HealthPayload, before: Scrape, second: Exposition | null, window: Window): LatencyNote {
  const none: LatencyNote = { latencyMs: null, metric: null, basis: null, tail: null };
  const lat = before.exposition ? latencyHistogram(before.exposition, payload.latencyMetric) : null;
  if (!lat) {
    const message = payload.latencyMetric ? `no histogram named ${payload.latencyMetric} in ${before.url}` : 'no latency histogram exported — add one (a `*_request_duration_seconds` histogram)';
    notes.findings.push({ severity: 'warning', message });
    notes.fixes.push('Export a request-latency histogram, e.g. `model_request_duration_seconds` with buckets from 5 ms to 10 s (prometheus_client `Histogram`, client_golang `NewHistogramVec`), and re-run');
    return none;
  }
  const metric = lat.histogram.name;
  if (lat.others.length > 0) notes.evidence.push({ label: 'other latency histograms', value: lat.others.join(', '), detail: 'pass --latency-metric to use one of them' });
  const latAfter = second ? latencyHistogram(second, metric) : null;
  const increase = latAfter ? histogramIncrease(lat.histogram, latAfter.histogram) : null;
  const inWindow = increase !== null && observationCount(increase) > 0;
  const used: Histogram = inWindow && increase ? increase : (latAfter?.histogram ?? lat.histogram);
  const observations = observationCount(used);
  if (observations === 0) {
    notes.findings.push({ severity: 'info', message: `${metric} has no observations yet — send traffic and re-run to get latency` });
    return { ...none, metric };
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
  notes.tables.push({
    title: `Latency (${metric}, ${inWindow ? 'last interval' : 'since start'})`,
    columns: ['percentile', 'ms'],
    rows: [['p50', round(latencyMs.p50)], ['p95', round(latencyMs.p95)], ['p99', round(latencyMs.p99)], ['mean', mean === null ? null : round(mean)], ['requests', observations]],
  });
  return { latencyMs, metric, basis: inWindow ? 'interval' : 'since-start', tail };
}

interface RatesNote {
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
function noteRates(notes: Notes, first: Exposition, second: Exposition | null, metric: string | null, window: Window): RatesNote {
  const c1 = requestCounts(first, metric ?? '');
  if (!c1) {
    notes.findings.push({ severity: 'info', message: 'no request counter (`*_requests_total{status}`) exported — the error rate is unknown; add one' });
    const h1 = metric ? latencyHistogram(first, metric) : null;
    const h2 = metric && second ? latencyHistogram(second, metric) : null;
    if (!h1 || !h2) return { requestRatePerSec: null, errorRate: null, errors: null, requestCounter: null };
    const requestRatePerSec = observationCount(histogramIncrease(h1.histogram, h2.histogram)) / window.seconds;
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

/**
 * Resident memory and its change between the scrapes, as context for the hypotheses. Seconds
 * apart, two scrapes cannot tell a leak from the GC sawtooth, so it is shown, not flagged.
 */
function noteMemory(notes: Notes, first: Exposition, second: Exposition | null, window: Window): string | null {
  const rss = (e: Exposition | null) => e?.samples.find((x) => x.name === 'process_resident_memory_bytes')?.value;
  const [rss1, rss2] = [rss(first), rss(second)];
  if (rss1 === undefined || rss2 === undefined) return null;
  const change = `${rss2 >= rss1 ? '+' : ''}${fmtMiB(rss2 - rss1)} over ${window.between}`;
  notes.evidence.push({ label: 'resident memory', value: fmtMiB(rss2), detail: change });
  return `resident memory ${fmtMiB(rss2)} (${change})`;
}

function unhealthyHypotheses(payload: HealthPayload, health: Extract<Fetched, { kind: 'response' }>): Hypothesis[] {
  if (health.status < 500) return [];
  return [
    {
      title: 'The service reports itself unhealthy (a failing dependency, model not loaded, or an internal check)',
      likelihood: 'high',
      evidence: [`GET ${payload.healthPath} → ${health.status}: ${summariseBody(health.body)}`],
      fixes: [
        'Read the health body above for the failing check, then the logs: `/debug logs <namespace>/<pod>`',
        'Check readiness-probe failures and restarts: `kubectl describe pod <pod>` (Events) and `kubectl get pods` (RESTARTS)',
        'If the model failed to load, check the model store path and credentials',
      ],
    },
  ];
}

function errorHypotheses(finding: string | null, healthOk: boolean, payload: HealthPayload, memoryLine: string | null): Hypothesis[] {
  if (!finding) return [];
  return [
    {
      title: 'Requests fail inside the service (exceptions in pre-processing or inference, inputs the model rejects, a bad deploy)',
      likelihood: healthOk ? 'high' : 'medium',
      evidence: [finding, ...(healthOk ? [`${payload.healthPath} is healthy, so the failures are per request`] : [])],
      fixes: [
        'Read the errors behind the 5xx: `/debug logs <namespace>/<pod>`',
        'If one input shape or type fails, validate inputs at the edge and answer 400, not 500',
        'If it started with a deploy, roll back: `kubectl rollout undo deployment/<name>`',
      ],
    },
    {
      title: 'Resource exhaustion (out of memory, GPU memory, worker pool)',
      likelihood: healthOk ? 'low' : 'medium',
      evidence: [finding, ...(memoryLine ? [memoryLine] : [])],
      fixes: ['`/debug oom <namespace>/<pod>` and `/debug gpu <node>`', 'Check restarts and OOMKilled: `kubectl get pods`, `kubectl describe pod <pod>`'],
    },
  ];
}

function tailHypotheses(finding: string | null, url: string, memoryLine: string | null): Hypothesis[] {
  if (!finding) return [];
  return [
    {
      title: 'Garbage-collection or memory-pressure pauses',
      likelihood: 'medium',
      evidence: [finding, ...(memoryLine ? [memoryLine] : [])],
      fixes: ['Compare GC pause metrics (`go_gc_duration_seconds`, `python_gc_*`, `nodejs_gc_duration_seconds`) with the spikes', 'Give the process memory headroom and fix leaks (`/debug oom <namespace>/<pod>`)'],
    },
    {
      title: 'Queueing or dynamic batching (requests wait for a batch or a free worker)',
      likelihood: 'medium',
      evidence: [finding],
      fixes: [`Profile where the time goes: \`/debug profile ${url}\` (a queue stage in Server-Timing points here)`, "Lower the batcher's max queue delay, or add replicas/workers"],
    },
    {
      title: 'Noisy neighbour or CPU throttling on the node',
      likelihood: 'medium',
      evidence: [finding],
      fixes: ['Check `container_cpu_cfs_throttled_periods_total` for the pod', 'Set CPU requests equal to limits (Guaranteed QoS) or use a dedicated node pool'],
    },
    {
      title: 'Cold replicas (lazy model load, graph or JIT warm-up)',
      likelihood: 'low',
      evidence: [finding],
      fixes: ['Warm the model up at start-up before readiness passes', 'Avoid scale-to-zero for latency-critical models'],
    },
  ];
}

const LIKELIHOOD = ['high', 'medium', 'low'] as const;

function unreachable(url: string, payload: HealthPayload, health: Extract<Fetched, { kind: 'unreachable' }>, metrics: Extract<Fetched, { kind: 'unreachable' }>): DiagnosticResult {
  const why = `${health.code}: ${health.reason}`;
  const hypotheses: Hypothesis[] = [];
  const seen = [`GET ${payload.healthPath}: ${why}`, `GET ${payload.metricsPath}: ${metrics.code}: ${metrics.reason}`];
  const podDown: Hypothesis = {
    title: 'The pod or process is down (crash-looping, evicted, scaled to zero)',
    likelihood: 'high',
    evidence: seen,
    fixes: ['`kubectl get pods -l app=<name>` (STATUS, RESTARTS) and `kubectl get endpoints <service>` (empty: no ready pods)', `\`/debug logs <namespace>/<pod>\` for the crash`],
  };
  const wrongUrl: Hypothesis = {
    title: 'Wrong URL: host name, port or scheme does not match the Service',
    likelihood: 'medium',
    evidence: seen,
    fixes: ['Compare the URL with `kubectl get svc <service> -o wide` (port, targetPort) and http vs https'],
  };
  const networkPolicy: Hypothesis = {
    title: 'A network policy or firewall blocks the traffic',
    likelihood: 'medium',
    evidence: seen,
    fixes: ['`kubectl get networkpolicy -n <namespace>`; try `curl -v` from a pod in the same namespace'],
  };
  if (health.code === 'ENOTFOUND' || health.code === 'EAI_AGAIN' || health.reason === 'bad port') {
    hypotheses.push({ ...wrongUrl, likelihood: 'high', title: 'Wrong host name, or the Service does not exist in that namespace' }, { ...podDown, likelihood: 'low' });
  } else if (health.code === 'timeout') {
    hypotheses.push(
      { ...networkPolicy, likelihood: 'high' },
      { ...podDown, title: 'The service accepts connections but hangs (overloaded, deadlocked, stuck loading the model)', likelihood: 'medium' },
      { ...wrongUrl, likelihood: 'low' },
    );
  } else {
    hypotheses.push(podDown, wrongUrl, { ...networkPolicy, likelihood: 'low' });
  }
  const findings: HealthFinding[] = [{ severity: 'critical', message: `service unreachable: ${why}` }];
  return {
    diagnostic: 'health',
    title: `health ${url}`,
    summary: `${url} is unreachable (${why}): neither ${payload.healthPath} nor ${payload.metricsPath} answered. Check that the pods are running and ready (\`kubectl get pods\`, \`kubectl get endpoints\`), network policies, and that the URL and port are right.`,
    severity: 'critical',
    evidence: [
      { label: `GET ${payload.healthPath}`, value: 'no answer', detail: why, severity: 'critical' },
      { label: `GET ${payload.metricsPath}`, value: 'no answer', detail: `${metrics.code}: ${metrics.reason}`, severity: 'critical' },
    ],
    tables: [],
    hypotheses,
    fixes: hypotheses.map((h) => h.fixes[0] ?? '').filter(Boolean),
    verification: [`Re-run \`/debug health ${url}\` until ${payload.healthPath} answers 2xx`],
    prevention: ['Alert on `up == 0` for the scrape job and on Service endpoints going to zero'],
    charts: [],
    data: {
      url,
      health: { status: null, ok: false, ms: round(health.ms) },
      latencyMs: null,
      requestRatePerSec: null,
      errorRate: null,
      metric: null,
      requestCounter: null,
      basis: null,
      intervalMs: null,
      findings,
    },
    durationMs: 0,
  };
}

/** A short, single-line view of a health body: JSON compacted, text trimmed. */
function summariseBody(body: string): string {
  let text = body.trim();
  try {
    text = JSON.stringify(JSON.parse(text));
  } catch {
    // not JSON: shown as text
  }
  text = text.replace(/\s+/g, ' ');
  if (text === '') return '(empty body)';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}

function fmtPct(r: number): string {
  return `${(r * 100).toFixed(r < 0.1 ? 2 : 1)} %`;
}

function fmtMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
