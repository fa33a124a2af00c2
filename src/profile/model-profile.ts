// Model mode of the profile diagnostic: loads an ONNX model into onnxruntime-node in this process
// and measures it the way perf_analyzer would — cold start apart, warm-up excluded, windows until
// stable — then asks ORT's own profiler where a run's time goes and sweeps the usual knobs.
// Phases run one after another so no measurement disturbs another.
import { availableParallelism } from 'node:os';
import type { Tensor } from 'onnxruntime-node';
import { UsageError } from '../core/errors.ts';
import { latencySummary, type LatencySummary, type StopReason } from './latency.ts';
import { detectBatchDim, feedsFromJson, resolveInputShapes, synthesizeFeeds, type ResolvedInput } from './input-synthesis.ts';
import { checkRun, cudaStatus, measureSession, openSession, type CudaStatus, type RunLimits } from './ort-session.ts';
import { profiledPass, type ProfiledPass } from './profiled-pass.ts';
import {
  batchSweep,
  cudaPoint,
  optimizationSweep,
  threadCounts,
  threadsSweep,
  throughputOf,
  type BatchPoint,
  type OptimizationPoint,
  type SweepContext,
  type ThreadsPoint,
} from './model-sweeps.ts';
import { measureConcurrency, serializeFeeds, type ConcurrencyPoint } from './concurrency-sweep.ts';

export const SWEEP_KINDS = ['batch', 'threads', 'opt', 'concurrency'] as const;
export type SweepKind = (typeof SWEEP_KINDS)[number];

/** Batch sizes of the batch sweep when `--batch-sizes` is not given. */
export const DEFAULT_BATCH_SIZES = [1, 8, 32];
/** Concurrency levels of the concurrency sweep when `--concurrency` is not given. */
export const DEFAULT_CONCURRENCY = [1, 2, 4];
/**
 * Upper bound on one sweep point, ms (the run bound is the main measurement's). Points stop earlier
 * once three windows agree; time-based so a fast model's point is not a few milliseconds of runs
 * that one descheduling can skew.
 */
const SWEEP_POINT_MAX_MS = 2000;

export interface ModelProfileOptions {
  /** Local path of the model file. */
  modelPath: string;
  /** What the user called it (path or URL), for messages and the report. */
  label: string;
  /** Symbolic dimension values (`--dim name=value`). */
  dims: Record<string, number>;
  /** Fill values per input (`--value name=value`). */
  values: Record<string, string>;
  /** Parsed `--inputs` file: these inputs are used as given, the rest synthesized. */
  inputsFile?: { file: string; json: unknown };
  /** `--batch-sizes`: the first is the batch of the main measurement. Default: 1, and a sweep over 1,8,32. */
  batchSizes?: number[];
  /** `--concurrency` levels for the concurrency sweep. Default 1,2,4. */
  concurrency?: number[];
  /**
   * Sweeps to run. Default: `batch` when the model has a batch dimension and inputs are
   * synthesized, and `threads`; `--batch-sizes` adds batch and `--concurrency` adds concurrency.
   */
  sweeps?: SweepKind[];
  limits: RunLimits;
}

export interface ModelMeasurement {
  latency: LatencySummary;
  /** Latencies of the measured runs (ms), for the histogram. */
  samplesMs: Float64Array;
  throughputPerSec: number;
  samplesPerSec: number;
  iterations: number;
  elapsedMs: number;
  stoppedBy: StopReason;
  stable: boolean;
  /** p50 of each stability window, ms. */
  windows: number[];
}

export interface ModelProfile {
  label: string;
  inputs: ResolvedInput[];
  batchDim: string | undefined;
  batchSize: number;
  /** Session creation with default options, ms (the cold start a new replica pays). */
  coldStartMs: number;
  /** Building the input tensors for one inference (median of a few repeats, after a first untimed one), ms. */
  inputSynthesisMs: number;
  measurement: ModelMeasurement;
  limits: RunLimits;
  trace: ProfiledPass;
  sweeps: {
    batch?: BatchPoint[];
    threads?: ThreadsPoint[];
    optimization?: OptimizationPoint[];
    concurrency?: ConcurrencyPoint[];
  };
  /** Sweeps asked for (or defaulted) that could not run, with the reason. */
  skipped: Array<{ sweep: SweepKind; reason: string }>;
  cuda: CudaStatus & { latency?: LatencySummary; throughputPerSec?: number };
  cores: number;
}

export interface ModelProfileDeps {
  signal: AbortSignal;
  progress(percent: number, message?: string): Promise<void> | void;
}

/** Median time of a few calls (at most 5, or fewer once 500 ms are spent), ms. */
function medianTime(fn: () => unknown): number {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 && (times.length === 0 || performance.now() - start < 500)) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return latencySummary(times).p50;
}

function chooseSweeps(options: ModelProfileOptions, hasBatch: boolean): SweepKind[] {
  if (options.sweeps !== undefined) return options.sweeps;
  const out: SweepKind[] = [];
  if ((hasBatch && options.inputsFile === undefined) || options.batchSizes !== undefined) out.push('batch');
  out.push('threads');
  if (options.concurrency !== undefined) out.push('concurrency');
  return out;
}

