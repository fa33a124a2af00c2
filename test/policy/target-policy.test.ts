// The target policy: metadata and link-local addresses in every spelling the URL parser accepts,
// the bot's own Redis and port, the allowlist forms; then the guard on the wire — a name whose DNS
// answer is refused, and redirects from a real local HTTP server to refused addresses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { profileEndpoint } from '../../src/profile/endpoint.ts';
import { createTargetGuard, refusedAfterDns } from '../../src/policy/target-guard.ts';
import {
  TargetRefusedError,
  checkResolvedAddress,
  checkTarget,
  normalizeAddress,
  parseAllowedTargets,
  targetPolicyFromConfig,
  type TargetPolicy,
} from '../../src/policy/target-policy.ts';

const open = targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: [], REDIS_URL: 'redis://127.0.0.1:6379', PORT: 3000 }, ['10.1.2.3', 'fd12::3']);
const verdict = (url: string, policy: TargetPolicy = open) => checkTarget(url, policy).verdict;

describe('checkTarget: always refused', () => {
  it.each([
    ['AWS/GCP/Azure metadata', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['the same address in decimal', 'http://2852039166/latest/meta-data/'],
    ['in hex', 'http://0xa9fea9fe/'],
    ['in octal dotted form', 'http://0251.0376.0251.0376/'],
    ['ECS task metadata', 'http://169.254.170.2/v2/credentials'],
    ['any link-local address', 'http://169.254.1.1:8080/'],
    ['Alibaba metadata', 'http://100.100.100.200/latest/meta-data/'],
    ['"this host"', 'http://0.0.0.0:8080/health'],
    ['AWS metadata over IPv6', 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['IPv4-mapped IPv6', 'http://[::ffff:169.254.169.254]/'],
    ['NAT64-embedded IPv4', 'http://[64:ff9b::a9fe:a9fe]/'],
    ['IPv6 link-local', 'http://[fe80::1]:9090/metrics'],
    ['the unspecified IPv6 address', 'http://[::]:8080/'],
    ['GCP metadata by name', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['… in capitals with a trailing dot', 'http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/'],
    ['the short metadata name', 'http://metadata/computeMetadata/v1/'],
    ['AWS instance-data', 'http://instance-data/latest/meta-data/'],
    ['a file URL', 'file:///etc/passwd'],
    ['gopher', 'gopher://127.0.0.1:6379/_FLUSHALL'],
  ])('%s: %s', (_what, url) => {
    const d = checkTarget(url, open);
    expect(d.verdict).toBe('refused');
  });

  it('says why, naming the address', () => {
    expect(checkTarget('http://169.254.169.254/latest/meta-data/', open)).toEqual({ verdict: 'refused', reason: expect.stringMatching(/^169\.254\.169\.254 is link-local, where cloud instance metadata/) });
  });

  it("refuses the bot's Redis by address, by loopback name and over IPv6 loopback — only on its port", () => {
    for (const url of ['http://127.0.0.1:6379/', 'http://localhost:6379/health', 'http://[::1]:6379/', 'http://127.0.0.2:6379/']) expect(verdict(url), url).toBe('refused');
    expect(checkTarget('http://127.0.0.1:6379/', open)).toMatchObject({ reason: expect.stringContaining('the job queue (Redis)') });
    expect(verdict('http://127.0.0.1:8080/health')).toBe('allowed');
  });

  it('refuses Redis by its configured name', () => {
    const policy = targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: [], REDIS_URL: 'redis://:pw@Redis-Master.infra:6380/0' });
    expect(verdict('http://redis-master.infra:6380/', policy)).toBe('refused');
    expect(verdict('http://redis-master.infra:8080/', policy)).toBe('resolve');
  });

  it("refuses the bot's own port on this machine (loopback, its interfaces), not elsewhere", () => {
    for (const url of ['http://127.0.0.1:3000/slack/events', 'http://localhost:3000/', 'http://10.1.2.3:3000/metrics', 'http://[fd12::3]:3000/']) expect(verdict(url), url).toBe('refused');
    expect(verdict('http://10.9.9.9:3000/')).toBe('allowed');
  });

  it('lets other internal targets through when no allowlist is set (debugging internal services is the job)', () => {
    expect(verdict('http://10.0.4.7:8080/health')).toBe('allowed');
    expect(verdict('http://[fd00::7]:8080/')).toBe('allowed');
    expect(verdict('https://ranker.ml.svc.cluster.local/predict')).toBe('resolve');
  });
});

describe('checkResolvedAddress: after DNS', () => {
  it('refuses a name that resolves to a metadata address, an embedded one, or to Redis', () => {
    expect(checkResolvedAddress('evil.example', '169.254.169.254', 80, open)).toMatch(/evil\.example \(169\.254\.169\.254\) is link-local/);
    expect(checkResolvedAddress('evil.example', '::ffff:a9fe:a9fe', 80, open)).toMatch(/link-local/);
    expect(checkResolvedAddress('cache.example', '127.0.0.1', 6379, open)).toMatch(/the job queue \(Redis\)/);
    expect(checkResolvedAddress('model.example', '10.0.0.8', 8080, open)).toBeUndefined();
  });

  it('matches Redis by the addresses its name resolves to', () => {
    const policy = targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: [], REDIS_URL: 'redis://redis:6379' });
    const known = new Map([[policy.refusedServices[0]!, ['10.0.3.7']]]);
    expect(checkResolvedAddress('other-name', '10.0.3.7', 6379, policy, known)).toMatch(/Redis/);
    expect(checkResolvedAddress('other-name', '10.0.3.7', 8080, policy, known)).toBeUndefined();
  });
});

