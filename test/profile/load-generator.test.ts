// The HTTP client of endpoint mode against small real node:http servers that misbehave on purpose.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadClient, type LoadClient } from '../../src/profile/load-generator.ts';

let server: Server | undefined;
let client: LoadClient | undefined;
afterEach(async () => {
  client?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  server = client = undefined;
});

async function serve(handler: RequestListener, options: { timeoutMs?: number; signal?: AbortSignal; body?: string } = {}): Promise<LoadClient> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = createLoadClient({
    url: new URL(`http://127.0.0.1:${port}/predict?x=1`),
    method: options.body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : Buffer.from(options.body),
    timeoutMs: options.timeoutMs ?? 5000,
    maxSockets: 2,
    signal: options.signal ?? new AbortController().signal,
  });
  return client;
}

describe('createLoadClient', () => {
  it('sends the body and separates time to headers from time to the last byte', async () => {
    const seen: string[] = [];
    const c = await serve((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${text}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        setTimeout(() => res.end('{"ok":true}'), 60); // body 60 ms after the headers
      });
    }, { body: '{"audio":[0.1]}' });
    const o = await c.send();
    expect(seen).toEqual(['POST /predict?x=1 {"audio":[0.1]}']);
    expect(o.status).toBe(200);
    expect(o.totalMs - o.ttfbMs).toBeGreaterThanOrEqual(50);
  });

  it('reuses one keep-alive connection for requests in sequence', async () => {
    const sockets = new Set<unknown>();
    const c = await serve((req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    });
    for (let i = 0; i < 5; i++) expect((await c.send()).status).toBe(200);
    expect(sockets.size).toBe(1);
  });

  it('returns Server-Timing from repeated headers as one list', async () => {
    const c = await serve((_req, res) => {
      res.setHeader('server-timing', ['preprocess;dur=1', 'inference;dur=2;desc="a, b"']);
      res.end('ok');
    });
    expect((await c.send()).serverTiming).toBe('preprocess;dur=1, inference;dur=2;desc="a, b"');
  });

  it('names a connection cut mid-body and a request past its deadline', async () => {
    let n = 0;
    const c = await serve((req, res) => {
      if (n++ === 0) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => req.socket.destroy(), 10);
      } // the second request is never answered
    }, { timeoutMs: 150 });
    const cut = await c.send();
    expect(cut.status).toBeUndefined();
    expect(cut.error).toBe('ECONNRESET');
    const late = await c.send();
    expect(late.error).toBe('timeout');
    expect(late.errorMessage).toContain('150 ms');
  });

  it('ends requests in flight as "aborted" when the signal fires, and starts none after', async () => {
    const ac = new AbortController();
    const c = await serve(() => {}, { signal: ac.signal });
    const pending = c.send();
    setTimeout(() => ac.abort(), 50);
    expect((await pending).error).toBe('aborted');
    expect((await c.send()).error).toBe('aborted');
  });
});
