// Which model this is: its sha256 and size (hashed as a stream, never the whole file in memory),
// the ModelProto header (IR version, opsets, producer, graph name, metadata_props where teams keep
// a version tag), its typed inputs and outputs, and the external data files it needs (each must
// exist beside it and be long enough). `--expect-sha256` / `--expect-version` are compared here.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { InputError } from '../core/errors.ts';
import { decodeModel, externalDataFiles, int, signatureOf, type ModelMessage, type TensorSignature } from './onnx-model.ts';

/** Bytes read per chunk while hashing (4 MiB: fewer calls into OpenSSL than the 64 KiB default). */
const HASH_CHUNK_BYTES = 4 * 1024 * 1024;

/** Metadata keys read as the model's version tag, first match wins (case-insensitive). */
export const VERSION_KEYS = ['version', 'model_version', 'modelversion', 'model-version', 'tag', 'release', 'git_sha', 'commit'];

export interface ModelIdentity {
  sha256: string;
  sizeBytes: number;
  irVersion: number;
  opsets: Array<{ domain: string; version: number }>;
  producer: { name: string; version: string };
  graphName: string;
  /** ModelProto.model_version when set (an integer), else null. */
  modelVersion: number | null;
  metadata: Record<string, string>;
  /** The version tag read from metadata (key and value), when there is one. */
  versionTag: { key: string; value: string } | null;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  nodes: number;
  externalData: Array<{ location: string; sizeBytes: number; tensors: number }>;
}

/** sha256 (hex) and size of a file, streamed. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES, signal })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), sizeBytes: size };
}

export function versionTagOf(metadata: Record<string, string>, modelVersion: number | null): { key: string; value: string } | null {
  const lower = new Map(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));
  for (const key of VERSION_KEYS) {
    const hit = lower.get(key);
    if (hit) return { key: hit[0], value: hit[1] };
  }
  return modelVersion !== null ? { key: 'model_version', value: String(modelVersion) } : null;
}

/** The identity fields of a decoded model (no hash). */
export function describeModel(model: ModelMessage): Omit<ModelIdentity, 'sha256' | 'sizeBytes' | 'externalData'> {
  const graph = model.graph!;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const metadata = Object.fromEntries(model.metadata_props.map((e) => [e.key, e.value]));
  const modelVersion = int(model.model_version) || null;
  return {
    irVersion: int(model.ir_version),
    opsets: model.opset_import.map((o) => ({ domain: o.domain || 'ai.onnx', version: int(o.version) })),
    producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
    graphName: graph.name ?? '',
    modelVersion,
    metadata,
    versionTag: versionTagOf(metadata, modelVersion),
    // IR < 4 lists initializers among the inputs; they are weights, not what a caller feeds.
    inputs: graph.input.filter((i) => !initializers.has(i.name)).map(signatureOf),
    outputs: graph.output.map(signatureOf),
    nodes: graph.node.length,
  };
}

/**
 * Reads, decodes and hashes a model file; checks its external data files. A missing or short data
 * file is an InputError naming it. Returns the decoded message too (for running and rewriting).
 */
export async function readModel(path: string, label: string, signal?: AbortSignal): Promise<{ identity: ModelIdentity; model: ModelMessage }> {
  const { sha256, sizeBytes } = await hashFile(path, signal);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw new InputError(`${label} is ${sizeBytes} bytes: a single-file ONNX model cannot exceed 2 GiB (the protobuf limit); export it with external data`, { cause: err });
    throw new InputError(`${label}: cannot read it (${code ?? 'error'})`, { cause: err });
  }
  const model = decodeModel(bytes, label);
  const externalData: ModelIdentity['externalData'] = [];
  for (const f of externalDataFiles(model.graph!)) {
    const rel = normalize(f.location);
    if (isAbsolute(rel) || rel.startsWith('..')) throw new InputError(`${label}: external data location "${f.location}" points outside the model's folder`);
    const file = join(dirname(path), rel);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (err) {
      throw new InputError(`${label}: external data file ${f.location} is missing (looked for ${file}; ${f.tensors} tensor(s) are stored in it)`, { cause: err });
    }
    if (size < f.minBytes) throw new InputError(`${label}: external data file ${f.location} has ${size} bytes; its tensors need ${f.minBytes} (truncated?)`);
    externalData.push({ location: f.location, sizeBytes: size, tensors: f.tensors });
  }
  return { identity: { sha256, sizeBytes, ...describeModel(model), externalData }, model };
}

export interface IdentityExpectations {
  /** Expected sha256 (hex, any case). */
  sha256?: string;
  /** Expected version tag, compared with the metadata version (VERSION_KEYS) or model_version. */
  version?: string;
}

export interface IdentityCheck {
  sha256?: { expected: string; actual: string; match: boolean };
  version?: { expected: string; actual: string | null; key: string | null; match: boolean };
}

export function checkIdentity(identity: ModelIdentity, expect: IdentityExpectations): IdentityCheck {
  const out: IdentityCheck = {};
  if (expect.sha256 !== undefined) {
    const expected = expect.sha256.toLowerCase();
    out.sha256 = { expected, actual: identity.sha256, match: expected === identity.sha256 };
  }
  if (expect.version !== undefined) {
    const tag = identity.versionTag;
    out.version = { expected: expect.version, actual: tag?.value ?? null, key: tag?.key ?? null, match: tag !== null && tag.value.trim() === expect.version.trim() };
  }
  return out;
}

export const fileLabel = (path: string): string => basename(path);
