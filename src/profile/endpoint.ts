// Endpoint mode of the profile diagnostic: a black-box, closed-loop load test of an HTTP model
// server. For each concurrency level it measures in windows until three agree (or a bound hits),
// and reports latency and TTFB percentiles, throughput, errors by status, and where the time went
// on the server (Server-Timing headers, or Triton's metrics endpoint). Always stops by itself.
import { readFile, stat } from 'node:fs/promises';
import { InputError, UnreachableError, UsageError } from '../core/errors.ts';
import { latencySummary, measureInWindows, type LatencySummary, type StopReason } from './latency.ts';
import { createLoadClient, type LoadClient, type RequestOutcome } from './load-generator.ts';
import { parseServerTiming } from './server-timing.ts';
import { stageDistributions, type StageDistributions } from './stage-stats.ts';
import { parseTritonCounters, tritonStageTimes, type TritonCounters, type TritonModelTimes } from './triton-metrics.ts';
import { redactUrl, withoutCredentials } from '../net/url-credentials.ts';
import { readBoundedText } from '../net/http-body.ts';
import type { TargetGuard } from '../policy/target-guard.ts';
import { TargetRefusedError } from '../policy/target-policy.ts';

export interface EndpointProfileOptions {
  /** The endpoint, e.g. `http://model:8080/predict`. http or https. */
  url: string;
  /** HTTP method. Default POST when there is a body, else GET. */
  method?: string;
  /** Extra request headers. `content-type: application/json` is added when there is a body and none is given. */
  headers?: Record<string, string>;
  /** Exact request body sent with every request (see `loadRequestBody` for `--body json|@file`). */
  body?: string;
  /** Closed-loop concurrency levels, measured in order; the first is the reference level. Default [1, 4, 16]. */
  concurrency?: number[];
  /** Requests measured per level at most (warm-up not counted). Default 2000, at most 1 000 000. */
  maxRequestsPerLevel?: number;
  /** Measuring time per level at most, ms. Default 10 000. */
  maxDurationMsPerLevel?: number;
  /** Whole sweep at most, ms; levels share what is left evenly. Default 60 000. */
  maxDurationMs?: number;
  /** Unmeasured requests per level before measuring, to open connections and warm caches. Default: the level's concurrency. */
  warmupRequests?: number;
  /** Deadline of one request, ms. Default 10 000. */
  requestTimeoutMs?: number;
  /** Prometheus endpoint with Triton counters (`nv_inference_*`), scraped around each level. */
  metricsUrl?: string;
}

export interface EndpointProfileDeps {
  signal: AbortSignal;
  progress(percent: number, message?: string): void | Promise<void>;
  /** Milliseconds since the epoch; bounds the sweep. Request latencies use `performance.now`. */
  now(): number;
  /** For the `--metrics-url` scrape. Default: the global fetch. On workers: the target policy's fetch. */
  fetch?: typeof fetch;
  /** The target policy on workers: the URL is checked and the load's sockets connect through its lookup. Default: unrestricted. */
  targetGuard?: TargetGuard;
}

/** A server-side stage and its average time per successful request. */
export interface BreakdownEntry {
  /** Server-Timing metric name (`preprocess`, `inference`, …), a Triton stage, or `network+other`. */
  name: string;
  ms: number;
  /** Fraction (0–1) of the mean client-observed latency. */
  share: number;
}

