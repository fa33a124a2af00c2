// A fourth held-out round, written by a session that changed no rule, diagnostic or cause for it
// and read neither the causes catalogue nor the engine nor the diagnostics' observation code:
// faults that no earlier scenario injects, to measure how the ranking generalises. The expected
// top cause was chosen from the list of cause ids and titles and written into each `injected`
// before the first run; where no cause fits what a user would expect named, the nearest id is
// given and marked "(no such cause)".
// Live server: the sample model server with a serialiser that got slower than the last healthy
// run, and a quiet control. Endpoint profile: a fixed batcher wait before any work. Models (built
// with test/support/onnx-builder.ts): a convolution stack, and an export whose weight product is
// recomputed on every run because constants were not folded. Drift: a NEW domain, consumer-loan
// credit scoring (a partner sending amounts in SEK, a bureau vendor swapped, a loan-purpose mix
// moved by a broker campaign, a column dropped from the export; control: a zero-inflated balance).
// Logs: real error texts (sources beside them) — NaN sampling probabilities, tensors on two
// devices, a CUDA-graph capture failure in vLLM, an ONNX IR version the runtime cannot read;
// control: a healthy vLLM log whose INFO lines speak of out-of-memory and graph capture. GPU: the
// recorded H100 with its clocks capped by an applications-clocks setting. Changes: a revision
// that now asks for a GPU no node has free. OOM: the container killed while loading checkpoint
// shards. Pooled: a slow CPU-bound service next to an idle GPU; 500s next to nvidia-smi's "Failed
// to initialize NVML: Unknown Error"; and a healthy pooled control.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FaultsPatch } from '../../examples/model-server/server.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { fixtureJson, llmServerScenario, rankerScenario, type KubeApiStandInOptions } from '../../test/support/kube-api-stand-in.ts';
import { buildModel, ELEM } from '../../test/support/onnx-builder.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { editGpu, gpuOnSmi, recorded } from './gpu.ts';
import { onServer } from './health.ts';
import { runOnLog, stamped, traffic } from './logs.ts';
import { oomOn } from './oom.ts';
import { profileEndpoint as profileWithBody, profileModel, together, weights, withTemp } from '../support/scenario-kit.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Random = () => number;

// ── endpoint profile ─────────────────────────────────────────────────────────────────────────────
/** One 32 ms clip of a 440 Hz tone: a valid /predict body. */
const BODY = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Number((0.35 * Math.sin((2 * Math.PI * 440 * i) / 16000)).toFixed(5))) });
const profileEndpoint = (faults: FaultsPatch, flags: string) => profileWithBody(faults, flags, BODY, 41);

// ── models ───────────────────────────────────────────────────────────────────────────────────────

/** x [batch, 16, 32, 32] → Conv 3×3 (32 filters) → Relu → Conv 3×3 (16 filters) → y [batch, 16, 28, 28]: a small CNN trunk. */
function convStackModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 16, 32, 32] }],
    outputs: [{ name: 'y', elemType: ELEM.float, dims: ['batch', 16, 28, 28] }],
    initializers: [
      { name: 'w1', dims: [32, 16, 3, 3], values: weights(32 * 16 * 9, 11) },
      { name: 'w2', dims: [16, 32, 3, 3], values: weights(16 * 32 * 9, 12) },
    ],
    nodes: [
      { opType: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'] },
      { opType: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { opType: 'Conv', inputs: ['r1', 'w2'], outputs: ['y'] },
    ],
  });
}

/**
 * x [batch, 384] → MatMul with (W1 · W2), where W1 and W2 are two 384×384 initializers multiplied
 * inside the graph: an export that did not fold constants, so without graph optimisation every
 * run recomputes a 384³ product that constant folding turns into one stored matrix.
 */
function unfoldedConstantsModel(width = 384): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', width] }],
    outputs: [{ name: 'y', elemType: ELEM.float, dims: ['batch', width] }],
    initializers: [
      { name: 'w1', dims: [width, width], values: weights(width * width, 21) },
      { name: 'w2', dims: [width, width], values: weights(width * width, 22) },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['w1', 'w2'], outputs: ['w'] },
      { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] },
    ],
  });
}

