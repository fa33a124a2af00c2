// A tenth held-out round, written by a session that changed no rule, diagnostic or cause for it
// and read neither the causes catalogue nor the engine nor the log signatures nor the diagnostics'
// observation code. Its theme: performance and hardware, measured — the latency and throughput
// problems an engineer would profile. GPU faults in nvidia-smi and DCGM exporter text: an A100
// whose PCIe link trained at gen 1 while it works, an H100 whose power limit someone set to 150 W,
// a time-sliced T4 kept at 100 % by another team's pod, a T4 with retired pages pending, a
// CUDA OOM on a 1g.10gb MIG slice, an orphaned benchmark spinning on the serving GPU, NVLink Xid
// 74 under NCCL timeouts. Endpoints built here around the same real Silero VAD model the sample
// server serves, with the faults real servers have: a lock around the session, the model loaded
// for every request, a worker pool of two whose wait the server's own Server-Timing does not see,
// a synchronous log write in postprocessing (a blocked thread, not CPU), a micro-batcher whose
// window is too long, a proxy that makes a full TLS handshake for every request. Models built with
// test/support/onnx-builder.ts: an exported hard-swish left as four element-wise ops, an embedding
// lookup over a 25 MB table, shape arithmetic that dynamic dimensions keep from being folded.
// Pooled: ONNX Runtime placing nodes on the CPU with the GPU nearly idle, long documents from a
// new client behind a p99 rise (with the request log's drift), a revision that added a CPU limit.
// Controls look slow or alarming but meet their objective: a heavy model inside its SLO and equal
// to its baseline, two MIG slices shared by two teams by design, a PyTorch log of performance hints
// and "skipping cudagraphs", "slow" reported against a busy, healthy GPU.
//
// Where the data comes from: the recorded nvidia-smi rows of test/fixtures/gpu (H100 recorded,
// A100 and T4 reconstructed from public tables) edited field by field; DCGM exporter text written
// here in the label set of public scrapes (NVIDIA/dcgm-exporter#544 and #736 for MIG instances and
// pod labels); the Kubernetes stand-in with the recorded ranker and llm-server objects; log lines
// copied from public issues and docs (each noted beside it); a TLS certificate made by openssl at
// run time. Drift uses a domain not used before: the request log of a document-summarisation API.
// The expected top cause was chosen from the list of cause ids and titles and written into each
// `injected` before the first run; where no cause fits, the nearest id is given and marked
// "(no such cause)".
import { execFile } from 'node:child_process';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { startModelServer } from '../../examples/model-server/server.ts';
import { DEFAULT_MODEL_PATH, loadSpeechModel, predictRequestSchema, toFeeds, type SpeechModel } from '../../examples/model-server/model.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { llmServerScenario, rankerScenario, type KubeApiStandInOptions } from '../../test/support/kube-api-stand-in.ts';
import { buildModel, ELEM } from '../../test/support/onnx-builder.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { editGpu, gpuOnSmi, H100_UUID, recorded } from './gpu.ts';
import { onServer } from './health.ts';
import { runOnLog, stamped } from './logs.ts';
import { oomOn } from './oom.ts';
import { profileModel, together, weights, withTemp, normal, round, clamp, pick, type Random, driftOnRows } from '../support/scenario-kit.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const readFixture = (path: string) => readFile(new URL(`../../test/fixtures/${path}`, import.meta.url), 'utf8');

// ── endpoints built around the real model ───────────────────────────────────────────────────────
/** One 32 ms clip of a 440 Hz tone: a valid /predict body. */
const BODY = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Number((0.35 * Math.sin((2 * Math.PI * 440 * i) / 16000)).toFixed(5))) });
const SWEEP = '--concurrency 1,4,8 --iterations 150 --duration 1.5s';

