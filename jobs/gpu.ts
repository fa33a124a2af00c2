// `gpu [<node>] [--dcgm-url URL]`: node-local GPU evidence. On the named node's queue the worker
// runs nvidia-smi (no shell, fixed arguments), ties each process holding GPU memory to its
// container and pod (/proc/<pid>/cgroup → Kubernetes API), and reports what needs attention:
// memory nearly full, stray processes, ECC errors, throttling, MIG, Xid errors, driver failures.
// With --dcgm-url it reads the DCGM exporter instead, for clusters that run it.
import { readFile as fsReadFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseTokens } from '../src/args.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/diagnostic.ts';
import { InputError, oneLine, UsageError } from '../src/errors.ts';
import { displayName } from '../src/data/source.ts';
import { containerOf } from '../src/gpu/cgroup.ts';
import { parseDcgmMetrics, type DcgmGpu } from '../src/gpu/dcgm.ts';
import { failureFindings, gpuFindings, type AttributedProcess, type Attribution, type GpuFinding } from '../src/gpu/findings.ts';
import { queryNvidiaSmi, type GpuProcess, type GpuRecord } from '../src/gpu/nvidia-smi.ts';
import { runCommand } from '../src/gpu/run-command.ts';
import { renderChart } from '../src/report/chart.ts';
import { emptyResult, worstSeverity, SEVERITIES, type DiagnosticResult, type Hypothesis } from '../src/report/model.ts';
import { readBoundedText } from '../src/http-body.ts';

const USAGE = 'gpu [<node>] [--dcgm-url URL]';
/** Deadline of the DCGM exporter scrape, ms. */
/** Largest DCGM exporter answer read, bytes (a node's exporter sends tens of KiB). */
const MAX_DCGM_BYTES = 16 * 2 ** 20;
const DCGM_TIMEOUT_MS = 10_000;
/** Processes attributed to pods at most (each may cost a /proc read and an API call). */
const MAX_ATTRIBUTED = 64;

export const gpuPayload = z.object({
  /** Node whose worker runs nvidia-smi; default: whichever worker takes the job (shared queue). */
  node: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes node name')
    .optional(),
  /** DCGM exporter metrics URL (e.g. http://dcgm-exporter.gpu-operator:9400/metrics) instead of nvidia-smi. */
  dcgmUrl: z
    .url({ protocol: /^https?$/ })
    // fetch refuses such a URL with an error that quotes it, password included
    .refine((u) => new URL(u).username === '' && new URL(u).password === '', 'must not carry credentials (user:password@)')
    .optional(),
});
export type GpuPayload = z.infer<typeof gpuPayload>;

interface Snapshot {
  gpus: Array<GpuRecord & { lastXid?: number | null }>;
  processes: AttributedProcess[];
  findings: GpuFinding[];
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
  const unreadable = processes.find((p) => p.attribution.kind === 'unknown' && p.attribution.reason.startsWith('cannot read'));
  const extra: GpuFinding[] =
    unreadable && unreadable.attribution.kind === 'unknown'
      ? [{ code: 'processes-unattributed', severity: 'info', title: 'GPU processes not tied to pods', message: `GPU processes could not be tied to pods: ${unreadable.attribution.reason}.`, gpu: null, fix: 'Deploy the GPU worker DaemonSet with hostPID: true and read access to /proc.' }]
      : [];
  return {
    gpus: snap.gpus,
    processes,
    findings: [...failureFindings(snap.failures, deps.nodeName), ...gpuFindings(snap.gpus, processes), ...extra],
    source: 'nvidia-smi',
  };
}

async function fromDcgm(url: string, deps: DiagnosticDeps): Promise<Snapshot> {
  await deps.progress(10, 'scraping the DCGM exporter');
  const source = `DCGM exporter ${displayName(url)}`;
  const only = (finding: GpuFinding): Snapshot => ({ gpus: [], processes: [], findings: [finding], source });
  const unreachable = (why: string) =>
    only({
      code: 'dcgm-unreachable',
      severity: 'critical',
      title: 'DCGM exporter unreachable',
      message: `${source} ${why}.`,
      gpu: null,
      fix: 'Check the exporter pod (kubectl -n gpu-operator get pods -l app=nvidia-dcgm-exporter) and the URL (port 9400, path /metrics).',
    });
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
    if (deps.signal.aborted) throw err;
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
  if (gpus.length === 0) {
    return only({
      code: 'dcgm-no-metrics',
      severity: 'warning',
      title: 'No GPU metrics from the DCGM exporter',
      message: `${source} answered but exported no DCGM_FI_DEV_* GPU metrics.`,
      gpu: null,
      fix: 'Check that the URL is the DCGM exporter’s /metrics and that its counters CSV includes DCGM_FI_DEV_FB_USED.',
    });
  }
  // The exporter attributes a GPU to pods but not memory to processes: pid and usedMiB are unknown.
  const processes: AttributedProcess[] = gpus.flatMap((g) =>
    g.pods.map((p) => ({
      pid: null,
      name: p.container ?? p.name,
      gpuUuid: g.uuid,
      usedMiB: null,
      attribution: { kind: 'pod' as const, namespace: p.namespace, pod: p.name, container: p.container ?? '', containerId: '' },
    })),
  );
  return { gpus, processes, findings: gpuFindings(gpus, processes), source };
}

const fmt = (n: number | null, unit = '') => (n === null ? 'n/a' : `${Math.round(n * 10) / 10}${unit}`);

function podOf(a: Attribution): { namespace: string; name: string; container: string } | null {
  return a.kind === 'pod' ? { namespace: a.namespace, name: a.pod, container: a.container } : null;
}