// ── drift: a consumer-loan credit-scoring model's application features ──────────────────────────
interface Application {
  applicant_age: number;
  annual_income: number;
  loan_amount: number;
  loan_term_months: number;
  bureau_score: number;
  debt_to_income: number;
  open_credit_lines: number;
  revolving_balance: number;
  loan_purpose: string;
  employment_type?: string;
  channel: string;
}
const normal = (r: Random, mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, d = 0) => Number(x.toFixed(d));
const pick = <T>(r: Random, values: readonly T[], weights: readonly number[]): T => {
  let u = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < values.length; i++) if ((u -= weights[i]!) < 0) return values[i]!;
  return values[values.length - 1]!;
};
const PURPOSES = ['debt_consolidation', 'home_improvement', 'car', 'medical', 'education', 'business', 'other'] as const;
const PURPOSE_SHARES = [0.38, 0.18, 0.16, 0.08, 0.08, 0.07, 0.05];
const EMPLOYMENT = ['salaried', 'self_employed', 'contract', 'retired', 'unemployed'] as const;
const CHANNELS = ['web', 'branch', 'broker'] as const;

function application(r: Random, purposeShares: readonly number[] = PURPOSE_SHARES): Application {
  return {
    applicant_age: Math.round(clamp(normal(r, 38, 11), 18, 80)),
    annual_income: round(Math.exp(normal(r, Math.log(52_000), 0.5)) / 100) * 100,
    loan_amount: round(Math.exp(normal(r, Math.log(12_000), 0.7)) / 50) * 50,
    loan_term_months: pick(r, [12, 24, 36, 48, 60], [0.1, 0.2, 0.35, 0.15, 0.2]),
    bureau_score: Math.round(clamp(normal(r, 690, 55), 300, 850)),
    debt_to_income: round(clamp(normal(r, 0.28, 0.1), 0, 0.9), 3),
    open_credit_lines: Math.max(0, Math.round(Math.exp(normal(r, 1.8, 0.5)))),
    // A third of applicants carry no revolving balance at all; the rest a long-tailed one.
    revolving_balance: r() < 0.3 ? 0 : round(Math.exp(normal(r, Math.log(4000), 1.0))),
    loan_purpose: pick(r, PURPOSES, purposeShares),
    employment_type: pick(r, EMPLOYMENT, [0.62, 0.16, 0.12, 0.06, 0.04]),
    channel: pick(r, CHANNELS, [0.45, 0.3, 0.25]),
  };
}

function applications(n: number, seed: number, change?: (a: Application, r: Random) => Application, make: (r: Random) => Application = (r) => application(r)): Application[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const a = make(r);
    return change ? change(a, r) : a;
  });
}

async function driftOn(reference: Application[], current: Application[]): Promise<DiagnosticResult[]> {
  const csv = (rows: Application[]) => {
    const cols = Object.keys(rows[0]!) as Array<keyof Application>;
    return `${[cols.join(','), ...rows.map((row) => cols.map((c) => String(row[c] ?? '')).join(','))].join('\n')}\n`;
  };
  return withTemp('heldout4', async (dir) => {
    await writeFile(join(dir, 'reference.csv'), csv(reference));
    await writeFile(join(dir, 'current.csv'), csv(current));
    return [await runCommandLine(`drift ${join(dir, 'reference.csv')} ${join(dir, 'current.csv')}`)];
  });
}

const N = 3000;
const REF = () => applications(N, 4001);
/** SEK per EUR, roughly. */
const SEK = 11.2;

// ── logs ─────────────────────────────────────────────────────────────────────────────────────────
/** `[t, line]` pairs, all at one time. */
const at = (t: number, lines: string[]): Array<[number, string]> => lines.map((l) => [t, l]);
const access = (t: number, i: number, status: string, path = '/v1/predict'): [number, string] => [t, `INFO:     10.0.5.${(i * 13) % 250}:${51000 + i} - "POST ${path} HTTP/1.1" ${status}`];

