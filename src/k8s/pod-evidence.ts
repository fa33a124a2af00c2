// Plain, stable records of what the Kubernetes API says about a pod: each container's last
// termination, restarts and memory (request, limit, usage), the events and the node's conditions,
// and the observations they make (oom.*): OOM kills, how long the killed instance ran, usage as a
// share of the limit, node pressure, evictions. Pure functions over the client's objects, so the
// oom diagnostic and its tests share them; what they mean is in src/diagnosis/causes/memory.yaml.
import type { CoreV1Event, V1Container, V1ContainerStatus, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Observation } from '../diagnosis/observation.ts';
import type { PodMetrics } from './kube-access.ts';
import { formatBytes, quantityOrNull } from './quantity.ts';

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
  /** When the running instance started (`state.running.startedAt`), ISO 8601. */
  runningSince: string | null;
  /** An init container (listed only when it has not simply completed: it failed, restarted or waits). */
  init?: boolean;
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
    restarts: [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
  };
}

/**
 * One record per container in the pod spec (statuses and metrics joined by name), then the init
 * containers that did not simply complete: one killed at its limit keeps the pod from ever starting.
 */
export function containerEvidence(pod: V1Pod, metrics: PodMetrics | null): ContainerEvidence[] {
  const statuses = new Map<string, V1ContainerStatus>((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const initStatuses = new Map<string, V1ContainerStatus>((pod.status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
  const completed = (s: V1ContainerStatus | undefined) => !s || ((s.restartCount ?? 0) === 0 && s.state?.terminated?.exitCode === 0) || ((s.restartCount ?? 0) === 0 && !s.lastState?.terminated && !s.state?.waiting);
  const inits = (pod.spec?.initContainers ?? []).filter((c) => !completed(initStatuses.get(c.name)));
  const usage = new Map((metrics?.containers ?? []).map((c) => [c.name, quantityOrNull(c.usage.memory)]));
  return [...(pod.spec?.containers ?? []).map((c) => [c, false] as const), ...inits.map((c) => [c, true] as const)].map(([c, init]: readonly [V1Container, boolean]) => {
    const s = (init ? initStatuses : statuses).get(c.name);
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
      runningSince: iso(s?.state?.running?.startedAt),
      ...(init ? { init: true } : {}),
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

/** How long ago (seconds) a termination ended; null when its end time is unknown or after `now`. */
export function secondsSinceEnd(t: Termination, now: number): number | null {
  const ended = t.finishedAt ? Date.parse(t.finishedAt) : Number.NaN;
  return Number.isFinite(ended) && now >= ended ? (now - ended) / 1000 : null;
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
export function oomKillRss(events: EventEvidence[]): Array<{ at: string | null; process: string; anonRssBytes: number; scope: 'cgroup' | 'system' }> {
  const out: Array<{ at: string | null; process: string; anonRssBytes: number; scope: 'cgroup' | 'system' }> = [];
  for (const e of events) {
    const m = /Killed process \d+ \(([^)]+)\).*?anon-rss:(\d+)kB/.exec(e.message);
    // "Memory cgroup out of memory: Killed process …" is a container limit; "Out of memory: Killed process …" the whole node.
    if (m) out.push({ at: e.lastSeen, process: m[1] ?? '', anonRssBytes: Number(m[2]) * 1024, scope: /memory cgroup out of memory/i.test(e.message) ? 'cgroup' : 'system' });
  }
  return out;
}

export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A kill this far into a run, and a new instance at least this old, make the comparison mean something. */
const REFILL_MIN_RUN_S = 1800;
const REFILL_MIN_AGE_S = 600;
/** The new instance this far below its limit is "starting low". */
const REFILL_MAX_SHARE = 0.6;
/** A run this long before its OOM kill, and a new instance near the limit again after as long: a climb that repeats each run. */
const CYCLE_MIN_RUN_S = 7200;
const CYCLE_MIN_SHARE = 0.9;
/** A working-set change between two runs smaller than this share of it is sampling jitter, not growth. */
const GROWTH_NOISE_SHARE = 0.02;

// ---- observations -------------------------------------------------------------------------

export const POD_VOCABULARY = {
  'oom.oom_killed': { unit: 'count', description: "1 when a container's last instance was OOMKilled (exit 137 from the kernel's OOM killer), else 0 (subject: container)" },
  'oom.last_termination': { unit: 'label', description: "reason the container's last instance ended: OOMKilled, Error, Completed… (subject: container)" },
  'oom.restarts': { unit: 'count', description: 'container restarts (subject: container)' },
  'oom.run_before_kill': { unit: 's', description: 'how long the OOMKilled instance ran before the kill (subject: container)' },
  'oom.instance_age': { unit: 's', description: 'how long the running instance has run (subject: container)' },
  'oom.memory_usage_share': { unit: 'ratio', description: 'working set (metrics.k8s.io) / memory limit (subject: container)' },
  'oom.memory_limit_set': { unit: 'boolean', description: 'the container has a memory limit (subject: container)' },
  'oom.limit_over_request': { unit: 'ratio', description: 'memory limit / memory request: above 1 the node may be overcommitted (subject: container)' },
  'oom.rss_at_kill_share': { unit: 'ratio', description: "resident memory at the kernel's OOM kill (node event) / the memory limit (subject: container)" },
  'oom.kill_scope': { unit: 'label', description: "the node's OOM-kill records at the container's end: cgroup (its own limit) or system (the whole node ran out)" },
  'oom.refills_slowly': { unit: 'boolean', description: 'after an OOM kill that came at least 30 min into a run, the new instance (10 min or older, younger than that run) is at most 60 % of its limit: memory starts low and grows (true), or it is near the limit again already (false) (subject: container)' },
  'oom.fills_again_each_run': { unit: 'boolean', description: 'an OOM kill came hours into a run (2 h or more) and the new instance, about as old now (80 % of that run or more), is at 90 % of its limit again: each run climbs into the limit (subject: container)' },
  'oom.working_set_growth': { unit: 'bytes/h', description: 'working-set growth of the running instance since the previous run of this diagnostic (subject: container)' },
  'oom.last_log_loading_model': { unit: 'boolean', description: "the killed instance's last log lines are about loading the model or its weights (subject: container)" },
  'oom.node_memory_pressure': { unit: 'boolean', description: 'the node reports MemoryPressure=True' },
  'oom.evictions': { unit: 'count', description: 'Evicted events of the pod and its node' },
  'oom.eviction_resource': { unit: 'label', description: "what the kubelet evicted the pod for, from its message \"The node was low on resource: <r>\" (memory, ephemeral-storage, nodefs, imagefs, pids)" },
  'oom.node_disk_pressure': { unit: 'boolean', description: 'the node reports DiskPressure=True' },
  'oom.probe_kills': { unit: 'count', description: 'restarts the kubelet ordered because a liveness or startup probe failed (Killing events "failed liveness probe, will be restarted"): a SIGKILL, exit 137, that is not an OOM kill' },
  'oom.gpu_unschedulable': { unit: 'count', description: 'FailedScheduling events for lack of nvidia.com/gpu' },
  'oom.pod_unscheduled': { unit: 'boolean', description: 'the pod has no node yet' },
  'oom.metrics_available': { unit: 'boolean', description: 'metrics.k8s.io answered with usage for the pod' },
  'oom.suggested_limit': { unit: 'label', description: 'a memory limit 1.25 × the most the container was seen to use, e.g. 40Gi, when it was OOMKilled or fills its limit (subject: container)' },
  'oom.batch_size': { unit: 'number', description: 'the batch-size setting the container runs with (subject: the setting, e.g. --max-batch-size)' },
} as const;

/** A node OOM-kill record this close to a container's finishedAt is taken to be its kill. */
const KILL_MATCH_MS = 10_000;

export interface PodObservationInput {
  pod: PodSummary;
  containers: ContainerEvidence[];
  events: EventEvidence[];
  nodeConditions: NodeCondition[];
  /** Whether metrics.k8s.io answered. */
  haveMetrics: boolean;
  /** Milliseconds since the epoch. */
  now: number;
  /** Working-set growth per container, bytes/h, from the previous run (baseline store). */
  growth?: Map<string, { bytesPerHour: number; seconds: number }>;
  /** The killed instance's last log lines per container. */
  lastLogLines?: Map<string, string[]>;
}

// Also an ONNX Runtime / TensorRT session or engine being created: where such servers load the model.
const LOADING = /\b(loading|downloading|fetching)\b.*\b(model|weights|checkpoint|shards?|safetensors|tokenizer)\b|\b(model|weights|checkpoint|shards?)\b.*\bloading\b|\bInferenceSession\b|\b(creating|building|deserializ\w*)\b.*\b(session|engine)\b/i;

type Observe = (name: keyof typeof POD_VOCABULARY, value: number | boolean | string, text: string, extra?: { subject?: string; sampleSize?: number; windowSeconds?: number }) => Observation;

/** The pod's observations: per container, then the node's. */
export function observePod(e: PodObservationInput, o: Observe): Observation[] {
  const out: Observation[] = [];
  const rss = oomKillRss(e.events);
  const killedWithLimit = e.containers.filter((x) => x.lastTermination?.reason === 'OOMKilled' && x.memoryLimitBytes !== null);
  const scopes = new Set<string>();
  for (const c of e.containers) {
    const at = { subject: c.name };
    const t = c.lastTermination;
    const killed = t?.reason === 'OOMKilled';
    out.push(o('oom.restarts', c.restartCount, `${c.name}: ${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}${c.waitingReason ? `, now ${c.waitingReason}` : ''}`, at));
    out.push(o('oom.oom_killed', killed ? 1 : 0, killed ? `${c.name} was OOMKilled (exit ${t?.exitCode ?? '?'})${t?.finishedAt ? ` at ${t.finishedAt}` : ''}` : `${c.name}: no OOM kill${t ? ` (last instance ended ${t.reason ?? 'without a reason'}, exit ${t.exitCode})` : ''}`, at));
    if (t) out.push(o('oom.last_termination', t.reason ?? `exit ${t.exitCode}`, `${c.name}'s last instance ended ${t.reason ?? 'without a reason'} (exit ${t.exitCode})${t.finishedAt ? ` at ${t.finishedAt}` : ''}`, at));
    const run = t ? runSeconds(t) : null;
    if (killed && run !== null) out.push(o('oom.run_before_kill', run, `${c.name} ran ${formatDuration(run)} before the OOM kill`, at));
    if (c.runningSince) {
      const age = Math.max(0, (e.now - Date.parse(c.runningSince)) / 1000);
      out.push(o('oom.instance_age', age, `${c.name}'s running instance started ${formatDuration(age)} ago`, at));
    }
    out.push(o('oom.memory_limit_set', c.memoryLimitBytes !== null, c.memoryLimitBytes !== null ? `${c.name} memory limit ${formatBytes(c.memoryLimitBytes)}` : `${c.name} has no memory limit: only the node's memory bounds it`, at));
    if (c.memoryLimitBytes !== null && c.memoryRequestBytes !== null && c.memoryRequestBytes > 0) {
      out.push(o('oom.limit_over_request', c.memoryLimitBytes / c.memoryRequestBytes, `${c.name} memory request ${formatBytes(c.memoryRequestBytes)}, limit ${formatBytes(c.memoryLimitBytes)}`, at));
    }
    if (c.memoryLimitBytes !== null && c.memoryUsageBytes !== null) {
      const share = c.memoryUsageBytes / c.memoryLimitBytes;
      out.push(o('oom.memory_usage_share', share, `${c.name} working set ${formatBytes(c.memoryUsageBytes)} = ${Math.round(100 * share)} % of its ${formatBytes(c.memoryLimitBytes)} limit (metrics.k8s.io)`, at));
      // Too large from the start refills the limit soon after each start; a leak starts low and climbs for hours.
      const age = c.runningSince ? Math.max(0, (e.now - Date.parse(c.runningSince)) / 1000) : null;
      if (killed && run !== null && age !== null && run >= REFILL_MIN_RUN_S && age >= REFILL_MIN_AGE_S && age < run) {
        const low = share <= REFILL_MAX_SHARE;
        out.push(
          o(
            'oom.refills_slowly',
            low,
            low
              ? `${c.name}'s new instance is at ${Math.round(100 * share)} % of its limit after ${formatDuration(age)}, while the killed one ran ${formatDuration(run)} before filling it: memory starts low and grows over each run`
              : `${c.name}'s new instance is already at ${Math.round(100 * share)} % of its limit after ${formatDuration(age)} (the killed one ran ${formatDuration(run)})`,
            at,
          ),
        );
      }
      // The same climb again: killed after hours, and the instance that replaced it, now about as old, is back at its limit.
      if (killed && run !== null && age !== null && run >= CYCLE_MIN_RUN_S && age >= 0.8 * run && share >= CYCLE_MIN_SHARE) {
        out.push(o('oom.fills_again_each_run', true, `${c.name} was killed after ${formatDuration(run)}, and its new instance, ${formatDuration(age)} old, is back at ${Math.round(100 * share)} % of the limit: each run climbs into the limit over about ${formatDuration(run)}`, at));
      }
    }
    // Node OOM-kill records name a process, not a container: take the one recorded when this
    // container ended, and only when no other container of the pod was OOMKilled with it.
    if (killed && t?.finishedAt) {
      const end = Date.parse(t.finishedAt);
      const atEnd = rss.filter((r) => r.at !== null && Math.abs(Date.parse(r.at) - end) <= KILL_MATCH_MS);
      for (const r of atEnd) scopes.add(r.scope);
      if (c.memoryLimitBytes !== null && killedWithLimit.length === 1 && atEnd.length > 0) {
        const peak = Math.max(...atEnd.map((r) => r.anonRssBytes));
        out.push(o('oom.rss_at_kill_share', peak / c.memoryLimitBytes, `the kernel killed ${c.name} at ${formatBytes(peak)} resident = ${Math.round((100 * peak) / c.memoryLimitBytes)} % of its limit (node OOMKilling event at ${t.finishedAt})`, at));
      }
    }
    const peakAtKill = out.filter((x) => x.name === 'oom.rss_at_kill_share' && x.subject === c.name).map((x) => Number(x.value) * (c.memoryLimitBytes ?? 0));
    const full = c.memoryLimitBytes !== null && c.memoryUsageBytes !== null && c.memoryUsageBytes >= 0.9 * c.memoryLimitBytes;
    if (c.memoryLimitBytes !== null && (killed || full)) {
      const seen = Math.max(c.memoryLimitBytes, c.memoryUsageBytes ?? 0, ...peakAtKill);
      const gi = Math.ceil((1.25 * seen) / 2 ** 30);
      out.push(o('oom.suggested_limit', `${gi}Gi`, `${gi}Gi = 1.25 × ${seen === c.memoryLimitBytes ? `the ${formatBytes(seen)} limit, which it fills` : `the ${formatBytes(seen)} it used`}`, at));
    }
    const g = e.growth?.get(c.name);
    if (g) {
      // metrics-server's working set moves by a percent or so between samples of a steady process: a
      // change within that is no growth, however many MiB an hour it would extrapolate to.
      const change = (g.bytesPerHour * g.seconds) / 3600;
      const steady = c.memoryUsageBytes !== null && c.memoryUsageBytes > 0 && Math.abs(change) < GROWTH_NOISE_SHARE * c.memoryUsageBytes;
      const text = steady
        ? `${c.name} working set steady since the previous run ${formatDuration(g.seconds)} ago (${change >= 0 ? '+' : '−'}${formatBytes(Math.abs(change))}, within ${Math.round(100 * GROWTH_NOISE_SHARE)} % of it)`
        : `${c.name} working set grew ${formatBytes(g.bytesPerHour)}/h over the last ${formatDuration(g.seconds)} (since the previous run)`;
      out.push(o('oom.working_set_growth', steady ? 0 : g.bytesPerHour, text, { ...at, windowSeconds: g.seconds }));
    }
    const lines = e.lastLogLines?.get(c.name);
    if (killed && lines && lines.length > 0) {
      const loading = lines.find((l) => LOADING.test(l));
      out.push(o('oom.last_log_loading_model', loading !== undefined, loading ? `${c.name} was loading the model when it was killed: "${loading.trim().slice(0, 200)}"` : `${c.name}'s last log lines before the kill are not about loading the model`, { ...at, sampleSize: lines.length }));
    }
  }
  if (scopes.size > 0) {
    const scope = scopes.has('system') ? 'system' : 'cgroup';
    out.push(o('oom.kill_scope', scope, scope === 'cgroup' ? "the node's kernel log records a memory-cgroup OOM kill (the container's own limit) at the container's end" : "the node's kernel log records a system-wide OOM kill (the node ran out of memory) at the container's end"));
  }
  const pressure = e.nodeConditions.find((c) => c.type === 'MemoryPressure');
  if (pressure) out.push(o('oom.node_memory_pressure', pressure.status === 'True', pressure.status === 'True' ? `node ${e.pod.node ?? ''} reports MemoryPressure=True (${pressure.reason ?? 'no reason'}${pressure.message ? `: ${pressure.message}` : ''})` : `node ${e.pod.node ?? ''} reports no memory pressure`));
  const disk = e.nodeConditions.find((c) => c.type === 'DiskPressure');
  if (disk) out.push(o('oom.node_disk_pressure', disk.status === 'True', disk.status === 'True' ? `node ${e.pod.node ?? ''} reports DiskPressure=True (${disk.reason ?? 'no reason'}${disk.message ? `: ${disk.message}` : ''})` : `node ${e.pod.node ?? ''} reports no disk pressure`));
  const evicted = e.events.filter((ev) => ev.reason === 'Evicted');
  out.push(o('oom.evictions', evicted.reduce((s, ev) => s + ev.count, 0), evicted.length > 0 ? `Evicted: ${evicted.at(-1)?.message ?? ''}` : 'no eviction events', { sampleSize: e.events.length }));
  // The kubelet's eviction message (pkg/kubelet/eviction/helpers.go: "The node was low on resource: %v. ").
  const low = evicted.length > 0 ? /The node was low on resource: ([\w.-]+)/.exec(evicted.at(-1)!.message) : null;
  const resource = low?.[1]!.replace(/\.+$/, '');
  if (resource) out.push(o('oom.eviction_resource', resource, `evicted for ${resource}: ${evicted.at(-1)!.message}`));
  // The kubelet's own words (pkg/kubelet/kuberuntime: "Container %s failed %s probe, will be restarted").
  const probeKills = e.events.filter((ev) => ev.reason === 'Killing' && /failed (?:liveness|startup) probe/i.test(ev.message));
  const probeFailures = e.events.filter((ev) => ev.reason === 'Unhealthy' && /^(?:Liveness|Startup) probe failed/i.test(ev.message));
  const kills = probeKills.reduce((s, ev) => s + ev.count, 0);
  out.push(o('oom.probe_kills', kills, kills > 0 ? `the kubelet restarted the container ${kills}× for failing its probe: ${probeKills.at(-1)?.message ?? ''}${probeFailures.length > 0 ? ` (${probeFailures.at(-1)?.message ?? ''})` : ''}` : 'no probe-failure kills in the events', { sampleSize: e.events.length }));
  const unschedulable = e.events.filter((ev) => ev.reason === 'FailedScheduling' && /Insufficient nvidia\.com\/gpu/.test(ev.message));
  if (unschedulable.length > 0) {
    out.push(o('oom.gpu_unschedulable', unschedulable.reduce((s, ev) => s + ev.count, 0), `FailedScheduling ×${unschedulable.reduce((s, ev) => s + ev.count, 0)}: ${unschedulable.at(-1)?.message ?? ''}`));
  }
  out.push(o('oom.pod_unscheduled', e.pod.node === null, e.pod.node === null ? `the pod is ${e.pod.phase ?? 'Pending'} with no node` : `the pod runs on ${e.pod.node}`));
  out.push(o('oom.metrics_available', e.haveMetrics, e.haveMetrics ? 'metrics.k8s.io reports the pod\'s usage' : 'metrics.k8s.io did not answer: usage unknown'));
  return out;
}
