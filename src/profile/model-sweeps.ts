// The sweeps that answer the usual tuning questions for one model: does batching pay (batch size),
// how many intra-op threads, which graph optimization level. Each point is its own bounded,
// windowed measurement; the thread and optimization points each open a fresh session.
import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { latencySummary, type LatencySummary, type MeasureResult } from './latency.ts';
import { resolveInputShapes, synthesizeFeeds } from './input-synthesis.ts';
import { measureSession, openSession, type RunLimits, type SessionSettings } from './ort-session.ts';

export interface BatchPoint {
  batchSize: number;
  latency: LatencySummary;
  /** Inferences (session.run calls) per second. */
  throughputPerSec: number;
  /** Samples per second: inferences × batch size. */
  samplesPerSec: number;
}

export interface ThreadsPoint {
  threads: number;
  latency: LatencySummary;
  throughputPerSec: number;
}

export const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type OptimizationLevel = (typeof OPTIMIZATION_LEVELS)[number];

export interface OptimizationPoint {
  level: OptimizationLevel;
  latency: LatencySummary;
  throughputPerSec: number;
  /** Session creation time at this level (optimization happens at load), ms. */
  sessionCreateMs: number;
}

/** Inferences per second of a sequential measurement. */
export function throughputOf(m: MeasureResult): number {
  return m.elapsedMs > 0 ? (m.iterations * 1000) / m.elapsedMs : 0;
}

export interface SweepContext {
  modelPath: string;
  label: string;
  limits: RunLimits;
  signal: AbortSignal;
}

/** Batch sizes on one session: the same inputs with the batch dimension set to each size. */
export async function batchSweep(
  ctx: SweepContext,
  session: InferenceSession,
  dims: Readonly<Record<string, number>>,
  values: Readonly<Record<string, string>>,
  batchSizes: readonly number[],
): Promise<BatchPoint[]> {
  const points: BatchPoint[] = [];
  for (const batchSize of batchSizes) {
    const feeds = synthesizeFeeds(resolveInputShapes(session.inputMetadata, { dims, batchSize }), values);
    const m = await measureSession(session, feeds, ctx.limits, ctx.signal);
    const throughputPerSec = throughputOf(m);
    points.push({ batchSize, latency: latencySummary(m.samplesMs), throughputPerSec, samplesPerSec: throughputPerSec * batchSize });
  }
  return points;
}

/** Intra-op thread counts to try: 1, 2, 4, … up to the cores this process may use. */
export function threadCounts(cores = availableParallelism()): number[] {
  const out: number[] = [];
  for (let t = 1; t <= Math.min(cores, 4); t *= 2) out.push(t);
  if (cores > 1 && !out.includes(Math.min(cores, 4))) out.push(Math.min(cores, 4));
  return out;
}

async function measureFresh(ctx: SweepContext, settings: SessionSettings, feeds: Record<string, Tensor>): Promise<{ m: MeasureResult; createMs: number }> {
  const t = performance.now();
  const session = await openSession(ctx.modelPath, ctx.label, settings);
  const createMs = performance.now() - t;
  try {
    return { m: await measureSession(session, feeds, ctx.limits, ctx.signal), createMs };
  } finally {
    await session.release();
  }
}

export async function threadsSweep(ctx: SweepContext, feeds: Record<string, Tensor>, counts: readonly number[]): Promise<ThreadsPoint[]> {
  const points: ThreadsPoint[] = [];
  for (const threads of counts) {
    const { m } = await measureFresh(ctx, { intraOpNumThreads: threads }, feeds);
    points.push({ threads, latency: latencySummary(m.samplesMs), throughputPerSec: throughputOf(m) });
  }
  return points;
}

export async function optimizationSweep(ctx: SweepContext, feeds: Record<string, Tensor>): Promise<OptimizationPoint[]> {
  const points: OptimizationPoint[] = [];
  for (const level of OPTIMIZATION_LEVELS) {
    const { m, createMs } = await measureFresh(ctx, { graphOptimizationLevel: level }, feeds);
    points.push({ level, latency: latencySummary(m.samplesMs), throughputPerSec: throughputOf(m), sessionCreateMs: createMs });
  }
  return points;
}

/** The CUDA provider measured like the main run, when it is available. */
export async function cudaPoint(ctx: SweepContext, feeds: Record<string, Tensor>): Promise<{ latency: LatencySummary; throughputPerSec: number }> {
  const { m } = await measureFresh(ctx, { executionProvider: 'cuda' }, feeds);
  return { latency: latencySummary(m.samplesMs), throughputPerSec: throughputOf(m) };
}
