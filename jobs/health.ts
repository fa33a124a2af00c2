// `health <url>`: is the inference service up, how slow is it, and how often does it fail?
// Probes the health endpoint, scrapes the Prometheus metrics twice a short interval apart
// (counters are totals, so rates need two points), computes p50/p95/p99 from the latency
// histogram's buckets exactly as PromQL would, and turns what it sees into ranked hypotheses and
// a latency chart. This file is the I/O (arguments, HTTP with deadlines, scrapes); the pure
// assessment lives in src/health/assess.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { durationMs, parseTokens } from '../src/args.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/diagnostic.ts';
import { UsageError } from '../src/errors.ts';
import { assessHealth } from '../src/health/assess.ts';
import type { Fetched, Scrape } from '../src/health/observations.ts';
import { redactUrl, withoutCredentials } from '../src/url-credentials.ts';
import { parseExposition } from '../src/prometheus/exposition.ts';
import { readBoundedText } from '../src/http-body.ts';

const USAGE = 'health <url> [--health-path /health] [--metrics-path /metrics] [--latency-metric NAME] [--interval 2s]';

/** Deadline of each HTTP request the diagnostic makes, ms. */
export const HEALTH_FETCH_TIMEOUT_MS = 5000;
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
    const result = assessHealth({ url: shownUrl(payload.url), target: payload, health, before, after });
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

/** The URL for people: user:password and secret-looking query values masked, no trailing slash. */
function shownUrl(url: string | URL): string {
  if (!URL.canParse(String(url))) return String(url).slice(0, 200);
  return redactUrl(new URL(url)).replace(/\/$/, '');
}

async function get(deps: DiagnosticDeps, url: URL, maxBytes: number): Promise<Fetched> {
  const { url: target, headers } = withoutCredentials(url);
  const t0 = performance.now();
  const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(HEALTH_FETCH_TIMEOUT_MS)]);
  try {
    const res = await deps.fetch(target, { headers, signal });
    const { text, truncated } = await readBoundedText(res, maxBytes);
    return { kind: 'response', status: res.status, ms: performance.now() - t0, body: text, truncated };
  } catch (err) {
    if (deps.signal.aborted) throw deps.signal.reason;
    return { kind: 'unreachable', ms: performance.now() - t0, ...failureOf(err) };
  }
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
