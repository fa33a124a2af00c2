// Incident state in Redis, shared by every bot and worker replica. One hash per incident holds
// its version and JSON; a change is committed by a Lua compare-and-set on the version (the first
// event's commit is the creation lock: of two replicas opening the same incident, one wins, the
// other re-reads and joins). Applied event ids are remembered so a retried job is not applied
// twice. Slack posts are claimed before they are made and their ts recorded after, so a retry
// finds the post instead of making it again (see `claimPost`); a claim that ended without a ts
// (its holder died between Slack's answer and the record, or the call failed) is taken over by
// a caller that first looks for the post in Slack.
import { createHash, randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Incident } from './incident.ts';

/** How long a resolved incident is kept: a new alert of its group within it reopens the same thread. */
export const RESOLVED_TTL_SECONDS = 24 * 3600;
/**
 * How long a claimed post may take before another replica may take it over (ms). A slow post
 * (the WebClient waiting out a 429) that loses its claim finds the other's post on record and
 * deletes its own.
 */
export const POST_LEASE_MS = 30_000;

const COMMIT = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return 0 end
if ARGV[3] ~= '' and redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then return -1 end
redis.call('HSET', KEYS[1], 'v', v + 1, 's', ARGV[2])
if ARGV[3] ~= '' then redis.call('SADD', KEYS[2], ARGV[3]) end
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[7], ARGV[4])
  redis.call('PERSIST', KEYS[1]); redis.call('PERSIST', KEYS[2]); redis.call('PERSIST', KEYS[4])
else
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[6]); redis.call('EXPIRE', KEYS[2], ARGV[6]); redis.call('EXPIRE', KEYS[4], ARGV[6])
end
return 1`;

// Pending claims are `pending:<token>:<claimed at ms>:<expires at ms>`.
const CLAIM = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local stale = ''
if cur then
  if string.sub(cur, 1, 8) ~= 'pending:' then return {'done', cur} end
  local since, exp = string.match(cur, ':(%d+):(%d+)$')
  if tonumber(exp) > tonumber(ARGV[3]) then return {'busy', cur} end
  stale = since
end
redis.call('HSET', KEYS[1], ARGV[1], 'pending:' .. ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[4])
return {'mine', stale}`;

const RECORD = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and string.sub(cur, 1, 8) ~= 'pending:' then return cur end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return ARGV[3]`;

/** Ends a claim's lease at once (its post failed or may have been made): the next claim takes it over and looks first. */
const EXPIRE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur or string.sub(cur, 1, 9 + #ARGV[2]) ~= 'pending:' .. ARGV[2] .. ':' then return 0 end
local since = string.match(cur, ':(%d+):%d+$')
redis.call('HSET', KEYS[1], ARGV[1], 'pending:' .. ARGV[2] .. ':' .. since .. ':0')
return 1`;

/**
 * `mine` with `staleSince`: an earlier claim (made at that epoch ms) ended without a recorded ts —
 * its holder died or its post failed — so the post may exist: look for it before posting.
 */
export type PostClaim = { state: 'mine'; token: string; staleSince?: number } | { state: 'done'; ts: string } | { state: 'busy' };

export interface CommitResult {
  incident: Incident;
  /** False when the event had been applied before (a retried or duplicate job): nothing changed. */
  applied: boolean;
}

function eventDigest(eventId: string): string {
  return createHash('sha256').update(eventId).digest('base64url').slice(0, 22);
}