describe('INFDBG_ALLOWED_TARGETS', () => {
  const policy = targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: ['model-gw.example.com', '.svc.cluster.local', '10.20.0.0/16', 'fd00:1::/32'], REDIS_URL: 'redis://127.0.0.1:6379' });

  it('admits listed names and suffixes (their addresses are still checked), CIDR literals; refuses the rest', () => {
    expect(verdict('https://model-gw.example.com/v1', policy)).toBe('resolve');
    expect(verdict('http://ranker.ml.svc.cluster.local:8080/', policy)).toBe('resolve');
    expect(verdict('http://10.20.3.4:8080/', policy)).toBe('allowed');
    expect(verdict('http://[fd00:1::9]:8080/', policy)).toBe('allowed');
    expect(verdict('http://10.21.0.1:8080/', policy)).toBe('refused');
    expect(checkTarget('http://10.21.0.1:8080/', policy)).toMatchObject({ reason: expect.stringContaining('not in INFDBG_ALLOWED_TARGETS (model-gw.example.com, .svc.cluster.local, 10.20.0.0/16, fd00:1::/32)') });
    // A name it does not list may still resolve into one of its CIDRs: the address decides.
    expect(verdict('http://other.example/', policy)).toBe('resolve');
    expect(checkResolvedAddress('other.example', '10.20.9.9', 80, policy)).toBeUndefined();
    expect(checkResolvedAddress('other.example', '192.168.1.1', 80, policy)).toMatch(/not in INFDBG_ALLOWED_TARGETS/);
    // The suffix is a whole label boundary only as written: ".svc.cluster.local" does not admit "evilsvc.cluster.local".
    expect(checkResolvedAddress('evilsvc.cluster.local', '192.168.1.1', 80, policy)).toMatch(/not in INFDBG_ALLOWED_TARGETS/);
  });

  it('never admits metadata, even for an allowlisted name', () => {
    expect(checkResolvedAddress('ranker.ml.svc.cluster.local', '169.254.169.254', 80, policy)).toMatch(/link-local/);
    const wide = targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: ['0.0.0.0/0'], REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(verdict('http://169.254.169.254/', wide)).toBe('refused');
    expect(verdict('http://127.0.0.1:6379/', wide)).toBe('refused');
  });

  it('with names only, refuses an unlisted name before any DNS', () => {
    const names = targetPolicyFromConfig({ INFDBG_ALLOWED_TARGETS: ['.svc.cluster.local'], REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(verdict('http://internal-admin.corp/', names)).toBe('refused');
  });

  it('refuses bad entries at start-up, naming each', () => {
    expect(() => parseAllowedTargets(['10.0.0.0/33', 'http://x.example', 'ok.example'])).toThrow(ConfigError);
    expect(() => parseAllowedTargets(['10.0.0.0/33', 'http://x.example'])).toThrow(/"10\.0\.0\.0\/33" is not a CIDR.*"http:\/\/x\.example" is neither/);
    expect(parseAllowedTargets([])).toBeNull();
  });
});

