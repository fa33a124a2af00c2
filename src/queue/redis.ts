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

/** A probe connection that fails fast when Redis is down (no offline queue). */
export class RedisProbe {
  private readonly client: Redis;
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

  /** True when a PING is answered within `timeoutMs`. */
  async ready(timeoutMs = 1000): Promise<boolean> {
    try {
      if (this.client.status === 'wait') await this.client.connect();
      const pong = await Promise.race([this.client.ping(), new Promise<never>((_, r) => setTimeout(() => r(new Error('timeout')), timeoutMs))]);
      return pong === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
