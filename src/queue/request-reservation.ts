// Which of several identical commands opens the thread. The first one reserves the request in one
// Redis operation (a Lua script: SET NX PX, or the reservation already there), before any thread is
// opened; the others read that reservation and are pointed at its thread. A reservation whose thread
// could not be opened, or whose flow could not be enqueued, is released so the next try starts afresh.
import type { Redis } from 'ioredis';

/** A request that holds its command's reservation. */
export interface Reservation {
  requestId: string;
  channel: string;
  /** The thread's root message, once it is open; absent while the thread is being opened. */
  threadTs?: string;
}

export type ReserveOutcome = { reserved: true } | { reserved: false; existing: Reservation };

// Sets the reservation when there is none and answers nil; otherwise answers the one there. Atomic:
// ten commands arriving together get one nil and nine copies of the winner.
const RESERVE = `
local set = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
if set then return false end
return redis.call('GET', KEYS[1])`;

// Rewrites or deletes the reservation only while it is still this request's (not one that replaced
// it after it expired).
const IF_MINE = `
local v = redis.call('GET', KEYS[1])
if not v or cjson.decode(v).requestId ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

function parse(value: string | null): Reservation | undefined {
  if (!value) return undefined;
  const v = JSON.parse(value) as Partial<Reservation>;
  return typeof v.requestId === 'string' && typeof v.channel === 'string' ? { requestId: v.requestId, channel: v.channel, ...(typeof v.threadTs === 'string' ? { threadTs: v.threadTs } : {}) } : undefined;
}

export class RequestReservations {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly windowMs: number;

  /** `windowMs`: how long a reservation lasts (the dedup window). */
  constructor(redis: Redis, queuePrefix: string, windowMs: number) {
    this.redis = redis;
    this.prefix = queuePrefix;
    this.windowMs = windowMs;
  }

  private key(dedupKey: string): string {
    return `${this.prefix}:request:${dedupKey}`;
  }

  /** Reserves `dedupKey` for `reservation` unless another request holds it (then answers that one). */
  async reserve(dedupKey: string, reservation: Reservation): Promise<ReserveOutcome> {
    const held = (await this.redis.eval(RESERVE, 1, this.key(dedupKey), JSON.stringify(reservation), String(this.windowMs))) as string | null;
    const existing = parse(held);
    if (!existing) return { reserved: true };
    return { reserved: false, existing };
  }

  /** Records the opened thread, so duplicates can link to it. */
  async threadOpened(dedupKey: string, reservation: Reservation & { threadTs: string }): Promise<void> {
    await this.redis.eval(IF_MINE, 1, this.key(dedupKey), reservation.requestId, JSON.stringify(reservation));
  }

  /** Gives the command back: its next run reserves again. */
  async release(dedupKey: string, requestId: string): Promise<void> {
    await this.redis.eval(IF_MINE, 1, this.key(dedupKey), requestId, '');
  }

  async get(dedupKey: string): Promise<Reservation | undefined> {
    return parse(await this.redis.get(this.key(dedupKey)));
  }
}
