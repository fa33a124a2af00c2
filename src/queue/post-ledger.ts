// What of a request's report is already in Slack, in Redis beside its jobs: the report message's
// ts, each file's id, the notes said once. A part is marked `pending` before it is posted and
// given its ts or id right after, so a retried or recovered report job (a failed upload, a killed
// worker) skips what is there and posts only the rest: each part of a report appears once.
import type { Redis } from 'ioredis';

/** Kept as long as a failed report job (flow.ts RETENTION): a retry never outlives its record. */
const LEDGER_TTL_S = 7 * 24 * 3600;

export const PENDING = 'pending';

export class PostLedger {
  private readonly redis: Redis;
  private readonly key: string;

  constructor(redis: Redis, queuePrefix: string, requestId: string) {
    this.redis = redis;
    this.key = `${queuePrefix}:posted:${requestId}`;
  }

  /** What was recorded for `part` (a ts, a file id, `pending` or `pending:<id>`), or undefined. */
  async get(part: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key, part)) ?? undefined;
  }

  async record(part: string, value: string): Promise<void> {
    await exec(this.redis.multi().hset(this.key, part, value).expire(this.key, LEDGER_TTL_S));
  }

  /** True for the first caller only: for things said once per request (a notice, a note). */
  async once(part: string): Promise<boolean> {
    const [set] = await exec(this.redis.multi().hsetnx(this.key, part, '1').expire(this.key, LEDGER_TTL_S));
    return set === 1;
  }
}

/** A MULTI's results; the first command error is thrown (ioredis reports them per command). */
async function exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const replies = (await multi.exec()) ?? [];
  const failed = replies.find(([err]) => err);
  if (failed) throw failed[0];
  return replies.map(([, value]) => value);
}
