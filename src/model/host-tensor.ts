// Tensors as the `model` diagnostic reads them from files a team has — JSON, NumPy .npy and ONNX
// TensorProto .pb (the onnx test-data convention) — with the dtype the file says (JSON numbers
// have none: `number`), so the input contract can compare it with the model's, and conversions to
// onnxruntime tensors (cast to the model's element type) and to plain numbers for statistics.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { InputError } from '../core/errors.ts';
import { createTensor } from '../profile/input-synthesis.ts';
import { readNpy } from './npy.ts';
import { decodeTensor, ELEM_TYPES, int, type TensorProtoMessage } from './onnx-model.ts';

export type HostDType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint16' | 'uint8' | 'bool' | 'number';

/** A tensor read from a file. float16 data are IEEE half bit patterns; `number` is JSON (no dtype given). */
export interface HostTensor {
  dtype: HostDType;
  dims: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;
}

export const elementCount = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Values as float64 (int64 through Number; float16 decoded). */
export function toNumbers(t: { dtype: string; data: ArrayLike<number | bigint> }): Float64Array {
  const n = t.data.length;
  const out = new Float64Array(n);
  const d = t.data;
  if (t.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToFloat(Number(d[i]));
  else for (let i = 0; i < n; i++) out[i] = Number(d[i]);
  return out;
}

/** An onnxruntime output or input as a HostTensor-like view for statistics. */
export function ortNumbers(t: Tensor): Float64Array {
  if (t.type === 'string') return new Float64Array(0);
  return toNumbers({ dtype: t.type, data: t.data as ArrayLike<number | bigint> });
}

/** onnxruntime tensor of `type` (the model's element type) holding `t`'s values. */
export function toOrtTensor(t: HostTensor, type: string, what: string): Tensor {
  if (t.dtype === type || (type === 'bool' && t.dtype === 'bool')) return createTensor(type as Tensor.Type, t.data as Tensor.DataType, t.dims);
  const values = toNumbers(t);
  const n = values.length;
  let data: Tensor.DataType;
  switch (type) {
    case 'float32':
      data = Float32Array.from(values);
      break;
    case 'float64':
      data = values;
      break;
    case 'int64':
    case 'uint64': {
      const a = type === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      for (let i = 0; i < n; i++) {
        if (!Number.isInteger(values[i])) throw new InputError(`${what}: value ${values[i]} is not an integer, but the model takes ${type}`);
        a[i] = BigInt(values[i]!);
      }
      data = a;
      break;
    }
    case 'int32':
      data = Int32Array.from(values);
      break;
    case 'int16':
      data = Int16Array.from(values);
      break;
    case 'int8':
      data = Int8Array.from(values);
      break;
    case 'uint8':
    case 'bool':
      data = Uint8Array.from(values, (v) => (type === 'bool' ? (v ? 1 : 0) : v));
      break;
    case 'uint16':
      data = Uint16Array.from(values);
      break;
    case 'uint32':
      data = Uint32Array.from(values);
      break;
    case 'float16': {
      const F16 = (globalThis as unknown as { Float16Array: new (v: ArrayLike<number>) => { buffer: ArrayBuffer } }).Float16Array;
      data = new Uint16Array(new F16(values).buffer);
      break;
    }
    default:
      throw new InputError(`${what}: the model takes ${type}, which cannot be fed from a file here`);
  }
  return createTensor(type as Tensor.Type, data, t.dims);
}

type JsonValue = number | boolean | JsonValue[];

function flatten(value: unknown, depth: number, dims: number[], out: number[], what: string): void {
  if (!Array.isArray(value)) {
    if (depth !== dims.length) throw new InputError(`${what} is a ragged array`);
    if (typeof value === 'boolean') out.push(value ? 1 : 0);
    else if (typeof value === 'number') out.push(value);
    else if (value === null || value === 'NaN') out.push(Number.NaN);
    else throw new InputError(`${what}: ${JSON.stringify(value).slice(0, 40)} is not a number`);
    return;
  }
  if (depth === dims.length) dims.push(value.length);
  else if (dims[depth] !== value.length) throw new InputError(`${what} is a ragged array`);
  for (const v of value) flatten(v, depth + 1, dims, out, what);
}

const JSON_DTYPES = new Set<string>(['float32', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint16', 'uint8', 'bool']);

/** One JSON tensor: a (nested) array or number, or `{ "dims": [...], "data": [...], "dtype"?: "float32" }`. */
export function tensorFromJson(value: unknown, what: string): HostTensor {
  let dims: number[] = [];
  const flat: number[] = [];
  let dtype: HostDType = 'number';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as { dims?: unknown; shape?: unknown; data?: unknown; dtype?: unknown; type?: unknown };
    const d = v.dims ?? v.shape;
    const declared = v.dtype ?? v.type;
    if (declared !== undefined) {
      if (typeof declared !== 'string' || !JSON_DTYPES.has(declared)) throw new InputError(`${what}: dtype ${JSON.stringify(declared)} is not one of ${[...JSON_DTYPES].join(', ')}`);
      dtype = declared as HostDType;
    }
    if (!Array.isArray(v.data)) throw new InputError(`${what} must be a number, a nested array, or { "dims": [...], "data": [...] }`);
    flatten(v.data as JsonValue[], 0, [], flat, what);
    if (d === undefined) dims = [flat.length];
    else {
      if (!Array.isArray(d) || !d.every((x) => Number.isInteger(x) && x >= 0)) throw new InputError(`${what}: dims must be whole numbers ≥ 0`);
      dims = d as number[];
      if (elementCount(dims) !== flat.length) throw new InputError(`${what} has ${flat.length} values for dims [${dims.join(', ')}] (${elementCount(dims)} expected)`);
    }
  } else {
    flatten(value, 0, dims, flat, what);
  }
  if (dtype === 'number') return { dtype, dims, data: Float64Array.from(flat) };
  return { dtype, dims, data: toOrtTensor({ dtype: 'number', dims, data: Float64Array.from(flat) }, dtype, what).data as HostTensor['data'] };
}

/** A TensorProto (.pb) as a HostTensor. */
export function tensorFromProto(bytes: Uint8Array, label: string): { name: string; tensor: HostTensor } {
  return tensorFromMessage(decodeTensor(bytes, label), label);
}

/** A decoded TensorProto (a .pb file, or an initializer) as a HostTensor. */
export function tensorFromMessage(t: TensorProtoMessage, label: string): { name: string; tensor: HostTensor } {
  const type = ELEM_TYPES[t.data_type ?? 0];
  const dims = (t.dims ?? []).map(int);
  const count = elementCount(dims);
  if (!type || !JSON_DTYPES.has(type) && type !== 'float16') throw new InputError(`${label}: TensorProto element type ${type ?? t.data_type} is not supported`);
  if (t.data_location === 1) throw new InputError(`${label}: a TensorProto with external data is not supported`);
  const dtype = type as HostDType;
  let data: HostTensor['data'];
  if (t.raw_data && t.raw_data.length > 0) {
    // A copy: protobufjs hands out Buffer views into the whole file, which need not be aligned.
    const buf = Uint8Array.from(t.raw_data).buffer;
    const per: Record<string, number> = { float32: 4, float64: 8, float16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint16: 2, uint8: 1, bool: 1 };
    if (t.raw_data.length !== count * per[dtype]!) throw new InputError(`${label}: raw_data holds ${t.raw_data.length} bytes for dims [${dims.join(', ')}] of ${dtype}`);
    const Ctor = (
      { float32: Float32Array, float64: Float64Array, float16: Uint16Array, int64: BigInt64Array, int32: Int32Array, int16: Int16Array, int8: Int8Array, uint16: Uint16Array, uint8: Uint8Array, bool: Uint8Array } as Record<string, new (b: ArrayBuffer) => HostTensor['data']>
    )[dtype]!;
    data = new Ctor(buf);
  } else {
    const values: number[] = dtype === 'float32' ? (t.float_data ?? []) : dtype === 'float64' ? (t.double_data ?? []) : dtype === 'int64' ? (t.int64_data ?? []).map(int) : (t.int32_data ?? []);
    if (values.length !== count) throw new InputError(`${label}: holds ${values.length} values for dims [${dims.join(', ')}]`);
    data = dtype === 'float16' ? Uint16Array.from(values) : (toOrtTensor({ dtype: 'number', dims, data: Float64Array.from(values) }, dtype, label).data as HostTensor['data']);
  }
  return { name: t.name ?? '', tensor: { dtype, dims, data } };
}

/**
 * Named tensors from a file: .json (an object of name → tensor), .npy (one tensor named after
 * the file), .pb (one TensorProto, named by its `name` field or the file).
 */
export async function readTensorFile(path: string, flag: string): Promise<Record<string, HostTensor>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InputError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const ext = extname(path).toLowerCase();
  const stem = basename(path, extname(path));
  if (ext === '.npy') return { [stem]: readNpy(bytes, `${flag} ${path}`) };
  if (ext === '.pb') {
    const { name, tensor } = tensorFromProto(bytes, `${flag} ${path}`);
    return { [name || stem]: tensor };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InputError(`${flag} ${path}: not JSON, .npy or .pb: ${(err as Error).message}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${flag} ${path}: expected a JSON object of tensor name → value`);
  return Object.fromEntries(Object.entries(json).map(([name, v]) => [name, tensorFromJson(v, `${flag} ${path}: '${name}'`)]));
}
