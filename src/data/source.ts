// Opens a dataset named by a path or an http(s) URL and reads it with the reader its format
// needs. The size is checked before anything is read (stat, Content-Length) and again while bytes
// arrive, downloads have a deadline and follow the job's AbortSignal, and URLs are shown without
// their query string or credentials (pre-signed URLs carry secrets there).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readCsv } from './csv.ts';
import type { DataFormat, Dataset } from './dataset.ts';
import { readJsonLines } from './jsonl.ts';
import { InputError, UnreachableError } from '../core/errors.ts';
import { TargetRefusedError } from '../policy/target-policy.ts';

/** Largest file read by default: 2 GB (columns take about as much memory as the file). */
export const DEFAULT_MAX_BYTES = 2e9;
/** Deadline for downloading one URL, ms. Default 5 minutes. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 300_000;

export interface ReadDatasetOptions {
  /** Read only these columns. Default: all. */
  columns?: ReadonlySet<string> | undefined;
  /** Largest file or download accepted, bytes (before decompression). Default DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  signal: AbortSignal;
  fetch: typeof fetch;
  /** Download deadline, ms. Default DEFAULT_DOWNLOAD_TIMEOUT_MS. */
  downloadTimeoutMs?: number;
  /** Called as bytes arrive with the share read so far (0–1), when the size is known. */
  onProgress?(share: number): void;
}

/** Reads a CSV, TSV, JSON Lines or Parquet file (optionally .gz) from a path or an http(s) URL. */
export async function readDataset(location: string, options: ReadDatasetOptions): Promise<Dataset> {
  const source = displayName(location);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const url = parseUrl(location);
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${source}: only local paths and http(s) URLs can be read (use a pre-signed https URL for object storage)`);
  }
  const path = url ? url.pathname : location;
  const gzip = path.toLowerCase().endsWith('.gz');
  const declared = formatFromName(gzip ? path.slice(0, -3) : path);
  const reader = { source, columns: options.columns, signal: options.signal };

  let bytes: AsyncIterable<Uint8Array>;
  if (!url) {
    const size = await fileSize(location, source);
    if (size > maxBytes) throw tooLarge(source, size, maxBytes);
    if (declared === 'parquet' && !gzip) {
      const [{ asyncBufferFromFile }, { readParquet }] = await Promise.all([import('hyparquet'), parquetReader()]);
      return readParquet(await asyncBufferFromFile(location), reader);
    }
    bytes = counted(createReadStream(location, { highWaterMark: 1 << 20, signal: options.signal }), size, options.onProgress);
  } else {
    bytes = await download(url, source, maxBytes, options);
  }
  return readStream(gzip ? gunzip(bytes) : bytes, declared, reader);
}

/** The Parquet reader and hyparquet are loaded for Parquet files only (about 15 ms of every start otherwise). */
const parquetReader = () => import('./parquet.ts');

/** Decompresses gzip; a failure of the source (deadline, size limit, cancellation) fails the output too, where `.pipe` would leave it waiting. */
function gunzip(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return pipeline(Readable.from(chunks), createGunzip(), () => {});
}

async function readStream(chunks: AsyncIterable<Uint8Array>, declared: DataFormat | undefined, reader: { source: string; columns: ReadonlySet<string> | undefined; signal: AbortSignal }): Promise<Dataset> {
  const { format, stream } = await detectFormat(chunks, declared);
  try {
    if (format === 'jsonl') return await readJsonLines(stream, reader);
    if (format === 'parquet') return await (await parquetReader()).readParquet(await collect(stream).then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer), reader);
    return await readCsv(stream, { ...reader, delimiter: format === 'tsv' ? '\t' : ',' });
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'Z_DATA_ERROR') throw new InputError(`${reader.source}: not valid gzip data (${err.message})`, { cause: err });
    throw err;
  }
}

/** The path, or the URL without credentials and query string. */
export function displayName(location: string): string {
  const url = parseUrl(location);
  if (!url) return location;
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
}

function parseUrl(location: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  try {
    return new URL(location);
  } catch {
    throw new InputError(`${location.replace(/[?#].*$/, '')}: not a valid URL`);
  }
}

function formatFromName(name: string): DataFormat | undefined {
  switch (extname(name).toLowerCase()) {
    case '.csv':
      return 'csv';
    case '.tsv':
    case '.tab':
      return 'tsv';
    case '.jsonl':
    case '.ndjson':
    case '.json':
      return 'jsonl';
    case '.parquet':
    case '.pq':
      return 'parquet';
    default:
      return undefined;
  }
}

/** Uses the declared format, or looks at the first bytes: `PAR1` is Parquet, `{` JSON Lines, else CSV. */
async function detectFormat(chunks: AsyncIterable<Uint8Array>, declared: DataFormat | undefined): Promise<{ format: DataFormat; stream: AsyncIterable<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      if (!first.done) yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    },
  };
  if (declared) return { format: declared, stream: rest };
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 64)).toString('latin1');
  if (text.startsWith('PAR1')) return { format: 'parquet', stream: rest };
  if (/^(\uFEFF|\xEF\xBB\xBF)?\s*\{/.test(text)) return { format: 'jsonl', stream: rest };
  return { format: 'csv', stream: rest };
}

