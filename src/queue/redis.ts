// Redis connection settings from REDIS_URL, and a fast readiness probe so the bot can tell a
// user "Redis is unreachable" instead of hanging.
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ workers block on Redis; they must not give up on a reconnect.
    maxRetriesPerRequest: null,
  };
}

/** How long a PONG answers for the next readiness checks (ms). */
const PONG_FRESH_MS = 500;

/** A probe connection that fails fast when Redis is down (no offline queue). */
export class RedisProbe {
  private readonly client: Redis;
  /** One shared wait for the connection to become ready (one listener, however many callers). */
  private whenReady: Promise<void> | undefined;
  private closed = false;
  /** When the last PONG came back (ms, performance clock). */
  private lastPong = -Infinity;

  constructor(url: string) {
    this.client = new Redis({
      ...redisOptions(url),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 250, 2000),
    });
    this.client.on('error', () => {}); // state is read through ready(); errors are expected while Redis is down
  }

  /**
   * True when a PING is answered within `timeoutMs`. A call made while the connection is being
   * (re)established waits for it within the same deadline: with no offline queue, a PING sent
   * before then fails at once, so the second of two calls at start-up, or any call during a
   * reconnect, used to answer false while Redis was up.
   */
  async ready(timeoutMs = 1000): Promise<boolean> {
    // A PONG within the last half second on a connection still open answers for this call too: at
    // 200 commands/s one PING per command is a round trip each for nothing. A lost connection shows
    // at once in its status; a Redis that stops answering on an open socket meets the enqueue's own deadline.
    if (this.client.status === 'ready' && performance.now() - this.lastPong < PONG_FRESH_MS) return true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.ping(), expired]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async ping(): Promise<boolean> {
    const status = this.client.status;
    // `end`: the first connect failed before any retry was scheduled; start again. Later failures reconnect by retryStrategy.
    if ((status === 'wait' || status === 'end') && !this.closed) this.client.connect().catch(() => {});
    if (this.client.status !== 'ready') {
      this.whenReady ??= new Promise<void>((resolve) =>
        this.client.once('ready', () => {
          this.whenReady = undefined;
          resolve();
        }),
      );
      await this.whenReady;
    }
    const pong = (await this.client.ping()) === 'PONG';
    if (pong) this.lastPong = performance.now();
    return pong;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.disconnect();
  }
}
