// Why did it run out of memory? Ranks the causes the evidence supports: batch or sequence too
// large (with the factor to shrink by), allocator fragmentation, another process on the GPU, a
// memory limit below the working set, a leak, a node short of memory, no schedulable GPU. Pure:
// every number comes from the pod, its events, the node and the CUDA OOM messages in its logs.
import type { CudaOomEvent } from '../gpu/cuda-oom.ts';
import type { Hypothesis } from '../report/model.ts';
import { oomKillRss, runSeconds, type ContainerEvidence, type EventEvidence, type NodeCondition, type PodSummary } from './pod-evidence.ts';
import { formatBytes } from './quantity.ts';

export interface CudaOomInContainer extends CudaOomEvent {
  container: string;
}

export interface OomEvidence {
  pod: PodSummary;
  containers: ContainerEvidence[];
  /** Pod and node events, oldest first. */
  events: EventEvidence[];
  cudaOom: CudaOomInContainer[];
  nodeConditions: NodeCondition[];
  /** Failure signatures the log classifier found in each container's logs (src/logs). */
  logSignatures?: LogSignatureInContainer[];
  /** Container args and env, to name the batch-size setting to change. */
  containerSettings?: Record<string, { args: string[]; env: Record<string, string> }>;
}

export interface LogSignatureInContainer {
  container: string;
  id: string;
  category: string;
  severity: 'info' | 'warning' | 'critical';
  count: number;
  explanation: string;
  fixes: string[];
  /** Redacted sample lines. */
  samples: string[];
}

/** Signature categories that are themselves out-of-memory evidence (handled by the other hypotheses). */
export const MEMORY_CATEGORIES: ReadonlySet<string> = new Set(['gpu-memory', 'memory']);

/** A hypothesis with a stable id for automation (`batch-too-large`, `fragmentation`, …). */
export interface OomHypothesis extends Hypothesis {
  id: string;
}

const GiB = 2 ** 30;
const LIKELIHOOD = { high: 3, medium: 2, low: 1 } as const;
/** A run shorter than this before an OOM kill means the working set never fit. */
const SHORT_RUN_S = 600;
/** A run longer than this before an OOM kill points at growth over time. */
const LONG_RUN_S = 1800;
/** A node OOM-kill event this close to a container's finishedAt is taken to be its kill. */
const KILL_MATCH_MS = 10_000;
/** Shrink factors above this are not plausibly batch size alone. */
const MAX_BATCH_FACTOR = 16;

const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;

/** Ranked hypotheses, most likely first; only those with supporting evidence are listed. */
export function rankOomHypotheses(e: OomEvidence): OomHypothesis[] {
  const ranked: Array<OomHypothesis & { explainsTermination: boolean; order: number }> = [];
  const add = (h: OomHypothesis | null, explainsTermination: boolean) => {
    if (h) ranked.push({ ...h, explainsTermination, order: ranked.length });
  };
  const oom = latestCudaOom(e.cudaOom);
  // A CUDA OOM explains the restart when the container did not die of the kernel's OOM killer.
  const cudaExplains = oom !== undefined && e.containers.some((c) => c.name === oom.container && c.lastTermination?.reason !== 'OOMKilled');
  if (oom) {
    const others = otherProcesses(oom);
    add(batchTooLarge(oom, others.bytes, e.containerSettings?.[oom.container]), cudaExplains);
    add(fragmentation(oom), cudaExplains);
    add(anotherProcess(oom, others, e.pod.node), cudaExplains);
  }
  const rss = oomKillRss(e.events);
  for (const c of e.containers.filter((x) => x.lastTermination?.reason === 'OOMKilled')) {
    add(limitBelowWorkingSet(c, e.containers, rss), true);
    add(memoryLeak(c), true);
  }
  add(nodeShortOfMemory(e), e.containers.some((c) => c.lastTermination?.reason === 'OOMKilled' && c.memoryLimitBytes === null));
  add(gpuNotSchedulable(e), e.pod.node === null);
  const memoryEvidence = e.cudaOom.length > 0 || e.containers.some((c) => c.lastTermination?.reason === 'OOMKilled');
  for (const h of otherFailures(e, memoryEvidence)) add(h, !memoryEvidence);
  ranked.sort(
    (a, b) =>
      LIKELIHOOD[b.likelihood] - LIKELIHOOD[a.likelihood] ||
      Number(b.explainsTermination) - Number(a.explainsTermination) ||
      a.order - b.order,
  );
  return ranked.map(({ id, title, likelihood, evidence, fixes }) => ({ id, title, likelihood, evidence, fixes }));
}

