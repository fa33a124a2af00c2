// `oom <namespace>/<pod> [--container c]`: what the Kubernetes API says about a pod running out of
// memory — containers' last termination (OOMKilled, exit 137), restarts and CrashLoopBackOff,
// memory request/limit against metrics.k8s.io usage, the pod's and the node's events, node
// conditions, and the previous container's logs, whose CUDA out-of-memory messages are read as
// numbers. It OBSERVES (oom.*, cuda_oom.*, log.signature); the causes catalogue
// (src/diagnosis/causes/memory.yaml) ranks what they mean. Routed to the node that runs the pod.
import { findingFor, settle, type KubeFinding } from '../src/k8s/kube-findings.ts';
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { oomCommand } from './commands.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/core/diagnostic.ts';
import { observer, type Observation } from '../src/diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../src/diagnosis/vocabulary.ts';
import { UnreachableError, UsageError } from '../src/core/errors.ts';
import { batchSetting, CUDA_OOM_VOCABULARY, observeCudaOom, parseCudaOom, type CudaOomInContainer } from '../src/gpu/cuda-oom.ts';
import type { KubeAccess, PodMetrics } from '../src/k8s/kube-access.ts';
import { KubeForbiddenError } from '../src/k8s/kube-errors.ts';
import { containerEvidence, eventEvidence, formatDuration, nodeConditions, observePod, POD_VOCABULARY, runSeconds, secondsSinceEnd, summarizePod, type ContainerEvidence, type EventEvidence, type NodeCondition, type PodSummary } from '../src/k8s/pod-evidence.ts';
import { formatBytes } from '../src/k8s/quantity.ts';
import { classifyLines } from '../src/logs/classifier.ts';
import { emptyResult, worstSeverity, type DiagnosticResult, type Evidence } from '../src/report/model.ts';

const USAGE = usageLine(oomCommand);
/** Log lines read from each container's previous instance. */
const LOG_TAIL_LINES = 5000;
/** CUDA OOM records kept in the result. */
const MAX_CUDA_OOM = 20;
/** Last log lines of a killed instance read for what it was doing when it died. */
const LAST_LINES = 2;
/** Log signature categories that are out-of-memory evidence: the CUDA OOM numbers (cuda_oom.*) say more than the signature. */
const MEMORY_CATEGORIES: ReadonlySet<string> = new Set(['gpu-memory', 'memory']);
/** A baseline older than this, or younger, gives no growth rate, s. */
const GROWTH_MIN_S = 60;
const GROWTH_MAX_S = 7 * 86_400;

export const OOM_VOCABULARY = {
  ...TARGET_VOCABULARY,
  ...POD_VOCABULARY,
  ...CUDA_OOM_VOCABULARY,
  'log.signature': { unit: 'label', description: "a failure signature in a container's (previous) logs (value and subject: the signature id; sampleSize: matching lines)" },
} as const;

