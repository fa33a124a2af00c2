// A second held-out round for drift, logs, gpu, oom and changes, written before any rule was
// changed for it: faults a user meets that no other scenario covers. Drift: a support-ticket
// classifier's inputs (a boolean flag inverted, an auto-increment id column, a token count
// truncated at 512, two correlated columns swapped). Logs: real texts from public issues (noted
// beside each line). GPU: two GPUs of which one throttles, an Xid 13, a busy compute-bound GPU.
// OOM: an init container killed at its limit, a liveness kill (exit 137 without OOMKilled).
// Changes: a tag re-pushed under the same name (the digest moved), a memory limit lowered by the
// latest revision. The expected top cause was written into each `injected` before the first run;
// where no cause fitted, the one a user would expect is named (marked "no such cause").
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { fixtureJson, llmServerScenario, rankerScenario, type KubeApiStandInOptions } from '../../test/support/kube-api-stand-in.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { gpuOnSmi, recorded } from './gpu.ts';
import { runOnLog, stamped, traffic } from './logs.ts';
import { oomOn } from './oom.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Random = () => number;

// ── drift: a support-ticket classifier's inputs ──────────────────────────────────────────────────
interface Ticket {
  ticket_id: number;
  body_tokens: number;
  is_premium: string;
  attachments: number;
  wait_min: number;
  reply_min: number;
  priority: string;
}
const normal = (r: Random, mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const round = (x: number, d = 1) => Number(x.toFixed(d));

function ticket(r: Random, id: number): Ticket {
  const wait = Math.exp(normal(r, 3.0, 0.5)); // ~20 min
  return {
    ticket_id: id,
    // Body length in tokens: log-normal, about a quarter of the tickets above 512.
    body_tokens: Math.max(3, Math.round(Math.exp(normal(r, 5.7, 0.7)))),
    is_premium: r() < 0.22 ? 'true' : 'false',
    attachments: r() < 0.7 ? 0 : 1 + Math.floor(r() * 3),
    wait_min: round(wait),
    // The first reply comes after the wait plus handling time: correlated with wait_min, larger.
    reply_min: round(wait * 2.5 + Math.exp(normal(r, 4.2, 0.4))),
    priority: r() < 0.6 ? 'normal' : r() < 0.75 ? 'low' : 'high',
  };
}

function tickets(n: number, seed: number, firstId: number, change?: (t: Ticket) => Ticket): Ticket[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = ticket(r, firstId + i);
    return change ? change(t) : t;
  });
}

