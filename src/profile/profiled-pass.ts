// The per-operator breakdown comes from ONNX Runtime's own profiler, which slows every kernel
// down a little: it runs in a separate session after the latency measurement, never mixed into
// it. The trace file goes to a private temp directory that is deleted afterwards.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { summarizeOrtTrace, type TraceSummary } from './ort-trace.ts';
import { openSession, type SessionSettings } from './ort-session.ts';

export interface ProfiledPass extends TraceSummary {
  /** Mean awaited `session.run` time in the profiled session, ms (includes the JS binding). */
  jsRunMs: number;
}

/** Unprofiled-in-effect runs at the start of the pass: traced, but left out of the summary. */
const WARMUP_RUNS = 3;

/** Runs the model `runs` times (after a few warm-up runs) with profiling on and summarises the trace. */
export async function profiledPass(
  modelPath: string,
  label: string,
  feeds: Record<string, Tensor>,
  runs: number,
  settings: SessionSettings,
  signal: AbortSignal,
): Promise<ProfiledPass> {
  const dir = await mkdtemp(join(tmpdir(), 'infdbg-ort-profile-'));
  try {
    const session = await openSession(modelPath, label, { ...settings, profileFilePrefix: join(dir, 'ort') });
    let jsMs = 0;
    try {
      for (let i = 0; i < WARMUP_RUNS + runs; i++) {
        signal.throwIfAborted();
        const t = performance.now();
        await session.run(feeds);
        if (i >= WARMUP_RUNS) jsMs += performance.now() - t;
      }
      session.endProfiling();
    } finally {
      await session.release();
    }
    const file = (await readdir(dir)).find((f) => f.endsWith('.json'));
    if (file === undefined) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    const summary = summarizeOrtTrace(JSON.parse(await readFile(join(dir, file), 'utf8')), WARMUP_RUNS);
    return { ...summary, jsRunMs: jsMs / Math.max(1, runs) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
