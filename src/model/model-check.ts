// Runs the `model` checks on a local model file with onnxruntime-node: identity (always), the
// input contract (--inputs, --reference-inputs), golden outputs (--golden), version A/B
// (--compare), layer analysis (--layers) and CPU against CUDA (where CUDA runs). One set of feeds
// serves every run: the request's own tensors when they fit the contract, else the first golden
// case's inputs, else tensors synthesised from the model's inputs (dynamic dimensions from --dim,
// else 1). It measures and states; what the numbers mean is for the causes catalogue.
import { link, mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InputError } from '../core/errors.ts';
import { cudaStatus, openSession } from '../profile/ort-session.ts';
import { resolveInputShapes, synthesizeFeeds } from '../profile/input-synthesis.ts';
import { ortNumbers, readTensorFile, tensorFromMessage, toNumbers, toOrtTensor, type HostTensor } from './host-tensor.ts';
import { checkInputContract, type InputContract } from './input-contract.ts';
import { readGolden } from './golden.ts';
import { analyseLayers, exposeIntermediates, tensorStats, type LayerAnalysis, type TensorStats } from './layer-stats.ts';
import { checkIdentity, readModel, type IdentityCheck, type IdentityExpectations, type ModelIdentity } from './model-identity.ts';
import { encodeModel, type ModelMessage, type TensorSignature } from './onnx-model.ts';
import { diffOutputs, type OutputDiff } from './output-diff.ts';

export interface Tolerance {
  /** Absolute tolerance (default DEFAULT_ATOL). */
  atol: number;
  /** Relative tolerance (default DEFAULT_RTOL). */
  rtol: number;
}

export interface ModelCheckOptions {
  modelPath: string;
  /** The model as people name it (path, or URL without credentials). */
  label: string;
  expect: IdentityExpectations;
  tolerance: Tolerance;
  /** Golden cases: a file or folder (golden.ts). */
  golden?: string;
  /** The other version, already a local file. */
  compare?: { path: string; label: string };
  layers: boolean;
  /** A real request's tensors (.json/.npy/.pb). */
  inputs?: string;
  /** Tensors known to be preprocessed right. */
  referenceInputs?: string;
  /** Values of symbolic dimensions for synthesised inputs. */
  dims: Readonly<Record<string, number>>;
  /** `--value name=v` for synthesised inputs. */
  values: Readonly<Record<string, string>>;
  /** Runs per model for the A/B latency (after 2 warm-up runs). Default 10. */
  latencyRuns?: number;
}

export interface GoldenFailure {
  case: string;
  output: string;
  maxAbsDiff: number;
  meanRelDiff: number;
  outOfTolerance: number;
  elements: number;
  argmaxAgreement: number | null;
  nonFiniteMismatches: number;
  /** Why the case could not be compared (a missing input, a run error, a shape mismatch). */
  error?: string;
}

export interface GoldenResult {
  cases: number;
  failed: number;
  tolerance: Tolerance;
  /** Over every compared output with a class axis: the share of rows whose argmax agrees. */
  argmaxAgreement: number | null;
  worst: (GoldenFailure & { index: number | null; actual: number | null; expected: number | null }) | null;
  failures: GoldenFailure[];
}

export interface OutputComparison extends Pick<OutputDiff, 'maxAbsDiff' | 'meanRelDiff' | 'cosine' | 'argmaxAgreement' | 'outOfTolerance' | 'nonFiniteMismatches' | 'elements'> {
  name: string;
  /** Shapes differ: nothing else is comparable. */
  shapeMismatch?: string;
}

export interface Comparison {
  other: { label: string; sha256: string; sizeBytes: number; versionTag: string | null };
  identical: boolean;
  outputs: OutputComparison[];
  /** Outputs only one of the two models has. */
  onlyIn: { a: string[]; b: string[] };
  /** Median run of B minus median run of A, ms. */
  latencyDeltaMs: number | null;
  latencyMs: { a: number; b: number } | null;
  divergent: boolean;
  /** Why B could not run on A's inputs. */
  error?: string;
}

export interface ProviderCheck {
  cuda: { available: boolean; reason?: string };
  /** CPU against CUDA, per output, when CUDA ran. */
  outputs: OutputComparison[] | null;
  divergent: boolean | null;
}