const NAN_SAMPLING = [
  'ERROR server: generation failed (request_id=chat-%ID%)',
  'Traceback (most recent call last):',
  '  File "/app/server.py", line 112, in generate',
  '    output = model.generate(**inputs, do_sample=True, temperature=0.7, max_new_tokens=512)',
  '  File "/usr/local/lib/python3.11/site-packages/transformers/generation/utils.py", line 3254, in _sample',
  '    next_tokens = torch.multinomial(probs, num_samples=1).squeeze(1)',
  // torch.multinomial's check, as quoted in InternLM/InternLM#459 and QwenLM/Qwen#848 (fp16 inference of bf16-trained weights)
  'RuntimeError: probability tensor contains either `inf`, `nan` or element < 0',
];
const TWO_DEVICES = [
  'ERROR server: prediction failed for batch of 8',
  'Traceback (most recent call last):',
  '  File "/app/server.py", line 64, in predict',
  '    logits = self.model(input_ids, attention_mask)',
  '  File "/app/model.py", line 51, in forward',
  '    return self.intent_head(pooled)',
  '  File "/usr/local/lib/python3.11/site-packages/torch/nn/modules/linear.py", line 125, in forward',
  '    return F.linear(input, self.weight, self.bias)',
  // PyTorch's device check, verbatim as in kijai/ComfyUI-FluxTrainer#116 (and wmyw96/FAST-NN#1 for mat2/wrapper_mm)
  'RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0! (when checking argument for argument mat1 in method wrapper_CUDA_addmm)',
];
// vLLM's own capture notice (model_runner.py; quoted in vllm-project/vllm#11349 and LMCache/LMCache#503)
const CAPTURE_NOTICE =
  "Capturing cudagraphs for decoding. This may lead to unexpected consequences if the model is not static. To run the model in eager mode, set 'enforce_eager=True' or use '--enforce-eager' in the CLI. If out-of-memory error occurs during cudagraph capture, consider decreasing `gpu_memory_utilization` or switching to eager mode. You can also reduce the `max_num_seqs` as needed to decrease memory usage.";