/** A failure signature the log classifier found in a container's logs (src/logs). */
export interface LogSignatureInContainer {
  container: string;
  id: string;
  category: string;
  severity: 'info' | 'warning' | 'critical';
  count: number;
  /** Redacted sample lines. */
  samples: string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export const oomPayload = z.object({
  namespace: z.string().regex(DNS_LABEL, 'must be a Kubernetes namespace name'),
  pod: z.string().regex(DNS_SUBDOMAIN, 'must be a Kubernetes pod name'),
  /** Only this container; default: every container of the pod. */
  container: z.string().regex(DNS_LABEL, 'must be a container name').optional(),
  /** Node that runs the pod, filled in before enqueueing (see `withPodNode`) so the job routes to its queue. */
  node: z.string().regex(DNS_SUBDOMAIN, 'must be a Kubernetes node name').optional(),
});
export type OomPayload = z.infer<typeof oomPayload>;

/** A problem met while collecting evidence: shown to the user, never a crash. */
export type OomFinding = KubeFinding;

/** `data` of the result (`infdbg oom … --format json`): field names are a stable contract. */
export type OomData = {
  pod: PodSummary | null;
  containers: ContainerEvidence[];
  events: EventEvidence[];
  /** Numbers only: the raw log line may carry secrets and is not redacted here. */
  cudaOom: Array<Omit<CudaOomInContainer, 'line' | 'processes'> & { processes: Array<{ pid: number; bytes: number }> }>;
  nodeConditions: NodeCondition[];
  /** Failure signatures in each container's (previous) logs, samples redacted. */
  logSignatures: LogSignatureInContainer[];
  findings: OomFinding[];
};

/**
 * Fills in `node` from the pod's `spec.nodeName`, for routing: call it before enqueueing. A pod
 * that does not exist fails here (KubeNotFoundError, a UsageError) so the user hears it at once;
 * an unreachable or forbidding API server leaves `node` unset and the job runs on the shared
 * queue, where it reports the same problem as a finding.
 */
export async function withPodNode(payload: OomPayload, kube: KubeAccess, signal?: AbortSignal): Promise<OomPayload> {
  if (payload.node) return payload;
  try {
    const pod = await kube.readPod(payload.namespace, payload.pod, { signal });
    return pod.spec?.nodeName ? { ...payload, node: pod.spec.nodeName } : payload;
  } catch (err) {
    if (err instanceof UnreachableError || err instanceof KubeForbiddenError) return payload;
    throw err;
  }
}


function stopped(result: DiagnosticResult, finding: OomFinding, target: string): DiagnosticResult {
  result.severity = finding.severity;
  result.summary = `Could not read pod ${target}: ${finding.message.replace(/[.\s]+$/, '')}. ${finding.fix}`;
  result.evidence.push({ label: finding.code, value: finding.message, severity: finding.severity });
  result.fixes = [finding.fix];
  const data: OomData = { pod: null, containers: [], events: [], cudaOom: [], nodeConditions: [], logSignatures: [], findings: [finding] };
  result.data = data;
  return result;
}

async function run(payload: OomPayload, deps: DiagnosticDeps): Promise<DiagnosticResult> {
  const target = `${payload.namespace}/${payload.pod}`;
  const result = emptyResult('oom', `oom ${target}`);
  const kube = deps.kube;
  if (!kube) {
    return stopped(result, { severity: 'warning', code: 'kube-not-configured', message: 'this worker has no Kubernetes access', fix: 'Run the worker in-cluster with a service account, or set KUBECONFIG.' }, target);
  }
  const signal = deps.signal;
  await deps.progress(5, `reading pod ${target}`);
  let pod: V1Pod;
  try {
    pod = await kube.readPod(payload.namespace, payload.pod, { signal });
  } catch (err) {
    if (err instanceof UsageError || signal.aborted) throw err; // not found, not allowed: one line back to the user
    return stopped(result, findingFor(err, `get pod ${target}`, signal), target);
  }
  const summary = summarizePod(pod);
  if (payload.container && !(pod.spec?.containers ?? []).some((c) => c.name === payload.container)) {
    throw new UsageError(`pod ${target} has no container "${payload.container}" (it has: ${(pod.spec?.containers ?? []).map((c) => c.name).join(', ')})`, USAGE);
  }
  const findings: OomFinding[] = [];
  await deps.progress(20, 'reading events, node, metrics and previous logs');

  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const logTargets = (pod.spec?.containers ?? [])
    .filter((c) => !payload.container || c.name === payload.container)
    .map((c) => ({ name: c.name, previous: (statuses.get(c.name)?.restartCount ?? 0) > 0 || statuses.get(c.name)?.lastState?.terminated !== undefined }));
  const node = summary.node;
  const [podEvents, nodeEvents, nodeObj, metrics, ...logs] = await Promise.all([
    settle(kube.listPodEvents(payload.namespace, payload.pod, { signal })),
    node ? settle(kube.listNodeEvents(node, { signal })) : Promise.resolve(null),
    node ? settle(kube.readNode(node, { signal })) : Promise.resolve(null),
    settle(kube.podMetrics(payload.namespace, payload.pod, { signal })),
    ...logTargets.map((t) => settle(kube.readPodLogs(payload.namespace, payload.pod, { container: t.name, previous: t.previous, tailLines: LOG_TAIL_LINES, signal }))),
  ]);
  await deps.progress(80, 'analysing');

  const events: EventEvidence[] = [];
  if (podEvents.ok) events.push(...eventEvidence(podEvents.value));
  else findings.push(findingFor(podEvents.error, `list events of pod ${target}`, signal));
  if (nodeEvents?.ok) events.push(...eventEvidence(nodeEvents.value));
  else if (nodeEvents) findings.push(findingFor(nodeEvents.error, `list events of node ${node}`, signal));
  events.sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));

  let conditions: NodeCondition[] = [];
  if (nodeObj?.ok) conditions = nodeConditions(nodeObj.value);
  else if (nodeObj) findings.push(findingFor(nodeObj.error, `get node ${node}`, signal));

  let podMetrics: PodMetrics | null = null;
  if (metrics.ok) podMetrics = metrics.value;
  else findings.push(findingFor(metrics.error, `get metrics of pod ${target}`, signal));
  if (metrics.ok && metrics.value === null) {
    findings.push({ severity: 'info', code: 'metrics-unavailable', message: 'metrics unavailable: metrics.k8s.io did not answer for this pod, so usage is unknown', fix: 'Install metrics-server to compare usage with limits.' });
  }

  const cudaOom: CudaOomInContainer[] = [];
  const logSignatures: LogSignatureInContainer[] = [];
  const lastLogLines = new Map<string, string[]>();
  logs.forEach((r, i) => {
    const t = logTargets[i];
    if (!t) return;
    const which = `${t.previous ? 'previous ' : ''}logs of container ${t.name}`;
    if (!r.ok) {
      findings.push(findingFor(r.error, `read ${which}`, signal));
      return;
    }
    cudaOom.push(...parseCudaOom(r.value).map((ev) => ({ ...ev, container: t.name })));
    const lines = r.value.split('\n');
    if (t.previous) lastLogLines.set(t.name, lines.filter((l) => l.trim() !== '').slice(-LAST_LINES));
    for (const hit of classifyLines(lines).signatures) {
      logSignatures.push({ container: t.name, id: hit.id, category: hit.category, severity: hit.severity, count: hit.count, samples: hit.samples });
    }
  });

  const containers = containerEvidence(pod, podMetrics).filter((c) => !payload.container || c.name === payload.container);
  const settings = Object.fromEntries(
    (pod.spec?.containers ?? []).map((c) => [c.name, { args: [...(c.command ?? []), ...(c.args ?? [])], env: Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value ?? ''])) }]),
  );
  const growth = await workingSetGrowth(summary, containers, deps);
  const evidence: OomEvidence = { pod: summary, containers, events, cudaOom, nodeConditions: conditions, logSignatures, containerSettings: settings };

  result.observations = observe(evidence, { haveMetrics: podMetrics !== null, now: deps.now(), growth, lastLogLines });
  fillResult(result, evidence, findings, podMetrics !== null, deps.now());
  await deps.progress(100, 'done');
  return result;
}

