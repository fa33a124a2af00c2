// What a GPU snapshot (nvidia-smi or the DCGM exporter) shows, as typed observations: memory used
// per GPU, memory held by processes that are not the target's, utilization, Xid, ECC, row
// remapping, throttling, temperature, clocks, MIG, the PCIe link, and the source's own failures.
// Facts that speak against causes are observations too (no ECC error, not throttled, one
// process only). What they mean is decided by the causes catalogue (src/diagnosis/causes/gpu.yaml).
// Pure: the snapshot in, observations out.
import { observer, type Observation } from '../diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../diagnosis/vocabulary.ts';
import { formatBytes } from '../k8s/quantity.ts';
import type { GpuFailure, GpuRecord } from './nvidia-smi.ts';

const MiB = 2 ** 20;
/** Utilization at or above which clocks are compared with their maximum (idle GPUs clock down by design). */
export const BUSY_UTILIZATION = 0.5;

/** How a process holding GPU memory was tied (or not) to a pod. */
export type Attribution =
  | { kind: 'pod'; namespace: string; pod: string; container: string; containerId: string }
  /** In a container the Kubernetes API does not know: a leftover or a `docker run` on the node. */
  | { kind: 'container-without-pod'; containerId: string }
  /** Not in any container: started on the host. */
  | { kind: 'host' }
  /** Could not tell (no /proc access, no Kubernetes access, or the API failed). */
  | { kind: 'unknown'; reason: string };

export interface AttributedProcess {
  pid: number | null;
  name: string;
  gpuUuid: string;
  usedMiB: number | null;
  attribution: Attribution;
}

/** Why the GPU source could not (fully) answer: nvidia-smi's failures and the DCGM exporter's. */
export type GpuSourceFailure = GpuFailure | { kind: 'dcgm-unreachable' | 'dcgm-no-metrics'; detail: string; busId?: string };

/** A GPU record, with the last Xid when the source reports it (DCGM). */
export type ObservedGpu = GpuRecord & {
  lastXid?: number | null;
  pods?: Array<{ namespace: string; name: string; container: string | null }>;
  /** MIG instances with their own framebuffer (DCGM exporter in MIG mode). */
  migInstances?: Array<{ id: string; profile: string | null; usedMiB: number | null; freeMiB: number | null; pods: Array<{ namespace: string; name: string }> }>;
};

/** What each Xid code means, from NVIDIA's Xid catalogue (docs.nvidia.com/deploy/xid-errors). Words only; the catalogue decides what follows. */
const XID_MEANING: Record<number, string> = {
  13: 'graphics engine exception (often an application out-of-bounds access)',
  31: 'GPU memory page fault (often an application bug)',
  43: 'GPU stopped processing (application killed by the driver)',
  45: 'preemptive cleanup after an earlier error',
  48: 'double-bit ECC error',
  61: 'internal micro-controller breakpoint/warning',
  62: 'internal micro-controller halt',
  63: 'ECC page retirement or row remapping recorded',
  64: 'ECC page retirement or row remapping failure',
  74: 'NVLink error',
  79: 'GPU has fallen off the bus',
  92: 'high single-bit ECC error rate',
  94: 'contained ECC error',
  95: 'uncontained ECC error',
  119: 'GSP RPC timeout',
  120: 'GSP error',
};

/** What each source failure means, in words. */
const FAILURE_MEANING: Record<GpuSourceFailure['kind'], string> = {
  'not-installed': 'nvidia-smi is not installed in the worker (or the NVIDIA driver utilities are not mounted into its container)',
  'no-devices': 'nvidia-smi found no GPU',
  'driver-mismatch': 'the NVIDIA kernel module and the user-space NVML library are different versions',
  'driver-not-loaded': 'nvidia-smi cannot talk to the NVIDIA driver (kernel module not loaded)',
  'nvml-init-failed': 'NVML could not initialise inside the container: it lost access to the GPU device nodes',
  'gpu-lost': 'a GPU is unreachable (Xid 79, "fallen off the bus"): nvidia-smi cannot get its device handle',
  timeout: 'nvidia-smi hung: the driver is not answering',
  failed: 'nvidia-smi failed',
  'dcgm-unreachable': 'the DCGM exporter could not be read',
  'dcgm-no-metrics': 'the DCGM exporter answered without DCGM_FI_DEV_* GPU metrics',
};