export interface EndpointLevel {
  concurrency: number;
  /** Requests measured (warm-up excluded), failed ones included. */
  requests: number;
  /** Measuring wall time, ms. */
  durationMs: number;
  /** Successful (status < 400) responses per second. */
  throughputPerSec: number;
  /** Fraction (0–1) of requests that got status ≥ 400 or no response. */
  errorRate: number;
  /** Count by HTTP status (`"200"`, `"503"`) or transport failure (`"ECONNREFUSED"`, `"ECONNRESET"`, `"timeout"`, `"aborted"`). */
  statusCodes: Record<string, number>;
  /** Request start to last body byte, successful responses only (count 0 when none succeeded). */
  latencyMs: LatencySummary;
  /** Request start to response headers, successful responses only. */
  ttfbMs: LatencySummary;
  /** Whether the last three windows' p50 agreed within 10%. */
  stable: boolean;
  stoppedBy: StopReason;
  /** Server-side stages per successful request at this level; empty when the server said nothing. */
  breakdown: BreakdownEntry[];
  /** Triton per-model stage times at this level, when `metricsUrl` gave them. */
  tritonMetrics?: TritonModelTimes[];
  /** Per-stage distributions from the Server-Timing of each response (undefined when none carried one). */
  stages?: StageDistributions;
}

export interface EndpointProfile {
  /** The endpoint, credentials and secret-looking query values redacted. */
  url: string;
  method: string;
  levels: EndpointLevel[];
  /** Concurrency of the reference level (the first): `breakdown` and `samplesMs` come from it. */
  referenceConcurrency: number;
  /** The reference level's server-side breakdown, ending with `network+other`. */
  breakdown: BreakdownEntry[];
  /** Where the breakdown came from. */
  breakdownSource: 'server-timing' | 'triton-metrics' | 'none';
  /** Latencies of the reference level's successful requests, ms (for the histogram). */
  samplesMs: Float64Array;
  /** The reference level's Triton stage times, when `metricsUrl` gave them. */
  tritonMetrics?: TritonModelTimes[];
  /** Whole sweep wall time, ms. */
  durationMs: number;
  /** Things the user should know about how it was measured (e.g. metrics URL not readable). */
  notes: string[];
}

export const ENDPOINT_DEFAULTS = {
  concurrency: [1, 4, 16],
  maxRequestsPerLevel: 2000,
  maxDurationMsPerLevel: 10_000,
  maxDurationMs: 60_000,
  requestTimeoutMs: 10_000,
} as const;

/** Largest `--body @file` read, bytes. */
const MAX_BODY_FILE_BYTES = 16 * 1024 * 1024;
/** Most connections of one concurrency level (the payload schema refuses more in the ack). */
export const MAX_CONCURRENCY = 1024;
/** Bounds the per-level sample arrays (two Float64Arrays: 16 MB). */
const MAX_REQUESTS_PER_LEVEL = 1_000_000;
/** Responses per level whose per-stage Server-Timing is kept for the stage distributions. */
const MAX_TIMED_RESPONSES = 50_000;
/** Largest metrics answer read, bytes. */
const MAX_SCRAPE_BYTES = 16 * 2 ** 20;
const SCRAPE_TIMEOUT_MS = 5000;

/** Throws UsageError (with `usage`, when given) unless `--body` is `@path` or JSON. */
export function checkRequestBodyArg(arg: string, usage?: string): void {
  if (arg.startsWith('@')) return;
  try {
    JSON.parse(arg);
  } catch (err) {
    throw new UsageError(`--body is neither JSON nor @file: ${err instanceof Error ? err.message : String(err)}`, usage);
  }
}

