// `health <url>`: is the inference service up, how slow is it, how often does it fail, and what
// does the evidence say about why? Probes the health endpoint, scrapes the Prometheus metrics six
// times spread evenly across the interval (so counters give rates and memory gives a slope),
// optionally POSTs a few real requests and reads their Server-Timing, and compares the latency with
// the p99 objective and with the last healthy run of the same target (the baseline). It OBSERVES:
// the causes are ranked by src/diagnosis from its observations. This file is the I/O (arguments,
// HTTP with deadlines, scrapes, the baseline store); the pure assessment is src/health/assess.ts.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { durationMs, parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { healthCommand } from './commands.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/core/diagnostic.ts';
import { UsageError } from '../src/core/errors.ts';
import { assessHealth } from '../src/health/assess.ts';
import { readBaseline, writeBaseline } from '../src/health/baseline.ts';
import type { Fetched, ProbeRequest, Scrape, TcpConnect } from '../src/health/input.ts';
import { HEALTH_VOCABULARY } from '../src/health/vocabulary.ts';
import { readBoundedText } from '../src/net/http-body.ts';
import { parseServerTiming } from '../src/profile/server-timing.ts';
import { parseExposition } from '../src/prometheus/exposition.ts';
import { redactUrl, withoutCredentials } from '../src/net/url-credentials.ts';
import { TargetRefusedError } from '../src/policy/target-policy.ts';

const USAGE = usageLine(healthCommand);

/** Deadline of each HTTP request the diagnostic makes, ms. */
export const HEALTH_FETCH_TIMEOUT_MS = 5000;
/** Metrics scrapes per run, spread evenly over the interval (first at the start, last at the end). */
export const SCRAPES = 6;
/** Probe requests per run with --probe-body, spread over the interval. */
export const PROBES = 10;
const MAX_HEALTH_BODY_BYTES = 64 * 1024;
const MAX_METRICS_BYTES = 16 * 1024 * 1024;
const MAX_PROBE_BODY_CHARS = 64 * 1024;

export const healthPayloadSchema = z.strictObject({
  /** Base URL of the service, http or https; the paths below are appended to its path. */
  url: z.url({ protocol: /^https?$/ }),
  /** Health endpoint path. Default `/health`. */
  healthPath: z.string().startsWith('/').default('/health'),
  /** Prometheus metrics path. Default `/metrics`. */
  metricsPath: z.string().startsWith('/').default('/metrics'),
  /** Latency histogram to read. Default: the busiest `*_duration_seconds` / `*_latency_seconds` histogram. */
  latencyMetric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/).optional(),
  /** The whole span the scrapes cover, ms (six scrapes: at the start, every interval/5, at the end). Default 3000. */
  intervalMs: z.number().int().min(100).max(60_000).default(3000),
  /** p99 latency objective, ms: a p99 above it is a finding. Default none. */
  sloP99Ms: z.number().positive().max(600_000).optional(),
  /** JSON body POSTed PROBES times to `probePath` to time real requests and read their Server-Timing. Default none (no probe). */
  probeBody: z.string().max(MAX_PROBE_BODY_CHARS).optional(),
  /** Path the probe requests go to. Default `/predict`. */
  probePath: z.string().startsWith('/').default('/predict'),
});
export type HealthPayload = z.infer<typeof healthPayloadSchema>;

export const healthDiagnostic = defineDiagnostic({
  name: 'health',
  usage: USAGE,
  command: healthCommand,
  description: 'probe /health and scrape /metrics 6× over the interval: latency vs SLO and the last healthy run, errors by route, memory slope, restarts, GC, throttling',
  payload: healthPayloadSchema,
  observes: HEALTH_VOCABULARY,
  timeoutMs: 90_000,
  // The paths are appended to the URL, so its host and port are all the policy needs.
  targets: (payload) => [payload.url],
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(
      tokens,
      parserOptions(healthCommand.flags),
      USAGE,
    );
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'health needs the service URL' : `health takes one URL, got ${positionals.length} arguments`, USAGE);
    }
    const url = positionals[0] ?? '';
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new UsageError(`"${shownUrl(url)}" is not an http(s) URL`, USAGE);
    const probeBody = values['probe-body'] as string | undefined;
    if (probeBody !== undefined) {
      try {
        JSON.parse(probeBody);
      } catch {
        throw new UsageError('--probe-body expects a JSON request body, e.g. \'{"audio":[0.1,0.2]}\'', USAGE);
      }
    }
    const payload = {
      url,
      healthPath: values['health-path'],
      metricsPath: values['metrics-path'],
      latencyMetric: values['latency-metric'],
      intervalMs: durationMs(values.interval as string | undefined, 'interval'),
      sloP99Ms: sloMs(values['slo-p99'] as string | undefined),
      probeBody,
      probePath: values['probe-path'],
    };
    return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  },
  async run(payload, deps) {
    const started = deps.now();
    const base = new URL(payload.url);
    const url = shownUrl(payload.url);
    const { baseline, problem: baselineProblem } = await readBaseline(deps.baselines, url);
    await deps.progress(5, `probing ${payload.healthPath}`);
    const health = await get(deps, endpoint(base, payload.healthPath), MAX_HEALTH_BODY_BYTES);
    const metricsUrl = endpoint(base, payload.metricsPath);
    await deps.progress(10, `scraping ${payload.metricsPath}`);
    const scrapes: Scrape[] = [await scrape(deps, metricsUrl)];
    const probes: ProbeRequest[] = [];
    const step = payload.intervalMs / (SCRAPES - 1);
    if (scrapes[0]?.exposition || (health.kind === 'response' && payload.probeBody !== undefined)) {
      const t0 = performance.now();
      const probing = payload.probeBody === undefined ? Promise.resolve() : probe(deps, endpoint(base, payload.probePath), payload.probeBody, payload.intervalMs, probes);
      for (let i = 1; i < SCRAPES; i++) {
        await sleep(Math.max(0, t0 + i * step - performance.now()), undefined, { signal: deps.signal });
        await deps.progress(10 + Math.round((80 * i) / (SCRAPES - 1)), `scrape ${i + 1} of ${SCRAPES}`);
        scrapes.push(await scrape(deps, metricsUrl));
      }
      await probing;
    }
    // Asked again at the end: a readiness dependency that goes away mid-run shows as a flip.
    const healthAtEnd = scrapes.length > 1 ? await get(deps, endpoint(base, payload.healthPath), MAX_HEALTH_BODY_BYTES) : undefined;
    await deps.progress(95, 'analysing');
    const { result, nextBaseline } = assessHealth({ url, target: payload, health, ...(healthAtEnd ? { healthAtEnd } : {}), scrapes, baseline, baselineProblem, probes, nowMs: deps.now() });
    if (nextBaseline && deps.baselines) {
      const problem = await writeBaseline(deps.baselines, url, nextBaseline);
      if (problem) result.evidence.push({ label: 'baseline', value: 'not saved', detail: problem });
    }
    await deps.progress(100, 'done');
    return { ...result, durationMs: deps.now() - started };
  },
});

