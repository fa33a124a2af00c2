// `oom <namespace>/<pod> [--container c]`: why a pod runs out of memory, from the Kubernetes API —
// containers' last termination (OOMKilled, exit 137), restarts and CrashLoopBackOff, memory
// request/limit against metrics.k8s.io usage, the pod's and the node's events, node conditions,
// and the previous container's logs, whose CUDA out-of-memory messages are read as numbers.
// Ranked hypotheses come from src/k8s/oom-hypotheses.ts. Routed to the node that runs the pod.
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { parseTokens } from '../src/args.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/diagnostic.ts';
import { oneLine, UnreachableError, UsageError } from '../src/errors.ts';
import { parseCudaOom } from '../src/gpu/cuda-oom.ts';
import type { KubeAccess, PodMetrics } from '../src/k8s/kube-access.ts';
import { KubeForbiddenError } from '../src/k8s/kube-errors.ts';
import { rankOomHypotheses, formatDuration, MEMORY_CATEGORIES, type CudaOomInContainer, type LogSignatureInContainer, type OomEvidence } from '../src/k8s/oom-hypotheses.ts';
import { containerEvidence, eventEvidence, nodeConditions, runSeconds, summarizePod, type ContainerEvidence, type EventEvidence, type NodeCondition, type PodSummary } from '../src/k8s/pod-evidence.ts';
import { formatBytes } from '../src/k8s/quantity.ts';
import { classifyLines } from '../src/logs/classifier.ts';
import { emptyResult, worstSeverity, type DiagnosticResult, type Evidence, type Severity } from '../src/report/model.ts';

const USAGE = 'oom <namespace>/<pod> [--container <name>]';
/** Log lines read from each container's previous instance. */
const LOG_TAIL_LINES = 5000;
/** CUDA OOM records kept in the result. */
const MAX_CUDA_OOM = 20;

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
export interface OomFinding {
  severity: Severity;
  code: string;
  message: string;
  fix: string;
}

/** `data` of the result (`infdbg oom … --format json`): field names are a stable contract. */
export type OomData = {
  pod: PodSummary | null;
  containers: ContainerEvidence[];
  events: EventEvidence[];
  /** Numbers only: the raw log line may carry secrets and is not redacted here. */
  cudaOom: Array<Omit<CudaOomInContainer, 'line' | 'processes'> & { processes: Array<{ pid: number; bytes: number }> }>;
  nodeConditions: NodeCondition[];
  /** Failure signatures in each container's (previous) logs, samples redacted. */
  logSignatures: Array<Omit<LogSignatureInContainer, 'explanation' | 'fixes'>>;
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

function forbiddenFinding(err: KubeForbiddenError, what: string): OomFinding {
  return {
    severity: 'warning',
    code: 'kube-forbidden',
    message: `${what}: ${err.message}`,
    fix: `Add to the worker's ${err.namespace ? 'Role' : 'ClusterRole'}: {apiGroups: ["${err.resource.includes('.') ? err.resource.slice(err.resource.indexOf('.') + 1) : ''}"], resources: ["${err.resource.split('.')[0]}"], verbs: ["${err.verb}"]}`,
  };
}

/** Turns a failed secondary read into a finding; cancellation and programming errors still throw. */
function findingFor(err: unknown, what: string, signal: AbortSignal): OomFinding {
  if (signal.aborted) throw signal.reason;
  if (err instanceof KubeForbiddenError) return forbiddenFinding(err, what);
  if (err instanceof UnreachableError) return { severity: 'warning', code: 'kube-unreachable', message: `${what}: ${err.message}`, fix: 'Check the API server address and the network path from the worker.' };
  if (err instanceof TypeError || err instanceof ReferenceError) throw err;
  return { severity: 'info', code: 'kube-read-failed', message: `${what}: ${oneLine(err)}`, fix: 'Retry; if it persists, check the API server logs.' };
}

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
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
  logs.forEach((r, i) => {
    const t = logTargets[i];
    if (!t) return;
    const which = `${t.previous ? 'previous ' : ''}logs of container ${t.name}`;
    if (!r.ok) {
      findings.push(findingFor(r.error, `read ${which}`, signal));
      return;
    }
    cudaOom.push(...parseCudaOom(r.value).map((ev) => ({ ...ev, container: t.name })));
    for (const hit of classifyLines(r.value.split('\n')).signatures) {
      logSignatures.push({ container: t.name, id: hit.id, category: hit.category, severity: hit.severity, count: hit.count, explanation: hit.explanation, fixes: hit.fixes, samples: hit.samples });
    }
  });

  const containers = containerEvidence(pod, podMetrics).filter((c) => !payload.container || c.name === payload.container);
  const settings = Object.fromEntries(
    (pod.spec?.containers ?? []).map((c) => [c.name, { args: [...(c.command ?? []), ...(c.args ?? [])], env: Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value ?? ''])) }]),
  );
  const evidence: OomEvidence = { pod: summary, containers, events, cudaOom, nodeConditions: conditions, logSignatures, containerSettings: settings };
  const hypotheses = rankOomHypotheses(evidence);

  fillResult(result, evidence, hypotheses, findings, podMetrics !== null);
  await deps.progress(100, 'done');
  return result;
}

