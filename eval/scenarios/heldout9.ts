// A ninth held-out round, written by a session that changed no rule, diagnostic or cause for it
// and read neither the causes catalogue nor the engine nor the log signatures nor the diagnostics'
// observation code. Its theme: the quiet failures and the misleading ones. Quiet: problems that
// raise no error — a lab value joined from the bed's previous occupant (another day's patient),
// one hospital site's feed replayed three times, one site's lactate in mg/dL, one site's
// integration swapping heart and respiratory rate, an export that samples only the ICU, a model
// quantised to 4 bits by mistake that still answers, an older model pinned by a config revert, a
// photo client that normalises with ImageNet mean and std where the model was trained on 0–1, a
// recommender whose 256 MB embedding table makes every new replica slow to answer. Misleading:
// faults whose loudest symptom is not the cause — a benchmark someone started on the serving GPU
// behind "latency up", clients retrying at once on 503 behind "5xx", a node's disk filled by a
// model cache behind a pod evicted with exit 137, a feature store that times out behind "p99
// high", a CUDA library missing from the image behind "slow" and an idle GPU, one replica of four
// slower than the rest behind a tail, a --dcgm-url that reaches node-exporter instead of the DCGM
// exporter behind "no GPU data". Controls look alarming but are fine: a winter week in the ward
// data, an ONNX Runtime start full of W: lines, an int8 model within the tolerance its team
// accepts after "accuracy dropped", a heavy model slow by design inside its objective.
//
// Where the data comes from: the sample model server (examples/model-server) and a round-robin
// proxy written here in front of four of them; ONNX models built with test/support/onnx-builder.ts
// (and, for the 256 MB table, a few protobuf fields written here with Buffers, as the builder keeps
// bytes in a JS array); golden outputs computed by onnxruntime-node from the float model; recorded
// nvidia-smi text (test/fixtures/gpu); the Kubernetes stand-in with the recorded ranker and
// llm-server objects edited as each fault shows in them, the kubelet's message formats from its
// source (pkg/kubelet/eviction/helpers.go, images/image_gc_manager.go); log lines copied from
// public issues (each noted beside it); node-exporter exposition text in its own metric names.
// Drift uses a domain not used before: inputs of a hospital sepsis early-warning model (vitals and
// labs by ward and site). The expected top cause was chosen from the list of cause ids and titles
// and written into each `injected` before the first run; where no cause fits, the nearest id is
// given and marked "(no such cause)".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { fixtureJson, llmServerScenario, rankerScenario, type KubeApiStandInOptions, type StandInPod } from '../../test/support/kube-api-stand-in.ts';
import { buildModel, ELEM } from '../../test/support/onnx-builder.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { editGpu, gpuOnSmi, H100_UUID, recorded } from './gpu.ts';
import { onServer } from './health.ts';
import { runOnLog, stamped } from './logs.ts';
import { oomOn } from './oom.ts';
import { together, weights, withTemp, normal, round, clamp, pick, npy, type Random, driftOnRows } from '../support/scenario-kit.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


// ── live server ──────────────────────────────────────────────────────────────────────────────────
/** The shortest valid clip (256 samples of a 440 Hz tone), small enough for --probe-body. */
const PROBE_BODY = JSON.stringify({ audio: Array.from({ length: 256 }, (_, i) => Number((0.2 * Math.sin((2 * Math.PI * 440 * i) / 16000)).toFixed(3))) });
/** One 32 ms clip of a 610 Hz tone: a valid /predict body. */
const BODY = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Number((0.3 * Math.sin((2 * Math.PI * 610 * i) / 16000)).toFixed(5))) });

/** Listens on loopback; resolves to its URL and a close(). */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A Service in front of four replicas, as kube-proxy spreads connections: each request goes to the
 * next replica in turn. Status, body and Server-Timing are passed through unchanged.
 */
async function roundRobin(upstreams: string[]) {
  let next = 0;
  return listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const upstream = upstreams[next++ % upstreams.length]!;
      try {
        const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined, headers: { 'content-type': 'application/json' } });
        const body = Buffer.from(await answer.arrayBuffer());
        const headers: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
        const timing = answer.headers.get('server-timing');
        if (timing) headers['server-timing'] = timing;
        res.writeHead(answer.status, headers).end(body);
      } catch {
        res.writeHead(502).end('bad gateway');
      }
    });
  });
}

/**
 * ml/ranker's four replicas behind its Service; one of them was rescheduled onto an older node
 * pool whose CPUs run its inference 45 ms slower. Every fourth request is slow; the other three
 * replicas answer in a few ms. `profile` load-tests the Service URL.
 */
async function profileOneSlowReplica(): Promise<DiagnosticResult[]> {
  return withTemp('heldout9', async (dir) => {
    const file = join(dir, 'body.json');
    await writeFile(file, BODY);
    const replicas: ModelServer[] = [];
    for (let i = 0; i < 4; i++) replicas.push(await startModelServer({ faults: i === 2 ? { stages: { inference: { delayMs: 45 } } } : {}, random: seededRandom(91 + i) }));
    const service = await roundRobin(replicas.map((s) => s.url));
    try {
      return [await runCommandLine(`profile ${service.url}/predict --body @${file} --concurrency 1,4,8 --iterations 160 --duration 1.5s`)];
    } finally {
      await service.close();
      for (const s of replicas) await s.close();
    }
  });
}

// ── models ───────────────────────────────────────────────────────────────────────────────────────
/**
 * A skin-lesion photo triage head: image [batch, 3, 32, 32] → GlobalAveragePool → Flatten → MatMul
 * [3, 4] → Softmax: four classes from the colour means.
 */
function lesionModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'image', elemType: ELEM.float, dims: ['batch', 3, 32, 32] }],
    outputs: [{ name: 'probs', elemType: ELEM.float, dims: ['batch', 4] }],
    initializers: [{ name: 'w', dims: [3, 4], values: weights(12, 91, 40) }],
    nodes: [
      { opType: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
      { opType: 'Flatten', inputs: ['pooled'], outputs: ['flat'], ints: { axis: 1 } },
      { opType: 'MatMul', inputs: ['flat', 'w'], outputs: ['logits'] },
      { opType: 'Softmax', inputs: ['logits'], outputs: ['probs'], ints: { axis: 1 } },
    ],
  });
}


const H = 32;
const W = 32;
/** A dermoscopy photo in [0, 1], channel-first: a brown lesion on pink skin (means about 0.71 / 0.52 / 0.45), a radial gradient and seeded noise. */
function lesionCHW(seed: number): Float32Array {
  const r = seededRandom(seed);
  const means = [0.71, 0.52, 0.45];
  const out = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const d = Math.hypot(x - W / 2, y - H / 2) / (W / 2);
        out[c * H * W + y * W + x] = clamp(means[c]! - 0.18 * Math.max(0, 0.6 - d) + normal(r, 0, 0.03), 0, 1);
      }
  return out;
}
/** torchvision's Normalize with the ImageNet mean and std: (x − mean_c) / std_c per channel. */
function imagenetNormalised(chw: Float32Array): Float32Array {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  return chw.map((v, i) => {
    const c = Math.floor(i / (H * W));
    return (v - mean[c]!) / std[c]!;
  });
}

