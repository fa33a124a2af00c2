// A seventh held-out round, written by a session that changed no rule, diagnostic or cause for it
// and read neither the causes catalogue nor the engine nor the log signatures nor the diagnostics'
// observation code. Its theme: investigations the way an on-call engineer runs them — several
// diagnostics' results ranked together with the words a person types ("5xx since this morning",
// "slow since the deploy", "accuracy dropped", "wrong answers", "pods restarting", "p99 spikes"),
// most of them misleading combinations: a real cause in one diagnostic next to an innocent-looking
// anomaly in another (an old rollout next to a fresh GPU memory fault, a rollout that changed only
// the log level next to a GPU in hardware thermal slowdown, a harmless drift in one feature next
// to a serving error or a colour-channel swap, telemetry that cannot be read next to a slower
// service, a small second GPU process next to a crash-looping revision), and single-diagnostic
// faults of kinds no earlier round injected (a dead ReLU layer, requests scaled 0–255, an image
// buffer reshaped instead of transposed, NaN in a request, a URL that reaches another service).
// Models are built with test/support/onnx-builder.ts and request tensors written as NumPy .npy
// here. Drift uses a domain not used before: request metadata of a retail product-photo
// classifier. The expected top cause was chosen from the list of cause ids and titles and written
// into each `injected` before the first run; where no cause fits, the nearest id is given and
// marked "(no such cause)". Controls look alarming but are fine.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { type FaultsPatch } from '../../examples/model-server/server.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { rankerScenario, type KubeApiStandInOptions } from '../../test/support/kube-api-stand-in.ts';
import { buildModel, ELEM } from '../../test/support/onnx-builder.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { editGpu, gpuOnSmi, H100_UUID, recorded } from './gpu.ts';
import { onServer } from './health.ts';
import { runOnLog, stamped } from './logs.ts';
import { profileEndpoint as profileWithBody, together, weights, withTemp, normal, round, clamp, pick, npy, type Random, driftOnRows } from '../support/scenario-kit.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


// ── models ───────────────────────────────────────────────────────────────────────────────────────
/** Deterministic weights in [-0.05, 0.05) (× `scale`). */
const filled = (n: number, v: number) => new Float32Array(n).fill(v);

/** A product-photo classifier head: x [batch, 3, 32, 32] → GlobalAveragePool → Flatten → MatMul [3, 5] → Softmax: 5 classes from the colour means. */
function photoModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'image', elemType: ELEM.float, dims: ['batch', 3, 32, 32] }],
    outputs: [{ name: 'probs', elemType: ELEM.float, dims: ['batch', 5] }],
    initializers: [{ name: 'w', dims: [3, 5], values: weights(15, 71, 40) }],
    nodes: [
      { opType: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
      { opType: 'Flatten', inputs: ['pooled'], outputs: ['flat'], ints: { axis: 1 } },
      { opType: 'MatMul', inputs: ['flat', 'w'], outputs: ['logits'] },
      { opType: 'Softmax', inputs: ['logits'], outputs: ['probs'], ints: { axis: 1 } },
    ],
  });
}

/**
 * A churn scorer x [batch, 16] whose exported loss-aware head computes log(p − 1) where the
 * training code had log(1 − p): Sigmoid < 1, so Sub gives a negative number and Log NaN for every
 * input; the last MatMul carries it to the output.
 */
function signFlippedLogModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 16] }],
    outputs: [{ name: 'score', elemType: ELEM.float, dims: ['batch', 1] }],
    initializers: [
      { name: 'w1', dims: [16, 8], values: weights(128, 72, 10) },
      { name: 'one', dims: [], values: Float32Array.of(1) },
      { name: 'w2', dims: [8, 1], values: weights(8, 73, 10) },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
      { opType: 'Sigmoid', inputs: ['h'], outputs: ['p'] },
      { opType: 'Sub', inputs: ['p', 'one'], outputs: ['p_minus_1'] },
      { opType: 'Log', inputs: ['p_minus_1'], outputs: ['log_term'] },
      { opType: 'MatMul', inputs: ['log_term', 'w2'], outputs: ['score'] },
    ],
  });
}

