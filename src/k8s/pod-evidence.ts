// Plain, stable records of what the Kubernetes API says about a pod: each container's last
// termination, restarts and memory (request, limit, usage), the events and the node's conditions.
// Pure functions over the client's objects, so the oom diagnostic and its tests share them.
import type { CoreV1Event, V1Container, V1ContainerStatus, V1Node, V1Pod } from '@kubernetes/client-node';
import type { PodMetrics } from './kube-access.ts';
import { quantityOrNull } from './quantity.ts';

export interface Termination {
  reason: string | null;
  exitCode: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ContainerEvidence {
  name: string;
  /** The previous instance's end (`lastState.terminated`), or the current one when it has ended. */
  lastTermination: Termination | null;
  restartCount: number;
  /** `state.waiting.reason`, e.g. CrashLoopBackOff. */
  waitingReason: string | null;
  memoryRequestBytes: number | null;
  memoryLimitBytes: number | null;
  /** Working set from metrics.k8s.io; null when metrics are unavailable. */
  memoryUsageBytes: number | null;
  /** `nvidia.com/gpu` limit. */
  gpuLimit: number | null;
}

export interface PodSummary {
  namespace: string;
  name: string;
  node: string | null;
  phase: string | null;
  restarts: number;
}

export interface EventEvidence {
  /** Pod or Node. */
  object: string;
  type: string | null;
  reason: string | null;
  message: string;
  count: number;
  /** Most recent occurrence, ISO 8601. */
  lastSeen: string | null;
  /** kubelet, default-scheduler, kernel-monitor, … */
  source: string | null;
}

export interface NodeCondition {
  type: string;
  status: string;
  reason: string | null;
  message: string | null;
}

function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function summarizePod(pod: V1Pod): PodSummary {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    node: pod.spec?.nodeName ?? null,
    phase: pod.status?.phase ?? null,
    restarts: (pod.status?.containerStatuses ?? []).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
  };
}

/** One record per container in the pod spec (statuses and metrics joined by name). */
export function containerEvidence(pod: V1Pod, metrics: PodMetrics | null): ContainerEvidence[] {
  const statuses = new Map<string, V1ContainerStatus>((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const usage = new Map((metrics?.containers ?? []).map((c) => [c.name, quantityOrNull(c.usage.memory)]));
  return (pod.spec?.containers ?? []).map((c: V1Container) => {
    const s = statuses.get(c.name);
    const terminated = s?.lastState?.terminated ?? s?.state?.terminated;
    return {
      name: c.name,
      lastTermination: terminated
        ? { reason: terminated.reason ?? null, exitCode: terminated.exitCode, startedAt: iso(terminated.startedAt), finishedAt: iso(terminated.finishedAt) }
        : null,
      restartCount: s?.restartCount ?? 0,
      waitingReason: s?.state?.waiting?.reason ?? null,
      memoryRequestBytes: quantityOrNull(c.resources?.requests?.['memory']),
      memoryLimitBytes: quantityOrNull(c.resources?.limits?.['memory']),
      memoryUsageBytes: usage.get(c.name) ?? null,
      gpuLimit: quantityOrNull(c.resources?.limits?.['nvidia.com/gpu']),
    };
  });
}

/** Events as records, oldest first. Handles both core/v1 (count, lastTimestamp) and events.k8s.io (series, eventTime) writers. */
export function eventEvidence(events: CoreV1Event[]): EventEvidence[] {
  return events
    .map((e) => ({
      object: e.involvedObject.kind ?? 'Pod',
      type: e.type ?? null,
      reason: e.reason ?? null,
      message: (e.message ?? '').trim(),
      count: e.series?.count ?? e.count ?? 1,
      lastSeen: iso(e.series?.lastObservedTime) ?? iso(e.lastTimestamp) ?? iso(e.eventTime as Date | string | undefined) ?? iso(e.firstTimestamp),
      source: e.reportingComponent || e.source?.component || null,
    }))
    .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
}

export function nodeConditions(node: V1Node): NodeCondition[] {
  return (node.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null, message: c.message ?? null }));
}

/** Seconds the terminated instance ran, or null when the times are missing. */
export function runSeconds(t: Termination): number | null {
  if (!t.startedAt || !t.finishedAt) return null;
  return (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000;
}

/**
 * Resident memory at each kernel OOM kill, from node-problem-detector's OOMKilling events
 * ("Killed process 2841377 (python3) total-vm:…kB, anon-rss:33301108kB, …"), oldest first.
 */
export function oomKillRss(events: EventEvidence[]): Array<{ at: string | null; process: string; anonRssBytes: number }> {
  const out: Array<{ at: string | null; process: string; anonRssBytes: number }> = [];
  for (const e of events) {
    const m = /Killed process \d+ \(([^)]+)\).*?anon-rss:(\d+)kB/.exec(e.message);
    if (m) out.push({ at: e.lastSeen, process: m[1] ?? '', anonRssBytes: Number(m[2]) * 1024 });
  }
  return out;
}
