// `logs <namespace>/<pod> | <label-selector> [--namespace ns] [--tail 5000] [--since 1h]
// [--container c] [--previous]` and `logs --file <path>`: a pod's (or a set of pods') logs read
// through the Kubernetes API with tail and since bounded, or a local file streamed, classified
// against the failure-signature catalogue (src/logs/signatures.yaml). It observes which
// signatures appeared, how often, in which order, and which cause-class one came first; the
// causes catalogue (src/diagnosis/causes/log-failures.yaml) decides what they mean. Secrets are
// redacted from every sample line before the result leaves the worker.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { logsCommand } from './commands.ts';
import { observer, type Observation } from '../src/diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../src/diagnosis/vocabulary.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/core/diagnostic.ts';
import { InputError, oneLine, UsageError } from '../src/core/errors.ts';
import { KubeNotFoundError } from '../src/k8s/kube-errors.ts';
import { classifyByteStream, LogClassifier, type LogClassification, type SignatureHit } from '../src/logs/classifier.ts';
import { CUDA_OOM_VOCABULARY, observeCudaOom } from '../src/gpu/cuda-oom.ts';
import { emptyResult, worstSeverity, type DiagnosticResult } from '../src/report/model.ts';

const USAGE = usageLine(logsCommand);
/** Pods read at most for a label selector. */
const MAX_PODS = 20;
const DEFAULT_TAIL = 5000;

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes object name');

export const logsPayload = z.object({
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pod'), namespace: k8sName, pod: k8sName }),
    /** Every pod matching a label selector (at most 20), e.g. `app=llm-server`. */
    z.object({ kind: z.literal('selector'), namespace: k8sName, selector: z.string().min(1).max(500) }),
    /** A log file on the machine that runs the job (the CLI, or the worker's filesystem). */
    z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096) }),
  ]),
  /** Lines from the end of each container's log. Default 5000, at most 50000. */
  tailLines: z.number().int().min(1).max(50_000).default(DEFAULT_TAIL),
  /** Only lines newer than this many seconds. */
  sinceSeconds: z.number().int().positive().optional(),
  container: k8sName.optional(),
  /** The previous (terminated) container instance, e.g. the one that crashed. */
  previous: z.boolean().default(false),
});
export type LogsPayload = z.infer<typeof logsPayload>;

/** `90s`, `15m`, `1h`, `2d` or bare seconds → seconds. */
function sinceSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new UsageError(`--since expects a duration like 30m, 1h or 2d, got "${value}"`, USAGE);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

