// Worker lifecycle: graceful shutdown lets running jobs finish within the grace period, and the
// real `infdbg worker` process exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { FlowEnqueuer } from '../../src/queue/flow.ts';
import { JobStore } from '../../src/queue/job-store.ts';
import { redisOptions } from '../../src/queue/redis.ts';
import { emptyResult } from '../../src/report/model.ts';
import { startWorkers } from '../../src/main/worker.ts';
import { REDIS_URL } from '../support/stack.ts';

const slow = defineDiagnostic({
  name: 'slow',
  usage: 'slow',
  description: 'sleeps',
  payload: z.object({ ms: z.number() }),
  parseArgs: () => ({ ms: 800 }),
  observes: {},
  timeoutMs: 10_000,
  async run(payload, deps) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, payload.ms);
      deps.signal.addEventListener('abort', () => (clearTimeout(t), reject(deps.signal.reason)));
    });
    const r = emptyResult('slow', 'slow');
    r.summary = `slept ${payload.ms} ms`;
    return r;
  },
});

const prefixes: string[] = [];
afterEach(async () => {
  const redis = new Redis(REDIS_URL);
  for (const p of prefixes.splice(0)) {
    const keys = await redis.keys(`${p}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

async function setup(graceJobMs: number) {
  const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  const connection = redisOptions(REDIS_URL);
  const runtime = await startWorkers({
    connection,
    prefix,
    nodeName: 'n1',
    concurrency: 1,
    diagnostics: [slow],
    slack: null,
    deps: { fetch, now: () => Date.now(), nodeName: 'n1' },
    logger: silentLogger,
  });
  const enqueuer = new FlowEnqueuer(connection, prefix);
  const store = new JobStore(connection, prefix);
  await enqueuer.enqueue({ requestId: 'r00000000000000aa', title: 'slow', incidentKey: 'k', thread: null, plan: [{ diagnostic: slow, payload: { ms: graceJobMs } }] });
  // Wait until the job is running.
  for (let i = 0; i < 200; i++) {
    const s = await store.requestStatus('r00000000000000aa');
    if (s?.items[0]?.state === 'active') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { runtime, enqueuer, store };
}

describe('worker shutdown', () => {
  it('lets a running job finish when it fits in the grace period', async () => {
    const { runtime, enqueuer, store } = await setup(600);
    await runtime.close(5000);
    const s = await store.requestStatus('r00000000000000aa');
    expect(s?.items[0]?.state).toBe('completed');
    await enqueuer.close();
    await store.close();
  });

  it('cancels a job that outlives the grace period instead of hanging', async () => {
    const { runtime, enqueuer, store } = await setup(60_000);
    const started = Date.now();
    await runtime.close(300);
    expect(Date.now() - started).toBeLessThan(10_000);
    const s = await store.requestStatus('r00000000000000aa');
    expect(s?.items[0]?.state).not.toBe('completed');
    await enqueuer.close();
    await store.close();
  });

  it('`infdbg worker` starts, and exits 0 on SIGTERM', async () => {
    const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    const child = spawn(process.execPath, ['src/main/cli.ts', 'worker'], {
      env: { PATH: process.env.PATH, REDIS_URL, QUEUE_PREFIX: prefix, NODE_NAME: 'n1', SLACK_BOT_TOKEN: 'xoxb-test', SHUTDOWN_GRACE_SECONDS: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 300 && !stderr.includes('worker ready'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain('worker ready');
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toContain('"msg":"stopped"');
    expect(stderr).not.toContain('xoxb-test');
  });

  it('`infdbg worker` with a bad configuration exits 2 with one line listing the problems', async () => {
    const child = spawn(process.execPath, ['src/main/cli.ts', 'worker'], { env: { PATH: process.env.PATH, WORKER_CONCURRENCY: 'many' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/SLACK_BOT_TOKEN.*WORKER_CONCURRENCY|WORKER_CONCURRENCY.*SLACK_BOT_TOKEN/);
  });
});
