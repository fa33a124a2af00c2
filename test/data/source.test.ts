import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayName, parseByteSize, readDataset } from '../../src/data/source.ts';
import { InputError, UnreachableError } from '../../src/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'infdbg-source-'));
const options = () => ({ signal: new AbortController().signal, fetch: globalThis.fetch });
const csv = 'x,kind\n1,a\n2,b\n3,a\n';

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/data.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(csv);
    else if (url.pathname === '/export') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('{"x": 1}\n{"x": 2}\n');
    else if (url.pathname === '/ref.parquet') res.writeHead(200).end(readFileSync('test/fixtures/drift/reference.parquet'));
    else if (url.pathname === '/login') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html>sign in</html>');
    else if (url.pathname === '/big.csv') res.writeHead(200, { 'content-length': '5000' }).end('x\n'.repeat(2500));
    else if (url.pathname === '/stream.csv') {
      res.writeHead(200); // no content-length: the size is checked while bytes arrive
      res.end('x\n'.repeat(2500));
    } else if (url.pathname === '/slow.csv') res.writeHead(200).write('x\n'); // never ends
    else if (url.pathname === '/slow.csv.gz') res.writeHead(200).write(gzipSync('x\n'.repeat(1000)).subarray(0, 20)); // never ends
    else if (url.pathname === '/stream.csv.gz') res.writeHead(200).end(gzipSync('x\n'.repeat(2500)));
    else if (url.pathname === '/down') res.writeHead(503, 'Service Unavailable').end();
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('readDataset from a path', () => {
  it('says which file does not exist or is a directory', async () => {
    await expect(readDataset(join(dir, 'nope.csv'), options())).rejects.toThrow(new InputError(`${join(dir, 'nope.csv')}: no such file`));
    await expect(readDataset(dir, options())).rejects.toThrow(`${dir}: is a directory, not a data file`);
  });

  it('refuses a file over the size limit before reading it, with both sizes', async () => {
    const path = join(dir, 'big.csv');
    writeFileSync(path, 'x\n'.repeat(600_000));
    await expect(readDataset(path, { ...options(), maxBytes: 1e6 })).rejects.toThrow(`${path}: file is 1.2 MB; the limit is 1.0 MB (raise it with --max-size)`);
  });

  it('reads gzip-compressed CSV and recognises JSON Lines and Parquet without an extension', async () => {
    writeFileSync(join(dir, 'd.csv.gz'), gzipSync(csv));
    writeFileSync(join(dir, 'rows'), '{"x": 5}\n{"x": 6}\n');
    writeFileSync(join(dir, 'pq'), readFileSync('test/fixtures/drift/current.parquet'));
    expect((await readDataset(join(dir, 'd.csv.gz'), options())).rows).toBe(3);
    const rows = await readDataset(join(dir, 'rows'), options());
    expect([rows.format, rows.rows]).toEqual(['jsonl', 2]);
    const pq = await readDataset(join(dir, 'pq'), options());
    expect([pq.format, pq.rows]).toEqual(['parquet', 300]);
  });
});

describe('readDataset from a URL', () => {
  it('downloads CSV, JSON Lines (sniffed) and Parquet', async () => {
    const a = await readDataset(`${base}/data.csv`, options());
    expect([a.format, a.rows, a.columnNames]).toEqual(['csv', 3, ['x', 'kind']]);
    const b = await readDataset(`${base}/export?token=abc`, options());
    expect([b.format, b.rows, b.source]).toEqual(['jsonl', 2, `${base}/export?…`]);
    const c = await readDataset(`${base}/ref.parquet`, options());
    expect([c.format, c.rows]).toEqual(['parquet', 300]);
  });

  it('names the URL without its query string in every error', async () => {
    await expect(readDataset(`${base}/missing.csv?X-Amz-Signature=secret`, options())).rejects.toThrow(new InputError(`${base}/missing.csv?…: HTTP 404 Not Found`));
    await expect(readDataset(`${base}/login`, options())).rejects.toThrow(`${base}/login: the server returned an HTML page, not data (a login or error page?)`);
    const down = await readDataset(`${base}/down`, options()).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(UnreachableError);
    expect((down as Error).message).toBe(`${base}/down: HTTP 503 Service Unavailable`);
  });

  it('enforces the size limit from Content-Length and while streaming', async () => {
    await expect(readDataset(`${base}/big.csv`, { ...options(), maxBytes: 1000 })).rejects.toThrow(`${base}/big.csv: file is 5 kB; the limit is 1 kB`);
    await expect(readDataset(`${base}/stream.csv`, { ...options(), maxBytes: 1000 })).rejects.toThrow(/stream\.csv: file is more than \d+ kB; the limit is 1 kB/);
  });

  it('passes a failed download of a .gz file on through the decompression (no hang)', async () => {
    const slow = await readDataset(`${base}/slow.csv.gz`, { ...options(), downloadTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(UnreachableError);
    expect((slow as Error).message).toBe(`${base}/slow.csv.gz: download did not finish within 0.3 s`);
    await expect(readDataset(`${base}/stream.csv.gz`, { ...options(), maxBytes: 10 })).rejects.toThrow(/stream\.csv\.gz: file is more than \d+ B; the limit is 10 B/);
    expect((await readDataset(`${base}/stream.csv.gz`, options())).rows).toBe(2499);
  });

  it('gives up on a download that does not finish in time, and on a refused connection', async () => {
    const slow = await readDataset(`${base}/slow.csv`, { ...options(), downloadTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(UnreachableError);
    expect((slow as Error).message).toBe(`${base}/slow.csv: download did not finish within 0.3 s`);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await readDataset(`http://127.0.0.1:${port}/data.csv`, options()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnreachableError);
    expect((refused as Error).message).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/data\\.csv: download failed \\(.*ECONNREFUSED`));
  });

  it('stops when the job is cancelled', async () => {
    const controller = new AbortController();
    const pending = readDataset(`${base}/slow.csv`, { signal: controller.signal, fetch: globalThis.fetch });
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toThrow('job cancelled');
  });

  it('refuses other URL schemes', async () => {
    await expect(readDataset('s3://bucket/data.csv', options())).rejects.toThrow('s3://bucket/data.csv: only local paths and http(s) URLs can be read (use a pre-signed https URL for object storage)');
  });
});

describe('displayName and parseByteSize', () => {
  it('drops credentials and query strings from URLs', () => {
    expect(displayName('https://user:pw@host.example/a/b.csv?sig=1#x')).toBe('https://host.example/a/b.csv?…');
    expect(displayName('data/ref.csv')).toBe('data/ref.csv');
  });
  it('parses sizes with decimal and binary units', () => {
    expect(parseByteSize('2GB')).toBe(2e9);
    expect(parseByteSize('4GiB')).toBe(4 * 2 ** 30);
    expect(parseByteSize('500 mb')).toBe(5e8);
    expect(parseByteSize('lots')).toBeUndefined();
  });
});