/** The most informative recent CUDA OOM: the last one that reports how much was asked for. */
function latestCudaOom(events: CudaOomInContainer[]): CudaOomInContainer | undefined {
  return [...events].reverse().find((ev) => ev.triedToAllocateBytes !== null) ?? events.at(-1);
}

/**
 * Processes the message names besides the one that failed. Inside a container PyTorch may not
 * recognise its own host PID and lists itself as "Process N"; a listed process whose memory
 * matches this process's allocated + reserved memory (within 1 GiB or 5 %), or the only listed
 * process when it holds all the used memory, is taken to be itself.
 */
function otherProcesses(ev: CudaOomEvent): { bytes: number; list: Array<{ pid: number; bytes: number }>; self: { pid: number; bytes: number } | null } {
  const listed = ev.processes ?? [];
  let self: { pid: number; bytes: number } | null = null;
  if (ev.thisProcessBytes === null && ev.allocatedByFrameworkBytes !== null) {
    const own = ev.allocatedByFrameworkBytes + (ev.reservedUnallocatedBytes ?? 0);
    self = listed.find((p) => p.bytes >= own && p.bytes - own <= Math.max(GiB, 0.05 * own)) ?? null;
  }
  // A lone listed process that accounts for all used memory must be this one: the failing
  // process holds at least its CUDA context on the GPU, so it cannot be absent from the list.
  const { totalCapacityBytes: total, freeBytes: free } = ev;
  const only = listed.length === 1 ? listed[0] : undefined;
  if (!self && only && ev.thisProcessBytes === null && total !== null && free !== null && Math.abs(only.bytes - (total - free)) <= Math.max(GiB, 0.05 * total)) {
    self = only;
  }
  const list = listed.filter((p) => p !== self);
  return { bytes: list.reduce((s, p) => s + p.bytes, 0), list, self };
}

function where(ev: CudaOomInContainer): string {
  return `container ${ev.container}${ev.gpu !== null ? `, GPU ${ev.gpu}` : ''}`;
}

function batchSetting(settings: { args: string[]; env: Record<string, string> } | undefined): { name: string; value: number } | null {
  if (!settings) return null;
  const flag = /^--?(max[-_]batch[-_]size|batch[-_]size|max[-_]num[-_]seqs|max[-_]num[-_]batched[-_]tokens)(?:=(\d+))?$/;
  for (let i = 0; i < settings.args.length; i++) {
    const m = flag.exec(settings.args[i] ?? '');
    if (!m) continue;
    const value = Number(m[2] ?? settings.args[i + 1]);
    if (Number.isInteger(value) && value > 0) return { name: `--${m[1]}`, value };
  }
  for (const [k, v] of Object.entries(settings.env)) {
    if (/^(MAX_)?BATCH_SIZE$/.test(k) && Number.isInteger(Number(v)) && Number(v) > 0) return { name: k, value: Number(v) };
  }
  return null;
}

