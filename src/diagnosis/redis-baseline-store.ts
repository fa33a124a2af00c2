// Baselines in Redis for the workers, shared by every worker of the cluster (see baseline-store.ts
// for the terminal's file and the in-memory store). A store that fails never fails the diagnostic.
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { BaselineStore } from '../core/diagnostic.ts';

/** Baselines are kept this long after they were last written. */
export const BASELINE_TTL_SECONDS = 30 * 24 * 3600;

export class RedisBaselineStore implements BaselineStore {
  private readonly client: Redis;
  private readonly prefix: string;
  constructor(connection: RedisOptions, queuePrefix: string) {
    this.client = new Redis({ ...connection, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.client.on('error', () => {}); // a failing call answers null / is skipped; the worker logs Redis trouble elsewhere
    this.prefix = `${queuePrefix}:baseline:`;
  }
  async get(key: string): Promise<string | null> {
    try {
      if (this.client.status === 'wait') await this.client.connect();
      return await this.client.get(this.prefix + key);
    } catch {
      return null;
    }
  }
  async set(key: string, value: string): Promise<void> {
    try {
      if (this.client.status === 'wait') await this.client.connect();
      await this.client.set(this.prefix + key, value, 'EX', BASELINE_TTL_SECONDS);
    } catch {
      // unknown next time, which the diagnostic reports as "no baseline"
    }
  }
  async close(): Promise<void> {
    this.client.disconnect();
  }
}