/** Profiles one model. Throws InputError for a bad model or inputs, the signal's reason when aborted. */
export async function profileModel(options: ModelProfileOptions, deps: ModelProfileDeps): Promise<ModelProfile> {
  const { modelPath, label, limits } = options;
  const { signal } = deps;
  signal.throwIfAborted();
  await deps.progress(2, 'creating session');
  const t0 = performance.now();
  const session = await openSession(modelPath, label);
  const coldStartMs = performance.now() - t0;
  try {
    const meta = session.inputMetadata;
    const batchDim = detectBatchDim(meta);
    const dims = { ...options.dims };
    let batchSizes = options.batchSizes;
    if (batchDim !== undefined && dims[batchDim] !== undefined) {
      batchSizes ??= [dims[batchDim]];
      delete dims[batchDim];
    }
    const batchSize = batchDim === undefined ? 1 : (batchSizes?.[0] ?? 1);

    const buildFeeds = (): { feeds: Record<string, Tensor>; inputs: ResolvedInput[] } => {
      if (options.inputsFile === undefined) {
        const inputs = resolveInputShapes(meta, { dims, batchSize });
        return { inputs, feeds: synthesizeFeeds(inputs, options.values) };
      }
      const { given, missing } = feedsFromJson(options.inputsFile.json, meta, options.inputsFile.file);
      const rest = resolveInputShapes(meta.filter((m) => missing.includes(m.name)), { dims, batchSize });
      const feeds = { ...given, ...synthesizeFeeds(rest, options.values) };
      return { feeds, inputs: meta.map((m) => ({ name: m.name, type: (feeds[m.name] as Tensor).type, dims: [...(feeds[m.name] as Tensor).dims] })) };
    };
    const { feeds, inputs } = buildFeeds();
    const inputSynthesisMs = medianTime(buildFeeds);
    await checkRun(session, feeds, label);

    await deps.progress(5, `measuring (${limits.warmup} warm-up runs, then windows until stable)`);
    const m = await measureSession(session, feeds, limits, signal);
    const throughputPerSec = throughputOf(m);
    const measurement: ModelMeasurement = {
      latency: latencySummary(m.samplesMs),
      samplesMs: m.samplesMs,
      throughputPerSec,
      samplesPerSec: throughputPerSec * batchSize,
      iterations: m.iterations,
      elapsedMs: m.elapsedMs,
      stoppedBy: m.stoppedBy,
      stable: m.stable,
      windows: m.windows,
    };

    await deps.progress(35, 'profiling operators');
    const profiledRuns = Math.max(3, Math.min(20, Math.ceil(1000 / Math.max(measurement.latency.p50, 1e-3))));
    const trace = await profiledPass(modelPath, label, feeds, profiledRuns, {}, signal);

    const pointLimits: RunLimits = {
      warmup: Math.min(limits.warmup, 5),
      maxIterations: limits.maxIterations,
      maxDurationMs: Math.min(limits.maxDurationMs, SWEEP_POINT_MAX_MS),
    };
    const ctx: SweepContext = { modelPath, label, limits: pointLimits, signal };
    const sweeps: ModelProfile['sweeps'] = {};
    const skipped: ModelProfile['skipped'] = [];
    const kinds = chooseSweeps(options, batchDim !== undefined);
    for (const [i, kind] of kinds.entries()) {
      signal.throwIfAborted();
      await deps.progress(45 + Math.round((45 * i) / kinds.length), `sweep: ${kind}`);
      if (kind === 'batch') {
        if (batchDim === undefined) skipped.push({ sweep: 'batch', reason: 'the model has no dynamic batch dimension' });
        else if (options.inputsFile !== undefined) skipped.push({ sweep: 'batch', reason: 'inputs come from --inputs, so their batch size is fixed' });
        else sweeps.batch = await batchSweep(ctx, session, dims, options.values, batchSizes ?? DEFAULT_BATCH_SIZES);
      } else if (kind === 'threads') {
        sweeps.threads = await threadsSweep(ctx, feeds, threadCounts());
      } else if (kind === 'opt') {
        sweeps.optimization = await optimizationSweep(ctx, feeds);
      } else {
        const points: ConcurrencyPoint[] = [];
        const serialized = serializeFeeds(feeds);
        for (const concurrency of options.concurrency ?? DEFAULT_CONCURRENCY) {
          points.push(await measureConcurrency({ modelPath, label, settings: {}, feeds: serialized, concurrency, ...pointLimits, signal }));
        }
        sweeps.concurrency = points;
      }
    }

    await deps.progress(92, 'checking the CUDA provider');
    const status = await cudaStatus(modelPath, label);
    const cuda: ModelProfile['cuda'] = status.available ? { ...status, ...(await cudaPoint(ctx, feeds)) } : status;
    return { label, inputs, batchDim, batchSize, coldStartMs, inputSynthesisMs, measurement, limits, trace, sweeps, skipped, cuda, cores: availableParallelism() };
  } finally {
    await session.release();
  }
}

/** Parses `--sweep batch,threads` (or `none`) into sweep kinds; throws UsageError on an unknown name. */
export function parseSweeps(value: string | undefined): SweepKind[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'none') return [];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(SWEEP_KINDS as readonly string[]).includes(n)) throw new UsageError(`--sweep: unknown sweep "${n}" (choose from ${SWEEP_KINDS.join(', ')}, or none)`);
  }
  return names as SweepKind[];
}