async function driftOn(reference: Ticket[], current: Ticket[]): Promise<DiagnosticResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'infdbg-heldout2-drift-'));
  const csv = (rows: Ticket[]) => {
    const cols = Object.keys(rows[0]!) as Array<keyof Ticket>;
    return `${[cols.join(','), ...rows.map((row) => cols.map((c) => String(row[c])).join(','))].join('\n')}\n`;
  };
  try {
    await writeFile(join(dir, 'ref.csv'), csv(reference));
    await writeFile(join(dir, 'cur.csv'), csv(current));
    return [await runCommandLine(`drift ${join(dir, 'ref.csv')} ${join(dir, 'cur.csv')}`)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const N = 3000;
const REF = () => tickets(N, 701, 480_000);

// ── gpu ──────────────────────────────────────────────────────────────────────────────────────────
async function dcgmOn(text: string): Promise<DiagnosticResult[]> {
  const server = createServer((_req, res) => res.end(text));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    return [await runCommandLine(`gpu gpu-node-9 --dcgm-url ${url}`, { nodeName: 'gpu-node-9', runCommand: () => Promise.reject(new Error('nvidia-smi must not run with --dcgm-url')) })];
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const L40S = (gpu: string, uuid: string, bus: string) => ({ gpu, UUID: uuid, pci_bus_id: bus, device: `nvidia${gpu}`, modelName: 'NVIDIA L40S', Hostname: 'gpu-node-9' });

/** Two L40S serving one pod each; GPU 0 last reported Xid 13 (graphics engine exception), no ECC error. */
function xid13(): string {
  const rows: string[] = [];
  const gpus = [
    [L40S('0', 'GPU-2f9c1a7e-3b5d-4c8e-9a1f-6d0b7e2c4a58', '00000000:41:00.0'), 'detector-7d9f8b6c5-m4k2q', 13],
    [L40S('1', 'GPU-8e3a5c1d-7f2b-4e9a-b6c0-1d4f8a2e7c93', '00000000:61:00.0'), 'detector-7d9f8b6c5-t8v1z', 0],
  ] as const;
  for (const [g, pod, xid] of gpus) {
    const l = Object.entries({ ...g, container: 'detector', namespace: 'vision', pod }).map(([k, v]) => `${k}="${v}"`).join(',');
    rows.push(
      `DCGM_FI_DEV_FB_USED{${l}} 17211`,
      `DCGM_FI_DEV_FB_FREE{${l}} 28274`,
      `DCGM_FI_DEV_GPU_UTIL{${l}} ${xid ? 0 : 76}`,
      `DCGM_FI_DEV_GPU_TEMP{${l}} 58`,
      `DCGM_FI_DEV_SM_CLOCK{${l}} 2520`,
      `DCGM_FI_DEV_XID_ERRORS{${l}} ${xid}`,
      `DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{${l}} 0`,
    );
  }
  return `${rows.join('\n')}\n`;
}

// ── oom: the recorded llm-server pod, edited ─────────────────────────────────────────────────────
function llmPod(edit: (pod: Json, metrics: Json) => void) {
  const base = llmServerScenario().pods[0]!;
  const pod = structuredClone(base.pod) as Json;
  const metrics = structuredClone(base.metrics) as Json;
  edit(pod, metrics);
  return { ...base, pod, metrics, previousLogs: {}, logs: {} };
}
const status = (pod: Json, name: string) => (pod.status.containerStatuses as Json[]).find((c) => c.name === name)!;
const usage = (metrics: Json, name: string, memory: string) => void ((metrics.containers as Json[]).find((c) => c.name === name)!.usage.memory = memory);
function quietNode(): Json {
  const n = structuredClone(fixtureJson('node-gpu-node-3.json')) as Json;
  const c = (n.status.conditions as Json[]).find((x) => x.type === 'MemoryPressure')!;
  Object.assign(c, { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
  return n;
}
function podEvents(items: Json[]): Json {
  const list = structuredClone(fixtureJson('events-ml-llm-server.json')) as Json;
  const template = (list.items as Json[])[0]!;
  list.items = items.map((x, i) => ({ ...structuredClone(template), metadata: { ...template.metadata, name: `llm-server-6d8f7b9c4-k2x7p.18b${i}` }, count: 1, ...x }));
  return list;
}

// ── changes ──────────────────────────────────────────────────────────────────────────────────────
/** Quiet for 6 days; the tag 3.2.0 was re-pushed; one pod was rescheduled 10 min ago, pulled the new digest (imagePullPolicy Always) and restarts with exit 1. */
function digestMoved(): KubeApiStandInOptions {
  const options = rankerScenario('quiet');
  const p = options.pods[2]!.pod as Json;
  p.metadata.creationTimestamp = '2026-11-22T14:09:40Z';
  p.spec.containers[0].imagePullPolicy = 'Always';
  const s = p.status.containerStatuses[0];
  Object.assign(s, {
    imageID: 'registry.example.com/ml/ranker@sha256:9e4d2a7c1b8f3e6d0a5c9b2f7e1d4a8c3b6f0e9d2a5c8b1f4e7d0a3c6b9f2e5d',
    restartCount: 4,
    ready: false,
    started: false,
    lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-11-22T14:17:12Z', finishedAt: '2026-11-22T14:17:19Z', containerID: s.containerID } },
    state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 1m20s restarting failed container=ranker pod=${p.metadata.name}_ml(${p.metadata.uid})` } },
  });
  return options;
}

/** Revision 12 keeps image and env and lowers the memory limit 4Gi → 1Gi; its pods are OOMKilled. */
function memoryLimitLowered(): KubeApiStandInOptions {
  const options = rankerScenario('new-image');
  const [rev12, rev11] = options.replicaSets as [Json, Json];
  const c11 = rev11.spec.template.spec.containers[0];
  const deployment = options.deployments![0] as Json;
  const limits = (c: Json) => ((c.resources ??= {}).limits ??= {});
  const before = limits(c11).memory ?? '4Gi';
  limits(c11).memory = before;
  for (const c of [rev12.spec.template.spec.containers[0], deployment.spec.template.spec.containers[0], ...options.pods.map(({ pod }) => (pod as Json).spec.containers[0])]) {
    c.image = c11.image;
    c.env = structuredClone(c11.env);
    c.envFrom = structuredClone(c11.envFrom);
    c.resources = structuredClone(c11.resources);
    limits(c).memory = '1Gi';
  }
  rev12.metadata.annotations['kubernetes.io/change-cause'] = 'ranker: right-size memory (pipeline #4480)';
  for (const { pod } of options.pods) {
    const s = (pod as Json).status.containerStatuses[0];
    s.image = c11.image;
    if (s.lastState?.terminated) s.lastState.terminated = { ...s.lastState.terminated, exitCode: 137, reason: 'OOMKilled' };
  }
  return options;
}

// ── logs ─────────────────────────────────────────────────────────────────────────────────────────
const GRPC_DEADLINE = [
  // grpc._channel._InactiveRpcError as quoted in dagster-io/dagster#3147 and milvus-io/milvus#2628
  'ERROR features: lookup failed for 64 entities',
  'Traceback (most recent call last):',
  '  File "/app/features.py", line 41, in fetch',
  '    return self.stub.GetOnlineFeatures(request, timeout=0.2)',
  '  File "/usr/local/lib/python3.11/site-packages/grpc/_channel.py", line 1181, in __call__',
  '    return _end_unary_response_blocking(state, call, False, None)',
  '  File "/usr/local/lib/python3.11/site-packages/grpc/_channel.py", line 1006, in _end_unary_response_blocking',
  '    raise _InactiveRpcError(state)  # pytype: disable=not-instantiable',
  'grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated with:',
  '\tstatus = StatusCode.DEADLINE_EXCEEDED',
  '\tdetails = "Deadline Exceeded"',
  '\tdebug_error_string = "UNKNOWN:Deadline Exceeded {grpc_status:4, created_time:\\"2026-11-22T14:02:11.407517+00:00\\"}"',
  '>',
];

export const scenarios: Scenario[] = [
  // drift
  {
    name: 'heldout2-drift-boolean-flipped',
    injected: 'is_premium inverted by a new serving encoder (true↔false: 22 % true becomes 78 % true); expected: training-serving-skew',
    expect: 'training-serving-skew',
    deterministic: true,
    run: () => driftOn(REF(), tickets(N, 702, 483_000, (t) => ({ ...t, is_premium: t.is_premium === 'true' ? 'false' : 'true' }))),
  },
  {
    name: 'heldout2-drift-autoincrement-id-control',
    injected: 'none: the same distributions, the current window a later day; ticket_id is an auto-increment number, so every current id is above every reference id',
    expect: null,
    deterministic: true,
    run: () => driftOn(REF(), tickets(N, 703, 496_000)),
  },
  {
    name: 'heldout2-drift-tokens-truncated-512',
    injected: 'a new tokenizer call truncates at 512: body_tokens capped at 512 (about a quarter of the rows above it in the reference); expected: values clipped at a maximum (no such cause before this run: feature-clipped)',
    expect: 'feature-clipped',
    deterministic: true,
    run: () => driftOn(REF(), tickets(N, 704, 483_000, (t) => ({ ...t, body_tokens: Math.min(512, t.body_tokens) }))),
  },
  {
    name: 'heldout2-drift-columns-swapped',
    injected: 'a reordered SELECT swaps wait_min and reply_min (each column now holds the other\'s values); expected: two columns swapped (no such cause before this run: feature-columns-swapped)',
    expect: 'feature-columns-swapped',
    deterministic: true,
    run: () => driftOn(REF(), tickets(N, 705, 483_000, (t) => ({ ...t, wait_min: t.reply_min, reply_min: t.wait_min }))),
  },
  // logs
  {
    name: 'heldout2-logs-triton-unknown-model',
    injected: 'a gateway asks Triton for a model name the repository does not hold: "Request for unknown model … is not found" on every request, 404s; expected: model-not-found',
    expect: 'model-not-found',
    deterministic: true,
    run: () =>
      runOnLog(
        'unknown-model',
        stamped([
          ...traffic(0, 60),
          ...Array.from({ length: 20 }, (_, i): Array<[number, string]> => [
            // triton-inference-server/server#2419 (tritonclient over gRPC) and #2254
            [60 + i, "ERROR gateway: tritonclient.utils.InferenceServerException: [StatusCode.NOT_FOUND] Request for unknown model: 'cls_resnet50' is not found"],
            [60 + i, `INFO:     10.0.5.${i}:6${i}001 - "POST /v1/classify HTTP/1.1" 404 Not Found`],
          ]).flat(),
        ]),
      ),
  },
  {
    name: 'heldout2-logs-grpc-deadline-upstream',
    injected: 'the online feature store answers too slowly: gRPC DEADLINE_EXCEEDED tracebacks, 504s; expected: dependency-slow-or-exhausted',
    expect: 'dependency-slow-or-exhausted',
    deterministic: true,
    run: () =>
      runOnLog(
        'grpc-deadline',
        stamped([
          ...traffic(0, 120),
          ...Array.from({ length: 15 }, (_, i): Array<[number, string]> => [
            ...GRPC_DEADLINE.map((l): [number, string] => [120 + i * 2, l]),
            [120 + i * 2, `INFO:     10.0.7.${i}:5${i}777 - "POST /v1/predict HTTP/1.1" 504 Gateway Timeout`],
          ]).flat(),
          ...traffic(150, 200),
        ]),
      ),
  },
  {
    name: 'heldout2-logs-killed-loading-shards',
    injected: 'the server is killed by the kernel OOM killer while loading checkpoint shards: the log ends in a bare "Killed", three starts in a row; expected: host-memory-oom-kill',
    expect: 'host-memory-oom-kill',
    deterministic: true,
    run: () =>
      runOnLog(
        'killed',
        [0, 1, 2]
          .flatMap((i) => [
            `2026-11-22 14:0${i}:00,001 INFO server: starting vl-server 0.4.2 (attempt ${i + 1})`,
            `2026-11-22 14:0${i}:01,020 INFO server: loading deepseek-ai/deepseek-vl2-small on cpu`,
            // deepseek-ai/DeepSeek-VL2#90 (the progress bar, then the shell's "Killed")
            'Loading checkpoint shards:  75%|███████████████████████████████████████████████ ...... 3/4 [00:08<00:02,  2.83s/it]Killed',
          ])
          .join('\n') + '\n',
      ),
  },
  {
    name: 'heldout2-logs-safetensors-corrupt',
    injected: 'a partially downloaded checkpoint: safetensors cannot read the header (MetadataIncompleteBuffer) and the server exits; expected: model-load-failure',
    expect: 'model-load-failure',
    deterministic: true,
    run: () =>
      runOnLog(
        'safetensors',
        [
          '2026-11-22 14:00:00,101 INFO server: starting summarizer 2.0.1',
          '2026-11-22 14:00:00,220 INFO server: loading /models/summarizer/model.safetensors',
          'Traceback (most recent call last):',
          '  File "/app/server.py", line 27, in <module>',
          '    model = AutoModelForSeq2SeqLM.from_pretrained("/models/summarizer")',
          '  File "/usr/local/lib/python3.10/site-packages/transformers/modeling_utils.py", line 504, in load_state_dict',
          '    with safe_open(checkpoint_file, framework="pt") as f:',
          // lyogavin/airllm#137, Comfy-Org/ComfyUI#3225
          'safetensors_rust.SafetensorError: Error while deserializing header: MetadataIncompleteBuffer',
          '',
        ].join('\n'),
      ),
  },
  {
    name: 'heldout2-logs-healthy-transient-retries',
    injected: 'none: a healthy server whose feature-store client logs a few transient UNAVAILABLE/DEADLINE_EXCEEDED warnings that its retry policy absorbs (every request 200)',
    expect: null,
    deterministic: true,
    run: () =>
      runOnLog(
        'retries',
        stamped([
          [0, '2026-11-22 14:00:00,101 INFO server: starting ranker 3.2.0'],
          ...traffic(1, 300),
          ...[40, 130, 220].flatMap((t): Array<[number, string]> => [
            [t, '2026-11-22 14:00:40,000 WARNING features: GetOnlineFeatures attempt 1 of 3 failed with StatusCode.UNAVAILABLE (Connection reset by peer); retrying in 50 ms'],
            [t, '2026-11-22 14:00:40,060 INFO features: GetOnlineFeatures succeeded on attempt 2'],
          ]),
          [180, '2026-11-22 14:03:00,000 WARNING features: GetOnlineFeatures attempt 1 of 3 failed with StatusCode.DEADLINE_EXCEEDED; retrying in 50 ms'],
          [180, '2026-11-22 14:03:00,251 INFO features: GetOnlineFeatures succeeded on attempt 2'],
        ]),
      ),
  },
  // gpu
  {
    name: 'heldout2-gpu-one-of-two-throttled',
    injected: 'two H100s under the same load; GPU 1 runs at 89 °C with the software thermal slowdown active (SM 1350 of 1980 MHz), GPU 0 is fine; expected: gpu-throttled',
    expect: 'gpu-throttled',
    deterministic: true,
    run: async () => {
      const t = recorded();
      const row0 = t.gpu.split('\n')[0]!.split(', ');
      const set = (cells: string[], i: number, v: string) => void (cells[i] = v);
      const FIELDS = (await import('../../src/gpu/nvidia-smi.ts')).GPU_QUERY_FIELDS as readonly string[];
      const at = (f: string) => FIELDS.indexOf(f);
      const g0 = [...row0];
      for (const [f, v] of [['utilization.gpu', '91'], ['temperature.gpu', '67'], ['power.draw', '612.40'], ['clocks.sm', '1980'], ['clocks_throttle_reasons.active', '0x0000000000000000']] as const) set(g0, at(f), v);
      const g1 = [...g0];
      for (const [f, v] of [['index', '1'], ['uuid', 'GPU-1b3d5f7a-9c2e-4a6b-8d0f-2e4a6c8e0b1d'], ['pci.bus_id', '00000000:00:07.0'], ['temperature.gpu', '89'], ['power.draw', '431.75'], ['clocks.sm', '1350'], ['clocks_throttle_reasons.active', '0x0000000000000020']] as const) set(g1, at(f), v);
      t.gpu = `${g0.join(', ')}\n${g1.join(', ')}\n`;
      t.apps += '2412, python3, GPU-1b3d5f7a-9c2e-4a6b-8d0f-2e4a6c8e0b1d, 19684\n';
      return [await gpuOnSmi(t)];
    },
  },
  {
    name: 'heldout2-gpu-dcgm-xid13',
    injected: 'DCGM: GPU 0 last reported Xid 13 (graphics engine exception: an out-of-range access by the application\'s kernel), no ECC error, GPU 1 fine; expected: cuda-kernel-fault',
    expect: 'cuda-kernel-fault',
    deterministic: true,
    run: () => dcgmOn(xid13()),
  },
  {
    name: 'heldout2-gpu-compute-bound-healthy',
    injected: 'none: the H100 at 100 % utilisation with 24 % of its memory used, full clocks, 640 of 700 W, no throttle reason (a compute-bound model doing its work)',
    expect: null,
    deterministic: true,
    run: async () => {
      const t = recorded();
      const FIELDS = (await import('../../src/gpu/nvidia-smi.ts')).GPU_QUERY_FIELDS as readonly string[];
      const cells = t.gpu.split('\n')[0]!.split(', ');
      for (const [f, v] of [['utilization.gpu', '100'], ['temperature.gpu', '69'], ['power.draw', '640.10'], ['clocks.sm', '1980'], ['clocks_throttle_reasons.active', '0x0000000000000000']] as const) cells[FIELDS.indexOf(f)] = v;
      t.gpu = `${cells.join(', ')}\n`;
      return [await gpuOnSmi(t)];
    },
  },
  // oom
  {
    name: 'heldout2-oom-init-container',
    injected: 'the model-download init container (512Mi limit) is OOMKilled at each try: Init:CrashLoopBackOff, the server never starts; expected: container-memory-limit-too-low (of the init container)',
    expect: 'container-memory-limit-too-low',
    deterministic: true,
    run: async () => {
      const pod = llmPod((p, m) => {
        p.spec.initContainers = [{ name: 'fetch-model', image: 'registry.example.com/ml/model-fetcher:1.3.0', resources: { limits: { memory: '512Mi', cpu: '500m' }, requests: { memory: '512Mi', cpu: '250m' } } }];
        p.status.phase = 'Pending';
        p.status.initContainerStatuses = [
          {
            name: 'fetch-model',
            image: 'registry.example.com/ml/model-fetcher:1.3.0',
            imageID: 'registry.example.com/ml/model-fetcher@sha256:3c1e9b7d5f2a4c6e8a0b2d4f6e8c0a2b4d6f8e0c2a4b6d8f0e2c4a6b8d0f2e4c',
            containerID: 'containerd://7f3e1c9a5b2d4e6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f',
            ready: false,
            started: false,
            restartCount: 5,
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-11-22T14:15:40Z', finishedAt: '2026-11-22T14:16:02Z', containerID: 'containerd://7f3e1c9a5b2d4e6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f' } },
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=fetch-model pod=llm-server-6d8f7b9c4-k2x7p_ml(1b2c3d4e-0000-4000-8000-000000000001)' } },
          },
        ];
        for (const s of p.status.containerStatuses as Json[]) Object.assign(s, { ready: false, started: false, restartCount: 0, lastState: {}, state: { waiting: { reason: 'PodInitializing' } } });
        delete m.containers;
        m.containers = [];
      });
      return [await oomOn({ ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': quietNode() }, nodeEvents: {} }, 'llm-server-6d8f7b9c4-k2x7p', { now: () => Date.parse('2026-11-22T14:20:00Z') })];
    },
  },
  {
    name: 'heldout2-oom-liveness-kill-137',
    injected: 'the server hangs under load and the kubelet kills it for failing its liveness probe: exit 137 with reason Error (not OOMKilled), working set 40 % of the limit, "Liveness probe failed" events; expected: not memory, the probe kill (no such cause before this run: liveness-probe-kill)',
    expect: 'liveness-probe-kill',
    deterministic: true,
    run: async () => {
      const pod = llmPod((p, m) => {
        const s = status(p, 'server');
        s.restartCount = 3;
        s.lastState.terminated = { ...s.lastState.terminated, reason: 'Error', exitCode: 137, startedAt: '2026-11-22T13:41:10Z', finishedAt: '2026-11-22T14:12:31Z' };
        s.state = { running: { startedAt: '2026-11-22T14:12:33Z' } };
        s.ready = true;
        usage(m, 'server', '13421772Ki');
      });
      const events = podEvents([
        // The kubelet's probe messages (pkg/kubelet/prober/prober.go; kuberuntime_manager.go)
        { type: 'Warning', reason: 'Unhealthy', count: 9, message: 'Liveness probe failed: Get "http://10.42.3.17:8000/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', firstTimestamp: '2026-11-22T13:20:02Z', lastTimestamp: '2026-11-22T14:12:01Z' },
        { type: 'Normal', reason: 'Killing', count: 3, message: 'Container server failed liveness probe, will be restarted', firstTimestamp: '2026-11-22T13:20:32Z', lastTimestamp: '2026-11-22T14:12:31Z' },
      ]);
      return [await oomOn({ ...llmServerScenario(), pods: [{ ...pod, events }], nodes: { 'gpu-node-3': quietNode() }, nodeEvents: {} }, 'llm-server-6d8f7b9c4-k2x7p', { now: () => Date.parse('2026-11-22T14:20:00Z') })];
    },
  },
  // changes
  {
    name: 'heldout2-changes-digest-moved',
    injected: 'no rollout for 6 days, but tag 3.2.0 was re-pushed: a pod rescheduled 10 min ago pulled a different digest and crash-loops while the others run the old one; expected: deploy-new-image',
    expect: 'deploy-new-image',
    deterministic: true,
    run: () => changesOn(digestMoved()),
  },
  {
    name: 'heldout2-changes-memory-limit-lowered',
    injected: 'revision 12, 15 min ago, keeps image and env and lowers the memory limit 4Gi → 1Gi; its pods are OOMKilled; expected: config-change',
    expect: 'config-change',
    deterministic: true,
    run: () => changesOn(memoryLimitLowered()),
  },
];
