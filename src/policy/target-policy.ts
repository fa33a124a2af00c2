// Which network targets a queued job may touch (the target policy). Any Slack user can name a URL,
// and a worker runs inside the cluster with the cloud's instance credentials one hop away, so
// every URL a job fetches or posts to is checked here: cloud metadata and link-local addresses,
// the bot's own Redis and the bot's own port are always refused; `INFDBG_ALLOWED_TARGETS`, when
// set, narrows the rest to the names, suffixes and CIDRs it lists. Pure: the DNS answers come in
// from src/policy/target-guard.ts, which also enforces the decision on every connection.
// A person's own terminal (`infdbg <diagnostic>`) is not restricted.
import { BlockList, isIP } from 'node:net';
import type { Diagnostic } from '../core/diagnostic.ts';
import { ConfigError, InfdbgError } from '../core/errors.ts';

/** A target the policy refuses: never retried, the reason is shown to the user. */
export class TargetRefusedError extends InfdbgError {
  constructor(message: string) {
    super('E_TARGET_REFUSED', message);
  }
}

/** `INFDBG_ALLOWED_TARGETS`, parsed: exact host names, name suffixes (`.svc.cluster.local`) and CIDRs. */
export interface AllowedTargets {
  names: ReadonlySet<string>;
  suffixes: readonly string[];
  cidrs: BlockList;
  /** The entries as written, for messages. */
  entries: readonly string[];
}

/** A service the jobs must never reach, whatever the allowlist says (the bot's Redis, the bot itself). */
export interface RefusedService {
  /** For messages: `the job queue (Redis)`. */
  what: string;
  /** Host name or address as configured (`redis`, `127.0.0.1`); undefined = any of this machine's own addresses. */
  host?: string;
  port: number;
}

export interface TargetPolicy {
  /** null: any address except the refused ones (debugging internal services is the job). */
  allowed: AllowedTargets | null;
  refusedServices: readonly RefusedService[];
  /** This machine's own addresses (loopback is always included), for services on "this machine". */
  localAddresses?: readonly string[];
}

/** Refused by default: no allowlist, no known services; the ack's policy when none is configured. */
export const DEFAULT_TARGET_POLICY: TargetPolicy = { allowed: null, refusedServices: [] };

/** Addresses that are never a diagnostic target: instance metadata, link-local, "this host". */
const REFUSED_RANGES: ReadonlyArray<{ cidr: string; why: string }> = [
  { cidr: '169.254.0.0/16', why: 'link-local, where cloud instance metadata and credentials live (169.254.169.254, ECS 169.254.170.2)' },
  { cidr: '100.100.100.200/32', why: 'the Alibaba Cloud instance metadata service' },
  { cidr: '192.0.0.192/32', why: 'the Oracle Cloud instance metadata service' },
  { cidr: '0.0.0.0/8', why: '"this host" (0.0.0.0 reaches the local machine)' },
  { cidr: 'fe80::/10', why: 'IPv6 link-local' },
  { cidr: 'fd00:ec2::254/128', why: 'the AWS instance metadata service (IPv6)' },
  { cidr: 'fd00:ec2::23/128', why: 'the EKS Pod Identity agent (IPv6)' },
  { cidr: '::/128', why: 'the unspecified address (reaches the local machine)' },
];

/** Host names of metadata services (they resolve to refused addresses too; named here so the ack refuses them without DNS). */
const METADATA_NAMES = ['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.tencentyun.com'];

const refusedRanges = REFUSED_RANGES.map(({ cidr, why }) => ({ list: blockListOf([cidr]), why }));

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, Number(bits ?? (family === 'ipv6' ? 128 : 32)), family);
  }
  return list;
}

/**
 * Parses `INFDBG_ALLOWED_TARGETS` entries: `model.ml.svc.cluster.local` (that name), `.svc.cluster.local`
 * (names ending so), `10.0.0.0/8` or `fd00::/8` (addresses in the range, after DNS), `10.1.2.3` (that
 * address). An empty list is no allowlist. Throws ConfigError naming each bad entry.
 */
export function parseAllowedTargets(entries: readonly string[]): AllowedTargets | null {
  if (entries.length === 0) return null;
  const names = new Set<string>();
  const suffixes: string[] = [];
  const cidrs = new BlockList();
  const problems: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/\.$/, '');
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    if (family !== 0) {
      const max = family === 6 ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
        problems.push(`"${raw}" is not a CIDR (e.g. 10.0.0.0/8, fd00::/8)`);
        continue;
      }
      cidrs.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
    } else if (/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      if (entry.startsWith('.')) suffixes.push(entry);
      else names.add(entry);
    } else {
      problems.push(`"${raw}" is neither a host name, a .suffix nor a CIDR`);
    }
  }
  if (problems.length) throw new ConfigError(`INFDBG_ALLOWED_TARGETS: ${problems.join('; ')}`);
  return { names, suffixes, cidrs, entries: entries.map((e) => e.trim()) };
}