function whereLabel(a: Attribution): string {
  switch (a.kind) {
    case 'pod':
      return `${a.namespace}/${a.pod}${a.container ? ` (${a.container})` : ''}`;
    case 'container-without-pod':
      return `container ${a.containerId.slice(0, 12)}, no pod`;
    case 'host':
      return 'host process, no container';
    case 'unknown':
      return 'unknown';
  }
}

const LIKELIHOOD = { critical: 'high', warning: 'medium', info: 'low', ok: 'low' } as const;

export const gpuDiagnostic = defineDiagnostic({
  name: 'gpu',
  usage: USAGE,
  description: 'GPU evidence on a node: memory, utilization, ECC, throttling, MIG, Xid, and which pod holds each GPU process',
  payload: gpuPayload,
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(tokens, { 'dcgm-url': { type: 'string' } }, USAGE);
    if (positionals.length > 1) throw new UsageError(`expected at most one node name, got ${positionals.length} words`, USAGE);
    return { node: positionals[0], dcgmUrl: values['dcgm-url'] };
  },
  route: (payload) => payload.node,
  timeoutMs: 60_000,
  async run(payload, deps): Promise<DiagnosticResult> {
    const node = deps.nodeName;
    const snap = payload.dcgmUrl ? await fromDcgm(payload.dcgmUrl, deps) : await fromNvidiaSmi(deps);
    await deps.progress(90, 'writing the report');
    const result = emptyResult('gpu', `gpu ${node}`);
    const findings = [...snap.findings].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));

    result.data = {
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
        eccUncorrected: g.eccUncorrected,
        migMode: g.migMode,
        throttleReasons: g.throttleReasons,
        processes: snap.processes
          .filter((p) => p.gpuUuid === g.uuid)
          .map((p) => ({ pid: p.pid, name: p.name, usedMiB: p.usedMiB, pod: podOf(p.attribution) })),
      })),
      findings: findings.map((f) => ({ severity: f.severity, code: f.code, gpu: f.gpu, title: f.title, message: f.message, fix: f.fix })),
    };
    result.severity = worstSeverity(findings.map((f) => f.severity));

    const top = findings.find((f) => f.severity !== 'info');
    const gpuWord = `${snap.gpus.length} GPU${snap.gpus.length === 1 ? '' : 's'}`;
    result.summary = top
      ? `${top.message} ${top.fix}`
      : snap.gpus.length > 0
        ? `${gpuWord} on ${node} look healthy (source: ${snap.source}); ${snap.processes.length} process${snap.processes.length === 1 ? '' : 'es'} hold GPU memory.`
        : `No GPU data from ${snap.source}.`;

    if (payload.node && payload.node !== deps.nodeName && !payload.dcgmUrl) {
      result.evidence.push({ label: 'node', value: `asked for ${payload.node}, ran on ${deps.nodeName}`, detail: 'run from a terminal, `gpu <node>` reads this machine; through Slack it runs on that node\'s worker', severity: 'info' });
    }
    for (const g of snap.gpus) {
      const pct = g.memoryUsedMiB !== null && g.memoryTotalMiB ? ` (${((100 * g.memoryUsedMiB) / g.memoryTotalMiB).toFixed(0)}%)` : '';
      result.evidence.push({ label: `GPU ${g.index} memory`, value: `${fmt(g.memoryUsedMiB)} / ${fmt(g.memoryTotalMiB)} MiB${pct}`, detail: `${g.name}, ${snap.source}` });
    }
    for (const f of findings) result.evidence.push({ label: f.title, value: f.message, severity: f.severity });

    if (snap.gpus.length > 0) {
      result.tables.push({
        title: `GPUs on ${node}`,
        columns: ['GPU', 'name', 'memory used MiB', 'memory total MiB', 'util %', 'temp °C', 'power W', 'ECC uncorrected', 'MIG', 'throttle reasons'],
        rows: snap.gpus.map((g) => [
          g.index,
          g.name,
          g.memoryUsedMiB,
          g.memoryTotalMiB,
          g.utilizationPct,
          g.temperatureC,
          g.powerDrawW === null ? null : `${fmt(g.powerDrawW)} / ${fmt(g.powerLimitW)}`,
          g.eccUncorrected,
          g.migMode ?? 'n/a',
          g.throttleReasons === null ? 'n/a' : g.throttleReasons.join(', ') || 'none',
        ]),
      });
      result.tables.push({
        title: 'Processes holding GPU memory',
        columns: ['GPU', 'PID', 'process', 'memory MiB', 'pod / container'],
        rows: snap.processes.map((p) => [
          snap.gpus.find((g) => g.uuid === p.gpuUuid)?.index ?? p.gpuUuid,
          p.pid,
          p.name,
          p.usedMiB,
          whereLabel(p.attribution),
        ]),
      });
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

    result.hypotheses = findings
      .filter((f) => f.severity === 'critical' || f.severity === 'warning')
      .map(
        (f): Hypothesis => ({
          title: f.title,
          likelihood: LIKELIHOOD[f.severity],
          evidence: [f.message],
          fixes: [f.fix],
        }),
      );
    result.fixes = [...new Set(findings.filter((f) => f.severity !== 'info').map((f) => f.fix))];
    result.verification = [`Re-run \`/debug gpu ${node}\`: the findings above are gone and memory used matches the pods you expect.`];
    result.prevention = [
      'Alert on DCGM_FI_DEV_XID_ERRORS > 0, DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increasing and DCGM_FI_DEV_FB_USED / (FB_USED + FB_FREE) > 0.95.',
      'Run GPU workloads only as pods that request nvidia.com/gpu, so every byte of GPU memory has an owner.',
    ];
    return result;
  },
});
