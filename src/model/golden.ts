// Golden outputs: inputs with the outputs they must give, in the forms teams keep them.
//   a JSON file   { "cases": [{ "name"?, "inputs": {…}, "outputs": {…} }] }, one such case, or an array of them
//   a folder      *.json case files, and/or case folders (onnx's test_data_set_N convention) holding
//                 input_<k>.{npy,pb,json} and output_<k>.{npy,pb,json}, where <k> is the model's input or
//                 output name or its index (input_0); a TensorProto's own name wins over <k>.
// Tensors as in host-tensor.ts. Comparing is output-diff.ts's job; this reads and names.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { readTensorFile, tensorFromJson, type HostTensor } from './host-tensor.ts';
import type { TensorSignature } from './onnx-model.ts';

export interface GoldenCase {
  name: string;
  inputs: Record<string, HostTensor>;
  outputs: Record<string, HostTensor>;
}

/** Most golden cases read (each is one session run). */
export const MAX_GOLDEN_CASES = 1000;

function byIndex(key: string, names: readonly TensorSignature[]): string {
  return /^\d+$/.test(key) && names[Number(key)] ? names[Number(key)]!.name : key;
}

function caseFromJson(value: unknown, name: string, where: string): GoldenCase {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${where}: a golden case is { "inputs": {…}, "outputs": {…} }`);
  const v = value as { name?: unknown; inputs?: unknown; outputs?: unknown };
  const named = (x: unknown, part: string): Record<string, HostTensor> => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new InputError(`${where}: case '${name}' needs "${part}" as an object of tensor name → value`);
    return Object.fromEntries(Object.entries(x).map(([k, t]) => [k, tensorFromJson(t, `${where}: case '${name}' ${part} '${k}'`)]));
  };
  return { name: typeof v.name === 'string' ? v.name : name, inputs: named(v.inputs, 'inputs'), outputs: named(v.outputs, 'outputs') };
}

function casesFromJson(json: unknown, file: string): GoldenCase[] {
  const stem = basename(file, extname(file));
  if (Array.isArray(json)) return json.map((c, i) => caseFromJson(c, `${stem}[${i}]`, file));
  if (typeof json === 'object' && json !== null && Array.isArray((json as { cases?: unknown }).cases)) return ((json as { cases: unknown[] }).cases).map((c, i) => caseFromJson(c, `${stem}[${i}]`, file));
  return [caseFromJson(json, stem, file)];
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`--golden ${file}: cannot read it (${err.code ?? 'error'})`, { cause: err });
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`--golden ${file}: not JSON: ${(err as Error).message}`, { cause: err });
  }
}

const TENSOR_FILE = /^(input|output)_(.+)\.(npy|pb|json)$/i;

async function caseFromFolder(dir: string, files: string[], inputs: readonly TensorSignature[], outputs: readonly TensorSignature[]): Promise<GoldenCase | null> {
  const c: GoldenCase = { name: basename(dir), inputs: {}, outputs: {} };
  for (const f of files.sort()) {
    const m = TENSOR_FILE.exec(f);
    if (!m) continue;
    const side = m[1]!.toLowerCase() === 'input' ? 'inputs' : 'outputs';
    const read = await readTensorFile(join(dir, f), '--golden');
    const [[own, tensor]] = Object.entries(read) as [[string, HostTensor]];
    // readTensorFile names a .npy after its file and a .pb after its own name (or its file).
    const key = own === basename(f, extname(f)) ? byIndex(m[2]!, side === 'inputs' ? inputs : outputs) : own;
    c[side][key] = tensor;
  }
  return Object.keys(c.inputs).length + Object.keys(c.outputs).length > 0 ? c : null;
}

/** Reads the golden cases at `path` (file or folder); `inputs`/`outputs` map index names (input_0) to the model's names. */
export async function readGolden(path: string, inputs: readonly TensorSignature[], outputs: readonly TensorSignature[]): Promise<GoldenCase[]> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`--golden ${path}: cannot read it (${err.code ?? 'error'})`, { cause: err });
  });
  let cases: GoldenCase[] = [];
  if (info.isFile()) cases = casesFromJson(await readJson(path), path);
  else {
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    const own = await caseFromFolder(path, entries.filter((e) => e.isFile()).map((e) => e.name), inputs, outputs);
    if (own) cases.push(own);
    for (const e of entries) {
      if (e.isFile() && e.name.toLowerCase().endsWith('.json') && !TENSOR_FILE.test(e.name)) cases.push(...casesFromJson(await readJson(join(path, e.name)), join(path, e.name)));
      else if (e.isDirectory()) {
        const sub = join(path, e.name);
        const c = await caseFromFolder(sub, await readdir(sub), inputs, outputs);
        if (c) cases.push(c);
      }
      if (cases.length > MAX_GOLDEN_CASES) break;
    }
  }
  if (cases.length === 0) throw new InputError(`--golden ${path}: no golden case found (JSON cases, or input_<name>/output_<name> .npy/.pb files)`);
  if (cases.length > MAX_GOLDEN_CASES) throw new InputError(`--golden ${path}: more than ${MAX_GOLDEN_CASES} cases; point at a smaller set`);
  for (const c of cases) {
    if (Object.keys(c.outputs).length === 0) throw new InputError(`--golden ${path}: case '${c.name}' has no expected outputs`);
  }
  return cases;
}