/** Everything read about the pod, as plain records. */
interface OomEvidence {
  pod: PodSummary;
  containers: ContainerEvidence[];
  /** Pod and node events, oldest first. */
  events: EventEvidence[];
  cudaOom: CudaOomInContainer[];
  nodeConditions: NodeCondition[];
  logSignatures: LogSignatureInContainer[];
  /** Container args and env, to name the batch-size setting to change. */
  containerSettings: Record<string, { args: string[]; env: Record<string, string> }>;
}

/**
 * Working-set growth of each running instance since this diagnostic last looked (deps.baselines):
 * the same instance (same restart count), between GROWTH_MIN_S and GROWTH_MAX_S ago. The current
 * sample becomes the next run's baseline.
 */
async function workingSetGrowth(pod: PodSummary, containers: ContainerEvidence[], deps: DiagnosticDeps): Promise<Map<string, { bytesPerHour: number; seconds: number }>> {
  const out = new Map<string, { bytesPerHour: number; seconds: number }>();
  const store = deps.baselines;
  if (!store) return out;
  const now = deps.now();
  for (const c of containers) {
    if (c.memoryUsageBytes === null) continue;
    const key = `oom:${pod.namespace}/${pod.name}/${c.name}`;
    try {
      const before = JSON.parse((await store.get(key)) ?? 'null') as { at: number; bytes: number; restarts: number } | null;
      if (before && before.restarts === c.restartCount) {
        const seconds = (now - before.at) / 1000;
        if (seconds >= GROWTH_MIN_S && seconds <= GROWTH_MAX_S) out.set(c.name, { bytesPerHour: ((c.memoryUsageBytes - before.bytes) / seconds) * 3600, seconds });
      }
      await store.set(key, JSON.stringify({ at: now, bytes: c.memoryUsageBytes, restarts: c.restartCount }));
    } catch (err) {
      if (deps.signal.aborted) throw err;
      // A baseline that cannot be read or written only loses the growth rate; the rest stands.
    }
  }
  return out;
}

