// Persisting an accepted alert: one BullMQ job on the `alerts` queue (name `alert`, data the
// AlertEvent, id from its idempotency key) plus a "seen" key kept 72 h, longer than PagerDuty's
// 48 h of retries, so a late retry or an HA duplicate is recognised after the job itself has been
// removed. The job is added before the key is set: a crash between the two leaves a job and no
// key, and the sender's retry then lands on the same job id instead of being lost.
import { Queue, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { AlertEvent } from '../alerts/alert-event.ts';
import { ALERT_JOB, ALERT_QUEUE, alertJobId } from './names.ts';

/** Seconds a "seen" key lives: PagerDuty retries for 48 h; a day of margin. */
export const ALERT_SEEN_TTL_SECONDS = 72 * 3600;

/** Attempts the incident processor gets (Slack or PagerDuty may be briefly unavailable). */
const ATTEMPTS = 5;
const RETENTION = { removeOnComplete: { age: 24 * 3600, count: 5000 }, removeOnFail: { age: 7 * 24 * 3600 } };

export interface AcceptedAlert {
  jobId: string;
  /** True when this event was already accepted (nothing was added). */
  duplicate: boolean;
}

export class AlertQueue {
  private readonly queue: Queue<AlertEvent, unknown, typeof ALERT_JOB>;
  /** For the "seen" keys (BullMQ's client abstraction has no SET NX). */
  private readonly redis: Redis;
  private readonly prefix: string;

  /** `connection`: redisOptions(REDIS_URL); `prefix`: QUEUE_PREFIX. */
  constructor(connection: RedisOptions, prefix: string) {
    this.prefix = prefix;
    this.queue = new Queue<AlertEvent, unknown, typeof ALERT_JOB>(ALERT_QUEUE, { connection, prefix });
    this.queue.on('error', () => {}); // surfaced to the caller of accept(); the client reconnects by itself
    this.redis = new Redis({ ...connection, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => {});
  }

  /** Redis key that marks an event as accepted. */
  seenKey(jobId: string): string {
    return `${this.prefix}:alert-seen:${jobId}`;
  }

  /** Adds the event once; resolves only after Redis holds it. Rejects when Redis does not answer. */
  async accept(event: AlertEvent): Promise<AcceptedAlert> {
    const jobId = alertJobId(event.source, event.eventId);
    const key = this.seenKey(jobId);
    if (await this.redis.exists(key)) return { jobId, duplicate: true };
    await this.queue.add(ALERT_JOB, event, { jobId, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, ...RETENTION });
    // Two deliveries racing past the check add the same job id (BullMQ keeps one); the key says which came first.
    const first = await this.redis.set(key, jobId, 'EX', ALERT_SEEN_TTL_SECONDS, 'NX');
    return { jobId, duplicate: first !== 'OK' };
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
