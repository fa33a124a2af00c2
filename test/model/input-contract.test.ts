// The input contract on request tensors numpy wrote (test/fixtures/model/requests/): each changed
// preprocessing — ×255, NHWC, BGR, float64 — is named with its numbers, and a request preprocessed
// like the reference is not flagged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkInputContract, contractProblems, scaleConvention } from '../../src/model/input-contract.ts';
import type { HostTensor } from '../../src/model/host-tensor.ts';
import { readNpy } from '../../src/model/npy.ts';
import type { TensorSignature } from '../../src/model/onnx-model.ts';

const npy = (name: string): HostTensor => readNpy(readFileSync(`test/fixtures/model/requests/${name}.npy`), name);
const IMAGE: TensorSignature[] = [{ name: 'image', type: 'float32', dims: [1, 3, 8, 8] }];
const reference = npy('reference');

describe('input contract', () => {
  it('passes the reference itself against the model and against itself', () => {
    const c = checkInputContract({ image: reference }, IMAGE, { image: reference });
    expect(c.problems).toEqual([]);
    expect(c.values[0]).toMatchObject({ layout: null, rangeRatio: 1, current: { scale: '0-1' }, reference: { scale: '0-1' }, channels: { swapped: false } });
  });

  it('names missing and extra inputs, dtype, rank and dims', () => {
    const sigs: TensorSignature[] = [...IMAGE, { name: 'ids', type: 'int64', dims: ['batch', 16] }];
    const problems = contractProblems({ image: npy('float64'), token_ids: reference }, sigs);
    expect(problems).toEqual([
      { input: 'image', kind: 'dtype', expected: 'float32', actual: 'float64' },
      { input: 'ids', kind: 'missing', expected: 'int64[batch,16]', actual: 'absent' },
      { input: 'token_ids', kind: 'extra', expected: 'one of image, ids', actual: 'token_ids' },
    ]);
    const flat: HostTensor = { dtype: 'float32', dims: [192], data: new Float32Array(192) };
    expect(contractProblems({ image: flat }, IMAGE)).toEqual([{ input: 'image', kind: 'rank', expected: 'rank 4 [1,3,8,8]', actual: 'rank 1 [192]' }]);
    const fractional: HostTensor = { dtype: 'number', dims: [1, 16], data: Float64Array.from({ length: 16 }, (_, i) => i + 0.5) };
    expect(contractProblems({ ids: fractional }, [{ name: 'ids', type: 'int64', dims: ['batch', 16] }])).toEqual([{ input: 'ids', kind: 'dtype', expected: 'int64', actual: 'fractional numbers' }]);
  });

  it('reads NHWC against a model that declares NCHW as a layout change, not only a dims mismatch', () => {
    const [p] = contractProblems({ image: npy('nhwc') }, IMAGE);
    expect(p).toMatchObject({ input: 'image', kind: 'dims', layout: 'NHWC vs NCHW' });
  });

  it('names a 0–255 request against a 0–1 reference, with the range ratio', () => {
    const [v] = checkInputContract({ image: npy('scaled-0-255') }, IMAGE, { image: reference }).values;
    expect(v!.current.scale).toBe('0-255');
    expect(v!.reference.scale).toBe('0-1');
    expect(v!.rangeRatio).toBeCloseTo(255, 3);
    expect(v!.channels?.swapped).toBe(false);
    // uint8 0–255 is the same scale change, and a dtype problem on top.
    const u8 = checkInputContract({ image: npy('uint8-0-255') }, IMAGE, { image: reference });
    expect(u8.values[0]!.current.scale).toBe('0-255');
    expect(u8.problems).toEqual([{ input: 'image', kind: 'dtype', expected: 'float32', actual: 'uint8' }]);
  });

  it('names BGR against RGB from the channel means, and NHWC against an NCHW reference', () => {
    const [bgr] = checkInputContract({ image: npy('bgr') }, IMAGE, { image: reference }).values;
    expect(bgr!.channels?.swapped).toBe(true);
    expect(bgr!.channels!.current[0]).toBeCloseTo(bgr!.channels!.reference[2]!, 6);
    expect(bgr!.current.scale).toBe('0-1');
    const [nhwc] = checkInputContract({ image: npy('nhwc') }, IMAGE, { image: reference }).values;
    expect(nhwc!.layout).toBe('NHWC vs NCHW');
    // Read in its own layout, the NHWC request has the reference's channel order.
    expect(nhwc!.channels?.swapped).toBe(false);
  });

  it('reads an HWC image reshaped to NCHW instead of transposed from its buffer: values 3 apart closer than neighbours', () => {
    const nhwc = npy('nhwc');
    // np.reshape(hwc, (1, 3, 8, 8)): the dims fit the model, the buffer is still interleaved RGB.
    const reshaped: HostTensor = { ...nhwc, dims: [1, 3, 8, 8] };
    expect(contractProblems({ image: reshaped }, IMAGE)).toEqual([]);
    const [v] = checkInputContract({ image: reshaped }, IMAGE, { image: reference }).values;
    expect(v!.layout).toBe('NHWC vs NCHW');
    expect(v!.interleaved!.current.lag3).toBeLessThan(0.8 * v!.interleaved!.current.lag1);
    expect(v!.interleaved!.reference.lag3).toBeGreaterThanOrEqual(v!.interleaved!.reference.lag1);
    expect(v!.channels).toBeNull();
    // The reference, and a BGR request (planar, only the channel order changed), are not read as interleaved.
    expect(checkInputContract({ image: reference }, IMAGE, { image: reference }).values[0]!.layout).toBeNull();
    expect(checkInputContract({ image: npy('bgr') }, IMAGE, { image: reference }).values[0]!.layout).toBeNull();
  });

  it('classifies value conventions', () => {
    expect(scaleConvention({ min: 0, max: 1, mean: 0.5, std: 0.2 })).toBe('0-1');
    expect(scaleConvention({ min: 0, max: 255, mean: 120, std: 50 })).toBe('0-255');
    expect(scaleConvention({ min: -1, max: 1, mean: 0, std: 0.5 })).toBe('-1-1');
    expect(scaleConvention({ min: -2.1, max: 2.6, mean: 0.02, std: 1 })).toBe('standardized');
    expect(scaleConvention({ min: 10, max: 5000, mean: 900, std: 300 })).toBe('other');
  });
});