function batchTooLarge(ev: CudaOomInContainer, otherBytes: number, settings: { args: string[]; env: Record<string, string> } | undefined): OomHypothesis | null {
  const T = ev.triedToAllocateBytes;
  const F = ev.freeBytes;
  if (T === null || F === null || T <= F) return null;
  const A = ev.allocatedByFrameworkBytes;
  const R = ev.reservedUnallocatedBytes ?? 0;
  // Activation memory grows linearly with batch size × sequence length. If everything already
  // allocated is fixed (weights), the failed allocation alone must shrink to fit the free memory:
  // factor T/F. If everything allocated is activations of this batch, all of it shrinks together:
  // (A+T)/(A+F). The truth lies between; T/F is the factor that is sure to fit.
  const safe = F > 0 ? T / F : Infinity;
  const optimistic = A !== null ? (A + T) / (A + F) : null;
  const divideBy = Number.isFinite(safe) ? 2 ** Math.ceil(Math.log2(safe)) : null;
  // A factor this large means the allocation does not scale with the batch: a pre-allocated cache or the model itself.
  const proportional = safe <= MAX_BATCH_FACTOR;
  const likely = T > F + R && T > F + otherBytes && proportional;
  const evidence = [
    `Tried to allocate ${formatBytes(T)} with ${formatBytes(F)} free${ev.totalCapacityBytes !== null ? ` of ${formatBytes(ev.totalCapacityBytes)}` : ''} (${where(ev)}).`,
    F > 0
      ? `Shrink factor: memory for activations grows linearly with batch size × sequence length. If the memory already allocated${A !== null ? ` (${formatBytes(A)})` : ''} is weights, the batch must shrink by tried/free = ${formatBytes(T)}/${formatBytes(F)} = ${times(safe)}` +
        (optimistic !== null ? `; if it is all activations of this batch, by (allocated+tried)/(allocated+free) = ${times(optimistic)}. The real factor lies between; ${times(safe)} is the one sure to fit.` : '.')
      : 'The message reports 0 bytes free, so no shrink factor can be computed: halve until it fits.',
  ];
  if (ev.totalCapacityBytes !== null && T > ev.totalCapacityBytes) evidence.push(`The request alone is larger than the whole GPU (${formatBytes(ev.totalCapacityBytes)}): nothing else on the GPU can be the whole cause.`);
  if (!proportional) evidence.push(`A ${times(safe)} factor is beyond what batch size usually explains: check for memory reserved up front (e.g. vLLM gpu_memory_utilization, a KV cache) or a model too large for this GPU.`);
  else if (!likely) evidence.push('Fragmentation or another process could also explain it (see below): the request is within reach of free + reserved or free + other processes.');
  const setting = batchSetting(settings);
  const fixes = [
    divideBy !== null
      ? setting
        ? `Set ${setting.name} ${setting.value} → ${Math.max(1, Math.floor(setting.value / divideBy))} (divide by ${divideBy}), or cut the maximum sequence length by the same factor.`
        : `Divide the batch size (or max tokens / sequence length per batch) by ${divideBy}.`
      : 'Halve the batch size (or max tokens per batch) until it fits.',
    'Or keep the batch and cut memory per sample: bf16/fp16 weights and activations, a paged KV cache or a lower gpu_memory_utilization for LLM servers.',
  ];
  return {
    id: 'batch-too-large',
    title: Number.isFinite(safe) ? `Batch or sequence too large: shrink it by about ${times(safe)}` : 'Batch or sequence too large',
    likelihood: likely ? 'high' : 'medium',
    evidence,
    fixes,
  };
}

function fragmentation(ev: CudaOomInContainer): OomHypothesis | null {
  const R = ev.reservedUnallocatedBytes;
  const T = ev.triedToAllocateBytes;
  if (R === null || R <= 0) return null;
  const F = ev.freeBytes ?? 0;
  const wouldFit = T !== null && F + R >= T;
  const large = ev.totalCapacityBytes !== null ? R >= 0.1 * ev.totalCapacityBytes : ev.allocatedByFrameworkBytes !== null && R >= 0.25 * ev.allocatedByFrameworkBytes;
  if (!wouldFit && !large) return null;
  return {
    id: 'fragmentation',
    title: 'Allocator fragmentation: memory reserved by PyTorch but not usable for this request',
    likelihood: wouldFit ? 'high' : 'medium',
    evidence: [
      `${formatBytes(R)} reserved by PyTorch but unallocated (${where(ev)}).`,
      wouldFit && T !== null
        ? `The ${formatBytes(T)} request would fit in ${formatBytes(F)} free + ${formatBytes(R)} reserved-but-unallocated, but the cached blocks are split into pieces too small for it.`
        : `That is ${ev.totalCapacityBytes !== null ? `${Math.round((100 * R) / ev.totalCapacityBytes)} % of the GPU` : 'a large share of what PyTorch holds'}: cached blocks are split and cannot be reused for large tensors.`,
    ],
    fixes: [
      'Set PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True in the container env (PyTorch ≥ 2.1) so segments grow instead of fragmenting.',
      'On older PyTorch: PYTORCH_CUDA_ALLOC_CONF=max_split_size_mb:512; call torch.cuda.empty_cache() after large temporary allocations.',
    ],
  };
}