/** The address as BlockList and comparisons want it: IPv4 embedded in IPv6 (`::ffff:a9fe:a9fe`, NAT64 `64:ff9b::…`) unwrapped. */
export function normalizeAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
  if (isIP(bare) !== 6) return { address: bare, family: 'ipv4' };
  const groups = expandIpv6(bare);
  const embedded =
    (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) || // IPv4-mapped ::ffff:a.b.c.d
    (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) || // NAT64 64:ff9b::/96
    (groups.slice(0, 6).every((g) => g === 0) && groups[6] !== 0); // IPv4-compatible ::a.b.c.d (deprecated)
  if (embedded) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return { address: [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.'), family: 'ipv4' };
  }
  return { address: groups.map((g) => g.toString(16)).join(':'), family: 'ipv6' };
}

function expandIpv6(address: string): number[] {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1]!.split('.').map(Number);
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array.from({ length: 8 - h.length - t.length }, () => '0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

function isLoopback(address: string): boolean {
  const { address: a, family } = normalizeAddress(address);
  return family === 'ipv4' ? a.startsWith('127.') : a === '0:0:0:0:0:0:0:1';
}

/** Why an address is always refused, or undefined when it is not. */
export function refusedAddressReason(address: string): string | undefined {
  const { address: a, family } = normalizeAddress(address);
  return refusedRanges.find((r) => r.list.check(a, family))?.why;
}

/** The name as compared: lower case, no trailing dot, no IPv6 brackets. */
function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
}

