// The health assessment: turns the health probe, the metrics scrapes, the probe requests and the
// baseline into typed observations (what the causes catalogue reasons over) and the report parts
// that show them (summary, severity, evidence, tables, the latency chart, the stable `data`
// contract). It names no cause: src/diagnosis ranks them. Pure: jobs/health.ts does the fetching.
import { worstSeverity, type DiagnosticResult } from '../report/model.ts';
import { requestCounts } from '../prometheus/request-counters.ts';
import type { Exposition } from '../prometheus/exposition.ts';
import { latencyHistogram } from '../prometheus/latency-histogram.ts';
import { observationCount } from '../prometheus/histograms.ts';
import { MIN_BASELINE_REQUESTS } from './baseline.ts';
import { noteHealthEndpoint, noteTcpConnect, uptimeFromBody } from './endpoint-note.ts';
import { fmtMs, fmtPct, round } from './format.ts';
import type { Baseline, Fetched, HealthInput, HealthTarget } from './input.ts';
import { noteLabelLatency } from './label-latency-note.ts';
import { noteLatency, TAIL_FLOOR_MS, TAIL_RATIO_LIMIT, type LatencyNote } from './latency-note.ts';
import { noteMemory } from './memory-note.ts';
import { Notes, type ScrapeWindow } from './notes.ts';
import { noteProbes } from './probe-note.ts';
import { ERROR_RATE_WARNING, noteRates, type RatesNote } from './rates-note.ts';
import { noteLoadCorrelation, noteRuntime } from './runtime-note.ts';

export interface HealthAssessment {
  result: DiagnosticResult;
  /** This run's latency, to be stored as the baseline: only when the run measured no problem. */
  nextBaseline: Baseline | null;
}