function fillResult(result: DiagnosticResult, e: OomEvidence, hypotheses: ReturnType<typeof rankOomHypotheses>, findings: OomFinding[], haveMetrics: boolean): void {
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
  // Memory signatures are already shown as CUDA OOM numbers and terminations above.
  for (const s of (e.logSignatures ?? []).filter((x) => x.severity !== 'info' && !MEMORY_CATEGORIES.has(x.category)).slice(0, 5)) {
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

  result.hypotheses = hypotheses;
  result.fixes = hypotheses.filter((h) => h.likelihood !== 'low').flatMap((h) => h.fixes.slice(0, 1));
  if (findings.some((f) => f.severity !== 'info')) result.fixes.push(...findings.filter((f) => f.severity !== 'info').map((f) => f.fix));
  result.verification = [
    `Re-run \`/debug oom ${target}\` after the change: no new OOMKilled termination, restart count steady, no CUDA OOM in the logs.`,
    `kubectl -n ${e.pod.namespace} get pod ${e.pod.name} -w shows it Running and Ready through a full load cycle.`,
  ];
  result.prevention = [
    'Alert on kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} and on CUDA OOM lines in the logs.',
    'Load-test the largest batch and longest sequence before rollout; set memory limits from the observed peak + 25 %.',
    'Ship PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True in the serving image.',
  ];

  const severity = worstSeverity([
    ...(killed.length > 0 || looping.length > 0 || e.cudaOom.length > 0 ? (['critical'] as const) : []),
    ...(e.pod.restarts > 0 || hypotheses.length > 0 ? (['warning'] as const) : []),
    ...findings.map((f) => f.severity),
  ]);
  result.severity = severity;

  const facts: string[] = [];
  for (const c of killed) facts.push(`container ${c.name} was OOMKilled (exit ${c.lastTermination?.exitCode ?? '?'}), ${c.restartCount} restarts${c.waitingReason ? `, ${c.waitingReason}` : ''}`);
  const lastOom = e.cudaOom.at(-1);
  if (lastOom) {
    const tried = lastOom.triedToAllocateBytes !== null ? ` asking for ${formatBytes(lastOom.triedToAllocateBytes)}` : '';
    const free = lastOom.freeBytes !== null ? ` with ${formatBytes(lastOom.freeBytes)} free` : '';
    facts.push(`${lastOom.container}'s logs show a CUDA out-of-memory error${tried}${free}`);
  }
  const top = hypotheses[0];
  const head = facts.length > 0 ? `${target}: ${facts.join('; ')}.` : `${target}: no OOM kill or CUDA out-of-memory error found${findings.length > 0 ? ' in what could be read' : ''}.`;
  const next = top ? ` Most likely: ${top.title}. Next: ${top.fixes[0] ?? ''}` : '';
  const blocked = findings.filter((f) => f.severity === 'warning').map((f) => f.message);
  result.summary = `${head}${next}${blocked.length > 0 ? ` Not checked: ${blocked.join('; ')}.` : ''}`.trim();

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
    logSignatures: (e.logSignatures ?? []).map(({ container, id, category, severity, count, samples }) => ({ container, id, category, severity, count, samples })),
    findings,
  };
  result.data = data;
}

export const oomDiagnostic = defineDiagnostic({
  name: 'oom',
  usage: USAGE,
  description: 'Why a pod runs out of memory: OOMKilled, CUDA OOM numbers from its previous logs, limits vs usage, events, ranked causes',
  payload: oomPayload,
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(tokens, { container: { type: 'string', short: 'c' } }, USAGE);
    if (positionals.length !== 1) throw new UsageError(`expected one <namespace>/<pod>, got ${positionals.length}`, USAGE);
    const [namespace, pod, ...rest] = (positionals[0] ?? '').split('/');
    if (!namespace || !pod || rest.length > 0) throw new UsageError(`"${positionals[0]}" is not <namespace>/<pod>`, USAGE);
    return { namespace, pod, ...(values.container !== undefined ? { container: values.container } : {}) };
  },
  route: (payload) => payload.node,
  timeoutMs: 60_000,
  run,
});

/**
 * The same diagnostic, routed by looking the pod's node up at enqueue time (the bot process, which
 * holds `kube`): the job lands on the queue of the node that runs the pod. Give `kube` a short
 * request deadline (e.g. 3000 ms): enqueueing waits for it, and an unreachable API server falls
 * back to the shared queue.
 */
export function oomDiagnosticWithRouting(kube: KubeAccess): typeof oomDiagnostic {
  return { ...oomDiagnostic, route: async (payload) => (await withPodNode(payload, kube)).node };
}
