// The process registry: job attempts counted as BullMQ settles them (a real worker and Redis: a
// retried attempt, a final failure, a success), queue gauges that stay empty and say so in the log
// when Redis cannot be read, and a scrape the project's own exposition parser accepts.
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import { createMetrics, observeQueues, observeWorkers, renderMetrics, type Metrics } from '../../src/core/metrics.ts';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import { redisOptions } from '../../src/queue/redis.ts';
import { REDIS_URL } from '../support/stack.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function samples(metrics: Metrics) {
  const { body, contentType } = await renderMetrics(metrics);
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(body).samples;
}

const value = (all: Awaited<ReturnType<typeof samples>>, name: string, labels: Record<string, string>) =>
  all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe('metrics', () => {
  it('counts a retried attempt, a final failure and a success by diagnostic, each timed', async () => {
    const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
    const connection = redisOptions(REDIS_URL);
    const queue = new Queue('shared', { connection, prefix });
    const events = new QueueEvents('shared', { connection, prefix });
    const worker = new Worker('shared', async (job) => {
      if (job.name === 'drift') throw new Error('transient: the data URL answered 503');
      return { ok: true };
    }, { connection, prefix });
    cleanups.push(async () => {
      await Promise.all([worker.close(), events.close()]);
      await queue.obliterate({ force: true });
      await queue.close();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });
    const metrics = createMetrics();
    observeWorkers([worker], metrics);
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);

    const failing = await queue.add('drift', {}, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    const passing = await queue.add('health', {});
    await expect(failing.waitUntilFinished(events, 20_000)).rejects.toThrow(/transient/);
    await passing.waitUntilFinished(events, 20_000);

    const all = await samples(metrics);
    expect(value(all, 'infdbg_jobs_total', { diagnostic: 'drift', outcome: 'retrying' })).toBe(1);
    expect(value(all, 'infdbg_jobs_total', { diagnostic: 'drift', outcome: 'failed' })).toBe(1);
    expect(value(all, 'infdbg_jobs_total', { diagnostic: 'health', outcome: 'completed' })).toBe(1);
    expect(value(all, 'infdbg_job_duration_seconds_count', { diagnostic: 'drift' })).toBe(2);
    expect(value(all, 'infdbg_job_duration_seconds_bucket', { diagnostic: 'health', outcome: 'completed', le: '600' })).toBe(1);
  });

  it('leaves the queue gauges out of a scrape whose reading failed, and logs it once', async () => {
    const lines: string[] = [];
    const metrics = createMetrics();
    let fail = true;
    const failed = Promise.reject(new Error('queue depth: Redis did not answer in time'));
    failed.catch(() => undefined);
    observeQueues(metrics, { read: () => (fail ? failed : Promise.resolve([{ queue: 'node-gpu-1', counts: { waiting: 3 }, oldestWaitingSeconds: 42 }])) }, createLogger('info', (l) => lines.push(l)));

    const down = await samples(metrics);
    expect(down.filter((s) => s.name.startsWith('infdbg_queue_'))).toEqual([]);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([expect.objectContaining({ level: 'warn', msg: 'queue depth not read', error: 'queue depth: Redis did not answer in time' })]);

    fail = false;
    const up = await samples(metrics);
    expect(value(up, 'infdbg_queue_jobs', { queue: 'node-gpu-1', state: 'waiting' })).toBe(3);
    expect(value(up, 'infdbg_queue_oldest_waiting_age_seconds', { queue: 'node-gpu-1' })).toBe(42);
  });
});
