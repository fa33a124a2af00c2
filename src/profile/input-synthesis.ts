// Builds the tensors a profile run feeds a model, from the model's own input metadata (names,
// element types, shapes with symbolic dimensions) or from a JSON inputs file. Latency rarely
// depends on values, so synthesized data is simple and deterministic:
//   floats: pseudo-random in [0, 1); integers: 1 (a valid token id, index or count); bool: true;
//   string: "a". `--value name=v` sets every element of one input to v (e.g. `--value sr=16000`).
// Dynamic dimensions take their value from `--dim name=value`; the batch dimension (a symbolic
// dimension named like batch/N, else the first symbolic dimension) from the batch size.
import ort from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InputError } from '../core/errors.ts';

/** Largest tensor synthesized, in elements (1 GiB of float32). */
export const MAX_INPUT_ELEMENTS = 2 ** 28;

/** One model input with every dimension fixed. */
export interface ResolvedInput {
  name: string;
  type: Tensor.Type;
  dims: number[];
}

export interface ShapeOptions {
  /** Values for symbolic dimensions, by name (`--dim sequence=512`). */
  dims: Readonly<Record<string, number>>;
  /** Value of the batch dimension, when the model has one (default 1). */
  batchSize?: number;
}

const BATCH_NAME = /^(n|bs|batch|batch_?size|.*batch.*)$/i;

/**
 * The model's batch dimension: a symbolic dimension named like `batch`, `batch_size` or `N`, else
 * the first symbolic dimension of the first input whose leading dimension is symbolic. Undefined
 * when no input has such a dimension (the model takes a fixed batch).
 */
export function detectBatchDim(inputs: readonly InferenceSession.ValueMetadata[]): string | undefined {
  const symbolic = inputs.flatMap((m) => (m.isTensor ? m.shape.filter((d): d is string => typeof d === 'string') : []));
  const named = symbolic.find((d) => BATCH_NAME.test(d));
  if (named !== undefined) return named;
  for (const m of inputs) {
    if (m.isTensor && typeof m.shape[0] === 'string' && m.shape[0] !== '') return m.shape[0];
  }
  return undefined;
}

/**
 * Fixes every dimension of every input. Throws InputError naming the input and the dimension that
 * needs `--dim`, or an input that is not a tensor.
 */
export function resolveInputShapes(inputs: readonly InferenceSession.ValueMetadata[], options: ShapeOptions): ResolvedInput[] {
  const batchDim = detectBatchDim(inputs);
  return inputs.map((m) => {
    if (!m.isTensor) throw new InputError(`input '${m.name}' is not a tensor (a sequence or map): pass it with --inputs <file.json>`);
    const dims = m.shape.map((d, i) => {
      if (typeof d === 'number') return d;
      const name = d === '' ? `${m.name}[${i}]` : d;
      const given = options.dims[name];
      if (given !== undefined) return given;
      if (d === batchDim) return options.batchSize ?? 1;
      throw new InputError(`input '${m.name}' dim '${name}' is dynamic: pass --dim ${name}=<n>`);
    });
    const elements = dims.reduce((a, b) => a * b, 1);
    if (elements > MAX_INPUT_ELEMENTS) {
      throw new InputError(`input '${m.name}' would have ${elements} elements (shape [${dims.join(', ')}]); the limit is ${MAX_INPUT_ELEMENTS}: pass smaller --dim values`);
    }
    return { name: m.name, type: m.type, dims };
  });
}

function parseElement(type: Tensor.Type, raw: string | number | boolean, input: string): number | bigint | boolean | string {
  if (type === 'string') return String(raw);
  if (type === 'bool') {
    if (raw === true || raw === 'true' || raw === 1 || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === 0 || raw === '0') return false;
    throw new InputError(`input '${input}' is bool: value ${JSON.stringify(raw)} is not true/false`);
  }
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (typeof raw === 'boolean' || !Number.isFinite(n)) throw new InputError(`input '${input}' is ${type}: value ${JSON.stringify(raw)} is not a number`);
  if (type === 'int64' || type === 'uint64') {
    if (!Number.isInteger(n)) throw new InputError(`input '${input}' is ${type}: value ${JSON.stringify(raw)} is not an integer`);
    return BigInt(n);
  }
  return n;
}

/**
 * `new ort.Tensor(type, data, dims)`, working around float16 inputs on Node ≥ 23: onnxruntime-common
 * turns the Uint16Array into a Float16Array view, whose byte length onnxruntime-node 1.30's binding
 * reads as 0 ("not enough space: expected 16, got 0"; microsoft/onnxruntime#26791, fix pending in
 * #32323). Putting the Uint16Array bits back as the tensor's CPU data makes the binding read them.
 */
export function createTensor(type: Tensor.Type, data: Tensor.DataType, dims: readonly number[]): Tensor {
  const tensor = new ort.Tensor(type, data as never, dims);
  if (type === 'float16') {
    const bits = data instanceof Uint16Array ? data : new Uint16Array((data as unknown as ArrayBufferView).buffer, (data as unknown as ArrayBufferView).byteOffset, (data as unknown as ArrayBufferView).byteLength / 2);
    (tensor as unknown as { cpuData: Uint16Array }).cpuData = bits;
  }
  return tensor;
}

/** IEEE half-precision bit patterns, the form onnxruntime takes float16 data in. */
function float16Bits(values: number[]): Uint16Array {
  const F16 = (globalThis as unknown as { Float16Array: new (v: number[]) => { buffer: ArrayBuffer } }).Float16Array;
  return new Uint16Array(new F16(values).buffer);
}

