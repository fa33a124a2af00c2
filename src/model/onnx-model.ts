// Reads and writes ONNX ModelProto with protobufjs over the official onnx.proto3 (vendored beside
// this file), so the `model` diagnostic can state a model's identity (IR version, opsets,
// producer, metadata, typed inputs and outputs) and rewrite its graph in memory (every
// intermediate tensor exposed as an output) without a hand-written protobuf codec.
// A file that does not decode, or decodes to something without a graph, is a one-line InputError.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { InputError } from '../core/errors.ts';

const root = protobuf.parse(readFileSync(new URL('./onnx.proto3', import.meta.url), 'utf8'), { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');
const TensorProto = root.lookupType('onnx.TensorProto');

type Int64 = number | { toNumber(): number };

/** The decoded protobuf messages, with the snake_case names of onnx.proto3 (only the fields used here). */
export interface DimProto { dim_value?: Int64; dim_param?: string }
export interface TypeProto { tensor_type?: { elem_type?: number; shape?: { dim?: DimProto[] } }; sequence_type?: unknown; map_type?: unknown; optional_type?: unknown }
export interface ValueInfoProto { name: string; type?: TypeProto }
export interface StringEntry { key: string; value: string }
export interface TensorProtoMessage {
  name?: string;
  dims?: Int64[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  double_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  uint64_data?: Int64[];
  /** 1 = EXTERNAL. */
  data_location?: number;
  external_data?: StringEntry[];
}
export interface NodeProto { name?: string; op_type: string; domain?: string; input: string[]; output: string[] }
export interface GraphProto { name?: string; node: NodeProto[]; initializer: TensorProtoMessage[]; input: ValueInfoProto[]; output: ValueInfoProto[]; value_info: ValueInfoProto[] }
export interface ModelMessage {
  ir_version?: Int64;
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
  opset_import: Array<{ domain?: string; version?: Int64 }>;
  metadata_props: StringEntry[];
}

export function int(x: Int64 | undefined | null): number {
  if (x === undefined || x === null) return 0;
  return typeof x === 'number' ? x : x.toNumber();
}

/** ONNX TensorProto.DataType code → onnxruntime-node's type name (the ones that can be a tensor's element type). */
export const ELEM_TYPES: Readonly<Record<number, string>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
  17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4',
};

/** One graph input or output as the report shows it: `dims` holds numbers (fixed) and names (symbolic, '?' when unnamed). */
export interface TensorSignature {
  name: string;
  /** onnxruntime type name (`float32`), or `sequence`/`map`/`optional` for non-tensors. */
  type: string;
  dims: Array<number | string> | null;
}

export function signatureOf(v: ValueInfoProto): TensorSignature {
  const t = v.type;
  if (t?.tensor_type) {
    const dims = t.tensor_type.shape?.dim?.map((d) => (d.dim_param ? d.dim_param : d.dim_value !== undefined && d.dim_value !== null ? int(d.dim_value) : '?')) ?? null;
    return { name: v.name, type: ELEM_TYPES[t.tensor_type.elem_type ?? 0] ?? `elem_type ${t.tensor_type.elem_type ?? 0}`, dims };
  }
  const kind = t?.sequence_type ? 'sequence' : t?.map_type ? 'map' : t?.optional_type ? 'optional' : 'unknown';
  return { name: v.name, type: kind, dims: null };
}

/**
 * Decodes a ModelProto. `label` names the file in errors: "x.onnx is not an ONNX model (…)" for
 * bytes that are not protobuf or end early, "… decodes as protobuf but is not an ONNX model" for a
 * message without an IR version or a graph.
 */
export function decodeModel(bytes: Uint8Array, label: string): ModelMessage {
  let model: ModelMessage;
  try {
    model = ModelProto.decode(bytes) as unknown as ModelMessage;
  } catch (err) {
    const why = (err as Error).message;
    const truncated = /index out of range/.test(why);
    throw new InputError(`${label} is not an ONNX model: ${truncated ? `the protobuf ends early (truncated or not protobuf: ${why})` : `not a protobuf message (${why})`}`, { cause: err });
  }
  const graph = model.graph;
  if (int(model.ir_version) <= 0 || !graph || (graph.node.length === 0 && graph.output.length === 0)) {
    const missing = [int(model.ir_version) <= 0 ? 'no IR version' : '', !graph ? 'no graph' : graph.node.length === 0 && graph.output.length === 0 ? 'an empty graph' : ''].filter(Boolean).join(', ');
    throw new InputError(`${label} decodes as protobuf but is not an ONNX model (${missing})`);
  }
  return model;
}

export function encodeModel(model: ModelMessage): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model as unknown as Record<string, unknown>)).finish();
}

export function decodeTensor(bytes: Uint8Array, label: string): TensorProtoMessage {
  try {
    return TensorProto.decode(bytes) as unknown as TensorProtoMessage;
  } catch (err) {
    throw new InputError(`${label} is not an ONNX TensorProto: ${(err as Error).message}`, { cause: err });
  }
}

/** Files an external-data model refers to (`location` of every initializer stored outside), with the bytes each must hold at least. */
export function externalDataFiles(graph: GraphProto): Array<{ location: string; minBytes: number; tensors: number }> {
  const files = new Map<string, { location: string; minBytes: number; tensors: number }>();
  const visit = (tensors: TensorProtoMessage[]) => {
    for (const t of tensors) {
      if (t.data_location !== 1) continue;
      const entry = (k: string) => t.external_data?.find((e) => e.key === k)?.value;
      const location = entry('location');
      if (!location) continue;
      const end = Number(entry('offset') ?? 0) + Number(entry('length') ?? 0);
      const f = files.get(location) ?? { location, minBytes: 0, tensors: 0 };
      f.minBytes = Math.max(f.minBytes, end);
      f.tensors++;
      files.set(location, f);
    }
  };
  visit(graph.initializer);
  return [...files.values()];
}