function vllmCaptureFails(minute: number): string[] {
  const m = String(minute).padStart(2, '0');
  return [
    `INFO 11-22 14:${m}:03 api_server.py:585] vLLM API server version 0.6.4.post1`,
    `INFO 11-22 14:${m}:03 llm_engine.py:249] Initializing an LLM engine (v0.6.4.post1) with config: model='meta-llama/Llama-3.2-11B-Vision-Instruct', dtype=torch.bfloat16, max_seq_len=8192, tensor_parallel_size=1, enforce_eager=False`,
    `INFO 11-22 14:${m}:41 model_runner.py:1077] Loading model weights took 19.9073 GB`,
    `INFO 11-22 14:${m}:47 gpu_executor.py:122] # GPU blocks: 8216, # CPU blocks: 1638`,
    `INFO 11-22 14:${m}:49 model_runner.py:1400] ${CAPTURE_NOTICE}`,
    // the capture failure of vllm-project/vllm#10416 and #9341 (mllama on vLLM 0.6.x)
    'Traceback (most recent call last):',
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/worker/model_runner.py", line 1724, in capture',
    '    output_hidden_or_intermediate_states = self.model(',
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/model_executor/models/mllama.py", line 1233, in forward',
    '    skip_cross_attention = max(attn_metadata.encoder_seq_lens) == 0',
    'RuntimeError: CUDA error: operation not permitted when stream is capturing',
    'CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.',
    'For debugging consider passing CUDA_LAUNCH_BLOCKING=1',
    'Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.',
  ];
}
const ORT_IR_VERSION = [
  '2026-11-22 14:00:01,210 INFO server: loading /mnt/models/fraud-scorer/model.onnx with onnxruntime 1.16.3',
  'Traceback (most recent call last):',
  '  File "/app/server.py", line 27, in <module>',
  '    session = ort.InferenceSession(MODEL_PATH, providers=["CPUExecutionProvider"])',
  '  File "/usr/local/lib/python3.10/site-packages/onnxruntime/capi/onnxruntime_inference_collection.py", line 419, in __init__',
  '    self._create_inference_session(providers, provider_options, disabled_optimizers)',
  '  File "/usr/local/lib/python3.10/site-packages/onnxruntime/capi/onnxruntime_inference_collection.py", line 472, in _create_inference_session',
  '    sess = C.InferenceSession(session_options, self._model_path, True, self._read_config_from_model)',
  // verbatim from microsoft/onnxruntime#20559 (a model saved by onnx 1.16, IR 10, loaded by onnxruntime 1.16)
  'onnxruntime.capi.onnxruntime_pybind11_state.Fail: [ONNXRuntimeError] : 1 : FAIL : Load model from /mnt/models/fraud-scorer/model.onnx failed:/onnxruntime_src/onnxruntime/core/graph/model.cc:179 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, const onnxruntime::IOnnxRuntimeOpSchemaRegistryList*, const onnxruntime::logging::Logger&, const onnxruntime::ModelOptions&) Unsupported model IR version: 10, max supported IR version: 9',
];
/** A healthy vLLM start and an hour of serving (lines as vLLM 0.6 prints them; the capture lines as in vllm-project/vllm#11349). */
function healthyVllm(): string {
  return stamped([
    [0, 'INFO 11-22 14:00:03 api_server.py:585] vLLM API server version 0.6.4.post1'],
    [0, "INFO 11-22 14:00:03 llm_engine.py:249] Initializing an LLM engine (v0.6.4.post1) with config: model='Qwen/Qwen2.5-7B-Instruct', dtype=torch.bfloat16, max_seq_len=16384, tensor_parallel_size=1, enforce_eager=False"],
    [30, 'INFO 11-22 14:00:33 model_runner.py:1077] Loading model weights took 14.2487 GB'],
    [34, 'INFO 11-22 14:00:37 worker.py:232] Memory profiling results: total_gpu_memory=79.19GiB initial_memory_usage=14.76GiB peak_torch_memory=16.12GiB memory_usage_post_profile=14.89GiB non_torch_memory=0.62GiB kv_cache_size=54.53GiB gpu_memory_utilization=0.90'],
    [35, 'INFO 11-22 14:00:38 gpu_executor.py:122] # GPU blocks: 63815, # CPU blocks: 4681'],
    [35, 'INFO 11-22 14:00:38 gpu_executor.py:126] Maximum concurrency for 16384 tokens per request: 62.32x'],
    [37, `INFO 11-22 14:00:40 model_runner.py:1400] ${CAPTURE_NOTICE}`],
    [37, 'INFO 11-22 14:00:40 model_runner.py:1404] CUDA graphs can take additional 1~3 GiB memory per GPU. If you are running out of memory, consider decreasing `gpu_memory_utilization` or enforcing eager mode.'],
    [51, 'INFO 11-22 14:00:54 model_runner.py:1535] Graph capturing finished in 14 secs, took 0.21 GiB'],
    [52, 'INFO 11-22 14:00:55 api_server.py:640] Using supplied chat template:'],
    [52, 'INFO:     Started server process [1]'],
    [52, 'INFO:     Waiting for application startup.'],
    [52, 'INFO:     Application startup complete.'],
    [52, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
    ...Array.from({ length: 60 }, (_, i): Array<[number, string]> => [
      access(60 + i * 10, i, '200 OK', '/v1/chat/completions'),
      [65 + i * 10, `INFO 11-22 14:${String(1 + Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 10).padStart(2, '0')} metrics.py:449] Avg prompt throughput: ${(380 + ((i * 37) % 90)).toFixed(1)} tokens/s, Avg generation throughput: ${(110 + ((i * 11) % 25)).toFixed(1)} tokens/s, Running: ${4 + (i % 5)} reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: ${(18 + ((i * 7) % 12)).toFixed(1)}%, CPU KV cache usage: 0.0%.`],
    ]).flat(),
  ]);
}

// ── gpu ──────────────────────────────────────────────────────────────────────────────────────────
// nvidia-smi in a container after the host ran `systemctl daemon-reload` (NVIDIA/nvidia-docker#1671,
// #1730 "Containers losing access to GPUs"); the same text as test/fixtures/gpu/errors/nvml-unknown-error.txt.
const NVML_UNKNOWN = 'Failed to initialize NVML: Unknown Error\n';

// ── changes ──────────────────────────────────────────────────────────────────────────────────────
/** Revision 12 (ranker 3.2.0) now requests one nvidia.com/gpu; no GPU node has one free, so its pod stays Pending. */
function gpuUnschedulable(): KubeApiStandInOptions {
  const options = rankerScenario('rollout-stuck');
  const gpu = (c: Json) => {
    c.resources = { limits: { memory: '4Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '2', memory: '3Gi', 'nvidia.com/gpu': '1' } };
  };
  const deployment = options.deployments![0] as Json;
  const rev12 = (options.replicaSets as Json[]).find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '12')!;
  gpu(deployment.spec.template.spec.containers[0]);
  gpu(rev12.spec.template.spec.containers[0]);
  rev12.metadata.annotations['kubernetes.io/change-cause'] = 'deploy ranker 3.2.0, cross-encoder on GPU (pipeline #4471)';
  const first = options.pods[0]!.pod as Json;
  gpu(first.spec.containers[0]);
  delete first.spec.nodeName;
  // The scheduler's message (events as in test/fixtures/k8s/events-ml-llm-server.json, from NVIDIA/k8s-device-plugin#430).
  const message =
    "0/6 nodes are available: 3 Insufficient nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 3 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling..";
  first.status = {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: first.metadata.creationTimestamp, reason: 'Unschedulable', message }],
    qosClass: 'Burstable',
  };
  const template = (fixtureJson<Json>('events-ml-llm-server.json').items as Json[]).find((e) => e.reason === 'FailedScheduling')!;
  const event = structuredClone(template);
  event.involvedObject = { ...event.involvedObject, name: first.metadata.name, uid: first.metadata.uid, resourceVersion: '48210011' };
  event.metadata = { ...event.metadata, name: `${first.metadata.name}.1841e0a7c3b2d9f1`, creationTimestamp: first.metadata.creationTimestamp };
  event.eventTime = `${String(first.metadata.creationTimestamp).replace('Z', '')}.204117Z`;
  event.series = { count: 16, lastObservedTime: '2026-11-22T14:19:31.552810Z' };
  event.message = message;
  options.pods[0] = { pod: first, events: { kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: '48213402' }, items: [event] } };
  return options;
}