function anotherProcess(ev: CudaOomInContainer, others: ReturnType<typeof otherProcesses>, node: string | null): OomHypothesis | null {
  if (others.list.length === 0) return null;
  const T = ev.triedToAllocateBytes;
  const F = ev.freeBytes;
  const enough = T !== null && F !== null && F + others.bytes >= T;
  const sizable = ev.totalCapacityBytes !== null && others.bytes >= 0.1 * ev.totalCapacityBytes;
  const evidence = others.list.map((p) => `Process ${p.pid} holds ${formatBytes(p.bytes)} (${where(ev)}).`);
  if (T !== null && F !== null) {
    evidence.push(
      enough
        ? `Without it the request fits: ${formatBytes(F)} free + ${formatBytes(others.bytes)} = ${formatBytes(F + others.bytes)} ≥ ${formatBytes(T)}.`
        : `Freeing it leaves ${formatBytes(F + others.bytes)}, still short of the ${formatBytes(T)} request: it adds to the problem but is not all of it.`,
    );
  }
  if (others.self) evidence.push(`Process ${others.self.pid} (${formatBytes(others.self.bytes)}) matches this process's own memory: taken to be itself, seen by its host PID.`);
  return {
    id: 'another-process',
    title: 'Another process holds memory on the same GPU',
    likelihood: enough ? 'high' : sizable ? 'medium' : 'low',
    evidence,
    fixes: [
      `Find who owns ${others.list.map((p) => `PID ${p.pid}`).join(', ')}: \`/debug gpu ${node ?? '<node>'}\` maps GPU processes to pods.`,
      'Give the pod the GPU to itself (one nvidia.com/gpu per pod, no host processes on GPU nodes), or split it with MIG so each process has a fixed slice.',
    ],
  };
}

function limitBelowWorkingSet(c: ContainerEvidence, all: ContainerEvidence[], rss: ReturnType<typeof oomKillRss>): OomHypothesis | null {
  const L = c.memoryLimitBytes;
  const t = c.lastTermination;
  if (L === null || !t) return null;
  const run = runSeconds(t);
  const U = c.memoryUsageBytes;
  // Node OOM-kill records name a process, not a container: take the one recorded when this
  // container ended, and only when no other container of the pod was OOMKilled with it.
  const killedWithLimit = all.filter((x) => x.lastTermination?.reason === 'OOMKilled' && x.memoryLimitBytes !== null);
  const end = t.finishedAt ? Date.parse(t.finishedAt) : NaN;
  const atEnd = rss.filter((r) => r.at !== null && Math.abs(Date.parse(r.at) - end) <= KILL_MATCH_MS);
  const rssAtKill = killedWithLimit.length === 1 && atEnd.length > 0 ? Math.max(...atEnd.map((r) => r.anonRssBytes)) : null;
  const nearLimit = U !== null && U >= 0.9 * L;
  const short = run !== null && run < SHORT_RUN_S;
  const seen = Math.max(L, U ?? 0, rssAtKill ?? 0);
  const suggested = Math.ceil((1.25 * seen) / GiB);
  const evidence = [
    `${c.name} was OOMKilled (exit ${t.exitCode})${run !== null ? ` after running ${formatDuration(run)}` : ''}; memory limit ${formatBytes(L)}${c.memoryRequestBytes !== null ? `, request ${formatBytes(c.memoryRequestBytes)}` : ''}.`,
  ];
  if (U !== null) evidence.push(`Working set ${formatBytes(U)} = ${Math.round((100 * U) / L)} % of the limit (metrics.k8s.io).`);
  if (rssAtKill !== null) evidence.push(`The kernel killed it at ${formatBytes(rssAtKill)} resident (node OOMKilling event at ${t.finishedAt}).`);
  if (c.restartCount > 0) evidence.push(`${c.restartCount} restarts${c.waitingReason ? `, now ${c.waitingReason}` : ''}.`);
  return {
    id: 'limit-below-working-set',
    title: `Memory limit of ${c.name} (${formatBytes(L)}) is below its working set`,
    likelihood: nearLimit || short ? 'high' : 'medium',
    evidence,
    fixes: [
      `Raise the memory limit of ${c.name} to ${suggested}Gi (1.25 × ${seen === L ? 'the current limit, which it fills' : `the ${formatBytes(seen)} it used`}) and set the request to the same value so the scheduler reserves it.`,
      'Or lower host memory: load weights straight to the GPU (safetensors mmap, low_cpu_mem_usage), fewer tokenizer/dataloader workers, no host-side copy of the batch.',
    ],
  };
}