/** Typed data of `count` elements; `fill` undefined means the synthesized default for the type. */
function tensorData(type: Tensor.Type, count: number, fill: number | bigint | boolean | string | undefined, input: string): Tensor.DataType {
  switch (type) {
    case 'float32':
    case 'float64': {
      const data = type === 'float32' ? new Float32Array(count) : new Float64Array(count);
      if (fill !== undefined) data.fill(Number(fill));
      else for (let i = 0, s = 12345; i < count; i++) data[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
      return data;
    }
    case 'float16':
      return float16Bits(new Array<number>(count).fill(fill === undefined ? 0.5 : Number(fill)));
    case 'int8':
      return new Int8Array(count).fill(Number(fill ?? 1));
    case 'uint8':
      return new Uint8Array(count).fill(Number(fill ?? 1));
    case 'int16':
      return new Int16Array(count).fill(Number(fill ?? 1));
    case 'uint16':
      return new Uint16Array(count).fill(Number(fill ?? 1));
    case 'int32':
      return new Int32Array(count).fill(Number(fill ?? 1));
    case 'uint32':
      return new Uint32Array(count).fill(Number(fill ?? 1));
    case 'int64':
      return new BigInt64Array(count).fill(typeof fill === 'bigint' ? fill : 1n);
    case 'uint64':
      return new BigUint64Array(count).fill(typeof fill === 'bigint' ? fill : 1n);
    case 'bool':
      return new Uint8Array(count).fill(fill === false ? 0 : 1);
    case 'string':
      return new Array<string>(count).fill(fill === undefined ? 'a' : String(fill));
    default:
      throw new InputError(`input '${input}' has element type ${type}, which cannot be synthesized: pass it with --inputs <file.json>`);
  }
}

/**
 * Synthesized feeds for resolved inputs. `values` (from `--value name=v`) sets every element of
 * the named input; a name the model does not have is an InputError.
 */
export function synthesizeFeeds(inputs: readonly ResolvedInput[], values: Readonly<Record<string, string>> = {}): Record<string, Tensor> {
  for (const name of Object.keys(values)) {
    if (!inputs.some((i) => i.name === name)) throw new InputError(`--value ${name}: the model has no input '${name}' (inputs: ${inputs.map((i) => i.name).join(', ')})`);
  }
  const feeds: Record<string, Tensor> = {};
  for (const input of inputs) {
    const raw = values[input.name];
    const fill = raw === undefined ? undefined : parseElement(input.type, raw, input.name);
    const count = input.dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = createTensor(input.type, tensorData(input.type, count, fill, input.name), input.dims);
  }
  return feeds;
}

type JsonValue = number | string | boolean | JsonValue[];

function flatten(value: JsonValue, depth: number, dims: number[], out: Array<number | string | boolean>, input: string): void {
  if (!Array.isArray(value)) {
    if (depth !== dims.length) throw new InputError(`--inputs: '${input}' is a ragged array`);
    out.push(value);
    return;
  }
  if (depth === dims.length) dims.push(value.length);
  else if (dims[depth] !== value.length) throw new InputError(`--inputs: '${input}' is a ragged array`);
  for (const v of value) flatten(v, depth + 1, dims, out, input);
}

/**
 * Feeds from a parsed inputs file: `{ "<input>": <value> }` where a value is a number, string,
 * boolean or (nested) array whose nesting gives the shape, or `{ "dims": [...], "data": [flat] }`.
 * Element types come from the model. Inputs the file leaves out are synthesized (`missing`).
 */
export function feedsFromJson(json: unknown, inputs: readonly InferenceSession.ValueMetadata[], file: string): { given: Record<string, Tensor>; missing: string[] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${file}: expected a JSON object of input name → value`);
  const entries = json as Record<string, unknown>;
  const given: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(entries)) {
    const meta = inputs.find((m) => m.name === name);
    if (meta === undefined) throw new InputError(`${file}: the model has no input '${name}' (inputs: ${inputs.map((m) => m.name).join(', ')})`);
    if (!meta.isTensor) throw new InputError(`${file}: input '${name}' is not a tensor and cannot be read from JSON`);
    let dims: number[] = [];
    const flat: Array<number | string | boolean> = [];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const { dims: d, data } = value as { dims?: unknown; data?: unknown };
      if (!Array.isArray(d) || !d.every((x) => Number.isInteger(x) && x >= 0) || !Array.isArray(data)) {
        throw new InputError(`${file}: input '${name}' must be a value, a nested array, or { "dims": [...], "data": [...] }`);
      }
      dims = d as number[];
      flatten(data as JsonValue, 0, [], flat, name);
      const expected = dims.reduce((a, b) => a * b, 1);
      if (flat.length !== expected) throw new InputError(`${file}: input '${name}' has ${flat.length} values for dims [${dims.join(', ')}] (${expected} expected)`);
    } else {
      flatten(value as JsonValue, 0, dims, flat, name);
    }
    const elements = flat.map((v) => parseElement(meta.type, v, name));
    let data: Tensor.DataType;
    if (meta.type === 'float16') data = float16Bits(elements as number[]);
    else {
      data = tensorData(meta.type, elements.length, undefined, name);
      const writable = data as unknown as { [i: number]: unknown };
      elements.forEach((v, i) => {
        writable[i] = meta.type === 'bool' ? (v ? 1 : 0) : v;
      });
    }
    given[name] = createTensor(meta.type, data, dims);
  }
  return { given, missing: inputs.map((m) => m.name).filter((n) => !(n in given)) };
}