/** `--body` argument: inline JSON (validated), or `@path` whose bytes are sent as they are. */
export async function loadRequestBody(arg: string): Promise<string> {
  checkRequestBodyArg(arg);
  if (arg.startsWith('@')) {
    const path = arg.slice(1);
    const cannotRead = (err: unknown): InputError =>
      new InputError(`--body ${arg}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    // The size is checked before reading, so an oversized file is never loaded into memory.
    const { size } = await stat(path).catch((err: unknown) => Promise.reject(cannotRead(err)));
    if (size > MAX_BODY_FILE_BYTES) throw new InputError(`--body ${arg}: file exceeds ${MAX_BODY_FILE_BYTES} bytes`);
    return readFile(path, 'utf8').catch((err: unknown) => Promise.reject(cannotRead(err)));
  }
  return arg;
}

function parseUrl(raw: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${flag} is not a URL: ${raw.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--${flag} must be http(s), got ${url.protocol}`);
  return url;
}

/** Accumulates one level's outcomes. Sample arrays are bounded by the level's request bound. */
class LevelRecorder {
  readonly statusCodes: Record<string, number> = {};
  readonly ttfb: Float64Array;
  ttfbCount = 0;
  successes = 0;
  failures = 0;
  /** Server-Timing: sum of `dur` by metric name over successful responses that carried the header. */
  readonly stageSums = new Map<string, number>();
  timedResponses = 0;
  timedTotalMs = 0;
  /** Per successful response (up to MAX_TIMED_RESPONSES): its total and its stages' durations. */
  readonly timings: Array<{ totalMs: number; stages: Map<string, number> }> = [];
  /** Failed responses by the last stage their Server-Timing names (the stage they stopped in). */
  readonly failedIn: Record<string, number> = {};

  constructor(maxRequests: number) {
    this.ttfb = new Float64Array(maxRequests);
  }

  /** Records an outcome; returns its latency when it succeeded, for the windows. */
  record(o: RequestOutcome): number | undefined {
    const key = o.status !== undefined ? String(o.status) : (o.error ?? 'error');
    this.statusCodes[key] = (this.statusCodes[key] ?? 0) + 1;
    if (o.status === undefined || o.status >= 400) {
      this.failures++;
      const last = o.serverTiming === undefined ? undefined : parseServerTiming(o.serverTiming).filter((m) => m.durMs !== undefined).at(-1);
      if (last) this.failedIn[last.name] = (this.failedIn[last.name] ?? 0) + 1;
      return undefined;
    }
    this.successes++;
    if (this.ttfbCount < this.ttfb.length) this.ttfb[this.ttfbCount++] = o.ttfbMs;
    if (o.serverTiming !== undefined) {
      const metrics = parseServerTiming(o.serverTiming).filter((m) => m.durMs !== undefined);
      if (metrics.length > 0) {
        this.timedResponses++;
        this.timedTotalMs += o.totalMs;
        for (const m of metrics) this.stageSums.set(m.name, (this.stageSums.get(m.name) ?? 0) + (m.durMs ?? 0));
        if (this.timings.length < MAX_TIMED_RESPONSES) this.timings.push({ totalMs: o.totalMs, stages: new Map(metrics.map((m) => [m.name, m.durMs ?? 0])) });
      }
    }
    return o.totalMs;
  }

  serverTimingBreakdown(): BreakdownEntry[] {
    if (this.timedResponses === 0) return [];
    const meanTotal = this.timedTotalMs / this.timedResponses;
    return withNetwork(
      [...this.stageSums].map(([name, sum]) => ({ name, ms: sum / this.timedResponses })),
      meanTotal,
    );
  }
}

/** Adds shares and the `network+other` remainder (never negative: overlapping server metrics can exceed the total). */
function withNetwork(stages: Array<{ name: string; ms: number }>, meanTotalMs: number): BreakdownEntry[] {
  const serverMs = stages.reduce((s, x) => s + x.ms, 0);
  const all = [...stages, { name: 'network+other', ms: Math.max(0, meanTotalMs - serverMs) }];
  return all.map((x) => ({ ...x, share: meanTotalMs > 0 ? x.ms / meanTotalMs : 0 }));
}

function tritonBreakdown(models: TritonModelTimes[], meanTotalMs: number): BreakdownEntry[] {
  const requests = models.reduce((s, m) => s + m.requests, 0);
  if (requests === 0) return [];
  const avg = (k: 'queueMs' | 'computeInputMs' | 'computeInferMs' | 'computeOutputMs') =>
    models.reduce((s, m) => s + m[k] * m.requests, 0) / requests;
  return withNetwork(
    [
      { name: 'queue', ms: avg('queueMs') },
      { name: 'compute_input', ms: avg('computeInputMs') },
      { name: 'compute_infer', ms: avg('computeInferMs') },
      { name: 'compute_output', ms: avg('computeOutputMs') },
    ],
    meanTotalMs,
  );
}

/** Runs `total` requests over `concurrency` loops, unmeasured. */
async function warmUp(client: LoadClient, total: number, concurrency: number, signal: AbortSignal): Promise<void> {
  let left = total;
  const loop = async () => {
    while (left > 0 && !signal.aborted) {
      left--;
      await client.send();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, loop));
}

/**
 * Profiles an HTTP endpoint under a closed-loop concurrency sweep. Throws UsageError for bad
 * options and UnreachableError when a first request gets no HTTP response at all (refused,
 * unknown host, timeout); a server that answers with errors is measured and reported.
 * On abort it returns the levels measured so far (the last one `stoppedBy: 'aborted'`).
 */
export async function profileEndpoint(options: EndpointProfileOptions, deps: EndpointProfileDeps): Promise<EndpointProfile> {
  const url = parseUrl(options.url, 'url');
  const shownUrl = redactUrl(url);
  const metricsUrl = options.metricsUrl === undefined ? undefined : parseUrl(options.metricsUrl, 'metrics-url');
  const concurrency = options.concurrency ?? [...ENDPOINT_DEFAULTS.concurrency];
  if (concurrency.length === 0 || concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > MAX_CONCURRENCY)) {
    throw new UsageError(`--concurrency expects whole numbers 1–${MAX_CONCURRENCY}, got ${concurrency.join(',')}`);
  }
  const maxRequests = options.maxRequestsPerLevel ?? ENDPOINT_DEFAULTS.maxRequestsPerLevel;
  const perLevelMs = options.maxDurationMsPerLevel ?? ENDPOINT_DEFAULTS.maxDurationMsPerLevel;
  const overallMs = options.maxDurationMs ?? ENDPOINT_DEFAULTS.maxDurationMs;
  const timeoutMs = options.requestTimeoutMs ?? ENDPOINT_DEFAULTS.requestTimeoutMs;
  if (maxRequests > MAX_REQUESTS_PER_LEVEL) throw new UsageError(`iterations per level at most ${MAX_REQUESTS_PER_LEVEL}, got ${maxRequests}`);
  for (const [name, v] of [['iterations', maxRequests], ['duration', perLevelMs], ['duration', overallMs], ['request timeout', timeoutMs]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`${name} must be positive, got ${v}`);
  }
  const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
  const method = (options.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  // node:http ignores user:password in a URL: send them as Basic auth, as the metrics scrape does.
  const headers: Record<string, string> = { ...withoutCredentials(url).headers, ...options.headers };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';

  const { signal } = deps;
  const t0 = deps.now();
  const deadline = t0 + overallMs;
  const notes: string[] = [];
  deps.targetGuard?.check(url);
  if (metricsUrl) deps.targetGuard?.check(metricsUrl);
  const lookup = deps.targetGuard?.lookupFor(Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
  const clientFor = (maxSockets: number) => createLoadClient({ url, method, headers, body, timeoutMs, maxSockets, signal, ...(lookup ? { lookup } : {}) });

  // Pre-flight: one request that must get some HTTP response, so an unreachable URL is one clear error.
  const preflight = clientFor(1);
  const first = await preflight.send();
  preflight.close();
  if (first.status === undefined) {
    if (first.refused) throw first.refused;
    if (signal.aborted) throw new UnreachableError(`${shownUrl}: aborted before the first response`);
    throw new UnreachableError(`${shownUrl} unreachable: ${first.error === 'timeout' ? `no response within ${timeoutMs} ms` : first.errorMessage ?? first.error}`);
  }

  // fetch refuses a URL with credentials, and its error repeats them: send them as Basic auth.
  const metricsRequest = metricsUrl === undefined ? undefined : withoutCredentials(metricsUrl);
  let scrapeBroken = false;
  const scrape = async (): Promise<TritonCounters | undefined> => {
    if (metricsUrl === undefined || metricsRequest === undefined || scrapeBroken) return undefined;
    try {
      const res = await (deps.fetch ?? fetch)(metricsRequest.url, { headers: metricsRequest.headers, signal: AbortSignal.any([signal, AbortSignal.timeout(SCRAPE_TIMEOUT_MS)]) });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      const { text, truncated } = await readBoundedText(res, MAX_SCRAPE_BYTES);
      if (truncated) throw new Error(`more than ${MAX_SCRAPE_BYTES / 2 ** 20} MiB of metrics`);
      const counters = parseTritonCounters(text);
      if (counters.size === 0) throw new Error('no nv_inference_* counters in it');
      return counters;
    } catch (err) {
      if (err instanceof TargetRefusedError) throw err;
      scrapeBroken = true;
      notes.push(`metrics URL ${redactUrl(metricsUrl)} not used: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };

  const levels: EndpointLevel[] = [];
  let samplesMs: Float64Array = new Float64Array(0);
  let breakdownSource: EndpointProfile['breakdownSource'] = 'none';
  for (const [i, c] of concurrency.entries()) {
    if (signal.aborted) break;
    await deps.progress(Math.round((100 * i) / concurrency.length), `endpoint: concurrency ${c} (${i + 1}/${concurrency.length})`);
    const levelStart = deps.now();
    const budgetMs = Math.max(0, Math.min(perLevelMs, (deadline - levelStart) / (concurrency.length - i)));
    const client = clientFor(c);
    try {
      await warmUp(client, options.warmupRequests ?? c, c, signal);
      const before = await scrape();
      const recorder = new LevelRecorder(maxRequests);
      const windowSize = Math.max(1, Math.min(Math.max(50, 10 * c), Math.floor(maxRequests / 3)));
      const measured = await measureInWindows({
        runOnce: async () => recorder.record(await client.send()),
        concurrency: c,
        windowSize,
        maxDurationMs: budgetMs - (deps.now() - levelStart),
        maxIterations: maxRequests,
        signal,
        now: deps.now,
      });
      const after = before === undefined ? undefined : await scrape();
      const latency = latencySummary(measured.samplesMs);
      const triton = before !== undefined && after !== undefined ? tritonStageTimes(before, after) : undefined;
      const stBreakdown = recorder.serverTimingBreakdown();
      const tBreakdown = triton === undefined ? [] : tritonBreakdown(triton, latency.mean);
      levels.push({
        concurrency: c,
        requests: measured.iterations,
        durationMs: measured.elapsedMs,
        throughputPerSec: measured.elapsedMs > 0 ? (recorder.successes * 1000) / measured.elapsedMs : 0,
        errorRate: measured.iterations > 0 ? recorder.failures / measured.iterations : 0,
        statusCodes: recorder.statusCodes,
        latencyMs: latency,
        ttfbMs: latencySummary(recorder.ttfb.subarray(0, recorder.ttfbCount)),
        stable: measured.stable,
        stoppedBy: measured.stoppedBy,
        breakdown: stBreakdown.length > 0 ? stBreakdown : tBreakdown,
        ...(triton === undefined ? {} : { tritonMetrics: triton }),
        ...(recorder.timings.length > 0 || Object.keys(recorder.failedIn).length > 0 ? { stages: stageDistributions(recorder.timings, recorder.failedIn) } : {}),
      });
      if (measured.iterations === 0) notes.push(`concurrency ${c}: no time left in the sweep's ${overallMs} ms bound, nothing measured`);
      if (i === 0) {
        samplesMs = measured.samplesMs;
        breakdownSource = stBreakdown.length > 0 ? 'server-timing' : tBreakdown.length > 0 ? 'triton-metrics' : 'none';
      }
    } finally {
      client.close();
    }
  }
  await deps.progress(100, 'endpoint: done');

  const reference = levels[0];
  return {
    url: shownUrl,
    method,
    levels,
    referenceConcurrency: concurrency[0] as number,
    breakdown: reference?.breakdown ?? [],
    breakdownSource,
    samplesMs,
    ...(reference?.tritonMetrics === undefined ? {} : { tritonMetrics: reference.tritonMetrics }),
    durationMs: deps.now() - t0,
    notes,
  };
}
