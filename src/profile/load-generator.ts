// The HTTP side of endpoint profiling: one request at a time over a keep-alive node:http(s) Agent,
// timed to the response headers (TTFB) and to the end of the body, with a per-request deadline.
// node:http rather than fetch: it is the faster client here (bench/load-generator.ts measures
// both), so the generator's own ceiling sits well above the servers it profiles.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { TargetRefusedError } from '../policy/target-policy.ts';

export interface LoadClientOptions {
  url: URL;
  /** HTTP method. */
  method: string;
  /** Request headers; `content-length` is set from the body. */
  headers: Record<string, string>;
  /** Request body sent with every request, or undefined for none. */
  body: Buffer | undefined;
  /** Deadline of one request, headers to last byte, ms. */
  timeoutMs: number;
  /** Most sockets kept open at once; equal to the closed-loop concurrency. */
  maxSockets: number;
  /** Aborting destroys every socket, so requests in flight end at once (as `aborted`). */
  signal: AbortSignal;
  /** DNS lookup for each new socket (the target policy's, on workers). Default: the system's. */
  lookup?: LookupFunction;
}

/** What one request came to. Exactly one of `status` and `error` is set. */
export interface RequestOutcome {
  /** HTTP status of the response. */
  status?: number;
  /** Transport failure: the error code (`ECONNREFUSED`, `ECONNRESET`, …), `timeout` or `aborted`. */
  error?: string;
  /** One-line description of the transport failure. */
  errorMessage?: string;
  /** Start to response headers, ms. */
  ttfbMs: number;
  /** Start to the end of the body (or to the failure), ms. */
  totalMs: number;
  /** Raw `Server-Timing` header value(s), when the response had any. */
  serverTiming?: string;
  /** The target policy refused the address the name resolved to (no request was sent). */
  refused?: TargetRefusedError;
}

export interface LoadClient {
  send(): Promise<RequestOutcome>;
  /** Closes every socket. */
  close(): void;
}

class RequestTimeout extends Error {
  readonly code = 'timeout';
}

export function createLoadClient(options: LoadClientOptions): LoadClient {
  const { url, method, body, timeoutMs, signal } = options;
  const isHttps = url.protocol === 'https:';
  const agent = isHttps
    ? new https.Agent({ keepAlive: true, maxSockets: options.maxSockets })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const request = isHttps ? https.request : http.request;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  const requestOptions: http.RequestOptions = {
    agent,
    method,
    headers,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  const onAbort = () => agent.destroy();
  signal.addEventListener('abort', onAbort, { once: true });

  function send(): Promise<RequestOutcome> {
    if (signal.aborted) return Promise.resolve({ error: 'aborted', errorMessage: 'aborted', ttfbMs: 0, totalMs: 0 });
    return new Promise((resolve) => {
      const t0 = performance.now();
      let ttfbMs = Number.NaN;
      let settled = false;
      const finish = (outcome: Omit<RequestOutcome, 'ttfbMs' | 'totalMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const totalMs = performance.now() - t0;
        resolve({ ...outcome, ttfbMs: Number.isNaN(ttfbMs) ? totalMs : ttfbMs, totalMs });
      };
      const req = request(requestOptions, (res) => {
        ttfbMs = performance.now() - t0;
        const status = res.statusCode ?? 0;
        const st = res.headers['server-timing'];
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('connection closed before the response body was complete'), { code: 'ECONNRESET' }));
        });
        res.on('end', () => finish(st === undefined ? { status } : { status, serverTiming: Array.isArray(st) ? st.join(',') : st }));
        res.resume();
      });
      const timer = setTimeout(() => req.destroy(new RequestTimeout(`no complete response within ${timeoutMs} ms`)), timeoutMs);
      function fail(err: Error & { code?: string }): void {
        const code = signal.aborted ? 'aborted' : err instanceof RequestTimeout ? 'timeout' : (err.code ?? 'error');
        finish({ error: code, errorMessage: err.message.split('\n')[0] ?? code, ...(err instanceof TargetRefusedError ? { refused: err } : {}) });
      }
      req.on('error', fail);
      req.end(body);
    });
  }

  return {
    send,
    close() {
      signal.removeEventListener('abort', onAbort);
      agent.destroy();
    },
  };
}