/** Turns what was fetched into observations and the report. */
export function assessHealth(input: HealthInput): HealthAssessment {
  const { url, target, scrapes } = input;
  const health = worseHealth(input.health, input.healthAtEnd);
  const notes = new Notes();
  notes.observe('target.url', url, `target ${url}`);
  const firstScrape = scrapes[0];
  if (firstScrape?.fetched.kind === 'response') notes.observe('metrics.status', firstScrape.fetched.status, `GET ${target.metricsPath} → ${firstScrape.fetched.status}`);
  if (health.kind === 'unreachable' && firstScrape?.fetched.kind === 'unreachable') return { result: unreachable(notes, url, target, health, firstScrape.fetched), nextBaseline: null };

  const healthOk = noteHealthEndpoint(notes, target, health);
  if (input.healthAtEnd && health !== input.health) {
    notes.evidence.push({ label: `GET ${target.healthPath} over the run`, value: `${shownStatus(input.health)} at the start, ${shownStatus(health)} at the end`, severity: 'warning' });
    notes.find('warning', `${target.healthPath} changed during the run: ${shownStatus(input.health)} at the start, ${shownStatus(health)} at the end`);
  }
  const usable = scrapes.filter((s): s is typeof s & { exposition: Exposition } => s.exposition !== null);
  let latency: LatencyNote | null = null;
  let rates: RatesNote | null = null;
  let window: ScrapeWindow | null = null;
  if (input.baselineProblem) notes.find('info', input.baselineProblem);

  if (usable.length === 0) {
    const problem = firstScrape?.problem ?? 'no answer';
    notes.find('warning', `metrics unusable: ${problem}`);
    notes.observe('metrics.usable', false, `no usable Prometheus metrics at ${target.metricsPath}: ${problem}`);
    if (firstScrape?.fetched.kind === 'unreachable') notes.observe('http.failure', firstScrape.fetched.code, `GET ${target.metricsPath}: no answer (${firstScrape.fetched.code}: ${firstScrape.fetched.reason})`, { subject: target.metricsPath });
    if (firstScrape) noteTcpConnect(notes, firstScrape.fetched, target.metricsPath);
    notes.fixes.push(`Expose Prometheus metrics at ${target.metricsPath} (or pass --metrics-path) with a request-latency histogram and a request counter by status`);
    const uptime = health.kind === 'response' ? uptimeFromBody(health.body, input.nowMs) : null;
    if (uptime !== null) noteRuntime(notes, [], { seconds: 0, scrapes: 0, between: 'one scrape' }, { bodyUptimeSeconds: uptime, counterTotals: null });
  } else {
    notes.observe('metrics.usable', true, `Prometheus metrics parsed at ${target.metricsPath} (${usable.length} of ${scrapes.length} scrapes)`);
    const failedScrapes = scrapes.length - usable.length;
    if (failedScrapes > 0) notes.find('info', `${failedScrapes} of ${scrapes.length} scrapes failed (${scrapes.find((s) => !s.exposition)?.problem ?? 'no answer'}); measured over the others`);
    const t0 = (usable[0] as { at: number }).at;
    const seconds = ((usable.at(-1) as { at: number }).at - t0) / 1000;
    window = { seconds, scrapes: usable.length, between: usable.length > 1 ? `the ${seconds.toFixed(1)} s window (${usable.length} scrapes)` : 'one scrape' };
    const expos = usable.map((s) => s.exposition);
    latency = noteLatency(notes, target, expos, window, input.baseline, input.nowMs);
    rates = noteRates(notes, expos, latency, window);
    noteLabelLatency(notes, target, expos, latency, window);
    const counterTotals = rates.requestCounter ? expos.map((e) => requestCounts(e, latency?.metric ?? '')?.total ?? 0) : null;
    // How far past its warm-up the process is: growth after thousands of requests is no longer caches filling.
    if (counterTotals) notes.observe('process.requests_served', counterTotals[0]!, `the process had served ${counterTotals[0]!} requests when the window began`);
    const cumulative = cumulativeRequests(expos, rates.requestCounter, latency.metric);
    noteMemory(notes, expos, usable.map((s) => (s.at - t0) / 1000), cumulative, window);
    const runtime = noteRuntime(notes, usable, window, { bodyUptimeSeconds: health.kind === 'response' ? uptimeFromBody(health.body, input.nowMs) : null, counterTotals });
    if (runtime.inFlight) noteLoadCorrelation(notes, latency.steps, { kind: 'in-flight', values: runtime.inFlight }, window);
    else if (rates.stepRates.length > 0) noteLoadCorrelation(notes, latency.steps, { kind: 'rate', values: rates.stepRates }, window);
    if (rates.requestRatePerSec !== null && latency.meanMs !== null) {
      const concurrency = rates.requestRatePerSec * (latency.meanMs / 1000);
      notes.observe('requests.concurrency', round(concurrency), `${concurrency.toFixed(1)} requests in service on average (${rates.requestRatePerSec.toFixed(1)} req/s × ${fmtMs(latency.meanMs)} mean, Little's law)`, { windowSeconds: window.seconds });
    }
  }
  if (input.probes && input.probes.length > 0) noteProbes(notes, input.probes, target.probePath ?? '/predict', latency?.latencyMs != null, target.sloP99Ms);

  const { findings } = notes;
  const severity = worstSeverity(findings.map((f) => f.severity));
  const latencyMs = latency?.latencyMs ?? null;
  const latencyLine = latencyMs ? `p50 ${fmtMs(latencyMs.p50)}, p99 ${fmtMs(latencyMs.p99)}` : 'latency unknown';
  const rps = rates?.requestRatePerSec ?? null;
  const errorRate = rates?.errorRate ?? null;
  const rateLine = `${rps === null ? '? req/s' : `${rps.toFixed(2)} req/s`}, ${errorRate === null ? 'error rate unknown' : `${fmtPct(errorRate)} errors (${rates?.errorSample} requests${rates?.errorBasis === 'since-start' ? ' since start' : ''})`}`;
  const healthLine = health.kind === 'response' ? `${target.healthPath} ${health.status} in ${fmtMs(health.ms)}` : `${target.healthPath} unreachable`;
  const problems = findings.filter((f) => f.severity === 'warning' || f.severity === 'critical').map((f) => f.message);
  const measured = `${healthLine}; ${latencyLine}; ${rateLine}`;
  const summary = problems.length === 0 ? `${url}: no problem measured — ${measured}.` : `${url}: ${problems.join('; ')}. ${measured}.`;

  const metric = latency?.metric ?? null;
  const result: DiagnosticResult = {
    diagnostic: 'health',
    title: `health ${url}`,
    summary,
    severity,
    evidence: [...notes.evidence, ...findings.map((f) => ({ label: 'finding', value: f.message, severity: f.severity }))],
    tables: notes.tables,
    observations: notes.observations,
    hypotheses: [],
    fixes: notes.fixes,
    verification: [
      `Re-run \`/debug health ${url}\`: ${target.healthPath} answers 2xx, error rate below ${fmtPct(ERROR_RATE_WARNING)}, p99 within ${TAIL_RATIO_LIMIT}× p50 or ${TAIL_FLOOR_MS} ms of it${target.sloP99Ms !== undefined ? `, p99 under ${fmtMs(target.sloP99Ms)}` : ''}`,
    ],
    prevention: [
      ...(metric ? [`Alert on p99 from the buckets: \`histogram_quantile(0.99, sum by (le) (rate(${metric}_bucket[5m])))\`${target.sloP99Ms !== undefined ? ` > ${target.sloP99Ms / 1000}` : ''}`] : []),
      ...(rates?.requestCounter ? [`Alert when the 5xx share of \`${rates.requestCounter}\` stays above ${fmtPct(ERROR_RATE_WARNING)} for 5 minutes`] : []),
      `Point the readiness probe at ${target.healthPath} so unhealthy pods leave the Service`,
    ],
    charts: notes.charts,
    data: {
      url,
      health: { status: health.kind === 'response' ? health.status : null, ok: healthOk, ms: round(health.ms) },
      latencyMs: latencyMs && { p50: round(latencyMs.p50), p95: round(latencyMs.p95), p99: round(latencyMs.p99) },
      requestRatePerSec: rps === null ? null : round(rps),
      errorRate,
      errorSample: rates?.errorSample ?? null,
      errorBasis: rates?.errorBasis ?? null,
      metric,
      requestCounter: rates?.requestCounter ?? null,
      basis: latency?.basis ?? null,
      intervalMs: window && window.seconds > 0 ? Math.round(window.seconds * 1000) : null,
      scrapes: window?.scrapes ?? 0,
      baseline: input.baseline,
      sloP99Ms: target.sloP99Ms ?? null,
      findings,
    },
    durationMs: 0,
  };
  const quiet = healthOk && problems.length === 0;
  const nextBaseline = quiet && latencyMs && latency && latency.requests >= MIN_BASELINE_REQUESTS ? { atMs: input.nowMs, p50Ms: round(latencyMs.p50), p95Ms: round(latencyMs.p95), p99Ms: round(latencyMs.p99), requests: latency.requests } : null;
  return { result, nextBaseline };
}