function tail(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--tail expects a positive whole number of lines, got "${value}"`, USAGE);
  return n;
}

async function classifyFile(path: string, deps: DiagnosticDeps): Promise<LogClassification> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw new InputError(`${path}: cannot read the log file (${(err as NodeJS.ErrnoException).code ?? oneLine(err)})`, { cause: err });
  }
  let read = 0;
  let reported = 0;
  async function* counted() {
    for await (const chunk of createReadStream(path, { signal: deps.signal, highWaterMark: 1 << 20 })) {
      read += (chunk as Buffer).length;
      const pct = size > 0 ? Math.floor((90 * read) / size) : 90;
      if (pct >= reported + 10) {
        reported = pct;
        await deps.progress(pct, `classified ${Math.round(read / 2 ** 20)} of ${Math.round(size / 2 ** 20)} MiB`);
      }
      yield chunk as Buffer;
    }
  }
  try {
    return await classifyByteStream(counted(), { signal: deps.signal });
  } catch (err) {
    // stat succeeds on a directory or an unreadable file; opening or reading it then fails
    const code = (err as NodeJS.ErrnoException).code;
    if (deps.signal.aborted || code === undefined) throw err;
    throw new InputError(`${path}: cannot read the log file (${code})`, { cause: err });
  }
}

interface PodRead {
  classification: LogClassification;
  pods: string[];
  /** Per-pod failures that did not stop the others (e.g. no previous container). */
  problems: string[];
}

async function classifyPods(payload: LogsPayload, deps: DiagnosticDeps): Promise<PodRead> {
  const { target } = payload;
  if (target.kind === 'file') throw new Error('unreachable: file target');
  if (!deps.kube) throw new InputError('reading pod logs needs Kubernetes access (in-cluster service account or KUBECONFIG); use --file for a local log');
  const kube = deps.kube;
  const names =
    target.kind === 'pod'
      ? [target.pod]
      : (await kube.listPods(target.namespace, target.selector, { signal: deps.signal })).map((p) => p.metadata?.name ?? '').filter(Boolean);
  if (target.kind === 'selector' && names.length === 0) {
    throw new UsageError(`no pods in namespace ${target.namespace} match the label selector "${target.selector}"`, USAGE);
  }
  const chosen = names.slice(0, MAX_PODS);
  const classifier = new LogClassifier();
  const problems: string[] = [];
  for (const [i, pod] of chosen.entries()) {
    await deps.progress(10 + Math.floor((80 * i) / chosen.length), `reading logs of ${target.namespace}/${pod}`);
    let text: string;
    try {
      text = await kube.readPodLogs(target.namespace, pod, {
        signal: deps.signal,
        tailLines: payload.tailLines,
        previous: payload.previous,
        ...(payload.container ? { container: payload.container } : {}),
        ...(payload.sinceSeconds ? { sinceSeconds: payload.sinceSeconds } : {}),
      });
    } catch (err) {
      // one named pod that does not exist is the user's mistake; with a selector, skip and go on
      if (deps.signal.aborted || (target.kind === 'pod' && err instanceof KubeNotFoundError)) throw err;
      if (chosen.length === 1) throw err;
      problems.push(`${pod}: ${oneLine(err)}`);
      continue;
    }
    classifier.setSamplePrefix(chosen.length > 1 ? `[${pod}] ` : '');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) classifier.add(line);
  }
  if (names.length > MAX_PODS) problems.push(`${names.length} pods match; read the first ${MAX_PODS}`);
  return { classification: classifier.result(), pods: chosen, problems };
}

/** What the logs diagnostic observes (the names the causes catalogue may use). */
export const LOGS_VOCABULARY = {
  ...TARGET_VOCABULARY,
  // A CUDA OOM in the log is read by its numbers as `oom` reads them: tried to allocate against free,
  // reserved-but-unallocated (fragmentation) and the other processes the message names.
  ...CUDA_OOM_VOCABULARY,
  'log.lines': { unit: 'count', description: 'log lines scanned' },
  'log.window': { unit: 's', description: 'time between the first and the last timestamped line scanned' },
  'log.signature': { unit: 'label', description: 'a failure signature seen (value and subject = its id, sampleSize = matching lines)' },
  'log.first_cause': { unit: 'label', description: 'the earliest cause-class signature in the log (the failure the rest follows from)' },
  'log.category': { unit: 'label', description: 'a signature category seen (value = category, sampleSize = matching lines)' },
  'log.burst': { unit: 'label', description: 'a burst signature that burst (value = its id, sampleSize = bursts, windowSeconds = the burst window)' },
  'log.signature_retried': { unit: 'ratio', description: 'share of a signature\'s lines that themselves announce a retry ("retrying in 1s", "attempt 1 of 3 failed"): 1 means every such failure was handed to a retry policy (subject = its id, sampleSize = its lines)' },
  'log.cause_signatures': { unit: 'count', description: 'distinct cause-class signatures seen; 0 means the logs name no failure cause' },
} as const;

function when(hit: SignatureHit, which: 'first' | 'last'): string {
  const ts = which === 'first' ? hit.firstSeen : hit.lastSeen;
  const line = which === 'first' ? hit.firstLine : hit.lastLine;
  return ts ? `${ts} (line ${line})` : `line ${line}`;
}

const gib = (b: number | null) => (b === null ? 'n/a' : `${(b / 2 ** 30).toFixed(2)} GiB`);

function formatSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** The target as observations, so causes' commands (`/debug oom {target.namespace}/{target.pod}`) are filled in. */
function targetObservations(payload: LogsPayload, observe: ReturnType<typeof observer>): Observation[] {
  const { target } = payload;
  if (target.kind === 'file') return [];
  const out = [observe('target.namespace', target.namespace, `namespace ${target.namespace}`)];
  if (target.kind === 'pod') out.push(observe('target.pod', target.pod, `pod ${target.namespace}/${target.pod}`));
  return out;
}

export const logsDiagnostic = defineDiagnostic({
  name: 'logs',
  usage: USAGE,
  command: logsCommand,
  description: 'Pod logs (or a log file) classified against a catalogue of ML failure signatures, secrets redacted',
  payload: logsPayload,
  // From Slack, --file would read any file on a worker.
  cliOnlyFlags: logsCommand.flags.filter((f) => f.cliOnly).map((f) => `--${f.name}`),
  observes: LOGS_VOCABULARY,
  parseArgs(tokens) {
    const parsed = parseTokens(
      tokens,
      parserOptions(logsCommand.flags),
      USAGE,
    );
    // node:util parseArgs (strict) guarantees these types for the options declared above
    const values = parsed.values as { namespace?: string; tail?: string; since?: string; container?: string; previous?: boolean; file?: string };
    const { positionals } = parsed;
    const common = {
      tailLines: tail(values.tail),
      sinceSeconds: sinceSeconds(values.since),
      container: values.container,
      previous: values.previous ?? false,
    };
    if (values.file !== undefined) {
      if (positionals.length > 0) throw new UsageError('give either --file or a pod/selector, not both', USAGE);
      return { ...common, target: { kind: 'file', path: values.file } };
    }
    const [what, ...rest] = positionals;
    if (what === undefined) throw new UsageError('which logs? give <namespace>/<pod>, a label selector, or --file <path>', USAGE);
    if (rest.length > 0) throw new UsageError(`unexpected "${rest.join(' ')}"`, USAGE);
    const slash = what.indexOf('/');
    if (slash > 0 && !/[=!,()]/.test(what)) {
      if (values.namespace !== undefined) throw new UsageError('give the namespace once: <namespace>/<pod> or --namespace', USAGE);
      return { ...common, target: { kind: 'pod', namespace: what.slice(0, slash), pod: what.slice(slash + 1) } };
    }
    if (/[=!]|\b(?:in|notin)\b/.test(what)) {
      return { ...common, target: { kind: 'selector', namespace: values.namespace ?? 'default', selector: what } };
    }
    if (values.namespace !== undefined) return { ...common, target: { kind: 'pod', namespace: values.namespace, pod: what } };
    throw new UsageError(`"${what}" is neither <namespace>/<pod> nor a label selector (key=value)`, USAGE);
  },
  timeoutMs: 120_000,
  async run(payload, deps): Promise<DiagnosticResult> {
    const { target } = payload;
    const label =
      target.kind === 'file' ? target.path : target.kind === 'pod' ? `${target.namespace}/${target.pod}` : `${target.namespace} pods matching ${target.selector}`;
    const result = emptyResult('logs', `logs ${label}${payload.previous ? ' (previous container)' : ''}`);
    await deps.progress(5, 'reading logs');
    let read: PodRead;
    if (target.kind === 'file') {
      read = { classification: await classifyFile(target.path, deps), pods: [], problems: [] };
    } else {
      try {
        read = await classifyPods(payload, deps);
      } catch (err) {
        // a missing pod or a bad selector is the caller's to fix (ephemeral error); a 403 or an
        // unreachable API server is a finding the report shows
        if (deps.signal.aborted || err instanceof UsageError || err instanceof InputError) throw err;
        result.severity = 'warning';
        result.summary = `Could not read the logs of ${label}: ${oneLine(err)}`;
        result.evidence.push({ label: 'Kubernetes API', value: oneLine(err), severity: 'warning' });
        result.observations = targetObservations(payload, observer('logs', LOGS_VOCABULARY));
        result.data = { signatures: [], firstCause: null, cudaOom: [] };
        return result;
      }
    }
    await deps.progress(95, 'writing the report');
    const { classification: c, problems } = read;
    const hits = c.signatures;

    const observe = observer('logs', LOGS_VOCABULARY);
    const windowSeconds = c.windowMs !== null ? c.windowMs / 1000 : undefined;
    const scope = `${c.lines} line${c.lines === 1 ? '' : 's'} of ${label}${read.pods.length > 1 ? ` (${read.pods.length} pods)` : ''}`;
    const obs: Observation[] = [...targetObservations(payload, observe)];
    obs.push(observe('log.lines', c.lines, `${scope} scanned`, { sampleSize: c.lines, windowSeconds }));
    if (windowSeconds !== undefined) obs.push(observe('log.window', windowSeconds, `the lines span ${formatSeconds(windowSeconds)}`, { sampleSize: c.lines }));
    for (const h of hits) {
      obs.push(
        observe('log.signature', h.id, `${h.id} (${h.class}): ${h.count} line${h.count === 1 ? '' : 's'}, first ${when(h, 'first')}: ${h.samples[0] ?? ''}`, {
          subject: h.id,
          sampleSize: h.count,
          windowSeconds,
        }),
      );
      if (h.retried > 0) {
        obs.push(observe('log.signature_retried', Number((h.retried / h.count).toFixed(3)), `${h.retried} of ${h.count} ${h.id} line${h.count === 1 ? '' : 's'} announce a retry`, { subject: h.id, sampleSize: h.count }));
      }
      if (h.bursts) obs.push(observe('log.burst', h.id, `${h.bursts} burst${h.bursts === 1 ? '' : 's'} of ${h.id}, the first by ${when(h, 'first')}`, { subject: h.id, sampleSize: h.bursts }));
    }
    const categories = new Map<string, number>();
    for (const h of hits) categories.set(h.category, (categories.get(h.category) ?? 0) + h.count);
    for (const [category, n] of categories) obs.push(observe('log.category', category, `${n} ${category} line${n === 1 ? '' : 's'}`, { subject: category, sampleSize: n }));
    const causes = hits.filter((h) => h.class === 'cause');
    const first = c.firstCause;
    if (first) {
      const later = hits.filter((h) => h !== first && (h.firstLine > first.firstLine || (h.firstSeen !== null && first.firstSeen !== null && h.firstSeen > first.firstSeen)));
      obs.push(
        observe('log.first_cause', first.id, `${first.id} first, ${when(first, 'first')}${later.length > 0 ? `, before ${later.map((h) => h.id).join(', ')}` : ''}`, {
          subject: first.id,
          sampleSize: first.count,
        }),
      );
    }
    if (c.cudaOom.length > 0) {
      const where = payload.target.kind === 'pod' && payload.container ? payload.container : 'log';
      obs.push(...observeCudaOom(c.cudaOom.map((e) => ({ ...e, container: where })), where, undefined, observe));
    }
    obs.push(
      observe('log.cause_signatures', causes.length, causes.length === 0 ? `no failure-cause signature in ${scope}` : `${causes.length} failure-cause signature${causes.length === 1 ? '' : 's'}: ${causes.map((h) => h.id).join(', ')}`, {
        sampleSize: c.lines,
        windowSeconds,
      }),
    );
    result.observations = obs;

    result.data = {
      signatures: hits.map((h) => ({
        id: h.id,
        class: h.class,
        category: h.category,
        severity: h.severity,
        count: h.count,
        firstSeen: h.firstSeen,
        lastSeen: h.lastSeen,
        firstLine: h.firstLine,
        lastLine: h.lastLine,
        samples: h.samples,
        ...(h.bursts !== undefined ? { bursts: h.bursts } : {}),
      })),
      firstCause: first?.id ?? null,
      cudaOom: c.cudaOom.map((e) => ({
        source: e.source,
        gpu: e.gpu,
        triedToAllocateBytes: e.triedToAllocateBytes,
        totalCapacityBytes: e.totalCapacityBytes,
        freeBytes: e.freeBytes,
        allocatedByFrameworkBytes: e.allocatedByFrameworkBytes,
        reservedUnallocatedBytes: e.reservedUnallocatedBytes,
        thisProcessBytes: e.thisProcessBytes,
        processes: e.processes ?? [],
        line: e.line,
      })),
    };
    // what the lines say, measured: a critical signature makes the logs critical; the causes decide why
    result.severity = hits.length === 0 ? 'ok' : worstSeverity(hits.map((h) => h.severity));

    const symptoms = hits.filter((h) => h.class === 'symptom');
    const describe = (h: SignatureHit) => `${h.id} (${h.count}×${h.bursts ? `, ${h.bursts} burst${h.bursts === 1 ? '' : 's'}` : ''}, first ${when(h, 'first')})`;
    result.summary =
      hits.length === 0
        ? `No known failure signature in ${scope}.`
        : [
            `${hits.length} failure signature${hits.length === 1 ? '' : 's'} in ${scope}.`,
            first ? `First failure: ${describe(first)}.` : 'No failure-cause signature, only symptoms.',
            causes.length > 1 ? `Later: ${causes.filter((h) => h !== first).map(describe).join(', ')}.` : '',
            symptoms.length > 0 ? `Symptoms: ${symptoms.map(describe).join(', ')}.` : '',
          ]
            .filter(Boolean)
            .join(' ');

    result.evidence.push({ label: 'lines classified', value: String(c.lines), detail: label });
    for (const p of problems) result.evidence.push({ label: 'not read', value: p, severity: 'info' });
    for (const h of hits) {
      result.evidence.push({
        label: `${h.id} (${h.class})`,
        value: `${h.count} line${h.count === 1 ? '' : 's'}${h.bursts ? `, ${h.bursts} burst${h.bursts === 1 ? '' : 's'}` : ''}, first ${when(h, 'first')}, last ${when(h, 'last')}`,
        detail: h.samples[0],
        severity: h.severity,
      });
    }
    for (const e of c.cudaOom.slice(0, 3)) {
      result.evidence.push({
        label: `${e.source} GPU out of memory`,
        value: `tried to allocate ${gib(e.triedToAllocateBytes)} with ${gib(e.freeBytes)} free${e.totalCapacityBytes !== null ? ` of ${gib(e.totalCapacityBytes)}` : ''}${e.gpu !== null ? ` on GPU ${e.gpu}` : ''}; reserved but unallocated ${gib(e.reservedUnallocatedBytes)}`,
        severity: 'critical',
      });
    }

    if (hits.length > 0) {
      result.tables.push({
        title: 'Failure signatures (in order of first appearance)',
        columns: ['signature', 'class', 'category', 'severity', 'count', 'first seen', 'last seen'],
        rows: hits.map((h) => [h.id, h.class, h.category, h.severity, h.count, when(h, 'first'), when(h, 'last')]),
      });
    }
    if (c.cudaOom.length > 0) {
      result.tables.push({
        title: `GPU out-of-memory messages (${c.cudaOomTotal})`,
        columns: ['source', 'GPU', 'tried to allocate', 'total', 'free', 'allocated by framework', 'reserved, unallocated'],
        rows: c.cudaOom.map((e) => [e.source, e.gpu, gib(e.triedToAllocateBytes), gib(e.totalCapacityBytes), gib(e.freeBytes), gib(e.allocatedByFrameworkBytes), gib(e.reservedUnallocatedBytes)]),
      });
    }
    // operational advice only; what a failure means and how to fix it comes from the causes catalogue
    if (hits.length > 0 && c.windowMs === null) {
      result.fixes.push('Log with timestamps (`kubectl logs --timestamps`, or a time field in every line) so the order of failures across pods can be read.');
    }
    result.verification = [
      target.kind === 'file'
        ? `Re-run \`infdbg logs --file ${target.path}\` on a fresh log: the signatures above no longer appear.`
        : `Re-run \`/debug logs ${target.kind === 'pod' ? `${target.namespace}/${target.pod}` : `${target.selector} --namespace ${target.namespace}`} --since 15m\` after the fix: the signatures above no longer appear.`,
    ];
    result.prevention = ['Turn the critical signatures into log-based alerts (e.g. a Loki/Cloud Logging metric on "CUDA out of memory") so they page before users notice.'];
    return result;
  },
});
