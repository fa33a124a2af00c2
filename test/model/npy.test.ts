// The .npy reader on files numpy wrote (test/fixtures/model/make-fixtures.py): every supported
// dtype with known values, a 0-d array, and the files it must refuse in one line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { toNumbers } from '../../src/model/host-tensor.ts';
import { readNpy } from '../../src/model/npy.ts';

const DIR = 'test/fixtures/model';
const read = (path: string) => readNpy(readFileSync(`${DIR}/${path}`), path);

describe('readNpy', () => {
  it.each(['float32', 'float64', 'int64', 'int32', 'uint8', 'bool'])('reads %s in C order with its shape', (dtype) => {
    const t = read(`npy-dtypes/${dtype}.npy`);
    expect(t.dtype).toBe(dtype);
    expect(t.dims).toEqual([2, 3]);
    const expected = dtype === 'bool' ? [0, 1, 1, 1, 1, 1] : [0, 1, 2, 3, 250, 5];
    expect([...toNumbers(t)]).toEqual(expected);
  });

  it('reads a 0-d array as a scalar', () => {
    const t = read('npy-dtypes/scalar-float32.npy');
    expect(t.dims).toEqual([]);
    expect([...toNumbers(t)]).toEqual([-3.5]);
  });

  it('reads an image tensor numpy saved (shape, dtype and a known pixel)', () => {
    const t = read('requests/reference.npy');
    expect(t).toMatchObject({ dtype: 'float32', dims: [1, 3, 8, 8] });
    const v = toNumbers(t);
    // reference[0, :, 7, 7] = 1 (a white pixel) in every channel
    for (let c = 0; c < 3; c++) expect(v[c * 64 + 7 * 8 + 7]).toBe(1);
  });

  it('refuses unsupported dtypes, byte order and Fortran order with one line naming the file', () => {
    expect(() => read('requests/complex.npy')).toThrow(InputError);
    expect(() => read('requests/complex.npy')).toThrow(/requests\/complex\.npy: \.npy dtype '<c8' is not supported/);
    expect(() => read('requests/big-endian.npy')).toThrow(/dtype '>f4' is not supported/);
    expect(() => read('requests/fortran.npy')).toThrow(/Fortran-ordered/);
  });

  it('refuses a file that is not .npy, and a truncated one', () => {
    expect(() => readNpy(Buffer.from('{"x": [1, 2]}'), 'x.npy')).toThrow(/x\.npy is not a \.npy file/);
    const whole = readFileSync(`${DIR}/requests/reference.npy`);
    expect(() => readNpy(whole.subarray(0, whole.length - 10), 'cut.npy')).toThrow(/cut\.npy: \.npy holds \d+ data bytes; .* needs 768 \(truncated\)/);
    expect(() => readNpy(whole.subarray(0, 40), 'head.npy')).toThrow(/header runs past the end/);
  });
});
