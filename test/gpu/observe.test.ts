// The GPU snapshot → observations rules (src/gpu/observe.ts) on the recorded H100 row: whose memory
// is foreign with and without a target pod, clocks compared only while busy, the throttle class,
// a narrowed PCIe link, and the DCGM pod mapping.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { observeGpus, throttleClass, type AttributedProcess } from '../../src/gpu/observe.ts';
import { parseGpuQuery } from '../../src/gpu/nvidia-smi.ts';

const h100 = parseGpuQuery(readFileSync(new URL('../fixtures/gpu/h100-serving/query-gpu.csv', import.meta.url), 'utf8'))[0]!;
const UUID = h100.uuid;
const pod = (pid: number, name: string, usedMiB: number): AttributedProcess => ({ pid, name: 'python3', gpuUuid: UUID, usedMiB, attribution: { kind: 'pod', namespace: 'ml', pod: name, container: 'server', containerId: '' } });
const values = (obs: ReturnType<typeof observeGpus>, name: string) => obs.filter((o) => o.name === name).map((o) => [o.subject ?? null, o.value]);

describe('observeGpus', () => {
  it('with a target, every other pod on its GPU is foreign; without one, the smaller owner of a shared GPU', () => {
    const processes = [pod(406, 'llm-server-0', 19684), pod(512, 'batch-job-7', 40960)];
    const gpus = [{ ...h100, memoryUsedMiB: 60653 }];
    const base = { gpus, processes, failures: [], source: 'nvidia-smi', node: 'gpu-node-3' };
    expect(values(observeGpus({ ...base, target: { namespace: 'ml', pod: 'llm-server-0' } }), 'gpu.foreign_process_memory')).toEqual([['ml/batch-job-7', 40960 * 2 ** 20]]);
    expect(values(observeGpus(base), 'gpu.foreign_process_memory')).toEqual([['ml/llm-server-0', 19684 * 2 ** 20]]);
    expect(values(observeGpus({ ...base, processes: [processes[0]!], gpus: [h100] }), 'gpu.foreign_process_memory')).toEqual([[null, 0]]);
    // 40 GiB used that no listed process holds: hidden processes (no hostPID).
    expect(values(observeGpus({ ...base, processes: [processes[0]!] }), 'gpu.unaccounted_memory')).toEqual([['0', (60653 - 19684) * 2 ** 20]]);
  });

  it('a process outside any pod is foreign next to a pod, or alone on a GPU of a Kubernetes node — not when it is the only user of a machine without pods', () => {
    const host = (pid: number, usedMiB: number, gpuUuid = UUID): AttributedProcess => ({ pid, name: 'tritonserver', gpuUuid, usedMiB, attribution: { kind: 'host' } });
    const base = { gpus: [{ ...h100, memoryUsedMiB: 60653 }], failures: [], source: 'nvidia-smi', node: 'n' };
    // A VM serving with a host process: its only process is the service.
    expect(values(observeGpus({ ...base, processes: [host(23824, 38180)] }), 'gpu.foreign_process_memory')).toEqual([[null, 0]]);
    // Next to a pod, the host process is foreign even when it holds more.
    expect(values(observeGpus({ ...base, processes: [pod(406, 'llm-server-0', 19684), host(5873, 30720)] }), 'gpu.foreign_process_memory')).toEqual([['pid 5873', 30720 * 2 ** 20]]);
    // On a Kubernetes node (a named node's worker), a host process alone on its GPU is out of place.
    expect(values(observeGpus({ ...base, processes: [host(23824, 38180)], kubernetesNode: true }), 'gpu.foreign_process_memory')).toEqual([['pid 23824', 38180 * 2 ** 20]]);
    // So it is when another GPU's process belongs to a pod.
    const second = { ...h100, index: 1, uuid: 'GPU-second' };
    expect(values(observeGpus({ ...base, gpus: [h100, second], processes: [pod(406, 'llm-server-0', 19684), host(5873, 30720, 'GPU-second')] }), 'gpu.foreign_process_memory')).toEqual([['pid 5873', 30720 * 2 ** 20]]);
  });

  it('compares the SM clock with its maximum only while busy, and classes the slowdown', () => {
    const idle = observeGpus({ gpus: [h100], processes: [], failures: [], source: 'nvidia-smi', node: 'n' });
    expect(values(idle, 'gpu.sm_clock_share')).toEqual([]); // 510 of 1980 MHz at 0 %: idle clocks, not throttling
    expect(values(idle, 'gpu.throttled')).toEqual([['0', 'none']]);
    const hot = observeGpus({ gpus: [{ ...h100, utilizationPct: 97, smClockMHz: 1275, throttleReasons: ['sw_power_cap', 'hw_thermal_slowdown'] }], processes: [], failures: [], source: 'nvidia-smi', node: 'n' });
    expect(values(hot, 'gpu.sm_clock_share')).toEqual([['0', 1275 / 1980]]);
    expect(values(hot, 'gpu.throttled')).toEqual([['0', 'thermal']]);
    expect([throttleClass(['hw_power_brake_slowdown']), throttleClass(['sw_power_cap']), throttleClass(['gpu_idle'])]).toEqual(['power', 'sw-power-cap', 'none']);
  });

  it('calls a narrower PCIe link degraded at any load, a lower generation only while busy', () => {
    const at = (g: Partial<typeof h100>) => values(observeGpus({ gpus: [{ ...h100, ...g }], processes: [], failures: [], source: 'nvidia-smi', node: 'n' }), 'gpu.pcie_link_degraded');
    expect(at({})).toEqual([['0', false]]);
    expect(at({ pcieWidth: 8 })).toEqual([['0', true]]);
    expect(at({ pcieGen: 1 })).toEqual([['0', false]]); // idle links drop to gen 1 to save power
    expect(at({ pcieGen: 1, utilizationPct: 90 })).toEqual([['0', true]]);
  });

  it('counts the other pods the DCGM exporter maps to the target GPU', () => {
    const pods = [
      { namespace: 'ml', name: 'llm-server-0', container: 'server' },
      { namespace: 'ml', name: 'notebook-3', container: null },
    ];
    const obs = observeGpus({ gpus: [{ ...h100, pods }], processes: null, failures: [], source: 'DCGM exporter', node: 'n', target: { namespace: 'ml', pod: 'llm-server-0' } });
    expect(obs.filter((o) => o.name === 'gpu.shared_gpu_pods').map((o) => [o.value, o.text])).toEqual([[1, 'GPU 0 (NVIDIA H100 80GB HBM3) is shared with ml/notebook-3 (DCGM pod mapping)']]);
  });

  it('on a GPU split by MIG, counts only the pods on the target\'s own instance as sharing it', () => {
    const ranker = { namespace: 'ml', name: 'ranker-0' };
    const reranker = { namespace: 'search', name: 'reranker-1' };
    const pods = [{ ...ranker, container: 'server' }, { ...reranker, container: 'server' }];
    const slices = (second: Array<{ namespace: string; name: string }>) => [
      { id: '1', profile: '3g.40gb', usedMiB: 22528, freeMiB: 18432, pods: [ranker] },
      { id: '2', profile: '3g.40gb', usedMiB: 25600, freeMiB: 15360, pods: second },
    ];
    const shared = (migInstances: ReturnType<typeof slices>, target?: { namespace: string; pod: string }) =>
      observeGpus({ gpus: [{ ...h100, migMode: 'enabled', pods, migInstances }], processes: null, failures: [], source: 'DCGM exporter', node: 'n', ...(target ? { target } : {}) }).filter((o) => o.name === 'gpu.shared_gpu_pods').map((o) => o.value);
    expect(shared(slices([reranker]), { namespace: 'ml', pod: 'ranker-0' })).toEqual([0]);
    expect(shared(slices([reranker]))).toEqual([0]);
    // Two pods on one instance do share it.
    const crowded = [{ id: '1', profile: '3g.40gb', usedMiB: 22528, freeMiB: 18432, pods: [ranker, reranker] }];
    expect(shared(crowded as ReturnType<typeof slices>, { namespace: 'ml', pod: 'ranker-0' })).toEqual([1]);
  });
});