export interface ModelCheck {
  identity: ModelIdentity;
  identityCheck: IdentityCheck;
  /** Where the feeds of the A/B, layer and provider runs came from, and the dims set to 1. */
  feeds: { from: 'inputs' | 'golden' | 'synthesized' | 'none'; defaultedDims: string[]; error?: string };
  /** Non-finite values in the model's outputs on those feeds. */
  outputs: Array<{ name: string; type: string; dims: number[]; nanCount: number; infCount: number }>;
  /** Non-finite values in the feeds themselves (a request or golden case that brings NaN in). */
  inputs: Array<{ name: string; nanCount: number; infCount: number }>;
  golden: GoldenResult | null;
  comparison: Comparison | null;
  layers: LayerAnalysis | null;
  inputContract: InputContract | null;
  providers: ProviderCheck;
  /** ms of the plain run on the feeds (CPU). */
  runMs: number | null;
}

export interface ModelCheckDeps {
  signal: AbortSignal;
  progress(percent: number, message?: string): Promise<void> | void;
}

function firstLine(err: unknown): string {
  return ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '').trim();
}

/** Feeds cast to the model's element types; an input the model does not have, or cannot take, is an InputError. */
function toFeeds(tensors: Readonly<Record<string, HostTensor>>, inputs: readonly TensorSignature[], what: string): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const sig of inputs) {
    const t = tensors[sig.name];
    if (!t) throw new InputError(`${what} has no input '${sig.name}' (it has ${Object.keys(tensors).join(', ') || 'none'})`);
    feeds[sig.name] = toOrtTensor(t, sig.type, `${what} '${sig.name}'`);
  }
  return feeds;
}

/** A lone .npy/.pb tensor is named after its file; for a model with one input it is that input. */
function singleInput(tensors: Record<string, HostTensor>, file: string, inputs: readonly TensorSignature[]): Record<string, HostTensor> {
  const names = Object.keys(tensors);
  if (/\.(npy|pb)$/i.test(file) && names.length === 1 && inputs.length === 1 && names[0] !== inputs[0]!.name) return { [inputs[0]!.name]: tensors[names[0]!]! };
  return tensors;
}

function synthesize(session: InferenceSession, options: ModelCheckOptions): { feeds: Record<string, Tensor>; defaulted: string[] } {
  const dims: Record<string, number> = { ...options.dims };
  const defaulted: string[] = [];
  for (const m of session.inputMetadata) {
    if (!m.isTensor) continue;
    m.shape.forEach((d, i) => {
      if (typeof d === 'number') return;
      const name = d === '' ? `${m.name}[${i}]` : d;
      if (dims[name] === undefined) {
        dims[name] = 1;
        defaulted.push(name);
      }
    });
  }
  return { feeds: synthesizeFeeds(resolveInputShapes(session.inputMetadata, { dims }), options.values), defaulted };
}

async function run(session: InferenceSession, feeds: Record<string, Tensor>, label: string): Promise<InferenceSession.ReturnType> {
  try {
    return await session.run(feeds);
  } catch (err) {
    const shapes = Object.entries(feeds).map(([n, t]) => `${n} ${t.type}[${t.dims.join(',')}]`).join(', ');
    throw new InputError(`${label} rejected the inputs (${shapes}): ${firstLine(err)}`, { cause: err });
  }
}

function compareOutputs(a: InferenceSession.ReturnType, b: InferenceSession.ReturnType, names: readonly string[], tolerance: Tolerance): OutputComparison[] {
  const out: OutputComparison[] = [];
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (!x || !y || x.type === 'string' || y.type === 'string') continue;
    if (x.dims.join(',') !== y.dims.join(',')) {
      out.push({ name, elements: x.size, maxAbsDiff: 0, meanRelDiff: 0, cosine: null, argmaxAgreement: null, outOfTolerance: x.size, nonFiniteMismatches: 0, shapeMismatch: `[${x.dims.join(',')}] vs [${y.dims.join(',')}]` });
      continue;
    }
    const d = diffOutputs(ortNumbers(y), ortNumbers(x), x.dims.at(-1) ?? 1, tolerance);
    out.push({ name, elements: d.elements, maxAbsDiff: d.maxAbsDiff, meanRelDiff: d.meanRelDiff, cosine: d.cosine, argmaxAgreement: d.argmaxAgreement, outOfTolerance: d.outOfTolerance, nonFiniteMismatches: d.nonFiniteMismatches });
  }
  return out;
}

const divergentOf = (outputs: readonly OutputComparison[]): boolean => outputs.some((o) => o.outOfTolerance > 0 || o.shapeMismatch !== undefined);

