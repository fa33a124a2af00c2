// The health assessment: turns the health probe and the two metrics scrapes into the report
// (summary, severity, evidence, tables, the latency chart, ranked hypotheses, fixes and the
// stable `data` contract). Pure: jobs/health.ts does the fetching and hands the results in.
import { worstSeverity, type DiagnosticResult } from '../report/model.ts';
import { noteHealthEndpoint } from './endpoint-note.ts';
import { fmtMs, fmtPct, round } from './format.ts';
import { errorHypotheses, rankHypotheses, tailHypotheses, unhealthyHypotheses, unreachableHypotheses } from './hypotheses.ts';
import { noteLatency, TAIL_RATIO_LIMIT, type LatencyNote } from './latency-note.ts';
import { noteMemory } from './memory-note.ts';
import type { HealthFinding, Notes, ScrapeWindow } from './notes.ts';
import type { Fetched, HealthObservations, HealthTarget } from './observations.ts';
import { ERROR_RATE_WARNING, noteRates, type RatesNote } from './rates-note.ts';

/** Turns the probe and the scrapes into the report. */
export function assessHealth({ url, target, health, before, after }: HealthObservations): DiagnosticResult {
  if (health.kind === 'unreachable' && before.fetched.kind === 'unreachable') return unreachable(url, target, health, before.fetched);

  const notes: Notes = { findings: [], evidence: [], tables: [], charts: [], fixes: [] };
  const healthOk = noteHealthEndpoint(notes, target, health);
  let latency: LatencyNote = { latencyMs: null, metric: null, basis: null, tail: null, windowRequests: null };
  let rates: RatesNote = { requestRatePerSec: null, errorRate: null, errors: null, requestCounter: null };
  let memoryLine: string | null = null;
  let window: ScrapeWindow | null = null;

  if (!before.exposition) {
    notes.findings.push({ severity: 'warning', message: `metrics unusable: ${before.problem ?? 'no answer'}` });
    notes.fixes.push(`Expose Prometheus metrics at ${target.metricsPath} (or pass --metrics-path) with a request-latency histogram and a request counter by status`);
  } else {
    const second = after?.exposition ? after.exposition : null;
    if (after && !second) notes.findings.push({ severity: 'info', message: `second scrape failed (${after.problem ?? 'no answer'}): rates need two scrapes` });
    const seconds = second && after ? (after.at - before.at) / 1000 : 0;
    const between = second ? `the ${seconds.toFixed(1)} s between two scrapes` : 'one scrape';
    window = { seconds, between, sinceStart: `since the process started (${second ? `no requests in ${between}` : 'only one scrape'})` };
    latency = noteLatency(notes, target, before, second, window);
    rates = noteRates(notes, before.exposition, second, latency, window);
    memoryLine = noteMemory(notes, before.exposition, second, window);
  }

  const hypotheses = rankHypotheses([
    ...(health.kind === 'response' ? unhealthyHypotheses(target, health) : []),
    ...errorHypotheses(rates.errors, healthOk, target, memoryLine),
    ...tailHypotheses(latency.tail, url, memoryLine),
  ]);

  const { findings } = notes;
  const severity = worstSeverity(findings.map((f) => f.severity));
  const fixes = [...hypotheses.slice(0, 2).map((h) => h.fixes[0] ?? '').filter(Boolean), ...notes.fixes];
  const prevention = [
    ...(latency.metric ? [`Alert on p99 from the buckets: \`histogram_quantile(0.99, sum by (le) (rate(${latency.metric}_bucket[5m])))\``] : []),
    ...(rates.requestCounter ? [`Alert when the 5xx share of \`${rates.requestCounter}\` stays above ${fmtPct(ERROR_RATE_WARNING)} for 5 minutes`] : []),
    `Point the readiness probe at ${target.healthPath} so unhealthy pods leave the Service`,
  ];

  const { latencyMs } = latency;
  const { requestRatePerSec, errorRate } = rates;
  const latencyLine = latencyMs ? `p50 ${fmtMs(latencyMs.p50)}, p99 ${fmtMs(latencyMs.p99)}` : 'latency unknown';
  const rateLine = `${requestRatePerSec === null ? '? req/s' : `${requestRatePerSec.toFixed(2)} req/s`}, ${errorRate === null ? 'error rate unknown' : `${fmtPct(errorRate)} errors`}`;
  const healthLine = health.kind === 'response' ? `${target.healthPath} ${health.status} in ${fmtMs(health.ms)}` : `${target.healthPath} unreachable`;
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
    verification: [`Re-run \`/debug health ${url}\`: ${target.healthPath} answers 2xx, error rate below ${fmtPct(ERROR_RATE_WARNING)}, p99/p50 at most ${TAIL_RATIO_LIMIT}`],
    prevention,
    charts: notes.charts,
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

type NoAnswer = Extract<Fetched, { kind: 'unreachable' }>;

/** Neither the health endpoint nor the metrics answered: one critical finding and where to look. */
function unreachable(url: string, target: HealthTarget, health: NoAnswer, metrics: NoAnswer): DiagnosticResult {
  const why = `${health.code}: ${health.reason}`;
  const hypotheses = unreachableHypotheses(target, health, metrics);
  const findings: HealthFinding[] = [{ severity: 'critical', message: `service unreachable: ${why}` }];
  return {
    diagnostic: 'health',
    title: `health ${url}`,
    summary: `${url} is unreachable (${why}): neither ${target.healthPath} nor ${target.metricsPath} answered. Check that the pods are running and ready (\`kubectl get pods\`, \`kubectl get endpoints\`), network policies, and that the URL and port are right.`,
    severity: 'critical',
    evidence: [
      { label: `GET ${target.healthPath}`, value: 'no answer', detail: why, severity: 'critical' },
      { label: `GET ${target.metricsPath}`, value: 'no answer', detail: `${metrics.code}: ${metrics.reason}`, severity: 'critical' },
    ],
    tables: [],
    hypotheses,
    fixes: hypotheses.map((h) => h.fixes[0] ?? '').filter(Boolean),
    verification: [`Re-run \`/debug health ${url}\` until ${target.healthPath} answers 2xx`],
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
