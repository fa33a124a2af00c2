// Concurrency sweep for model mode: C worker threads, each with its own session, run closed loops
// at the same time; aggregate throughput and the latency each request saw show whether one more
// concurrent caller buys throughput or only queueing. Promise.all on one session would measure
// nothing: its runs execute one after another on the calling thread.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Tensor } from 'onnxruntime-node';
import { latencySummary, type LatencySummary } from './latency.ts';
import type { SessionSettings } from './ort-session.ts';

/** A tensor in a form that crosses threads (structured clone). */
export interface SerializedFeed {
  name: string;
  type: Tensor.Type;
  dims: number[];
  data: Tensor.DataType;
}

/** `workerData` of session-worker.ts. */
export interface WorkerJob {
  modelPath: string;
  label: string;
  settings: SessionSettings;
  feeds: SerializedFeed[];
  warmup: number;
  maxIterations: number;
  maxDurationMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; samplesMs: Float64Array; startedAt: number; endedAt: number }
  | { type: 'error'; message: string };

export interface ConcurrencyPoint {
  concurrency: number;
  /** Intra-op threads each worker's session got: the node's cores shared out, at least 1. */
  threadsPerWorker: number;
  latency: LatencySummary;
  /** Inferences per second, all workers together. */
  throughputPerSec: number;
  durationMs: number;
}

export function serializeFeeds(feeds: Record<string, Tensor>): SerializedFeed[] {
  return Object.entries(feeds).map(([name, t]) => ({ name, type: t.type, dims: [...t.dims], data: t.data }));
}

export interface ConcurrencyOptions {
  modelPath: string;
  label: string;
  settings: SessionSettings;
  feeds: SerializedFeed[];
  concurrency: number;
  /** Warm-up runs per worker. */
  warmup: number;
  /** Runs in all, shared out between workers. */
  maxIterations: number;
  maxDurationMs: number;
  signal: AbortSignal;
}

/** One sweep point: starts the workers, waits until all are warm, runs them together. */
export async function measureConcurrency(options: ConcurrencyOptions): Promise<ConcurrencyPoint> {
  const { concurrency, signal } = options;
  const threadsPerWorker = Math.max(1, Math.floor(availableParallelism() / concurrency));
  const job: WorkerJob = {
    modelPath: options.modelPath,
    label: options.label,
    settings: { ...options.settings, intraOpNumThreads: threadsPerWorker },
    feeds: options.feeds,
    warmup: options.warmup,
    maxIterations: Math.max(5, Math.ceil(options.maxIterations / concurrency)),
    maxDurationMs: options.maxDurationMs,
  };
  // The sources in a checkout, their JavaScript build in the installed package.
  const workerFile = new URL(import.meta.url.endsWith('.ts') ? './session-worker.ts' : './session-worker.js', import.meta.url);
  const workers = Array.from({ length: concurrency }, () => new Worker(workerFile, { workerData: job }));
  const onAbort = (): void => {
    for (const w of workers) void w.terminate();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const next = (w: Worker): Promise<WorkerMessage> =>
      new Promise((resolve, reject) => {
        const cleanup = (): void => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        const onMessage = (m: WorkerMessage): void => {
          cleanup();
          if (m.type === 'error') reject(new Error(m.message));
          else resolve(m);
        };
        const onError = (err: Error): void => {
          cleanup();
          reject(err);
        };
        const onExit = (code: number): void => {
          cleanup();
          reject(signal.aborted ? signal.reason : new Error(`session worker exited with code ${code}`));
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
      });
    await Promise.all(workers.map(next));
    signal.throwIfAborted();
    const done = workers.map(next);
    for (const w of workers) w.postMessage('go');
    const results = (await Promise.all(done)).filter((m): m is Extract<WorkerMessage, { type: 'done' }> => m.type === 'done');
    const all = new Float64Array(results.reduce((n, r) => n + r.samplesMs.length, 0));
    let offset = 0;
    for (const r of results) {
      all.set(r.samplesMs, offset);
      offset += r.samplesMs.length;
    }
    const durationMs = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt));
    return { concurrency, threadsPerWorker, latency: latencySummary(all), throughputPerSec: durationMs > 0 ? (all.length * 1000) / durationMs : 0, durationMs };
  } finally {
    signal.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
