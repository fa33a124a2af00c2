// `gpu [<node>] [--pod ns/pod] [--dcgm-url URL]`: node-local GPU evidence. On the named node's
// queue the worker runs nvidia-smi (no shell, fixed arguments), ties each process holding GPU
// memory to its container and pod (/proc/<pid>/cgroup → Kubernetes API), and OBSERVES: memory
// used, memory held by processes that are not the target pod's, utilization, ECC, row remapping,
// throttling, clocks, MIG, PCIe, and nvidia-smi's own failures (src/gpu/observe.ts). With
// --dcgm-url it reads the DCGM exporter instead (Xid errors come from there). What the
// observations mean is ranked by the causes catalogue (src/diagnosis/causes/gpu.yaml).
import { readFile as fsReadFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { gpuCommand } from './commands.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/core/diagnostic.ts';
import { InputError, oneLine, UsageError } from '../src/core/errors.ts';
import { displayName } from '../src/data/source.ts';
import { containerOf } from '../src/gpu/cgroup.ts';
import { parseDcgmMetrics, type DcgmGpu } from '../src/gpu/dcgm.ts';
import { GPU_VOCABULARY, observeGpus, whereLabel, type AttributedProcess, type Attribution, type GpuSourceFailure, type ObservedGpu } from '../src/gpu/observe.ts';
import { queryNvidiaSmi, type GpuProcess } from '../src/gpu/nvidia-smi.ts';
import { runCommand } from '../src/gpu/run-command.ts';
import type { Observation } from '../src/diagnosis/observation.ts';
import { renderChart } from '../src/report/chart.ts';
import { emptyResult, worstSeverity, SEVERITIES, type DiagnosticResult, type Severity } from '../src/report/model.ts';
import { readBoundedText } from '../src/net/http-body.ts';
import { TargetRefusedError } from '../src/policy/target-policy.ts';

const USAGE = usageLine(gpuCommand);
/** Largest DCGM exporter answer read, bytes (a node's exporter sends tens of KiB). */
const MAX_DCGM_BYTES = 16 * 2 ** 20;
/** Deadline of the DCGM exporter scrape, ms. */
const DCGM_TIMEOUT_MS = 10_000;
/** Memory used at or above this share is shown as a warning in the evidence (the causes decide what it means). */
const MEMORY_FULL_SHARE = 0.95;
/** GPU temperature at or above this is shown as a warning, °C (data-centre parts slow down from ~85–90 °C). */
const HIGH_TEMP_C = 85;
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Processes attributed to pods at most (each may cost a /proc read and an API call). */
const MAX_ATTRIBUTED = 64;

export const gpuPayload = z.object({
  /** Node whose worker runs nvidia-smi; default: whichever worker takes the job (shared queue). */
  node: z
    .string()
    .regex(K8S_NAME, 'must be a Kubernetes node name')
    .optional(),
  /** DCGM exporter metrics URL (e.g. http://dcgm-exporter.gpu-operator:9400/metrics) instead of nvidia-smi. */
  dcgmUrl: z
    .url({ protocol: /^https?$/ })
    // fetch refuses such a URL with an error that quotes it, password included
    .refine((u) => new URL(u).username === '' && new URL(u).password === '', 'must not carry credentials (user:password@)')
    .optional(),
  /** The pod the investigation is about: GPU memory held by other pods' processes is foreign. */
  pod: z
    .object({ namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name'), name: z.string().regex(K8S_NAME, 'must be a Kubernetes pod name') })
    .optional(),
});
export type GpuPayload = z.infer<typeof gpuPayload>;

interface Snapshot {
  gpus: ObservedGpu[];
  /** null when the source does not list processes (DCGM). */
  processes: AttributedProcess[] | null;
  failures: GpuSourceFailure[];
  source: string;
}

async function attribute(p: GpuProcess, deps: DiagnosticDeps, cache: Map<string, Attribution>): Promise<Attribution> {
  const readFile = deps.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  let text: string;
  try {
    text = await readFile(`/proc/${p.pid}/cgroup`);
  } catch (err) {
    return { kind: 'unknown', reason: `cannot read /proc/${p.pid}/cgroup (${oneLine(err)}): run the worker with hostPID: true` };
  }
  const ref = containerOf(text);
  if (!ref) return { kind: 'host' };
  const cached = cache.get(ref.containerId);
  if (cached) return cached;
  let result: Attribution;
  if (!deps.kube) {
    result = { kind: 'unknown', reason: `container ${ref.containerId.slice(0, 12)}; no Kubernetes access to find its pod` };
  } else {
    try {
      const pod = await deps.kube.findPodByContainerId(ref.containerId, { signal: deps.signal, nodeName: deps.nodeName });
      result = pod
        ? { kind: 'pod', namespace: pod.namespace, pod: pod.pod, container: pod.container, containerId: ref.containerId }
        : { kind: 'container-without-pod', containerId: ref.containerId };
    } catch (err) {
      if (deps.signal.aborted) throw err;
      result = { kind: 'unknown', reason: `container ${ref.containerId.slice(0, 12)}; Kubernetes lookup failed: ${oneLine(err)}` };
    }
  }
  cache.set(ref.containerId, result);
  return result;
}

async function fromNvidiaSmi(deps: DiagnosticDeps): Promise<Snapshot> {
  await deps.progress(10, 'running nvidia-smi');
  const snap = await queryNvidiaSmi(deps.runCommand ?? runCommand, { signal: deps.signal });
  await deps.progress(50, 'mapping GPU processes to pods');
  const cache = new Map<string, Attribution>();
  const processes: AttributedProcess[] = [];
  for (const [i, p] of snap.processes.entries()) {
    const attribution: Attribution =
      i < MAX_ATTRIBUTED ? await attribute(p, deps, cache) : { kind: 'unknown', reason: `more than ${MAX_ATTRIBUTED} processes` };
    processes.push({ pid: p.pid, name: p.name, gpuUuid: p.gpuUuid, usedMiB: p.usedMiB, attribution });
  }
  return { gpus: snap.gpus, processes, failures: snap.failures, source: 'nvidia-smi' };
}

async function fromDcgm(url: string, deps: DiagnosticDeps): Promise<Snapshot> {
  await deps.progress(10, 'scraping the DCGM exporter');
  const source = `DCGM exporter ${displayName(url)}`;
  const only = (kind: 'dcgm-unreachable' | 'dcgm-no-metrics', detail: string): Snapshot => ({ gpus: [], processes: null, failures: [{ kind, detail }], source });
  const unreachable = (why: string) => only('dcgm-unreachable', `${source} ${why}`);
  let text: string;
  try {
    const res = await deps.fetch(url, { signal: AbortSignal.any([deps.signal, AbortSignal.timeout(DCGM_TIMEOUT_MS)]) });
    if (!res.ok) {
      await res.body?.cancel();
      return unreachable(`answered HTTP ${res.status}`);
    }
    const body = await readBoundedText(res, MAX_DCGM_BYTES);
    if (body.truncated) return unreachable(`answered with more than ${MAX_DCGM_BYTES / 2 ** 20} MiB of metrics`);
    text = body.text;
  } catch (err) {
    if (deps.signal.aborted || err instanceof TargetRefusedError) throw err;
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return unreachable(err instanceof Error && err.name === 'TimeoutError' ? `did not answer within ${DCGM_TIMEOUT_MS / 1000} s` : `did not answer (${oneLine(err)}${cause})`);
  }
  let gpus: DcgmGpu[];
  try {
    gpus = parseDcgmMetrics(text, source);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return unreachable(`answered with text that is not Prometheus metrics (${oneLine(err)})`);
  }
  if (gpus.length === 0) return only('dcgm-no-metrics', `${source} answered but exported no DCGM_FI_DEV_* GPU metrics`);
  // The exporter maps a GPU to pods but not memory to processes: that is all it can say about owners.
  return { gpus, processes: null, failures: [], source };
}

const fmt = (n: number | null, unit = '') => (n === null ? 'n/a' : `${Math.round(n * 10) / 10}${unit}`);

function podOf(a: Attribution): { namespace: string; name: string; container: string } | null {
  return a.kind === 'pod' ? { namespace: a.namespace, name: a.pod, container: a.container } : null;
}

/** Is this observation something a person should look at (it is shown first, and named in the summary)? */
function notable(o: Observation): Severity | null {
  const v = o.value;
  switch (o.name) {
    case 'gpu.query_failure':
      return v === 'not-installed' || v === 'failed' || v === 'dcgm-no-metrics' ? 'warning' : 'critical';
    case 'gpu.ecc_uncorrected_volatile':
      return typeof v === 'number' && v > 0 ? 'critical' : null;
    case 'gpu.remapped_rows_failure':
      return v === true ? 'critical' : null;
    case 'gpu.xid_errors':
      return typeof v === 'number' && v > 0 ? 'warning' : null;
    case 'gpu.remapped_rows_pending':
    case 'gpu.retired_pages_pending':
    case 'gpu.pcie_link_degraded':
      return v === true ? 'warning' : null;
    case 'gpu.throttled':
      return v === 'thermal' || v === 'power' || v === 'hw-slowdown' ? 'warning' : v === 'sw-power-cap' ? 'info' : null;
    // Nearly full is how servers that reserve the GPU up front run (vLLM, TensorFlow, JAX): shown, and a
    // warning only through a cause the other evidence makes plausible (an OOM, another process).
    case 'gpu.memory_used_share':
    case 'gpu.mig_memory_used_share':
      return typeof v === 'number' && v >= MEMORY_FULL_SHARE ? 'info' : null;
    case 'gpu.temperature':
      return typeof v === 'number' && v >= HIGH_TEMP_C ? 'warning' : null;
    case 'gpu.foreign_process_memory':
      return typeof v === 'number' && v >= 2 ** 30 ? 'warning' : null;
    case 'gpu.shared_gpu_pods':
      return typeof v === 'number' && v > 0 ? 'info' : null;
    case 'gpu.unaccounted_memory':
      return typeof v === 'number' && v >= 2 ** 30 ? 'info' : null;
    case 'gpu.processes_unattributed':
    case 'gpu.ecc_uncorrected_aggregate':
      return typeof v === 'number' && v > 0 ? 'info' : null;
    case 'gpu.mig_enabled':
      return v === true ? 'info' : null;
    default:
      return null;
  }
}

export const gpuDiagnostic = defineDiagnostic({
  name: 'gpu',
  usage: USAGE,
  command: gpuCommand,
  description: 'GPU evidence on a node: memory, foreign processes, utilization, Xid, ECC, row remapping, throttling, clocks, MIG, PCIe',
  payload: gpuPayload,
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(tokens, parserOptions(gpuCommand.flags), USAGE);
    if (positionals.length > 1) throw new UsageError(`expected at most one node name, got ${positionals.length} words`, USAGE);
    let pod: { namespace: string; name: string } | undefined;
    if (typeof values.pod === 'string') {
      const [namespace, name, ...rest] = values.pod.split('/');
      if (!namespace || !name || rest.length > 0) throw new UsageError(`--pod "${values.pod}" is not <namespace>/<pod>`, USAGE);
      pod = { namespace, name };
    }
    return { node: positionals[0], dcgmUrl: values['dcgm-url'], ...(pod ? { pod } : {}) };
  },
  route: (payload) => payload.node,
  targets: (payload) => (payload.dcgmUrl ? [payload.dcgmUrl] : []),
  observes: GPU_VOCABULARY,
  timeoutMs: 60_000,
  async run(payload, deps): Promise<DiagnosticResult> {
    const node = deps.nodeName;
    const snap = payload.dcgmUrl ? await fromDcgm(payload.dcgmUrl, deps) : await fromNvidiaSmi(deps);
    await deps.progress(90, 'writing the report');
    const result = emptyResult('gpu', `gpu ${node}`);
    const target = payload.pod ? { namespace: payload.pod.namespace, pod: payload.pod.name } : undefined;
    // A named node is a Kubernetes node (a worker there took the job); so is one the worker can look up pods on.
    const kubernetesNode = payload.node !== undefined || deps.kube !== undefined;
    result.observations = observeGpus({ gpus: snap.gpus, processes: snap.processes, failures: snap.failures, source: snap.source, node, kubernetesNode, ...(target ? { target } : {}) });

    const processes = snap.processes ?? [];
    result.data = {
      source: snap.source,
      gpus: snap.gpus.map((g) => ({
        index: g.index,
        uuid: g.uuid,
        name: g.name,
        memoryTotalMiB: g.memoryTotalMiB,
        memoryUsedMiB: g.memoryUsedMiB,
        memoryFreeMiB: g.memoryFreeMiB,
        utilizationPct: g.utilizationPct,
        temperatureC: g.temperatureC,
        powerDrawW: g.powerDrawW,
        powerLimitW: g.powerLimitW,
        smClockMHz: g.smClockMHz,
        smClockMaxMHz: g.smClockMaxMHz,
        eccUncorrected: g.eccUncorrected,
        eccUncorrectedAggregate: g.eccUncorrectedAggregate,
        remappedRowsPending: g.remappedRowsPending,
        remappedRowsFailure: g.remappedRowsFailure,
        migMode: g.migMode,
        throttleReasons: g.throttleReasons,
        lastXid: g.lastXid ?? null,
        processes: snap.processes
          ? processes.filter((p) => p.gpuUuid === g.uuid).map((p) => ({ pid: p.pid, name: p.name, usedMiB: p.usedMiB, pod: podOf(p.attribution) }))
          : (g.pods ?? []).map((p) => ({ pid: null, name: p.container ?? p.name, usedMiB: null, pod: { namespace: p.namespace, name: p.name, container: p.container ?? '' } })),
      })),
      failures: snap.failures,
    };

    const marked = result.observations.map((o) => ({ o, severity: notable(o) })).filter((x): x is { o: Observation; severity: Severity } => x.severity !== null);
    marked.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
    result.severity = worstSeverity(marked.map((m) => m.severity));

    const gpuWord = `${snap.gpus.length} GPU${snap.gpus.length === 1 ? '' : 's'}`;
    const shown = marked.filter((m) => m.severity !== 'info');
    const base = snap.gpus.length > 0 ? `${gpuWord} on ${node} (${snap.source}), ${processes.length > 0 ? `${processes.length} process${processes.length === 1 ? '' : 'es'} holding memory` : snap.processes ? 'no process holding memory' : `${snap.gpus.reduce((s, g) => s + (g.pods?.length ?? 0), 0)} pods mapped`}` : `No GPU data from ${snap.source}`;
    result.summary = shown.length > 0 ? `${base}. Measured: ${shown.slice(0, 3).map((m) => m.o.text).join('; ')}${shown.length > 3 ? ` (+${shown.length - 3} more)` : ''}.` : `${base}: no problem measured.`;

    if (payload.node && payload.node !== deps.nodeName && !payload.dcgmUrl) {
      result.evidence.push({ label: 'node', value: `asked for ${payload.node}, ran on ${deps.nodeName}`, detail: "run from a terminal, `gpu <node>` reads this machine; through Slack it runs on that node's worker", severity: 'info' });
    }
    for (const g of snap.gpus) {
      const share = g.memoryUsedMiB !== null && g.memoryTotalMiB ? ` (${((100 * g.memoryUsedMiB) / g.memoryTotalMiB).toFixed(0)}%)` : '';
      result.evidence.push({ label: `GPU ${g.index} memory`, value: `${fmt(g.memoryUsedMiB)} / ${fmt(g.memoryTotalMiB)} MiB${share}`, detail: `${g.name}, ${snap.source}` });
    }
    for (const m of marked) result.evidence.push({ label: m.o.name, value: m.o.text, severity: m.severity });

    if (snap.gpus.length > 0) {
      result.tables.push({
        title: `GPUs on ${node}`,
        columns: ['GPU', 'name', 'memory used MiB', 'memory total MiB', 'util %', 'temp °C', 'power W', 'SM MHz', 'ECC uncorrected', 'MIG', 'throttle reasons'],
        rows: snap.gpus.map((g) => [
          g.index,
          g.name,
          g.memoryUsedMiB,
          g.memoryTotalMiB,
          g.utilizationPct,
          g.temperatureC,
          g.powerDrawW === null ? null : `${fmt(g.powerDrawW)} / ${fmt(g.powerLimitW)}`,
          g.smClockMHz === null ? null : `${fmt(g.smClockMHz)}${g.smClockMaxMHz ? ` / ${fmt(g.smClockMaxMHz)}` : ''}`,
          g.eccUncorrected,
          g.migMode ?? 'n/a',
          g.throttleReasons === null ? 'n/a' : g.throttleReasons.join(', ') || 'none',
        ]),
      });
      if (snap.processes) {
        result.tables.push({
          title: 'Processes holding GPU memory',
          columns: ['GPU', 'PID', 'process', 'memory MiB', 'pod / container'],
          rows: processes.map((p) => [snap.gpus.find((g) => g.uuid === p.gpuUuid)?.index ?? p.gpuUuid, p.pid, p.name, p.usedMiB, whereLabel(p.attribution)]),
        });
      }
      result.charts.push(
        renderChart(`gpu-memory-${node}.png`, {
          kind: 'bars',
          title: `GPU memory on ${node} (MiB)`,
          xLabel: 'GPU',
          yLabel: 'MiB',
          categories: snap.gpus.map((g) => `GPU ${g.index}`),
          series: [
            { name: 'used', values: snap.gpus.map((g) => g.memoryUsedMiB ?? 0) },
            { name: 'free', values: snap.gpus.map((g) => g.memoryFreeMiB ?? 0) },
          ],
        }),
      );
    }

    if (processes.some((p) => p.attribution.kind === 'unknown' && p.attribution.reason.startsWith('cannot read'))) {
      result.fixes.push('Deploy the GPU worker DaemonSet with hostPID: true and read access to /proc, so every GPU process can be tied to its pod.');
    }
    result.verification = [`Re-run \`/debug gpu ${node}\`: the measurements above are back to normal and memory used matches the pods you expect.`];
    result.prevention = [
      'Alert on DCGM_FI_DEV_XID_ERRORS > 0, DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increasing and DCGM_FI_DEV_FB_USED / (FB_USED + FB_FREE) > 0.95.',
      'Run GPU workloads only as pods that request nvidia.com/gpu, so every byte of GPU memory has an owner.',
    ];
    return result;
  },
});