/** `--slo-p99 250` (ms), `250ms`, `0.25s`. */
function sloMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return durationMs(value, 'slo-p99');
}

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
    if (err instanceof TargetRefusedError) throw err;
    const failure = failureOf(err);
    // No answer in time: is the process there (it accepts the connection and then says nothing) or is the path to it blocked?
    const tcp = failure.code === 'timeout' ? await tcpConnect(target, deps) : undefined;
    return { kind: 'unreachable', ms: performance.now() - t0, ...failure, ...(tcp ? { tcp } : {}) };
  }
}

/** Deadline of the bare TCP connect made after an HTTP timeout, ms. */
export const TCP_CONNECT_TIMEOUT_MS = 2000;

/** Opens (and closes) a plain TCP connection to the URL's host and port (under the target policy on workers). */
function tcpConnect(url: URL, deps: DiagnosticDeps): Promise<TcpConnect> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...(deps.targetGuard ? { lookup: deps.targetGuard.lookupFor(port) } : {}) });
    const done = (result: TcpConnect) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(TCP_CONNECT_TIMEOUT_MS, () => done('timeout'));
    socket.once('connect', () => done('accepted'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

/** PROBES POSTs of `body`, spread over `spanMs`, each timed and read for Server-Timing. */
async function probe(deps: DiagnosticDeps, url: URL, body: string, spanMs: number, out: ProbeRequest[]): Promise<void> {
  const { url: target, headers } = withoutCredentials(url);
  const t0 = performance.now();
  for (let i = 0; i < PROBES; i++) {
    await sleep(Math.max(0, t0 + (i * spanMs) / PROBES - performance.now()), undefined, { signal: deps.signal });
    const start = performance.now();
    const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(HEALTH_FETCH_TIMEOUT_MS)]);
    try {
      const res = await deps.fetch(target, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body, signal });
      await readBoundedText(res, MAX_HEALTH_BODY_BYTES);
      const ms = performance.now() - start;
      const serverTiming = parseServerTiming(res.headers.get('server-timing') ?? undefined).flatMap((m) => (m.durMs === undefined ? [] : [{ name: m.name, durMs: m.durMs }]));
      out.push({ kind: 'response', status: res.status, ms, serverTiming });
    } catch (err) {
      if (deps.signal.aborted) throw deps.signal.reason;
      if (err instanceof TargetRefusedError) throw err;
      out.push({ kind: 'unreachable', ms: performance.now() - start, ...failureOf(err) });
    }
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
  const wallMs = deps.now();
  if (fetched.kind === 'unreachable') return { url: shown, fetched, exposition: null, problem: `${shown} unreachable: ${fetched.reason}`, at, wallMs };
  if (fetched.status < 200 || fetched.status > 299) {
    return { url: shown, fetched, exposition: null, problem: `${shown} answered ${fetched.status}: no Prometheus metrics at that path`, at, wallMs };
  }
  if (fetched.truncated) return { url: shown, fetched, exposition: null, problem: `${shown} is larger than ${MAX_METRICS_BYTES / 1024 / 1024} MiB`, at, wallMs };
  try {
    return { url: shown, fetched, exposition: parseExposition(fetched.body, shown), problem: null, at, wallMs };
  } catch (err) {
    return { url: shown, fetched, exposition: null, problem: `${err instanceof Error ? err.message : String(err)} (not Prometheus text format)`, at, wallMs };
  }
}