/**
 * x [batch, 32] → MatMul [32, 64] → Add bias → Relu → MatMul [64, 4]. The hidden bias was
 * written by a broken int8 calibration step as −40 for every unit: pre-activations are about −40,
 * so the Relu outputs zeros for every input and the model answers the same constant.
 */
function deadReluModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 32] }],
    outputs: [{ name: 'y', elemType: ELEM.float, dims: ['batch', 4] }],
    initializers: [
      { name: 'w1', dims: [32, 64], values: weights(32 * 64, 74, 10) },
      { name: 'b1', dims: [64], values: filled(64, -40) },
      { name: 'w2', dims: [64, 4], values: weights(256, 75, 10) },
      { name: 'b2', dims: [4], values: Float32Array.of(0.1, -0.2, 0.05, 0.3) },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
      { opType: 'Add', inputs: ['h', 'b1'], outputs: ['hb'] },
      { opType: 'Relu', inputs: ['hb'], outputs: ['a'] },
      { opType: 'MatMul', inputs: ['a', 'w2'], outputs: ['logits'] },
      { opType: 'Add', inputs: ['logits', 'b2'], outputs: ['y'] },
    ],
  });
}

/** A fraud scorer over 16 engineered features: x [batch, 16] → MatMul → Relu → MatMul → Sigmoid. */
function fraudModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'features', elemType: ELEM.float, dims: ['batch', 16] }],
    outputs: [{ name: 'fraud_probability', elemType: ELEM.float, dims: ['batch', 1] }],
    initializers: [
      { name: 'w1', dims: [16, 24], values: weights(16 * 24, 76, 10) },
      { name: 'w2', dims: [24, 1], values: weights(24, 77, 10) },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['features', 'w1'], outputs: ['h'] },
      { opType: 'Relu', inputs: ['h'], outputs: ['a'] },
      { opType: 'MatMul', inputs: ['a', 'w2'], outputs: ['logit'] },
      { opType: 'Sigmoid', inputs: ['logit'], outputs: ['fraud_probability'] },
    ],
  });
}


const H = 32;
const W = 32;
/**
 * A product photo in [0, 1], channel-first (3, 32, 32): a warm-lit wooden item on a pale
 * background — red brighter than green, green brighter than blue (means about 0.62 / 0.48 / 0.31)
 * — with a vertical gradient and seeded noise.
 */
function photoCHW(seed: number): Float32Array {
  const r = seededRandom(seed);
  const means = [0.62, 0.48, 0.31];
  const out = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) out[c * H * W + y * W + x] = clamp(means[c]! + 0.12 * (y / H - 0.5) + 0.05 * Math.sin(x / 3) + normal(r, 0, 0.04), 0, 1);
  return out;
}
/** The same photo with its colour channels in reverse order (BGR, as OpenCV decodes). */
const bgr = (chw: Float32Array) => {
  const out = new Float32Array(chw.length);
  for (let c = 0; c < 3; c++) out.set(chw.subarray((2 - c) * H * W, (3 - c) * H * W), c * H * W);
  return out;
};
/** The photo as a decoder hands it over (height, width, channel), reshaped to (3, 32, 32) with np.reshape instead of transposed. */
const reshapedNotTransposed = (chw: Float32Array) => {
  const out = new Float32Array(chw.length);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) out[(y * W + x) * 3 + c] = chw[c * H * W + y * W + x]!;
  return out;
};
const times255 = (chw: Float32Array) => chw.map((v) => Math.round(v * 255));