async function fileSize(path: string, source: string): Promise<number> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new InputError(`${source}: is a directory, not a data file`);
    return s.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code || String(err)})`;
    throw new InputError(`${source}: ${why}`, { cause: err });
  }
}

async function download(url: URL, source: string, maxBytes: number, options: ReadDatasetOptions): Promise<AsyncIterable<Uint8Array>> {
  const timeoutMs = options.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]);
  let response: Response;
  try {
    response = await options.fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    throw fetchFailure(err, source, options.signal, timeoutMs);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const message = `${source}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status >= 500 || response.status === 429) throw new UnreachableError(message);
    throw new InputError(message);
  }
  if ((response.headers.get('content-type') ?? '').includes('text/html')) {
    await response.body?.cancel();
    throw new InputError(`${source}: the server returned an HTML page, not data (a login or error page?)`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(source, declared, maxBytes);
  }
  if (!response.body) return (async function* () {})();
  const body = response.body;
  return (async function* () {
    let received = 0;
    try {
      for await (const chunk of counted(body, Number.isFinite(declared) ? declared : undefined, options.onProgress)) {
        received += chunk.byteLength;
        if (received > maxBytes) throw tooLarge(source, received, maxBytes, 'more than ');
        yield chunk;
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw fetchFailure(err, source, options.signal, timeoutMs);
    }
  })();
}

function fetchFailure(err: unknown, source: string, jobSignal: AbortSignal, timeoutMs: number): Error {
  if (jobSignal.aborted) return jobSignal.reason instanceof Error ? jobSignal.reason : new Error(String(jobSignal.reason));
  if (err instanceof TargetRefusedError) return err;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new UnreachableError(`${source}: download did not finish within ${timeoutMs / 1000} s`, { cause: err });
  }
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
  return new UnreachableError(`${source}: download failed (${cause})`, { cause: err });
}

function tooLarge(source: string, size: number, maxBytes: number, qualifier = ''): InputError {
  return new InputError(`${source}: file is ${qualifier}${formatBytes(size)}; the limit is ${formatBytes(maxBytes)} (raise it with --max-size)`);
}

/** 10.0 GB, 512.0 MB, 900 kB, 12 B (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** Parses `2GB`, `500MB`, `4GiB`, `1e9` into bytes; undefined when not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
  return Number(m[1]) * scale[unit]!;
}

/** Passes chunks through, reporting the share of `total` bytes seen whenever it grows by a percent. */
async function* counted(chunks: AsyncIterable<Uint8Array>, total: number | undefined, onProgress: ((share: number) => void) | undefined): AsyncIterable<Uint8Array> {
  let seen = 0;
  let reported = 0;
  for await (const chunk of chunks) {
    seen += chunk.byteLength;
    if (onProgress && total && seen / total - reported >= 0.01) {
      reported = Math.min(1, seen / total);
      onProgress(reported);
    }
    yield chunk;
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
