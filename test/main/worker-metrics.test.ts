// The real `infdbg worker` process serves /metrics and /healthz on METRICS_PORT: job attempts by
// diagnostic and outcome move as jobs finish and fail, the Slack requests it makes are counted
// (a 429 too), and with Redis unreachable /healthz answers 503 while every line it prints —
// BullMQ's and ioredis's connection errors included — is one JSON log line.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../examples/slack-api-stand-in.ts';
import { findDiagnostic } from '../../jobs/registry.ts';
import { FlowEnqueuer } from '../../src/queue/flow.ts';
import { redisOptions } from '../../src/queue/redis.ts';
import { parseExposition, type Sample } from '../../src/prometheus/exposition.ts';
import { REDIS_URL } from '../support/stack.ts';
import { eventually, freePort, startInfdbg, type InfdbgProcess } from '../support/infdbg-process.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scrape(port: number): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text(), 'worker /metrics').samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

async function startWorker(env: Record<string, string>): Promise<{ worker: InfdbgProcess; port: number }> {
  const worker = startInfdbg('worker', { NODE_NAME: 'n1', SLACK_BOT_TOKEN: 'xoxb-test-token-0123456789', METRICS_PORT: '0', SHUTDOWN_GRACE_SECONDS: '5', ...env });
  cleanups.push(() => worker.stop());
  const listening = JSON.parse(await worker.waitForLine((l) => l.includes('worker metrics listening'))) as { port: number };
  return { worker, port: listening.port };
}

describe('infdbg worker: /metrics and /healthz on METRICS_PORT', () => {
  it('counts a failed diagnostic, the report job and its Slack posts (a 429 among them) by outcome', async () => {
    const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
    const slack: SlackApiStandIn = await startSlackApiStandIn();
    cleanups.push(() => slack.close());
    cleanups.push(async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });
    const { worker, port } = await startWorker({ REDIS_URL, QUEUE_PREFIX: prefix, SLACK_API_URL: slack.apiUrl });
    await worker.waitForLine((l) => l.includes('worker ready'));

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, redis: 'up', workers: 'running' });
    const before = await scrape(port);
    expect(value(before, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value(before, 'infdbg_jobs_total')).toBe(0);

    // A thread to report into, as the bot opens one; its first reply is answered 429 once.
    const root = await new webApi.WebClient('xoxb-test-token-0123456789', { slackApiUrl: slack.apiUrl }).chat.postMessage({ channel: 'C0INCIDENT', text: 'health …' });
    slack.fault('chat.postMessage', { retryAfterS: 0, times: 1 });
    const enqueuer = new FlowEnqueuer(redisOptions(REDIS_URL), prefix);
    cleanups.push(() => enqueuer.close());
    // A payload the health schema refuses: the job fails for good (no retries), the report says why.
    await enqueuer.enqueue({ requestId: 'r00000000000000ab', title: 'health', incidentKey: 'k', thread: { channel: 'C0INCIDENT', threadTs: String(root.ts) }, plan: [{ diagnostic: findDiagnostic('health')!, payload: { url: 42 } }] });

    const after = await eventually(() => scrape(port), (s) => value(s, 'infdbg_jobs_total', { diagnostic: 'report', outcome: 'completed' }) === 1);
    expect(value(after, 'infdbg_jobs_total', { diagnostic: 'health', outcome: 'failed' })).toBe(1);
    expect(value(after, 'infdbg_jobs_total', { diagnostic: 'health', outcome: 'retrying' })).toBe(0);
    expect(value(after, 'infdbg_job_duration_seconds_count', { diagnostic: 'health', outcome: 'failed' })).toBe(1);
    expect(value(after, 'infdbg_job_duration_seconds_bucket', { diagnostic: 'report', outcome: 'completed', le: '+Inf' })).toBe(1);
    expect(value(after, 'infdbg_slack_api_rate_limited_total', { method: 'chat.postMessage' })).toBe(1);
    expect(value(after, 'infdbg_slack_api_requests_total', { method: 'chat.postMessage', status: '429' })).toBe(1);
    expect(value(after, 'infdbg_slack_api_requests_total', { method: 'chat.postMessage', status: '200' })).toBeGreaterThanOrEqual(1);
    // Labels are names from the domain, never a request id, thread or URL.
    const labelValues = after.flatMap((s) => Object.values(s.labels)).join(' ');
    expect(labelValues).not.toMatch(/r00000000000000ab|C0INCIDENT|127\.0\.0\.1/);
    // Everything the process printed is JSON lines.
    for (const line of worker.lines.filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('answers /healthz 503 while Redis is unreachable, and prints every connection error as one JSON line', async () => {
    const { worker, port } = await startWorker({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, QUEUE_PREFIX: 'infdbg-test-unreachable' });
    await worker.waitForLine((l) => l.includes('ECONNREFUSED'));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, redis: 'unreachable' });
    // /metrics still answers: the scrape shows the process even while it cannot work.
    expect(value(await scrape(port), 'process_cpu_seconds_total')).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500)); // let a few reconnect attempts print
    // SIGTERM while it still waits for Redis: a clean exit, not a kill.
    expect(await worker.stop()).toBe(0);
    const errors = worker.lines.filter(Boolean);
    for (const line of errors) expect(() => JSON.parse(line), line).not.toThrow();
    expect(errors.some((l) => (JSON.parse(l) as { level: string }).level === 'error' && l.includes('ECONNREFUSED'))).toBe(true);
    expect(errors.join('\n')).not.toMatch(/^\s+at /m);
  });
});