export const GPU_VOCABULARY = {
  ...TARGET_VOCABULARY,
  'gpu.count': { unit: 'count', description: 'GPUs the source reported' },
  'gpu.query_failure': { unit: 'label', description: 'why the GPU source could not (fully) answer: not-installed, no-devices, driver-mismatch, driver-not-loaded, nvml-init-failed, gpu-lost, timeout, failed, dcgm-unreachable, dcgm-no-metrics (subject: the GPU bus id when named)' },
  'gpu.memory_used_share': { unit: 'ratio', description: 'memory used / total, per GPU (subject: GPU index)' },
  'gpu.process_count': { unit: 'count', description: 'processes holding memory on a GPU (subject: GPU index)' },
  'gpu.foreign_process_memory': { unit: 'bytes', description: "memory held by a process that is not the target's (subject: pid or pod); 0 when every process is the target's or a GPU holds one process only" },
  'gpu.unaccounted_memory': { unit: 'bytes', description: 'memory used on a GPU that no listed process holds: processes in other PID namespaces (subject: GPU index)' },
  'gpu.shared_gpu_pods': { unit: 'count', description: "pods besides the target's (or, without a target, besides the first) that the DCGM exporter maps to the same GPU (subject: GPU index)" },
  'gpu.processes_unattributed': { unit: 'count', description: 'GPU processes that could not be tied to a pod or the host' },
  'gpu.utilization': { unit: 'ratio', description: 'share of time a kernel ran on the GPU over the last sample period (subject: GPU index)' },
  'gpu.xid_errors': { unit: 'count', description: 'Xid errors the DCGM exporter reports (it keeps the last one: 1 when it is non-zero) (subject: GPU index)' },
  'gpu.last_xid': { unit: 'number', description: 'code of the last Xid error, e.g. 48, 79 (subject: GPU index)' },
  'gpu.ecc_uncorrected_volatile': { unit: 'count', description: 'uncorrected (double-bit) ECC errors since the driver loaded (subject: GPU index)' },
  'gpu.ecc_uncorrected_aggregate': { unit: 'count', description: "uncorrected ECC errors over the GPU's lifetime (subject: GPU index)" },
  'gpu.retired_pages_pending': { unit: 'boolean', description: 'memory pages wait to be retired at the next driver reload (subject: GPU index)' },
  'gpu.remapped_rows_pending': { unit: 'boolean', description: 'memory rows wait to be remapped at the next GPU reset (subject: GPU index)' },
  'gpu.remapped_rows_failure': { unit: 'boolean', description: 'a row remap failed: no spare rows left (subject: GPU index)' },
  'gpu.throttled': { unit: 'label', description: 'the strongest active clock-slowdown reason: thermal | power | hw-slowdown | sw-power-cap | none (subject: GPU index)' },
  'gpu.temperature': { unit: 'celsius', description: 'GPU core temperature (subject: GPU index)' },
  'gpu.sm_clock_share': { unit: 'ratio', description: `SM clock / its maximum while the GPU is busy (utilization ≥ ${BUSY_UTILIZATION * 100} %); not observed when idle, where low clocks are by design (subject: GPU index)` },
  'gpu.mig_memory_used_share': { unit: 'ratio', description: 'memory used / total of one MIG instance, which its workload cannot exceed whatever the whole GPU has free (subject: GPU index/instance id)' },
  'gpu.mig_enabled': { unit: 'boolean', description: 'the GPU is partitioned with MIG (subject: GPU index)' },
  'gpu.pcie_link_degraded': { unit: 'boolean', description: 'the PCIe link runs narrower than its maximum width, or at a lower generation while busy (subject: GPU index)' },
} as const;

