// What in a GPU snapshot deserves a person's attention, as findings: a GPU nearly out of memory,
// memory held by a process no pod owns, uncorrected ECC errors, clocks held down by heat or the
// power cap, MIG partitioning, Xid errors, high temperature, and nvidia-smi's own failures.
// Pure: the snapshot in, findings out.
import type { Severity } from '../report/model.ts';
import type { GpuFailure, GpuRecord } from './nvidia-smi.ts';

/** Memory used at or above this share of the total is "nearly full", percent. */
export const MEMORY_FULL_PCT = 95;
/** GPU temperature at or above this is high, °C (data-centre parts slow down from ~85–90 °C). */
export const HIGH_TEMP_C = 85;

export interface GpuFinding {
  /** Stable identifier, e.g. `memory-nearly-full`, `stray-process`, `driver-mismatch`. */
  code: string;
  severity: Severity;
  /** A few words, e.g. `GPU 0 memory 98% full`. */
  title: string;
  message: string;
  /** GPU index concerned, null for the node as a whole. */
  gpu: number | null;
  /** What to do about it. */
  fix: string;
}

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

/** Xid codes (NVIDIA's Xid catalogue) that mean hardware or driver trouble rather than an application fault. */
const XID_MEANING: Record<number, { text: string; severity: Severity }> = {
  13: { text: 'graphics engine exception (often an application out-of-bounds access)', severity: 'warning' },
  31: { text: 'GPU memory page fault (often an application bug)', severity: 'warning' },
  43: { text: 'GPU stopped processing (application killed by the driver)', severity: 'warning' },
  45: { text: 'preemptive cleanup after an earlier error', severity: 'info' },
  48: { text: 'double-bit ECC error', severity: 'critical' },
  61: { text: 'internal micro-controller breakpoint/warning', severity: 'warning' },
  62: { text: 'internal micro-controller halt', severity: 'critical' },
  63: { text: 'ECC page retirement or row remapping recorded', severity: 'warning' },
  64: { text: 'ECC page retirement or row remapping failure', severity: 'critical' },
  74: { text: 'NVLink error', severity: 'critical' },
  79: { text: 'GPU has fallen off the bus', severity: 'critical' },
  92: { text: 'high single-bit ECC error rate', severity: 'warning' },
  94: { text: 'contained ECC error', severity: 'warning' },
  95: { text: 'uncontained ECC error', severity: 'critical' },
  119: { text: 'GSP RPC timeout', severity: 'critical' },
  120: { text: 'GSP error', severity: 'critical' },
};

const FAILURE: Record<GpuFailure['kind'], { severity: Severity; title: string; what: string; fix: string }> = {
  'not-installed': {
    severity: 'warning',
    title: 'nvidia-smi not installed',
    what: 'nvidia-smi is not installed in the worker (or the NVIDIA driver utilities are not mounted into its container)',
    fix: 'Run the worker with the NVIDIA container runtime and NVIDIA_DRIVER_CAPABILITIES=compute,utility, or pass --dcgm-url to read the DCGM exporter instead.',
  },
  'no-devices': {
    severity: 'critical',
    title: 'No GPU found',
    what: 'nvidia-smi found no GPU',
    fix: 'Check that the node has GPUs (lspci | grep -i nvidia), that the nvidia kernel module is loaded (dmesg | grep NVRM) and that the worker pod requests nvidia.com/gpu or sets NVIDIA_VISIBLE_DEVICES=all.',
  },
  'driver-mismatch': {
    severity: 'critical',
    title: 'NVIDIA driver/library version mismatch',
    what: 'the NVIDIA kernel module and the user-space NVML library are different versions (driver upgraded without a reboot)',
    fix: 'Drain the node and reboot it (or unload and reload the nvidia kernel modules) so the loaded driver matches the installed libraries; pin driver packages to stop unattended upgrades.',
  },
  'driver-not-loaded': {
    severity: 'critical',
    title: 'NVIDIA driver not loaded',
    what: 'nvidia-smi cannot talk to the NVIDIA driver (kernel module not loaded)',
    fix: 'Load the driver (modprobe nvidia; check dmesg for NVRM errors and that nouveau is blacklisted), then restart the GPU pods on the node.',
  },
  'nvml-init-failed': {
    severity: 'critical',
    title: 'Container lost access to the GPU',
    what: 'NVML could not initialise inside the container: the container lost access to the GPU device nodes (known after `systemctl daemon-reload` with the systemd cgroup driver)',
    fix: 'Delete and recreate the affected pods; upgrade the NVIDIA Container Toolkit and create the /dev/char symlinks (nvidia-ctk system create-dev-char-symlinks) so it does not recur.',
  },
  'gpu-lost': {
    severity: 'critical',
    title: 'GPU fallen off the bus (Xid 79)',
    what: 'a GPU is unreachable (Xid 79, "fallen off the bus"): nvidia-smi cannot get its device handle',
    fix: 'Cordon and drain the node, then reboot it; if it recurs, reseat the GPU and check power and cooling (Xid 79 is usually hardware, power or thermal).',
  },
  timeout: {
    severity: 'critical',
    title: 'nvidia-smi hung',
    what: 'nvidia-smi hung: the driver is not answering (a GPU in a bad state, or a stuck kernel thread)',
    fix: 'Check dmesg for Xid errors; cordon and drain the node and reboot it if nvidia-smi keeps hanging.',
  },
  failed: {
    severity: 'warning',
    title: 'nvidia-smi failed',
    what: 'nvidia-smi failed',
    fix: 'Run nvidia-smi on the node by hand and read its error.',
  },
};