async function medianRunMs(session: InferenceSession, feeds: Record<string, Tensor>, runs: number, signal: AbortSignal): Promise<number> {
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    signal.throwIfAborted();
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  times.sort((p, q) => p - q);
  return times[Math.floor(times.length / 2)]!;
}

async function checkGolden(session: InferenceSession, identity: ModelIdentity, path: string, tolerance: Tolerance, label: string, signal: AbortSignal): Promise<{ result: GoldenResult; firstInputs: Record<string, HostTensor> | null }> {
  const cases = await readGolden(path, identity.inputs, identity.outputs);
  const failures: GoldenFailure[] = [];
  const failedCases = new Set<string>();
  let worst: GoldenResult['worst'] = null;
  let rows = 0;
  let agree = 0;
  for (const c of cases) {
    signal.throwIfAborted();
    let outputs: InferenceSession.ReturnType;
    try {
      outputs = await run(session, toFeeds(c.inputs, identity.inputs, `golden case '${c.name}'`), label);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      failures.push({ case: c.name, output: '', maxAbsDiff: 0, meanRelDiff: 0, outOfTolerance: 0, elements: 0, argmaxAgreement: null, nonFiniteMismatches: 0, error: err.message });
      failedCases.add(c.name);
      continue;
    }
    for (const [name, expected] of Object.entries(c.outputs)) {
      const actual = outputs[name];
      const base = { case: c.name, output: name, maxAbsDiff: 0, meanRelDiff: 0, outOfTolerance: 0, elements: 0, argmaxAgreement: null, nonFiniteMismatches: 0 };
      if (!actual) {
        failures.push({ ...base, error: `the model has no output '${name}' (outputs: ${identity.outputs.map((o) => o.name).join(', ')})` });
        failedCases.add(c.name);
        continue;
      }
      const expectedValues = toNumbers(expected);
      if (expectedValues.length !== actual.size) {
        failures.push({ ...base, error: `expected ${expectedValues.length} values [${expected.dims.join(',')}], the model gave ${actual.size} [${actual.dims.join(',')}]` });
        failedCases.add(c.name);
        continue;
      }
      const d = diffOutputs(ortNumbers(actual), expectedValues, actual.dims.at(-1) ?? 1, tolerance);
      if (d.argmaxAgreement !== null) {
        const r = d.elements / (actual.dims.at(-1) ?? 1);
        rows += r;
        agree += d.argmaxAgreement * r;
      }
      const row: GoldenFailure = { ...base, maxAbsDiff: d.maxAbsDiff, meanRelDiff: d.meanRelDiff, outOfTolerance: d.outOfTolerance, elements: d.elements, argmaxAgreement: d.argmaxAgreement, nonFiniteMismatches: d.nonFiniteMismatches };
      if (d.outOfTolerance > 0) {
        failures.push(row);
        failedCases.add(c.name);
        if (!worst || d.nonFiniteMismatches > worst.nonFiniteMismatches || (d.nonFiniteMismatches === worst.nonFiniteMismatches && d.maxAbsDiff > worst.maxAbsDiff)) {
          worst = { ...row, index: d.worst?.index ?? null, actual: d.worst?.actual ?? null, expected: d.worst?.expected ?? null };
        }
      }
    }
  }
  failures.sort((a, b) => Number(b.error !== undefined) - Number(a.error !== undefined) || b.nonFiniteMismatches - a.nonFiniteMismatches || b.maxAbsDiff - a.maxAbsDiff);
  const first = cases.find((c) => identity.inputs.every((i) => i.name in c.inputs));
  return { result: { cases: cases.length, failed: failedCases.size, tolerance, argmaxAgreement: rows > 0 ? agree / rows : null, worst, failures }, firstInputs: first?.inputs ?? null };
}

/** External data up to this size is inlined into the rewritten copy; above it, the data files are hard-linked beside it. */
const INLINE_EXTERNAL_BYTES = 1024 ** 3;

/**
 * The rewritten model as a temp file onnxruntime can load. onnxruntime refuses external data that
 * resolves outside the model's folder (a symlink does), so the weights are inlined into the copy
 * (the protobuf limit is 2 GiB) or, for larger models, the data files are hard-linked beside it.
 */
