// Writes small, valid ONNX models in tests, so profiling tests run real onnxruntime sessions on
// graphs whose shape is known (a MatMul/Gemm chain whose throughput grows with batch size).
// A hand-rolled protobuf encoder for the few ONNX messages needed: ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto. Field numbers from onnx/onnx.proto3.

/** ONNX TensorProto.DataType codes used here. */
export const ELEM = { float: 1, int32: 6, int64: 7, bool: 9, float16: 10 } as const;

type Bytes = number[];

function varint(out: Bytes, value: number | bigint): void {
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
}

function tag(out: Bytes, field: number, wire: number): void {
  varint(out, (field << 3) | wire);
}

function intField(out: Bytes, field: number, value: number | bigint): void {
  tag(out, field, 0);
  varint(out, value);
}

function bytesField(out: Bytes, field: number, bytes: ArrayLike<number>): void {
  tag(out, field, 2);
  varint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i] as number);
}

function stringField(out: Bytes, field: number, s: string): void {
  bytesField(out, field, new TextEncoder().encode(s));
}

function floatField(out: Bytes, field: number, f: number): void {
  tag(out, field, 5);
  out.push(...new Uint8Array(Float32Array.of(f).buffer));
}

/** A dimension: a number is fixed, a string is symbolic (dim_param). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  elemType: number;
  dims: Dim[];
}

export interface Initializer {
  name: string;
  dims: number[];
  /** float32 values, row-major. */
  values: Float32Array;
}

export interface Node {
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Integer and float attributes, e.g. `{ transB: 1 }` or `{ alpha: 0.5 }` (floats need a fraction or `floats`). */
  ints?: Record<string, number>;
  floats?: Record<string, number>;
}

export interface GraphSpec {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Initializer[];
  nodes: Node[];
  /** Default opset 17. */
  opset?: number;
}

function valueInfo(v: ValueInfo): Bytes {
  const shape: Bytes = [];
  for (const d of v.dims) {
    const dim: Bytes = [];
    if (typeof d === 'number') intField(dim, 1, d);
    else stringField(dim, 2, d);
    bytesField(shape, 1, dim);
  }
  const tensorType: Bytes = [];
  intField(tensorType, 1, v.elemType);
  bytesField(tensorType, 2, shape);
  const type: Bytes = [];
  bytesField(type, 1, tensorType);
  const out: Bytes = [];
  stringField(out, 1, v.name);
  bytesField(out, 2, type);
  return out;
}

function tensor(t: Initializer): Bytes {
  const out: Bytes = [];
  for (const d of t.dims) intField(out, 1, d);
  intField(out, 2, ELEM.float);
  stringField(out, 8, t.name);
  bytesField(out, 9, new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  return out;
}

function node(n: Node, index: number): Bytes {
  const out: Bytes = [];
  for (const i of n.inputs) stringField(out, 1, i);
  for (const o of n.outputs) stringField(out, 2, o);
  stringField(out, 3, `${n.opType}_${index}`);
  stringField(out, 4, n.opType);
  for (const [name, value] of Object.entries(n.ints ?? {})) {
    const attr: Bytes = [];
    stringField(attr, 1, name);
    intField(attr, 3, value);
    intField(attr, 20, 2);
    bytesField(out, 5, attr);
  }
  for (const [name, value] of Object.entries(n.floats ?? {})) {
    const attr: Bytes = [];
    stringField(attr, 1, name);
    floatField(attr, 2, value);
    intField(attr, 20, 1);
    bytesField(out, 5, attr);
  }
  return out;
}

/** Serialises a single-graph ONNX model (IR version 8, default opset 17). */
export function buildModel(spec: GraphSpec): Uint8Array {
  const graph: Bytes = [];
  spec.nodes.forEach((n, i) => bytesField(graph, 1, node(n, i)));
  stringField(graph, 2, 'test-graph');
  for (const t of spec.initializers ?? []) bytesField(graph, 5, tensor(t));
  for (const v of spec.inputs) bytesField(graph, 11, valueInfo(v));
  for (const v of spec.outputs) bytesField(graph, 12, valueInfo(v));
  const opset: Bytes = [];
  stringField(opset, 1, '');
  intField(opset, 2, spec.opset ?? 17);
  const model: Bytes = [];
  intField(model, 1, 8);
  stringField(model, 2, 'inference-debugger-tests');
  bytesField(model, 7, graph);
  bytesField(model, 8, opset);
  return Uint8Array.from(model);
}

/** Deterministic weights in [-0.5, 0.5). */
function weights(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/**
 * A dense two-layer network: `x [batch, width]` → MatMul → Relu → Gemm → `y [batch, width]`.
 * Compute is all MatMul/Gemm, and per-sample cost falls with batch size (the weights are read
 * once per run), so throughput grows with batch.
 */
export function denseModel(width = 128): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', width] }],
    outputs: [{ name: 'y', elemType: ELEM.float, dims: ['batch', width] }],
    initializers: [
      { name: 'w1', dims: [width, width], values: weights(width * width, 1) },
      { name: 'w2', dims: [width, width], values: weights(width * width, 2) },
      { name: 'b2', dims: [width], values: weights(width, 3) },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
      { opType: 'Relu', inputs: ['h'], outputs: ['r'] },
      { opType: 'Gemm', inputs: ['r', 'w2', 'b2'], outputs: ['y'] },
    ],
  });
}

/**
 * A model dominated by one element-wise operator: `x [batch, rows, 256]` → Pow(x, 1.7) →
 * MatMul with a `[256, 1]` weight → `y [batch, rows, 1]`. A non-integer power costs an exp and a
 * log per element, the MatMul one multiply-add per element, so nearly all kernel time is Pow.
 */
export function elementwiseModel(rows = 256): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', rows, 256] }],
    outputs: [{ name: 'y', elemType: ELEM.float, dims: ['batch', rows, 1] }],
    initializers: [
      { name: 'w', dims: [256, 1], values: weights(256, 4) },
      { name: 'p', dims: [], values: Float32Array.of(1.7) },
    ],
    nodes: [
      { opType: 'Pow', inputs: ['x', 'p'], outputs: ['e'] },
      { opType: 'MatMul', inputs: ['e', 'w'], outputs: ['y'] },
    ],
  });
}
