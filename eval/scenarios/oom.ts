// Memory faults injected into a Kubernetes API stand-in (test/support/kube-api-stand-in.ts) that
// serves the recorded pod, node, events, metrics and logs of test/fixtures/k8s/: each fault edits
// the recorded objects the way the fault shows in them — a container OOMKilled within a minute at
// its limit, a CUDA OOM whose room is held by the allocator (the recorded Mask2DiT message), a
// container killed after hours and restarted again and again, a working set that grows between
// two runs, an eviction under node pressure. The control is the same pod running quietly.
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import type { BaselineStore } from '../../src/core/diagnostic.ts';
import { diffusionWorkerPod, fixtureJson, fixtureText, llmServerScenario, startKubeApiStandIn, type KubeApiStandInOptions, type StandInPod } from '../../test/support/kube-api-stand-in.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';

const POD = 'llm-server-6d8f7b9c4-k2x7p';
/** The recorded server log up to the batch that failed, without the CUDA OOM traceback. */
const SERVING_LOG = fixtureText('logs-previous-server.txt').split('\n').slice(0, 4).join('\n') + '\n';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const clone = <T>(x: T): T => structuredClone(x);

/** The recorded llm-server pod, edited by `edit` (container statuses, metrics, logs). */
function llmServer(edit: (pod: Json, metrics: Json) => void): StandInPod {
  const base = llmServerScenario().pods[0]!;
  const pod = clone(base.pod) as Json;
  const metrics = clone(base.metrics) as Json;
  edit(pod, metrics);
  return { ...base, pod, metrics, previousLogs: { server: SERVING_LOG }, logs: { ...base.logs, server: SERVING_LOG } };
}

function server(pod: Json): Json {
  return (pod.status.containerStatuses as Json[]).find((c) => c.name === 'server')!;
}

function setServerUsage(metrics: Json, memory: string): void {
  (metrics.containers as Json[]).find((c) => c.name === 'server')!.usage.memory = memory;
}

