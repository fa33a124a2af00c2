// The bot's Redis probe (/healthz, and the check before a request is started) against a real
// redis-server of its own: calls made while the connection is being (re)established wait for it
// instead of answering "unreachable" while Redis is up.
import { afterEach, describe, expect, it } from 'vitest';
import { RedisProbe } from '../../src/queue/redis.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.ts';

let redis: PrivateRedis | undefined;
let probe: RedisProbe | undefined;
afterEach(async () => {
  await probe?.close();
  await redis?.stop();
  probe = redis = undefined;
});

describe('RedisProbe.ready', () => {
  it('answers true to every one of many calls made at once on a fresh probe', async () => {
    redis = await startPrivateRedis();
    probe = new RedisProbe(redis.url);
    const answers = await Promise.all(Array.from({ length: 10 }, () => probe!.ready(2000)));
    expect(answers).toEqual(Array(10).fill(true));
  });

  it('answers false while Redis is down, and true again after it restarts, on the same probe', async () => {
    redis = await startPrivateRedis();
    probe = new RedisProbe(redis.url);
    expect(await probe.ready(2000)).toBe(true);
    await redis.stop();
    expect(await probe.ready(300)).toBe(false);
    await redis.start();
    // Calls made while the client reconnects wait for the connection within their deadline.
    let up = false;
    for (let i = 0; i < 20 && !up; i++) up = (await Promise.all([probe.ready(3000), probe.ready(3000)])).every(Boolean);
    expect(up).toBe(true);
  });

  it('answers false within its deadline when nothing listens', async () => {
    probe = new RedisProbe('redis://127.0.0.1:1');
    expect(await Promise.all([probe.ready(300), probe.ready(300)])).toEqual([false, false]);
  });
});
