// Opening onnxruntime sessions and timing their runs, shared by every part of model mode (the
// main measurement, the sweeps, the profiled pass, the concurrency workers). In onnxruntime-node
// `session.run` returns a Promise but executes synchronously on the calling thread (inside a
// setImmediate): runs of one session never overlap, so timing one awaited run at a time is exact.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InputError } from '../core/errors.ts';
import { measureInWindows, type MeasureResult } from './latency.ts';

/** Session settings the sweeps vary. Unset fields keep onnxruntime's defaults. */
export interface SessionSettings {
  intraOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  executionProvider?: 'cpu' | 'cuda';
  /** Directory + file prefix for ORT's profiling trace; set only for the profiled pass. */
  profileFilePrefix?: string;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? '').trim();
}

/**
 * Creates a session. A file onnxruntime cannot parse is an InputError
 * "x.onnx is not an ONNX model: <ort message>"; any other load failure names the file too.
 */
export async function openSession(modelPath: string, label: string, settings: SessionSettings = {}): Promise<InferenceSession> {
  const options: InferenceSession.SessionOptions = {
    executionProviders: [settings.executionProvider ?? 'cpu'],
    ...(settings.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: settings.intraOpNumThreads }),
    ...(settings.graphOptimizationLevel === undefined ? {} : { graphOptimizationLevel: settings.graphOptimizationLevel }),
    ...(settings.profileFilePrefix === undefined ? {} : { enableProfiling: true, profileFilePrefix: settings.profileFilePrefix }),
  };
  try {
    return await ort.InferenceSession.create(modelPath, options);
  } catch (err) {
    const line = firstLine(err);
    if (/protobuf parsing failed|no graph was found|model_proto|invalid model/i.test(line)) {
      throw new InputError(`${basename(label)} is not an ONNX model: ${line}`, { cause: err });
    }
    throw new InputError(`onnxruntime could not load ${basename(label)}: ${line}`, { cause: err });
  }
}

/** Whether a CUDA session can be created on this node, and if not, why (one line for the report). */
export type CudaStatus = { available: true } | { available: false; reason: string };

/**
 * Looks for onnxruntime's CUDA provider library beside the native binding before trying it:
 * creating a CUDA session where the library is absent only logs an error to stderr and fails.
 */
export async function cudaStatus(modelPath: string, label: string): Promise<CudaStatus> {
  const require = createRequire(import.meta.url);
  const bindingDir = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  if (!existsSync(join(bindingDir, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'))) {
    return { available: false, reason: 'CUDA provider not installed on this node' };
  }
  try {
    const session = await openSession(modelPath, label, { executionProvider: 'cuda' });
    await session.release();
    return { available: true };
  } catch (err) {
    return { available: false, reason: `CUDA provider failed to start: ${firstLine(err)}` };
  }
}

/**
 * Runs the model once with `feeds` and throws an InputError that says what to change when the
 * model rejects them (wrong shape, a value out of range).
 */
export async function checkRun(session: InferenceSession, feeds: Record<string, Tensor>, label: string): Promise<void> {
  try {
    await session.run(feeds);
  } catch (err) {
    const shapes = Object.entries(feeds).map(([n, t]) => `${n} ${t.type}[${t.dims.join(',')}]`).join(', ');
    throw new InputError(`${basename(label)} rejected the inputs (${shapes}): ${firstLine(err)} — set shapes with --dim, values with --value, or pass --inputs <file.json>`, { cause: err });
  }
}

/** Bounds of one measurement. */
export interface RunLimits {
  /** Runs before measuring, excluded from the statistics. */
  warmup: number;
  maxIterations: number;
  maxDurationMs: number;
}

/** Runs per stability window: about `targetMs` of runs, at least 5, and at most a third of the iteration cap. */
export function windowSize(meanRunMs: number, limits: RunLimits): number {
  const targetMs = Math.min(500, limits.maxDurationMs / 6);
  const byTime = Math.ceil(targetMs / Math.max(meanRunMs, 1e-3));
  const cap = Math.max(1, Math.floor(limits.maxIterations / 3));
  return Math.max(1, Math.min(cap, Math.max(5, Math.min(1000, byTime))));
}

/**
 * Warms up, then measures awaited runs in stability windows until three windows agree within 10%
 * or a limit is hit. Throws the signal's reason when aborted.
 */
export async function measureSession(session: InferenceSession, feeds: Record<string, Tensor>, limits: RunLimits, signal: AbortSignal): Promise<MeasureResult> {
  const w0 = performance.now();
  for (let i = 0; i < limits.warmup; i++) {
    signal.throwIfAborted();
    await session.run(feeds);
  }
  let meanMs = (performance.now() - w0) / Math.max(1, limits.warmup);
  if (limits.warmup === 0) {
    const t = performance.now();
    await session.run(feeds);
    meanMs = performance.now() - t;
  }
  const result = await measureInWindows({
    runOnce: async () => {
      const t = performance.now();
      await session.run(feeds);
      return performance.now() - t;
    },
    windowSize: windowSize(meanMs, limits),
    maxIterations: limits.maxIterations,
    maxDurationMs: limits.maxDurationMs,
    signal,
    now: () => performance.now(),
  });
  signal.throwIfAborted();
  return result;
}