describe('normalizeAddress', () => {
  it('unwraps IPv4 embedded in IPv6 and expands the rest', () => {
    expect(normalizeAddress('::ffff:169.254.169.254')).toEqual({ address: '169.254.169.254', family: 'ipv4' });
    expect(normalizeAddress('[::ffff:a9fe:a9fe]')).toEqual({ address: '169.254.169.254', family: 'ipv4' });
    expect(normalizeAddress('fd00:ec2::254')).toEqual({ address: 'fd00:ec2:0:0:0:0:0:254', family: 'ipv6' });
    expect(normalizeAddress('::1')).toEqual({ address: '0:0:0:0:0:0:0:1', family: 'ipv6' });
  });
});

describe('the guard on the wire: DNS and redirects against a real HTTP server', () => {
  let server: Server;
  let base: string;
  let port: number;
  const seen: Array<{ url: string; method: string; host: string; authorization?: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', host: req.headers.host ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (req.url?.startsWith('/redirect') && to) {
        res.writeHead(Number(new URL(req.url, 'http://x').searchParams.get('status') ?? 302), { location: to });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`ok ${req.method} ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** DNS as a stand-in (the test cannot edit real zones): these names answer with these addresses; others go to the system resolver. */
  const zone: Record<string, string[]> = { 'model.test': ['127.0.0.1'], 'evil.test': ['169.254.169.254'], 'rebind.test': ['127.0.0.1', '169.254.169.254'], 'redis-alias.test': ['127.0.0.1'] };
  const guard = createTargetGuard(open, {
    resolve: async (hostname) => {
      const answer = zone[hostname];
      if (answer) return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      const { lookup } = await import('node:dns/promises');
      return lookup(hostname, { all: true });
    },
  });

  it('fetches an allowed target, connecting to the checked address', async () => {
    const res = await guard.fetch(`http://model.test:${port}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok GET /health');
    expect(seen.at(-1)?.host).toBe(`model.test:${port}`);
  });

  it('refuses a name whose DNS answer is a metadata address, and one with a refused address among its answers', async () => {
    await expect(guard.fetch('http://evil.test/latest/meta-data/')).rejects.toThrow(TargetRefusedError);
    await expect(guard.fetch('http://evil.test/latest/meta-data/')).rejects.toThrow(/evil\.test \(169\.254\.169\.254\) is link-local/);
    await expect(guard.fetch(`http://rebind.test:${port}/`)).rejects.toThrow(/rebind\.test \(169\.254\.169\.254\)/);
  });

  it('refuses a name that resolves to the Redis address on the Redis port (real DNS for localhost)', async () => {
    await expect(guard.fetch('http://redis-alias.test:6379/')).rejects.toThrow(/the job queue \(Redis\)/);
    await expect(guard.fetch('http://localhost:6379/')).rejects.toThrow(TargetRefusedError);
  });

  it('refuses a redirect to a metadata address, to Redis, or to a name resolving to metadata — the target is never reached', async () => {
    const before = seen.length;
    await expect(guard.fetch(`${base}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/iam/security-credentials/')}`)).rejects.toThrow(/169\.254\.169\.254 is link-local/);
    await expect(guard.fetch(`${base}/redirect?status=307&to=${encodeURIComponent('http://127.0.0.1:6379/')}`)).rejects.toThrow(/Redis/);
    await expect(guard.fetch(`${base}/redirect?status=301&to=${encodeURIComponent('http://evil.test/')}`)).rejects.toThrow(/evil\.test \(169\.254\.169\.254\)/);
    await expect(guard.fetch(`${base}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`)).rejects.toThrow(/file: URLs are not fetched/);
    // Only the four redirecting requests themselves reached a server.
    expect(seen.length - before).toBe(4);
  });

  it('follows an allowed redirect as fetch does: 303 turns a POST into a GET; credentials stay with their origin', async () => {
    const res = await guard.fetch(`${base}/redirect?status=303&to=${encodeURIComponent(`http://model.test:${port}/landed`)}`, { method: 'POST', body: '{"x":1}', headers: { authorization: 'Bearer secret-token', 'content-type': 'application/json' } });
    expect(await res.text()).toBe('ok GET /landed');
    expect(seen.at(-2)).toMatchObject({ method: 'POST', authorization: 'Bearer secret-token' });
    expect(seen.at(-1)).toEqual({ url: '/landed', method: 'GET', host: `model.test:${port}` });
  });

  it('answers redirect: manual with the redirect itself', async () => {
    const res = await guard.fetch(`${base}/redirect?to=${encodeURIComponent('http://169.254.169.254/')}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://169.254.169.254/');
  });

  it('guards the endpoint load generator (node:http) too: a name resolving to metadata is refused before any request', async () => {
    const deps = { signal: new AbortController().signal, progress: () => {}, now: () => Date.now(), fetch: guard.fetch, targetGuard: guard };
    await expect(profileEndpoint({ url: 'http://evil.test/predict', concurrency: [1], maxRequestsPerLevel: 5 }, deps)).rejects.toThrow(/evil\.test \(169\.254\.169\.254\) is link-local/);
    await expect(profileEndpoint({ url: 'http://[::ffff:169.254.169.254]/predict', concurrency: [1] }, deps)).rejects.toThrow(TargetRefusedError);
    await expect(profileEndpoint({ url: `http://model.test:${port}/predict`, concurrency: [1], maxRequestsPerLevel: 5, warmupRequests: 1 }, { ...deps, fetch: guard.fetch })).resolves.toMatchObject({ levels: [{ concurrency: 1 }] });
    await expect(profileEndpoint({ url: `http://model.test:${port}/predict`, metricsUrl: 'http://evil.test/metrics', concurrency: [1], maxRequestsPerLevel: 5 }, deps)).rejects.toThrow(TargetRefusedError);
  });

  it('fails like fetch for a closed port (TypeError with the socket error as cause) and for a timeout', async () => {
    const closed = await guard.fetch('http://127.0.0.1:1/').catch((err: unknown) => err);
    expect(closed).toBeInstanceOf(TypeError);
    expect(((closed as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    const aborted = await guard.fetch(`${base}/x`, { signal: AbortSignal.abort(new DOMException('late', 'TimeoutError')) }).catch((err: unknown) => err);
    expect((aborted as Error).name).toBe('TimeoutError');
  });
});

describe('refusedAfterDns: the ack looks up names, bounded', () => {
  it('refuses a name whose answer is refused, passes an allowed one, leaves literals and silent names to the worker', async () => {
    const zone: Record<string, string[]> = { 'imds.example': ['10.0.0.1', '169.254.169.254'], 'model.example': ['10.0.0.8'] };
    const resolve = async (host: string) => zone[host] ?? [];
    expect(await refusedAfterDns(['http://imds.example/latest/'], open, resolve)).toMatch(/^target refused: imds\.example \(169\.254\.169\.254\) is link-local/);
    expect(await refusedAfterDns(['http://model.example:8080/', 'http://10.0.0.9/'], open, resolve)).toBeUndefined();
    expect(await refusedAfterDns(['http://unknown.example/'], open, async () => Promise.reject(new Error('ENOTFOUND')))).toBeUndefined();
    // A resolver that never answers does not hold the ack: past the deadline the worker decides.
    expect(await refusedAfterDns(['http://hang.example/'], open, () => new Promise<string[]>(() => {}), 50)).toBeUndefined();
  });
});
