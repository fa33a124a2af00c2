// Ranking OOM causes from evidence, on CUDA OOM messages copied from public issue threads (source
// beside each) and pod states as the API reports them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCudaOom } from '../../src/gpu/cuda-oom.ts';
import { rankOomHypotheses, type OomEvidence } from '../../src/k8s/oom-hypotheses.ts';
import type { ContainerEvidence, EventEvidence } from '../../src/k8s/pod-evidence.ts';

const GiB = 2 ** 30;

function container(over: Partial<ContainerEvidence> = {}): ContainerEvidence {
  return { name: 'server', lastTermination: null, restartCount: 0, waitingReason: null, memoryRequestBytes: null, memoryLimitBytes: null, memoryUsageBytes: null, gpuLimit: 1, ...over };
}

function evidence(over: Partial<OomEvidence> = {}): OomEvidence {
  return { pod: { namespace: 'ml', name: 'p', node: 'gpu-1', phase: 'Running', restarts: 0 }, containers: [container()], events: [], cudaOom: [], nodeConditions: [], ...over };
}

function cuda(message: string, container = 'server') {
  return parseCudaOom(message).map((ev) => ({ ...ev, container }));
}

function event(reason: string, message: string, over: Partial<EventEvidence> = {}): EventEvidence {
  return { object: 'Pod', type: 'Warning', reason, message, count: 1, lastSeen: '2026-11-22T14:00:00.000Z', source: 'kubelet', ...over };
}

const byId = (hs: ReturnType<typeof rankOomHypotheses>, id: string) => hs.find((h) => h.id === id);

