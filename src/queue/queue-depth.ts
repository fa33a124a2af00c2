// The queues under a prefix, found in Redis (BullMQ keeps a `<prefix>:<queue>:meta` hash for every
// queue a worker or a job has touched), and how full each one is. The bot reads them on a scrape
// and for the queue UI: a node queue that has jobs but no worker shows up, which a worker's own
// view would miss. Readings are cached for a few seconds, so scrapes cost Redis little.
import { Queue, type ConnectionOptions, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.ts';
import { logErrors } from '../core/logger.ts';
import type { QueueDepthReading, QueueDepthSource } from '../core/metrics.ts';

/** The states counted; completed jobs are left out (retention decides how many are kept). */
const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/** A glob pattern matching `text` literally (Redis SCAN MATCH). */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export interface QueueDepthOptions {
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  /** How long one reading is reused, ms. Default 5000. */
  cacheMs?: number;
  /** How long a reading may take before the scrape goes on without it, ms. Default 2000. */
  timeoutMs?: number;
  now?: () => number;
}

export class QueueDepth implements QueueDepthSource {
  private readonly redis: Redis;
  private readonly open = new Map<string, Queue>();
  private cached: { at: number; readings: Promise<QueueDepthReading[]> } | null = null;
  private names: { at: number; list: string[] } | null = null;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  private readonly opts: QueueDepthOptions;

  constructor(opts: QueueDepthOptions) {
    this.opts = opts;
    this.cacheMs = opts.cacheMs ?? 5000;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.now = opts.now ?? Date.now;
    // Fails fast while Redis is down (a scrape answers without queue gauges instead of hanging).
    this.redis = logErrors(new Redis({ ...(opts.connection as RedisOptions), maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true }), opts.logger, 'queue depth: redis error');
  }

  /** The queues found under the prefix, by name, as BullMQ Queue objects (opened once, kept); the names are cached like the readings. */
  async queues(): Promise<Queue[]> {
    const at = this.now();
    if (this.names && at - this.names.at < this.cacheMs) return this.names.list.map((name) => this.queue(name));
    const list = await this.scanNames();
    this.names = { at, list };
    return list.map((name) => this.queue(name));
  }

  private async scanNames(): Promise<string[]> {
    if (this.redis.status === 'wait') await this.redis.connect();
    const names = new Set<string>();
    const head = `${this.opts.prefix}:`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${globLiteral(head)}*:meta`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const name = key.slice(head.length, -':meta'.length);
        if (name && !name.includes(':')) names.add(name);
      }
    } while (cursor !== '0');
    return [...names].sort();
  }

  read(): Promise<QueueDepthReading[]> {
    const at = this.now();
    if (this.cached && at - this.cached.at < this.cacheMs) return this.cached.readings;
    let timer: NodeJS.Timeout | undefined;
    // A Queue's own connection waits for Redis to come back; a scrape must not.
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('queue depth: Redis did not answer in time')), this.timeoutMs)));
    const readings = Promise.race([this.readAll(), timeout]).finally(() => clearTimeout(timer));
    this.cached = { at, readings };
    // A failed read is not reused: the next scrape tries again.
    readings.catch(() => {
      if (this.cached?.readings === readings) this.cached = null;
    });
    return readings;
  }

  private async readAll(): Promise<QueueDepthReading[]> {
    const queues = await this.queues();
    const at = this.now();
    return Promise.all(
      queues.map(async (q) => {
        const [counts, [oldest]] = await Promise.all([q.getJobCounts(...STATES), q.getJobs(['wait'], 0, 0, true)]);
        return { queue: q.name, counts, oldestWaitingSeconds: oldest ? Math.max(0, at - oldest.timestamp) / 1000 : 0 };
      }),
    );
  }

  private queue(name: string): Queue {
    let q = this.open.get(name);
    if (!q) {
      q = logErrors(new Queue(name, { connection: this.opts.connection, prefix: this.opts.prefix }), this.opts.logger, 'queue error', { queue: name });
      this.open.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((q) => q.close()));
    this.redis.disconnect();
  }
}