/** The stages of one request as Server-Timing reports them (ms), in order. */
class Timings {
  readonly #stages: Array<[string, number]> = [];
  async time<T>(stage: string, work: () => T | Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.#stages.push([stage, performance.now() - t0]);
    }
  }
  add(stage: string, ms: number): void {
    this.#stages.push([stage, ms]);
  }
  header(): string {
    return this.#stages.map(([name, ms]) => `${name};dur=${ms.toFixed(3)}`).join(', ');
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A model server of our own on plain node:http: POST /predict runs `predict` (which times its own
 * stages), GET /health answers ok. What differs between the faults is `predict`.
 */
async function ownServer(predict: (body: Buffer, t: Timings) => Promise<string>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const t = new Timings();
      try {
        if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        if (req.method !== 'POST' || req.url !== '/predict') return void res.writeHead(404).end('{"error":"no route"}');
        const out = await predict(await readBody(req), t);
        res.writeHead(200, { 'content-type': 'application/json', 'server-timing': t.header() }).end(out);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json', 'server-timing': t.header() }).end(JSON.stringify({ error: String(err) }));
      }
    })();
  });
  const host = await listen(server);
  return {
    url: `http://${host}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const parse = (body: Buffer) => predictRequestSchema.parse(JSON.parse(body.toString('utf8')));
const answer = (probabilities: Float32Array) => JSON.stringify({ model: 'silero_vad', probabilities: Array.from(probabilities) });

/** A FIFO mutex: one holder at a time, the others wait in arrival order. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** A fixed pool of `size` workers: a request waits for a free one, then runs. */
class Pool {
  #busy = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #size: number;
  constructor(size: number) {
    this.#size = size;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy >= this.#size) await new Promise<void>((r) => this.#waiting.push(r));
    else this.#busy += 1;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#busy -= 1;
    }
  }
}

/** `profile <url>/predict --body @file <flags>` against a server started by `start`, closed after. */
function profileOwn(start: () => Promise<{ url: string; close(): Promise<void> }>, flags = SWEEP): Promise<DiagnosticResult[]> {
  return withTemp('heldout10', async (dir) => {
    const file = join(dir, 'body.json');
    await writeFile(file, BODY);
    const target = await start();
    try {
      return [await runCommandLine(`profile ${target.url}/predict --body @${file} ${flags}`)];
    } finally {
      await target.close();
    }
  });
}

/**
 * The ONNX session is not thread-safe in this service's wrapper, so someone put a process-wide
 * lock around `run`: each call holds it for the model's real run plus the 9 ms the device takes
 * (an await, not CPU). The server times "inference" around the call, lock wait included — as
 * most servers do — so with 8 clients the inference stage grows to ~8× while nothing burns CPU.
 */
async function lockedSessionServer() {
  const model = await loadSpeechModel();
  const lock = new Mutex();
  const server = await ownServer(async (body, t) => {
    const feeds = await t.time('preprocess', () => toFeeds(parse(body)));
    const out = await t.time('inference', () =>
      lock.run(async () => {
        const r = await model.infer(feeds);
        await sleep(9);
        return r;
      }),
    );
    return t.time('postprocess', () => answer(out));
  });
  return { url: server.url, close: async () => (await server.close(), await model.close()) };
}

/**
 * A handler that calls `InferenceSession.create(model)` on every request (the session was meant
 * to be cached in a module global, but the cache key includes the request id): each request
 * reads, parses and optimises the 1.8 MB Silero graph again (~50 ms of CPU here) before running it.
 */
async function reloadPerRequestServer() {
  return ownServer(async (body, t) => {
    const feeds = await t.time('preprocess', () => toFeeds(parse(body)));
    const out = await t.time('inference', async () => {
      const session = await ort.InferenceSession.create(DEFAULT_MODEL_PATH, { logSeverityLevel: 4 });
      try {
        return (await session.run(feeds)).output?.data as Float32Array;
      } finally {
        await session.release();
      }
    });
    return t.time('postprocess', () => answer(out));
  });
}

/**
 * A sync handler run in a worker pool of 2 (as a threadpool executor would), 14 ms per request of
 * which the device takes 12 (an await). The stages are timed inside the worker, so the wait for a
 * free worker appears in no Server-Timing entry: at concurrency 8 most of each request's time is
 * before its first stage.
 */
async function smallPoolServer(model: SpeechModel) {
  const pool = new Pool(2);
  return ownServer((body, t) =>
    pool.run(async () => {
      const feeds = await t.time('preprocess', () => toFeeds(parse(body)));
      const out = await t.time('inference', async () => {
        const r = await model.infer(feeds);
        await sleep(12);
        return r;
      });
      return t.time('postprocess', () => answer(out));
    }),
  );
}

/**
 * Postprocessing writes the audit record with a synchronous call to a log pipe that drains slowly
 * (fs.writeSync on a full pipe blocks): 4 ms during which the thread waits without using the CPU
 * — Atomics.wait blocks it the same way. Nothing else can run meanwhile.
 */
async function syncLogServer(model: SpeechModel) {
  const blocker = new Int32Array(new SharedArrayBuffer(4));
  return ownServer(async (body, t) => {
    const feeds = await t.time('preprocess', () => toFeeds(parse(body)));
    const out = await t.time('inference', () => model.infer(feeds));
    return t.time('postprocess', () => {
      const text = answer(out);
      Atomics.wait(blocker, 0, 0, 4);
      return text;
    });
  });
}

/**
 * A micro-batcher in front of the model: it collects requests for up to 45 ms after the first of a
 * batch arrives, or until 8 are in, then runs them as one batch of clips. The window was copied
 * from a high-traffic service; this one sees 1–4 requests at a time, so nearly every request
 * waits the whole window. The wait is the `queue` entry of Server-Timing.
 */
async function batcherServer(model: SpeechModel) {
  const WINDOW_MS = 45;
  const MAX_BATCH = 8;
  type Waiting = { clip: number[]; arrived: number; done: (r: { prob: number; queueMs: number; inferMs: number }) => void };
  let batch: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    const taken = batch;
    batch = [];
    if (taken.length === 0) return;
    const started = performance.now();
    const probs = await model.infer(toFeeds({ batch: taken.map((w) => w.clip), sampleRate: 16_000 }));
    const inferMs = performance.now() - started;
    taken.forEach((w, i) => w.done({ prob: probs[i] ?? 0, queueMs: started - w.arrived, inferMs }));
  };
  return ownServer(async (body, t) => {
    const request = await t.time('preprocess', () => parse(body));
    const clip = request.audio ?? request.batch?.[0] ?? [];
    const result = await new Promise<{ prob: number; queueMs: number; inferMs: number }>((done) => {
      batch.push({ clip, arrived: performance.now(), done });
      if (batch.length >= MAX_BATCH) void flush();
      else timer ??= setTimeout(() => void flush(), WINDOW_MS);
    });
    t.add('queue', result.queueMs);
    t.add('inference', result.inferMs);
    return t.time('postprocess', () => answer(Float32Array.of(result.prob)));
  });
}

const execFileAsync = promisify(execFile);

/**
 * The mesh's egress proxy in front of the model gateway opens a new TLS connection for every
 * request: no keep-alive to the upstream and no session resumption (its agent caches no
 * sessions), so each request pays a full TLS 1.3 handshake with the gateway's RSA-3072 certificate
 * (made here by openssl) before the request is sent. The gateway terminates TLS and forwards to
 * the sample model server over a kept-alive connection; the model server's Server-Timing is passed
 * back unchanged, so the handshakes are time outside every server stage.
 */
async function tlsEveryRequestChain(dir: string) {
  const key = join(dir, 'gw.key');
  const cert = join(dir, 'gw.crt');
  await execFileAsync('openssl', ['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=model-gw.internal', '-addext', 'subjectAltName=DNS:model-gw.internal']);
  const [keyPem, certPem] = await Promise.all([readFile(key), readFile(cert)]);
  const model = await startModelServer({ random: seededRandom(1001) });
  const modelUrl = new URL(model.url);
  const toModel = new HttpAgent({ keepAlive: true });
  const gateway = createHttpsServer({ key: keyPem, cert: certPem }, (req, res) => {
    void readBody(req).then((body) => {
      const up = httpRequest({ host: modelUrl.hostname, port: modelUrl.port, path: req.url, method: req.method, agent: toModel, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  const gatewayHost = await listen(gateway);
  const [gwHost, gwPort] = gatewayHost.split(':') as [string, string];
  const noReuse = new HttpsAgent({ keepAlive: false, maxCachedSessions: 0, ca: certPem, servername: 'model-gw.internal' });
  const egress = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((body) => {
      const up = httpsRequest({ host: gwHost, port: Number(gwPort), path: req.url, method: req.method, agent: noReuse, servername: 'model-gw.internal', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', (err) => res.writeHead(502).end(String(err)));
      up.end(body);
    });
  });
  const egressHost = await listen(egress);
  const closeServer = (s: Server & { closeAllConnections?: () => void }) =>
    new Promise<void>((r) => {
      s.closeAllConnections?.();
      s.close(() => r());
    });
  return {
    url: `http://${egressHost}`,
    close: async () => {
      await closeServer(egress);
      await closeServer(gateway);
      toModel.destroy();
      noReuse.destroy();
      await model.close();
    },
  };
}

const withModel = <T extends { url: string; close(): Promise<void> }>(make: (m: SpeechModel) => Promise<T>) => async () => {
  const model = await loadSpeechModel();
  const server = await make(model);
  return { url: server.url, close: async () => (await server.close(), await model.close()) };
};

// ── models ───────────────────────────────────────────────────────────────────────────────────────
/**
 * A MobileNetV3-style head exported at opset 11, where hard-swish has no op of its own: the
 * exporter writes x · clip(x + 3, 0, 6) / 6 as Add, Clip, Div and Mul, each over the whole
 * [batch, 256, 1024] activation; a [1024, 4] MatMul follows. Four passes over 1 MB of floats per
 * sample against one small product.
 */
function hardSwishModel(): Uint8Array {
  return buildModel({
    opset: 11,
    inputs: [{ name: 'features', elemType: ELEM.float, dims: ['batch', 256, 1024] }],
    outputs: [{ name: 'logits', elemType: ELEM.float, dims: ['batch', 256, 4] }],
    initializers: [
      { name: 'three', dims: [], values: Float32Array.of(3) },
      { name: 'zero', dims: [], values: Float32Array.of(0) },
      { name: 'six', dims: [], values: Float32Array.of(6) },
      { name: 'w', dims: [1024, 4], values: weights(1024 * 4, 1011, 10) },
    ],
    nodes: [
      { opType: 'Add', inputs: ['features', 'three'], outputs: ['shifted'] },
      { opType: 'Clip', inputs: ['shifted', 'zero', 'six'], outputs: ['clipped'] },
      { opType: 'Div', inputs: ['clipped', 'six'], outputs: ['gate'] },
      { opType: 'Mul', inputs: ['features', 'gate'], outputs: ['activated'] },
      { opType: 'MatMul', inputs: ['activated', 'w'], outputs: ['logits'] },
    ],
  });
}

/**
 * A token tagger over a big vocabulary: token ids [batch, tokens] → Gather from a 50 000 × 128
 * embedding table (25.6 MB) → a [128, 4] MatMul per token. With 4096 tokens a request copies 2 MB
 * of embedding rows out of the table and computes little with them.
 */
function embeddingTaggerModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'token_ids', elemType: ELEM.int64, dims: ['batch', 'tokens'] }],
    outputs: [{ name: 'tags', elemType: ELEM.float, dims: ['batch', 'tokens', 4] }],
    initializers: [
      { name: 'embedding', dims: [50_000, 128], values: weights(50_000 * 128, 1012, 4) },
      { name: 'w', dims: [128, 4], values: weights(128 * 4, 1013, 10) },
    ],
    nodes: [
      { opType: 'Gather', inputs: ['embedding', 'token_ids'], outputs: ['rows'], ints: { axis: 0 } },
      { opType: 'MatMul', inputs: ['rows', 'w'], outputs: ['tags'] },
    ],
  });
}