function defaultPort(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

function isLocalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

function nameAllowed(host: string, allowed: AllowedTargets): boolean {
  return allowed.names.has(host) || allowed.suffixes.some((s) => host.endsWith(s));
}

function addressAllowed(address: string, allowed: AllowedTargets): boolean {
  const { address: a, family } = normalizeAddress(address);
  return allowed.cidrs.check(a, family);
}

/** The service at `address` (or named `host`) on `port`, when it is one the policy refuses. */
function refusedServiceAt(host: string, address: string | undefined, port: number, policy: TargetPolicy, serviceAddresses?: ReadonlyMap<RefusedService, readonly string[]>): RefusedService | undefined {
  const local = new Set((policy.localAddresses ?? []).map((a) => normalizeAddress(a).address));
  const same = (a: string, b: string) => normalizeAddress(a).address === normalizeAddress(b).address;
  return policy.refusedServices.find((s) => {
    if (s.port !== port) return false;
    if (s.host === undefined) {
      // "This machine": loopback, the unspecified address, or one of its interfaces.
      if (isLocalName(host)) return true;
      const a = address ?? (isIP(host) ? host : undefined);
      return a !== undefined && (isLoopback(a) || local.has(normalizeAddress(a).address));
    }
    const serviceHost = normalizeHost(s.host);
    if (serviceHost === host) return true;
    const a = address ?? (isIP(host) ? host : undefined);
    if (a === undefined) return isLocalName(host) && (isLocalName(serviceHost) || (isIP(serviceHost) !== 0 && isLoopback(serviceHost)));
    const serviceIsLoopback = isLocalName(serviceHost) || (isIP(serviceHost) !== 0 && isLoopback(serviceHost));
    if (serviceIsLoopback && isLoopback(a)) return true;
    if (isIP(serviceHost) !== 0 && same(serviceHost, a)) return true;
    return (serviceAddresses?.get(s) ?? []).some((sa) => same(sa, a));
  });
}

/** What the policy says about a URL before DNS: refused (with why), allowed, or allowed only if its addresses are. */
export type TargetDecision = { verdict: 'refused'; reason: string } | { verdict: 'allowed' } | { verdict: 'resolve' };

/**
 * The check the ack and the worker make on a URL as written: the scheme, metadata names, address
 * literals (in any form the URL parser accepts: `2852039166`, `[::ffff:a9fe:a9fe]`), the refused
 * services, and the allowlist's names. `resolve`: a name the allowlist does not list by name, whose
 * addresses decide (the worker checks them after DNS, on every connection).
 */
export function checkTarget(target: string | URL, policy: TargetPolicy): TargetDecision {
  let url: URL;
  try {
    url = typeof target === 'string' ? new URL(target) : target;
  } catch {
    return { verdict: 'refused', reason: 'not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { verdict: 'refused', reason: `${url.protocol} URLs are not fetched (http or https only)` };
  const host = normalizeHost(url.hostname);
  const port = defaultPort(url);
  const shown = `${host.includes(':') ? `[${host}]` : host}${url.port ? `:${url.port}` : ''}`;
  if (METADATA_NAMES.includes(host)) return { verdict: 'refused', reason: `${shown} is a cloud instance metadata service` };
  const literal = isIP(host) !== 0;
  if (literal) {
    const why = refusedAddressReason(host);
    // An IPv4 address inside IPv6 ([::ffff:a9fe:a9fe]) is named as both.
    const embedded = normalizeAddress(host).address;
    if (why) return { verdict: 'refused', reason: `${shown}${embedded !== host && !embedded.includes(':') ? ` (${embedded})` : ''} is ${why}` };
  }
  const service = refusedServiceAt(host, undefined, port, policy);
  if (service) return { verdict: 'refused', reason: `${shown} is ${service.what}` };
  const { allowed } = policy;
  if (!allowed) return literal || isLocalName(host) ? { verdict: 'allowed' } : { verdict: 'resolve' };
  if (literal) return addressAllowed(host, allowed) ? { verdict: 'allowed' } : { verdict: 'refused', reason: `${shown} is not in INFDBG_ALLOWED_TARGETS (${allowed.entries.join(', ')})` };
  if (nameAllowed(host, allowed)) return { verdict: 'resolve' };
  // A name the allowlist does not list may still resolve into one of its CIDRs; with no CIDR it cannot.
  return allowedHasCidrs(allowed) ? { verdict: 'resolve' } : { verdict: 'refused', reason: `${shown} is not in INFDBG_ALLOWED_TARGETS (${allowed.entries.join(', ')})` };
}

function allowedHasCidrs(allowed: AllowedTargets): boolean {
  return allowed.cidrs.rules.length > 0;
}

/**
 * The check after DNS, for each address a name resolved to (and each connection made): refused
 * ranges, refused services, and — unless the allowlist lists the name — the allowlist's CIDRs.
 * Returns why it is refused, or undefined.
 */
export function checkResolvedAddress(hostname: string, address: string, port: number, policy: TargetPolicy, serviceAddresses?: ReadonlyMap<RefusedService, readonly string[]>): string | undefined {
  const host = normalizeHost(hostname);
  const shown = `${host} (${address})`;
  const why = refusedAddressReason(address);
  if (why) return `${shown} is ${why}`;
  const service = refusedServiceAt(host, address, port, policy, serviceAddresses);
  if (service) return `${shown} port ${port} is ${service.what}`;
  const { allowed } = policy;
  if (!allowed || nameAllowed(host, allowed) || addressAllowed(address, allowed)) return undefined;
  return `${shown} is not in INFDBG_ALLOWED_TARGETS (${allowed.entries.join(', ')})`;
}

/** Throws TargetRefusedError when `url` is refused as written. */
export function assertTarget(url: string | URL, policy: TargetPolicy): void {
  const decision = checkTarget(url, policy);
  if (decision.verdict === 'refused') throw new TargetRefusedError(`target refused: ${decision.reason}`);
}

/** Every URL a diagnostic's payload will touch (its `targets`), checked as written; the first refusal, or undefined. */
export function refusedTarget(diagnostic: Diagnostic, payload: unknown, policy: TargetPolicy): string | undefined {
  for (const url of diagnostic.targets?.(payload) ?? []) {
    const decision = checkTarget(url, policy);
    if (decision.verdict === 'refused') return `${diagnostic.name}: target refused: ${decision.reason}`;
  }
  return undefined;
}

/** The policy for a process: the allowlist, the Redis of `REDIS_URL` and the bot's `PORT` on this machine. */
export function targetPolicyFromConfig(config: { INFDBG_ALLOWED_TARGETS: readonly string[]; REDIS_URL: string; PORT?: number | undefined }, localAddresses: readonly string[] = []): TargetPolicy {
  const redis = new URL(config.REDIS_URL);
  const refusedServices: RefusedService[] = [{ what: 'the job queue (Redis)', host: normalizeHost(redis.hostname), port: Number(redis.port || 6379) }];
  if (config.PORT) refusedServices.push({ what: "the bot's own port", port: config.PORT });
  return { allowed: parseAllowedTargets(config.INFDBG_ALLOWED_TARGETS), refusedServices, localAddresses };
}