/** `model <built model> <flags>`, with request tensors written beside it (`@name` in flags is replaced by the file's path). */
function modelOn(bytes: Uint8Array, flags: string, tensors: Record<string, Uint8Array> = {}): Promise<DiagnosticResult[]> {
  return withTemp('heldout7', async (dir) => {
    const file = join(dir, 'model.onnx');
    await writeFile(file, bytes);
    let line = `model ${file} ${flags}`;
    for (const [name, data] of Object.entries(tensors)) {
      const path = join(dir, name);
      await writeFile(path, data);
      line = line.replaceAll(`@${name}`, path);
    }
    return [await runCommandLine(line.trim())];
  });
}
const modelFixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/model/${name}`, import.meta.url));

/** One transaction's 16 standardised features for the fraud scorer (about N(0, 1) each). */
function transaction(seed: number, width = 16): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: width }, () => round(normal(r), 4));
}

// ── drift: request metadata of a retail product-photo classifier ─────────────────────────────────
interface PhotoRequest {
  image_width: number;
  image_height: number;
  brightness: number;
  jpeg_quality: number;
  file_kb: number;
  merchant_tier: string;
  upload_source: string;
  upload_hour: number;
}
function photoRequest(r: Random, hourShift = 0): PhotoRequest {
  const source = pick(r, ['mobile_app', 'web_upload', 'bulk_api'], [0.5, 0.3, 0.2]);
  const side = source === 'bulk_api' ? 1600 : pick(r, [1080, 1200, 1440], [0.5, 0.3, 0.2]);
  const quality = Math.round(clamp(normal(r, source === 'mobile_app' ? 82 : 90, 5), 50, 100));
  return {
    image_width: side,
    image_height: Math.round(side * pick(r, [1, 1.25, 0.75], [0.6, 0.25, 0.15])),
    brightness: round(clamp(normal(r, 0.54, 0.09), 0, 1), 3),
    jpeg_quality: quality,
    file_kb: round(Math.exp(normal(r, Math.log(side / 4 + quality * 3), 0.25))),
    merchant_tier: pick(r, ['gold', 'silver', 'bronze', 'new'], [0.15, 0.35, 0.4, 0.1]),
    upload_source: source,
    upload_hour: ((Math.round(normal(r, 13 + hourShift, 3.5)) % 24) + 24) % 24,
  };
}
function photoRequests(n: number, seed: number, change?: (row: PhotoRequest, r: Random) => PhotoRequest, hourShift = 0): PhotoRequest[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const row = photoRequest(r, hourShift);
    return change ? change(row, r) : row;
  });
}
const driftOn = (reference: PhotoRequest[], current: PhotoRequest[]) => driftOnRows('heldout7', reference, current);
const N = 3000;
const REF = () => photoRequests(N, 7001);
/** Holiday shopping: uploads come about 1.2 h later in the day (≈ 0.35 sd); every other feature as before. */
const holidayHours = (seed: number) => photoRequests(N, seed, undefined, 1.2);

// ── live server / endpoint profile ───────────────────────────────────────────────────────────────
/** One 32 ms clip of a 520 Hz tone: a valid /predict body. */
const BODY = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Number((0.3 * Math.sin((2 * Math.PI * 520 * i) / 16000)).toFixed(5))) });
const profileEndpoint = (faults: FaultsPatch, flags: string) => profileWithBody(faults, flags, BODY, 71);

/**
 * The URL's port belongs to another service: an nginx sidecar that serves static assets and
 * answers 404 (nginx's own page) to /health, /metrics and everything else the debugger asks.
 */
async function healthOnOtherService(): Promise<DiagnosticResult[]> {
  const page = '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n';
  const server = createServer((_req, res) => {
    res.writeHead(404, { server: 'nginx/1.25.3', 'content-type': 'text/html' });
    res.end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return [await runCommandLine(`health http://127.0.0.1:${(server.address() as AddressInfo).port} --interval 1s`)];
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

