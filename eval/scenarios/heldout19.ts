// A nineteenth held-out round, written by a session that changed no rule, diagnostic or cause for
// it and read neither the causes catalogue nor the engine nor the log signatures nor the
// diagnostics' observation code. Its theme: GPU and memory — the faults a team serving models on
// GPU nodes meets in the accelerator and in host memory, shown by `gpu` (nvidia-smi text or a DCGM
// exporter scrape), `oom` (the pod, node, events, metrics and logs a Kubernetes API returns) and
// `logs` (what the server printed), four of them pooled as one investigation with the words the
// person used (`reported`). Faults: an A100 that reports Xid 95 (an uncontained uncorrectable ECC
// error) through DCGM; an A100 whose power limit someone set to 200 W (`nvidia-smi -pl`) so it sits
// in SW power cap under load; a failed chassis fan that holds an H100 in HW slowdown; a 13B model
// loaded onto a MIG 2g.20gb slice; a Triton left running on the host from a migration that holds
// 55 GiB of the serving GPU; a CUDA OOM in a long-running server with 3.9 GiB reserved but
// unallocated (fragmentation); a 16 GiB allocation for a batch raised to 512 (the server's own PID
// appears as "Process N" from inside its PID namespace); a GPU fallen off the bus on a two-A100
// node ("unspecified launch failure" in the server, nvidia-smi cannot get the device handle); a
// driver/library mismatch after an unattended driver upgrade (Error 803 in the server, NVML
// mismatch in nvidia-smi); a container killed by the host OOM killer while loading checkpoint
// shards; a namespace LimitRange's default limit (8Gi) that the server outgrows minutes into
// traffic; a leak killed every nine hours; an eviction under node memory pressure. Controls look
// alarming but are fine: an A100 95 % full by a single TensorFlow Serving process that
// pre-allocates, a T4 at 79 °C, 100 % busy, at full clocks with no throttle reason and the service
// inside its objective, one OOM kill four days ago followed by four days of stability, and a
// container at 93 % of its limit, flat between two runs half an hour apart.
//
// Where the data comes from: recorded nvidia-smi text (test/fixtures/gpu: the H100 recording, the
// A100 and T4 rows reconstructed from public nvidia-smi tables) and DCGM exporter text edited field
// by field; the Kubernetes stand-in (test/support/kube-api-stand-in.ts) with the recorded
// llm-server pod, node, events and metrics edited as each fault shows in them; the sample model
// server (examples/model-server) for the one health run; error lines copied from public GitHub
// issues, each source noted beside it (where a message is the same PyTorch or CUDA text with this
// server's numbers, that is said). The expected top cause was chosen from the list of cause ids
// and titles and written into each scenario before the first run; where no cause fits, the
// nearest id is given and marked "(no such cause)".
import { readFileSync } from 'node:fs';
import type { BaselineStore } from '../../src/core/diagnostic.ts';
import { fixtureJson, llmServerScenario, type KubeApiStandInOptions, type StandInPod } from '../../test/support/kube-api-stand-in.ts';
import type { Scenario } from '../scenario.ts';
import { editDcgm, editGpu, gpuOnDcgm, gpuOnSmi, H100_UUID, recorded } from './gpu.ts';
import { onServer } from './health.ts';
import { runOnLog, stamped, traffic } from './logs.ts';
import { oomOn } from './oom.ts';
import { together, llmServerPod, serverStatus, setServerUsage } from '../support/scenario-kit.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const gpuFixture = (name: string) => readFileSync(new URL(`../../test/fixtures/gpu/${name}`, import.meta.url), 'utf8');
const clone = <T>(x: T): T => structuredClone(x);
const POD = 'llm-server-6d8f7b9c4-k2x7p';
const A100_0 = 'GPU-88ed8bff-34a2-f90e-f85e-1c731ac03448';
const A100_1 = 'GPU-0b4a4b1c-7f2e-5d0c-9c4e-2a6f3d8e1b07';
const T4_0 = 'GPU-1b965d81-1d0f-6501-027c-1ecc1437f5ea';

// ── gpu: nvidia-smi text and DCGM ───────────────────────────────────────────────────────────────
/** The reconstructed two-A100 node (GPU 0 MIG off, GPU 1 MIG on) in the diagnostic's query format. */
function a100(): { gpu: string; apps: string; remap: string } {
  return { gpu: gpuFixture('a100-mig-query-gpu.csv'), apps: gpuFixture('a100-mig-query-apps.csv'), remap: `${A100_0}, 0, No, No\n${A100_1}, 0, No, No\n` };
}

/** The reconstructed two-T4 node. */
function t4(): { gpu: string; apps: string; remap: string } {
  return { gpu: gpuFixture('t4-query-gpu.csv'), apps: `406, python3, ${T4_0}, 9839\n`, remap: '' };
}



/**
 * The A100 pair through DCGM: GPU 0, serving the vLLM pod (79.8 GB used, 97 % busy), last reported
 * Xid 95 — an uncontained uncorrectable ECC error on Ampere — with one double-bit error; GPU 1 idle
 * and clean (its Xid 48 and DBE count of the fixture put back to 0).
 */
