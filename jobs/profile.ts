// The `profile` diagnostic: "why is inference slow?" answered with numbers. Two modes:
//   model mode    — an ONNX model (local path or URL) run in this worker with onnxruntime-node;
//   endpoint mode — a black-box, closed-loop load test of an HTTP model server (src/profile/endpoint.ts).
// From Slack the target is positional (`/debug profile model.onnx`, `/debug profile http://svc/predict`):
// a path, or a URL ending in .onnx, is a model; any other http(s) URL is an endpoint. The CLI also
// takes `--model` / `--url`. `--node <name>` runs it on that node's queue (where a local model
// file, or the GPU, lives); otherwise it runs on the shared queue.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { nodeNameSchema } from '../src/k8s/object-names.ts';
import { MAX_INPUT_ELEMENTS } from '../src/profile/input-synthesis.ts';
import { dimFlags, durationMs, keyValues, numberList, parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { profileCommand } from './commands.ts';
import { defineDiagnostic } from '../src/core/diagnostic.ts';
import { InputError, UsageError } from '../src/core/errors.ts';
import { checkLocalPath } from '../src/policy/local-files.ts';
import { checkRequestBodyArg, ENDPOINT_DEFAULTS, loadRequestBody, MAX_CONCURRENCY as MAX_ENDPOINT_CONCURRENCY, profileEndpoint } from '../src/profile/endpoint.ts';
import { parseSweeps, profileModel, SWEEP_KINDS } from '../src/profile/model-profile.ts';
import { isUrl, openModelSource } from '../src/profile/model-source.ts';
import { PROFILE_VOCABULARY } from '../src/profile/observations.ts';
import { endpointProfileResult, modelProfileResult } from '../src/profile/profile-report.ts';
import { redactUrl } from '../src/net/url-credentials.ts';

const USAGE = usageLine(profileCommand);

/** Warm-up runs (model mode) when `--warmup` is not given. */
export const DEFAULT_WARMUP = 10;
/** Model mode without `--iterations`/`--duration`: measure for at most this long (it stops earlier once stable), ms. */
export const DEFAULT_MODEL_DURATION_MS = 10_000;
/** Model mode with `--iterations` only: the time bound, ms. */
const ITERATIONS_TIME_BOUND_MS = 120_000;
/** Model mode with `--duration` only (or neither): the run bound. */
const DURATION_RUN_BOUND = 1_000_000;
/** Longest `--duration`, ms. */
const MAX_DURATION_MS = 5 * 60_000;
/** Endpoint mode: levels in one concurrency sweep. */
const MAX_LEVELS = 16;
/** Endpoint mode: longest inline `--body`, characters. */
const MAX_INLINE_BODY_CHARS = 1_000_000;
/** Endpoint mode: the whole sweep (--duration × levels), ms; the job's deadline is 15 min. */
const MAX_SWEEP_MS = 12 * 60_000;
/** Most worker threads in a model-mode concurrency sweep (each holds its own copy of the model). */
const MAX_MODEL_CONCURRENCY = 64;
/** Model mode: points in one batch or concurrency sweep (each is measured in turn within the 15-min deadline). */
const MAX_SWEEP_POINTS = 16;

const positiveInt = z.number().int().positive();
const common = {
  iterations: positiveInt.max(DURATION_RUN_BOUND).optional(),
  durationMs: z.number().positive().max(MAX_DURATION_MS).optional(),
  warmup: z.number().int().min(0).max(10_000).optional(),
  node: nodeNameSchema('--node').optional(),
};

/** The job payload. */
export const profilePayload = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('model'),
    /** Local path (on the node that runs the job) or http(s) URL. */
    model: z.string().min(1),
    dims: z.record(z.string(), positiveInt.max(MAX_INPUT_ELEMENTS, `--dim: at most ${MAX_INPUT_ELEMENTS} (the largest input synthesized)`)).default({}),
    values: z.record(z.string(), z.string()).default({}),
    /** JSON inputs file on the node that runs the job. */
    inputs: z.string().min(1).optional(),
    batchSizes: z.array(positiveInt.max(65_536)).min(1).max(MAX_SWEEP_POINTS, `--batch-sizes: at most ${MAX_SWEEP_POINTS} sizes`).optional(),
    concurrency: z.array(positiveInt.max(MAX_MODEL_CONCURRENCY)).min(1).max(MAX_SWEEP_POINTS, `--concurrency: at most ${MAX_SWEEP_POINTS} levels`).optional(),
    sweeps: z.array(z.enum(SWEEP_KINDS)).optional(),
    ...common,
  }),
  z.object({
    mode: z.literal('endpoint'),
    url: z.url({ protocol: /^https?$/ }),
    /** Inline JSON (at most MAX_INLINE_BODY_CHARS), or `@path` read on the node that runs the job. */
    body: z.string().max(MAX_INLINE_BODY_CHARS, `--body: at most ${MAX_INLINE_BODY_CHARS / 1000} kB inline; a larger body as @file on the node`).optional(),
    /** Connections per level (each at most MAX_ENDPOINT_CONCURRENCY), at most MAX_LEVELS levels. Default 1,4,16. */
    concurrency: z
      .array(positiveInt.max(MAX_ENDPOINT_CONCURRENCY, `--concurrency: at most ${MAX_ENDPOINT_CONCURRENCY} connections per level`))
      .min(1)
      .max(MAX_LEVELS, `--concurrency: at most ${MAX_LEVELS} levels`)
      .optional(),
    metricsUrl: z.url({ protocol: /^https?$/ }).optional(),
    ...common,
  }),
]).superRefine((p, ctx) => {
  // Refused in the ack rather than cut short by the job's deadline: every level runs for --duration.
  if (p.mode !== 'endpoint' || p.durationMs === undefined) return;
  const levels = p.concurrency?.length ?? ENDPOINT_DEFAULTS.concurrency.length;
  if (p.durationMs * levels > MAX_SWEEP_MS) {
    ctx.addIssue({ code: 'custom', path: ['durationMs'], message: `--duration × ${levels} levels is ${Math.round((p.durationMs * levels) / 60_000)} min; the sweep may take at most ${MAX_SWEEP_MS / 60_000} min` });
  }
});
export type ProfilePayload = z.infer<typeof profilePayload>;