// ── oom ──────────────────────────────────────────────────────────────────────────────────────────
const LLM_POD = 'llm-server-6d8f7b9c4-k2x7p';
/** The server's log up to the kill: transformers' shard progress bar (modeling_utils, tqdm), no traceback. */
const LOADING_LOG = [
  '2026-11-22 14:02:14,102 INFO server: loading model from /models/llm (max_batch_size=64, low_cpu_mem_usage=False)',
  'Loading checkpoint shards:   0%|          | 0/4 [00:00<?, ?it/s]',
  'Loading checkpoint shards:  25%|██▌       | 1/4 [00:07<00:21,  7.12s/it]',
  'Loading checkpoint shards:  50%|█████     | 2/4 [00:14<00:14,  7.03s/it]',
  '',
].join('\n');

/** The recorded llm-server pod, OOMKilled 22 s after start (while loading shards into host RAM), six times; node without pressure. */
function killedWhileLoading(): KubeApiStandInOptions {
  const options = llmServerScenario();
  const base = options.pods[0]!;
  const pod = structuredClone(base.pod) as Json;
  const s = (pod.status.containerStatuses as Json[]).find((c) => c.name === 'server')!;
  s.restartCount = 6;
  s.lastState.terminated = { ...s.lastState.terminated, startedAt: '2026-11-22T14:02:11Z', finishedAt: '2026-11-22T14:02:33Z' };
  const node = structuredClone(options.nodes!['gpu-node-3']!) as Json;
  Object.assign((node.status.conditions as Json[]).find((c) => c.type === 'MemoryPressure')!, { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
  const nodeEvents = structuredClone(options.nodeEvents!['gpu-node-3']!) as Json;
  nodeEvents.items = (nodeEvents.items as Json[]).filter((e) => e.reason === 'OOMKilling');
  return { ...options, pods: [{ ...base, pod, previousLogs: { server: LOADING_LOG }, logs: { ...base.logs, server: LOADING_LOG.split('\n').slice(0, 2).join('\n') + '\n' } }], nodes: { 'gpu-node-3': node }, nodeEvents: { 'gpu-node-3': nodeEvents } };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
export const scenarios: Scenario[] = [
  // ── live server ──
  {
    name: 'h4-health-serialiser-slower-vs-baseline',
    injected: 'after a healthy baseline run, a new response serialiser makes every request wait 120 ms more in postprocessing; expected: latency-regression',
    expect: 'latency-regression',
    run: () => onServer({ baselineFirst: true, inject: { stages: { postprocess: { delayMs: 120 } } }, traffic: { concurrency: 6 } }),
  },
  {
    name: 'h4-health-healthy-light-traffic-slo',
    injected: 'none: a warm server called by one client every 15 ms, checked against a 200 ms p99 objective',
    expect: null,
    run: () => onServer({ traffic: { concurrency: 1, gapMs: 15 }, flags: '--slo-p99 200', seed: 44 }),
  },
  // ── endpoint profile ──
  {
    name: 'h4-profile-batcher-fixed-wait',
    injected: 'a micro-batcher in front of the model holds every request 30 ms before any work (its batching window), at every load level; expected: queue-wait',
    expect: 'queue-wait',
    run: () => profileEndpoint({ addedLatencyMs: 30 }, '--concurrency 1,4,8 --iterations 150 --duration 1.5s'),
  },
  // ── model profile ──
  {
    name: 'h4-model-conv-stack',
    injected: 'a small CNN trunk: two 3×3 convolutions (16→32→16 channels) on 32×32 maps, nearly all time in Conv; expected: compute-bound-matmul',
    expect: 'compute-bound-matmul',
    run: () => profileModel(convStackModel(), '--iterations 100 --duration 2s --batch-sizes 1,4'),
  },
  {
    name: 'h4-model-unfolded-constant-weights',
    injected: 'an export that did not fold constants: the graph multiplies two 384×384 weight initializers on every run before the one MatMul with the input; constant folding removes it; expected: graph-optimization-gain',
    expect: 'graph-optimization-gain',
    run: () => profileModel(unfoldedConstantsModel(), '--iterations 100 --duration 2s --batch-sizes 1,8'),
  },
  // ── drift ──
  {
    name: 'h4-drift-partner-amounts-in-sek',
    injected: 'a newly onboarded Swedish partner sends loan_amount in SEK (×11.2) for 30 % of current applications, the rest in EUR; expected: feature-unit-change',
    expect: 'feature-unit-change',
    run: () => driftOn(REF(), applications(N, 4002, (a, r) => (r() < 0.3 ? { ...a, loan_amount: round((a.loan_amount * SEK) / 50) * 50 } : a))),
  },
  {
    name: 'h4-drift-bureau-vendor-swapped',
    injected: 'the credit bureau integration was switched to another vendor: bureau_score is the new vendor\'s score (same 300–850 scale, correlated 0.75 with the old one, ~30 points higher on average); expected: feature-pipeline-change',
    expect: 'feature-pipeline-change',
    run: () =>
      driftOn(
        REF(),
        applications(N, 4003, (a, r) => ({ ...a, bureau_score: Math.round(clamp(720 + 0.75 * (a.bureau_score - 690) + 0.66 * normal(r, 0, 55), 300, 850)) })),
      ),
  },
  {
    name: 'h4-drift-broker-campaign-purpose-mix',
    injected: 'a broker campaign for debt consolidation: loan_purpose "debt_consolidation" rises from 38 % to 62 % of applications, no new or vanished purpose, other features unchanged; expected: category-mix-change',
    expect: 'category-mix-change',
    run: () => driftOn(REF(), applications(N, 4004, undefined, (r) => application(r, [0.62, 0.11, 0.1, 0.05, 0.05, 0.04, 0.03]))),
  },
  {
    name: 'h4-drift-employment-column-dropped',
    injected: 'the HR-verification join was removed from the scoring export: employment_type is no longer a column of the current file; expected: feature-column-removed',
    expect: 'feature-column-removed',
    run: () =>
      driftOn(
        REF(),
        applications(N, 4005, (a) => {
          const { employment_type: _dropped, ...rest } = a;
          return rest;
        }),
      ),
  },
  {
    name: 'h4-drift-healthy-zero-inflated-balance',
    injected: 'none: next month\'s applications from the same distributions (other seed); revolving_balance is 0 for ~30 % of applicants on both sides, loan_term_months takes five values',
    expect: null,
    run: () => driftOn(REF(), applications(N, 4006)),
  },
  // ── logs ──
  {
    name: 'h4-logs-nan-sampling-probabilities',
    injected: 'a chat model trained in bf16 is served in float16 after a config change: logits overflow, sampling fails with "probability tensor contains either inf, nan or element < 0" on a share of requests (500s) between normal traffic; expected: numerics-nan-inf',
    expect: 'numerics-nan-inf',
    run: () =>
      runOnLog(
        'nan',
        stamped([
          [0, '2026-11-22 14:00:00,101 INFO server: loading Qwen2-7B-Instruct (torch_dtype=float16) on cuda:0'],
          [31, '2026-11-22 14:00:31,870 INFO server: model loaded in 31.2 s'],
          ...traffic(35, 120),
          ...Array.from({ length: 9 }, (_, i): Array<[number, string]> => [
            ...at(120 + i * 12, NAN_SAMPLING.map((l) => l.replace('%ID%', `7f3a${i}c`))),
            access(120 + i * 12, i, '500 Internal Server Error', '/v1/chat/completions'),
            ...traffic(121 + i * 12, 132 + i * 12, 4),
          ]).flat(),
        ]),
      ),
  },
  {
    name: 'h4-logs-tensors-on-two-devices',
    injected: 'release 2.3 adds an intent head created after model.to("cuda"), so its weights stay on the CPU: every prediction fails with "Expected all tensors to be on the same device … cpu and cuda:0", 500s; expected: device-placement-bug',
    expect: 'device-placement-bug',
    run: () =>
      runOnLog(
        'devices',
        stamped([
          [0, '2026-11-22 14:00:00,101 INFO server: starting intent-classifier 2.3.0 on cuda:0'],
          [6, '2026-11-22 14:00:06,512 INFO server: model loaded, intent head with 41 labels attached'],
          ...Array.from({ length: 10 }, (_, i): Array<[number, string]> => [...at(10 + i * 6, TWO_DEVICES), access(10 + i * 6, i, '500 Internal Server Error')]).flat(),
        ]),
      ),
  },
  {
    name: 'h4-logs-vllm-cuda-graph-capture',
    injected: 'vLLM serving a vision model (Llama-3.2-11B-Vision) dies while capturing CUDA graphs at start-up ("operation not permitted when stream is capturing"), twice; --enforce-eager would avoid it; expected: cuda-graph-capture-failure',
    expect: 'cuda-graph-capture-failure',
    run: () => runOnLog('cudagraph', stamped([...at(0, vllmCaptureFails(0)), ...at(75, vllmCaptureFails(1))])),
  },
  {
    name: 'h4-logs-onnx-ir-version-too-new',
    injected: 'the model was re-exported with onnx 1.16 (IR version 10) but the serving image ships onnxruntime 1.16.3 (IR ≤ 9): "Unsupported model IR version: 10, max supported IR version: 9" at start-up, three starts; expected: model-load-failure',
    expect: 'model-load-failure',
    run: () => runOnLog('ort-ir', stamped([0, 20, 45].flatMap((t) => at(t, ORT_IR_VERSION)))),
  },
  {
    name: 'h4-logs-healthy-vllm',
    injected: 'none: a healthy vLLM start (its INFO lines mention "out-of-memory error", "running out of memory" and CUDA-graph capture, which finished in 14 s) and ten minutes of 200s with throughput and KV-cache stats',
    expect: null,
    run: () => runOnLog('healthy-vllm', healthyVllm()),
  },
  // ── gpu ──
  {
    name: 'h4-gpu-application-clocks-capped',
    injected: 'someone left `nvidia-smi -ac` application clocks set low on the node: the busy H100 (98 %) runs its SM at 1005 of 1980 MHz with only the "applications clocks setting" reason (0x2), 54 °C, 318 of 700 W; expected: gpu-throttled (no such cause for a clock cap set by an operator; the nearest)',
    expect: 'gpu-throttled',
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'utilization.gpu': '98', 'temperature.gpu': '54', 'power.draw': '318.40', 'clocks.sm': '1005', 'clocks_throttle_reasons.active': '0x0000000000000002' });
      return [await gpuOnSmi(t)];
    },
  },
  // ── changes ──
  {
    name: 'h4-changes-new-revision-needs-gpu',
    injected: 'revision 12 (15 min ago) moves the ranker\'s cross-encoder to the GPU and requests nvidia.com/gpu: 1; no node has one free, so its pod stays Pending (FailedScheduling "Insufficient nvidia.com/gpu") and the rollout exceeded its deadline while revision 11 serves; expected: gpu-not-schedulable',
    expect: 'gpu-not-schedulable',
    run: () => changesOn(gpuUnschedulable()),
  },
  // ── oom ──
  {
    name: 'h4-oom-killed-loading-shards',
    injected: 'the server loads all checkpoint shards into host RAM before moving them to the GPU (low_cpu_mem_usage=False): OOMKilled 22 s after each start, half-way through "Loading checkpoint shards", 6 restarts, node without pressure; expected: model-load-host-oom',
    expect: 'model-load-host-oom',
    run: async () => [await oomOn(killedWhileLoading(), LLM_POD)],
  },
  // ── pooled ──
  {
    name: 'h4-pooled-cpu-bound-service-idle-gpu',
    injected: 'preprocessing burns 15 ms of CPU per request (4 clients, p99 against a 50 ms objective: health) while the GPU the model should run on sits at 0 % utilisation with its memory held (gpu); expected: gpu-idle-service-slow',
    expect: 'gpu-idle-service-slow',
    reported: ['slow'],
    run: () => together(onServer({ inject: { stages: { preprocess: { cpuMs: 15 } } }, traffic: { concurrency: 4 }, flags: '--slo-p99 50' }), gpuOnSmi(recorded())),
  },
  {
    name: 'h4-pooled-500s-nvml-unknown-error',
    injected: 'every /predict fails with 500 (health) and nvidia-smi inside the serving container answers "Failed to initialize NVML: Unknown Error" after a systemd daemon-reload on the host (gpu); expected: gpu-container-lost-access',
    expect: 'gpu-container-lost-access',
    reported: ['errors'],
    run: () => together(onServer({ inject: { errorRate: 1 }, traffic: { concurrency: 2 } }), gpuOnSmi({ gpu: NVML_UNKNOWN, apps: '', remap: '', exitCode: 255 })),
  },
  {
    name: 'h4-pooled-healthy-all-three',
    injected: 'none: a warm server under steady traffic (health), the recorded H100 serving normally (gpu), a healthy vLLM log (logs) — "latency p99" reported all the same',
    expect: null,
    reported: ['latency', 'p99'],
    run: () => together(onServer({ traffic: { concurrency: 2 } }), gpuOnSmi(recorded()), runOnLog('pooled-healthy', healthyVllm())),
  },
];
