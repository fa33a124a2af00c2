// The real `infdbg serve` process: /metrics counts commands by outcome and shows queue depth and
// waiting age per queue (a node queue nobody reads included); the queue UI at /queues refuses
// without credentials (401 with a Basic challenge), answers with them, and routes no write; Bolt's
// own warnings come out as JSON lines; in Socket Mode /healthz and /metrics listen on PORT.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../examples/slack-api-stand-in.ts';
import { loadConfig, serveConfigSchema } from '../../src/core/config.ts';
import { parseExposition, type Sample } from '../../src/prometheus/exposition.ts';
import { redisOptions } from '../../src/queue/redis.ts';
import { signSlackRequest } from '../../src/slack/signature.ts';
import { REDIS_URL, SIGNING_SECRET } from '../support/stack.ts';
import { eventually, freePort, startInfdbg, type InfdbgProcess } from '../support/infdbg-process.ts';

const BOARD_USER = 'oncall';
const BOARD_PASSWORD = 'correct-horse-battery';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text(), 'bot /metrics').samples;
}

async function startBot(env: Record<string, string>): Promise<{ bot: InfdbgProcess; url: string; slack: SlackApiStandIn; prefix: string }> {
  const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
  const slack = await startSlackApiStandIn();
  cleanups.push(() => slack.close());
  cleanups.push(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  const port = await freePort();
  const bot = startInfdbg('serve', { REDIS_URL, QUEUE_PREFIX: prefix, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token-0123456789', SLACK_API_URL: slack.apiUrl, PORT: String(port), ...env });
  cleanups.push(() => bot.stop());
  return { bot, url: `http://127.0.0.1:${port}`, slack, prefix };
}

async function sendCommand(url: string, slack: SlackApiStandIn, text: string, secret = SIGNING_SECRET): Promise<number> {
  const body = new URLSearchParams({ team_id: 'T0STANDIN', channel_id: 'C0INCIDENT', user_id: 'U0ONCALL', command: '/debug', text, response_url: slack.responseUrl(), trigger_id: '1.2.3' }).toString();
  const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, secret, Math.floor(Date.now() / 1000)) }, body });
  await res.arrayBuffer();
  return res.status;
}

