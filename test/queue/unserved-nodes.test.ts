// The rule behind "refused at once": where each plan step runs × the live workers → the refusal
// a user reads, or nothing.
import { describe, expect, it } from 'vitest';
import type { LiveWorker } from '../../src/queue/heartbeat.ts';
import { gpuDiagnostic } from '../../jobs/gpu.ts';
import type { Diagnostic } from '../../src/core/diagnostic.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { refusedForMissingWorker, unservedNodeRefusal } from '../../src/queue/unserved-nodes.ts';

const worker = (node: string): LiveWorker => ({ id: `${node}:1:ab`, node, queues: ['shared', `node-${node}`, 'report'], host: node, pid: 1, version: '1', startedAt: 0, lastBeatAgoMs: 10 });

describe('unservedNodeRefusal', () => {
  it('refuses a step on a node without a live worker, naming the live nodes once each, sorted', () => {
    const live = [worker('gpu-node-3'), worker('gpu-node-1'), worker('gpu-node-3')];
    expect(unservedNodeRefusal([{ diagnostic: 'gpu', node: 'no-such-node' }], live)).toBe('no worker is running on node no-such-node (`gpu` runs there); live nodes: gpu-node-1 and gpu-node-3');
  });

  it('says "none" when no worker is live', () => {
    expect(unservedNodeRefusal([{ diagnostic: 'oom', node: 'gpu-node-2' }], [])).toBe('no worker is running on node gpu-node-2 (`oom` runs there); live nodes: none');
  });

  it('names the first unserved step of an investigation', () => {
    const steps = [
      { diagnostic: 'health', node: undefined },
      { diagnostic: 'gpu', node: 'gpu-node-1' },
      { diagnostic: 'oom', node: 'cpu-node-4' },
    ];
    expect(unservedNodeRefusal(steps, [worker('gpu-node-1'), worker('local')])).toBe('no worker is running on node cpu-node-4 (`oom` runs there); live nodes: gpu-node-1 and local');
  });

  it('lets through a plan whose nodes all have a worker, and shared-queue steps whatever the workers', () => {
    expect(unservedNodeRefusal([{ diagnostic: 'gpu', node: 'gpu-node-1' }], [worker('gpu-node-1')])).toBeUndefined();
    expect(unservedNodeRefusal([{ diagnostic: 'health', node: undefined }], [])).toBeUndefined();
  });
});

describe('refusedForMissingWorker', () => {
  it('leaves a step whose route throws at once to the enqueue (which reports why), instead of throwing out of the ack', async () => {
    const diagnostic = { ...gpuDiagnostic, route: () => { throw new Error('route lookup failed'); } } as unknown as Diagnostic;
    const command = { kind: 'diagnostic', diagnostic, payload: { node: 'gpu-node-1' } } as unknown as Parameters<typeof refusedForMissingWorker>[1];
    await expect(refusedForMissingWorker({ workers: { live: async () => [] }, logger: silentLogger }, command)).resolves.toBeUndefined();
    // The same step routed normally is refused.
    const routed = { ...command, diagnostic: gpuDiagnostic } as typeof command;
    await expect(refusedForMissingWorker({ workers: { live: async () => [] }, logger: silentLogger }, routed)).resolves.toContain('no worker is running on node gpu-node-1');
  });
});
