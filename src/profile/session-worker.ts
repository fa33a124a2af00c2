// Worker-thread entry for the concurrency sweep. onnxruntime-node runs a session synchronously on
// the thread that calls it, so concurrent inference in one process needs threads, and a session
// object cannot cross threads: each worker opens its own session, warms up, says `ready`, waits
// for `go` (so all workers start together), runs a closed loop and posts its latencies back.
import { parentPort, workerData } from 'node:worker_threads';
import type { Tensor } from 'onnxruntime-node';
import { createTensor } from './input-synthesis.ts';
import { openSession } from './ort-session.ts';
import type { WorkerJob, WorkerMessage } from './concurrency-sweep.ts';

const job = workerData as WorkerJob;
const port = parentPort;

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

async function main(): Promise<void> {
  const session = await openSession(job.modelPath, job.label, job.settings);
  const feeds: Record<string, Tensor> = {};
  for (const f of job.feeds) feeds[f.name] = createTensor(f.type, f.data, f.dims);
  for (let i = 0; i < job.warmup; i++) await session.run(feeds);
  await new Promise<void>((resolve) => {
    port?.once('message', () => resolve());
    post({ type: 'ready' });
  });
  const samples = new Float64Array(job.maxIterations);
  let n = 0;
  const startedAt = performance.timeOrigin + performance.now();
  const deadline = performance.now() + job.maxDurationMs;
  while (n < job.maxIterations && performance.now() < deadline) {
    const t = performance.now();
    await session.run(feeds);
    samples[n++] = performance.now() - t;
  }
  const endedAt = performance.timeOrigin + performance.now();
  await session.release();
  post({ type: 'done', samplesMs: samples.slice(0, n), startedAt, endedAt });
}

main().catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