function observe(e: OomEvidence, extra: { haveMetrics: boolean; now: number; growth: Map<string, { bytesPerHour: number; seconds: number }>; lastLogLines: Map<string, string[]> }): Observation[] {
  const o = observer('oom', OOM_VOCABULARY);
  const out: Observation[] = [
    o('target.namespace', e.pod.namespace, `namespace ${e.pod.namespace}`),
    o('target.pod', e.pod.name, `pod ${e.pod.namespace}/${e.pod.name}`),
  ];
  if (e.pod.node) out.push(o('target.node', e.pod.node, `node ${e.pod.node}`));
  out.push(...observePod({ pod: e.pod, containers: e.containers, events: e.events, nodeConditions: e.nodeConditions, haveMetrics: extra.haveMetrics, now: extra.now, growth: extra.growth, lastLogLines: extra.lastLogLines }, o));
  for (const c of e.containers) {
    const setting = batchSetting(e.containerSettings[c.name]);
    if (setting) out.push(o('oom.batch_size', setting.value, `${c.name} runs with ${setting.name} ${setting.value}`, { subject: setting.name }));
    out.push(...observeCudaOom(e.cudaOom, c.name, e.containerSettings[c.name], o));
  }
  const signatures = new Map<string, LogSignatureInContainer & { containers: string[] }>();
  for (const s of e.logSignatures.filter((x) => !MEMORY_CATEGORIES.has(x.category))) {
    const seen = signatures.get(s.id);
    if (seen) {
      seen.count += s.count;
      seen.containers.push(s.container);
    } else signatures.set(s.id, { ...s, containers: [s.container] });
  }
  for (const s of signatures.values()) {
    out.push(o('log.signature', s.id, `${s.count} line${s.count === 1 ? '' : 's'} match ${s.id} (${s.category}) in the logs of ${s.containers.join(', ')}${s.samples[0] ? `, e.g. ${s.samples[0].slice(0, 200)}` : ''}`, { subject: s.id, sampleSize: s.count }));
  }
  return out;
}

/** A restart older than this that ended cleanly (exit 0) is history, not a warning: the container has run since. */
const RESTART_STILL_NEWS_MS = 6 * 3600_000;
/** A failed exit (non-zero) stays news this long; after that, with the container running since, it is history too. */
const FAILED_RESTART_STILL_NEWS_MS = 24 * 3600_000;