/** The recorded node with MemoryPressure as given. */
function node(pressure: boolean): Json {
  const n = clone(fixtureJson('node-gpu-node-3.json')) as Json;
  const c = (n.status.conditions as Json[]).find((x) => x.type === 'MemoryPressure')!;
  Object.assign(c, pressure ? { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' } : { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
  return n;
}

/** The recorded node events, keeping only the OOM kill at `at` (the container's end). */
function nodeEvents(keep: (e: Json) => boolean): Json {
  const list = clone(fixtureJson('events-node-gpu-node-3.json')) as Json;
  list.items = (list.items as Json[]).filter(keep);
  return list;
}

export async function oomOn(options: KubeApiStandInOptions, pod = POD, extra: { now?: () => number; baselines?: BaselineStore } = {}): Promise<DiagnosticResult> {
  const standIn = await startKubeApiStandIn(options);
  try {
    const kube = createKubeAccess({ namespaces: [], kubeConfig: standIn.kubeConfig() });
    return await runCommandLine(`oom ml/${pod}`, { nodeName: 'gpu-node-3', kube, ...extra });
  } finally {
    await standIn.close();
  }
}

function memoryBaselines(): BaselineStore {
  const kept = new Map<string, string>();
  return { get: async (k) => kept.get(k) ?? null, set: async (k, v) => void kept.set(k, v) };
}

const healthyServer = (pod: Json, metrics: Json) => {
  const s = server(pod);
  s.lastState = {};
  s.restartCount = 0;
  s.ready = true;
  s.started = true;
  s.state = { running: { startedAt: '2026-11-22T13:35:02Z' } };
  pod.status.phase = 'Running';
  setServerUsage(metrics, '12582912Ki'); // 12 GiB of the 32Gi limit
};

export const scenarios: Scenario[] = [
  {
    name: 'oom-limit-too-low',
    injected: 'memory limit 32Gi below the working set: OOMKilled 54 s after start at 99 % of the limit',
    expect: 'container-memory-limit-too-low',
    deterministic: true,
    run: async () => [await oomOn({ ...llmServerScenario(), pods: [llmServer(() => {})] })],
  },
  {
    name: 'oom-cuda-fragmentation',
    injected: 'CUDA OOM asking 35.6 GiB with 26.2 GiB free and 40.7 GiB reserved by PyTorch but unallocated',
    expect: 'allocator-fragmentation',
    deterministic: true,
    run: async () => [await oomOn({ ...llmServerScenario(), pods: [diffusionWorkerPod()], metricsApi: false }, 'diffusion-worker-5b7d9c8f6-q4n8z')],
  },
  {
    name: 'oom-cuda-batch-too-large',
    injected: 'the recorded CUDA OOM (46.6 GiB asked, 12.9 GiB free, nothing reserved) ends the container with exit 1',
    expect: 'gpu-batch-too-large',
    deterministic: true,
    run: async () => {
      const pod = llmServer((p) => {
        server(p).lastState.terminated = { ...server(p).lastState.terminated, reason: 'Error', exitCode: 1 };
      });
      pod.previousLogs = { server: fixtureText('logs-previous-server.txt') };
      return [await oomOn({ ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': node(false) }, nodeEvents: {} })];
    },
  },
  {
    name: 'oom-leak-across-restarts',
    injected: 'a leak: each instance runs ~2.7 h before the OOM kill at its limit, 6 restarts; the new instance at 35 %',
    expect: 'container-memory-leak',
    deterministic: true,
    run: async () => {
      const pod = llmServer((p, m) => {
        const s = server(p);
        s.restartCount = 6;
        s.lastState.terminated = { ...s.lastState.terminated, startedAt: '2026-11-22T11:20:41Z', finishedAt: '2026-11-22T14:03:05Z' };
        s.state = { running: { startedAt: '2026-11-22T14:03:21Z' } };
        s.ready = true;
        s.started = true;
        setServerUsage(m, '11744051Ki');
      });
      return [await oomOn({ ...llmServerScenario(), pods: [pod], nodes: { 'gpu-node-3': node(false) } }, POD, { now: () => Date.parse('2026-11-22T14:50:00Z') })];
    },
  },
  {
    name: 'oom-working-set-growing',
    injected: 'a leak not killed yet: the working set grows 3 GiB/h between two runs 30 min apart',
    expect: 'container-memory-leak',
    deterministic: true,
    run: async () => {
      const baselines = memoryBaselines();
      const t0 = Date.parse('2026-11-22T15:00:00Z');
      const first = llmServer((p, m) => {
        healthyServer(p, m);
        setServerUsage(m, '10485760Ki'); // 10 GiB
      });
      const options = { ...llmServerScenario(), pods: [first], nodes: { 'gpu-node-3': node(false) } };
      await oomOn(options, POD, { now: () => t0, baselines });
      setServerUsage(first.metrics as Json, '12058624Ki'); // 11.5 GiB half an hour later
      return [await oomOn(options, POD, { now: () => t0 + 30 * 60_000, baselines })];
    },
  },
  {
    name: 'oom-node-pressure-eviction',
    injected: 'node out of memory: MemoryPressure=True and the kubelet evicted the pod',
    expect: 'node-memory-pressure',
    deterministic: true,
    run: async () => {
      const pod = llmServer((p, m) => {
        healthyServer(p, m);
        setServerUsage(m, '26214400Ki');
      });
      const events = clone(fixtureJson('events-ml-llm-server.json')) as Json;
      const backOff = (events.items as Json[]).find((e) => e.reason === 'BackOff')!;
      (events.items as Json[]).push({
        ...clone(backOff),
        metadata: { ...backOff.metadata, name: `${POD}.1841d51f0a2b3c4d`, uid: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0' },
        reason: 'Evicted',
        count: 1,
        // The kubelet's eviction message (pkg/kubelet/eviction/helpers.go, evictionMessage).
        message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 87412Ki. Container server was using 26214400Ki, request is 24Gi, has larger consumption of memory.',
        firstTimestamp: '2026-11-22T14:20:11Z',
        lastTimestamp: '2026-11-22T14:20:11Z',
      });
      return [await oomOn({ ...llmServerScenario(), pods: [{ ...pod, events }], nodes: { 'gpu-node-3': node(true) }, nodeEvents: { 'gpu-node-3': nodeEvents(() => false) } })];
    },
  },
  {
    name: 'oom-healthy-pod',
    injected: 'none: the pod runs, no restart, working set 38 % of its limit, node without pressure',
    expect: null,
    deterministic: true,
    run: async () => [await oomOn({ ...llmServerScenario(), pods: [{ ...llmServer(healthyServer), previousLogs: {} }], nodes: { 'gpu-node-3': node(false) }, nodeEvents: {} })],
  },
];
