// Where the model file comes from: a local path (the node that runs the job must have it), or an
// http(s) URL downloaded to a private temp file, with a deadline and a size cap so a wrong link
// can neither hang the job nor fill the disk.
import { createWriteStream } from 'node:fs';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, UnreachableError } from '../core/errors.ts';
import { withoutCredentials } from '../net/url-credentials.ts';
import { TargetRefusedError } from '../policy/target-policy.ts';

/** Largest model downloaded, bytes (2 GiB: the protobuf limit of a single-file ONNX model). */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;
/** Deadline of a model download, ms. */
export const DOWNLOAD_TIMEOUT_MS = 120_000;

export interface ModelFile {
  path: string;
  /** Deletes the downloaded copy; a no-op for a local file. */
  cleanup(): Promise<void>;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

export interface ModelSourceDeps {
  fetch: typeof fetch;
  signal: AbortSignal;
  /** This node's name, for the message when a local file is missing. */
  nodeName: string;
  /** Default MAX_MODEL_BYTES. */
  maxBytes?: number;
  /** Default DOWNLOAD_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Resolves `--model` to a readable local file. */
export async function openModelSource(source: string, deps: ModelSourceDeps): Promise<ModelFile> {
  if (!isUrl(source)) {
    try {
      await access(source, constants.R_OK);
    } catch (err) {
      throw new InputError(`${source}: cannot read the model file on node ${deps.nodeName} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
    return { path: source, cleanup: async () => {} };
  }
  const maxBytes = deps.maxBytes ?? MAX_MODEL_BYTES;
  const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(deps.timeoutMs ?? DOWNLOAD_TIMEOUT_MS)]);
  const shown = new URL(source);
  shown.username = '';
  shown.password = '';
  shown.search = '';
  const dir = await mkdtemp(join(tmpdir(), 'infdbg-model-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    let res: Response;
    try {
      // fetch refuses a URL with credentials, and its error repeats them: send them as Basic auth.
      const request = withoutCredentials(new URL(source));
      res = await deps.fetch(request.url, { headers: request.headers, signal, redirect: 'follow' });
    } catch (err) {
      deps.signal.throwIfAborted();
      if (err instanceof TargetRefusedError) throw err;
      throw new UnreachableError(`${shown.href}: model download failed: ${signal.aborted ? 'timed out' : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`, { cause: err });
    }
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      const msg = `${shown.href}: model download answered HTTP ${res.status}`;
      throw res.status >= 500 ? new UnreachableError(msg) : new InputError(msg);
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body.cancel();
      throw new InputError(`${shown.href}: model is ${declared} bytes; the limit is ${maxBytes}`);
    }
    const path = join(dir, 'model.onnx');
    let received = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > maxBytes) done(new InputError(`${shown.href}: model exceeds the ${maxBytes}-byte limit`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), cap, createWriteStream(path), { signal });
    } catch (err) {
      if (err instanceof InputError) throw err;
      deps.signal.throwIfAborted();
      throw new UnreachableError(`${shown.href}: model download failed: ${signal.aborted ? 'timed out' : (err as Error).message}`, { cause: err });
    }
    return { path, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