/** Whether a container's restarts say something is wrong now: the last one was recent, of unknown time, or not a clean exit. */
function restartIsNews(c: OomEvidence['containers'][number], now: number): boolean {
  if (c.restartCount === 0) return false;
  const t = c.lastTermination;
  const ago = t ? secondsSinceEnd(t, now) : null;
  if (!t || ago === null || c.waitingReason) return true;
  return ago * 1000 < (t.exitCode !== 0 ? FAILED_RESTART_STILL_NEWS_MS : RESTART_STILL_NEWS_MS);
}

function fillResult(result: DiagnosticResult, e: OomEvidence, findings: OomFinding[], haveMetrics: boolean, now: number): void {
  const target = `${e.pod.namespace}/${e.pod.name}`;
  const killed = e.containers.filter((c) => c.lastTermination?.reason === 'OOMKilled');
  const looping = e.containers.filter((c) => c.waitingReason === 'CrashLoopBackOff');
  const evidence: Evidence[] = [];
  for (const c of killed) {
    const t = c.lastTermination;
    const run = t ? runSeconds(t) : null;
    evidence.push({
      label: `${c.name} OOMKilled`,
      value: `exit ${t?.exitCode ?? '?'} at ${t?.finishedAt ?? 'unknown time'}${run !== null ? ` after ${formatDuration(run)}` : ''}`,
      detail: `${c.restartCount} restarts${c.waitingReason ? `, now ${c.waitingReason}` : ''}`,
      severity: 'critical',
    });
  }
  for (const c of looping.filter((x) => !killed.includes(x))) {
    evidence.push({ label: `${c.name} ${c.waitingReason}`, value: `${c.restartCount} restarts`, detail: `last exit: ${c.lastTermination?.reason ?? 'unknown'} (${c.lastTermination?.exitCode ?? '?'})`, severity: 'critical' });
  }
  for (const c of e.containers) {
    if (c.memoryLimitBytes === null && c.memoryUsageBytes === null) continue;
    const usage = c.memoryUsageBytes !== null ? formatBytes(c.memoryUsageBytes) : haveMetrics ? 'no sample' : 'metrics unavailable';
    const limit = c.memoryLimitBytes !== null ? formatBytes(c.memoryLimitBytes) : 'no limit';
    evidence.push({ label: `${c.name} memory`, value: `${usage} used / ${limit} limit`, detail: c.memoryRequestBytes !== null ? `request ${formatBytes(c.memoryRequestBytes)}` : 'no request' });
  }
  for (const ev of e.cudaOom.slice(-3)) {
    const tried = ev.triedToAllocateBytes !== null ? formatBytes(ev.triedToAllocateBytes) : '?';
    const free = ev.freeBytes !== null ? formatBytes(ev.freeBytes) : '?';
    evidence.push({ label: `${ev.container} CUDA OOM (${ev.source})`, value: `tried ${tried}, ${free} free`, detail: ev.reservedUnallocatedBytes !== null ? `${formatBytes(ev.reservedUnallocatedBytes)} reserved but unallocated` : undefined, severity: 'critical' });
  }
  for (const s of e.logSignatures.filter((x) => x.severity !== 'info' && x.id !== 'cuda-oom').slice(0, 5)) {
    evidence.push({ label: `${s.container} logs: ${s.id}`, value: `${s.count} line${s.count === 1 ? '' : 's'}`, detail: s.samples[0], severity: s.severity });
  }
  for (const ev of e.events.filter((x) => x.type === 'Warning' && x.reason !== 'BackOff')) {
    evidence.push({ label: `${ev.object} event ${ev.reason ?? ''}`.trim(), value: ev.message, detail: `×${ev.count}, last ${ev.lastSeen ?? 'unknown'}${ev.source ? `, from ${ev.source}` : ''}`, severity: 'warning' });
  }
  for (const c of e.nodeConditions.filter((x) => x.type !== 'Ready' && x.status === 'True')) {
    evidence.push({ label: `node ${e.pod.node ?? ''} ${c.type}`, value: c.status, detail: c.message ?? undefined, severity: 'warning' });
  }
  for (const f of findings) evidence.push({ label: f.code, value: f.message, severity: f.severity });
  result.evidence = evidence;

  result.tables = [
    {
      title: `Containers of ${target}`,
      columns: ['container', 'last termination', 'exit', 'restarts', 'waiting', 'memory request', 'memory limit', 'memory used', 'GPUs'],
      rows: e.containers.map((c) => [
        c.name,
        c.lastTermination?.reason ?? null,
        c.lastTermination?.exitCode ?? null,
        c.restartCount,
        c.waitingReason,
        c.memoryRequestBytes !== null ? formatBytes(c.memoryRequestBytes) : null,
        c.memoryLimitBytes !== null ? formatBytes(c.memoryLimitBytes) : null,
        c.memoryUsageBytes !== null ? formatBytes(c.memoryUsageBytes) : haveMetrics ? null : 'metrics unavailable',
        c.gpuLimit,
      ]),
    },
  ];
  if (e.cudaOom.length > 0) {
    const b = (x: number | null) => (x !== null ? formatBytes(x) : null);
    result.tables.push({
      title: 'CUDA out-of-memory messages in the logs',
      columns: ['container', 'source', 'GPU', 'tried to allocate', 'free', 'total', 'allocated by framework', 'reserved unallocated'],
      rows: e.cudaOom.slice(-MAX_CUDA_OOM).map((ev) => [ev.container, ev.source, ev.gpu, b(ev.triedToAllocateBytes), b(ev.freeBytes), b(ev.totalCapacityBytes), b(ev.allocatedByFrameworkBytes), b(ev.reservedUnallocatedBytes)]),
    });
  }

  // Operational advice only (access the diagnostic lacked); the causes bring their own fixes.
  result.fixes = findings.filter((f) => f.severity !== 'info').map((f) => f.fix);
  result.verification = [
    `Re-run \`/debug oom ${target}\` after the change: no new OOMKilled termination, restart count steady, no CUDA OOM in the logs.`,
    `kubectl -n ${e.pod.namespace} get pod ${e.pod.name} -w shows it Running and Ready through a full load cycle.`,
  ];
  result.prevention = ['Alert on kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} and on CUDA OOM lines in the logs.'];

  // An OOM kill is critical while it is news; one a day or more old, the container running since, is history.
  const freshKill = killed.some((c) => restartIsNews(c, now));
  result.severity = worstSeverity([
    ...(freshKill || looping.length > 0 || e.cudaOom.length > 0 ? (['critical'] as const) : []),
    ...(killed.length > 0 && !freshKill ? (['info'] as const) : []),
    ...(e.containers.some((c) => restartIsNews(c, now)) || (e.pod.restarts > 0 && e.containers.every((c) => c.restartCount === 0)) ? (['warning'] as const) : []),
    ...findings.map((f) => f.severity),
  ]);

  const facts: string[] = [];
  for (const c of killed) facts.push(`container ${c.name} was OOMKilled (exit ${c.lastTermination?.exitCode ?? '?'}), ${c.restartCount} restarts${c.waitingReason ? `, ${c.waitingReason}` : ''}`);
  for (const c of looping.filter((x) => !killed.includes(x))) facts.push(`container ${c.name} is in CrashLoopBackOff after ${c.restartCount} restarts (last exit ${c.lastTermination?.reason ?? '?'}, ${c.lastTermination?.exitCode ?? '?'})`);
  const lastOom = e.cudaOom.at(-1);
  if (lastOom) {
    const tried = lastOom.triedToAllocateBytes !== null ? ` asking for ${formatBytes(lastOom.triedToAllocateBytes)}` : '';
    const free = lastOom.freeBytes !== null ? ` with ${formatBytes(lastOom.freeBytes)} free` : '';
    facts.push(`${lastOom.container}'s logs show a CUDA out-of-memory error${tried}${free}`);
  }
  const restarted = e.containers.filter((c) => c.restartCount > 0 && !killed.includes(c) && !looping.includes(c));
  for (const c of restarted) {
    const t = c.lastTermination;
    const ago = t ? secondsSinceEnd(t, now) : null;
    const last = t ? ` (last exit ${t.exitCode}${t.reason ? ` ${t.reason}` : ''}${ago !== null ? `, ${formatDuration(ago)} ago` : ''})` : '';
    facts.push(`container ${c.name} restarted ${c.restartCount} time${c.restartCount === 1 ? '' : 's'}${last}`);
  }
  const head = facts.length > 0 ? `${target}: ${facts.join('; ')}.` : `${target}: no OOM kill, restart or CUDA out-of-memory error found${findings.length > 0 ? ' in what could be read' : ''}: no problem measured.`;
  const blocked = findings.filter((f) => f.severity === 'warning').map((f) => f.message);
  result.summary = `${head}${blocked.length > 0 ? ` Not checked: ${blocked.join('; ')}.` : ''}`.trim();

  const data: OomData = {
    pod: e.pod,
    containers: e.containers,
    events: e.events,
    cudaOom: e.cudaOom.slice(-MAX_CUDA_OOM).map((ev) => ({
      container: ev.container,
      source: ev.source,
      gpu: ev.gpu,
      triedToAllocateBytes: ev.triedToAllocateBytes,
      totalCapacityBytes: ev.totalCapacityBytes,
      freeBytes: ev.freeBytes,
      allocatedByFrameworkBytes: ev.allocatedByFrameworkBytes,
      reservedUnallocatedBytes: ev.reservedUnallocatedBytes,
      thisProcessBytes: ev.thisProcessBytes,
      processes: ev.processes ?? [],
    })),
    nodeConditions: e.nodeConditions,
    logSignatures: e.logSignatures,
    findings,
  };
  result.data = data;
}