/** One finding per nvidia-smi failure. */
export function failureFindings(failures: GpuFailure[], node: string): GpuFinding[] {
  return failures.map((f) => {
    const d = FAILURE[f.kind];
    return {
      code: f.kind === 'not-installed' ? 'nvidia-smi-not-installed' : f.kind === 'timeout' ? 'nvidia-smi-timeout' : f.kind === 'failed' ? 'nvidia-smi-failed' : f.kind,
      severity: d.severity,
      title: `${d.title}${f.busId ? ` (${f.busId})` : ''}`,
      message: `Node ${node}: ${d.what}${f.busId ? ` (GPU ${f.busId})` : ''} — nvidia-smi said: "${f.detail}".`,
      gpu: null,
      fix: d.fix,
    };
  });
}

function mib(n: number | null): string {
  return n === null ? '?' : `${Math.round(n)} MiB`;
}

/** Findings about the GPUs and the processes on them. `lastXid` comes from DCGM when available. */
export function gpuFindings(gpus: Array<GpuRecord & { lastXid?: number | null }>, processes: AttributedProcess[]): GpuFinding[] {
  const out: GpuFinding[] = [];
  for (const g of gpus) {
    const label = `GPU ${g.index} (${g.name})`;
    if (g.memoryUsedMiB !== null && g.memoryTotalMiB) {
      const pct = (100 * g.memoryUsedMiB) / g.memoryTotalMiB;
      if (pct >= MEMORY_FULL_PCT) {
        out.push({
          code: 'memory-nearly-full',
          severity: 'warning',
          title: `GPU ${g.index} memory ${pct.toFixed(0)}% full`,
          message: `${label} memory is ${pct.toFixed(1)}% used (${mib(g.memoryUsedMiB)} of ${mib(g.memoryTotalMiB)}): a new allocation will fail with CUDA out of memory.`,
          gpu: g.index,
          fix: 'See which processes hold the memory (table below); stop strays, lower batch size or model replicas per GPU, or cap the framework (e.g. PyTorch set_per_process_memory_fraction, ONNX Runtime gpu_mem_limit). Servers that preallocate (vLLM gpu_memory_utilization, TensorRT-LLM KV cache) run this full by design: then look for a second process.',
        });
      }
    }
    if (g.eccUncorrected !== null && g.eccUncorrected > 0) {
      out.push({
        code: 'ecc-uncorrected',
        severity: 'critical',
        title: `GPU ${g.index}: ${g.eccUncorrected} uncorrected ECC error${g.eccUncorrected === 1 ? '' : 's'}`,
        message: `${label} reports ${g.eccUncorrected} uncorrected (double-bit) ECC error${g.eccUncorrected === 1 ? '' : 's'} since the driver loaded: results computed on it may be corrupt.`,
        gpu: g.index,
        fix: 'Drain the GPU (cordon the node), reset it or reboot, and check `nvidia-smi -q -d ECC,ROW_REMAPPER`; replace it if errors recur or row remapping failed.',
      });
    }
    const reasons = g.throttleReasons ?? [];
    const thermal = reasons.filter((r) => r.includes('thermal'));
    const power = reasons.filter((r) => r === 'sw_power_cap' || r === 'hw_power_brake_slowdown');
    if (thermal.length > 0) {
      out.push({
        code: 'throttled-thermal',
        severity: 'warning',
        title: `GPU ${g.index} thermally throttled`,
        message: `${label} clocks are held down by temperature (${thermal.join(', ')}${g.temperatureC !== null ? `, ${g.temperatureC} °C` : ''}): kernels run slower than usual.`,
        gpu: g.index,
        fix: 'Check the node’s cooling (fans, airflow, inlet temperature) and `nvidia-smi -q -d PERFORMANCE`; move latency-critical work off this GPU meanwhile.',
      });
    }
    if (power.length > 0) {
      out.push({
        code: 'throttled-power',
        severity: 'info',
        title: `GPU ${g.index} at its power cap`,
        message: `${label} is at its power limit (${power.join(', ')}${g.powerDrawW !== null && g.powerLimitW !== null ? `, ${g.powerDrawW} W of ${g.powerLimitW} W` : ''}): clocks are capped, throughput is bounded.`,
        gpu: g.index,
        fix: 'Expected under full load; if latency regressed, check whether the power limit was lowered (`nvidia-smi -q -d POWER`) or hw_power_brake is set (PSU/chassis signal).',
      });
    }
    if (g.temperatureC !== null && g.temperatureC >= HIGH_TEMP_C && thermal.length === 0) {
      out.push({
        code: 'high-temperature',
        severity: 'warning',
        title: `GPU ${g.index} at ${g.temperatureC} °C`,
        message: `${label} is at ${g.temperatureC} °C: close to thermal slowdown.`,
        gpu: g.index,
        fix: 'Check the node’s cooling before the GPU starts throttling.',
      });
    }
    if (g.migMode === 'enabled') {
      out.push({
        code: 'mig-enabled',
        severity: 'info',
        title: `GPU ${g.index} partitioned with MIG`,
        message: `${label} is partitioned with MIG: each pod sees only its MIG slice’s memory and SMs, and whole-GPU utilization is not reported.`,
        gpu: g.index,
        fix: 'Size batch and model to the slice (`nvidia-smi mig -lgi`), not to the full GPU; request the matching nvidia.com/mig-<profile> resource.',
      });
    }
    if (g.lastXid !== undefined && g.lastXid !== null && g.lastXid > 0) {
      const meaning = XID_MEANING[g.lastXid] ?? { text: 'see NVIDIA’s Xid catalogue', severity: 'warning' as const };
      out.push({
        code: 'xid-error',
        severity: meaning.severity,
        title: `GPU ${g.index} Xid ${g.lastXid}`,
        message: `${label} last reported Xid ${g.lastXid}: ${meaning.text}.`,
        gpu: g.index,
        fix: 'Read the kernel log on the node (`dmesg | grep -i xid`); hardware Xids (48, 62, 64, 74, 79, 95, 119) call for draining the node and a GPU reset or reboot.',
      });
    }
    const mine = processes.filter((p) => p.gpuUuid === g.uuid);
    if (mine.length === 0 && g.memoryUsedMiB !== null && g.memoryUsedMiB >= 1024) {
      out.push({
        code: 'memory-without-process',
        severity: 'info',
        title: `GPU ${g.index} memory held by processes not visible here`,
        message: `${label} has ${mib(g.memoryUsedMiB)} in use but no process is visible: processes in other PID namespaces are hidden from a containerised nvidia-smi.`,
        gpu: g.index,
        fix: 'Run the GPU worker with hostPID: true so it can see (and attribute) every process on the node.',
      });
    }
    for (const p of mine) {
      const who = `PID ${p.pid ?? '?'} (${p.name})`;
      if (p.attribution.kind === 'host') {
        out.push({
          code: 'stray-process',
          severity: 'warning',
          title: `Stray process ${p.pid ?? '?'} (${mib(p.usedMiB)}) on GPU ${g.index}`,
          message: `${who} holds ${mib(p.usedMiB)} on ${label} and runs outside any container: no pod accounts for this memory.`,
          gpu: g.index,
          fix: `Find its owner on the node (ps -o user,lstart,cmd -p ${p.pid ?? '<pid>'}) and stop it, or move the work into a pod that requests nvidia.com/gpu.`,
        });
      } else if (p.attribution.kind === 'container-without-pod') {
        out.push({
          code: 'stray-process',
          severity: 'warning',
          title: `Stray process ${p.pid ?? '?'} (${mib(p.usedMiB)}) on GPU ${g.index}`,
          message: `${who} holds ${mib(p.usedMiB)} on ${label} in container ${p.attribution.containerId.slice(0, 12)}, which no pod on this node owns: a leftover container or one started outside Kubernetes.`,
          gpu: g.index,
          fix: `Inspect and remove the container on the node (crictl inspect ${p.attribution.containerId.slice(0, 12)} / docker ps), then check the GPU memory is released.`,
        });
      }
    }
  }
  return out;
}