async function writeRewritten(model: ModelMessage, identity: ModelIdentity, modelPath: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'infdbg-layers-'));
  try {
    const external = identity.externalData.reduce((n, f) => n + f.sizeBytes, 0);
    if (external > 0 && external <= INLINE_EXTERNAL_BYTES) model = await inlineExternalData(model, dirname(modelPath));
    else {
      for (const f of identity.externalData) {
        await link(resolve(dirname(modelPath), f.location), join(dir, f.location)).catch((err: NodeJS.ErrnoException) => {
          throw new InputError(`--layers: cannot place ${f.location} beside the rewritten model (${err.code ?? 'error'}; the temp folder must be on the model's filesystem for external data over ${INLINE_EXTERNAL_BYTES} bytes)`, { cause: err });
        });
      }
    }
    const path = join(dir, 'model-layers.onnx');
    await writeFile(path, encodeModel(model));
    return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** A copy whose externally stored initializers hold their bytes inline (raw_data). */
async function inlineExternalData(model: ModelMessage, folder: string): Promise<ModelMessage> {
  const files = new Map<string, FileHandle>();
  try {
    const initializer = await Promise.all(
      model.graph!.initializer.map(async (t) => {
        if (t.data_location !== 1) return t;
        const entry = (k: string) => t.external_data?.find((e) => e.key === k)?.value;
        const location = entry('location')!;
        let fh = files.get(location);
        if (!fh) {
          fh = await open(join(folder, location), 'r');
          files.set(location, fh);
        }
        const length = Number(entry('length') ?? (await fh.stat()).size - Number(entry('offset') ?? 0));
        const raw = Buffer.alloc(length);
        await fh.read(raw, 0, length, Number(entry('offset') ?? 0));
        return { ...t, raw_data: raw, data_location: 0, external_data: [] };
      }),
    );
    return { ...model, graph: { ...model.graph!, initializer } };
  } finally {
    for (const fh of files.values()) await fh.close();
  }
}

/** openSession, where a model that decoded fine but that onnxruntime refuses is "could not load", with onnxruntime's reason. */
async function openChecked(path: string, label: string, settings: Parameters<typeof openSession>[2] = {}): Promise<InferenceSession> {
  try {
    return await openSession(path, label, settings);
  } catch (err) {
    if (err instanceof InputError && err.cause !== undefined) throw new InputError(`onnxruntime could not load ${basename(label)}: ${firstLine(err.cause).replace(/^Load model from \S+ failed:\s*/, '')}`, { cause: err.cause });
    throw err;
  }
}

function initializerStats(model: ModelMessage, label: string): (name: string) => TensorStats | null | undefined {
  const byName = new Map(model.graph!.initializer.map((t) => [t.name ?? '', t]));
  return (name) => {
    const t = byName.get(name);
    if (!t) return undefined;
    try {
      return tensorStats(toNumbers(tensorFromMessage(t, label).tensor));
    } catch {
      return null; // external or exotic weights: the range is not known, which the report says
    }
  };
}

/** Runs every requested check. Load failures of the model itself are InputErrors; the rest become parts of the result. */
export async function checkModel(options: ModelCheckOptions, deps: ModelCheckDeps): Promise<ModelCheck> {
  const { label, tolerance } = options;
  await deps.progress(5, 'hashing and reading the model');
  const { identity, model } = await readModel(options.modelPath, label, deps.signal);
  const identityCheck = checkIdentity(identity, options.expect);
  deps.signal.throwIfAborted();
  await deps.progress(20, 'opening an onnxruntime session');
  const session = await openChecked(options.modelPath, label);
  const sessions: InferenceSession[] = [session];
  try {
    const outputNames = [...session.outputNames];
    let inputContract: InputContract | null = null;
    let feeds: Record<string, Tensor> | null = null;
    let from: ModelCheck['feeds']['from'] = 'none';
    let defaultedDims: string[] = [];
    let feedError: string | undefined;
    if (options.inputs !== undefined) {
      const given = singleInput(await readTensorFile(options.inputs, '--inputs'), options.inputs, identity.inputs);
      const reference = options.referenceInputs === undefined ? undefined : singleInput(await readTensorFile(options.referenceInputs, '--reference-inputs'), options.referenceInputs, identity.inputs);
      inputContract = checkInputContract(given, identity.inputs, reference);
      if (inputContract.problems.length === 0) {
        try {
          const f = toFeeds(given, identity.inputs, `--inputs ${options.inputs}`);
          await run(session, f, label);
          feeds = f;
          from = 'inputs';
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          inputContract.runError = err.message;
        }
      }
    }
    let golden: GoldenResult | null = null;
    if (options.golden !== undefined) {
      await deps.progress(30, 'checking golden outputs');
      const g = await checkGolden(session, identity, options.golden, tolerance, label, deps.signal);
      golden = g.result;
      if (!feeds && g.firstInputs) {
        feeds = toFeeds(g.firstInputs, identity.inputs, 'golden case');
        from = 'golden';
      }
    }
    if (!feeds) {
      try {
        const s = synthesize(session, options);
        feeds = s.feeds;
        defaultedDims = s.defaulted;
        from = 'synthesized';
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        feedError = err.message;
      }
    }

    let outputs: ModelCheck['outputs'] = [];
    let runMs: number | null = null;
    let plain: InferenceSession.ReturnType | null = null;
    if (feeds) {
      try {
        const t = performance.now();
        plain = await run(session, feeds, label);
        runMs = performance.now() - t;
        outputs = outputNames.flatMap((name) => {
          const t = plain![name];
          if (!t || t.type === 'string') return [];
          const s = tensorStats(ortNumbers(t));
          return [{ name, type: t.type, dims: [...t.dims], nanCount: s.nanCount, infCount: s.infCount }];
        });
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        feedError = from === 'synthesized' ? `${err.message} — synthesised inputs${defaultedDims.length > 0 ? ` with ${defaultedDims.join(', ')} set to 1` : ''}: pass --dim name=N, --value input=v or --inputs <request>` : err.message;
        feeds = null;
        from = 'none';
      }
    }

    let comparison: Comparison | null = null;
    if (options.compare) {
      await deps.progress(45, 'running the other version');
      const other = await readModel(options.compare.path, options.compare.label, deps.signal);
      const identical = other.identity.sha256 === identity.sha256;
      const base: Comparison = {
        other: { label: options.compare.label, sha256: other.identity.sha256, sizeBytes: other.identity.sizeBytes, versionTag: other.identity.versionTag?.value ?? null },
        identical,
        outputs: [],
        onlyIn: { a: outputNames.filter((n) => !other.identity.outputs.some((o) => o.name === n)), b: other.identity.outputs.map((o) => o.name).filter((n) => !outputNames.includes(n)) },
        latencyDeltaMs: null,
        latencyMs: null,
        divergent: false,
      };
      if (!feeds || !plain) base.error = `no inputs to run both on: ${feedError ?? 'none'}`;
      else {
        const b = await openChecked(options.compare.path, options.compare.label);
        sessions.push(b);
        try {
          const bOut = await run(b, feeds, options.compare.label);
          base.outputs = compareOutputs(plain, bOut, outputNames, tolerance);
          const runs = options.latencyRuns ?? 10;
          const a = await medianRunMs(session, feeds, runs, deps.signal);
          const bm = await medianRunMs(b, feeds, runs, deps.signal);
          base.latencyMs = { a, b: bm };
          base.latencyDeltaMs = bm - a;
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          base.error = err.message;
        }
      }
      base.divergent = !identical && (base.error !== undefined || divergentOf(base.outputs) || base.onlyIn.a.length + base.onlyIn.b.length > 0);
      comparison = base;
    }

    let layers: LayerAnalysis | null = null;
    if (options.layers && feeds) {
      await deps.progress(65, 'exposing every intermediate tensor');
      const exposed = exposeIntermediates(model);
      const file = await writeRewritten(exposed.model, identity, options.modelPath);
      try {
        const s = await openChecked(file.path, label);
        sessions.push(s);
        const all = await run(s, feeds, label);
        layers = analyseLayers(exposed.nodes, all, feeds, initializerStats(model, label));
      } finally {
        await file.cleanup();
      }
    }

    await deps.progress(85, 'checking the CUDA provider');
    const cuda = await cudaStatus(options.modelPath, label);
    const providers: ProviderCheck = { cuda: cuda.available ? { available: true } : { available: false, reason: cuda.reason }, outputs: null, divergent: null };
    if (cuda.available && feeds && plain) {
      const c = await openChecked(options.modelPath, label, { executionProvider: 'cuda' });
      sessions.push(c);
      const cOut = await run(c, feeds, `${label} (CUDA)`);
      providers.outputs = compareOutputs(plain, cOut, outputNames, tolerance);
      providers.divergent = divergentOf(providers.outputs);
    }
    const inputs = Object.entries(feeds ?? {}).flatMap(([name, t]) => {
      if (t.type === 'string') return [];
      const s = tensorStats(ortNumbers(t));
      return [{ name, nanCount: s.nanCount, infCount: s.infCount }];
    });
    return { identity, identityCheck, feeds: { from, defaultedDims, ...(feedError ? { error: feedError } : {}) }, outputs, inputs, golden, comparison, layers, inputContract, providers, runMs };
  } finally {
    for (const s of sessions) await s.release().catch(() => {});
  }
}
