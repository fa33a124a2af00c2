// The oom diagnostic end to end: the real @kubernetes/client-node against the API server stand-in
// serving recorded objects, the CUDA OOM parser on the recorded logs, the observations the
// diagnostic makes and the causes the engine ranks from them (runDiagnostic, as workers run it).
import { afterEach, describe, expect, it } from 'vitest';
import { oomDiagnostic, oomDiagnosticWithRouting, withPodNode, type OomData } from '../../jobs/oom.ts';
import type { DiagnosticDeps } from '../../src/core/diagnostic.ts';
import { UsageError } from '../../src/core/errors.ts';
import { createKubeAccess, type KubeAccess } from '../../src/k8s/kube-access.ts';
import { nodeQueue } from '../../src/queue/names.ts';
import { runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { diffusionWorkerPod, fixtureText, llmServerScenario, startKubeApiStandIn, type KubeApiStandIn, type KubeApiStandInOptions } from '../support/kube-api-stand-in.ts';

const POD = 'llm-server-6d8f7b9c4-k2x7p';
const GiB = 2 ** 30;
let standIn: KubeApiStandIn | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function kubeFor(options: KubeApiStandInOptions = llmServerScenario(), namespaces: string[] = []): Promise<KubeAccess> {
  standIn = await startKubeApiStandIn(options);
  return createKubeAccess({ namespaces, kubeConfig: standIn.kubeConfig() });
}

function deps(kube: KubeAccess | undefined, progress: Array<[number, string | undefined]> = []): Omit<DiagnosticDeps, 'signal' | 'progress'> & { progress: DiagnosticDeps['progress'] } {
  return { fetch, now: () => Date.now(), nodeName: 'gpu-node-3', kube, progress: (p, m) => void progress.push([p, m]) };
}

async function oom(payload: unknown, kube: KubeAccess | undefined) {
  return runDiagnostic(oomDiagnostic, oomDiagnostic.payload.parse(payload), deps(kube));
}

describe('oom <namespace>/<pod>', () => {
  it('parses ns/pod and --container, and rejects anything else with the usage line', () => {
    expect(oomDiagnostic.parseArgs(['ml/llm-server-6d8f7b9c4-k2x7p'])).toEqual({ namespace: 'ml', pod: POD });
    expect(oomDiagnostic.parseArgs(['ml/x', '--container', 'server'])).toEqual({ namespace: 'ml', pod: 'x', container: 'server' });
    expect(() => oomDiagnostic.parseArgs(['llm-server'])).toThrow('"llm-server" is not <namespace>/<pod>');
    expect(() => oomDiagnostic.parseArgs([])).toThrow(UsageError);
    expect(() => oomDiagnostic.parseArgs(['ml/x', '--tail', '5'])).toThrow(UsageError);
    expect(oomDiagnostic.payload.safeParse({ namespace: 'ML', pod: 'x' }).success).toBe(false);
  });

  it('finds the OOMKilled container, the CUDA OOM numbers in its previous logs and ranks the causes', async () => {
    const kube = await kubeFor();
    const progress: Array<[number, string | undefined]> = [];
    const result = await runDiagnostic(oomDiagnostic, { namespace: 'ml', pod: POD }, deps(kube, progress));

    expect(result.severity).toBe('critical');
    const data = result.data as OomData;
    expect(data.pod).toEqual({ namespace: 'ml', name: POD, node: 'gpu-node-3', phase: 'Running', restarts: 5 });
    const server = data.containers.find((c) => c.name === 'server');
    expect(server).toEqual({
      name: 'server',
      lastTermination: { reason: 'OOMKilled', exitCode: 137, startedAt: '2026-11-22T14:02:11.000Z', finishedAt: '2026-11-22T14:03:05.000Z' },
      restartCount: 5,
      waitingReason: 'CrashLoopBackOff',
      memoryRequestBytes: 24 * GiB,
      memoryLimitBytes: 32 * GiB,
      memoryUsageBytes: 33254360 * 1024,
      gpuLimit: 1,
      runningSince: null,
    });
    // The numbers of the real torch message in the previous logs.
    expect(data.cudaOom).toHaveLength(1);
    expect(data.cudaOom[0]).toMatchObject({ container: 'server', gpu: 0, triedToAllocateBytes: Math.round(46.57 * GiB), freeBytes: Math.round(12.87 * GiB), reservedUnallocatedBytes: 0, processes: [{ pid: 406, bytes: Math.round(19.22 * GiB) }] });
    expect(data.logSignatures).toContainEqual(expect.objectContaining({ container: 'server', id: 'cuda-oom', category: 'gpu-memory', count: 1 }));
    expect(data.nodeConditions).toContainEqual({ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' });
    expect(data.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['FailedScheduling', 'BackOff', 'OOMKilling']));
    // events.k8s.io writers (the scheduler) carry eventTime + series; kubelet ones count + lastTimestamp.
    expect(data.events.find((e) => e.reason === 'FailedScheduling')).toMatchObject({ object: 'Pod', count: 7, lastSeen: '2026-11-22T13:34:31.118Z', source: 'default-scheduler' });
    expect(data.events.find((e) => e.reason === 'BackOff')).toMatchObject({ count: 23, lastSeen: '2026-11-22T14:05:48.000Z', source: 'kubelet' });

    const causes = result.hypotheses.map((h) => h.cause);
    // The kill itself is the kernel's at the container's limit; the CUDA OOM (batch too large) is the other high cause.
    expect(causes.slice(0, 2)).toEqual(['container-memory-limit-too-low', 'gpu-batch-too-large']);
    const [limit, batch] = result.hypotheses;
    expect(limit?.likelihood).toBe('high');
    expect(limit?.fixes[0]).toBe('Raise the memory limit of server to 40Gi (1.25 × the most it was seen to use) and set the request to the same value so the scheduler reserves it.');
    // Of the node's two OOM kills, only the one at the container's finishedAt is its own.
    expect(limit?.evidence).toContain('the kernel killed server at 31.8 GiB resident = 99 % of its limit (node OOMKilling event at 2026-11-22T14:03:05.000Z) [oom]');
    expect(limit?.evidence).toContain('server ran 54 s before the OOM kill: the working set never fit [oom]');
    expect(batch?.title).toBe('Batch or sequence too large for the GPU: shrink it by about 3.6×');
    expect(batch?.fixes[0]).toBe('Set --max-batch-size 64 → 16 (divide by 4), or cut the maximum sequence length by the same factor.');
    expect(batch?.evidence[0]).toContain('the batch must shrink by tried/free = 3.6×; if it is all activations of this batch, by (allocated+tried)/(allocated+free) = 1.6×');
    // Nothing is reserved but unallocated: fragmentation is not listed.
    expect(causes).not.toContain('allocator-fragmentation');
    // Process 406 is a real neighbour, but freeing it would not make room: listed with the evidence against.
    const neighbour = result.hypotheses.find((h) => h.cause === 'gpu-foreign-process');
    expect(neighbour?.evidence).toEqual(['process 406 holds 19.2 GiB on the same GPU (container server, GPU 0, from the CUDA OOM message) [oom]']);
    expect(neighbour?.against).toEqual(['freeing the other processes would still not make room: freeing the other processes leaves 32.1 GiB, still short of the 46.6 GiB request [oom]']);
    // A leak is held against: 54 s is too short.
    expect(result.hypotheses.find((h) => h.cause === 'container-memory-leak')?.likelihood).toBe('unlikely');
    expect(result.hypotheses.find((h) => h.cause === 'gpu-not-schedulable')?.against[0]).toContain('it was placed later');
    expect(result.summary).toMatch(/^Most likely: Container memory limit below its working set \(high; server was OOMKilled \(exit 137\)/);
    expect(result.summary).toContain("ml/llm-server-6d8f7b9c4-k2x7p: container server was OOMKilled (exit 137), 5 restarts, CrashLoopBackOff; server's logs show a CUDA out-of-memory error asking for 46.6 GiB with 12.9 GiB free.");
    expect(progress.at(-1)?.[0]).toBe(100);
  });

  it('asks the API for exactly the evidence it needs, with the bearer token', async () => {
    const kube = await kubeFor();
    await oom({ namespace: 'ml', pod: POD }, kube);
    const asked = standIn?.requests.map((r) => `${r.path}?${new URLSearchParams(r.query).toString()}`).sort();
    expect(asked).toEqual(
      [
        `/api/v1/namespaces/ml/pods/${POD}?`,
        `/api/v1/namespaces/ml/events?fieldSelector=involvedObject.kind%3DPod%2CinvolvedObject.name%3D${POD}`,
        '/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DNode%2CinvolvedObject.name%3Dgpu-node-3',
        '/api/v1/nodes/gpu-node-3?',
        `/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods/${POD}?`,
        `/api/v1/namespaces/ml/pods/${POD}/log?container=server&limitBytes=4194304&previous=true&tailLines=5000`,
        `/api/v1/namespaces/ml/pods/${POD}/log?container=metrics-exporter&limitBytes=4194304&previous=false&tailLines=5000`,
      ].sort(),
    );
    expect(new Set(standIn?.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer test-token']));
  });

  it('reads fragmentation from a CUDA OOM with large reserved-but-unallocated memory, and says when metrics are unavailable', async () => {
    const kube = await kubeFor({ ...llmServerScenario(), pods: [diffusionWorkerPod()], metricsApi: false });
    const result = await oom({ namespace: 'ml', pod: 'diffusion-worker-5b7d9c8f6-q4n8z' }, kube);
    expect(result.hypotheses[0]).toMatchObject({ cause: 'allocator-fragmentation', likelihood: 'high' });
    expect(result.hypotheses[0]?.evidence[0]).toBe(
      'the 35.6 GiB request would fit in 26.2 GiB free + 40.7 GiB reserved by the allocator but unallocated, which is split into pieces too small for it (container worker, GPU 0) [oom]',
    );
    expect(result.fixes[0]).toContain('PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True');
    const batch = result.hypotheses.find((h) => h.cause === 'gpu-batch-too-large');
    expect(batch?.likelihood).toBe('unlikely');
    expect(batch?.against[0]).toMatch(/^fragmentation explains it/);
    // "Process 76883 has 53.16 GiB" is the crashing process itself (11.97 + 40.69 GiB), not a neighbour.
    expect(result.observations.filter((o) => o.name === 'gpu.foreign_process_memory').map((o) => o.value)).toEqual([0]);
    expect(result.hypotheses.map((h) => h.cause)).not.toContain('container-memory-limit-too-low'); // exit 1, not OOMKilled
    const data = result.data as OomData;
    expect(data.containers[0]).toMatchObject({ name: 'worker', lastTermination: { reason: 'Error', exitCode: 1 }, memoryUsageBytes: null });
    expect(data.findings).toContainEqual(expect.objectContaining({ code: 'metrics-unavailable', message: expect.stringContaining('metrics unavailable') }));
    expect(result.tables[0]?.rows[0]?.[7]).toBe('metrics unavailable');
  });

  it('answers "not out of memory" when the previous logs show another failure', async () => {
    const worker = diffusionWorkerPod();
    const kube = await kubeFor({ ...llmServerScenario(), pods: [{ ...worker, previousLogs: { worker: fixtureText('logs-previous-assert.txt') } }] });
    const result = await oom({ namespace: 'ml', pod: 'diffusion-worker-5b7d9c8f6-q4n8z' }, kube);
    // The log signatures are observed; the logs catalogue names the cause, ahead of every memory cause.
    expect(result.observations.filter((o) => o.name === 'log.signature').map((o) => o.value)).toEqual(expect.arrayContaining(['cuda-kernel-assert', 'cuda-device-side-assert']));
    expect(result.hypotheses[0]).toMatchObject({ category: 'errors', likelihood: 'high' });
    expect(result.hypotheses[0]?.evidence[0]).toContain('Assertion `srcIndex < srcSelectDimSize` failed');
    const container = ['container-memory-limit-too-low', 'gpu-batch-too-large', 'allocator-fragmentation', 'model-load-host-oom'];
    expect(result.hypotheses.filter((h) => container.includes(h.cause))).toEqual([]);
    const data = result.data as OomData;
    expect(data.cudaOom).toEqual([]);
    expect(data.logSignatures).toContainEqual(expect.objectContaining({ container: 'worker', id: 'cuda-device-side-assert', severity: 'critical', count: 1 }));
  });

  it('finds an init container killed at its limit (the pod never starts), and leaves out init containers that completed', async () => {
    const base = llmServerScenario().pods[0]!;
    const pod = structuredClone(base.pod) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    pod.spec.initContainers = [
      { name: 'wait-for-store', image: 'busybox:1.36' },
      { name: 'fetch-model', image: 'registry.example.com/ml/model-fetcher:1.3.0', resources: { limits: { memory: '512Mi' } } },
    ];
    pod.status.initContainerStatuses = [
      { name: 'wait-for-store', image: 'busybox:1.36', imageID: '', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      {
        name: 'fetch-model', image: 'registry.example.com/ml/model-fetcher:1.3.0', imageID: '', ready: false, restartCount: 5,
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-11-22T14:15:40Z', finishedAt: '2026-11-22T14:16:02Z' } },
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    ];
    for (const c of pod.status.containerStatuses) Object.assign(c, { ready: false, restartCount: 0, lastState: {}, state: { waiting: { reason: 'PodInitializing' } } });
    const kube = await kubeFor({ ...llmServerScenario(), pods: [{ ...base, pod, previousLogs: {}, logs: {} }], nodeEvents: {} });
    const result = await oom({ namespace: 'ml', pod: POD }, kube);
    const data = result.data as OomData;
    expect(data.containers.map((c) => c.name)).toEqual(['server', 'metrics-exporter', 'fetch-model']);
    expect(data.containers.at(-1)).toMatchObject({ init: true, restartCount: 5, memoryLimitBytes: 512 * 2 ** 20, lastTermination: { reason: 'OOMKilled' } });
    expect(result.hypotheses[0]).toMatchObject({ cause: 'container-memory-limit-too-low', likelihood: 'high' });
    expect(result.severity).toBe('critical');
  });

  it('tells a liveness-probe kill (exit 137, reason Error, kubelet Killing events) from an OOM kill', async () => {
    const base = llmServerScenario().pods[0]!;
    const pod = structuredClone(base.pod) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const s = pod.status.containerStatuses.find((c: { name: string }) => c.name === 'server');
    s.lastState.terminated = { ...s.lastState.terminated, reason: 'Error', exitCode: 137 };
    const metrics = structuredClone(base.metrics) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    metrics.containers.find((c: { name: string }) => c.name === 'server').usage.memory = '13421772Ki'; // 40 % of the 32Gi limit
    const events = structuredClone(base.events) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const { series: _series, ...template } = events.items[0];
    // The kubelet's messages (pkg/kubelet/prober and kuberuntime).
    events.items = [
      { ...template, reason: 'Unhealthy', type: 'Warning', count: 9, message: 'Liveness probe failed: Get "http://10.42.3.17:8000/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)' },
      { ...template, reason: 'Killing', type: 'Normal', count: 3, message: 'Container server failed liveness probe, will be restarted' },
    ];
    const kube = await kubeFor({ ...llmServerScenario(), pods: [{ ...base, pod, metrics, events, previousLogs: {}, logs: {} }], nodeEvents: {} });
    const result = await oom({ namespace: 'ml', pod: POD }, kube);
    expect(result.observations.find((o) => o.name === 'oom.probe_kills')?.value).toBe(3);
    expect(result.hypotheses[0]).toMatchObject({ cause: 'liveness-probe-kill', likelihood: 'high' });
    expect(result.hypotheses.filter((h) => h.cause === 'container-memory-limit-too-low' && h.likelihood !== 'unlikely')).toEqual([]);
  });

  it('a restart two days ago is history (no warning, its age said), clean or failed, with the container running since; the same restart ten minutes ago is a warning', async () => {
    const base = llmServerScenario().pods[0]!;
    const restartedAt = (finishedAt: string, exitCode = 0, reason = exitCode === 0 ? 'Completed' : 'Error') => {
      const pod = structuredClone(base.pod) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const c of pod.status.containerStatuses) Object.assign(c, { ready: true, restartCount: 0, lastState: {}, state: { running: { startedAt: finishedAt } } });
      const s = pod.status.containerStatuses.find((c: { name: string }) => c.name === 'server');
      const startedAt = new Date(Date.parse(finishedAt) - 2 * 3600_000).toISOString(); // a two-hour run
      Object.assign(s, { restartCount: 1, lastState: { terminated: { exitCode, reason, startedAt, finishedAt } } });
      const metrics = structuredClone(base.metrics) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      metrics.containers.find((c: { name: string }) => c.name === 'server').usage.memory = '14680064Ki'; // 14 GiB of 32Gi
      const scenario = llmServerScenario();
      const node = structuredClone(scenario.nodes!['gpu-node-3']!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const c of node.status.conditions) if (c.type.endsWith('Pressure')) Object.assign(c, { status: 'False', message: 'kubelet has sufficient memory available' });
      return { ...scenario, pods: [{ ...base, pod, metrics, events: { ...(base.events as object), items: [] }, previousLogs: {}, logs: {} }], nodes: { 'gpu-node-3': node }, nodeEvents: {} };
    };
    const now = Date.now();
    const runAt = async (finishedAt: string, exitCode = 0, reason?: string) => {
      const kube = await kubeFor(restartedAt(finishedAt, exitCode, reason));
      const result = await runDiagnostic(oomDiagnostic, { namespace: 'ml', pod: POD }, { ...deps(kube), now: () => now });
      await standIn?.close();
      standIn = undefined;
      return result;
    };
    const old = await runAt(new Date(now - 2 * 24 * 3600_000).toISOString());
    expect(old.evidence.filter((e) => e.severity === 'critical' || e.severity === 'warning')).toEqual([]);
    expect(old.severity).not.toBe('warning');
    expect(old.severity).not.toBe('critical');
    expect(old.summary).toContain('container server restarted 1 time (last exit 0 Completed, 48.0 h ago)');
    const recent = await runAt(new Date(now - 10 * 60_000).toISOString());
    expect(recent.severity).toBe('warning');
    expect(recent.summary).toContain('10 min ago');
    // One failed start (exit 1) six days ago, running since: history too. Two hours ago it is news.
    expect((await runAt(new Date(now - 6 * 24 * 3600_000).toISOString(), 1)).severity).not.toBe('warning');
    expect((await runAt(new Date(now - 2 * 3600_000).toISOString(), 1)).severity).toBe('warning');
    // One OOM kill four days ago, at 14 of 32 GiB since: history, not critical. An hour ago: critical.
    expect((await runAt(new Date(now - 4 * 24 * 3600_000).toISOString(), 137, 'OOMKilled')).severity).not.toBe('critical');
    expect((await runAt(new Date(now - 3600_000).toISOString(), 137, 'OOMKilled')).severity).toBe('critical');
  });

  it('an eviction for ephemeral storage on a node under disk pressure is a full disk, not memory pressure', async () => {
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const base = llmServerScenario().pods[0]!;
    const events = structuredClone(base.events) as Json;
    const { series: _series, ...template } = events.items[0];
    // The kubelet's eviction message (pkg/kubelet/eviction/helpers.go).
    events.items = [{ ...template, reason: 'Evicted', type: 'Warning', count: 1, message: 'The node was low on resource: ephemeral-storage. Threshold quantity: 177003471493, available: 168224196Ki. Container server was using 187695104Ki, request is 0, has larger consumption of ephemeral-storage.' }];
    const scenario = llmServerScenario();
    const node = structuredClone(scenario.nodes!['gpu-node-3']!) as Json;
    for (const c of node.status.conditions) {
      if (c.type === 'MemoryPressure') Object.assign(c, { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' });
      if (c.type === 'DiskPressure') Object.assign(c, { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' });
    }
    const kube = await kubeFor({ ...scenario, pods: [{ ...base, events, previousLogs: {}, logs: {} }], nodes: { 'gpu-node-3': node }, nodeEvents: {} });
    const result = await oom({ namespace: 'ml', pod: POD }, kube);
    expect(result.observations.find((o) => o.name === 'oom.eviction_resource')?.value).toBe('ephemeral-storage');
    expect(result.hypotheses.filter((h) => h.likelihood !== 'unlikely').map((h) => h.cause)).not.toContain('node-memory-pressure');
    expect(result.hypotheses.find((h) => h.cause === 'disk-full')).toMatchObject({ likelihood: 'high' });
  });

  it('turns a 403 on the logs into a finding naming the RBAC verb and resource, and still reports the rest', async () => {
    const kube = await kubeFor({ ...llmServerScenario(), forbid: ['pods/log'] });
    const result = await oom({ namespace: 'ml', pod: POD }, kube);
    const findings = (result.data as { findings: Array<{ code: string; message: string; fix: string }> }).findings;
    const forbidden = findings.filter((f) => f.code === 'kube-forbidden');
    expect(forbidden).toHaveLength(2);
    expect(forbidden[0]?.message).toContain('the service account cannot get pods/log in namespace ml — add verb get on resource pods/log to its Role');
    expect(forbidden[0]?.fix).toBe('Add to the worker\'s Role: {apiGroups: [""], resources: ["pods/log"], verbs: ["get"]}');
    expect(result.hypotheses[0]?.cause).toBe('container-memory-limit-too-low');
    expect(result.summary).toContain('Not checked: read previous logs of container server: forbidden');
  });

  it('turns a 403 on the pod itself into a result with the RBAC finding, not a crash', async () => {
    const kube = await kubeFor({ ...llmServerScenario(), forbid: ['pods'] });
    const result = await oom({ namespace: 'ml', pod: POD }, kube);
    expect(result.severity).toBe('warning');
    expect(result.summary).toBe(
      `Could not read pod ml/${POD}: get pod ml/${POD}: forbidden: the service account cannot get pods in namespace ml — add verb get on resource pods to its Role. Add to the worker's Role: {apiGroups: [""], resources: ["pods"], verbs: ["get"]}`,
    );
  });

  it('answers a missing pod with a one-line usage error', async () => {
    const kube = await kubeFor();
    const err = await oom({ namespace: 'ml', pod: 'missing-pod' }, kube).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('pod ml/missing-pod not found');
  });

  it('reports an unreachable API server as a finding', async () => {
    const kube = await kubeFor();
    const url = standIn?.url ?? '';
    await standIn?.close();
    standIn = undefined;
    const result = await oom({ namespace: 'ml', pod: POD }, kube);
    expect(result.severity).toBe('warning');
    expect(result.summary).toContain(`Kubernetes API server ${url} is unreachable (ECONNREFUSED)`);
    expect((result.data as { findings: Array<{ code: string }> }).findings[0]?.code).toBe('kube-unreachable');
  });

  it('refuses a namespace outside the allowlist before asking the API', async () => {
    const kube = await kubeFor(llmServerScenario(), ['serving']);
    await expect(oom({ namespace: 'ml', pod: POD }, kube)).rejects.toThrow('namespace "ml" is not in the allowlist (INFDBG_NAMESPACES: serving)');
    expect(standIn?.requests).toEqual([]);
  });

  it('says so when the worker has no Kubernetes access', async () => {
    const result = await oom({ namespace: 'ml', pod: POD }, undefined);
    expect(result.summary).toMatch(/no Kubernetes access/);
  });

  it('routes to the node that runs the pod once the enqueuer fills it in', async () => {
    const kube = await kubeFor();
    const payload = await withPodNode({ namespace: 'ml', pod: POD }, kube);
    expect(payload).toEqual({ namespace: 'ml', pod: POD, node: 'gpu-node-3' });
    expect(await oomDiagnostic.route?.(payload)).toBe('gpu-node-3');
    expect(await oomDiagnostic.route?.({ namespace: 'ml', pod: POD })).toBeUndefined();
    await expect(withPodNode({ namespace: 'ml', pod: 'missing-pod' }, kube)).rejects.toThrow('pod ml/missing-pod not found');
  });
});

describe('oom through Slack, the queue and the node worker', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('routes /debug oom to the queue of the node that runs the pod and posts the report in the thread', async () => {
    standIn = await startKubeApiStandIn(llmServerScenario());
    const kube = createKubeAccess({ namespaces: ['ml'], kubeConfig: standIn.kubeConfig() });
    const routingKube = createKubeAccess({ namespaces: ['ml'], kubeConfig: standIn.kubeConfig(), requestTimeoutMs: 3000 });
    stack = await startStack({ diagnostics: [oomDiagnosticWithRouting(routingKube)], deps: { kube }, nodeName: 'gpu-node-3' });

    const res = await stack.sendCommand(`oom ml/${POD}`);
    expect(res.status).toBe(200);
    const { transcript } = await stack.waitForReport('C0INCIDENT', 30_000);
    expect(transcript).toContain('container server was OOMKilled (exit 137)');
    expect(transcript).toContain('shrink it by about 3.6×');

    const root = stack.slack.callsTo('chat.postMessage')[0];
    const id = /`(r[0-9a-f]{16})`/.exec(String(root?.args.text))?.[1] ?? '';
    const report = await stack.store.reportJob(id);
    expect(report?.data.children).toEqual([expect.objectContaining({ diagnostic: 'oom', queue: nodeQueue('gpu-node-3') })]);
  });

  it('tells the user in the thread when the pod does not exist, without running anything', async () => {
    standIn = await startKubeApiStandIn(llmServerScenario());
    const routingKube = createKubeAccess({ namespaces: ['ml'], kubeConfig: standIn.kubeConfig(), requestTimeoutMs: 3000 });
    stack = await startStack({ diagnostics: [oomDiagnosticWithRouting(routingKube)], nodeName: 'gpu-node-3' });
    await stack.sendCommand('oom ml/missing-pod');
    const update = await stack.slack.waitFor(() => stack!.slack.callsTo('chat.update').find((c) => String(c.args.text).includes('could not be queued')));
    expect(String(update.args.text)).toContain('pod ml/missing-pod not found');
    expect(await stack.redisKeys()).toEqual([]);
  });
});