/**
 * An export traced with dynamic batch and sequence axes (torch.onnx.export dynamic_axes): every
 * `x.view(x.size())` became Shape → Reshape, which constant folding cannot remove because the
 * dimensions are only known at run time. Sixteen blocks of Shape, a tiny [16, 16] MatMul, Reshape
 * and Cast round trips (float → float16 → float, from an autocast region) on a 4-token input.
 */
function dynamicShapeModel(blocks = 16): Uint8Array {
  const nodes: Array<{ opType: string; inputs: string[]; outputs: string[]; ints?: Record<string, number> }> = [];
  const initializers = [];
  let h = 'x';
  for (let i = 0; i < blocks; i++) {
    initializers.push({ name: `w${i}`, dims: [16, 16], values: weights(256, 1020 + i, 20) });
    nodes.push(
      { opType: 'Shape', inputs: [h], outputs: [`s${i}`] },
      { opType: 'MatMul', inputs: [h, `w${i}`], outputs: [`m${i}`] },
      { opType: 'Cast', inputs: [`m${i}`], outputs: [`half${i}`], ints: { to: ELEM.float16 } },
      { opType: 'Cast', inputs: [`half${i}`], outputs: [`full${i}`], ints: { to: ELEM.float } },
      { opType: 'Reshape', inputs: [`full${i}`, `s${i}`], outputs: [`h${i}`] },
    );
    h = `h${i}`;
  }
  nodes.push({ opType: 'Identity', inputs: [h], outputs: ['y'] });
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 'sequence', 16] }],
    outputs: [{ name: 'y', elemType: ELEM.float, dims: ['batch', 'sequence', 16] }],
    initializers,
    nodes,
  });
}

// ── gpu: nvidia-smi rows ─────────────────────────────────────────────────────────────────────────
const A100_UUID = 'GPU-88ed8bff-34a2-f90e-f85e-1c731ac03448';
const T4_UUID = 'GPU-1b965d81-1d0f-6501-027c-1ecc1437f5ea';

/**
 * The A100 (GPU 0 of test/fixtures/gpu/a100-mig-query-gpu.csv) serving at 94 %: its PCIe link
 * came up at gen 1 of gen 4 after the node's firmware update (width x16 of 16) and stays there
 * under load — a link that only down-trains to save power goes back to gen 4 when busy.
 */
async function a100PcieGen1Smi() {
  const row = `${(await readFixture('gpu/a100-mig-query-gpu.csv')).split('\n')[0]!}\n`;
  return {
    gpu: editGpu(row, { 'utilization.gpu': '94', 'memory.used': '38211', 'memory.free': '43709', 'power.draw': '301.55', 'temperature.gpu': '61', 'pcie.link.gen.current': '1', 'pcie.link.gen.max': '4' }),
    apps: `23824, tritonserver, ${A100_UUID}, 38180\n`,
    remap: `${A100_UUID}, 0, No, No\n`,
  };
}

/** Someone ran `nvidia-smi -pl 150` on the H100 (default 700 W) while testing idle power: under full load it draws 149.7 W with the SW power cap active (0x4), SM at 1095 of 1980 MHz. */
function h100PowerLimit150Smi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'utilization.gpu': '99', 'temperature.gpu': '41', 'power.draw': '149.71', 'power.limit': '150.00', 'clocks.sm': '1095', 'clocks_throttle_reasons.active': '0x0000000000000004' });
  return t;
}

/** A T4 whose memory reported 5 uncorrectable errors over its life (none since this boot): page retirement is pending, to take effect at the next driver reload. */
async function t4RetiredPagesPendingSmi() {
  const row = `${(await readFixture('gpu/t4-query-gpu.csv')).split('\n')[0]!}\n`;
  return {
    gpu: editGpu(row, { 'utilization.gpu': '63', 'memory.used': '6120', 'memory.free': '8961', 'power.draw': '44.20', 'clocks.sm': '1590', 'ecc.errors.uncorrected.volatile.total': '0', 'ecc.errors.uncorrected.aggregate.total': '5', 'retired_pages.pending': 'Yes' }),
    apps: `31337, /usr/bin/python3, ${T4_UUID}, 6084\n`,
    remap: '',
  };
}

/** A benchmark someone started with nohup on the node last night and never stopped: PID 5873, a host process, 30 GiB and the SMs kept at 100 % next to the server's 19 GiB. */
function orphanBenchmarkSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '50413', 'memory.free': '30667', 'utilization.gpu': '100', 'temperature.gpu': '58', 'power.draw': '512.30', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  t.apps += `5873, python3, ${H100_UUID}, 30720\n`;
  return t;
}

/** The serving H100 at 8 % utilisation with the server's 3.1 GiB: the model's nodes run on the CPU. */
function nearlyIdleH100Smi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '3180', 'memory.free': '77900', 'utilization.gpu': '8', 'power.draw': '92.40', 'clocks.sm': '1755', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  t.apps = `406, python3, ${H100_UUID}, 3171\n`;
  return t;
}

/** A busy, healthy H100: 78 % at full clocks, 455 of 700 W, 64 °C, gen 5 x16, no throttle reason. */
function busyHealthyH100Smi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '41203', 'memory.free': '39877', 'utilization.gpu': '78', 'temperature.gpu': '64', 'power.draw': '455.10', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  t.apps = `406, python3, ${H100_UUID}, 41194\n`;
  return t;
}

// ── gpu: DCGM exporter text ──────────────────────────────────────────────────────────────────────
interface DcgmSeries {
  labels: Record<string, string>;
  values: Record<string, number>;
}
const DCGM_HELP: Record<string, [string, string]> = {
  DCGM_FI_DEV_SM_CLOCK: ['gauge', 'SM clock frequency (in MHz).'],
  DCGM_FI_DEV_MEM_CLOCK: ['gauge', 'Memory clock frequency (in MHz).'],
  DCGM_FI_DEV_GPU_TEMP: ['gauge', 'GPU temperature (in C).'],
  DCGM_FI_DEV_POWER_USAGE: ['gauge', 'Power draw (in W).'],
  DCGM_FI_DEV_GPU_UTIL: ['gauge', 'GPU utilization (in %).'],
  DCGM_FI_DEV_XID_ERRORS: ['gauge', 'Value of the last XID error encountered.'],
  DCGM_FI_DEV_FB_FREE: ['gauge', 'Framebuffer memory free (in MiB).'],
  DCGM_FI_DEV_FB_USED: ['gauge', 'Framebuffer memory used (in MiB).'],
  DCGM_FI_PROF_GR_ENGINE_ACTIVE: ['gauge', 'Ratio of time the graphics engine is active.'],
};
/** Exporter text: every field of every series, grouped by field with its HELP/TYPE lines, as dcgm-exporter writes it. */
function dcgmText(series: DcgmSeries[]): string {
  const lines: string[] = [];
  for (const [field, [type, help]] of Object.entries(DCGM_HELP)) {
    const rows = series.filter((s) => field in s.values);
    if (rows.length === 0) continue;
    lines.push(`# HELP ${field} ${help}`, `# TYPE ${field} ${type}`);
    for (const s of rows) lines.push(`${field}{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')}} ${s.values[field]}`);
  }
  return `${lines.join('\n')}\n`;
}

