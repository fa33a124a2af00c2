// A second held-out round for the live-server areas (health, the endpoint profile, the model
// profile, and pooled investigations), written after the first (heldout-service.ts) to test the
// catalogue on faults none of the other scenarios inject. Each scenario's expected top cause was
// decided before the first run and is written in `injected`; where the catalogue had no cause
// for it, the id a new cause would carry is named and said to be missing.
//
// Targets: the sample model server (examples/model-server) with its knobs (per-model errors, a
// cap under a load that grows during the run, an idle server), a pass-through proxy in front of
// it (with and without an added hop delay), a server whose answers start fast and finish late,
// synthetic scrape targets in the exposition formats real exporters write (Go's client_golang
// go_gc_duration_seconds summary, per-model latency histograms, a process that restarts on every
// scrape), ONNX models built by test/support/onnx-builder.ts (a Transpose/Cast round trip, a
// chain of tiny operators, a small dense model), recorded nvidia-smi text and a composed log.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, type FaultsPatch, type ModelServer, type ModelServerOptions } from '../../examples/model-server/server.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { buildModel, denseModel, ELEM } from '../../test/support/onnx-builder.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { editGpu, gpuOnSmi, recorded } from './gpu.ts';
import { runOnLog, stamped, traffic as accessLines } from './logs.ts';

const AUDIO = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin(i / 11)) });
const together = async (...pieces: Array<Promise<unknown>>) => (await Promise.all(pieces)).flat() as DiagnosticResult[];

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'eval-heldout2-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The sample model server under traffic whose path and number of clients may change.

interface Load {
  /** Clients at the start. */
  concurrency: number;
  /** Path of a client's i-th request. Default /predict. */
  path?: (i: number) => string;
  /** Add one client every `growEveryMs` up to `maxConcurrency`. */
  growEveryMs?: number;
  maxConcurrency?: number;
}

function sendTraffic(url: string, load: Load): () => Promise<void> {
  let stopped = false;
  const clients: Array<Promise<void>> = [];
  const client = async () => {
    for (let i = 0; !stopped; i++) {
      try {
        await (await fetch(`${url}${load.path?.(i) ?? '/predict'}`, { method: 'POST', body: AUDIO, headers: { 'content-type': 'application/json' } })).arrayBuffer();
      } catch {
        // closing
      }
    }
  };
  for (let c = 0; c < load.concurrency; c++) clients.push(client());
  const grow = load.growEveryMs
    ? setInterval(() => {
        if (clients.length < (load.maxConcurrency ?? load.concurrency)) clients.push(client());
      }, load.growEveryMs)
    : undefined;
  return async () => {
    stopped = true;
    clearInterval(grow);
    await Promise.all(clients);
  };
}

async function warm(url: string, n: number, path: (i: number) => string = () => '/predict'): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (sent < n) await (await fetch(`${url}${path(sent++)}`, { method: 'POST', body: AUDIO, headers: { 'content-type': 'application/json' } })).arrayBuffer();
    }),
  );
}

interface Live {
  options?: Omit<ModelServerOptions, 'random'>;
  inject?: FaultsPatch;
  /** Traffic during the run; none when absent. */
  load?: Load;
  warmPath?: (i: number) => string;
  flags?: string;
}

