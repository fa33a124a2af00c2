// Model download bounds: a size cap whether or not the server declares a length, a deadline on a
// server that never answers, and the temp copy removed by cleanup.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UnreachableError } from '../../src/core/errors.ts';
import { openModelSource } from '../../src/profile/model-source.ts';

let server: Server;
let base: string;
const payload = Buffer.alloc(4096, 7);

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/declared') res.writeHead(200, { 'content-length': payload.length }).end(payload);
    else if (req.url === '/chunked') {
      res.writeHead(200);
      res.write(payload.subarray(0, 2048));
      res.end(payload.subarray(2048));
    } else if (req.url === '/private' && req.headers.authorization === `Basic ${Buffer.from('ops:hunter2').toString('base64')}`) {
      res.writeHead(200).end(payload);
    } else if (req.url === '/hang') {
      // never answers
    } else res.writeHead(503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const deps = (extra: { maxBytes?: number; timeoutMs?: number } = {}) => ({ fetch: globalThis.fetch, signal: new AbortController().signal, nodeName: 'n1', ...extra });

describe('openModelSource', () => {
  it('downloads to a temp file that cleanup removes', async () => {
    const file = await openModelSource(`${base}/chunked`, deps());
    expect(await readFile(file.path)).toEqual(payload);
    await file.cleanup();
    expect(existsSync(file.path)).toBe(false);
  });

  it('downloads from a URL with credentials, sending them as Basic auth', async () => {
    const file = await openModelSource(`${base.replace('http://', 'http://ops:hunter2@')}/private`, deps());
    expect(await readFile(file.path)).toEqual(payload);
    await file.cleanup();
  });

  it('refuses a model over the size cap, declared or streamed', async () => {
    await expect(openModelSource(`${base}/declared`, deps({ maxBytes: 1000 }))).rejects.toThrow(`${base}/declared: model is 4096 bytes; the limit is 1000`);
    await expect(openModelSource(`${base}/chunked`, deps({ maxBytes: 3000 }))).rejects.toThrow(InputError);
    await expect(openModelSource(`${base}/chunked`, deps({ maxBytes: 3000 }))).rejects.toThrow('exceeds the 3000-byte limit');
  });

  it('gives up on a server that never answers, and treats 5xx as unreachable', async () => {
    await expect(openModelSource(`${base}/hang`, deps({ timeoutMs: 200 }))).rejects.toThrow(`${base}/hang: model download failed: timed out`);
    await expect(openModelSource(`${base}/down`, deps())).rejects.toThrow(UnreachableError);
  });
});
