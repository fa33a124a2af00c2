// Checklist runs in Redis, shared by the bot (button presses) and the workers (reports, timers).
// A run's fixed part, version and bookkeeping live in one hash; each step's record in another,
// moved only by a Lua script that checks the step's current state first, so of two people
// pressing the same step at once exactly one wins and the other is told who did. Every move,
// refusal and lost race is appended to the run's audit list (who, what, when, result).
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { ChecklistRun, ChecklistState, StepRecord } from './checklist.ts';

/** How long a run is kept after its last change (s): 30 days, so the audit outlives the incident review. */
export const CHECKLIST_TTL_SECONDS = 30 * 24 * 3600;
/** How long a claimed checklist post may take before another caller may take it over (ms). */
const POST_LEASE_MS = 60_000;

/** One line of the audit trail. */
export interface AuditEntry {
  /** Epoch ms. */
  at: number;
  /** Slack user id, or `infdbg`. */
  by: string;
  step: string;
  /** run, done, skip, answer, escalate, report, reminder, start, … */
  action: string;
  /** `moved to done`, `refused: not allowed`, `lost: already done by U…`. */
  result: string;
  answer?: string;
  requestId?: string;
}

// KEYS: steps, meta, audit. ARGV: step id, expected state ('' = no record), record JSON, audit JSON, ttl.
const MOVE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local state = ''
if cur then state = cjson.decode(cur).state end
if state ~= ARGV[2] then return {0, cur or ''} end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
local v = redis.call('HINCRBY', KEYS[2], 'v', 1)
redis.call('RPUSH', KEYS[3], ARGV[4])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return {1, tostring(v)}`;

// A plausible cause replaces what is known; "nothing plausible" (null) only fills an unknown.
const TOP_CAUSE = `
local cur = redis.call('HGET', KEYS[1], 'topCause')
if ARGV[1] == 'null' and cur then return 0 end
if cur == ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'topCause', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'v', 1)
return 1`;

// The checklist message: `done` with its ts, `busy` while another caller posts it, else `mine`.
const CLAIM_POST = `
local cur = redis.call('HGET', KEYS[1], 'msg')
if cur and string.sub(cur, 1, 8) ~= 'pending:' then return {'done', cur} end
if cur and tonumber(string.match(cur, ':(%d+)$')) > tonumber(ARGV[2]) then return {'busy', ''} end
redis.call('HSET', KEYS[1], 'msg', 'pending:' .. ARGV[1] .. ':' .. ARGV[3])
return {'mine', ''}`;

const RECORD_POST = `
local cur = redis.call('HGET', KEYS[1], 'msg')
if cur and string.sub(cur, 1, 8) ~= 'pending:' then return cur end
redis.call('HSET', KEYS[1], 'msg', ARGV[1])
return ARGV[1]`;

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export type MoveResult = { moved: true; version: number } | { moved: false; current: StepRecord | undefined };

export class ChecklistStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(connection: RedisOptions, prefix: string) {
    this.redis = new Redis({ ...connection, maxRetriesPerRequest: 3 });
    this.prefix = `${prefix}:checklist`;
  }

  private keys(id: string) {
    const base = `${this.prefix}:${id}`;
    return { meta: base, steps: `${base}:steps`, audit: `${base}:audit`, lock: `${base}:render-lock` };
  }

  /** Stores a new run; false when one with this id exists (a retry, a double-typed command). */
  async create(run: ChecklistRun): Promise<boolean> {
    const k = this.keys(run.id);
    const created = (await this.redis.hsetnx(k.meta, 'run', JSON.stringify(run))) === 1;
    if (created) await this.redis.multi().hset(k.meta, 'v', 0).expire(k.meta, CHECKLIST_TTL_SECONDS).exec();
    return created;
  }

  async get(id: string): Promise<{ run: ChecklistRun; state: ChecklistState } | null> {
    const k = this.keys(id);
    const [[, meta], [, steps]] = (await this.redis.multi().hgetall(k.meta).hgetall(k.steps).exec()) as [[null, Record<string, string>], [null, Record<string, string>]];
    if (!meta.run) return null;
    const state: ChecklistState = { steps: Object.fromEntries(Object.entries(steps).map(([s, r]) => [s, JSON.parse(r) as StepRecord])), version: Number(meta.v ?? 0) };
    if (meta.topCause !== undefined) state.topCause = JSON.parse(meta.topCause) as ChecklistState['topCause'];
    return { run: JSON.parse(meta.run) as ChecklistRun, state };
  }

  /**
   * Moves a step atomically: only when its stored state is `from` (undefined: no record, i.e. to
   * do). `record` undefined puts it back to do. The audit entry is appended with the move.
   */
  async move(id: string, step: string, from: StepRecord['state'] | undefined, record: StepRecord | undefined, audit: AuditEntry): Promise<MoveResult> {
    const k = this.keys(id);
    const [ok, value] = (await this.redis.eval(MOVE, 3, k.steps, k.meta, k.audit, step, from ?? '', record ? JSON.stringify(record) : '', JSON.stringify(audit), String(CHECKLIST_TTL_SECONDS))) as [number, string];
    if (ok === 1) return { moved: true, version: Number(value) };
    return { moved: false, current: value ? (JSON.parse(value) as StepRecord) : undefined };
  }

  /** Appends to the audit trail what changed nothing (a refusal, a lost race, a repeated click). */
  async audit(id: string, entry: AuditEntry): Promise<void> {
    await this.redis.rpush(this.keys(id).audit, JSON.stringify(entry));
  }

  async auditTrail(id: string): Promise<AuditEntry[]> {
    return (await this.redis.lrange(this.keys(id).audit, 0, -1)).map((e) => JSON.parse(e) as AuditEntry);
  }

  /** Records a report's top cause (null: it ranked nothing plausible); true when it changed what is known. */
  async setTopCause(id: string, topCause: ChecklistState['topCause']): Promise<boolean> {
    return (await this.redis.eval(TOP_CAUSE, 1, this.keys(id).meta, JSON.stringify(topCause ?? null))) === 1;
  }

  /** Claims posting the checklist message (see CLAIM_POST). */
  async claimMessage(id: string, now = Date.now()): Promise<{ state: 'done'; ts: string } | { state: 'busy' } | { state: 'mine' }> {
    const [state, ts] = (await this.redis.eval(CLAIM_POST, 1, this.keys(id).meta, randomBytes(6).toString('hex'), String(now), String(now + POST_LEASE_MS))) as [string, string];
    return state === 'done' ? { state: 'done', ts } : state === 'busy' ? { state: 'busy' } : { state: 'mine' };
  }

  /** Records the message's ts; returns the one on record (another caller's, when it took an expired claim over first). */
  async recordMessage(id: string, ts: string): Promise<string> {
    return (await this.redis.eval(RECORD_POST, 1, this.keys(id).meta, ts)) as string;
  }

  /** Ends a claim whose post failed, so a retry may post. */
  async releaseMessage(id: string): Promise<void> {
    const k = this.keys(id).meta;
    const cur = await this.redis.hget(k, 'msg');
    if (cur?.startsWith('pending:')) await this.redis.hdel(k, 'msg');
  }

  async messageTs(id: string): Promise<string | undefined> {
    const v = await this.redis.hget(this.keys(id).meta, 'msg');
    return v && !v.startsWith('pending:') ? v : undefined;
  }

  /** A once-only flag of the run (`prevent`, `reminded:<step>`): true for the one caller that set it. */
  async once(id: string, flag: string): Promise<boolean> {
    const k = this.keys(id).meta;
    const [[, set]] = (await this.redis.multi().hsetnx(k, `once:${flag}`, String(Date.now())).expire(k, CHECKLIST_TTL_SECONDS).exec()) as [[null, number]];
    return set === 1;
  }

  /** Clears a flag whose action failed, so a later attempt may do it. */
  async clearOnce(id: string, flag: string): Promise<void> {
    await this.redis.hdel(this.keys(id).meta, `once:${flag}`);
  }

  /** Which step's reminder is scheduled ('' when none). */
  async scheduledReminder(id: string): Promise<string> {
    return (await this.redis.hget(this.keys(id).meta, 'reminder')) ?? '';
  }

  async setScheduledReminder(id: string, step: string): Promise<void> {
    await this.redis.hset(this.keys(id).meta, 'reminder', step);
  }

  /** The render lock: one caller edits the message at a time and renders until what it showed is the latest. */
  async lockRender(id: string, ms = 10_000): Promise<string | null> {
    const token = randomBytes(6).toString('hex');
    return (await this.redis.set(this.keys(id).lock, token, 'PX', ms, 'NX')) ? token : null;
  }

  async unlockRender(id: string, token: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, this.keys(id).lock, token);
  }

  async renderedVersion(id: string): Promise<number> {
    return Number((await this.redis.hget(this.keys(id).meta, 'rendered')) ?? -1);
  }

  async setRenderedVersion(id: string, version: number): Promise<void> {
    await this.redis.hset(this.keys(id).meta, 'rendered', version);
  }

  async version(id: string): Promise<number> {
    return Number((await this.redis.hget(this.keys(id).meta, 'v')) ?? 0);
  }

  /** Links an incident to its checklist run (first link wins). */
  async linkIncident(incidentId: string, runId: string): Promise<void> {
    await this.redis.set(`${this.prefix}-of:${incidentId}`, runId, 'EX', CHECKLIST_TTL_SECONDS, 'NX');
  }

  async runOfIncident(incidentId: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}-of:${incidentId}`)) ?? undefined;
  }

  /** Deletes every key of a run (tests). */
  async delete(id: string): Promise<void> {
    const k = this.keys(id);
    await this.redis.del(k.meta, k.steps, k.audit, k.lock);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