/** Clock-event reasons → the class a cause can look for, strongest first. */
const THROTTLE_CLASSES: ReadonlyArray<[string, (r: string) => boolean]> = [
  ['thermal', (r) => r.includes('thermal')],
  ['power', (r) => r === 'hw_power_brake_slowdown'],
  ['hw-slowdown', (r) => r === 'hw_slowdown'],
  ['sw-power-cap', (r) => r === 'sw_power_cap'],
];

export function throttleClass(reasons: readonly string[]): string {
  return THROTTLE_CLASSES.find(([, test]) => reasons.some(test))?.[0] ?? 'none';
}

/** Who owns a process, as a key: the pod, or the process itself when it has none. */
function ownerOf(p: AttributedProcess): string {
  const a = p.attribution;
  if (a.kind === 'pod') return `${a.namespace}/${a.pod}`;
  if (a.kind === 'container-without-pod') return `container ${a.containerId.slice(0, 12)}`;
  return `pid ${p.pid ?? '?'}`;
}

export function whereLabel(a: Attribution): string {
  switch (a.kind) {
    case 'pod':
      return `${a.namespace}/${a.pod}${a.container ? ` (${a.container})` : ''}`;
    case 'container-without-pod':
      return `container ${a.containerId.slice(0, 12)}, no pod`;
    case 'host':
      return 'host process, no container';
    case 'unknown':
      return 'owner unknown';
  }
}

export interface GpuObservationInput {
  gpus: ObservedGpu[];
  /** null when the source does not list processes (DCGM). */
  processes: AttributedProcess[] | null;
  failures: GpuSourceFailure[];
  /** `nvidia-smi` or `DCGM exporter <url>`. */
  source: string;
  node: string;
  /** The pod the investigation is about, when known: processes of other pods are foreign. */
  target?: { namespace: string; pod: string };
  /**
   * The GPUs are a Kubernetes node's (a worker asked about a named node, or with API access), so
   * they serve pods: a process outside every pod is foreign even alone on its GPU. Also true when
   * some process on the node belongs to a pod.
   */
  kubernetesNode?: boolean;
}

const pct = (share: number) => `${(100 * share).toFixed(share >= 0.995 && share < 1 ? 1 : 0)} %`;