describe('rankOomHypotheses', () => {
  it('sees through a process listing itself by host PID, and a request larger than the GPU (QwenLM/Qwen2.5-Omni#240)', () => {
    const hs = rankOomHypotheses(
      evidence({
        cudaOom: cuda(
          'CUDA out of memory. Tried to allocate 124.68 GiB. GPU 0 has a total capacity of 95.22 GiB of which 51.23 GiB is free. Process 608946 has 14.91 GiB memory in use. Process 734147 has 29.07 GiB memory in use. Of the allocated memory 25.50 GiB is allocated by PyTorch, and 3.14 GiB is reserved by PyTorch but unallocated.',
        ),
      }),
    );
    expect(hs[0]?.id).toBe('batch-too-large');
    expect(hs[0]?.likelihood).toBe('high');
    expect(hs[0]?.title).toBe('Batch or sequence too large: shrink it by about 2.4×');
    expect(hs[0]?.evidence.join(' ')).toContain('larger than the whole GPU (95.2 GiB)');
    const other = byId(hs, 'another-process');
    expect(other?.likelihood).toBe('medium'); // 14.91 GiB is real but freeing it is not enough
    expect(other?.evidence[0]).toBe('Process 608946 holds 14.9 GiB (container server, GPU 0).');
    expect(other?.evidence.join(' ')).toContain('Process 734147 (29.1 GiB) matches this process');
    expect(byId(hs, 'fragmentation')).toBeUndefined(); // 3.14 GiB of 95 GiB, and it would not fit anyway
  });

  it('does not blame the batch for a pre-allocated cache: a 87× factor is not batch size (vllm-project/vllm#7721)', () => {
    const hs = rankOomHypotheses(
      evidence({
        cudaOom: cuda(
          'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 16.00 GiB. GPU 0 has a total capacity of 44.53 GiB of which 187.94 MiB is free. Process 3909982 has 44.34 GiB memory in use. Of the allocated memory 43.67 GiB is allocated by PyTorch, and 335.07 MiB is reserved by PyTorch but unallocated.',
        ),
      }),
    );
    const batch = byId(hs, 'batch-too-large');
    expect(batch?.likelihood).toBe('medium');
    expect(batch?.evidence.join(' ')).toContain('gpu_memory_utilization');
    expect(byId(hs, 'another-process')).toBeUndefined(); // the listed process is itself
  });

  it('reads allocated + reserved through the private-pools clause and matches the listed process to them (kaito-project/kaito#976)', () => {
    const hs = rankOomHypotheses(
      evidence({
        cudaOom: cuda(
          'ERROR 04-01 23:46:56 [engine.py:160] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 546.00 MiB. GPU 0 has a total capacity of 15.77 GiB of which 514.19 MiB is free. Process 562167 has 15.25 GiB memory in use. Of the allocated memory 13.73 GiB is allocated by PyTorch, with 46.00 MiB allocated in private pools (e.g., CUDA Graphs), and 736.86 MiB is reserved by PyTorch but unallocated.',
        ),
      }),
    );
    expect(byId(hs, 'another-process')).toBeUndefined();
    expect(byId(hs, 'batch-too-large')?.title).toBe('Batch or sequence too large: shrink it by about 1.1×');
  });

  it('takes a lone process holding all used memory to be the failing one, even ~10 GiB above what PyTorch accounts for (vllm-project/vllm#15039)', () => {
    const hs = rankOomHypotheses(evidence({ cudaOom: cuda(readFileSync(new URL('../fixtures/logs/oom/torch-private-pools.txt', import.meta.url), 'utf8')) }));
    expect(byId(hs, 'another-process')).toBeUndefined();
    expect(byId(hs, 'fragmentation')?.evidence[0]).toBe('119 MiB reserved by PyTorch but unallocated (container server, GPU 0).');
  });

  it('reads the pre-1.4 wording; 0 bytes free gives no factor but still a fix (YingqianWang/iPASSR#9)', () => {
    const hs = rankOomHypotheses(
      evidence({
        cudaOom: cuda(
          'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 10.73 GiB (GPU 0; 8.00 GiB total capacity; 17.20 GiB already allocated; 0 bytes free; 19.15 GiB reserved in total by PyTorch)',
        ),
      }),
    );
    const batch = byId(hs, 'batch-too-large');
    expect(batch?.title).toBe('Batch or sequence too large');
    expect(batch?.fixes[0]).toBe('Halve the batch size (or max tokens per batch) until it fits.');
    expect(byId(hs, 'fragmentation')?.likelihood).toBe('medium'); // 1.95 GiB reserved-unallocated, 24 % of the GPU
  });

  it('ranks a limit below the working set first for a container killed soon after start', () => {
    const killed = container({
      lastTermination: { reason: 'OOMKilled', exitCode: 137, startedAt: '2026-11-22T14:00:00.000Z', finishedAt: '2026-11-22T14:01:30.000Z' },
      restartCount: 4,
      waitingReason: 'CrashLoopBackOff',
      memoryRequestBytes: 2 * GiB,
      memoryLimitBytes: 4 * GiB,
    });
    const hs = rankOomHypotheses(evidence({ containers: [killed] }));
    expect(hs.map((h) => [h.id, h.likelihood])).toEqual([
      ['limit-below-working-set', 'high'],
      ['memory-leak', 'low'],
    ]);
    expect(hs[0]?.fixes[0]).toMatch(/^Raise the memory limit of server to 5Gi/);
    expect(hs[1]?.evidence[0]).toContain('ran only 90 s');
  });

  it('suspects a leak when the container ran for hours before the kill', () => {
    const killed = container({
      lastTermination: { reason: 'OOMKilled', exitCode: 137, startedAt: '2026-11-22T08:00:00.000Z', finishedAt: '2026-11-22T14:00:00.000Z' },
      memoryLimitBytes: 4 * GiB,
    });
    const hs = rankOomHypotheses(evidence({ containers: [killed] }));
    expect(byId(hs, 'memory-leak')?.likelihood).toBe('medium');
    expect(byId(hs, 'memory-leak')?.evidence[0]).toContain('ran 6.0 h before the OOM kill');
    expect(byId(hs, 'limit-below-working-set')?.likelihood).toBe('medium');
  });

  it('puts the node first when an OOMKilled container has no limit and the kubelet evicts', () => {
    const killed = container({ lastTermination: { reason: 'OOMKilled', exitCode: 137, startedAt: null, finishedAt: null } });
    const hs = rankOomHypotheses(
      evidence({
        containers: [killed],
        events: [event('Evicted', 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91128Ki.')],
        nodeConditions: [{ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }],
      }),
    );
    expect(hs[0]?.id).toBe('node-short-of-memory');
    expect(hs[0]?.likelihood).toBe('high');
    expect(byId(hs, 'limit-below-working-set')).toBeUndefined();
  });

  it('makes no GPU available the answer for a pending pod', () => {
    const hs = rankOomHypotheses(
      evidence({
        pod: { namespace: 'ml', name: 'p', node: null, phase: 'Pending', restarts: 0 },
        events: [event('FailedScheduling', '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.', { count: 7, source: 'default-scheduler' })],
      }),
    );
    expect(hs).toHaveLength(1);
    expect(hs[0]).toMatchObject({ id: 'gpu-not-schedulable', likelihood: 'high' });
    expect(hs[0]?.evidence[0]).toBe('FailedScheduling ×7: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.');
  });

  it('lists nothing when nothing points at memory', () => {
    expect(rankOomHypotheses(evidence())).toEqual([]);
  });
});