// ── gpu ──────────────────────────────────────────────────────────────────────────────────────────
/** The serving H100 after its memory failed overnight: 12 uncorrectable ECC errors since boot, and row remapping failed (no spare rows left). */
function eccRemapFailedSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'utilization.gpu': '41', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000', 'ecc.errors.uncorrected.volatile.total': '12', 'ecc.errors.uncorrected.aggregate.total': '12' });
  t.remap = `${H100_UUID}, 9, No, Yes\n`;
  return t;
}
/** A failed fan: 94 °C, hardware slowdown and hardware thermal slowdown active (0x48), SM at 1020 of 1980 MHz at 96 % utilisation. */
function hwThermalSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'utilization.gpu': '96', 'temperature.gpu': '94', 'power.draw': '371.40', 'clocks.sm': '1020', 'clocks_throttle_reasons.active': '0x0000000000000048' });
  return t;
}
/** vLLM-style preallocation: the serving process holds 72 GiB by design, 47 % utilisation, full clocks. */
function preallocatedSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '73770', 'memory.free': '7789', 'utilization.gpu': '47', 'power.draw': '352.80', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  t.apps = t.apps.replace('19684', '73728');
  return t;
}
/** Busy and healthy: 100 % utilisation, 24 % of memory, full clocks, 640 of 700 W, no throttle reason. */
function busyHealthySmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'utilization.gpu': '100', 'temperature.gpu': '67', 'power.draw': '640.20', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  return t;
}
/** The node's DCGM exporter holding 512 MiB next to the server (a second process on the GPU, harmless). */
function exporterOnGpuSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '20205', 'memory.free': '60875' });
  t.apps += `2981, nv-hostengine, ${H100_UUID}, 512\n`;
  return t;
}
/** The debugger's worker on that node runs without the NVIDIA container runtime: nvidia-smi is not on its PATH. */
const noNvidiaSmi = () => runCommandLine('gpu gpu-node-3', { nodeName: 'gpu-node-3', runCommand: async () => ({ stdout: '', stderr: '', exitCode: null, notFound: true }) });

// ── changes ──────────────────────────────────────────────────────────────────────────────────────
/** Pods as they run after a clean rollout: no restart. */
function noRestarts(options: KubeApiStandInOptions): KubeApiStandInOptions {
  for (const { pod } of options.pods) {
    const status = (pod as Json).status.containerStatuses[0] as Json | undefined;
    if (status) Object.assign(status, { restartCount: 0, lastState: {} });
  }
  return options;
}
/** Revision 12, 15 min ago, keeps image 3.1.4, FEATURE_SET and the ConfigMap, and changes only LOG_LEVEL info → warning; every pod ready, no restart. */
function logLevelOnlyRollout(): KubeApiStandInOptions {
  const options = rankerScenario('config-only');
  const rev12 = (options.replicaSets as Json[]).find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '12')!;
  const containers = [rev12.spec.template.spec.containers[0], (options.deployments![0] as Json).spec.template.spec.containers[0], ...options.pods.map(({ pod }) => (pod as Json).spec.containers[0])];
  for (const c of containers as Json[]) {
    c.env.find((e: Json) => e.name === 'FEATURE_SET').value = 'v3';
    c.env.find((e: Json) => e.name === 'LOG_LEVEL').value = 'warning';
    c.envFrom = [{ configMapRef: { name: 'ranker-config' } }];
  }
  rev12.metadata.annotations['kubernetes.io/change-cause'] = 'ranker: LOG_LEVEL warning (pipeline #4602)';
  return noRestarts(options);
}

// ── logs ─────────────────────────────────────────────────────────────────────────────────────────
const clock = (t: number) => new Date(Date.UTC(2026, 10, 22, 14, 0, 0) + t * 1000).toISOString().slice(11, 19);
const scoreAccess = (t: number, i: number, status: string): [number, string] => [t, `INFO:     10.0.6.${(i * 29) % 250}:${53000 + i} - "POST /v1/score HTTP/1.1" ${status}`];

/**
 * A scikit-learn scorer behind uvicorn: a new upstream serialiser sends missing fields as NaN.
 * sklearn's finiteness check (the text of craymichael/CNN_LCD#15 and
 * dipanjanS/practical-machine-learning-with-python#6: "ValueError: Input contains NaN, infinity or
 * a value too large for dtype('float64')." raised from sklearn/utils/validation.py
 * _assert_all_finite) fails those requests, answered 500 between normal 200s.
 */