/** The observations of one GPU snapshot. */
export function observeGpus(input: GpuObservationInput): Observation[] {
  const source = 'gpu';
  const o = observer(source, GPU_VOCABULARY);
  const out: Observation[] = [o('target.node', input.node, `node ${input.node}`)];
  if (input.target) {
    out.push(o('target.namespace', input.target.namespace, `namespace ${input.target.namespace}`));
    out.push(o('target.pod', input.target.pod, `pod ${input.target.namespace}/${input.target.pod}`));
  }
  for (const f of input.failures) {
    out.push(o('gpu.query_failure', f.kind, `${FAILURE_MEANING[f.kind]}${f.busId ? ` (GPU ${f.busId})` : ''} — ${input.source} said: "${f.detail}"`, f.busId ? { subject: f.busId } : {}));
  }
  if (input.gpus.length === 0) return out;
  out.push(o('gpu.count', input.gpus.length, `${input.gpus.length} GPU${input.gpus.length === 1 ? '' : 's'} on ${input.node} (${input.source})`));

  for (const g of input.gpus) {
    const subject = String(g.index);
    const label = `GPU ${g.index} (${g.name})`;
    const at = { subject };
    if (g.memoryUsedMiB !== null && g.memoryTotalMiB) {
      const share = g.memoryUsedMiB / g.memoryTotalMiB;
      out.push(o('gpu.memory_used_share', share, `${label} memory ${pct(share)} used (${Math.round(g.memoryUsedMiB)} of ${Math.round(g.memoryTotalMiB)} MiB)`, at));
    }
    if (g.utilizationPct !== null) out.push(o('gpu.utilization', g.utilizationPct / 100, `${label} utilization ${Math.round(g.utilizationPct)} %`, at));
    if (g.lastXid !== undefined && g.lastXid !== null) {
      const code = Math.round(g.lastXid);
      out.push(o('gpu.xid_errors', code > 0 ? 1 : 0, code > 0 ? `${label} reported Xid ${code}` : `${label}: no Xid error reported`, at));
      if (code > 0) out.push(o('gpu.last_xid', code, `${label} last reported Xid ${code}: ${XID_MEANING[code] ?? 'see NVIDIA’s Xid catalogue'}`, at));
    }
    if (g.eccUncorrected !== null) {
      const n = g.eccUncorrected;
      out.push(o('gpu.ecc_uncorrected_volatile', n, n > 0 ? `${label} reports ${n} uncorrected (double-bit) ECC error${n === 1 ? '' : 's'} since the driver loaded: results computed on it may be corrupt` : `${label}: no uncorrected ECC error since the driver loaded`, at));
    }
    if (g.eccUncorrectedAggregate !== null) {
      const n = g.eccUncorrectedAggregate;
      out.push(o('gpu.ecc_uncorrected_aggregate', n, `${label}: ${n} uncorrected ECC error${n === 1 ? '' : 's'} over its lifetime`, at));
    }
    if (g.retiredPagesPending !== null) out.push(o('gpu.retired_pages_pending', g.retiredPagesPending, `${label}: ${g.retiredPagesPending ? 'memory pages wait to be retired (driver reload needed)' : 'no page retirement pending'}`, at));
    if (g.remappedRowsPending !== null) out.push(o('gpu.remapped_rows_pending', g.remappedRowsPending, `${label}: ${g.remappedRowsPending ? 'memory rows wait to be remapped (GPU reset needed)' : 'no row remapping pending'}`, at));
    if (g.remappedRowsFailure !== null) out.push(o('gpu.remapped_rows_failure', g.remappedRowsFailure, `${label}: ${g.remappedRowsFailure ? 'a row remap failed (no spare rows left)' : 'no row remap failure'}`, at));
    if (g.throttleReasons !== null) {
      const cls = throttleClass(g.throttleReasons);
      const active = g.throttleReasons.filter((r) => r !== 'gpu_idle');
      const detail = [g.temperatureC !== null && cls === 'thermal' ? `${g.temperatureC} °C` : '', g.powerDrawW !== null && g.powerLimitW !== null && cls.includes('power') ? `${g.powerDrawW} W of ${g.powerLimitW} W` : ''].filter(Boolean).join(', ');
      out.push(o('gpu.throttled', cls, cls === 'none' ? `${label}: clocks not held down${active.length ? ` (${active.join(', ')})` : ''}` : `${label} clocks held down: ${cls} (${active.join(', ')}${detail ? `; ${detail}` : ''})`, at));
    }
    if (g.temperatureC !== null) out.push(o('gpu.temperature', g.temperatureC, `${label} at ${g.temperatureC} °C`, at));
    const busy = g.utilizationPct !== null && g.utilizationPct / 100 >= BUSY_UTILIZATION;
    if (busy && g.smClockMHz !== null && g.smClockMaxMHz) {
      const share = g.smClockMHz / g.smClockMaxMHz;
      out.push(o('gpu.sm_clock_share', share, `${label} SM clock ${Math.round(g.smClockMHz)} of ${Math.round(g.smClockMaxMHz)} MHz (${pct(share)}) at ${Math.round(g.utilizationPct ?? 0)} % utilization`, at));
    }
    for (const mi of g.migInstances ?? []) {
      if (mi.usedMiB === null || mi.freeMiB === null || mi.usedMiB + mi.freeMiB <= 0) continue;
      const share = mi.usedMiB / (mi.usedMiB + mi.freeMiB);
      const on = mi.pods.length > 0 ? `, used by ${mi.pods.map((p) => `${p.namespace}/${p.name}`).join(', ')}` : '';
      out.push(o('gpu.mig_memory_used_share', share, `${label} MIG instance ${mi.id}${mi.profile ? ` (${mi.profile})` : ''} memory ${pct(share)} used (${Math.round(mi.usedMiB)} of ${Math.round(mi.usedMiB + mi.freeMiB)} MiB)${on}`, { subject: `${g.index}/${mi.id}` }));
    }
    if (g.migMode !== null) out.push(o('gpu.mig_enabled', g.migMode === 'enabled', `${label}: MIG ${g.migMode}`, at));
    const narrow = g.pcieWidth !== null && g.pcieWidthMax !== null && g.pcieWidth < g.pcieWidthMax;
    const slowGen = busy && g.pcieGen !== null && g.pcieGenMax !== null && g.pcieGen < g.pcieGenMax;
    if (g.pcieWidth !== null && g.pcieWidthMax !== null) {
      out.push(o('gpu.pcie_link_degraded', narrow || slowGen, `${label} PCIe link gen ${g.pcieGen ?? '?'} of ${g.pcieGenMax ?? '?'}, x${g.pcieWidth} of x${g.pcieWidthMax}${narrow || slowGen ? ': degraded' : ''}`, at));
    }
  }
  if (input.processes) out.push(...observeProcesses(input, o));
  else out.push(...observeDcgmPods(input, o));
  return out;
}