function dcgmXid95(): string {
  let text = gpuFixture('dcgm-a100-xid.prom');
  text = editDcgm(text, 'DCGM_FI_DEV_XID_ERRORS', '0', '95');
  text = editDcgm(text, 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', '0', '1');
  text = editDcgm(text, 'DCGM_FI_DEV_XID_ERRORS', '1', '0');
  text = editDcgm(text, 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', '1', '0');
  return text;
}

/** A100 GPU 0 with its power limit set to 200 W of 500 W: at the cap under full load, SW power cap active, SM 1005 of 1410 MHz. */
function a100PowerCapped() {
  const t = a100();
  t.gpu = editGpu(t.gpu, { 'utilization.gpu': '100', 'temperature.gpu': '54', 'power.draw': '199.21', 'power.limit': '200.00', 'clocks.sm': '1005', 'clocks_throttle_reasons.active': '0x0000000000000004' });
  return t;
}

/** The H100 under load with a failed chassis fan: 86 °C, HW slowdown and HW thermal slowdown, SM 1155 of 1980 MHz. */
function h100FanFailed() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'utilization.gpu': '99', 'temperature.gpu': '86', 'power.draw': '391.44', 'memory.used': '41230', 'memory.free': '39850', 'clocks.sm': '1155', 'clocks_throttle_reasons.active': '0x0000000000000048' });
  t.apps = t.apps.replace('19684', '41221');
  return t;
}

/** The H100 shared with a host tritonserver (PID 5120, 56 102 MiB) left from the migration; our server (PID 406) holds 24 310 MiB. */
function h100WithHostTriton() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '80421', 'memory.free': '659', 'utilization.gpu': '38', 'temperature.gpu': '44', 'power.draw': '231.80', 'clocks.sm': '1980', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  t.apps = `406, python3, ${H100_UUID}, 24310\n5120, tritonserver, ${H100_UUID}, 56102\n`;
  return t;
}

/**
 * The A100 pair after GPU 1 fell off the bus: nvidia-smi prints GPU 0's row and, for GPU 1, the
 * error line it gives when the device handle cannot be had (the text of
 * NVIDIA/open-gpu-kernel-modules#387, with this node's bus id); its processes are gone from the list.
 */
function a100OneLost() {
  const rows = gpuFixture('a100-mig-query-gpu.csv').split('\n');
  const gpu = `${editGpu(rows[0]!, { 'utilization.gpu': '61' })}\nUnable to determine the device handle for GPU 0000:0F:00.0: Unknown Error\n`;
  const apps = gpuFixture('a100-mig-query-apps.csv')
    .split('\n')
    .filter((l) => l.includes(A100_0))
    .join('\n');
  return { gpu, apps: `${apps}\n`, remap: `${A100_0}, 0, No, No\n`, exitCode: 15 };
}

/** One A100 (GPU 0 only) 95 % full, held by one tensorflow_model_server that maps the memory up front. */
function a100TfServingPreallocated() {
  const row = gpuFixture('a100-mig-query-gpu.csv').split('\n')[0]!;
  const gpu = `${editGpu(row, { 'memory.used': '77912', 'memory.free': '4008', 'utilization.gpu': '64', 'temperature.gpu': '51', 'power.draw': '287.40', 'clocks.sm': '1410', 'clocks_throttle_reasons.active': '0x0000000000000000' })}\n`;
  return { gpu, apps: `4411, tensorflow_model_server, ${A100_0}, 77890\n`, remap: `${A100_0}, 0, No, No\n` };
}

/** A T4 hot and busy but at full clocks: 79 °C, 100 %, 66 of 70 W, SM 1590 of 1590 MHz, no throttle reason. */
function t4HotUnthrottled() {
  const t = t4();
  t.gpu = editGpu(t.gpu, { 'memory.used': '9842', 'memory.free': '5239', 'utilization.gpu': '100', 'temperature.gpu': '79', 'power.draw': '66.31', 'clocks.sm': '1590', 'clocks_throttle_reasons.active': '0x0000000000000000' });
  return t;
}

// ── logs ─────────────────────────────────────────────────────────────────────────────────────────
/**
 * A summarizer (13B, fp16, ~26 GB of weights) scheduled onto a MIG 2g.20gb slice of the new A100
 * node: it dies moving the weights to the device. The CUDA OOM is PyTorch's text (the format of
 * pytorch/pytorch#152135, vllm-project/vllm#7721) with this slice's numbers; the device name is
 * what torch.cuda.get_device_name gives for a MIG instance.
 */
const MIG_LOG = stamped([
  [0, '2026-11-22 14:02:14,102 INFO server: starting summarizer 1.8.0 (model=/models/summarizer-13b, dtype=float16)'],
  [1, '2026-11-22 14:02:15,020 INFO server: CUDA device 0: NVIDIA A100-SXM4-80GB MIG 2g.20gb'],
  [2, 'Loading checkpoint shards:   0%|          | 0/3 [00:00<?, ?it/s]'],
  [14, 'Loading checkpoint shards:  33%|███▎      | 1/3 [00:12<00:24, 12.02s/it]'],
  [26, 'Loading checkpoint shards:  67%|██████▋   | 2/3 [00:24<00:12, 12.10s/it]'],
  [31, 'Traceback (most recent call last):'],
  [31, '  File "/app/server/model.py", line 41, in load'],
  [31, '    self.model = self.model.to("cuda")'],
  [31, 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 136.00 MiB. GPU 0 has a total capacity of 19.50 GiB of which 88.25 MiB is free. Including non-PyTorch memory, this process has 19.40 GiB memory in use. Of the allocated memory 19.01 GiB is allocated by PyTorch, and 12.30 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)'],
]);

/** The llm-server after the host's tritonserver took 55 GiB: every batch that needs room fails. PyTorch's text, this GPU's numbers. */
const HOST_TRITON_LOG = stamped([
  [0, '2026-11-22 14:00:00,101 INFO server: starting llm-server 2.4.1'],
  [30, '2026-11-22 14:00:30,877 INFO server: model loaded on cuda:0 in 29.6 s'],
  ...traffic(31, 120),
  [120, '2026-11-22 14:02:00,004 ERROR server: inference failed for batch of 32'],
  [120, 'Traceback (most recent call last):'],
  [120, '  File "/app/server/engine.py", line 212, in forward_batch'],
  [120, 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.18 GiB of which 659.00 MiB is free. Process 5120 has 54.79 GiB memory in use. Including non-PyTorch memory, this process has 23.74 GiB memory in use. Of the allocated memory 21.96 GiB is allocated by PyTorch, and 1.02 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)'],
  ...traffic(121, 150, 1, '503 Service Unavailable'),
  ...traffic(150, 200, 5),
  ...traffic(200, 220, 1, '503 Service Unavailable'),
]);