export class IncidentStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(connection: RedisOptions, prefix: string) {
    this.redis = new Redis({ ...connection, maxRetriesPerRequest: 3 });
    this.prefix = `${prefix}:incident`;
  }

  private get openKey(): string {
    return `${this.prefix}s:open`;
  }

  private keys(id: string) {
    const base = `${this.prefix}:${id}`;
    return { state: base, events: `${base}:events`, posts: `${base}:posts`, gate: `${base}:edit-gate`, open: this.openKey };
  }

  async get(id: string): Promise<Incident | null> {
    const raw = await this.redis.hget(this.keys(id).state, 's');
    return raw ? (JSON.parse(raw) as Incident) : null;
  }

  /**
   * Read-modify-write under optimistic concurrency: `change` gets the stored incident (null when
   * there is none) and returns the next one, or null to leave it as it is. Retried on a concurrent
   * commit. With `eventId`, an event applied before is not applied again (`applied: false`).
   */
  async update(id: string, change: (current: Incident | null) => Incident | null, eventId?: string): Promise<CommitResult | null> {
    const k = this.keys(id);
    for (let attempt = 0; ; attempt++) {
      const [[, version], [, raw]] = (await this.redis.multi().hget(k.state, 'v').hget(k.state, 's').exec()) as [[null, string | null], [null, string | null]];
      const current = raw ? (JSON.parse(raw) as Incident) : null;
      const expected = Number(version ?? 0);
      if (eventId && current && (await this.redis.sismember(k.events, eventDigest(eventId))) === 1) return { incident: current, applied: false };
      const next = change(current);
      if (!next) return current ? { incident: current, applied: false } : null;
      next.version = expected + 1;
      const open = next.status === 'resolved' ? '0' : '1';
      const result = (await this.redis.eval(
        COMMIT,
        4,
        k.state,
        k.events,
        k.open,
        k.posts,
        String(expected),
        JSON.stringify(next),
        eventId ? eventDigest(eventId) : '',
        id,
        open,
        String(RESOLVED_TTL_SECONDS),
        String(next.openedAt),
      )) as number;
      if (result === 1) return { incident: next, applied: true };
      if (result === -1) return current ? { incident: current, applied: false } : null;
      // Lost the race: another replica committed first. Back off a little (random) and re-read.
      await new Promise((r) => setTimeout(r, Math.min(50, attempt * 2) * Math.random()));
    }
  }

  /** Ids of the incidents not resolved, oldest first (for reconciliation). */
  async listOpen(limit = 1000): Promise<string[]> {
    return this.redis.zrange(this.openKey, '0', String(limit - 1));
  }

  /**
   * Claims the right to make the post `purpose` (e.g. `parent`, `reply:3`). `done`: it was made,
   * here is its ts. `busy`: another replica is making it now (wait and ask again). `mine`: make it,
   * then `recordPost`. A claim not recorded within POST_LEASE_MS (its holder died) can be taken over.
   */
  async claimPost(id: string, purpose: string, now = Date.now()): Promise<PostClaim> {
    const token = randomBytes(6).toString('hex');
    const [state, value] = (await this.redis.eval(CLAIM, 1, this.keys(id).posts, purpose, token, String(now), String(now + POST_LEASE_MS))) as [string, string];
    if (state === 'done') return { state: 'done', ts: value };
    if (state === 'busy') return { state: 'busy' };
    return value ? { state: 'mine', token, staleSince: Number(value) } : { state: 'mine', token };
  }

  /** Records the post's ts; returns the ts on record (another replica's, when it took the claim over and posted first). */
  async recordPost(id: string, purpose: string, token: string, ts: string): Promise<string> {
    return (await this.redis.eval(RECORD, 1, this.keys(id).posts, purpose, token, ts)) as string;
  }

  /** Ends the claim's lease when its post failed: the post may still have been made, so the next claim (a retry) takes it over and looks first. */
  async releasePost(id: string, purpose: string, token: string): Promise<void> {
    await this.redis.eval(EXPIRE, 1, this.keys(id).posts, purpose, token);
  }

  async postTs(id: string, purpose: string): Promise<string | undefined> {
    const v = await this.redis.hget(this.keys(id).posts, purpose);
    return v && !v.startsWith('pending:') ? v : undefined;
  }

  /**
   * The per-incident edit gate: true for the caller that may edit the parent now (one per
   * `intervalMs` across replicas); otherwise the ms until the gate opens again.
   */
  async passEditGate(id: string, intervalMs: number): Promise<{ open: true } | { open: false; token: string; waitMs: number }> {
    const k = this.keys(id).gate;
    const token = randomBytes(6).toString('hex');
    if (await this.redis.set(k, token, 'PX', intervalMs, 'NX')) return { open: true };
    const [[, holder], [, ttl]] = (await this.redis.multi().get(k).pttl(k).exec()) as [[null, string | null], [null, number]];
    return { open: false, token: holder ?? token, waitMs: Math.max(1, ttl) };
  }

  /** The digest of what the parent shows now (set after each post or edit). */
  async renderedDigest(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys(id).posts, 'rendered')) ?? undefined;
  }

  async markRendered(id: string, digest: string): Promise<void> {
    await this.redis.hset(this.keys(id).posts, 'rendered', digest);
  }

  /**
   * Counts one call against a budget shared by every replica: `limit` calls per `windowMs`
   * window (fixed windows). Returns 0 when the call may go now, else ms until the next window.
   */
  async takeBudget(name: string, limit: number, windowMs: number, now = Date.now()): Promise<number> {
    const window = Math.floor(now / windowMs);
    const key = `${this.prefix}s:budget:${name}:${window}`;
    const [[, n]] = (await this.redis.multi().incr(key).pexpire(key, windowMs * 2).exec()) as [[null, number]];
    return n <= limit ? 0 : (window + 1) * windowMs - now;
  }

  /** Deletes every key of the incident (tests, and an operator clearing a stuck incident). */
  async delete(id: string): Promise<void> {
    const k = this.keys(id);
    await this.redis.multi().del(k.state, k.events, k.posts, k.gate).zrem(k.open, id).exec();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