/** The worse of the health endpoint's two answers (unreachable, then 5xx, then other non-2xx); the first on a tie. */
function worseHealth(first: Fetched, last: Fetched | undefined): Fetched {
  if (!last) return first;
  const rank = (f: Fetched) => (f.kind === 'unreachable' ? 3 : f.status >= 500 ? 2 : f.status >= 200 && f.status <= 299 ? 0 : 1);
  return rank(last) > rank(first) ? last : first;
}

function shownStatus(f: Fetched): string {
  return f.kind === 'response' ? String(f.status) : `no answer (${f.code})`;
}

/** Requests counted up to each scrape since the first, surviving resets; null when nothing counts them. */
function cumulativeRequests(expos: readonly Exposition[], counter: string | null, histogram: string | null): number[] | null {
  const totals = counter
    ? expos.map((e) => requestCounts(e, histogram ?? '')?.total ?? 0)
    : histogram
      ? expos.map((e) => {
          const h = latencyHistogram(e, histogram)?.histogram;
          return h ? observationCount(h) : 0;
        })
      : null;
  if (!totals) return null;
  const out = [0];
  for (let i = 1; i < totals.length; i++) {
    const [a, b] = [totals[i - 1] as number, totals[i] as number];
    out.push((out[i - 1] as number) + (b >= a ? b - a : b));
  }
  return out;
}

type NoAnswer = Extract<Fetched, { kind: 'unreachable' }>;

/** Neither the health endpoint nor the metrics answered: what failed, how, and the observations to rank causes by. */
function unreachable(notes: Notes, url: string, target: HealthTarget, health: NoAnswer, metrics: NoAnswer): DiagnosticResult {
  const why = `${health.code}: ${health.reason}`;
  notes.observe('http.failure', health.code, `GET ${target.healthPath}: no answer (${why})`, { subject: target.healthPath });
  notes.observe('http.failure', metrics.code, `GET ${target.metricsPath}: no answer (${metrics.code}: ${metrics.reason})`, { subject: target.metricsPath });
  noteTcpConnect(notes, health, target.healthPath);
  noteTcpConnect(notes, metrics, target.metricsPath);
  const findings = [{ severity: 'critical' as const, message: `service unreachable: ${why}` }];
  return {
    diagnostic: 'health',
    title: `health ${url}`,
    summary: `${url} is unreachable (${why}): neither ${target.healthPath} nor ${target.metricsPath} answered.`,
    severity: 'critical',
    evidence: [
      { label: `GET ${target.healthPath}`, value: 'no answer', detail: why, severity: 'critical' },
      { label: `GET ${target.metricsPath}`, value: 'no answer', detail: `${metrics.code}: ${metrics.reason}`, severity: 'critical' },
    ],
    tables: [],
    observations: notes.observations,
    hypotheses: [],
    fixes: [],
    verification: [`Re-run \`/debug health ${url}\` until ${target.healthPath} answers 2xx`],
    prevention: ['Alert on `up == 0` for the scrape job and on Service endpoints going to zero'],
    charts: [],
    data: {
      url,
      health: { status: null, ok: false, ms: round(health.ms) },
      latencyMs: null,
      requestRatePerSec: null,
      errorRate: null,
      errorSample: null,
      errorBasis: null,
      metric: null,
      requestCounter: null,
      basis: null,
      intervalMs: null,
      scrapes: 0,
      baseline: null,
      sloP99Ms: target.sloP99Ms ?? null,
      findings,
    },
    durationMs: 0,
  };
}