function intList(value: string | undefined, flag: string): number[] | undefined {
  const list = numberList(value, flag);
  if (list?.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${flag} expects whole numbers ≥ 1, got "${value}"`, USAGE);
  return list;
}

function intFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} expects a whole number ≥ ${min}, got "${value}"`, USAGE);
  return n;
}

/** A positional target is a model when it is a path, or a URL whose path ends in .onnx. */
function isModelTarget(target: string): boolean {
  if (!isUrl(target)) return true;
  return new URL(target).pathname.toLowerCase().endsWith('.onnx');
}

export const profileDiagnostic = defineDiagnostic({
  name: 'profile',
  usage: USAGE,
  command: profileCommand,
  description: 'Where inference time goes: an ONNX model in-process (cold start, percentiles, operators, sweeps) or an HTTP endpoint under load',
  payload: profilePayload,
  observes: PROFILE_VOCABULARY,
  // A profile is long (default ≤ 10 s measured + sweeps); this bounds the longest --duration plus sweeps.
  timeoutMs: 15 * 60_000,
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(
      tokens,
      parserOptions(profileCommand.flags),
      USAGE,
    );
    const v = values as Partial<Record<'model' | 'url' | 'body' | 'iterations' | 'duration' | 'warmup' | 'batch-sizes' | 'concurrency' | 'inputs' | 'sweep' | 'metrics-url' | 'node', string>> & {
      dim?: string[];
      value?: string[];
    };
    if (positionals.length > 1) throw new UsageError(`expected one model or URL, got ${positionals.length}: ${positionals.join(' ')}`, USAGE);
    const targets = [v.model, v.url, positionals[0]].filter((x) => x !== undefined);
    if (targets.length !== 1) throw new UsageError('give exactly one target: a model (path or URL) or an endpoint URL', USAGE);
    const target = targets[0] as string;
    const mode = v.model !== undefined ? 'model' : v.url !== undefined ? 'endpoint' : isModelTarget(target) ? 'model' : 'endpoint';
    const common = {
      iterations: intFlag(v.iterations, 'iterations', 1),
      durationMs: durationMs(v.duration, 'duration'),
      warmup: intFlag(v.warmup, 'warmup', 0),
      concurrency: intList(v.concurrency, 'concurrency'),
      node: v.node,
    };
    if (mode === 'endpoint') {
      const modelOnly = (['batch-sizes', 'dim', 'value', 'inputs', 'sweep'] as const).filter((f) => v[f] !== undefined);
      if (modelOnly.length > 0) throw new UsageError(`--${modelOnly.join(', --')} only apply to a model, not to an endpoint`, USAGE);
      if (v.body !== undefined) checkRequestBodyArg(v.body, USAGE);
      return { mode, url: target, body: v.body, metricsUrl: v['metrics-url'], ...common };
    }
    if (v.body !== undefined || v['metrics-url'] !== undefined) throw new UsageError('--body and --metrics-url only apply to an endpoint (--url)', USAGE);
    const dims = dimFlags(v.dim, USAGE);
    return {
      mode,
      model: target,
      dims,
      values: keyValues(v.value, 'value', USAGE),
      inputs: v.inputs,
      batchSizes: intList(v['batch-sizes'], 'batch-sizes'),
      sweeps: parseSweeps(v.sweep),
      ...common,
    };
  },
  route: (payload) => payload.node,
  targets: (payload) => (payload.mode === 'endpoint' ? [payload.url, ...(payload.metricsUrl ? [payload.metricsUrl] : [])] : isUrl(payload.model) ? [payload.model] : []),
  async run(payload, deps) {
    const started = deps.now();
    if (payload.mode === 'endpoint') {
      if (payload.body?.startsWith('@')) await checkLocalPath(payload.body.slice(1), deps.localFileRoots);
      const levels = payload.concurrency ?? [...ENDPOINT_DEFAULTS.concurrency];
      const profile = await profileEndpoint(
        {
          url: payload.url,
          ...(payload.body === undefined ? {} : { body: await loadRequestBody(payload.body) }),
          concurrency: levels,
          ...(payload.iterations === undefined ? {} : { maxRequestsPerLevel: payload.iterations }),
          ...(payload.durationMs === undefined ? {} : { maxDurationMsPerLevel: payload.durationMs, maxDurationMs: Math.max(ENDPOINT_DEFAULTS.maxDurationMs, payload.durationMs * levels.length) }),
          ...(payload.warmup === undefined ? {} : { warmupRequests: payload.warmup }),
          ...(payload.metricsUrl === undefined ? {} : { metricsUrl: payload.metricsUrl }),
        },
        { signal: deps.signal, progress: deps.progress, now: deps.now, fetch: deps.fetch, ...(deps.targetGuard ? { targetGuard: deps.targetGuard } : {}) },
      );
      return endpointProfileResult(profile, `profile ${profile.url}`, deps.now() - started);
    }

    const label = isUrl(payload.model) ? redactUrl(new URL(payload.model)) : payload.model;
    await deps.progress(1, isUrl(payload.model) ? 'downloading the model' : 'opening the model');
    if (!isUrl(payload.model)) await checkLocalPath(payload.model, deps.localFileRoots);
    if (payload.inputs !== undefined) await checkLocalPath(payload.inputs, deps.localFileRoots);
    const file = await openModelSource(payload.model, { fetch: deps.fetch, signal: deps.signal, nodeName: deps.nodeName });
    try {
      const inputsFile = payload.inputs === undefined ? undefined : { file: payload.inputs, json: await readInputsFile(payload.inputs) };
      const profile = await profileModel(
        {
          modelPath: file.path,
          label,
          dims: payload.dims,
          values: payload.values,
          ...(inputsFile ? { inputsFile } : {}),
          ...(payload.batchSizes ? { batchSizes: payload.batchSizes } : {}),
          ...(payload.concurrency ? { concurrency: payload.concurrency } : {}),
          ...(payload.sweeps ? { sweeps: payload.sweeps } : {}),
          limits: {
            warmup: payload.warmup ?? DEFAULT_WARMUP,
            maxIterations: payload.iterations ?? DURATION_RUN_BOUND,
            maxDurationMs: payload.durationMs ?? (payload.iterations === undefined ? DEFAULT_MODEL_DURATION_MS : ITERATIONS_TIME_BOUND_MS),
          },
        },
        { signal: deps.signal, progress: deps.progress },
      );
      return modelProfileResult(profile, `profile ${label} on ${deps.nodeName}`, deps.now() - started);
    } finally {
      await file.cleanup();
    }
  },
});

async function readInputsFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`--inputs ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`--inputs ${path}: not JSON: ${(err as Error).message}`, { cause: err });
  }
}