function memoryLeak(c: ContainerEvidence): OomHypothesis | null {
  const t = c.lastTermination;
  const run = t ? runSeconds(t) : null;
  if (run === null) return null;
  const long = run >= LONG_RUN_S;
  return {
    id: 'memory-leak',
    title: `Memory leak in ${c.name}: usage grows until the limit`,
    likelihood: long ? 'medium' : 'low',
    evidence: [
      long
        ? `${c.name} ran ${formatDuration(run)} before the OOM kill: memory grew over time rather than being too large from the start.`
        : `${c.name} ran only ${formatDuration(run)} before the OOM kill — too short for a slow leak; the working set is too large from the start.`,
    ],
    fixes: [
      `Plot container_memory_working_set_bytes{container="${c.name}"} across restarts: a steady climb between restarts is a leak, a jump at start-up is not.`,
      'Profile host memory (tracemalloc, memray) for caches that grow per request, e.g. unbounded prompt or tokenizer caches.',
    ],
  };
}

function nodeShortOfMemory(e: OomEvidence): OomHypothesis | null {
  const pressure = e.nodeConditions.find((c) => c.type === 'MemoryPressure' && c.status === 'True');
  const evicted = e.events.filter((ev) => ev.reason === 'Evicted');
  const systemOom = e.events.filter((ev) => ev.reason === 'SystemOOM');
  if (!pressure && evicted.length === 0 && systemOom.length === 0) return null;
  const evidence: string[] = [];
  if (pressure) evidence.push(`Node ${e.pod.node ?? ''} reports MemoryPressure=True (${pressure.reason ?? 'no reason'}: ${pressure.message ?? ''}).`.replace('  ', ' '));
  for (const ev of evicted.slice(-2)) evidence.push(`Evicted: ${ev.message}`);
  for (const ev of systemOom.slice(-2)) evidence.push(`SystemOOM on the node: ${ev.message}`);
  return {
    id: 'node-short-of-memory',
    title: `Node ${e.pod.node ?? ''} is short of memory`.trim(),
    likelihood: evicted.length > 0 ? 'high' : 'medium',
    evidence,
    fixes: [
      'Set memory requests to the real working set so the scheduler stops overcommitting the node.',
      `List the node's biggest users: kubectl top pods -A --sort-by=memory --field-selector spec.nodeName=${e.pod.node ?? '<node>'}; move the pod or drain the node if a host process is the cause.`,
    ],
  };
}

function gpuNotSchedulable(e: OomEvidence): OomHypothesis | null {
  const failed = e.events.filter((ev) => ev.reason === 'FailedScheduling' && /Insufficient nvidia\.com\/gpu/.test(ev.message));
  if (failed.length === 0) return null;
  const last = failed.at(-1);
  const count = failed.reduce((s, ev) => s + ev.count, 0);
  const pending = e.pod.node === null;
  return {
    id: 'gpu-not-schedulable',
    title: 'No node had a free nvidia.com/gpu for the pod',
    likelihood: pending ? 'high' : 'low',
    evidence: [
      `FailedScheduling ×${count}: ${last?.message ?? ''}`,
      pending ? `The pod is still ${e.pod.phase ?? 'Pending'} and has no node.` : `It was placed on ${e.pod.node} later: this delayed the start but did not cause the crash.`,
    ],
    fixes: [
      'Free a GPU (scale down another GPU workload) or add GPU nodes; check the cluster autoscaler can add them.',
      "Check the device plugin advertises GPUs: kubectl get nodes -o custom-columns=NAME:.metadata.name,GPU:.status.allocatable.nvidia\\.com/gpu; and that the pod tolerates the nodes' nvidia.com/gpu taint.",
    ],
  };
}

/** Critical non-memory failures in the logs: with no OOM evidence they are the likelier answer. */
function otherFailures(e: OomEvidence, memoryEvidence: boolean): OomHypothesis[] {
  const critical = (e.logSignatures ?? []).filter((s) => s.severity === 'critical' && !MEMORY_CATEGORIES.has(s.category));
  return critical
    .sort((a, b) => b.count - a.count)
    .slice(0, 2)
    .map((s) => {
      const c = e.containers.find((x) => x.name === s.container);
      const crashed = c?.lastTermination !== null && c?.lastTermination !== undefined && c.lastTermination.exitCode !== 0;
      return {
        id: `log-${s.id}`,
        title: memoryEvidence ? `Also in the logs of ${s.container}: ${s.id}` : `Not out of memory: ${s.container} logs ${s.id}`,
        likelihood: memoryEvidence ? 'low' : crashed ? 'high' : 'medium',
        evidence: [`${s.count} line${s.count === 1 ? '' : 's'} match ${s.id} (${s.category}): ${s.explanation}`, ...s.samples.slice(0, 1).map((l) => `e.g. ${l}`)],
        fixes: s.fixes,
      };
    });
}

export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