/** `model <built model> <flags>`, with files written beside it (`@name` in flags is replaced by the file's path). */
function modelOn(bytes: Uint8Array, flags: string, files: Record<string, Uint8Array | string> = {}): Promise<DiagnosticResult[]> {
  return withTemp('heldout9', async (dir) => {
    const file = join(dir, 'model.onnx');
    await writeFile(file, bytes);
    let line = `model ${file} ${flags}`;
    for (const [name, data] of Object.entries(files)) {
      const path = join(dir, name);
      await writeFile(path, data);
      line = line.replaceAll(`@${name}`, path);
    }
    return [await runCommandLine(line.trim())];
  });
}

/**
 * The sepsis risk model: 12 standardised vitals and labs x [batch, 12] → MatMul [12, 32] + bias →
 * Relu → MatMul [32, 4] → Softmax over four risk bands. `quantise` replaces every weight by its
 * fake-quantised value (symmetric, per tensor, `levels` steps each side of zero), as the exported
 * integer model computes it after dequantisation.
 */
function sepsisModel(quantise?: { levels: number }): Uint8Array {
  const q = (w: Float32Array) => {
    if (!quantise) return w;
    const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / quantise.levels;
    return w.map((v) => Math.round(v / scale) * scale);
  };
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 12] }],
    outputs: [{ name: 'probs', elemType: ELEM.float, dims: ['batch', 4] }],
    initializers: [
      { name: 'w1', dims: [12, 32], values: q(weights(12 * 32, 92, 30)) },
      { name: 'b1', dims: [32], values: q(weights(32, 93, 4)) },
      { name: 'w2', dims: [32, 4], values: q(weights(32 * 4, 94, 40)) },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
      { opType: 'Add', inputs: ['h', 'b1'], outputs: ['hb'] },
      { opType: 'Relu', inputs: ['hb'], outputs: ['a'] },
      { opType: 'MatMul', inputs: ['a', 'w2'], outputs: ['logits'] },
      { opType: 'Softmax', inputs: ['logits'], outputs: ['probs'], ints: { axis: 1 } },
    ],
  });
}

/**
 * The golden set the team keeps for the sepsis model: 24 patients' standardised inputs and the
 * float model's outputs on them, computed here by onnxruntime-node (the JSON form `model --golden`
 * reads: cases with named inputs and outputs).
 */
async function sepsisGolden(): Promise<string> {
  const r = seededRandom(9401);
  const rows = Array.from({ length: 24 }, () => Array.from({ length: 12 }, () => round(normal(r), 4)));
  const session = await ort.InferenceSession.create(sepsisModel());
  try {
    const x = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 12]);
    const out = (await session.run({ x })).probs!.data as Float32Array;
    const probs = rows.map((_, i) => Array.from(out.subarray(i * 4, i * 4 + 4)));
    return JSON.stringify({ cases: [{ name: 'ward-patients-2026-10', inputs: { x: rows }, outputs: { probs } }] });
  } finally {
    await session.release();
  }
}

// A few protobuf fields for what the builder cannot express: metadata_props on a model, and a
// 256 MB initializer (the builder keeps bytes in a JS number array). Field numbers from onnx.proto3.
const varint = (value: number): Buffer => {
  const out: number[] = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Buffer.from(out);
};
const pbLen = (field: number, bytes: Buffer) => Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
const pbInt = (field: number, value: number) => Buffer.concat([varint(field << 3), varint(value)]);
const pbStr = (field: number, s: string) => pbLen(field, Buffer.from(s));

/** Appends ModelProto.metadata_props entries (field 14: key 1, value 2) to a serialised model. */
function withMetadata(model: Uint8Array, props: Record<string, string>): Uint8Array {
  return Buffer.concat([Buffer.from(model), ...Object.entries(props).map(([k, v]) => pbLen(14, Buffer.concat([pbStr(1, k), pbStr(2, v)])))]);
}

/** The ranker as the model registry exports it, with its version tag in metadata_props. */
const rankerModel = (version: string) =>
  withMetadata(
    buildModel({
      inputs: [{ name: 'features', elemType: ELEM.float, dims: ['batch', 8] }],
      outputs: [{ name: 'scores', elemType: ELEM.float, dims: ['batch', 3] }],
      initializers: [{ name: 'w', dims: [8, 3], values: weights(24, version === '2.4.0' ? 95 : 96, 20) }],
      nodes: [
        { opType: 'MatMul', inputs: ['features', 'w'], outputs: ['logits'] },
        { opType: 'Softmax', inputs: ['logits'], outputs: ['scores'], ints: { axis: 1 } },
      ],
    }),
    { version, owner: 'ranking-team', trained_on: version === '2.4.0' ? '2026-11-01..2026-11-14' : '2026-08-01..2026-08-14' },
  );

/**
 * A recommender's item tower: ids [batch, 16] (int64) → Gather from an embedding table of
 * 1,000,000 items × 64 floats (256 MB) → embeddings [batch, 16, 64]. A lookup costs microseconds;
 * loading the table is the work a new replica does before its first answer.
 */
function embeddingTableModel(rows = 1_000_000, dim = 64): Uint8Array {
  const raw = Buffer.alloc(rows * dim * 4);
  const r = seededRandom(97);
  for (let i = 0; i < rows * dim; i += 61) raw.writeFloatLE(normal(r, 0, 0.05), i * 4);
  const valueInfo = (name: string, elem: number, dims: Array<number | string>) =>
    Buffer.concat([pbStr(1, name), pbLen(2, pbLen(1, Buffer.concat([pbInt(1, elem), pbLen(2, Buffer.concat(dims.map((d) => pbLen(1, typeof d === 'number' ? pbInt(1, d) : pbStr(2, d)))))])))]);
  const table = Buffer.concat([pbInt(1, rows), pbInt(1, dim), pbInt(2, ELEM.float), pbStr(8, 'item_embedding'), pbLen(9, raw)]);
  const node = Buffer.concat([pbStr(1, 'item_embedding'), pbStr(1, 'item_ids'), pbStr(2, 'embeddings'), pbStr(3, 'lookup'), pbStr(4, 'Gather')]);
  const graph = Buffer.concat([pbLen(1, node), pbStr(2, 'item-tower'), pbLen(5, table), pbLen(11, valueInfo('item_ids', ELEM.int64, ['batch', 16])), pbLen(12, valueInfo('embeddings', ELEM.float, ['batch', 16, dim]))]);
  return Buffer.concat([pbInt(1, 8), pbStr(2, 'inference-debugger-heldout9'), pbLen(7, graph), pbLen(8, Buffer.concat([pbStr(1, ''), pbInt(2, 17)]))]);
}

