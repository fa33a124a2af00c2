// Queue depth as the bot's /metrics and queue UI read it, against a real Redis: every queue under
// the prefix (a Redis Cluster hash-tag prefix included, and only that prefix), counts by state,
// the oldest waiting job's age; a Redis that does not answer fails the reading fast.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { QueueDepth } from '../../src/queue/queue-depth.ts';
import { redisOptions } from '../../src/queue/redis.ts';
import { REDIS_URL } from '../support/stack.ts';
import { freePort } from '../support/infdbg-process.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function prefixed(prefix: string) {
  cleanups.push(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix.replace(/[[\]{}]/g, '\\$&')}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  const queue = (name: string) => {
    const q = new Queue(name, { connection: redisOptions(REDIS_URL), prefix });
    cleanups.push(() => q.close());
    return q;
  };
  return queue;
}

describe('QueueDepth', () => {
  it('reads every queue under its prefix: counts by state and the oldest waiting age', async () => {
    const id = randomBytes(4).toString('hex');
    const prefix = `{infdbg-test-${id}}`;
    const queue = prefixed(prefix);
    const other = prefixed(`{infdbg-test-${id}}x`);
    const now = Date.now();
    await queue('node-gpu-1').add('gpu', {}, { jobId: 'a', timestamp: now - 90_000 });
    await queue('node-gpu-1').add('gpu', {}, { jobId: 'b', timestamp: now - 30_000 });
    await queue('shared').add('health', {}, { jobId: 'c', delay: 60_000 });
    await other('node-elsewhere').add('gpu', {}, { jobId: 'd' });

    const depth = new QueueDepth({ connection: redisOptions(REDIS_URL), prefix, logger: silentLogger, now: () => now });
    cleanups.push(() => depth.close());
    const readings = await depth.read();
    expect(readings.map((r) => r.queue)).toEqual(['node-gpu-1', 'shared']);
    const gpu = readings.find((r) => r.queue === 'node-gpu-1')!;
    expect(gpu.counts).toMatchObject({ waiting: 2, active: 0, delayed: 0, failed: 0 });
    expect(gpu.oldestWaitingSeconds).toBeCloseTo(90, 0);
    expect(readings.find((r) => r.queue === 'shared')).toMatchObject({ counts: expect.objectContaining({ waiting: 0, delayed: 1 }), oldestWaitingSeconds: 0 });
    expect((await depth.queues()).map((q) => q.name)).toEqual(['node-gpu-1', 'shared']);
  });

  it('fails the reading while Redis does not answer instead of waiting for it, and tries again on the next one', async () => {
    const depth = new QueueDepth({ connection: redisOptions(`redis://127.0.0.1:${await freePort()}`), prefix: 'infdbg-test-down', logger: silentLogger, timeoutMs: 500 });
    cleanups.push(() => depth.close());
    await expect(depth.read()).rejects.toThrow();
    await expect(depth.read()).rejects.toThrow(); // a failed reading is not kept
  });
});