type Observe = ReturnType<typeof observer>;

function observeProcesses(input: GpuObservationInput, o: Observe): Observation[] {
  const processes = input.processes ?? [];
  const out: Observation[] = [];
  const unattributed = processes.filter((p) => p.attribution.kind === 'unknown');
  if (unattributed.length > 0) {
    const why = unattributed[0]?.attribution.kind === 'unknown' ? unattributed[0].attribution.reason : '';
    out.push(o('gpu.processes_unattributed', unattributed.length, `${unattributed.length} GPU process${unattributed.length === 1 ? '' : 'es'} not tied to a pod: ${why}`, { sampleSize: processes.length }));
  }
  const target = input.target ? `${input.target.namespace}/${input.target.pod}` : null;
  // With a target whose processes were found, every other owner on its GPUs is foreign. Otherwise,
  // on a GPU several owners share, a process outside any pod is foreign next to a pod's, and
  // among pods (or among processes without one) every owner but the one holding the most memory.
  // Alone on its GPU, a process outside any pod is foreign only on a Kubernetes node, whose GPUs
  // serve pods: on a machine without Kubernetes (a VM, `docker run`) it is the service itself.
  const targetGpus = new Set(processes.filter((p) => target !== null && ownerOf(p) === target).map((p) => p.gpuUuid));
  const byTarget = targetGpus.size > 0;
  const outsidePods = (p: AttributedProcess) => p.attribution.kind === 'host' || p.attribution.kind === 'container-without-pod';
  const kubernetesNode = input.kubernetesNode === true || processes.some((p) => p.attribution.kind === 'pod');
  const foreign = new Map<string, { bytes: number; gpus: Set<string>; procs: AttributedProcess[] }>();
  for (const g of input.gpus) {
    const mine = processes.filter((p) => p.gpuUuid === g.uuid);
    const label = `GPU ${g.index} (${g.name})`;
    out.push(o('gpu.process_count', mine.length, `${label}: ${mine.length} process${mine.length === 1 ? '' : 'es'} hold memory${mine.length ? ` (${mine.map((p) => `PID ${p.pid ?? '?'} ${p.name}`).join(', ')})` : ''}`, { subject: String(g.index) }));
    if (g.memoryUsedMiB !== null) {
      const listed = mine.reduce((s, p) => s + (p.usedMiB ?? 0), 0);
      const hidden = Math.max(0, g.memoryUsedMiB - listed) * MiB;
      out.push(o('gpu.unaccounted_memory', hidden, `${label}: ${formatBytes(hidden)} in use that no listed process holds${hidden >= 2 ** 30 ? ' (processes in other PID namespaces are hidden from a containerised nvidia-smi)' : ''}`, { subject: String(g.index) }));
    }
    const owners = new Map<string, number>();
    for (const p of mine) owners.set(ownerOf(p), (owners.get(ownerOf(p)) ?? 0) + (p.usedMiB ?? 0));
    let isForeign: (p: AttributedProcess) => boolean;
    if (byTarget) isForeign = (p) => targetGpus.has(g.uuid) && ownerOf(p) !== target;
    else {
      const podsHere = mine.some((p) => p.attribution.kind === 'pod');
      const candidates = [...owners.entries()].filter(([key]) => !podsHere || mine.some((p) => p.attribution.kind === 'pod' && ownerOf(p) === key));
      const largest = candidates.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
      isForeign = (p) => (owners.size > 1 ? (podsHere && outsidePods(p)) || ownerOf(p) !== largest : outsidePods(p) && kubernetesNode);
    }
    for (const p of mine.filter(isForeign)) {
      const key = ownerOf(p);
      const entry = foreign.get(key) ?? { bytes: 0, gpus: new Set<string>(), procs: [] };
      entry.bytes += (p.usedMiB ?? 0) * MiB;
      entry.gpus.add(label);
      entry.procs.push(p);
      foreign.set(key, entry);
    }
  }
  const whose = byTarget ? `the target ${target}'s` : 'the main owner of its GPU';
  for (const [key, f] of [...foreign.entries()].sort((a, b) => b[1].bytes - a[1].bytes)) {
    const procs = f.procs.map((p) => `PID ${p.pid ?? '?'} (${p.name}, ${whereLabel(p.attribution)})`).join(', ');
    out.push(o('gpu.foreign_process_memory', f.bytes, `${procs} hold${f.procs.length === 1 ? 's' : ''} ${formatBytes(f.bytes)} on ${[...f.gpus].join(', ')}: not ${whose}`, { subject: key }));
  }
  if (foreign.size === 0) {
    const text = byTarget
      ? `only ${target} holds memory on its GPU${targetGpus.size === 1 ? '' : 's'}`
      : processes.length === 0
        ? 'no process holds GPU memory'
        : 'one owner per GPU: no other process shares a GPU';
    out.push(o('gpu.foreign_process_memory', 0, text, { sampleSize: processes.length }));
  }
  return out;
}

