// The `model` diagnostic: "is it the right model, and does it compute right?" — identity and
// version (sha256, metadata, inputs/outputs, --expect-sha256/--expect-version), golden outputs
// (--golden), a version A/B (--compare), the first layer that produces NaN/Inf (--layers), and the
// input contract of a real request (--inputs, --reference-inputs), with CPU against CUDA where
// CUDA runs. The model is a local path (on the node that runs the job) or an http(s) URL; like
// `profile`, `--node <name>` runs it on that node's queue (where the file or the GPU is).
import { z } from 'zod';
import { nodeNameSchema } from '../src/k8s/object-names.ts';
import { MAX_INPUT_ELEMENTS } from '../src/profile/input-synthesis.ts';
import { dimFlags, keyValues, parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { modelCommand } from './commands.ts';
import { defineDiagnostic } from '../src/core/diagnostic.ts';
import { UsageError } from '../src/core/errors.ts';
import { checkModel } from '../src/model/model-check.ts';
import { modelCheckResult } from '../src/model/model-report.ts';
import { MODEL_CHECK_VOCABULARY } from '../src/model/observations.ts';
import { DEFAULT_ATOL, DEFAULT_RTOL } from '../src/model/output-diff.ts';
import { redactUrl } from '../src/net/url-credentials.ts';
import { checkLocalPath } from '../src/policy/local-files.ts';
import { isUrl, openModelSource, type ModelFile } from '../src/profile/model-source.ts';

const USAGE = usageLine(modelCommand);

const positiveInt = z.number().int().positive();
const tolerance = z.number().min(0).max(1e6);

/** The job payload. */
export const modelPayload = z.object({
  /** Local path (on the node that runs the job) or http(s) URL. */
  model: z.string().min(1),
  /** Expected sha256, hex. */
  expectSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'a sha256 is 64 hex digits').optional(),
  /** Expected version tag (metadata_props version/model_version/…, or ModelProto.model_version). */
  expectVersion: z.string().min(1).max(200).optional(),
  /** Golden cases: a JSON file or a folder (src/model/golden.ts). */
  golden: z.string().min(1).optional(),
  /** Absolute tolerance. Default DEFAULT_ATOL (1e-4). */
  atol: tolerance.default(DEFAULT_ATOL),
  /** Relative tolerance. Default DEFAULT_RTOL (1e-3). */
  rtol: tolerance.default(DEFAULT_RTOL),
  /** The other version: local path or http(s) URL. */
  compare: z.string().min(1).optional(),
  layers: z.boolean().default(false),
  /** A real request's tensors. */
  inputs: z.string().min(1).optional(),
  /** Tensors known to be preprocessed right; needs `inputs`. */
  referenceInputs: z.string().min(1).optional(),
  dims: z.record(z.string(), positiveInt.max(MAX_INPUT_ELEMENTS, `--dim: at most ${MAX_INPUT_ELEMENTS} (the largest input synthesized)`)).default({}),
  values: z.record(z.string(), z.string()).default({}),
  node: nodeNameSchema('--node').optional(),
});
export type ModelPayload = z.infer<typeof modelPayload>;

function toleranceFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} expects a number ≥ 0, got "${value}"`, USAGE);
  return n;
}

const shown = (source: string): string => (isUrl(source) ? redactUrl(new URL(source)) : source);

export const modelDiagnostic = defineDiagnostic({
  name: 'model',
  usage: USAGE,
  command: modelCommand,
  description: 'Is it the right model, and does it compute right: identity and version, golden outputs, version A/B, the first layer with NaN/Inf, the input contract',
  payload: modelPayload,
  observes: MODEL_CHECK_VOCABULARY,
  // Hashing a 2 GiB model, two sessions, golden cases and a layer pass.
  timeoutMs: 10 * 60_000,
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(
      tokens,
      parserOptions(modelCommand.flags),
      USAGE,
    );
    const v = values as Partial<Record<'model' | 'expect-sha256' | 'expect-version' | 'golden' | 'atol' | 'rtol' | 'compare' | 'inputs' | 'reference-inputs' | 'node', string>> & { layers?: boolean; dim?: string[]; value?: string[] };
    const targets = [v.model, ...positionals].filter((x) => x !== undefined);
    if (targets.length !== 1) throw new UsageError(targets.length === 0 ? 'give the model: a .onnx path or URL' : `expected one model, got ${targets.length}: ${targets.join(' ')}`, USAGE);
    if (v['reference-inputs'] !== undefined && v.inputs === undefined) throw new UsageError('--reference-inputs compares against --inputs: give both', USAGE);
    const dims = dimFlags(v.dim, USAGE);
    return {
      model: targets[0],
      expectSha256: v['expect-sha256'],
      expectVersion: v['expect-version'],
      golden: v.golden,
      atol: toleranceFlag(v.atol, 'atol'),
      rtol: toleranceFlag(v.rtol, 'rtol'),
      compare: v.compare,
      layers: v.layers ?? false,
      inputs: v.inputs,
      referenceInputs: v['reference-inputs'],
      dims,
      values: keyValues(v.value, 'value', USAGE),
      node: v.node,
    };
  },
  route: (payload) => payload.node,
  // The model and the A/B model may be downloaded; the other files are local.
  targets: (payload) => [payload.model, payload.compare].filter((s): s is string => s !== undefined && isUrl(s)),
  async run(payload, deps) {
    const started = deps.now();
    const label = shown(payload.model);
    for (const path of [payload.model, payload.compare, payload.golden, payload.inputs, payload.referenceInputs]) {
      if (path !== undefined && !isUrl(path)) await checkLocalPath(path, deps.localFileRoots);
    }
    for (const [flag, path] of [['golden', payload.golden], ['inputs', payload.inputs], ['reference-inputs', payload.referenceInputs]] as const) {
      if (path !== undefined && isUrl(path)) throw new UsageError(`--${flag} reads a local file or folder on the node that runs the job, not a URL`, USAGE);
    }
    await deps.progress(1, isUrl(payload.model) ? 'downloading the model' : 'opening the model');
    const source = { fetch: deps.fetch, signal: deps.signal, nodeName: deps.nodeName };
    const files: ModelFile[] = [];
    try {
      const file = await openModelSource(payload.model, source);
      files.push(file);
      let compare: { path: string; label: string } | undefined;
      if (payload.compare !== undefined) {
        const other = await openModelSource(payload.compare, source);
        files.push(other);
        compare = { path: other.path, label: shown(payload.compare) };
      }
      const check = await checkModel(
        {
          modelPath: file.path,
          label,
          expect: { ...(payload.expectSha256 ? { sha256: payload.expectSha256 } : {}), ...(payload.expectVersion ? { version: payload.expectVersion } : {}) },
          tolerance: { atol: payload.atol, rtol: payload.rtol },
          ...(payload.golden ? { golden: payload.golden } : {}),
          ...(compare ? { compare } : {}),
          layers: payload.layers,
          ...(payload.inputs ? { inputs: payload.inputs } : {}),
          ...(payload.referenceInputs ? { referenceInputs: payload.referenceInputs } : {}),
          dims: payload.dims,
          values: payload.values,
        },
        { signal: deps.signal, progress: deps.progress },
      );
      return modelCheckResult(check, label, `model ${label} on ${deps.nodeName}`, deps.now() - started);
    } finally {
      for (const f of files) await f.cleanup();
    }
  },
});
