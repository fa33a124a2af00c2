// The rule behind "refused at once": where each plan step runs × the live workers → the refusal
// a user reads, or nothing.
import { describe, expect, it } from 'vitest';
import type { LiveWorker } from '../../src/queue/heartbeat.ts';
import { unservedNodeRefusal } from '../../src/queue/unserved-nodes.ts';

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
