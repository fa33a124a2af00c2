// Enforces the target policy (src/policy/target-policy.ts) on the wire, for workers: a DNS lookup
// that refuses a name resolving to a forbidden address — handed to node:http and node:net, so the
// socket connects to the very address that was checked (no DNS rebinding between check and
// connect) — and a fetch built on it that follows redirects itself, checking every hop.
// Address literals never reach a lookup, so every URL is also checked as written.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Resolver, lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { redactUrl } from '../net/url-credentials.ts';
import { TargetRefusedError, assertTarget, checkResolvedAddress, checkTarget, type RefusedService, type TargetPolicy } from './target-policy.ts';

/** Redirects followed per request (fetch's own limit is 20). */
export const MAX_REDIRECTS = 10;

export interface TargetGuard {
  readonly policy: TargetPolicy;
  /** Throws TargetRefusedError when the URL is refused as written (scheme, address literal, metadata name, refused service, allowlist). */
  check(url: string | URL): void;
  /** A `lookup` for node:http / node:net connecting to `port`: resolves, and refuses when any address the name resolves to is refused. */
  lookupFor(port: number): LookupFunction;
  /** fetch under the policy: every URL and redirect hop checked, every connection through `lookupFor`. Bodies: string, bytes or none. */
  fetch: typeof fetch;
}

export interface TargetGuardOptions {
  /** DNS: all addresses of a name. Default node:dns lookup (the system resolver, as fetch uses). */
  resolve?(hostname: string): Promise<LookupAddress[]>;
}

/** This machine's own addresses (every interface), for "the bot's own port". */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