function sklearnNanLog(): string {
  const lines: Array<[number, string]> = [
    [0, 'INFO:     Started server process [1]'],
    [0, 'INFO:     Waiting for application startup.'],
    [1, `2026-11-22 ${clock(1)},220 INFO scorer: loaded /models/churn-gbm-2.3.joblib (scikit-learn 0.24.2)`],
    [1, 'INFO:     Application startup complete.'],
    [1, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  ];
  for (let i = 0; i < 80; i++) lines.push(scoreAccess(2 + i * 3, i, '200 OK'));
  for (let i = 0; i < 18; i++) {
    const t = 245 + i * 4;
    lines.push(
      [t, `2026-11-22 ${clock(t)},518 ERROR scorer: scoring failed for customer c-${40120 + i * 7}`],
      [t, 'Traceback (most recent call last):'],
      [t, '  File "/app/scorer/api.py", line 58, in score'],
      [t, '    proba = model.predict_proba(frame)[:, 1]'],
      [t, '  File "/usr/local/lib/python3.8/site-packages/sklearn/utils/validation.py", line 106, in _assert_all_finite'],
      [t, '    msg_dtype if msg_dtype is not None else X.dtype)'],
      [t, "ValueError: Input contains NaN, infinity or a value too large for dtype('float64')."],
      scoreAccess(t, 200 + i, '500 Internal Server Error'),
      scoreAccess(t + 1, 300 + i, '200 OK'),
      scoreAccess(t + 2, 400 + i, '200 OK'),
    );
  }
  return stamped(lines);
}

/**
 * A healthy scikit-learn scorer whose every request prints sklearn's feature-names warning (the
 * text of RasmussenLab/phamb#33 and Reiyan/pflacco#12: "sklearn/base.py:450: UserWarning: X does
 * not have valid feature names, but RandomForestClassifier was fitted with feature names", then
 * "  warnings.warn("): the model was fitted on a DataFrame and is called with a NumPy array.
 */
function featureNamesWarningLog(): string {
  const lines: Array<[number, string]> = [
    [0, 'INFO:     Started server process [1]'],
    [1, `2026-11-22 ${clock(1)},104 INFO scorer: loaded /models/returns-rf-1.9.joblib (scikit-learn 1.0.2)`],
    [1, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
  ];
  for (let i = 0; i < 120; i++) {
    const t = 2 + i * 3;
    lines.push(
      [t, '/usr/local/lib/python3.9/site-packages/sklearn/base.py:450: UserWarning: X does not have valid feature names, but RandomForestClassifier was fitted with feature names'],
      [t, '  warnings.warn('],
      scoreAccess(t, i, '200 OK'),
    );
  }
  return stamped(lines);
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
export const scenarios: Scenario[] = [
  // ── pooled faults ──
  {
    name: 'h7-pooled-5xx-old-rollout-ecc-remap-failed',
    injected: '"5xx since this morning": 30 % of requests fail with 500 (health) on a deployment last rolled out 6 days ago (changes, quiet), while the node\'s H100 counts 12 uncorrectable ECC errors since boot and its row remapping failed (gpu); expected: gpu-hardware-failure',
    expect: 'gpu-hardware-failure',
    reported: ['5xx', 'since', 'this', 'morning'],
    run: () => together(onServer({ faults: { errorRate: 0.3 }, traffic: { concurrency: 3 }, seed: 71 }), changesOn(rankerScenario('quiet')), gpuOnSmi(eccRemapFailedSmi())),
  },
  {
    name: 'h7-pooled-slow-since-deploy-log-level-only',
    injected: '"slow since the deploy": every request 45 ms slower in inference than the healthy baseline (health); the deploy 15 min ago (revision 12) changed only LOG_LEVEL info → warning, every pod ready, no restart (changes); the H100 runs at 94 °C in hardware thermal slowdown, SM 1020 of 1980 MHz at 96 % (gpu); expected: gpu-throttled',
    expect: 'gpu-throttled',
    reported: ['slow', 'since', 'the', 'deploy'],
    run: () =>
      together(
        onServer({ baselineFirst: true, inject: { stages: { inference: { delayMs: 45 } } }, traffic: { concurrency: 4 }, seed: 72 }),
        changesOn(logLevelOnlyRollout()),
        gpuOnSmi(hwThermalSmi()),
      ),
  },
  {
    name: 'h7-pooled-accuracy-bgr-and-holiday-hours',
    injected: '"accuracy dropped": a new image decoder (OpenCV) hands the photo classifier BGR where it was trained on RGB — a real request\'s channel means come in reverse order against the reference request (model --inputs/--reference-inputs); the request metadata shows only uploads 1.2 h later in the day (holiday shopping, drift); expected: preprocessing-channel-order-changed',
    expect: 'preprocessing-channel-order-changed',
    reported: ['accuracy', 'dropped'],
    run: () =>
      together(
        modelOn(photoModel(), '--inputs @current.npy --reference-inputs @reference.npy', { 'current.npy': npy(bgr(photoCHW(702)), [1, 3, H, W]), 'reference.npy': npy(photoCHW(701), [1, 3, H, W]) }),
        driftOn(REF(), holidayHours(7002)),
      ),
  },
  {
    name: 'h7-pooled-wrong-answers-nan-inside-model',
    injected: '"wrong answers": the churn scorer\'s new export computes log(p − 1) instead of log(1 − p): Log of a negative number gives NaN inside the graph for every input (model --layers), while the service itself answers fast and without errors (health); expected: nan-from-layer',
    expect: 'nan-from-layer',
    reported: ['wrong', 'answers'],
    run: () => together(modelOn(signFlippedLogModel(), '--layers'), onServer({ traffic: { concurrency: 2 }, seed: 73 })),
  },
  {
    name: 'h7-pooled-5xx-sklearn-nan-input',
    injected: '"5xx": an upstream serialiser now sends missing fields as NaN, and the scikit-learn scorer fails those requests with "ValueError: Input contains NaN, infinity or a value too large for dtype(\'float64\')." and 500 (logs); the deployment was last rolled out 6 days ago (changes, quiet); expected: nan-in-request',
    expect: 'nan-in-request',
    reported: ['5xx'],
    run: () => together(runOnLog('sklearn-nan', sklearnNanLog()), changesOn(rankerScenario('quiet'))),
  },
  {
    name: 'h7-pooled-errors-client-sends-12-features',
    injected: '"errors": a caller\'s new release drops four engineered features: its request tensor is [1, 12] where the fraud scorer declares [batch, 16] (model --inputs); no rollout on the server side for 6 days (changes, quiet); expected: input-contract-broken',
    expect: 'input-contract-broken',
    reported: ['errors'],
    run: () => together(modelOn(fraudModel(), '--inputs @request.npy', { 'request.npy': npy(transaction(703, 12), [1, 12]) }), changesOn(rankerScenario('quiet'))),
  },
  {
    name: 'h7-pooled-accuracy-after-model-update',
    injected: '"accuracy dropped since the update": the new ranker (ranker-v2.onnx) computes other outputs than the one it replaced on the same inputs (model --compare ranker-v1.onnx); the new image rolled out 15 min ago cleanly (changes), and the input data is unchanged (drift, same distributions); expected: divergent-model-version',
    expect: 'divergent-model-version',
    reported: ['accuracy', 'dropped', 'since', 'the', 'update'],
    run: () =>
      together(
        runCommandLine(`model ${modelFixture('ranker-v2.onnx')} --compare ${modelFixture('ranker-v1.onnx')}`),
        changesOn(noRestarts(rankerScenario('new-image'))),
        driftOn(REF(), photoRequests(N, 7003)),
      ),
  },
  {
    name: 'h7-pooled-slow-gpu-telemetry-unreadable',
    injected: '"slow": every request 70 ms slower in inference than the healthy baseline (health) — a heavier model version; the gpu diagnostic cannot read telemetry (nvidia-smi not on the worker\'s PATH, gpu), no rollout for 6 days (changes, quiet); expected: latency-regression',
    expect: 'latency-regression',
    reported: ['slow'],
    run: () =>
      together(onServer({ baselineFirst: true, inject: { stages: { inference: { delayMs: 70 } } }, traffic: { concurrency: 4 }, seed: 74 }), noNvidiaSmi(), changesOn(rankerScenario('quiet'))),
  },
  {
    name: 'h7-pooled-5xx-postprocess-and-harmless-drift',
    injected: '"5xx": 25 % of requests fail with 500 in postprocessing (a response field the new schema validator rejects) (health), while the request metadata shows only holiday upload hours, 1.2 h later (drift); expected: errors-in-service',
    expect: 'errors-in-service',
    reported: ['5xx'],
    run: () => together(onServer({ faults: { stages: { postprocess: { errorRate: 0.25 } } }, traffic: { concurrency: 3 }, seed: 75 }), driftOn(REF(), holidayHours(7004))),
  },
  {
    name: 'h7-pooled-slow-cpu-preprocess-gpu-preallocated',
    injected: '"slow under load": image decoding in preprocessing burns 9 ms of CPU per request, so throughput stays flat from concurrency 1 to 8 and the preprocess stage owns the time (profile), while the serving process holds 72 GiB of the H100 by design at 47 % utilisation (gpu); expected: cpu-bound-pre-post',
    expect: 'cpu-bound-pre-post',
    reported: ['slow', 'under', 'load'],
    run: () => together(profileEndpoint({ stages: { preprocess: { cpuMs: 9 } } }, '--concurrency 1,4,8 --iterations 150 --duration 1.5s'), gpuOnSmi(preallocatedSmi())),
  },
  {
    name: 'h7-pooled-restarting-crash-loop-exporter-on-gpu',
    injected: '"pods restarting": revision 12 (8 min ago) crash-loops since it rolled out (changes), while a second process on the H100 — the node\'s DCGM host engine holding 512 MiB — sits next to the server (gpu); expected: crash-loop-after-change',
    expect: 'crash-loop-after-change',
    reported: ['pods', 'restarting'],
    run: () => together(changesOn(rankerScenario('crash-loop')), gpuOnSmi(exporterOnGpuSmi())),
  },
  // ── single-diagnostic faults of new kinds ──
  {
    name: 'h7-model-dead-relu-after-calibration',
    injected: 'a broken int8 calibration wrote −40 into every hidden bias: the Relu layer outputs zeros for every input and the model answers one constant (model --layers); expected: dead-or-saturated-layers',
    expect: 'dead-or-saturated-layers',
    run: () => modelOn(deadReluModel(), '--layers'),
  },
  {
    name: 'h7-model-request-pixels-0-255',
    injected: 'the photo client dropped its /255 normalisation: a real request\'s pixels arrive as 0–255 while the reference request holds 0–1 (model --inputs/--reference-inputs); expected: preprocessing-scale-changed',
    expect: 'preprocessing-scale-changed',
    run: () =>
      modelOn(photoModel(), '--inputs @current.npy --reference-inputs @reference.npy', { 'current.npy': npy(times255(photoCHW(704)), [1, 3, H, W]), 'reference.npy': npy(photoCHW(701), [1, 3, H, W]) }),
  },
  {
    name: 'h7-model-reshape-instead-of-transpose',
    injected: 'the client turns the decoder\'s (32, 32, 3) array into (1, 3, 32, 32) with np.reshape instead of a transpose: the shape fits, but the buffer is channel-last (interleaved RGB) against a channel-first reference (model --inputs/--reference-inputs); expected: preprocessing-layout-changed',
    expect: 'preprocessing-layout-changed',
    run: () =>
      modelOn(photoModel(), '--inputs @current.npy --reference-inputs @reference.npy', {
        'current.npy': npy(reshapedNotTransposed(photoCHW(705)), [1, 3, H, W]),
        'reference.npy': npy(photoCHW(701), [1, 3, H, W]),
      }),
  },
  {
    name: 'h7-model-request-holds-nan',
    injected: 'a caller encodes a missing merchant-age feature as NaN: the fraud scorer\'s request tensor [1, 16] holds NaN in two places before the model runs (model --inputs); expected: nan-in-request',
    expect: 'nan-in-request',
    run: () => {
      const x = transaction(706);
      x[3] = Number.NaN;
      x[11] = Number.NaN;
      return modelOn(fraudModel(), '--inputs @request.npy', { 'request.npy': npy(x, [1, 16]) });
    },
  },
  {
    name: 'h7-health-url-reaches-nginx-sidecar',
    injected: 'the URL names the pod\'s port 8080, which is the nginx asset sidecar, not the model server (8000): every path, /health and /metrics included, answers nginx\'s 404 page; expected: wrong-url',
    expect: 'wrong-url',
    run: () => healthOnOtherService(),
  },
  // ── pooled controls ──
  {
    name: 'h7-pooled-healthy-accuracy-config-rollout',
    injected: 'none: "accuracy dropped" reported, but the config-only rollout 15 min ago (LOG_LEVEL only) runs cleanly (changes), the request metadata shows only holiday upload hours (drift), and the served ranker reproduces its golden outputs (model --golden)',
    expect: null,
    reported: ['accuracy', 'dropped'],
    run: () =>
      together(changesOn(logLevelOnlyRollout()), driftOn(REF(), holidayHours(7005)), runCommandLine(`model ${modelFixture('ranker-v1.onnx')} --golden ${modelFixture('golden-v1')}`)),
  },
  {
    name: 'h7-pooled-healthy-5xx-busy-gpu-fresh-image',
    injected: 'none: "5xx" reported (the errors were a client\'s), but the server answers every request (health), the new image rolled out 15 min ago with every pod ready and no restart (changes), and the H100 is at 100 % utilisation doing its work (gpu)',
    expect: null,
    reported: ['5xx'],
    run: () => together(onServer({ traffic: { concurrency: 2 }, seed: 76 }), changesOn(noRestarts(rankerScenario('new-image'))), gpuOnSmi(busyHealthySmi())),
  },
  {
    name: 'h7-pooled-healthy-p99-sklearn-warnings',
    injected: 'none: "p99 spikes" reported, but 3 % of requests are only 12 ms slower, inside a 100 ms objective (health), the scorer\'s log repeats sklearn\'s harmless "X does not have valid feature names" warning next to 200s (logs), the H100 serves normally (gpu)',
    expect: null,
    reported: ['p99', 'spikes'],
    run: () =>
      together(
        onServer({ faults: { stages: { inference: { spikeProbability: 0.03, spikeMs: 12 } } }, traffic: { concurrency: 2 }, flags: '--slo-p99 100', seed: 77 }),
        runOnLog('sklearn-warnings', featureNamesWarningLog()),
        gpuOnSmi(recorded()),
      ),
  },
  {
    name: 'h7-pooled-healthy-wrong-answers-same-inputs',
    injected: 'none: "wrong answers" reported, but a real request\'s photo matches the reference request (same RGB order, scale and layout, another photo; model --inputs/--reference-inputs), and the request metadata is unchanged (drift, same distributions)',
    expect: null,
    reported: ['wrong', 'answers'],
    run: () =>
      together(
        modelOn(photoModel(), '--inputs @current.npy --reference-inputs @reference.npy', { 'current.npy': npy(photoCHW(707), [1, 3, H, W]), 'reference.npy': npy(photoCHW(701), [1, 3, H, W]) }),
        driftOn(REF(), photoRequests(N, 7006)),
      ),
  },
];