/**
 * A text-generation server up for six hours on an 80 GB GPU with requests of every length; then a
 * 250 MiB allocation fails with 104.75 MiB free and 3.87 GiB reserved but unallocated. The OOM
 * line is copied from pytorch/pytorch#152135 (a run that had gone for hours before it).
 */
const FRAGMENTATION_LOG = stamped([
  [0, '2026-11-22 08:00:00,101 INFO server: starting textgen 3.2.0 (max_input_tokens=16384, dynamic batching on)'],
  [40, '2026-11-22 08:00:40,412 INFO server: model loaded on cuda:0 in 38.9 s'],
  ...traffic(41, 200),
  [200, '2026-11-22 14:03:20,016 INFO stats: requests=412877 p99_ms=1840 batch_tokens_max=61220'],
  ...traffic(201, 300),
  [300, '2026-11-22 14:05:00,004 ERROR server: generation failed for batch of 6 (prompt tokens 14211)'],
  [300, 'Traceback (most recent call last):'],
  [300, '  File "/app/textgen/engine.py", line 377, in step'],
  [300, 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 250.00 MiB. GPU 0 has a total capacity of 79.26 GiB of which 104.75 MiB is free. Process 1007710 has 79.14 GiB memory in use. Of the allocated memory 74.77 GiB is allocated by PyTorch, and 3.87 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)'],
  ...traffic(301, 330, 1, '500 Internal Server Error'),
  ...traffic(330, 400),
]);

/**
 * An embedding server whose batch was raised to 512 texts of up to 8192 tokens: the first full
 * batch asks 16 GiB on a 44.5 GiB GPU it already fills. The OOM line is copied from
 * vllm-project/vllm#7721 (its "Process 3909982" is the server itself, seen from inside its PID
 * namespace: 43.67 GiB allocated by PyTorch of its 44.34 GiB).
 */
const BATCH_LOG = stamped([
  [0, '2026-11-22 14:00:00,101 INFO server: starting embedder 0.9.4 (max_batch_size=512, max_length=8192)'],
  [12, '2026-11-22 14:00:12,500 INFO server: model loaded on cuda:0 in 11.8 s'],
  ...traffic(13, 90),
  [90, '2026-11-22 14:01:30,210 INFO server: batch of 512 texts, longest 8192 tokens'],
  [91, '2026-11-22 14:01:31,004 ERROR server: batch failed, returning 503 to 512 requests'],
  [91, 'Traceback (most recent call last):'],
  [91, '  File "/app/embedder/batcher.py", line 133, in run_batch'],
  [91, '    hidden = self.model(**encoded).last_hidden_state'],
  [91, 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 16.00 GiB. GPU 0 has a total capacity of 44.53 GiB of which 187.94 MiB is free. Process 3909982 has 44.34 GiB memory in use. Of the allocated memory 43.67 GiB is allocated by PyTorch, and 335.07 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)'],
  ...traffic(92, 120, 1, '503 Service Unavailable'),
  [150, '2026-11-22 14:02:30,118 INFO server: batch of 512 texts, longest 7900 tokens'],
  [151, '2026-11-22 14:02:31,090 ERROR server: batch failed, returning 503 to 512 requests'],
  [151, 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 16.00 GiB. GPU 0 has a total capacity of 44.53 GiB of which 187.94 MiB is free. Process 3909982 has 44.34 GiB memory in use. Of the allocated memory 43.67 GiB is allocated by PyTorch, and 335.07 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)'],
  ...traffic(152, 170, 1, '503 Service Unavailable'),
]);

/**
 * Triton's Python backend on GPU 1 when it fell off the bus: "unspecified launch failure" and the
 * asynchronous-report note (the text of zhmou/Turbofan-engine-RUL-prediction#4 and
 * Megvii-BaseDetection/YOLOX#1212), then every request on that GPU fails.
 */
const LOST_GPU_LOG = stamped([
  [0, 'I1122 14:00:00.127801 1 grpc_server.cc:2513] Started GRPCInferenceService at 0.0.0.0:8001'],
  [0, 'I1122 14:00:00.128028 1 http_server.cc:4497] Started HTTPService at 0.0.0.0:8000'],
  ...traffic(1, 180),
  [180, 'E1122 14:03:00.412077 1 python_be.cc:1390] Failed to process the request(s) for model \'reranker_0_1\', message: RuntimeError: CUDA error: unspecified launch failure'],
  [180, 'CUDA kernel errors might be asynchronously reported at some other API call,so the stacktrace below might be incorrect.'],
  [180, 'For debugging consider passing CUDA_LAUNCH_BLOCKING=1.'],
  ...traffic(181, 240, 1, '500 Internal Server Error'),
]);

/**
 * The server after the node pool's unattended driver upgrade (user-space libraries replaced, the
 * old kernel module still loaded): PyTorch's CUDA initialisation warning with Error 803, copied
 * from easydiffusion/easydiffusion#379 and intelligent-machine-learning/atorch#2, and the server
 * falling back to the CPU.
 */