export function createTargetGuard(policy: TargetPolicy, options: TargetGuardOptions = {}): TargetGuard {
  const resolve = options.resolve ?? ((hostname: string) => dnsLookup(hostname, { all: true, order: 'verbatim' }));
  // The refused services' own addresses (Redis as `redis` → 10.0.3.7), so `http://10.0.3.7:6379` is refused too. Looked up lazily, kept a minute.
  let services: { at: number; map: Promise<Map<RefusedService, readonly string[]>> } | undefined;
  const serviceAddresses = () => {
    if (!services || Date.now() - services.at > 60_000) {
      const map = Promise.all(
        policy.refusedServices.map(async (s) => [s, s.host === undefined ? [] : await resolve(s.host).then((as) => as.map((a) => a.address), () => [])] as const),
      ).then((entries) => new Map(entries));
      services = { at: Date.now(), map };
    }
    return services.map;
  };

  const lookupFor = (port: number): LookupFunction => (hostname, lookupOptions: LookupOptions, callback) => {
    void (async () => {
      const found = await resolve(hostname);
      const family = Number(lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : (lookupOptions.family ?? 0));
      const usable = found.filter((a) => family === 0 || a.family === family);
      if (usable.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      const known = await serviceAddresses();
      // Any refused address refuses the name: a rebinding record set (one public address, one metadata) must not get through.
      for (const a of found) {
        const why = checkResolvedAddress(hostname, a.address, port, policy, known);
        if (why) throw new TargetRefusedError(`target refused: ${why}`);
      }
      return usable;
    })().then(
      (addresses) => {
        if ((lookupOptions as { all?: boolean }).all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };

  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const check = (url: string | URL) => assertTarget(url, policy);

  const guardedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    let body = requestBody(init.body);
    const redirect = init.redirect ?? 'follow';
    const signal = init.signal ?? undefined;
    let from: URL | undefined;
    for (let redirects = 0; ; redirects++) {
      const hop = url;
      const res = await (async () => {
        check(hop);
        return requestOnce(hop, method, headers, body, signal, lookupFor, agents);
      })().catch((err: unknown) => {
        // Say where a refused hop came from: the target the user named redirected there.
        throw from && err instanceof TargetRefusedError ? new TargetRefusedError(`${err.message} (a redirect from ${redactUrl(from)})`) : err;
      });
      const location = res.headers.get('location');
      if (redirect === 'manual' || location === null || ![301, 302, 303, 307, 308].includes(res.status)) return res;
      await res.body?.cancel();
      if (redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`redirected to ${location} (redirect: error)`) });
      if (redirects >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
      const next = new URL(location, url);
      // As fetch does: 303 (and 301/302 after a POST) becomes a GET without a body; credentials stay with their origin.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(h);
      }
      if (next.origin !== url.origin) for (const h of ['authorization', 'proxy-authorization', 'cookie']) headers.delete(h);
      from = url;
      url = next;
    }
  };

  return { policy, check, lookupFor, fetch: guardedFetch as typeof fetch };
}

function requestBody(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  throw new TypeError('the guarded fetch sends string or byte bodies only');
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** One HTTP exchange over node:http(s) with the validating lookup, answered as a fetch Response. */
function requestOnce(
  url: URL,
  method: string,
  headers: Headers,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
  lookupFor: (port: number) => LookupFunction,
  agents: { http: http.Agent; https: https.Agent },
): Promise<Response> {
  const isHttps = url.protocol === 'https:';
  const port = Number(url.port || (isHttps ? 443 : 80));
  const outgoing: Record<string, string> = { accept: '*/*', 'user-agent': 'infdbg', ...Object.fromEntries(headers) };
  if (body !== undefined) outgoing['content-length'] = String(body.length);
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const req = (isHttps ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port,
        path: `${url.pathname}${url.search}`,
        method,
        headers: outgoing,
        agent: isHttps ? agents.https : agents.http,
        lookup: lookupFor(port),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
        }
        const onAbort = () => res.destroy(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        const stream = method === 'HEAD' || NULL_BODY_STATUS.has(status) ? null : decoded(res);
        if (stream === null) res.resume();
        try {
          resolve(new Response(stream === null ? null : (Readable.toWeb(stream) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        } catch (err) {
          res.destroy();
          reject(new TypeError('fetch failed', { cause: err }));
        }
      },
    );
    const onAbort = () => req.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => signal?.removeEventListener('abort', onAbort));
    req.on('error', (err) => {
      if (signal?.aborted) reject(signal.reason);
      else if (err instanceof TargetRefusedError) reject(err);
      else reject(new TypeError('fetch failed', { cause: err }));
    });
    req.end(body);
  });
}

/** The body decoded as fetch would (gzip, deflate, br). */
function decoded(res: http.IncomingMessage): Readable {
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return res;
  res.on('error', (err) => decoder.destroy(err));
  return res.pipe(decoder);
}

/** A diagnostic's network deps under the guard: its fetch, and the guard itself for raw sockets. */
export function guardedNetwork(guard: TargetGuard): { fetch: typeof fetch; targetGuard: TargetGuard } {
  return { fetch: guard.fetch, targetGuard: guard };
}

/** Resolves a name to its addresses (A and AAAA); [] when it does not resolve. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/**
 * DNS for the ack: c-ares queries (not the libuv thread pool that file and crypto work share), one
 * try each, `timeoutMs` per query. A name the system resolver knows only from /etc/hosts is left to the worker.
 */
export function ackResolver(timeoutMs = 300): ResolveHost {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  // Answers (and failures) kept 30 s, so a burst of commands naming one service costs one lookup; the worker checks afresh.
  const cache = new Map<string, { at: number; answer: Promise<string[]> }>();
  return (hostname) => {
    const hit = cache.get(hostname);
    if (hit && Date.now() - hit.at < 30_000) return hit.answer;
    if (cache.size >= 1000) cache.clear();
    const answer = Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]).then((as) => as.flatMap((a) => (a.status === 'fulfilled' ? a.value : [])));
    cache.set(hostname, { at: Date.now(), answer });
    return answer;
  };
}

/**
 * The ack's look after DNS: each URL the policy cannot decide as written (a name) is resolved
 * within `deadlineMs`, and a refused address refuses it now rather than in the worker. A name that
 * does not resolve in time (or from here) is left to the worker, which checks every connection.
 */
export async function refusedAfterDns(urls: readonly string[], policy: TargetPolicy, resolve: ResolveHost, deadlineMs = 500): Promise<string | undefined> {
  const names = urls.flatMap((u) => {
    if (checkTarget(u, policy).verdict !== 'resolve') return [];
    const url = new URL(u);
    return [{ host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) }];
  });
  if (names.length === 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), deadlineMs).unref()));
  const looked = Promise.all(
    names.map(async ({ host, port }) => {
      for (const address of await resolve(host).catch(() => [])) {
        const why = checkResolvedAddress(host, address, port, policy);
        if (why) return `target refused: ${why}`;
      }
      return undefined;
    }),
  ).then((reasons) => reasons.find((r) => r !== undefined));
  try {
    return await Promise.race([looked, late]);
  } finally {
    clearTimeout(timer);
  }
}