export const oomDiagnostic = defineDiagnostic({
  name: 'oom',
  usage: USAGE,
  command: oomCommand,
  description: 'Why a pod runs out of memory: OOMKilled, CUDA OOM numbers from its previous logs, limits vs usage, events, node pressure',
  payload: oomPayload,
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(tokens, parserOptions(oomCommand.flags), USAGE);
    if (positionals.length !== 1) throw new UsageError(`expected one <namespace>/<pod>, got ${positionals.length}`, USAGE);
    const [namespace, pod, ...rest] = (positionals[0] ?? '').split('/');
    if (!namespace || !pod || rest.length > 0) throw new UsageError(`"${positionals[0]}" is not <namespace>/<pod>`, USAGE);
    return { namespace, pod, ...(values.container !== undefined ? { container: values.container } : {}) };
  },
  route: (payload) => payload.node,
  observes: OOM_VOCABULARY,
  timeoutMs: 60_000,
  run,
});

/**
 * The same diagnostic, routed by looking the pod's node up at enqueue time (the bot process, which
 * holds `kube`): the job lands on the queue of the node that runs the pod. Give `kube` a short
 * request deadline (e.g. 3000 ms): enqueueing waits for it, and an unreachable API server falls
 * back to the shared queue. `servedNodes` (the nodes with a live worker): everything `oom` reads
 * comes from the Kubernetes API, so a pod on a node without a worker (a CPU node with no GPU
 * DaemonSet pod) runs on the shared queue instead of being refused.
 */
export function oomDiagnosticWithRouting(kube: KubeAccess, servedNodes?: () => Promise<readonly string[]>): typeof oomDiagnostic {
  return {
    ...oomDiagnostic,
    route: async (payload) => {
      const { node } = await withPodNode(payload, kube);
      if (node === undefined || !servedNodes) return node;
      const served = await servedNodes().catch(() => null);
      return served === null || served.includes(node) ? node : undefined;
    },
  };
}