/** `profile <model.onnx> <flags>` on bytes written to a temporary file. */
const profileModelFile = (bytes: Uint8Array, flags: string) =>
  withTemp('heldout9', async (dir) => {
    const file = join(dir, 'model.onnx');
    await writeFile(file, bytes);
    return [await runCommandLine(`profile ${file} ${flags}`)];
  });

// ── gpu ──────────────────────────────────────────────────────────────────────────────────────────
/**
 * Someone started a benchmark straight on gpu-node-3 over SSH (a host process, no pod): PID 51877
 * holds 41 GiB of the serving H100 and keeps it at 100 %; clocks full, no throttle reason.
 */
function benchmarkOnServingGpuSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '60903', 'memory.free': '20176', 'utilization.gpu': '100', 'temperature.gpu': '71', 'power.draw': '655.30', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  t.apps += `51877, python3, ${H100_UUID}, 41210\n`;
  return t;
}
/** Busy and healthy: 78 % utilisation, the server's 19 GiB, full clocks, no throttle reason. */
function busyHealthySmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'utilization.gpu': '78', 'temperature.gpu': '61', 'power.draw': '512.40', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  return t;
}
/** Nobody on the GPU: no process, 1 MiB used, 0 % utilisation, idle clocks (the server never created its CUDA session). */
function unusedGpuSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '1', 'memory.free': '81005', 'utilization.gpu': '0', 'power.draw': '71.20', 'clocks.sm': '345', 'clocks_throttle_reasons.active': '0x0000000000000001' });
  t.apps = '';
  return t;
}

/**
 * node-exporter's /metrics (port 9100), which the node's --dcgm-url now reaches after a chart
 * change moved the DCGM exporter to 9400: valid Prometheus text in node-exporter's own names and
 * HELP strings, and not one DCGM_FI_* series.
 */
function nodeExporterText(): string {
  const lines = [
    '# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.',
    '# TYPE go_gc_duration_seconds summary',
    'go_gc_duration_seconds{quantile="0"} 2.6861e-05',
    'go_gc_duration_seconds{quantile="0.5"} 4.1127e-05',
    'go_gc_duration_seconds{quantile="1"} 0.000412318',
    'go_gc_duration_seconds_sum 0.391024816',
    'go_gc_duration_seconds_count 8113',
    '# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.',
    '# TYPE node_cpu_seconds_total counter',
  ];
  for (let cpu = 0; cpu < 4; cpu++) for (const [mode, v] of [['idle', 1.71e6], ['iowait', 812.4], ['system', 40211.3], ['user', 301877.9]] as const) lines.push(`node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"} ${(v * (1 + cpu / 50)).toFixed(2)}`);
  lines.push(
    '# HELP node_load1 1m load average.',
    '# TYPE node_load1 gauge',
    'node_load1 38.41',
    '# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.',
    '# TYPE node_memory_MemAvailable_bytes gauge',
    'node_memory_MemAvailable_bytes 1.873245986816e+12',
    '# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.',
    '# TYPE node_memory_MemTotal_bytes gauge',
    'node_memory_MemTotal_bytes 2.163970093056e+12',
    '# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.',
    '# TYPE node_filesystem_avail_bytes gauge',
    'node_filesystem_avail_bytes{device="/dev/md127p3",fstype="ext4",mountpoint="/"} 1.212e+12',
    '# HELP node_exporter_build_info A metric with a constant \'1\' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.',
    '# TYPE node_exporter_build_info gauge',
    'node_exporter_build_info{branch="HEAD",goarch="amd64",goos="linux",goversion="go1.22.5",revision="b3ebbfd3ce88ed9a0dbc1e6e5b15b9e3cf3a4a19",tags="unknown",version="1.8.2"} 1',
  );
  return `${lines.join('\n')}\n`;
}

/** `gpu gpu-node-3 --dcgm-url <loopback>` against a server answering `text`. */
async function gpuOnExporter(text: string): Promise<DiagnosticResult[]> {
  const server = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text));
  try {
    return [await runCommandLine(`gpu gpu-node-3 --dcgm-url ${server.url}/metrics`, { nodeName: 'gpu-node-3', runCommand: () => Promise.reject(new Error('nvidia-smi must not run with --dcgm-url')) })];
  } finally {
    await server.close();
  }
}

// ── logs ─────────────────────────────────────────────────────────────────────────────────────────
const clock = (t: number) => new Date(Date.UTC(2026, 10, 22, 14, 0, 0) + t * 1000).toISOString().slice(11, 19);
const access = (t: number, i: number, path: string, status = '200 OK'): [number, string] => [t, `INFO:     10.0.5.${(i * 31) % 250}:${51000 + i} - "POST ${path} HTTP/1.1" ${status}`];

/**
 * The ranker's preprocessing fetches online features over HTTP (requests, read timeout 0.25 s,
 * Retry(total=3)); the feature store answers some calls late, so urllib3 retries them and the
 * request still succeeds, a quarter-second later. The warning is urllib3's text, as in
 * urllib3/urllib3#718 ("Retrying (Retry(total=2, connect=None, read=None, redirect=None)) after
 * connection broken by 'ReadTimeoutError("HTTPConnectionPool(host='localhost', port=4001): Read
 * timed out. (read timeout=5)")'") and #2109 (the ReadTimeoutError text), with urllib3 1.26's
 * `status=None` field; the logger prefix is Python logging's default format.
 */
