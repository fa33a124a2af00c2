// Workers announce themselves in a real Redis: a running worker runtime is listed with its node,
// queues, pid and version; a closed one is withdrawn at once; one that stopped beating drops out;
// after Redis restarts without its data, the next beat announces the worker again.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { heartbeatKey, liveNodes, startHeartbeat, WorkerDirectory } from '../../src/queue/heartbeat.ts';
import { redisOptions } from '../../src/queue/redis.ts';
import { startWorkers } from '../../src/main/worker.ts';
import { REDIS_URL } from '../support/stack.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function newPrefix(): string {
  const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
  cleanups.push(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  return prefix;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('worker heartbeats', () => {
  it('lists a running worker runtime with its node, queues, pid and version, and withdraws it when it closes', async () => {
    const prefix = newPrefix();
    const connection = redisOptions(REDIS_URL);
    const directory = new WorkerDirectory(connection, prefix);
    cleanups.push(() => directory.close());
    expect(await directory.live()).toEqual([]);

    const runtime = await startWorkers({ connection, prefix, nodeName: 'gpu-node-7', concurrency: 1, diagnostics: [], slack: null, deps: { fetch, now: () => Date.now(), nodeName: 'gpu-node-7' }, logger: silentLogger, version: '9.9.9' });
    const live = await directory.live();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ node: 'gpu-node-7', queues: ['shared', 'node-gpu-node-7', 'report'], pid: process.pid, version: '9.9.9' });
    expect(live[0]!.lastBeatAgoMs).toBeGreaterThanOrEqual(0);
    expect(liveNodes(live)).toEqual(['gpu-node-7']);

    await runtime.close(1000);
    expect(await directory.live()).toEqual([]);
  });

  it('drops a worker that stopped beating once its last beat is older than the stale limit', async () => {
    const prefix = newPrefix();
    const connection = redisOptions(REDIS_URL);
    const beat = await startHeartbeat({ connection, prefix, node: 'n1', queues: ['shared', 'node-n1'], version: '1', logger: silentLogger, intervalMs: 60_000 });
    cleanups.push(() => beat.stop());
    const directory = new WorkerDirectory(connection, prefix, 400);
    cleanups.push(() => directory.close());
    expect(liveNodes(await directory.live())).toEqual(['n1']);
    // No beat for longer than the stale limit (the next one is a minute away): not live any more.
    await until(async () => ((await directory.live()).length === 0 ? true : undefined), 'the worker to go stale');
    const redis = new Redis(REDIS_URL);
    cleanups.push(() => redis.disconnect());
    expect(await redis.zcard(heartbeatKey(prefix))).toBe(1); // still remembered, just not live
  });

  it('announces the worker again after Redis restarts without its data', async () => {
    const server: PrivateRedis = await startPrivateRedis();
    cleanups.push(() => server.stop());
    const connection = redisOptions(server.url);
    const beat = await startHeartbeat({ connection, prefix: 'infdbg-restart', node: 'n2', queues: ['shared', 'node-n2'], version: '1', logger: silentLogger, intervalMs: 100 });
    cleanups.push(() => beat.stop());
    const directory = new WorkerDirectory(connection, 'infdbg-restart');
    cleanups.push(() => directory.close());
    expect(liveNodes(await directory.live())).toEqual(['n2']);
    await server.restart();
    const raw = new Redis(server.url);
    cleanups.push(() => raw.disconnect());
    expect(await until(async () => ((await raw.zcard(heartbeatKey('infdbg-restart'))) === 1 ? true : undefined), 'a beat after the restart')).toBe(true);
    expect(liveNodes(await until(async () => directory.live().catch(() => undefined), 'the directory to answer'))).toEqual(['n2']);
  });
});