const DRIVER_LOG = stamped([
  [0, '2026-11-22 14:00:00,101 INFO server: starting ranker-gpu 5.1.0'],
  [2, "/usr/local/lib/python3.11/site-packages/torch/cuda/__init__.py:138: UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 803: system has unsupported display driver / cuda driver combination (Triggered internally at ../c10/cuda/CUDAFunctions.cpp:108.)"],
  [2, '  return torch._C._cuda_getDeviceCount() > 0'],
  [3, '2026-11-22 14:00:03,220 WARNING server: CUDA not available, running the model on cpu'],
  [9, '2026-11-22 14:00:09,877 INFO server: model loaded on cpu in 6.6 s'],
  ...traffic(10, 300, 3),
  [200, '2026-11-22 14:03:20,000 INFO stats: requests=97 p50_ms=2210 p99_ms=4870 device=cpu'],
]);

// ── oom: kubernetes objects ──────────────────────────────────────────────────────────────────────


function gpuNode(pressure: boolean): Json {
  const n = clone(fixtureJson('node-gpu-node-3.json')) as Json;
  const c = (n.status.conditions as Json[]).find((x) => x.type === 'MemoryPressure')!;
  Object.assign(c, pressure ? { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' } : { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
  return n;
}

/** The recorded node's cgroup OOM event (the kernel's "Memory cgroup out of memory" line) re-dated to `at`, with `rssKb` anon-rss. */
function cgroupOomEvent(at: string, rssKb: number, pid: number): Json {
  const template = (fixtureJson<Json>('events-node-gpu-node-3.json').items as Json[]).find((e) => e.reason === 'OOMKilling')!;
  return {
    ...clone(template),
    metadata: { ...template.metadata, name: `gpu-node-3.${at.replace(/\D/g, '').slice(-10)}oom` },
    message: `Memory cgroup out of memory: Killed process ${pid} (python3) total-vm:${rssKb + 38200000}kB, anon-rss:${rssKb}kB, file-rss:126540kB, shmem-rss:0kB, UID:0 pgtables:${Math.round(rssKb / 502)}kB oom_score_adj:968`,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}

function nodeEventList(items: Json[]): Json {
  const list = clone(fixtureJson('events-node-gpu-node-3.json')) as Json;
  list.items = items;
  return list;
}

function podEvent(events: Json, reason: string, message: string, at: string, type = 'Warning'): Json {
  const backOff = (events.items as Json[]).find((e) => e.reason === 'BackOff')!;
  return { ...clone(backOff), metadata: { ...backOff.metadata, name: `${POD}.${reason.toLowerCase()}${at.replace(/\D/g, '').slice(-6)}` }, reason, type, count: 1, message, firstTimestamp: at, lastTimestamp: at };
}

function memoryBaselines(): BaselineStore {
  const kept = new Map<string, string>();
  return { get: async (k) => kept.get(k) ?? null, set: async (k, v) => void kept.set(k, v) };
}

/**
 * The llm-server (32Gi limit) now loads a 13B checkpoint with `low_cpu_mem_usage=False`: the full
 * state dict and the model are both built in host RAM before moving to the GPU, so the cgroup OOM
 * killer ends it 38 s after start, two of three shards read (transformers' progress bar text).
 * Four restarts; the container is waiting in CrashLoopBackOff, so metrics-server has no sample of it.
 */
function hostOomAtLoad(): KubeApiStandInOptions {
  const previous = [
    '2026-11-22 14:02:14,102 INFO server: loading model from /models/llm-13b (torch_dtype=float16, low_cpu_mem_usage=False)',
    'Loading checkpoint shards:   0%|          | 0/3 [00:00<?, ?it/s]',
    'Loading checkpoint shards:  33%|███▎      | 1/3 [00:13<00:26, 13.11s/it]',
    'Loading checkpoint shards:  67%|██████▋   | 2/3 [00:27<00:13, 13.52s/it]',
    '',
  ].join('\n');
  const pod = llmServerPod(
    (p, m) => {
      const s = serverStatus(p);
      s.restartCount = 4;
      s.lastState = { terminated: { ...s.lastState.terminated, startedAt: '2026-11-22T14:02:11Z', finishedAt: '2026-11-22T14:02:49Z' } };
      m.containers = (m.containers as Json[]).filter((c) => c.name !== 'server');
    },
    { previous },
  );
  return { ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': gpuNode(false) }, nodeEvents: { 'gpu-node-3': nodeEventList([cgroupOomEvent('2026-11-22T13:56:40Z', 33297004, 2901220), cgroupOomEvent('2026-11-22T14:02:49Z', 33301880, 2907734)]) } };
}

/**
 * The llm-server moved to a namespace whose LimitRange gives containers without limits a default of
 * 8Gi: the chart set none, so the server got request = limit = 8Gi (the limit-ranger annotation
 * says so). It loads (7.2 GiB) and is killed minutes into traffic; three restarts, each instance
 * living about seven minutes; the current one at 7.7 of 8 GiB after six minutes.
 */
function limitRangeDefault(): KubeApiStandInOptions {
  const previous = [
    '2026-11-22 13:51:43,102 INFO server: loading model from /models/llm (max_batch_size=64)',
    '2026-11-22 13:52:09,877 INFO server: model loaded on cuda:0 in 26.8 s (host rss 7.2 GiB)',
    '2026-11-22 13:52:09,903 INFO uvicorn: Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)',
    '2026-11-22 13:55:00,011 INFO stats: requests=2210 p99_ms=412 host_rss_mb=7790',
    '2026-11-22 13:58:00,009 INFO stats: requests=4517 p99_ms=431 host_rss_mb=8096',
    '',
  ].join('\n');
  const pod = llmServerPod(
    (p, m) => {
      p.metadata.annotations = { ...p.metadata.annotations, 'kubernetes.io/limit-ranger': 'LimitRanger plugin set: memory request for container server; memory limit for container server' };
      const c = (p.spec.containers as Json[]).find((x) => x.name === 'server')!;
      c.resources = { limits: { cpu: '8', memory: '8Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' } };
      const s = serverStatus(p);
      Object.assign(s, { restartCount: 3, ready: true, started: true, state: { running: { startedAt: '2026-11-22T13:59:08Z' } }, lastState: { terminated: { ...s.lastState.terminated, startedAt: '2026-11-22T13:51:40Z', finishedAt: '2026-11-22T13:58:52Z' } } });
      p.status.phase = 'Running';
      setServerUsage(m, '8084644Ki');
    },
    { previous },
  );
  return { ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': gpuNode(false) }, nodeEvents: { 'gpu-node-3': nodeEventList([cgroupOomEvent('2026-11-22T13:43:31Z', 8371120, 2871003), cgroupOomEvent('2026-11-22T13:58:52Z', 8372404, 2890517)]) } };
}

/** A leak killed every ~9 h: three restarts, the last instance ran 9 h 9 min to the OOM kill at its 32Gi limit; the current one up 4.5 h at 17.9 GiB. */
function leakEveryNineHours(): KubeApiStandInOptions {
  const previous = [
    '2026-11-22 01:12:43,102 INFO server: loading model from /models/llm (max_batch_size=64)',
    '2026-11-22 01:13:10,877 INFO server: model loaded on cuda:0 in 27.1 s (host rss 6.9 GiB)',
    '2026-11-22 04:00:00,004 INFO stats: requests=610233 p99_ms=402 host_rss_mb=16120',
    '2026-11-22 07:00:00,006 INFO stats: requests=1298120 p99_ms=405 host_rss_mb=25410',
    '2026-11-22 10:00:00,003 INFO stats: requests=1987334 p99_ms=410 host_rss_mb=32190',
    '',
  ].join('\n');
  const pod = llmServerPod(
    (p, m) => {
      const s = serverStatus(p);
      Object.assign(s, { restartCount: 3, ready: true, started: true, state: { running: { startedAt: '2026-11-22T10:22:09Z' } }, lastState: { terminated: { ...s.lastState.terminated, startedAt: '2026-11-22T01:12:40Z', finishedAt: '2026-11-22T10:21:53Z' } } });
      p.status.phase = 'Running';
      setServerUsage(m, '18769510Ki');
    },
    { previous },
  );
  return { ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': gpuNode(false) }, nodeEvents: { 'gpu-node-3': nodeEventList([cgroupOomEvent('2026-11-22T10:21:53Z', 33302240, 2611873)]) } };
}

/**
 * gpu-node-3 ran out of memory (a log shipper and a batch job without limits next to us): the
 * kubelet set MemoryPressure, reported EvictionThresholdMet and evicted the llm-server, which used
 * more than its request. The eviction message is the kubelet's (pkg/kubelet/eviction/helpers.go
 * evictionMessage); "Attempting to reclaim memory" is the EvictionThresholdMet event's text.
 */
function evictedUnderPressure(): KubeApiStandInOptions {
  const pod = llmServerPod((p, m, events) => {
    const s = serverStatus(p);
    const msg = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91220Ki. Container server was using 28581888Ki, request is 24Gi, has larger consumption of memory. ';
    Object.assign(p.status, { phase: 'Failed', reason: 'Evicted', message: msg });
    Object.assign(s, { ready: false, started: false, restartCount: 0, lastState: {}, state: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2026-11-21T22:40:02Z', finishedAt: '2026-11-22T14:20:14Z', containerID: s.containerID } } });
    void m;
    events.items = [
      ...(events.items as Json[]).filter((e) => ['Scheduled', 'Pulled', 'Created', 'Started'].includes(e.reason as string)),
      podEvent(events, 'Evicted', msg.trim(), '2026-11-22T14:20:11Z'),
      podEvent(events, 'Killing', 'Stopping container server', '2026-11-22T14:20:11Z', 'Normal'),
    ];
  });
  delete (pod as { metrics?: unknown }).metrics;
  const template = (fixtureJson<Json>('events-node-gpu-node-3.json').items as Json[])[0]!;
  const nodeEvents = nodeEventList([
    { ...clone(template), reason: 'EvictionThresholdMet', type: 'Warning', message: 'Attempting to reclaim memory', count: 1, firstTimestamp: '2026-11-22T14:19:58Z', lastTimestamp: '2026-11-22T14:19:58Z', metadata: { ...template.metadata, name: 'gpu-node-3.187a0d1e2f3a4b5c' } },
    { ...clone(template), reason: 'NodeHasInsufficientMemory', type: 'Normal', message: 'Node gpu-node-3 status is now: NodeHasInsufficientMemory', count: 1, firstTimestamp: '2026-11-22T14:19:58Z', lastTimestamp: '2026-11-22T14:19:58Z', metadata: { ...template.metadata, name: 'gpu-node-3.187a0d1e2f3a4b5d' } },
  ]);
  return { ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': gpuNode(true) }, nodeEvents: { 'gpu-node-3': nodeEvents } };
}

/** One OOM kill on 2026-11-18 (02:14), then four days up: 14 GiB of 32, no pressure, no node event left. */
function oneOldOomKill(): KubeApiStandInOptions {
  const previous = [
    '2026-11-17 09:02:14,102 INFO server: loading model from /models/llm (max_batch_size=64)',
    '2026-11-17 09:02:41,877 INFO server: model loaded on cuda:0 in 27.4 s',
    '2026-11-18 02:00:00,004 INFO stats: requests=2119012 p99_ms=398',
    '',
  ].join('\n');
  const pod = llmServerPod(
    (p, m) => {
      const s = serverStatus(p);
      Object.assign(s, { restartCount: 1, ready: true, started: true, state: { running: { startedAt: '2026-11-18T02:14:22Z' } }, lastState: { terminated: { ...s.lastState.terminated, startedAt: '2026-11-17T09:02:11Z', finishedAt: '2026-11-18T02:14:07Z' } } });
      p.status.phase = 'Running';
      setServerUsage(m, '14680064Ki');
    },
    { previous },
  );
  pod.events = { ...(pod.events as Json), items: ((pod.events as Json).items as Json[]).filter((e) => e.reason !== 'BackOff' && e.reason !== 'FailedScheduling') };
  return { ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': gpuNode(false) }, nodeEvents: { 'gpu-node-3': nodeEventList([]) } };
}

/** The pod at 93 % of its 32Gi limit, running three days without a restart, flat between two runs 30 min apart. */
function steadyNearLimit(): { options: KubeApiStandInOptions; pod: StandInPod } {
  const pod = llmServerPod((p, m) => {
    const s = serverStatus(p);
    Object.assign(s, { restartCount: 0, ready: true, started: true, lastState: {}, state: { running: { startedAt: '2026-11-19T08:10:02Z' } } });
    p.status.phase = 'Running';
    setServerUsage(m, '31142707Ki'); // 29.7 GiB
  });
  pod.events = { ...(pod.events as Json), items: ((pod.events as Json).items as Json[]).filter((e) => e.reason !== 'BackOff' && e.reason !== 'FailedScheduling') };
  return { options: { ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': gpuNode(false) }, nodeEvents: { 'gpu-node-3': nodeEventList([]) } }, pod };
}

const AT = (iso: string) => () => Date.parse(iso);

export const scenarios: Scenario[] = [
  // ── gpu ──
  {
    name: 'h19-gpu-dcgm-a100-xid95-uncontained-ecc',
    injected: 'DCGM: the A100 serving the vLLM pod last reported Xid 95 (uncontained uncorrectable ECC error), 1 double-bit error; the other A100 clean; expected: gpu-hardware-failure',
    expect: 'gpu-hardware-failure',
    run: async () => [await gpuOnDcgm(dcgmXid95())],
  },
  {
    name: 'h19-gpu-a100-power-limit-set-200w',
    injected: 'someone ran `nvidia-smi -pl 200` on A100 GPU 0: 199 of 200 W under 100 % load, SW power cap, SM 1005 of 1410 MHz; expected: gpu-throttled',
    expect: 'gpu-throttled',
    run: async () => [await gpuOnSmi(a100PowerCapped())],
  },
  {
    name: 'h19-gpu-h100-chassis-fan-hw-slowdown',
    injected: 'a failed chassis fan: the H100 at 86 °C under 99 % load, HW slowdown + HW thermal slowdown (0x48), SM 1155 of 1980 MHz; expected: gpu-throttled',
    expect: 'gpu-throttled',
    run: async () => [await gpuOnSmi(h100FanFailed())],
  },
  // ── logs ──
  {
    name: 'h19-logs-cuda-oom-fragmentation-after-hours',
    injected: 'after 6 h of mixed-length requests a 250 MiB allocation fails with 104.75 MiB free and 3.87 GiB reserved but unallocated (pytorch/pytorch#152135 text); expected: allocator-fragmentation',
    expect: 'allocator-fragmentation',
    run: () => runOnLog('h19-frag', FRAGMENTATION_LOG),
  },
  {
    name: 'h19-logs-embedder-batch-512-own-pid',
    injected: 'batch raised to 512 × 8192 tokens: 16 GiB asked on a 44.5 GiB GPU, 188 MiB free, the server itself shown as "Process 3909982" (vllm-project/vllm#7721 text); expected: gpu-batch-too-large',
    expect: 'gpu-batch-too-large',
    run: () => runOnLog('h19-batch', BATCH_LOG),
  },
  // ── oom ──
  {
    name: 'h19-oom-host-ram-loading-shards',
    injected: 'low_cpu_mem_usage=False: the 13B checkpoint is built twice in host RAM, OOMKilled 38 s after start at 2/3 shards, 4 restarts; expected: model-load-host-oom',
    expect: 'model-load-host-oom',
    run: async () => [await oomOn(hostOomAtLoad(), POD, { now: AT('2026-11-22T14:05:00Z') })],
  },
  {
    name: 'h19-oom-limitrange-default-8gi',
    injected: 'a namespace LimitRange gave the server (no limit in its chart) 8Gi: loads at 7.2 GiB, OOMKilled ~7 min into traffic, 3 restarts, now 7.7 of 8 GiB; expected: container-memory-limit-too-low',
    expect: 'container-memory-limit-too-low',
    run: async () => [await oomOn(limitRangeDefault(), POD, { now: AT('2026-11-22T14:05:30Z') })],
  },
  {
    name: 'h19-oom-leak-killed-every-9h',
    injected: 'a leak: the last instance ran 9 h 9 min to the OOM kill at 32Gi (its stats lines climb 6.9 → 32 GiB), 3 restarts, the new one at 17.9 GiB after 4.5 h; expected: container-memory-leak',
    expect: 'container-memory-leak',
    run: async () => [await oomOn(leakEveryNineHours(), POD, { now: AT('2026-11-22T14:50:00Z') })],
  },
  {
    name: 'h19-oom-evicted-node-memory-pressure',
    injected: 'neighbours without limits exhaust gpu-node-3: MemoryPressure, EvictionThresholdMet, the pod Evicted using 27.3 GiB over its 24Gi request; expected: node-memory-pressure',
    expect: 'node-memory-pressure',
    run: async () => [await oomOn(evictedUnderPressure(), POD, { now: AT('2026-11-22T14:25:00Z') })],
  },
  // ── pooled ──
  {
    name: 'h19-pooled-13b-on-mig-2g20gb',
    injected: '"summarizer crashes at startup on the new A100 node": the pod got a MIG 2g.20gb slice (GPU 1 MIG enabled in nvidia-smi); CUDA OOM moving the 13B weights, total capacity 19.50 GiB, all of it this process (logs + gpu); expected: mig-slice-too-small',
    expect: 'mig-slice-too-small',
    reported: ['summarizer', 'crashes', 'at', 'startup', 'on', 'the', 'new', 'A100', 'node'],
    run: () => together(runOnLog('h19-mig', MIG_LOG), gpuOnSmi(a100())),
  },
  {
    name: 'h19-pooled-host-triton-left-from-migration',
    injected: '"llm-server 503s since yesterday\'s node maintenance": a tritonserver started by a host systemd unit (PID 5120) holds 55 GiB of the pod\'s H100; CUDA OOM naming Process 5120 (gpu --pod + logs); expected: gpu-foreign-process',
    expect: 'gpu-foreign-process',
    reported: ['llm-server', '503s', 'since', "yesterday's", 'node', 'maintenance'],
    run: () => together(gpuOnSmi(h100WithHostTriton(), `gpu gpu-node-3 --pod ml/${POD}`), runOnLog('h19-triton', HOST_TRITON_LOG)),
  },
  {
    name: 'h19-pooled-a100-gpu1-fell-off-bus',
    injected: '"reranker on gpu-node-3 returns 500s": GPU 1 fell off the bus — Triton logs "CUDA error: unspecified launch failure", nvidia-smi cannot get GPU 0000:0F:00.0\'s handle (logs + gpu); expected: gpu-hardware-failure',
    expect: 'gpu-hardware-failure',
    reported: ['reranker', 'on', 'gpu-node-3', 'returns', '500s'],
    run: () => together(runOnLog('h19-lost', LOST_GPU_LOG), gpuOnSmi(a100OneLost())),
  },
  {
    name: 'h19-pooled-driver-mismatch-after-unattended-upgrade',
    injected: '"ranker pods on the upgraded node pool are very slow": unattended upgrade replaced the NVIDIA user-space libraries, old kernel module loaded — Error 803 in torch, model on CPU, nvidia-smi "Driver/library version mismatch" (logs + gpu); expected: gpu-driver-mismatch',
    expect: 'gpu-driver-mismatch',
    reported: ['ranker', 'pods', 'on', 'the', 'upgraded', 'node', 'pool', 'are', 'very', 'slow'],
    run: () => together(runOnLog('h19-driver', DRIVER_LOG), gpuOnSmi({ gpu: gpuFixture('errors/driver-mismatch.txt'), apps: '', remap: '', exitCode: 18 })),
  },
  // ── controls ──
  {
    name: 'h19-gpu-healthy-tf-serving-preallocated-95pct',
    injected: 'none: one A100 95 % full (77.9 of 81.9 GB) held by a single tensorflow_model_server that maps its memory at start, 64 % busy, full clocks, no throttle reason',
    expect: null,
    run: async () => [await gpuOnSmi(a100TfServingPreallocated())],
  },
  {
    name: 'h19-pooled-healthy-t4-hot-unthrottled-in-slo',
    injected: 'none: "GPU temperature warning on the T4" — 79 °C, 100 % busy, 66 of 70 W, SM 1590 of 1590 MHz, no throttle reason (gpu); 15 ms inference inside a 100 ms p99 objective (health)',
    expect: null,
    reported: ['GPU', 'temperature', 'warning', 'on', 'the', 'T4'],
    run: () => together(gpuOnSmi(t4HotUnthrottled()), onServer({ faults: { stages: { inference: { delayMs: 15 } } }, traffic: { concurrency: 3 }, flags: '--slo-p99 100', seed: 1907 })),
  },
  {
    name: 'h19-oom-healthy-one-oom-four-days-ago',
    injected: 'none: one OOM kill on 2026-11-18, then 4.5 days up at 14 of 32 GiB, no pressure, no recent node event',
    expect: null,
    run: async () => [await oomOn(oneOldOomKill(), POD, { now: AT('2026-11-22T14:50:00Z') })],
  },
  {
    name: 'h19-oom-healthy-steady-93pct-of-limit',
    injected: 'none: 29.7 then 29.8 GiB of a 32Gi limit in two runs 30 min apart, up three days, never restarted',
    expect: null,
    run: async () => {
      const { options, pod } = steadyNearLimit();
      const baselines = memoryBaselines();
      const t0 = Date.parse('2026-11-22T14:20:00Z');
      await oomOn(options, POD, { now: () => t0, baselines });
      setServerUsage(pod.metrics as Json, '31247564Ki'); // 29.8 GiB
      return [await oomOn(options, POD, { now: () => t0 + 30 * 60_000, baselines })];
    },
  },
];

// First complete run (2026-12-01, 17:57 UTC, `node eval/run.ts heldout19`, 21 s on the shared
// 2-CPU machine), before anything was changed; nothing in this file was fixed or rerun for score
// after it:
//
// | scenario                                              | expect                         | got                                   | 2nd                            |
// | ----------------------------------------------------- | ------------------------------ | ------------------------------------- | ------------------------------ |
// | h19-gpu-dcgm-a100-xid95-uncontained-ecc               | gpu-hardware-failure           | gpu-hardware-failure (high)           | gpu-memory-full                |
// | h19-gpu-a100-power-limit-set-200w                     | gpu-throttled                  | gpu-foreign-process (high)            | gpu-throttled                  |
// | h19-gpu-h100-chassis-fan-hw-slowdown                  | gpu-throttled                  | gpu-throttled (high)                  | -                              |
// | h19-logs-cuda-oom-fragmentation-after-hours           | allocator-fragmentation        | gpu-out-of-memory (high)              | -                              |
// | h19-logs-embedder-batch-512-own-pid                   | gpu-batch-too-large            | gpu-out-of-memory (high)              | -                              |
// | h19-oom-host-ram-loading-shards                       | model-load-host-oom            | model-load-host-oom (high)            | container-memory-limit-too-low |
// | h19-oom-limitrange-default-8gi                        | container-memory-limit-too-low | container-memory-limit-too-low (high) | -                              |
// | h19-oom-leak-killed-every-9h                          | container-memory-leak          | container-memory-leak (high)          | container-memory-limit-too-low |
// | h19-oom-evicted-node-memory-pressure                  | node-memory-pressure           | node-memory-pressure (high)           | -                              |
// | h19-pooled-13b-on-mig-2g20gb                          | mig-slice-too-small            | gpu-out-of-memory (high)              | gpu-foreign-process            |
// | h19-pooled-host-triton-left-from-migration            | gpu-foreign-process            | gpu-out-of-memory (high)              | gpu-foreign-process            |
// | h19-pooled-a100-gpu1-fell-off-bus                     | gpu-hardware-failure           | gpu-hardware-failure (high)           | gpu-foreign-process            |
// | h19-pooled-driver-mismatch-after-unattended-upgrade   | gpu-driver-mismatch            | gpu-driver-mismatch (high)            | -                              |
// | h19-gpu-healthy-tf-serving-preallocated-95pct         | (healthy)                      | gpu-memory-full (medium), warning     | -                              |
// | h19-pooled-healthy-t4-hot-unthrottled-in-slo          | (healthy)                      | quiet (info)                          | -                              |
// | h19-oom-healthy-one-oom-four-days-ago                 | (healthy)                      | container-memory-limit-too-low (low), critical | -                     |
// | h19-oom-healthy-steady-93pct-of-limit                 | (healthy)                      | container-memory-leak (high), critical | container-memory-limit-too-low |
//
// Faults: top-1 8/13 (61.5 %), top-2 10/13 (76.9 %); healthy controls quiet 1/4 (25 %); no errors.
//
// What the reports showed for the misses (each scenario rerun alone, read with the Markdown
// renderer, src/report/render-markdown.ts renderResultMarkdown):
// - a100-power-limit-set-200w: the cap was read exactly ("sw-power-cap (199.21 W of 200 W)", "SM
//   clock 1005 of 1410 MHz (71 %) at 100 % utilization") but gave gpu-throttled only medium (2);
//   gpu-foreign-process came first (high, 4) from the reconstructed A100 fixture's process list —
//   two or three host processes share each GPU, and without --pod each one that is "not the main
//   owner of its GPU" counts as foreign. (The fixture's sharing was mine to choose; a node whose GPUs
//   are shared by design outranking an active power cap at 100 % load is still the finding.)
// - logs-cuda-oom-fragmentation-after-hours: the logs diagnostic parsed the numbers ("tried to
//   allocate 0.24 GiB with 0.10 GiB free …; reserved but unallocated 3.87 GiB") and still ranked only
//   the generic gpu-out-of-memory (score 8); allocator-fragmentation was not listed. Reserved-but-
//   unallocated ≈ 16 × the request is the fragmentation shape; the oom diagnostic splits it, logs
//   does not.
// - logs-embedder-batch-512-own-pid: same — "tried to allocate 16.00 GiB with 0.18 GiB free of
//   44.53 GiB; reserved but unallocated 0.33 GiB" twice, ranked gpu-out-of-memory only;
//   gpu-batch-too-large (and its shrink factor) was not listed. One 16 GiB request on a 44.5 GiB
//   GPU, with "batch of 512" on the line before, is a batch too large from the log alone.
// - pooled-13b-on-mig-2g20gb: logs gave gpu-out-of-memory high (8) from "total capacity of 19.50
//   GiB" (with "MIG 2g.20gb" in the device line two dozen lines up); gpu saw "GPU 1 … MIG enabled"
//   but mig-slice-too-small stayed unlikely (−1, "against: GPU 0 … MIG disabled"), while the
//   fixture's shared processes again gave gpu-foreign-process high. A total capacity of 19.5 GiB on
//   an 80 GB A100 node (or a device name with "MIG") is the slice, not the card.
// - pooled-host-triton-left-from-migration: gpu got it right (gpu-foreign-process high, 5: "PID
//   5120 (tritonserver, host process) holds 54.8 GiB … not the target's") but the logs'
//   gpu-out-of-memory (8) outranked it in the pool; the OOM line itself names "Process 5120 has
//   54.79 GiB memory in use", and that is not read as another process's memory. The pooled ranking
//   keeps the symptom (OOM) above the cause both reports point at.
// - gpu-healthy-tf-serving-preallocated-95pct (control): gpu-memory-full medium and severity
//   warning, though the report's own "against" for foreign process says "one owner per GPU" and its
//   confirm step says a preallocating server makes a full GPU "by design"; tensorflow_model_server
//   (which maps nearly all memory by default) is not recognised as such the way vLLM is.
// - oom-healthy-one-oom-four-days-ago (control): severity critical for "OOMKilled exit 137 at
//   2026-11-18T02:14 after 17.2 h" with the instance up 4.5 days at 14 of 32 GiB; the age of the
//   kill (108 h) does not lower it, only container-memory-limit-too-low low was listed.
// - oom-healthy-steady-93pct-of-limit (control): 29.7 → 29.8 GiB in 30 min (0.3 % of the limit)
//   read as "working set grew 205 MiB/h" and container-memory-leak high, severity critical. A
//   100 MiB step between two samples is noise at 30 GiB; a slope of that size would take ten hours
//   to reach the limit and needs more than two points before it is called a leak.