function observeDcgmPods(input: GpuObservationInput, o: Observe): Observation[] {
  const out: Observation[] = [];
  const target = input.target;
  for (const g of input.gpus) {
    const pods = g.pods ?? [];
    const isTarget = (p: { namespace: string; name: string }) => target !== undefined && p.namespace === target.namespace && p.name === target.pod;
    const hasTarget = pods.some(isTarget);
    if (target && !hasTarget) continue;
    const instances = (g.migInstances ?? []).filter((mi) => mi.pods.length > 0);
    if (instances.length > 0) {
      // MIG slices have their own memory and compute: only pods on the same instance share anything.
      const key = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;
      const sharing = instances.flatMap((mi) => (target ? (mi.pods.some(isTarget) ? mi.pods.filter((p) => !isTarget(p)) : []) : mi.pods.slice(1)));
      const where = instances.map((mi) => `${mi.pods.map(key).join(', ')} on ${mi.id}${mi.profile ? ` (${mi.profile})` : ''}`).join('; ');
      out.push(
        o('gpu.shared_gpu_pods', sharing.length, sharing.length > 0 ? `GPU ${g.index} (${g.name}): MIG instance shared with ${sharing.map(key).join(', ')} (${where})` : `GPU ${g.index} (${g.name}) is split by MIG, one pod per instance (${where}): isolated slices, none shared`, {
          subject: String(g.index),
        }),
      );
      continue;
    }
    const others = target ? pods.filter((p) => !isTarget(p)) : pods.slice(1);
    out.push(
      o('gpu.shared_gpu_pods', others.length, others.length > 0 ? `GPU ${g.index} (${g.name}) is shared with ${others.map((p) => `${p.namespace}/${p.name}`).join(', ')} (DCGM pod mapping)` : `GPU ${g.index} (${g.name}): ${pods.length === 0 ? 'no pod mapped' : `only ${pods[0]?.namespace}/${pods[0]?.name}`}`, {
        subject: String(g.index),
      }),
    );
  }
  return out;
}