async function gpuOnDcgm(text: string): Promise<DiagnosticResult[]> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text));
  const host = await listen(server);
  try {
    return [await runCommandLine(`gpu gpu-node-3 --dcgm-url http://${host}/metrics`, { nodeName: 'gpu-node-3', runCommand: () => Promise.reject(new Error('nvidia-smi must not run with --dcgm-url')) })];
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const H100_DCGM = { gpu: '0', UUID: 'GPU-153bdcb7-df30-40e2-3f2c-379902ba72fa', pci_bus_id: '00000000:00:06.0', device: 'nvidia0', modelName: 'NVIDIA H100 80GB HBM3', Hostname: 'gpu-node-3' };
const DRIVER = { DCGM_FI_DRIVER_VERSION: '550.90.07' };
const pod = (namespace: string, name: string, container: string) => ({ container, namespace, pod: name });

/**
 * The H100 of gpu-node-3 split into 1g.10gb, 3g.40gb and 3g.40gb (mixed strategy); the llm-server
 * pod got the 1g.10gb slice (its request was edited to nvidia.com/mig-1g.10gb during a quota
 * change). Since its restart it holds 7.6 of 9.5 GiB; the 3g.40gb slices serve two other models.
 * The MIG labels (GPU_I_PROFILE, GPU_I_ID) are those of dcgm-exporter#544 and #736.
 */
function migSmallSliceDcgm(): string {
  const instance = (id: string, profile: string, used: number, free: number, active: number, owner?: Record<string, string>): DcgmSeries => ({
    labels: { ...H100_DCGM, GPU_I_PROFILE: profile, GPU_I_ID: id, ...DRIVER, ...owner },
    values: { DCGM_FI_DEV_FB_USED: used, DCGM_FI_DEV_FB_FREE: free, DCGM_FI_PROF_GR_ENGINE_ACTIVE: active },
  });
  return dcgmText([
    { labels: { ...H100_DCGM, ...DRIVER }, values: { DCGM_FI_DEV_SM_CLOCK: 1980, DCGM_FI_DEV_MEM_CLOCK: 2619, DCGM_FI_DEV_GPU_TEMP: 47, DCGM_FI_DEV_POWER_USAGE: 288.4, DCGM_FI_DEV_XID_ERRORS: 0 } },
    instance('13', '1g.10gb', 7788, 1938, 0.97, pod('ml', 'llm-server-6d8f7b9c4-k2x7p', 'server')),
    instance('1', '3g.40gb', 21544, 18904, 0.41, pod('search', 'rerank-7c9f6b5d8-2xw4q', 'triton')),
    instance('2', '3g.40gb', 30112, 10336, 0.55, pod('vision', 'ocr-6f8d7c9b5-m2k8z', 'server')),
  ]);
}

/** Two teams' slices of an H100 split into two 3g.40gb instances by design: each pod on its own slice, 22 and 25 GiB of 40 used. */
function migSharedByDesignDcgm(): string {
  return dcgmText([
    { labels: { ...H100_DCGM, ...DRIVER }, values: { DCGM_FI_DEV_SM_CLOCK: 1980, DCGM_FI_DEV_MEM_CLOCK: 2619, DCGM_FI_DEV_GPU_TEMP: 52, DCGM_FI_DEV_POWER_USAGE: 341.9, DCGM_FI_DEV_XID_ERRORS: 0 } },
    { labels: { ...H100_DCGM, GPU_I_PROFILE: '3g.40gb', GPU_I_ID: '1', ...DRIVER, ...pod('ml', 'ranker-5f7c9d8b4-q7w2e', 'server') }, values: { DCGM_FI_DEV_FB_USED: 22610, DCGM_FI_DEV_FB_FREE: 17838, DCGM_FI_PROF_GR_ENGINE_ACTIVE: 0.62 } },
    { labels: { ...H100_DCGM, GPU_I_PROFILE: '3g.40gb', GPU_I_ID: '2', ...DRIVER, ...pod('search', 'rerank-7c9f6b5d8-2xw4q', 'triton') }, values: { DCGM_FI_DEV_FB_USED: 25904, DCGM_FI_DEV_FB_FREE: 14544, DCGM_FI_PROF_GR_ENGINE_ACTIVE: 0.58 } },
  ]);
}

/**
 * A time-sliced T4 (GPU feature discovery's sharing, replicas 4) that the ranker's pod shares with
 * a backfill job from another namespace: the exporter attributes the GPU to both pods and the SMs
 * are at 100 %; together they hold 11.4 of 15 GiB. The label set follows dcgm-t4-pod.prom.
 */
function timeSlicedT4Dcgm(): string {
  const gpu = { gpu: '0', UUID: 'GPU-e1200d64-e918-4277-cad9-75da90b9f618', device: 'nvidia0', modelName: 'Tesla T4', Hostname: 'nvidia-dcgm-exporter-ml2wh' };
  const values = { DCGM_FI_DEV_SM_CLOCK: 1590, DCGM_FI_DEV_MEM_CLOCK: 5000, DCGM_FI_DEV_GPU_TEMP: 66, DCGM_FI_DEV_POWER_USAGE: 68.9, DCGM_FI_DEV_GPU_UTIL: 100, DCGM_FI_DEV_XID_ERRORS: 0, DCGM_FI_DEV_FB_FREE: 3622, DCGM_FI_DEV_FB_USED: 11738 };
  return dcgmText([
    { labels: { ...gpu, ...pod('ml', 'ranker-5f7c9d8b4-q7w2e', 'server') }, values },
    { labels: { ...gpu, ...pod('batch', 'embed-backfill-28913340-b7kqz', 'worker') }, values },
  ]);
}

// ── oom: the llm-server pod on its MIG slice ─────────────────────────────────────────────────────
const NOW = () => Date.parse('2026-11-22T14:20:00Z');
/**
 * The llm-server pod after its GPU request became nvidia.com/mig-1g.10gb: at each start the server
 * loads, takes its first batch and dies on a CUDA OOM whose "total capacity of 9.50 GiB" is the
 * slice's, not the H100's (exit 1, 4 restarts). The OOM line is PyTorch's own text (as in the
 * recorded test/fixtures/k8s/logs-previous-server.txt and test/fixtures/gpu/h100-recorded/torch-oom.txt);
 * the numbers are the slice's.
 */
function oomOnMigSlice(): KubeApiStandInOptions {
  const base = llmServerScenario();
  const standIn = base.pods[0]!;
  const p = structuredClone(standIn.pod) as Json;
  const server = (p.spec.containers as Json[]).find((c) => c.name === 'server')!;
  server.resources.limits = { ...server.resources.limits, 'nvidia.com/mig-1g.10gb': '1' };
  server.resources.requests = { ...server.resources.requests, 'nvidia.com/mig-1g.10gb': '1' };
  delete server.resources.limits['nvidia.com/gpu'];
  delete server.resources.requests['nvidia.com/gpu'];
  const s = (p.status.containerStatuses as Json[]).find((c) => c.name === 'server')!;
  s.restartCount = 4;
  s.lastState = { terminated: { ...s.lastState.terminated, exitCode: 1, reason: 'Error', startedAt: '2026-11-22T14:16:31Z', finishedAt: '2026-11-22T14:17:12Z' } };
  const metrics = structuredClone(standIn.metrics) as Json;
  (metrics.containers as Json[]).find((c) => c.name === 'server')!.usage.memory = '6291456Ki';
  const previous = [
    '2026-11-22 14:16:33,410 INFO server: loading model from /models/llm (max_batch_size=16)',
    '2026-11-22 14:16:58,102 INFO server: model loaded on cuda:0 in 24.7 s',
    '2026-11-22 14:16:58,131 INFO uvicorn: Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)',
    '2026-11-22 14:17:09,877 INFO server: batch of 16 requests, max sequence length 4096',
    '2026-11-22 14:17:11,950 ERROR server: batch failed',
    'Traceback (most recent call last):',
    '  File "/app/server/engine.py", line 212, in run_batch',
    '    logits = self.model(input_ids, attention_mask=mask).logits',
    'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of 9.50 GiB of which 1.31 GiB is free. Including non-PyTorch memory, this process has 8.18 GiB memory in use. Of the allocated memory 7.62 GiB is allocated by PyTorch, and 331.52 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://docs.pytorch.org/docs/stable/notes/cuda.html#optimizing-memory-usage-with-pytorch-cuda-alloc-conf)',
    '',
  ].join('\n');
  return { ...base, pods: [{ ...standIn, pod: p, metrics, previousLogs: { server: previous } }] };
}

// ── logs ─────────────────────────────────────────────────────────────────────────────────────────
const clock = (t: number) => new Date(Date.UTC(2026, 10, 22, 14, 0, 0) + t * 1000).toISOString().slice(11, 19);
const access = (t: number, i: number, status = '200 OK'): [number, string] => [t, `INFO:     10.0.3.${(i * 53) % 250}:${51000 + i} - "POST /v1/transcribe HTTP/1.1" ${status}`];

/**
 * A speech service on onnxruntime-gpu whose export uses ops the CUDA EP lacks for its dtype: ORT
 * places them on the CPU and inserts copies around them. The two warnings are ONNX Runtime's own
 * text (transformer_memcpy.cc "N Memcpy nodes are added to the graph main_graph for
 * CUDAExecutionProvider. It might have negative impact on performance (including unable to run
 * CUDA graph)…" and session_state.cc VerifyEachNodeIsAssignedToAnEp, as quoted in
 * billwuhao/ComfyUI_StepAudioTTS#28 and Geekgineer/YOLOs-CPP#45); the request lines are ours.
 */
function ortCpuFallbackLog(): string {
  const ort = (t: number, level: 'W' | 'I', where: string, text: string): [number, string] => [t, `2026-11-22 ${clock(t)}.${String(100000 + t * 7919).slice(0, 6)}123 [${level}:onnxruntime:, ${where}] ${text}`];
  const lines: Array<[number, string]> = [
    [0, `2026-11-22 ${clock(0)},101 INFO asr: loading /models/conformer-ctc-2.1.onnx with providers ['CUDAExecutionProvider', 'CPUExecutionProvider']`],
    ort(2, 'W', 'transformer_memcpy.cc:83 ApplyImpl', '38 Memcpy nodes are added to the graph main_graph for CUDAExecutionProvider. It might have negative impact on performance (including unable to run CUDA graph). Set session_options.log_severity_level=1 to see the detail logs before this message.'),
    ort(2, 'W', 'session_state.cc:1263 VerifyEachNodeIsAssignedToAnEp', 'Some nodes were not assigned to the preferred execution providers which may or may not have an negative impact on performance. e.g. ORT explicitly assigns shape related ops to CPU to improve perf.'),
    ort(2, 'W', 'session_state.cc:1265 VerifyEachNodeIsAssignedToAnEp', 'Rerunning with verbose output on a non-minimal build will show node assignments.'),
    [3, `2026-11-22 ${clock(3)},877 INFO asr: model ready`],
    [3, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  ];
  for (let i = 0; i < 90; i++) lines.push(access(5 + i * 3, i));
  return stamped(lines);
}

/**
 * vLLM with tensor parallelism 2 on gpu-node-3: after an hour of serving its all-reduces stop
 * completing and the NCCL watchdog fires. The watchdog lines are PyTorch's text
 * (ProcessGroupNCCL.cpp: "[Rank 0] Watchdog caught collective operation timeout:
 * WorkNCCL(SeqNum=…, OpType=ALLREDUCE, NumelIn=…, NumelOut=…, Timeout(ms)=600000) ran for …
 * milliseconds before timing out." and "Exception (either an error or timeout) detected by
 * watchdog at work: …", as in hiyouga/LlamaFactory#7396 and NVIDIA/Megatron-LM#1207).
 */
function ncclTimeoutLog(): string {
  const lines: Array<[number, string]> = [
    [0, 'INFO 11-22 13:00:02 api_server.py:528] vLLM API server version 0.6.3.post1'],
    [0, "INFO 11-22 13:00:02 llm_engine.py:237] Initializing an LLM engine (v0.6.3.post1) with config: model='meta-llama/Llama-3.1-70B-Instruct-AWQ', dtype=torch.float16, max_seq_len=8192, tensor_parallel_size=2, pipeline_parallel_size=1, quantization=awq"],
    [1, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  ];
  for (let i = 0; i < 40; i++) lines.push([2 + i * 5, `INFO:     10.0.7.${(i * 41) % 250}:${52000 + i} - "POST /v1/completions HTTP/1.1" 200 OK`]);
  const t = 3600 + 600;
  for (const rank of [0, 1]) {
    lines.push(
      [t, `[rank${rank}]:[E1122 14:10:02.${408271 + rank * 6031} ProcessGroupNCCL.cpp:607] [Rank ${rank}] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=913557, OpType=ALLREDUCE, NumelIn=16777216, NumelOut=16777216, Timeout(ms)=600000) ran for 600062 milliseconds before timing out.`],
      [t, `[rank${rank}]:[E1122 14:10:02.${465150 + rank * 74} ProcessGroupNCCL.cpp:1664] [PG 1 Rank ${rank}] Exception (either an error or timeout) detected by watchdog at work: 913557, last enqueued NCCL work: 913559, last completed NCCL work: 913556.`],
    );
  }
  lines.push([t + 1, 'ERROR 11-22 14:10:03 multiproc_worker_utils.py:116] Worker VllmWorkerProcess pid 211 died, exit code: -6'], [t + 1, 'INFO 11-22 14:10:03 multiproc_worker_utils.py:120] Killing local vLLM worker processes']);
  return stamped(lines);
}

/**
 * The node's kernel log for the same hour: NVLink Xid 74 on the link between the two GPUs of the
 * vLLM pod, ten minutes before the watchdog. The Xid 74 line is the driver's text as the NVSentinel
 * design doc and the SageMaker HyperPod resiliency docs quote it ("NVRM: Xid (PCI:0000:b9:00): 74,
 * pid=<unknown>, name=<unknown>, NVLink: fatal error detected on link 6(0x10000, 0x0, 0x0, 0x0,
 * 0x0, 0x0, 0x0)"); the "link 2 disabled due to error" line follows a public dmesg walk-through.
 */
function kernelXid74Log(): string {
  const k = (t: number, text: string): [number, string] => [t, `Nov 22 ${clock(t)} gpu-node-3 kernel: ${text}`];
  return stamped([
    k(0, 'mlx5_core 0000:ab:00.0 mlx5_5: Port: 1 Link ACTIVE'),
    k(900, 'workqueue: ib_cache_event_task [ib_core] hogged CPU for >10000us 4 times, consider switching to WQ_UNBOUND'),
    k(3000, "NVRM: Xid (PCI:0000:b9:00): 74, pid=<unknown>, name=<unknown>, NVLink: fatal error detected on link 6(0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)"),
    k(3000, 'NVRM: GPU 0000:b9:00.0: NVLink link 6 disabled due to error'),
    k(3001, "NVRM: Xid (PCI:0000:bb:00): 74, pid=<unknown>, name=<unknown>, NVLink: fatal error detected on link 6(0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)"),
    k(3001, 'NVRM: GPU 0000:bb:00.0: NVLink link 6 disabled due to error'),
    k(3700, 'mlx5_core 0000:ab:00.0 mlx5_5: Port: 1 Link ACTIVE'),
  ]);
}

/**
 * A healthy PyTorch 2.x service compiled with torch.compile: at start Inductor prints its TF32 hint
 * ("UserWarning: TensorFloat32 tensor cores for float32 matrix multiplication available but not
 * enabled. Consider setting `torch.set_float32_matmul_precision('high')` for better performance."
 * — vllm-project/vllm#29897, drubinstein/pokemonred_puffer#10) and "skipping cudagraphs due to
 * ['incompatible ops']" (the same issue), the first requests are slow while it compiles, then 200s.
 */
function torchPerfHintsLog(): string {
  const lines: Array<[number, string]> = [
    [0, `2026-11-22 ${clock(0)},210 INFO asr: loading /models/whisper-small-ft (torch 2.5.1, device cuda:0)`],
    [6, '/usr/local/lib/python3.11/site-packages/torch/_inductor/compile_fx.py:167: UserWarning: TensorFloat32 tensor cores for float32 matrix multiplication available but not enabled. Consider setting `torch.set_float32_matmul_precision(\'high\')` for better performance.'],
    [6, '  warnings.warn('],
    [9, 'skipping cudagraphs due to [\'incompatible ops\']'],
    [12, `2026-11-22 ${clock(12)},804 INFO asr: compiled encoder in 5.9 s, warm-up done`],
    [12, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  ];
  for (let i = 0; i < 100; i++) lines.push(access(14 + i * 3, i));
  return stamped(lines);
}

// ── drift: the request log of a document-summarisation API ───────────────────────────────────────
interface SummaryRequest {
  input_tokens: number;
  max_new_tokens: number;
  language: string;
  client: string;
  doc_type: string;
  temperature: number;
  hour_utc: number;
}
const CLIENTS = ['helpdesk', 'crm-notes', 'news-digest', 'mobile-app'] as const;
function summaryRequest(r: Random, legalShare: number): SummaryRequest {
  const legal = r() < legalShare;
  const client = legal ? 'legal-archive' : pick(r, CLIENTS, [0.35, 0.25, 0.25, 0.15]);
  const tokens = legal ? Math.exp(normal(r, Math.log(6200), 0.35)) : Math.exp(normal(r, Math.log(client === 'news-digest' ? 900 : 380), 0.5));
  return {
    input_tokens: Math.round(clamp(tokens, 16, 16000)),
    max_new_tokens: pick(r, [128, 256, 512], legal ? [0.1, 0.3, 0.6] : [0.5, 0.35, 0.15]),
    language: pick(r, ['en', 'de', 'fr', 'es'], [0.62, 0.16, 0.12, 0.1]),
    client,
    doc_type: legal ? 'contract' : pick(r, ['ticket', 'email', 'article', 'note'], [0.35, 0.25, 0.25, 0.15]),
    temperature: round(clamp(normal(r, 0.3, 0.08), 0, 1), 2),
    hour_utc: ((Math.round(normal(r, 13, 4)) % 24) + 24) % 24,
  };
}
function summaryRequests(n: number, seed: number, legalShare = 0): SummaryRequest[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => summaryRequest(r, legalShare));
}
const driftOn = (reference: SummaryRequest[], current: SummaryRequest[]) => driftOnRows('heldout10', reference, current);

// ── changes ──────────────────────────────────────────────────────────────────────────────────────
/**
 * Revision 12 of ml/ranker (15 min ago) keeps revision 11's image, env and ConfigMap and only adds
 * `limits.cpu: 500m` (a namespace-wide "every container has a CPU limit" policy, change-cause
 * says so) to a server that requests 2 CPUs. Every pod ready, no restart.
 */
function cpuLimitAddedRollout(): KubeApiStandInOptions {
  const options = rankerScenario('new-image');
  const replicaSets = options.replicaSets as Json[];
  const rev = (n: string) => replicaSets.find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === n)!;
  const rev11 = rev('11').spec.template.spec.containers[0] as Json;
  const rev12 = rev('12');
  const containers = [rev12.spec.template.spec.containers[0], (options.deployments![0] as Json).spec.template.spec.containers[0], ...options.pods.map(({ pod }) => (pod as Json).spec.containers[0])] as Json[];
  for (const c of containers) {
    c.image = rev11.image;
    c.env = structuredClone(rev11.env);
    c.envFrom = structuredClone(rev11.envFrom);
    c.resources = { ...structuredClone(rev11.resources), limits: { ...rev11.resources.limits, cpu: '500m' } };
  }
  rev12.metadata.annotations['kubernetes.io/change-cause'] = 'ranker: add CPU limit (namespace policy require-cpu-limits, PLAT-2291)';
  for (const { pod } of options.pods) {
    const s = (pod as Json).status.containerStatuses[0] as Json;
    Object.assign(s, { restartCount: 0, lastState: {}, image: rev11.image });
  }
  return options;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
export const scenarios: Scenario[] = [
  // ── gpu ──
  {
    name: 'h10-gpu-a100-pcie-gen1-under-load',
    injected: 'the serving A100 at 94 % utilisation with its PCIe link trained at gen 1 of gen 4 (x16 of 16) after a firmware update — not the idle down-training, it stays at gen 1 under load (gpu); expected: gpu-pcie-degraded',
    expect: 'gpu-pcie-degraded',
    run: async () => [await gpuOnSmi(await a100PcieGen1Smi())],
  },
  {
    name: 'h10-gpu-h100-power-limit-set-150w',
    injected: 'someone ran `nvidia-smi -pl 150` on the H100 (a 700 W part): under full load it draws 149.7 of 150 W, SW power cap active, SM clock 1095 of 1980 MHz at 99 %, 41 °C (gpu); expected: gpu-throttled',
    expect: 'gpu-throttled',
    run: async () => [await gpuOnSmi(h100PowerLimit150Smi())],
  },
  {
    name: 'h10-gpu-dcgm-time-sliced-other-team-100pct',
    injected: 'DCGM exporter: the ranker pod shares a time-sliced T4 with another namespace\'s backfill job (both pods on GPU 0), SMs at 100 %, 11.5 of 15 GiB used (gpu --dcgm-url); expected: gpu-foreign-process',
    expect: 'gpu-foreign-process',
    run: () => gpuOnDcgm(timeSlicedT4Dcgm()),
  },
  {
    name: 'h10-gpu-t4-retired-pages-pending',
    injected: 'a T4 whose memory counted 5 uncorrectable ECC errors over its life (0 since this boot): page retirement pending, waiting for a driver reload (gpu); expected: gpu-hardware-failure',
    expect: 'gpu-hardware-failure',
    run: async () => [await gpuOnSmi(await t4RetiredPagesPendingSmi())],
  },
  // ── pooled faults ──
  {
    name: 'h10-pooled-oom-restarts-on-mig-1g10gb',
    injected: '"pods restarting, OOM": after a quota change the llm-server pod requests nvidia.com/mig-1g.10gb; each start dies on a CUDA OOM whose total capacity is 9.50 GiB (exit 1, 4 restarts: oom), and the exporter shows its 1g.10gb instance next to two 3g.40gb slices of other teams, 7.6 of 9.5 GiB used since the restart (gpu --dcgm-url); expected: mig-slice-too-small',
    expect: 'mig-slice-too-small',
    reported: ['pods', 'restarting', 'OOM'],
    run: () => together(oomOn(oomOnMigSlice(), 'llm-server-6d8f7b9c4-k2x7p', { now: NOW }), gpuOnDcgm(migSmallSliceDcgm())),
  },
  {
    name: 'h10-pooled-slow-orphan-benchmark-on-gpu',
    injected: '"slow since this morning": every request 35 ms slower in inference than the healthy baseline (health), because a benchmark left running on the node (host PID 5873, 30 GiB) keeps the H100 at 100 % next to the server (gpu); expected: gpu-foreign-process',
    expect: 'gpu-foreign-process',
    reported: ['slow', 'since', 'this', 'morning'],
    run: () => together(onServer({ baselineFirst: true, inject: { stages: { inference: { delayMs: 35 } } }, traffic: { concurrency: 3 }, seed: 1002 }), gpuOnSmi(orphanBenchmarkSmi())),
  },
  {
    name: 'h10-pooled-nccl-timeouts-nvlink-xid74',
    injected: '"completions hang": vLLM with tensor parallelism 2 logs NCCL watchdog timeouts on ALLREDUCE and its worker dies (logs of the pod), and the node\'s kernel log shows NVLink Xid 74 "fatal error detected on link 6" on both GPUs ten minutes earlier (logs of the node); expected: gpu-hardware-failure',
    expect: 'gpu-hardware-failure',
    reported: ['completions', 'hang'],
    run: () => together(runOnLog('vllm-nccl', ncclTimeoutLog()), runOnLog('kernel-xid74', kernelXid74Log())),
  },
  {
    name: 'h10-pooled-slow-ort-nodes-on-cpu',
    injected: '"slow": the speech service\'s ONNX Runtime places part of the graph on the CPU ("38 Memcpy nodes are added to the graph main_graph for CUDAExecutionProvider", "Some nodes were not assigned to the preferred execution providers": logs), every request 70 ms in inference against a 50 ms p99 objective (health), the H100 at 8 % with 3.1 GiB (gpu); expected: device-placement-bug',
    expect: 'device-placement-bug',
    reported: ['slow'],
    run: () =>
      together(
        runOnLog('ort-cpu-fallback', ortCpuFallbackLog()),
        onServer({ faults: { stages: { inference: { delayMs: 70 } } }, traffic: { concurrency: 3 }, flags: '--slo-p99 50', seed: 1003 }),
        gpuOnSmi(nearlyIdleH100Smi()),
      ),
  },
  {
    name: 'h10-pooled-p99-long-documents-new-client',
    injected: '"p99 up": a new client (legal-archive) sends a quarter of the requests, contracts of ~6000 tokens where the others send ~400 — the request log shows input_tokens, client and doc_type moved (drift); a quarter of the requests take 90 ms more in inference, the rest as before (health); expected: intermittent-slow-path',
    expect: 'intermittent-slow-path',
    reported: ['p99', 'up'],
    run: () =>
      together(
        driftOn(summaryRequests(3000, 1004), summaryRequests(3000, 1005, 0.25)),
        onServer({ faults: { stages: { inference: { spikeProbability: 0.25, spikeMs: 90 } } }, traffic: { concurrency: 4 }, seed: 1006 }),
      ),
  },
  {
    name: 'h10-pooled-p99-since-cpu-limit-added',
    injected: '"p99 up since the deploy": revision 12 (15 min ago) changed nothing but adding limits.cpu 500m to a server requesting 2 CPUs (changes); CFS throttling now stalls requests: 4 ms of CPU each and 12 % of them wait up to the end of the 100 ms period (60 ms more), against the healthy baseline (health); expected: config-change',
    expect: 'config-change',
    reported: ['p99', 'up', 'since', 'the', 'deploy'],
    run: () =>
      together(
        onServer({ baselineFirst: true, inject: { stages: { inference: { cpuMs: 4, spikeProbability: 0.12, spikeMs: 60 } } }, traffic: { concurrency: 3 }, seed: 1007 }),
        changesOn(cpuLimitAddedRollout()),
      ),
  },
  // ── endpoint profiles ──
  {
    name: 'h10-profile-lock-around-session',
    injected: 'a process-wide lock around the ONNX session\'s run (held 9 ms per call, an await, not CPU), timed inside the inference stage: requests serialise, the inference stage grows with concurrency 1 → 4 → 8 and throughput stays flat (profile endpoint); expected: serving-saturated',
    expect: 'serving-saturated',
    run: () => profileOwn(lockedSessionServer),
  },
  {
    name: 'h10-profile-model-loaded-per-request',
    injected: 'the handler creates a new ONNX Runtime session for the 1.8 MB Silero model on every request (~50 ms of parsing and graph optimisation on the CPU before each run) (profile endpoint); expected: slow-model-inference (no such cause: the model reloaded per request; nearest, inference owning the time)',
    expect: 'slow-model-inference',
    run: () => profileOwn(reloadPerRequestServer, '--concurrency 1,2,4 --iterations 60 --duration 1.5s'),
  },
  {
    name: 'h10-profile-pool-of-two-hidden-wait',
    injected: 'a worker pool of 2 in front of a 14 ms handler (12 ms of device await); the server times its stages inside the worker, so at concurrency 8 the wait for a worker is in no Server-Timing entry (profile endpoint); expected: serving-saturated',
    expect: 'serving-saturated',
    run: () => profileOwn(withModel(smallPoolServer)),
  },
  {
    name: 'h10-profile-sync-log-write-postprocess',
    injected: 'postprocessing writes an audit record with a synchronous call that blocks the thread 4 ms without using CPU (a slow log pipe): every request queues behind it as load grows (profile endpoint); expected: cpu-bound-pre-post',
    expect: 'cpu-bound-pre-post',
    run: () => profileOwn(withModel(syncLogServer)),
  },
  {
    name: 'h10-profile-batcher-window-45ms',
    injected: 'a micro-batcher that waits up to 45 ms for 8 requests: at concurrency 1 and 4 nearly every request waits the whole window in the queue stage, at 8 the batches fill and the wait drops (profile endpoint); expected: queue-wait',
    expect: 'queue-wait',
    run: () => profileOwn(withModel(batcherServer)),
  },
  {
    name: 'h10-profile-tls-handshake-every-request',
    injected: 'the egress proxy opens a new TLS connection to the model gateway for every request (no keep-alive, no session reuse, RSA-3072 certificate): each request pays a full handshake outside the model server\'s stages (profile endpoint); expected: network-or-proxy-delay',
    expect: 'network-or-proxy-delay',
    run: () =>
      withTemp('heldout10-tls', async (dir) => {
        const file = join(dir, 'body.json');
        await writeFile(file, BODY);
        const chain = await tlsEveryRequestChain(dir);
        try {
          return [await runCommandLine(`profile ${chain.url}/predict --body @${file} ${SWEEP}`)];
        } finally {
          await chain.close();
        }
      }),
  },
  // ── model profiles ──
  {
    name: 'h10-model-hard-swish-unfused',
    injected: 'an opset-11 export whose hard-swish is Add, Clip, Div and Mul over the [batch, 256, 1024] activation, before a [1024, 4] MatMul (profile model); expected: elementwise-dominant',
    expect: 'elementwise-dominant',
    run: () => profileModel(hardSwishModel(), '--iterations 100 --duration 2s --batch-sizes 1,4'),
  },
  {
    name: 'h10-model-embedding-gather-4096-tokens',
    injected: 'a token tagger over a big vocabulary: Gather of 4096 rows from a 50 000 × 128 embedding table (25.6 MB), then a [128, 4] MatMul per token (profile model, --dim tokens=4096); expected: data-movement-dominant',
    expect: 'data-movement-dominant',
    run: () => profileModel(embeddingTaggerModel(), '--dim tokens=4096 --iterations 100 --duration 2s --batch-sizes 1,4'),
  },
  {
    name: 'h10-model-dynamic-shape-arithmetic',
    injected: 'an export with dynamic batch and sequence axes: 16 blocks of Shape → tiny MatMul → Cast to float16 and back → Reshape to the runtime shape, which constant folding cannot remove, on a 4-token input (profile model); expected: control-flow-overhead',
    expect: 'control-flow-overhead',
    run: () => profileModel(dynamicShapeModel(), '--dim sequence=4 --iterations 200 --duration 2s --batch-sizes 1,8'),
  },
  // ── controls ──
  {
    name: 'h10-health-healthy-heavy-model-in-slo',
    injected: 'none: a heavy model, 120 ms in inference per request, inside its 300 ms p99 objective and the same as its last healthy run (health --slo-p99 300, baseline)',
    expect: null,
    run: () => onServer({ baselineFirst: true, faults: { stages: { inference: { delayMs: 120 } } }, traffic: { concurrency: 4 }, flags: '--slo-p99 300', seed: 1008 }),
  },
  {
    name: 'h10-gpu-healthy-mig-shared-by-design',
    injected: 'none: an H100 split into two 3g.40gb MIG instances, one for the ranker and one for another team\'s reranker, each pod on its own slice with 22 and 25 GiB of 40 used (gpu --dcgm-url)',
    expect: null,
    run: () => gpuOnDcgm(migSharedByDesignDcgm()),
  },
  {
    name: 'h10-logs-healthy-torch-perf-hints',
    injected: 'none: a torch.compile\'d service whose start prints Inductor\'s TF32 hint and "skipping cudagraphs due to [\'incompatible ops\']", then serves 100 requests with 200 (logs)',
    expect: null,
    run: () => runOnLog('torch-hints', torchPerfHintsLog()),
  },
  {
    name: 'h10-pooled-healthy-slow-reported-busy-gpu',
    injected: 'none: "slow" reported, but requests take 35 ms in inference inside a 100 ms p99 objective (health), the H100 is busy at 78 % with full clocks, 455 of 700 W and a gen 5 x16 link (gpu), no rollout for 6 days (changes)',
    expect: null,
    reported: ['slow'],
    run: () =>
      together(
        onServer({ faults: { stages: { inference: { delayMs: 35 } } }, traffic: { concurrency: 3 }, flags: '--slo-p99 100', seed: 1009 }),
        gpuOnSmi(busyHealthyH100Smi()),
        changesOn(rankerScenario('quiet')),
      ),
  },
];

// First complete run (2026-12-01, 14:51 UTC, `node eval/run.ts heldout10`, 3 min 36 s on the shared
// 2-CPU machine), before anything was changed:
//
// | scenario                                       | expect                  | got                          | 2nd                     |
// | ---------------------------------------------- | ----------------------- | ---------------------------- | ----------------------- |
// | h10-gpu-a100-pcie-gen1-under-load              | gpu-pcie-degraded       | gpu-foreign-process (high)   | gpu-pcie-degraded       |
// | h10-gpu-h100-power-limit-set-150w              | gpu-throttled           | gpu-throttled (medium)       | -                       |
// | h10-gpu-dcgm-time-sliced-other-team-100pct     | gpu-foreign-process     | gpu-foreign-process (medium) | -                       |
// | h10-gpu-t4-retired-pages-pending               | gpu-hardware-failure    | gpu-hardware-failure (high)  | gpu-foreign-process     |
// | h10-pooled-oom-restarts-on-mig-1g10gb          | mig-slice-too-small     | gpu-batch-too-large (high)   | gpu-foreign-process     |
// | h10-pooled-slow-orphan-benchmark-on-gpu        | gpu-foreign-process     | latency-regression (high)    | gpu-foreign-process     |
// | h10-pooled-nccl-timeouts-nvlink-xid74          | gpu-hardware-failure    | gpu-hardware-failure (high)  | nccl-failure            |
// | h10-pooled-slow-ort-nodes-on-cpu               | device-placement-bug    | gpu-idle-service-slow (high) | latency-regression      |
// | h10-pooled-p99-long-documents-new-client       | intermittent-slow-path  | intermittent-slow-path (high)| unseen-category         |
// | h10-pooled-p99-since-cpu-limit-added           | config-change           | intermittent-slow-path (high)| saturation              |
// | h10-profile-lock-around-session                | serving-saturated       | serving-saturated (high)     | -                       |
// | h10-profile-model-loaded-per-request           | slow-model-inference    | slow-model-inference (high)  | serving-saturated       |
// | h10-profile-pool-of-two-hidden-wait            | serving-saturated       | (none)                       | -                       |
// | h10-profile-sync-log-write-postprocess         | cpu-bound-pre-post      | (none)                       | -                       |
// | h10-profile-batcher-window-45ms                | queue-wait              | queue-wait (high)            | -                       |
// | h10-profile-tls-handshake-every-request        | network-or-proxy-delay  | (none)                       | -                       |
// | h10-model-hard-swish-unfused                   | elementwise-dominant    | elementwise-dominant (medium)| threads-misconfigured   |
// | h10-model-embedding-gather-4096-tokens         | data-movement-dominant  | compute-bound-matmul (medium)| data-movement-dominant  |
// | h10-model-dynamic-shape-arithmetic             | control-flow-overhead   | control-flow-overhead (high) | data-movement-dominant  |
// | h10-health-healthy-heavy-model-in-slo          | (healthy)               | quiet                        | -                       |
// | h10-gpu-healthy-mig-shared-by-design           | (healthy)               | gpu-foreign-process (medium), warning | -              |
// | h10-logs-healthy-torch-perf-hints              | (healthy)               | quiet                        | -                       |
// | h10-pooled-healthy-slow-reported-busy-gpu      | (healthy)               | quiet                        | -                       |
//
// Faults: top-1 10/19 (52.6 %), top-2 13/19 (68.4 %); healthy controls quiet 3/4; no errors.
// What the reports showed for the misses (read from reruns of the scenarios with the Markdown
// renderer; the live-server ones vary a little between runs on this machine):
// - a100-pcie-gen1-under-load: "PCIe link gen 1 of 4, x16 of x16: degraded" was seen and ranked
//   2nd at the same score (4); first came the tritonserver process, which this scenario gave a PID
//   (23824) that gpuOnSmi maps to a host process — a flaw of the injection, not of the GPU state —
//   flagged as "not the main owner of its GPU" although it is the only process on the GPU.
// - oom-restarts-on-mig-1g10gb: the OOM's numbers were read (2.50 GiB asked, 1.31 GiB free) but not
//   its "total capacity of 9.50 GiB", and the exporter's MIG instances only as "MIG enabled" and
//   "shared with" the pods of the other slices; mig-slice-too-small was not listed. The recorded
//   llm-server node this scenario starts from still carries MemoryPressure and two OOMKilling
//   events, which added node-memory-pressure (medium).
// - slow-orphan-benchmark-on-gpu: both causes were seen (p50 0.85 → 38.9 ms against the baseline;
//   PID 5873, a host process, 30 GiB); they tied or latency-regression led (a rerun tied at 5/5).
//   The server's own PID 406 was also called "not the main owner" (no Kubernetes access to map it).
// - slow-ort-nodes-on-cpu: the logs diagnostic classified none of ONNX Runtime's Memcpy / "not
//   assigned to the preferred execution providers" warnings; gpu-idle-service-slow (GPU 8 % while
//   p99 misses its objective) came first — its title names "the model runs on the CPU", so the
//   report pointed at the injected fault under another id than the one chosen here.
// - p99-since-cpu-limit-added: first run intermittent-slow-path, then saturation; in a rerun
//   config-change ("revision 12 changed server limits.cpu: (none) → 500m") tied latency-regression
//   at 5. No CPU-throttling metric is exported by the sample server, so cpu-throttling had no
//   evidence; the ranking of the health-side causes moves with the machine's load.
// - pool-of-two-hidden-wait, sync-log-write-postprocess, tls-handshake-every-request: no cause at
//   all (severity info), though each sweep shows a saturating server — p50 14 → 30 → 58 ms at 66 →
//   124 → 135 req/s; 5.5 → 21 → 40 ms at 163 → 186 → 196 req/s; 3.8 → 17 → 32 ms at 234 → 216 →
//   189 req/s — with the added time in "network+other", outside every Server-Timing stage (the
//   pool's wait, the event loop blocked by the synchronous write, the handshakes). When the wait
//   showed inside a stage (the lock, the batcher) the right cause came first.
// - embedding-gather-4096-tokens: the measurement is right and the scenario's premise was not —
//   the per-token [128, 4] MatMul took 68 % of kernel time against Gather's 31 %. The second
//   hypothesis reads "An element-wise operator (MatMul) dominates", naming a matrix op as element-wise.
// - healthy-mig-shared-by-design: pods on other MIG instances of the same GPU were reported as
//   sharing it ("GPU 0 is shared with search/rerank-…"), giving gpu-foreign-process (medium),
//   although MIG isolates the slices' memory and SMs.
