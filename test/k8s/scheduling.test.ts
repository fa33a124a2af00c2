import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { unschedulablePods } from '../../src/k8s/scheduling.ts';

// The scheduler's message as recorded in test/fixtures/k8s/events-ml-llm-server.json (FailedScheduling).
const recorded = (JSON.parse(readFileSync(new URL('../fixtures/k8s/events-ml-llm-server.json', import.meta.url), 'utf8')) as { items: Array<{ reason: string; message: string }> }).items.find((e) => e.reason === 'FailedScheduling')!.message;

const pending = (name: string, message: string): V1Pod => ({
  metadata: { name },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] },
});

describe('unschedulablePods', () => {
  it('reads what no node had from the scheduler\'s message, ignoring the preemption part', () => {
    expect(unschedulablePods([pending('llm-0', recorded)])).toEqual([{ pod: 'llm-0', message: recorded, insufficient: ['nvidia.com/gpu'] }]);
    const mixed = "0/6 nodes are available: 2 Insufficient cpu, 2 Insufficient memory, 2 node(s) had untolerated taint {gpu: true}. preemption: 0/6 nodes are available: 4 Insufficient cpu.";
    expect(unschedulablePods([pending('ranker-1', mixed)])[0]?.insufficient).toEqual(['cpu', 'memory']);
  });
  it('leaves running pods and pods merely waiting for their containers out', () => {
    const running: V1Pod = { metadata: { name: 'a' }, status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    const creating: V1Pod = { metadata: { name: 'b' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    expect(unschedulablePods([running, creating])).toEqual([]);
  });
});
