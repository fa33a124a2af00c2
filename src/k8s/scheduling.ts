// Pods the scheduler could not place: Pending with the PodScheduled condition False/Unschedulable.
// The scheduler's message names what no node had ("0/6 nodes are available: 3 Insufficient
// nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector"), so a rollout waiting on
// capacity is told apart from one whose pods start and fail.
import type { V1Pod } from '@kubernetes/client-node';

export interface UnschedulablePod {
  pod: string;
  /** The scheduler's message, as the condition carries it. */
  message: string;
  /** Resources no node had free ("Insufficient <resource>"), e.g. nvidia.com/gpu, cpu, memory. */
  insufficient: string[];
}

const INSUFFICIENT = /Insufficient ([A-Za-z0-9./_-]+)/g;

export function unschedulablePods(pods: readonly V1Pod[]): UnschedulablePod[] {
  const out: UnschedulablePod[] = [];
  for (const p of pods) {
    if (p.status?.phase !== 'Pending') continue;
    const cond = p.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
    if (!cond) continue;
    const message = (cond.message ?? '').slice(0, 500);
    // The preemption part repeats the counts; read the resources before it.
    const placement = message.split(/ preemption: /)[0] ?? message;
    const insufficient = [...new Set([...placement.matchAll(INSUFFICIENT)].map((m) => m[1]!.replace(/[.,]+$/, '')))];
    out.push({ pod: p.metadata?.name ?? '(unnamed)', message, insufficient });
  }
  return out;
}