function featureStoreRetriesLog(): string {
  const lines: Array<[number, string]> = [
    [0, 'INFO:     Started server process [1]'],
    [1, `2026-11-22 ${clock(1)},311 INFO ranker: feature client http://feature-store.ml.svc.cluster.local:8080 (timeout 0.25 s, retries 3)`],
    [1, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  ];
  for (let i = 0; i < 160; i++) {
    const t = 2 + i * 2;
    if (i % 11 === 5 || i % 17 === 3)
      lines.push([
        t,
        `WARNING:urllib3.connectionpool:Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError("HTTPConnectionPool(host='feature-store.ml.svc.cluster.local', port=8080): Read timed out. (read timeout=0.25)")': /v1/online-features`,
      ]);
    lines.push(access(t, i, '/v1/rank'));
  }
  return stamped(lines);
}

/**
 * An ONNX Runtime server on the new image: onnxruntime-gpu built for CUDA 11 on a CUDA 12 base,
 * so the CUDA provider cannot load libcublasLt.so.11 and the session falls back to the CPU; every
 * request still answers 200. The two ORT lines are verbatim in form from PaddlePaddle/PaddleNLP#8195
 * and stepfun-ai/Step-Audio-EditX#3 ("[E:onnxruntime:Default, provider_bridge_ort.cc:1548
 * TryGetProviderInfo_CUDA] … FAIL : Failed to load library libonnxruntime_providers_cuda.so with
 * error: libcublasLt.so.11: cannot open shared object file: No such file or directory" and
 * "[W:onnxruntime:Default, onnxruntime_pybind_state.cc:861 CreateExecutionProviderInstance] Failed
 * to create CUDAExecutionProvider. Please reference …#requirementsto ensure all dependencies are
 * met."); the providers line is the app's own.
 */
function cudaProviderFallbackLog(): string {
  const lines: Array<[number, string]> = [
    [0, 'INFO:     Started server process [1]'],
    [0, `2026-11-22 ${clock(0)},402 INFO scorer: loading /models/scorer-5.1.onnx with providers ['CUDAExecutionProvider', 'CPUExecutionProvider']`],
    [
      1,
      '2026-11-22 14:00:01.219728338 [E:onnxruntime:Default, provider_bridge_ort.cc:1548 TryGetProviderInfo_CUDA] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1209 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.11: cannot open shared object file: No such file or directory',
    ],
    [1, ''],
    [
      1,
      '2026-11-22 14:00:01.219759101 [W:onnxruntime:Default, onnxruntime_pybind_state.cc:861 CreateExecutionProviderInstance] Failed to create CUDAExecutionProvider. Please reference https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html#requirementsto ensure all dependencies are met.',
    ],
    [2, `2026-11-22 ${clock(2)},087 INFO scorer: session ready, providers ['CPUExecutionProvider']`],
    [2, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  ];
  for (let i = 0; i < 120; i++) lines.push(access(3 + i * 2, i, '/v1/score'));
  return stamped(lines);
}

/**
 * Control: a healthy ONNX Runtime start. ORT warns about initializers the exporter left unused and
 * about shape ops it places on the CPU — the texts of octimot/StoryToolkitAI#136 and
 * microsoft/onnxruntime#14694 ("[W:onnxruntime:, graph.cc:3543 CleanUnusedInitializersAndNodeArgs]
 * Removing initializer '620'. It is not used by any node and should be removed from the model.")
 * and RVC-Project/Retrieval-based-Voice-Conversion-WebUI#2299 ("[W:onnxruntime:, session_state.cc:1169
 * VerifyEachNodeIsAssignedToAnEp] Some nodes were not assigned to the preferred execution providers
 * which may or may not have an negative impact on performance. e.g. ORT explicitly assigns shape
 * related ops to CPU to improve perf." and "Rerunning with verbose output on a non-minimal build will
 * show node assignments."); then requests answer 200.
 */
function ortWarningsHealthyLog(): string {
  const lines: Array<[number, string]> = [
    [0, 'INFO:     Started server process [1]'],
    [0, `2026-11-22 ${clock(0)},118 INFO scorer: loading /models/scorer-5.1.onnx with providers ['CUDAExecutionProvider', 'CPUExecutionProvider']`],
  ];
  ['/encoder/layer.0/attention/Constant_36_output_0', 'onnx::Unsqueeze_1415', '620', '623', '625', '628', '629', '/encoder/layer.3/attention/Constant_2_output_0', 'onnx::Concat_371', '131'].forEach((name, i) =>
    lines.push([1, `2026-11-22 14:00:01.${String(102170316 + i * 3721).padStart(9, '0')} [W:onnxruntime:, graph.cc:3543 CleanUnusedInitializersAndNodeArgs] Removing initializer '${name}'. It is not used by any node and should be removed from the model.`]),
  );
  lines.push(
    [2, '2026-11-22 14:00:02.022385012 [W:onnxruntime:, session_state.cc:1169 VerifyEachNodeIsAssignedToAnEp] Some nodes were not assigned to the preferred execution providers which may or may not have an negative impact on performance. e.g. ORT explicitly assigns shape related ops to CPU to improve perf.'],
    [2, '2026-11-22 14:00:02.026104588 [W:onnxruntime:, session_state.cc:1171 VerifyEachNodeIsAssignedToAnEp] Rerunning with verbose output on a non-minimal build will show node assignments.'],
    [3, `2026-11-22 ${clock(3)},540 INFO scorer: session ready, providers ['CUDAExecutionProvider', 'CPUExecutionProvider']`],
    [3, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  );
  for (let i = 0; i < 120; i++) lines.push(access(4 + i * 2, i, '/v1/score'));
  return stamped(lines);
}

// ── changes ──────────────────────────────────────────────────────────────────────────────────────
/** Pods as they run after a clean rollout: no restart. */
function noRestarts(options: KubeApiStandInOptions): KubeApiStandInOptions {
  for (const { pod } of options.pods) {
    const status = (pod as Json).status.containerStatuses[0] as Json | undefined;
    if (status) Object.assign(status, { restartCount: 0, lastState: {} });
  }
  return options;
}

/**
 * Revision 12, 15 min ago: same image 3.1.4, same FEATURE_SET and ConfigMap; only MODEL_URI
 * changed, from the 2.4.0 export to 2.3.1 — a model-registry sync reverted the pin to the
 * quarter-old model. Revision 11 carried 2.4.0. Every pod ready, no restart.
 */
function modelPinRevertedRollout(): KubeApiStandInOptions {
  const options = rankerScenario('config-only');
  const byRevision = (n: string) => (options.replicaSets as Json[]).find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === n)!;
  const rev12 = byRevision('12');
  const rev11 = byRevision('11');
  const uri = (v: string) => ({ name: 'MODEL_URI', value: `s3://ml-models/ranker/${v}/ranker.onnx` });
  const current = [rev12.spec.template.spec.containers[0], (options.deployments![0] as Json).spec.template.spec.containers[0], ...options.pods.map(({ pod }) => (pod as Json).spec.containers[0])];
  for (const c of current as Json[]) {
    c.env.find((e: Json) => e.name === 'FEATURE_SET').value = 'v3';
    c.envFrom = [{ configMapRef: { name: 'ranker-config' } }];
    c.env.push(uri('2.3.1'));
  }
  rev11.spec.template.spec.containers[0].env.push(uri('2.4.0'));
  rev12.metadata.annotations['kubernetes.io/change-cause'] = 'ranker: model registry sync (pipeline #4630)';
  return noRestarts(options);
}

// ── oom ──────────────────────────────────────────────────────────────────────────────────────────
const LLM_POD = 'llm-server-6d8f7b9c4-k2x7p';
const NOW = () => Date.parse('2026-11-22T14:20:00Z');
const containerStatus = (pod: Json, name: string) => (pod.status.containerStatuses as Json[]).find((c) => c.name === name)!;

/**
 * The llm-server writes its Hugging Face and torch-compile caches to an emptyDir without a
 * sizeLimit; each restart of a model sweep job on the node added more, until the node's root disk
 * reached the kubelet's nodefs threshold. Image garbage collection finds nothing to free, and the
 * kubelet evicts the pod using the most ephemeral storage — the server, at 179 GiB. Its memory is
 * 12 GiB of 32Gi; the containers end with 137 because the eviction stops them. The eviction text is
 * the kubelet's format (pkg/kubelet/eviction/helpers.go: "The node was low on resource: %v. " +
 * "Threshold quantity: %v, available: %v. " + "Container %s was using %s, request is %s, has larger
 * consumption of %v. "), the FreeDiskSpaceFailed text image_gc_manager.go's ("Failed to garbage
 * collect required amount of images. Attempted to free %d bytes, but only found %d bytes eligible
 * to free."), the node condition the kubelet's KubeletHasDiskPressure.
 */
function diskPressureEviction(): KubeApiStandInOptions {
  const message =
    'The node was low on resource: ephemeral-storage. Threshold quantity: 177003471493, available: 168224196Ki. Container server was using 187695104Ki, request is 0, has larger consumption of ephemeral-storage. ';
  const base = llmServerScenario().pods[0]!;
  const pod = structuredClone(base.pod) as Json;
  const server = (pod.spec.containers as Json[]).find((c) => c.name === 'server')!;
  server.volumeMounts = [...((server.volumeMounts as Json[] | undefined) ?? []), { name: 'model-cache', mountPath: '/root/.cache' }];
  pod.spec.volumes = [...((pod.spec.volumes as Json[] | undefined) ?? []), { name: 'model-cache', emptyDir: {} }];
  const s = containerStatus(pod, 'server');
  Object.assign(s, { ready: false, started: false, restartCount: 0, lastState: {}, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2026-11-22T13:35:02Z', finishedAt: '2026-11-22T14:16:31Z' } } });
  const exporter = containerStatus(pod, 'metrics-exporter');
  Object.assign(exporter, { ready: false, started: false, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2026-11-22T13:34:52Z', finishedAt: '2026-11-22T14:16:31Z' } } });
  Object.assign(pod.status, { phase: 'Failed', reason: 'Evicted', message });
  (pod.status.conditions as Json[]).push({ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastProbeTime: null, lastTransitionTime: '2026-11-22T14:16:30Z' });
  const metrics = structuredClone(base.metrics) as Json;
  (metrics.containers as Json[]).find((c) => c.name === 'server')!.usage.memory = '12582912Ki';

  const podEvents = structuredClone(fixtureJson('events-ml-llm-server.json')) as Json;
  const template = (podEvents.items as Json[]).find((e) => e.reason === 'BackOff')!;
  const podEvent = (i: number, x: Json) => ({ ...structuredClone(template), metadata: { ...template.metadata, name: `${LLM_POD}.18d${i}`, uid: `9a8b7c6d-0000-4e5f-8a9b-10000000000${i}` }, count: 1, source: { component: 'kubelet', host: 'gpu-node-3' }, ...x });
  podEvents.items = [
    podEvent(0, { type: 'Warning', reason: 'Evicted', message, firstTimestamp: '2026-11-22T14:16:30Z', lastTimestamp: '2026-11-22T14:16:30Z' }),
    podEvent(1, { type: 'Normal', reason: 'Killing', message: 'Stopping container server', firstTimestamp: '2026-11-22T14:16:30Z', lastTimestamp: '2026-11-22T14:16:30Z' }),
    podEvent(2, { type: 'Normal', reason: 'Killing', message: 'Stopping container metrics-exporter', firstTimestamp: '2026-11-22T14:16:30Z', lastTimestamp: '2026-11-22T14:16:30Z' }),
  ];

  const node = structuredClone(fixtureJson('node-gpu-node-3.json')) as Json;
  for (const c of node.status.conditions as Json[]) {
    if (c.type === 'MemoryPressure') Object.assign(c, { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastTransitionTime: '2026-10-02T08:14:55Z' });
    if (c.type === 'DiskPressure') Object.assign(c, { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', lastTransitionTime: '2026-11-22T14:11:48Z' });
  }
  const nodeEvents = structuredClone(fixtureJson('events-node-gpu-node-3.json')) as Json;
  const nodeTemplate = (nodeEvents.items as Json[]).find((e) => e.reason === 'NodeHasInsufficientMemory')!;
  const nodeEvent = (i: number, x: Json) => ({ ...structuredClone(nodeTemplate), metadata: { ...nodeTemplate.metadata, name: `gpu-node-3.18d0f${i}a2b3c4d5e6` }, ...x });
  nodeEvents.items = [
    nodeEvent(0, { type: 'Normal', reason: 'NodeHasDiskPressure', message: 'Node gpu-node-3 status is now: NodeHasDiskPressure', count: 1, firstTimestamp: '2026-11-22T14:11:48Z', lastTimestamp: '2026-11-22T14:11:48Z' }),
    nodeEvent(1, { type: 'Warning', reason: 'FreeDiskSpaceFailed', message: 'Failed to garbage collect required amount of images. Attempted to free 48318382080 bytes, but only found 0 bytes eligible to free.', count: 4, firstTimestamp: '2026-11-22T14:11:50Z', lastTimestamp: '2026-11-22T14:16:50Z' }),
    nodeEvent(2, { type: 'Warning', reason: 'EvictionThresholdMet', message: 'Attempting to reclaim ephemeral-storage', count: 3, firstTimestamp: '2026-11-22T14:12:02Z', lastTimestamp: '2026-11-22T14:16:29Z' }),
  ];
  const evicted: StandInPod = { pod, events: podEvents, metrics, previousLogs: {}, logs: {} };
  return { ...llmServerScenario(), pods: [evicted], nodes: { 'gpu-node-3': node }, nodeEvents: { 'gpu-node-3': nodeEvents } };
}

// ── drift: inputs of a hospital sepsis early-warning model ───────────────────────────────────────
interface WardObservation {
  age: number;
  heart_rate: number;
  resp_rate: number;
  temp_c: number;
  systolic_bp: number;
  spo2: number;
  lactate_mmol: number;
  wbc: number;
  hours_since_admission: number;
  ward: string;
  site: string;
}
const WARDS = ['ED', 'medical', 'surgical', 'ICU'] as const;
const WARD_SHARES = [0.3, 0.35, 0.25, 0.1];
const SITES = ['north', 'south', 'east', 'riverside'] as const;
interface Season {
  /** Added to every patient's latent severity (sd 1). */
  severity?: number;
  /** Added to temperature, °C. */
  fever?: number;
  wardShares?: readonly number[];
}
/** One scoring-time observation: vitals and labs move together with a latent severity (higher in the ED and the ICU). */
function observation(r: Random, season: Season = {}): WardObservation {
  const ward = pick(r, WARDS, season.wardShares ?? WARD_SHARES);
  const site = pick(r, SITES, [0.35, 0.3, 0.2, 0.15]);
  const s = normal(r) + (ward === 'ICU' ? 1.1 : ward === 'ED' ? 0.3 : 0) + (season.severity ?? 0);
  return {
    age: Math.round(clamp(normal(r, 62, 17), 18, 100)),
    heart_rate: Math.round(clamp(84 + 11 * s + normal(r, 0, 8), 35, 190)),
    resp_rate: Math.round(clamp(17.5 + 2.8 * s + normal(r, 0, 2.5), 6, 45)),
    temp_c: round(clamp(37 + 0.35 * s + normal(r, 0, 0.45) + (season.fever ?? 0), 34, 41.5), 1),
    systolic_bp: Math.round(clamp(124 - 9 * s + normal(r, 0, 15), 60, 220)),
    spo2: Math.round(clamp(97 - 1.2 * s + normal(r, 0, 1.5), 70, 100)),
    lactate_mmol: round(Math.exp(Math.log(1.3) + 0.3 * s + normal(r, 0, 0.3)), 2),
    wbc: round(clamp(8.5 + 2.2 * s + normal(r, 0, 2.2), 0.5, 40), 1),
    hours_since_admission: round(-Math.log(1 - r()) * 38, 1),
    ward,
    site,
  };
}
function observations(n: number, seed: number, season?: Season): WardObservation[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => observation(r, season));
}
const driftOn = (reference: WardObservation[], current: WardObservation[]) => driftOnRows('heldout9', reference, current);
const N = 3000;
const WARD_REF = () => observations(N, 9001);

/**
 * The lab join keys on (bed, date) with the date one day off: each row gets the lactate of the
 * bed's previous occupant — another patient of the same ward and site. Every value is a real
 * lactate from the same population, so the column's distribution is unchanged; its link to the
 * patient's own vitals is gone.
 */
function lactateFromPreviousOccupant(rows: WardObservation[], seed: number): WardObservation[] {
  const r = seededRandom(seed);
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = `${row.site}/${row.ward}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const out = rows.map((row) => ({ ...row }));
  for (const idx of groups.values()) {
    const shuffled = [...idx];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    idx.forEach((i, k) => (out[i]!.lactate_mmol = rows[shuffled[k]!]!.lactate_mmol));
  }
  return out;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
export const scenarios: Scenario[] = [
  // ── misleading: the loudest symptom is not the cause ──
  {
    name: 'h9-pooled-latency-benchmark-on-serving-gpu',
    injected: '"latency up": every request about 22 ms slower in inference than the healthy baseline, with jitter (health), because someone started a benchmark straight on gpu-node-3: host PID 51877 holds 41 GiB of the serving H100 at 100 % utilisation next to the server (gpu --pod); expected: gpu-foreign-process',
    expect: 'gpu-foreign-process',
    reported: ['latency', 'up'],
    run: () =>
      together(
        onServer({ baselineFirst: true, inject: { stages: { inference: { delayMs: 22, spikeProbability: 0.1, spikeMs: 30 } } }, traffic: { concurrency: 3 }, seed: 91 }),
        gpuOnSmi(benchmarkOnServingGpuSmi(), `gpu gpu-node-3 --pod ml/${LLM_POD}`),
      ),
  },
  {
    name: 'h9-pooled-5xx-client-retry-storm',
    injected: '"5xx": the server (at most 4 requests at once, 8 queued, 503 beyond) was healthy under its usual 2 clients (baseline); a caller\'s new release retries every 503 at once without backoff, so 24 clients send back to back and most requests are shed with 503 (health); no rollout on the server for 6 days (changes, quiet); expected: errors-under-load (no such cause: a client retry storm; nearest, failures only under load)',
    expect: 'errors-under-load',
    reported: ['5xx'],
    run: () =>
      together(
        onServer({ baselineFirst: true, faults: { maxConcurrency: 4, maxQueue: 8, stages: { inference: { delayMs: 5 } } }, traffic: { concurrency: 24 }, seed: 92 }),
        changesOn(rankerScenario('quiet')),
      ),
  },
  {
    name: 'h9-pooled-p99-feature-store-read-timeouts',
    injected: '"p99 high": 7 % of requests wait 260 ms in preprocessing against a 100 ms objective, seen by probe requests\' Server-Timing (health); the log shows why — urllib3 retrying online-feature calls after "ReadTimeoutError … Read timed out. (read timeout=0.25)" to the feature store, each request still 200 (logs); the GPU is busy and healthy (gpu); expected: dependency-slow-or-exhausted',
    expect: 'dependency-slow-or-exhausted',
    reported: ['p99', 'high'],
    run: () =>
      together(
        onServer({ faults: { stages: { preprocess: { spikeProbability: 0.07, spikeMs: 260 } } }, traffic: { concurrency: 3 }, flags: `--slo-p99 100 --probe-body '${PROBE_BODY}'`, seed: 93 }),
        runOnLog('feature-store', featureStoreRetriesLog()),
        gpuOnSmi(busyHealthySmi()),
      ),
  },
  {
    name: 'h9-pooled-slow-cuda-provider-fell-back-to-cpu',
    injected: '"slow": the new image ships onnxruntime-gpu for CUDA 11 on a CUDA 12 base; the CUDA provider cannot load libcublasLt.so.11 and the session falls back to the CPU ("Failed to create CUDAExecutionProvider"), every request 200 (logs); inference 35 ms slower than the healthy baseline (health); the H100 sits unused — no process, 0 % (gpu); expected: image-dependency-mismatch',
    expect: 'image-dependency-mismatch',
    reported: ['slow'],
    run: () =>
      together(
        runOnLog('ort-cuda-fallback', cudaProviderFallbackLog()),
        onServer({ baselineFirst: true, inject: { stages: { inference: { delayMs: 35 } } }, traffic: { concurrency: 3 }, seed: 94 }),
        gpuOnSmi(unusedGpuSmi()),
      ),
  },
  {
    name: 'h9-profile-one-replica-of-four-slow',
    injected: 'ml/ranker\'s Service spreads requests over four replicas in turn; one was rescheduled onto an older node pool and runs inference 45 ms slower, so every fourth request is slow and the other three answer in a few ms, at every concurrency (profile endpoint, Server-Timing through the Service); expected: intermittent-slow-path (no such cause: one slow replica behind a Service; nearest, some requests take a slow path)',
    expect: 'intermittent-slow-path',
    run: () => profileOneSlowReplica(),
  },
  {
    name: 'h9-oom-evicted-node-disk-full-of-model-cache',
    injected: 'the server\'s Hugging Face / torch-compile cache on an emptyDir without sizeLimit filled gpu-node-3\'s root disk: DiskPressure True, image GC "Attempted to free 48318382080 bytes, but only found 0 bytes eligible to free", "Attempting to reclaim ephemeral-storage", and the pod Evicted ("low on resource: ephemeral-storage … Container server was using 187695104Ki") with exit 137, at 12 GiB of its 32Gi memory (oom); expected: disk-full',
    expect: 'disk-full',
    run: async () => [await oomOn(diskPressureEviction(), LLM_POD, { now: NOW })],
  },
  {
    name: 'h9-gpu-dcgm-url-reaches-node-exporter',
    injected: '"the GPU dashboard shows no data": after a chart change the node\'s --dcgm-url still points at :9100, which is node-exporter — valid Prometheus text (node_cpu_seconds_total, node_load1, go_gc_duration_seconds…) and not one DCGM_FI_* series (gpu --dcgm-url); expected: gpu-monitoring-unavailable',
    expect: 'gpu-monitoring-unavailable',
    run: () => gpuOnExporter(nodeExporterText()),
  },
  // ── quiet: no error anywhere ──
  {
    name: 'h9-pooled-accuracy-model-4bit-by-mistake',
    injected: '"accuracy dropped": the sepsis model was re-exported with the quantiser set to 4 bits instead of 8 (7 levels each side of zero, per tensor); it loads and answers, but against the float model\'s golden set its outputs miss the team\'s int8 tolerance (model --golden, --atol 0.02 --rtol 0.05); the ward data is unchanged (drift, same distributions); expected: golden-outputs-regressed',
    expect: 'golden-outputs-regressed',
    reported: ['accuracy', 'dropped'],
    run: async () => {
      const golden = await sepsisGolden();
      return together(modelOn(sepsisModel({ levels: 7 }), '--golden @golden.json --atol 0.02 --rtol 0.05', { 'golden.json': golden }), driftOn(WARD_REF(), observations(N, 9002)));
    },
  },
  {
    name: 'h9-pooled-accuracy-older-model-pinned',
    injected: '"accuracy dropped": revision 12 (15 min ago, same image, every pod ready) changed only MODEL_URI, from the 2.4.0 export to 2.3.1 — a registry sync reverted the pin (changes); the served file carries version 2.3.1 in its metadata where 2.4.0 is expected (model --expect-version 2.4.0); expected: wrong-model-deployed',
    expect: 'wrong-model-deployed',
    reported: ['accuracy', 'dropped'],
    run: () => together(changesOn(modelPinRevertedRollout()), modelOn(rankerModel('2.3.1'), '--expect-version 2.4.0')),
  },
  {
    name: 'h9-model-imagenet-normalisation',
    injected: 'the lesion-photo client switched to torchvision\'s Normalize with the ImageNet mean and std: a real request\'s pixels arrive standardised (about −1 to 2.4, channel means near 1) while the reference request holds 0–1 (model --inputs/--reference-inputs); expected: preprocessing-scale-changed',
    expect: 'preprocessing-scale-changed',
    run: () =>
      modelOn(lesionModel(), '--inputs @current.npy --reference-inputs @reference.npy', {
        'current.npy': npy(imagenetNormalised(lesionCHW(902)), [1, 3, H, W]),
        'reference.npy': npy(lesionCHW(901), [1, 3, H, W]),
      }),
  },
  {
    name: 'h9-profile-model-256mb-embedding-cold-start',
    injected: 'a recommender\'s item tower: one Gather from a 1,000,000 × 64 float embedding table (256 MB) — a lookup costs microseconds, but a new replica loads the table (about a second on this machine) before its first answer (profile model, no sweeps); expected: cold-start-high',
    expect: 'cold-start-high',
    run: () => profileModelFile(embeddingTableModel(), '--sweep none --iterations 200 --duration 1s'),
  },
  {
    name: 'h9-drift-lactate-from-previous-bed-occupant',
    injected: 'the lab join keys on (bed, date) with the date one day off: lactate_mmol comes from the bed\'s previous occupant (same ward and site); its distribution is unchanged, its link to heart and respiratory rate, blood pressure and WBC is gone (drift); expected: feature-pipeline-change',
    expect: 'feature-pipeline-change',
    run: () => driftOn(WARD_REF(), lactateFromPreviousOccupant(observations(N, 9003), 9103)),
  },
  {
    name: 'h9-drift-riverside-lactate-mg-dl',
    injected: 'the riverside site\'s new lab system reports lactate in mg/dL (×9.01) where the other three sites send mmol/L: 15 % of rows ten times larger (drift); expected: feature-unit-change',
    expect: 'feature-unit-change',
    run: () => driftOn(WARD_REF(), observations(N, 9004).map((o) => (o.site === 'riverside' ? { ...o, lactate_mmol: round(o.lactate_mmol * 9.01, 1) } : o))),
  },
  {
    name: 'h9-drift-north-feed-replayed-three-times',
    injected: 'after an outage the north site\'s HL7 feed was replayed twice on top of the live one: each north row appears three times, identical (about 62 % of the rows are north instead of 35 %) (drift); expected: sampling-problem (no such cause: duplicated rows from one source; nearest, the window does not represent the traffic)',
    expect: 'sampling-problem',
    run: () => {
      const live = observations(N, 9005);
      const north = live.filter((o) => o.site === 'north');
      return driftOn(WARD_REF(), [...live, ...north, ...north]);
    },
  },
  {
    name: 'h9-drift-east-heart-and-resp-rate-swapped',
    injected: 'the east site\'s new integration maps the vitals in another order: heart_rate holds the respiratory rate and resp_rate the heart rate for its 20 % of rows (drift); expected: feature-columns-swapped',
    expect: 'feature-columns-swapped',
    run: () => driftOn(WARD_REF(), observations(N, 9006).map((o) => (o.site === 'east' ? { ...o, heart_rate: o.resp_rate, resp_rate: o.heart_rate } : o))),
  },
  {
    name: 'h9-pooled-accuracy-export-samples-icu-only',
    injected: '"accuracy dropped": the monitoring export\'s filter changed and now samples ICU patients only — ward is ICU in every row, so severity-linked vitals and labs all move together though the hospital\'s population did not change (drift); the deployment is quiet (changes); expected: sampling-problem',
    expect: 'sampling-problem',
    reported: ['accuracy', 'dropped'],
    run: () => together(driftOn(WARD_REF(), observations(N, 9007, { wardShares: [0, 0, 0, 1] })), changesOn(rankerScenario('quiet'))),
  },
  // ── controls: alarming, and fine ──
  {
    name: 'h9-drift-healthy-winter-week',
    injected: 'none: a winter week — patients a little sicker (+0.06 sd severity), temperature 0.06 °C higher, the ED three points busier; every vital moves a little, together, as the season does (drift)',
    expect: null,
    run: () => driftOn(WARD_REF(), observations(N, 9008, { severity: 0.06, fever: 0.06, wardShares: [0.33, 0.34, 0.23, 0.1] })),
  },
  {
    name: 'h9-logs-healthy-ort-start-warnings',
    injected: 'none: an ONNX Runtime start with ten "Removing initializer … It is not used by any node" warnings and "Some nodes were not assigned to the preferred execution providers", the CUDA provider in use, then 120 requests answered 200 (logs)',
    expect: null,
    run: () => runOnLog('ort-warnings', ortWarningsHealthyLog()),
  },
  {
    name: 'h9-pooled-healthy-int8-within-tolerance',
    injected: 'none: "accuracy dropped" reported after the int8 model rolled out 15 min ago (new image, every pod ready, no restart: changes); it matches the float model\'s golden set within the team\'s int8 tolerance (8-bit symmetric per tensor; model --golden --atol 0.02 --rtol 0.05), and the ward data is unchanged (drift)',
    expect: null,
    reported: ['accuracy', 'dropped'],
    run: async () => {
      const golden = await sepsisGolden();
      return together(
        modelOn(sepsisModel({ levels: 127 }), '--golden @golden.json --atol 0.02 --rtol 0.05', { 'golden.json': golden }),
        changesOn(noRestarts(rankerScenario('new-image'))),
        driftOn(WARD_REF(), observations(N, 9009)),
      );
    },
  },
  {
    name: 'h9-health-healthy-heavy-model-inside-slo',
    injected: 'none: "slow" reported, but the model takes 140 ms per request by design — steady, no errors, p99 inside its 250 ms objective (health --slo-p99 250)',
    expect: null,
    reported: ['slow'],
    run: () => onServer({ inject: { stages: { inference: { delayMs: 140 } } }, traffic: { concurrency: 2 }, flags: '--slo-p99 250', seed: 95 }),
  },
];

// First complete run (2026-12-01, 14:43 UTC, `node eval/run.ts heldout9`, 63 s), before anything was changed:
//
// | scenario                                        | expect                       | got                              | 2nd                            |
// | ----------------------------------------------- | ---------------------------- | -------------------------------- | ------------------------------ |
// | h9-pooled-latency-benchmark-on-serving-gpu      | gpu-foreign-process          | gpu-foreign-process (high)       | latency-regression             |
// | h9-pooled-5xx-client-retry-storm                | errors-under-load            | errors-in-service (medium)       | saturation                     |
// | h9-pooled-p99-feature-store-read-timeouts       | dependency-slow-or-exhausted | intermittent-slow-path (high)    | dependency-slow-or-exhausted   |
// | h9-pooled-slow-cuda-provider-fell-back-to-cpu   | image-dependency-mismatch    | gpu-idle-service-slow (high)     | latency-regression             |
// | h9-profile-one-replica-of-four-slow             | intermittent-slow-path       | (none), severity info            | -                              |
// | h9-oom-evicted-node-disk-full-of-model-cache    | disk-full                    | node-memory-pressure (medium)    | -                              |
// | h9-gpu-dcgm-url-reaches-node-exporter           | gpu-monitoring-unavailable   | gpu-monitoring-unavailable (med) | -                              |
// | h9-pooled-accuracy-model-4bit-by-mistake        | golden-outputs-regressed     | golden-outputs-regressed (high)  | -                              |
// | h9-pooled-accuracy-older-model-pinned           | wrong-model-deployed         | wrong-model-deployed (high)      | -                              |
// | h9-model-imagenet-normalisation                 | preprocessing-scale-changed  | preprocessing-scale-changed (hi) | -                              |
// | h9-profile-model-256mb-embedding-cold-start     | cold-start-high              | data-movement-dominant (high)    | -                              |
// | h9-drift-lactate-from-previous-bed-occupant     | feature-pipeline-change      | feature-pipeline-change (high)   | -                              |
// | h9-drift-riverside-lactate-mg-dl                | feature-unit-change          | feature-pipeline-change (high)   | feature-unit-change            |
// | h9-drift-north-feed-replayed-three-times        | sampling-problem             | category-mix-change (medium)     | -                              |
// | h9-drift-east-heart-and-resp-rate-swapped       | feature-columns-swapped      | feature-pipeline-change (high)   | feature-location-shift         |
// | h9-pooled-accuracy-export-samples-icu-only      | sampling-problem             | feature-pipeline-change (high)   | population-shift               |
// | h9-drift-healthy-winter-week                    | (healthy)                    | feature-location-shift (high)    | -                              |
// | h9-logs-healthy-ort-start-warnings              | (healthy)                    | quiet                            | -                              |
// | h9-pooled-healthy-int8-within-tolerance         | (healthy)                    | quiet                            | -                              |
// | h9-health-healthy-heavy-model-inside-slo        | (healthy)                    | quiet (severity info)            | -                              |
//
// Faults: top-1 6/16 (37.5 %), top-2 8/16 (50.0 %); healthy controls quiet 3/4; no errors.
// What the reports showed for the misses:
// - client-retry-storm: saturation scored highest (7, high: 4.7 requests queued on average, 74 % of
//   requests answered 503), yet errors-in-service (2, medium, with "the failures are load shedding"
//   against it) was ranked above it; errors-under-load was not listed (no concurrency sweep ran).
// - cuda-provider-fell-back-to-cpu: the ORT provider-load failure was recognised and
//   image-dependency-mismatch scored highest (7, high), but it ranked third behind
//   gpu-idle-service-slow (6) and latency-regression (5), both of which carry the reported "slow".
// - feature-store-read-timeouts: the urllib3 ReadTimeoutError lines were recognised as an upstream
//   timeout but counted against as "absorbed by retries: 24 of 24 announce a retry", so the
//   separate cluster of slow requests (6.9 % at 250–500 ms) put intermittent-slow-path first; the
//   ten probe requests missed the spikes and put 85 % of their server time in inference.
// - one-replica-of-four-slow: nothing listed, severity info, though p99/p50 was 5.94 at
//   concurrency 1 and inference owned 91.9 % of the slowest requests' extra time.
// - evicted-node-disk-full: the ephemeral-storage eviction was read as node-memory-pressure (3,
//   medium, with "node reports no memory pressure" against it); DiskPressure True, the image GC
//   failure and "Attempting to reclaim ephemeral-storage" were shown as evidence, disk-full not listed.
// - 256mb-embedding-cold-start: cold start 1445 ms measured (100 % of a first request), but
//   cold-start-high was not listed; Gather holding 100 % of a 7 µs run gave data-movement-dominant.
// - riverside-lactate-mg-dl: "15 % of current rows ≈ the reference ×10" was seen (feature-unit-change,
//   6), but the broken correlation with heart rate (0.60 → 0.22) put feature-pipeline-change (7) first.
// - north-feed-replayed: only the site mix moved (Jensen–Shannon 0.18): category-mix-change;
//   the duplicated rows were not remarked on.
// - east-heart-and-resp-rate-swapped: read as a pipeline change (both columns bimodal, their
//   correlation 0.64 → −0.83); a swap in one site's 20 % of rows was not recognised as a swap.
// - export-samples-icu-only: "every current row is ICU" was seen (sampling-problem, 4, high), but
//   feature-pipeline-change (6) and population-shift (5) ranked above it.
// - healthy-winter-week: temp_c +0.19 reference sd (normed Wasserstein 0.19), the only drifted
//   feature, read as feature-location-shift (high).