async function healthOnServer(live: Live): Promise<DiagnosticResult[]> {
  const server: ModelServer = await startModelServer({ ...live.options, random: seededRandom(23) });
  try {
    await warm(server.url, 2500, live.warmPath);
    if (live.inject) server.setFaults(live.inject);
    const stop = live.load ? sendTraffic(server.url, live.load) : async () => {};
    try {
      return [await runCommandLine(`health ${server.url} --interval 1.5s ${live.flags ?? ''}`.trim())];
    } finally {
      await stop();
    }
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Synthetic scrape targets.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Every request under 25 ms, most under 10 ms. */
const TIGHT = [0.7, 0.97, 1, 1, 1, 1, 1, 1, 1, 1, 1];
/** 96 % of requests within 10 ms, 4 % in 100–250 ms with nothing between. */
const STALLS = [0.6, 0.96, 0.96, 0.96, 0.96, 1, 1, 1, 1, 1, 1];
/** Every request between 250 and 500 ms (a large model). */
const SLOW = [0, 0, 0, 0, 0, 0.1, 1, 1, 1, 1, 1];

interface Series {
  /** Extra labels, e.g. `model="ranker"`. */
  labels: string;
  /** Share of all requests this series gets. */
  share: number;
  cumulative: number[];
  meanSeconds: number;
  statuses: Record<string, number>;
}

interface Synthetic {
  rps: number;
  series: Series[];
  uptimeSeconds: number;
  extra?: (t: number) => string[];
  /** Every /metrics scrape is answered by a process that has just started (crash loop faster than the scrapes). */
  restartEveryScrape?: boolean;
}

function exposition(s: Synthetic, t: number, startedAtSeconds: number): string {
  const total = s.restartEveryScrape ? Math.round(s.rps * 0.4) : Math.round(s.rps * t) + 5000;
  const lines = ['# HELP http_request_duration_seconds Duration of HTTP requests in seconds', '# TYPE http_request_duration_seconds histogram'];
  for (const x of s.series) {
    const n = Math.round(total * x.share);
    const l = x.labels ? `${x.labels},` : '';
    lines.push(
      ...BUCKETS.map((le, i) => `http_request_duration_seconds_bucket{${l}le="${le}"} ${Math.round(n * (x.cumulative[i] ?? 1))}`),
      `http_request_duration_seconds_bucket{${l}le="+Inf"} ${n}`,
      `http_request_duration_seconds_sum{${x.labels}} ${(n * x.meanSeconds).toFixed(6)}`,
      `http_request_duration_seconds_count{${x.labels}} ${n}`,
    );
  }
  lines.push('# HELP http_requests_total Total number of HTTP requests', '# TYPE http_requests_total counter');
  for (const x of s.series) {
    const n = Math.round(total * x.share);
    const l = x.labels ? `${x.labels},` : '';
    for (const [code, share] of Object.entries(x.statuses)) lines.push(`http_requests_total{${l}code="${code}",method="POST"} ${Math.round(n * share)}`);
  }
  lines.push(
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${startedAtSeconds.toFixed(2)}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    'process_resident_memory_bytes 318767104',
    ...(s.extra?.(t) ?? []),
  );
  return lines.join('\n') + '\n';
}

/** client_golang's go_gc_duration_seconds summary: `share` of wall time in stop-the-world pauses of ~`pause` s. */
function goGc(share: number, pause: number): (t: number) => string[] {
  return (t) => {
    const sum = share * (t + 7200);
    const count = Math.round(sum / pause);
    return [
      '# HELP go_gc_duration_seconds A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.',
      '# TYPE go_gc_duration_seconds summary',
      `go_gc_duration_seconds{quantile="0"} ${(pause * 0.2).toExponential(4)}`,
      `go_gc_duration_seconds{quantile="0.25"} ${(pause * 0.6).toExponential(4)}`,
      `go_gc_duration_seconds{quantile="0.5"} ${pause.toExponential(4)}`,
      `go_gc_duration_seconds{quantile="0.75"} ${(pause * 1.4).toExponential(4)}`,
      `go_gc_duration_seconds{quantile="1"} ${(pause * 4).toExponential(4)}`,
      `go_gc_duration_seconds_sum ${sum.toFixed(6)}`,
      `go_gc_duration_seconds_count ${count}`,
      '# HELP go_goroutines Number of goroutines that currently exist.',
      '# TYPE go_goroutines gauge',
      'go_goroutines 61',
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${(0.4 * (t + 7200)).toFixed(2)}`,
    ];
  };
}

async function onSynthetic(s: Synthetic, flags = ''): Promise<DiagnosticResult[]> {
  const t0 = Date.now();
  const target = await listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    else if (path === '/metrics') {
      const now = Date.now();
      const started = s.restartEveryScrape ? now / 1000 - 0.4 : t0 / 1000 - s.uptimeSeconds;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(exposition(s, (now - t0) / 1000, started));
    } else res.writeHead(404).end('not found');
  });
  try {
    return [await runCommandLine(`health ${target.url} --interval 1.5s ${flags}`.trim())];
  } finally {
    await target.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The endpoint profile: the sample server, direct, behind a proxy, or a server of our own.

const SWEEP = '--concurrency 1,4,8 --iterations 150 --duration 1.5s';

async function profileOn(url: string, body: string, flags: string): Promise<DiagnosticResult[]> {
  return withTemp(async (dir) => {
    const file = join(dir, 'body.json');
    await writeFile(file, body);
    return [await runCommandLine(`profile ${url} --body @${file} ${flags}`)];
  });
}

/** A pass-through proxy in front of `upstream` that holds every request `hopMs` before forwarding it (a slow hop: TLS terminator, sidecar, gateway). */
async function proxy(upstream: string, hopMs: number) {
  return listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (hopMs > 0) await new Promise((r) => setTimeout(r, hopMs));
      try {
        const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined, headers: { 'content-type': 'application/json' } });
        const headers: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
        const timing = answer.headers.get('server-timing');
        if (timing) headers['server-timing'] = timing;
        res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
      } catch {
        res.writeHead(502).end('bad gateway');
      }
    });
  });
}

async function profileBehindProxy(hopMs: number): Promise<DiagnosticResult[]> {
  const server = await startModelServer({ random: seededRandom(23) });
  const front = await proxy(server.url, hopMs);
  try {
    return await profileOn(`${front.url}/predict`, AUDIO, SWEEP);
  } finally {
    await front.close();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Models.

/** x [batch, 384, 384] → Transpose → Cast float16 → Cast float → Transpose → MatMul [384, 1]: a layout and dtype round trip around a tiny compute. */
function layoutRoundTripModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 384, 384] }],
    outputs: [{ name: 'y', elemType: ELEM.float, dims: ['batch', 384, 1] }],
    initializers: [{ name: 'w', dims: [384, 1], values: Float32Array.from({ length: 384 }, (_, i) => ((i * 37) % 101) / 101 - 0.5) }],
    nodes: [
      { opType: 'Transpose', inputs: ['x'], outputs: ['t1'] },
      { opType: 'Cast', inputs: ['t1'], outputs: ['h'], ints: { to: ELEM.float16 } },
      { opType: 'Cast', inputs: ['h'], outputs: ['f'], ints: { to: ELEM.float } },
      { opType: 'Transpose', inputs: ['f'], outputs: ['t2'] },
      { opType: 'MatMul', inputs: ['t2', 'w'], outputs: ['y'] },
    ],
  });
}

/** x [batch, 4] through 300 Adds of a constant: almost no arithmetic, 300 kernel launches. */
function tinyOpsChainModel(n = 300): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 4] }],
    outputs: [{ name: `a${n}`, elemType: ELEM.float, dims: ['batch', 4] }],
    initializers: [{ name: 'c', dims: [4], values: Float32Array.of(0.001, -0.002, 0.003, -0.004) }],
    nodes: Array.from({ length: n }, (_, i) => ({ opType: 'Add', inputs: [i === 0 ? 'x' : `a${i}`, 'c'], outputs: [`a${i + 1}`] })),
  });
}

function profileModel(bytes: Uint8Array, flags: string): Promise<DiagnosticResult[]> {
  return withTemp(async (dir) => {
    const file = join(dir, 'model.onnx');
    await writeFile(file, bytes);
    return [await runCommandLine(`profile ${file} ${flags}`)];
  });
}

// ---------------------------------------------------------------------------------------------

/** redis-py's error when the feature store refuses connections (redis/exceptions.py, connection.py `_error_message`). */
const REDIS_REFUSED = 'redis.exceptions.ConnectionError: Error 111 connecting to feature-store.ml.svc.cluster.local:6379. Connection refused.';

export const scenarios: Scenario[] = [
  // --- health ---------------------------------------------------------------------------------
  {
    name: 'h2-health-one-model-errors',
    injected: 'two models behind /v1/models/{name}:predict; 35 % of the requests for "canary" fail, "stable" is fine. Expect errors-one-route (the model label)',
    expect: 'errors-one-route',
    run: () =>
      healthOnServer({
        options: { models: ['stable', 'canary'] },
        inject: { modelErrors: { canary: 0.35 } },
        warmPath: (i) => `/v1/models/${i % 2 ? 'canary' : 'stable'}:predict`,
        load: { concurrency: 2, path: (i) => `/v1/models/${i % 2 ? 'canary' : 'stable'}:predict` },
      }),
  },
  {
    name: 'h2-health-ok-probe-all-500',
    injected: '/health answers 200 {"status":"ok"} while 92 % of requests fail with 500 (a shallow health check). Expect errors-in-service',
    expect: 'errors-in-service',
    deterministic: true,
    run: () => onSynthetic({ rps: 200, uptimeSeconds: 86_400 * 2, series: [{ labels: 'route="/v1/predict"', share: 1, cumulative: TIGHT, meanSeconds: 0.004, statuses: { '200': 0.08, '500': 0.92 } }] }),
  },
  {
    name: 'h2-health-413-large-bodies',
    injected: '12 % of requests are refused 413 (bodies over the size limit, a client started sending longer inputs), the rest fast. Expect bad-client-requests',
    expect: 'bad-client-requests',
    deterministic: true,
    run: () => onSynthetic({ rps: 300, uptimeSeconds: 86_400 * 2, series: [{ labels: 'route="/v1/predict"', share: 1, cumulative: TIGHT, meanSeconds: 0.006, statuses: { '200': 0.88, '413': 0.12 } }] }),
  },
  {
    name: 'h2-health-restarts-every-scrape',
    injected: 'every scrape is answered by a process started 0.4 s earlier (crash loop faster than the scrapes; counters reset each time). Expect recent-restart',
    expect: 'recent-restart',
    deterministic: true,
    run: () => onSynthetic({ rps: 100, uptimeSeconds: 0, restartEveryScrape: true, series: [{ labels: 'route="/v1/predict"', share: 1, cumulative: TIGHT, meanSeconds: 0.005, statuses: { '200': 1 } }] }),
  },
  {
    name: 'h2-health-go-gc-pauses',
    injected: 'a Go service (client_golang go_gc_duration_seconds summary) spends 9 % of wall time in GC pauses; 4 % of requests stall 100–250 ms. Expect gc-pauses',
    expect: 'gc-pauses',
    deterministic: true,
    run: () => onSynthetic({ rps: 300, uptimeSeconds: 86_400, extra: goGc(0.09, 0.12), series: [{ labels: 'route="/v1/predict"', share: 1, cumulative: STALLS, meanSeconds: 0.012, statuses: { '200': 1 } }] }),
  },
  {
    name: 'h2-health-one-model-slow',
    injected: 'two models share the service: "ranker" answers in ~5 ms, "reranker-xl" (20 % of requests) in 250–500 ms, against a 100 ms p99 objective. Expect a cause naming the slow model label — none in the catalogue before this round: latency-one-label',
    expect: 'latency-one-label',
    deterministic: true,
    run: () =>
      onSynthetic(
        {
          rps: 300,
          uptimeSeconds: 86_400 * 3,
          series: [
            { labels: 'model="ranker"', share: 0.8, cumulative: TIGHT, meanSeconds: 0.005, statuses: { '200': 1 } },
            { labels: 'model="reranker-xl"', share: 0.2, cumulative: SLOW, meanSeconds: 0.36, statuses: { '200': 1 } },
          ],
        },
        '--slo-p99 100',
      ),
  },
  {
    name: 'h2-health-p99-grows-with-clients',
    injected: 'two workers, 15 ms of waiting inference each; clients grow from 2 to 16 during the run: p50 creeps, p99 grows with the queue. Expect saturation',
    expect: 'saturation',
    run: () => healthOnServer({ inject: { maxConcurrency: 2, stages: { inference: { delayMs: 15 } } }, load: { concurrency: 2, growEveryMs: 100, maxConcurrency: 16 } }),
  },
  // --- endpoint profile -------------------------------------------------------------------------
  {
    name: 'h2-profile-slow-proxy-hop',
    injected: 'a proxy in front of the server holds every request 40 ms before forwarding (a slow TLS/sidecar hop); the server stages (Server-Timing) are fast. Expect network-or-proxy-delay',
    expect: 'network-or-proxy-delay',
    run: () => profileBehindProxy(40),
  },
  {
    name: 'h2-profile-body-too-large',
    injected: 'the profiled body is 1.3 MiB, over the server limit: every request is answered 413. Expect bad-client-requests',
    expect: 'bad-client-requests',
    run: async () => {
      const server = await startModelServer({ random: seededRandom(23) });
      try {
        const big = JSON.stringify({ audio: Array.from({ length: 130_000 }, (_, i) => Number((0.25 * Math.sin(i / 9)).toFixed(6))) });
        return await profileOn(`${server.url}/predict`, big, '--concurrency 1,4 --iterations 100 --duration 1s');
      } finally {
        await server.close();
      }
    },
  },
  {
    name: 'h2-profile-slow-body-transfer',
    injected: 'the server sends its headers and the first bytes at once, then the rest of the answer 50 ms later (a slow stream to the client). Expect slow-response-transfer',
    expect: 'slow-response-transfer',
    run: async () => {
      const target = await listen((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"speech_probability":');
          setTimeout(() => res.end(`0.12,"padding":"${'x'.repeat(2048)}"}`), 50);
        });
      });
      try {
        return await profileOn(`${target.url}/predict`, AUDIO, SWEEP);
      } finally {
        await target.close();
      }
    },
  },
  // --- model profile ----------------------------------------------------------------------------
  {
    name: 'h2-model-layout-round-trip',
    injected: 'a model that transposes and casts (float32→float16→float32) a [384×384] tensor and back around one tiny MatMul. Expect data-movement-dominant',
    expect: 'data-movement-dominant',
    run: () => profileModel(layoutRoundTripModel(), '--iterations 100 --duration 2s --batch-sizes 1,4'),
  },
  {
    name: 'h2-model-tiny-ops-chain',
    injected: 'a model of 300 Adds on a [batch, 4] tensor: no arithmetic to speak of, hundreds of kernel dispatches. Expect control-flow-overhead',
    expect: 'control-flow-overhead',
    run: () => profileModel(tinyOpsChainModel(), '--iterations 200 --duration 2s --batch-sizes 1,8'),
  },
  {
    name: 'h2-model-small-dense-batching',
    injected: 'a small dense model (width 64): a run at batch 1 is mostly fixed cost, batch 64 serves far more samples per second. Expect batching-headroom',
    expect: 'batching-headroom',
    run: () => profileModel(denseModel(64), '--iterations 200 --duration 2s --batch-sizes 1,64'),
  },
  // --- pooled -----------------------------------------------------------------------------------
  {
    name: 'h2-pooled-errors-feature-store-refused',
    injected: '10 % of requests fail (health) and the pod log shows redis-py "Connection refused" to the feature store before the 500s (logs). Expect dependency-unreachable',
    expect: 'dependency-unreachable',
    reported: ['errors'],
    run: () =>
      together(
        healthOnServer({ inject: { errorRate: 0.1 }, load: { concurrency: 3 } }),
        runOnLog('h2-redis', stamped([[0, 'INFO:     Application startup complete.'], ...accessLines(1, 60), [60, `ERROR:    Exception in ASGI application\nTraceback (most recent call last):\n  File "/app/features.py", line 41, in lookup\n${REDIS_REFUSED}`], ...accessLines(61, 90, 3, '500 Internal Server Error')])),
      ),
  },
  {
    name: 'h2-pooled-slow-and-gpu-thermal',
    injected: 'requests take 70 ms against a 50 ms p99 objective (health) while the GPU runs at 91 °C with thermal slowdown and SM clock 1275 of 1980 MHz (gpu). Expect gpu-throttled',
    expect: 'gpu-throttled',
    reported: ['slow'],
    run: () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'utilization.gpu': '97', 'temperature.gpu': '91', 'power.draw': '402.17', 'clocks.sm': '1275', 'clocks_throttle_reasons.active': '0x0000000000000060' });
      return together(healthOnServer({ inject: { stages: { inference: { delayMs: 70 } } }, load: { concurrency: 4 }, flags: '--slo-p99 50' }), gpuOnSmi(t));
    },
  },
  // --- healthy controls -------------------------------------------------------------------------
  {
    name: 'h2-healthy-idle-server',
    injected: 'nothing: a healthy, warm server nobody calls during the run (no requests in the window)',
    expect: null,
    deterministic: true,
    run: () => healthOnServer({}),
  },
  {
    name: 'h2-healthy-scanner-404s',
    injected: 'nothing: 0.4 % of requests are 404s from a scanner, latency tight, up 9 days',
    expect: null,
    deterministic: true,
    run: () => onSynthetic({ rps: 250, uptimeSeconds: 86_400 * 9, series: [{ labels: 'route="/v1/predict"', share: 1, cumulative: TIGHT, meanSeconds: 0.005, statuses: { '200': 0.996, '404': 0.004 } }] }),
  },
  {
    name: 'h2-healthy-go-service',
    injected: 'nothing: a Go service spending 0.2 % of wall time in sub-millisecond GC pauses, tight latency, up 20 days',
    expect: null,
    deterministic: true,
    run: () => onSynthetic({ rps: 400, uptimeSeconds: 86_400 * 20, extra: goGc(0.002, 0.0004), series: [{ labels: 'route="/v1/predict"', share: 1, cumulative: TIGHT, meanSeconds: 0.004, statuses: { '200': 1 } }] }),
  },
  {
    name: 'h2-healthy-pass-through-proxy',
    injected: 'nothing: the healthy sample server profiled through a pass-through proxy that adds no delay',
    expect: null,
    run: () => profileBehindProxy(0),
  },
];
