// Reads the Chrome-trace JSON that ONNX Runtime writes when a session has `enableProfiling`, and
// turns it into per-run time by operator type and execution provider — the "which operators eat
// the time" table. Pure: the caller reads the file.

/** One operator type on one execution provider, averaged per run. */
export interface OperatorTime {
  op: string;
  provider: string;
  /** Kernel time per run, ms. */
  ms: number;
  /** Fraction (0–1) of all leaf kernel time. */
  share: number;
  /** Kernel invocations per run. */
  calls: number;
  /** Median duration of one invocation, µs (robust to the odd preempted call, unlike ms / calls). */
  medianCallUs: number;
}

export interface TraceSummary {
  /** `model_run` events in the trace: the number of profiled runs. */
  runs: number;
  /** Mean `model_run` duration, ms (ORT's own view of one run, without the JS binding). */
  modelRunMs: number;
  /** Leaf kernel time per run, ms (control-flow nodes excluded, see `CONTROL_FLOW_OPS`). */
  kernelMs: number;
  /** Sorted by time, largest first. */
  operators: OperatorTime[];
  /** If/Loop/Scan invocations per run (their time is inside the subgraph kernels they run). */
  controlFlowCalls: number;
}

/**
 * Control-flow operators whose kernel time includes the nodes of their subgraphs, which appear in
 * the trace on their own: counting both would count that time twice (silero_vad's `If`).
 */
export const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set(['If', 'Loop', 'Scan']);

interface TraceEvent {
  cat?: unknown;
  name?: unknown;
  ts?: unknown;
  dur?: unknown;
  args?: { op_name?: unknown; provider?: unknown };
}

const isEvent = (e: unknown): e is TraceEvent & { ts: number; dur: number } =>
  typeof e === 'object' && e !== null && typeof (e as TraceEvent).dur === 'number' && typeof (e as TraceEvent).ts === 'number';

/**
 * Aggregates a parsed ORT profile (an array of trace events). Kernel events are those with
 * `cat: 'Node'` and a name ending in `_kernel_time`; `ts` and `dur` are in microseconds. The
 * first `skipRuns` runs (warm-up: first-run allocations) and the kernels inside them are left
 * out. Throws when the value is not a trace or holds no run after the skipped ones.
 */
export function summarizeOrtTrace(trace: unknown, skipRuns = 0): TraceSummary {
  if (!Array.isArray(trace)) throw new Error('ONNX Runtime profile is not a JSON array of trace events');
  const events = (trace as unknown[]).filter(isEvent);
  const allRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const skipped = allRuns.slice(0, skipRuns);
  const inSkippedRun = (ts: number): boolean => skipped.some((r) => ts >= r.ts && ts <= r.ts + r.dur);
  const runs = allRuns.length - skipped.length;
  const runUs = allRuns.slice(skipped.length).reduce((s, r) => s + r.dur, 0);
  const byKey = new Map<string, { op: string; provider: string; us: number; calls: number; durs: number[] }>();
  let controlFlow = 0;
  for (const raw of events) {
    if (inSkippedRun(raw.ts)) continue;
    if (raw.cat !== 'Node' || typeof raw.name !== 'string' || !raw.name.endsWith('_kernel_time')) continue;
    const op = typeof raw.args?.op_name === 'string' ? raw.args.op_name : 'unknown';
    if (CONTROL_FLOW_OPS.has(op)) {
      controlFlow++;
      continue;
    }
    const provider = typeof raw.args?.provider === 'string' ? raw.args.provider : 'unknown';
    const key = `${op}\u0000${provider}`;
    const entry = byKey.get(key) ?? { op, provider, us: 0, calls: 0, durs: [] };
    entry.us += raw.dur;
    entry.calls++;
    entry.durs.push(raw.dur);
    byKey.set(key, entry);
  }
  if (runs <= 0) throw new Error(`ONNX Runtime profile holds ${allRuns.length} model_run event(s), none after the ${skipRuns} skipped`);
  let totalUs = 0;
  for (const e of byKey.values()) totalUs += e.us;
  const operators = [...byKey.values()]
    .map((e) => ({ op: e.op, provider: e.provider, ms: e.us / 1000 / runs, share: totalUs > 0 ? e.us / totalUs : 0, calls: e.calls / runs, medianCallUs: median(e.durs) }))
    .sort((a, b) => b.ms - a.ms);
  return { runs, modelRunMs: runUs / 1000 / runs, kernelMs: totalUs / 1000 / runs, operators, controlFlowCalls: controlFlow / runs };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