describe('infdbg serve: metrics, the queue UI and library logs', () => {
  it('counts commands by outcome and shows each queue’s depth and oldest waiting age', async () => {
    const { bot, url, slack, prefix } = await startBot({ BULL_BOARD_USER: BOARD_USER, BULL_BOARD_PASSWORD: BOARD_PASSWORD });
    await bot.waitForLine((l) => l.includes('bot listening'));
    // A job waiting two minutes on a node queue no worker reads.
    const orphan = new Queue('node-nobody', { connection: redisOptions(REDIS_URL), prefix });
    cleanups.push(() => orphan.close());
    await orphan.add('gpu', { requestId: 'r00000000000000cd', payload: { node: 'nobody' }, thread: null }, { jobId: 'r00000000000000cd.gpu', timestamp: Date.now() - 120_000 });

    // A forged request: refused, and Bolt's warning about it is one JSON line.
    expect(await sendCommand(url, slack, 'help', 'not-the-signing-secret')).toBe(401);
    const warning = JSON.parse(await bot.waitForLine((l) => l.includes('verify the request'))) as Record<string, unknown>;
    expect(warning).toMatchObject({ level: 'warn', source: 'bolt' });
    expect(await sendCommand(url, slack, 'help')).toBe(200);
    expect(await sendCommand(url, slack, 'no-such-diagnostic')).toBe(200);
    const samples = await eventually(() => scrape(url), (s) => value(s, 'infdbg_commands_total', { outcome: 'help' }) === 1);
    expect(value(samples, 'infdbg_commands_total', { outcome: 'usage_error' })).toBe(1);
    expect(value(samples, 'infdbg_queue_jobs', { queue: 'node-nobody', state: 'waiting' })).toBe(1);
    expect(value(samples, 'infdbg_queue_oldest_waiting_age_seconds', { queue: 'node-nobody' })).toBeGreaterThanOrEqual(120);
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // A diagnostic: its thread is opened through the counted client, its job waits on the shared queue (no worker runs here).
    expect(await sendCommand(url, slack, 'health http://127.0.0.1:9')).toBe(200);
    const later = await eventually(() => scrape(url), (s) => value(s, 'infdbg_commands_total', { outcome: 'enqueued' }) === 1, 20_000);
    expect(value(later, 'infdbg_slack_api_requests_total', { method: 'chat.postMessage', status: '200' })).toBeGreaterThanOrEqual(1);
    // Queue readings are cached for 5 s: the new job shows on a later scrape.
    await eventually(() => scrape(url), (s) => value(s, 'infdbg_queue_jobs', { queue: 'shared', state: 'waiting' }) === 1, 20_000);
    expect(later.flatMap((s) => Object.values(s.labels)).join(' ')).not.toMatch(/U0ONCALL|C0INCIDENT|r00000000000000cd|127\.0\.0\.1/);
  });

  it('serves the queue UI only with the configured credentials, read-only', async () => {
    const { bot, url, prefix } = await startBot({ BULL_BOARD_USER: BOARD_USER, BULL_BOARD_PASSWORD: BOARD_PASSWORD });
    await bot.waitForLine((l) => l.includes('bot listening'));
    const orphan = new Queue('node-nobody', { connection: redisOptions(REDIS_URL), prefix });
    cleanups.push(() => orphan.close());
    await orphan.add('gpu', { requestId: 'r00000000000000ce' }, { jobId: 'r00000000000000ce.gpu' });

    for (const authorization of [undefined, basic(BOARD_USER, 'wrong-password-123'), basic('someone', BOARD_PASSWORD), 'Bearer correct-horse-battery']) {
      const refused = await fetch(`${url}/queues`, authorization ? { headers: { authorization } } : {});
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
      expect(await refused.text()).not.toContain('node-nobody');
    }
    const headers = { authorization: basic(BOARD_USER, BOARD_PASSWORD) };
    const page = await fetch(`${url}/queues`, { headers });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    // The page's own script loads from under /queues too.
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(new URL(script!, `${url}/queues/`), { headers })).status).toBe(200);

    const api = await fetch(`${url}/queues/api/queues`, { headers });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: Array<{ name: string; counts: Record<string, number>; readOnlyMode: boolean }> };
    expect(queues.find((q) => q.name === 'node-nobody')).toMatchObject({ counts: expect.objectContaining({ waiting: 1 }), readOnlyMode: true });
    // Read-only: a write is not routed at all, with or without credentials.
    expect((await fetch(`${url}/queues/api/queues/node-nobody/pause`, { method: 'PUT', headers })).status).toBe(404);
    expect(await orphan.isPaused()).toBe(false);
  });

  it('in Socket Mode serves /healthz and /metrics on PORT, and logs Bolt’s errors as JSON lines', async () => {
    const { bot, url } = await startBot({ SLACK_APP_TOKEN: 'xapp-1-A0INFDBG-0123456789-abcdef' });
    const health = await eventually(
      () => fetch(`${url}/healthz`).then((r) => r.status, () => 0),
      (status) => status !== 0,
    );
    expect(health).toBe(200);
    expect(value(await scrape(url), 'process_cpu_seconds_total')).toBeGreaterThan(0);
    // No credentials configured: no queue UI.
    expect((await fetch(`${url}/queues`)).status).toBe(404);
    // The stand-in has no Socket Mode endpoint: Bolt's complaint arrives through the JSON logger.
    const complaint = JSON.parse(await bot.waitForLine((l) => l.includes('WSS URL'))) as Record<string, unknown>;
    expect(complaint).toMatchObject({ level: 'error', source: 'bolt' });
    expect(bot.lines.join('\n')).not.toContain('xapp-1-A0INFDBG');
    // Still waiting for Slack's socket, it stops cleanly on SIGTERM.
    expect(await bot.stop()).toBe(0);
  });

  it('refuses a queue UI user without a password (and the other way round) at start-up', () => {
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' };
    expect(() => loadConfig(serveConfigSchema, { ...env, BULL_BOARD_USER: 'oncall' })).toThrow(/BULL_BOARD_PASSWORD: required with the other/);
    expect(() => loadConfig(serveConfigSchema, { ...env, BULL_BOARD_PASSWORD: BOARD_PASSWORD })).toThrow(/BULL_BOARD_USER: required with the other/);
    expect(() => loadConfig(serveConfigSchema, { ...env, BULL_BOARD_USER: 'oncall', BULL_BOARD_PASSWORD: 'short' })).toThrow(/BULL_BOARD_PASSWORD: use at least 12 characters/);
    expect(loadConfig(serveConfigSchema, { ...env, BULL_BOARD_USER: 'oncall', BULL_BOARD_PASSWORD: BOARD_PASSWORD })).toMatchObject({ BULL_BOARD_USER: 'oncall', PORT: 3000 });
  });
});
