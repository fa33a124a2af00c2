// A small reader for NumPy .npy files (format versions 1–3), since that is what teams keep their
// golden inputs and outputs in. It reads the dtypes models take — float32, float64, int64, int32,
// uint8, bool (plus int8, int16, uint16, float16) — little-endian, C order. Anything else is a
// one-line InputError naming the file and the dtype, never a misread array.
import { InputError } from '../core/errors.ts';
import type { HostTensor } from './host-tensor.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** NumPy descr (without byte order) → element type and bytes per element. */
const DESCRS: Readonly<Record<string, { dtype: HostTensor['dtype']; bytes: number }>> = {
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
  f2: { dtype: 'float16', bytes: 2 },
  i8: { dtype: 'int64', bytes: 8 },
  i4: { dtype: 'int32', bytes: 4 },
  i2: { dtype: 'int16', bytes: 2 },
  i1: { dtype: 'int8', bytes: 1 },
  u2: { dtype: 'uint16', bytes: 2 },
  u1: { dtype: 'uint8', bytes: 1 },
  b1: { dtype: 'bool', bytes: 1 },
};

/** Parses the bytes of a .npy file; `label` names it in errors. */
export function readNpy(bytes: Uint8Array, label: string): HostTensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new InputError(`${label} is not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new InputError(`${label}: .npy format version ${major} is not supported (1–3 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new InputError(`${label}: .npy header runs past the end of the file (truncated)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new InputError(`${label}: .npy header is malformed: ${header.trim().slice(0, 120)}`);
  if (fortran === 'True') throw new InputError(`${label}: Fortran-ordered arrays are not supported; save it with np.ascontiguousarray`);
  const order = descr[0];
  const kind = descr.slice(1);
  const spec = DESCRS[kind];
  if (!spec || !(order === '<' || order === '|' || (order === '=' && spec.bytes === 1))) {
    throw new InputError(`${label}: .npy dtype '${descr}' is not supported (little-endian float32, float64, float16, int64, int32, int16, int8, uint16, uint8, bool are)`);
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new InputError(`${label}: .npy shape (${shapeText}) is malformed`);
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const need = count * spec.bytes;
  if (bytes.length - dataStart < need) throw new InputError(`${label}: .npy holds ${bytes.length - dataStart} data bytes; shape (${dims.join(', ')}) of ${descr} needs ${need} (truncated)`);
  // Copy into an aligned buffer: the data offset need not be a multiple of the element size.
  const raw = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + need).buffer;
  return { dtype: spec.dtype, dims, data: typedView(spec.dtype, raw) };
}

function typedView(dtype: HostTensor['dtype'], buf: ArrayBuffer): HostTensor['data'] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'float16':
      return new Uint16Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'int16':
      return new Int16Array(buf);
    case 'int8':
      return new Int8Array(buf);
    case 'uint16':
      return new Uint16Array(buf);
    default:
      return new Uint8Array(buf);
  }
}
