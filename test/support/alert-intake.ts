// The bot with its alert webhooks on loopback for the intake tests: the real Bolt app from
// createApp on its HTTP receiver, a real Redis under a unique prefix, the real AlertQueue. Tests
// POST real bodies and read back what the alerts queue holds (no worker consumes it here).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../examples/slack-api-stand-in.ts';
import type { AlertEvent } from '../../src/alerts/alert-event.ts';
import type { WebhookSecrets } from '../../src/alerts/webhook-secrets.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createApp } from '../../src/main/app.ts';
import { AlertQueue } from '../../src/queue/alert-queue.ts';
import { FlowEnqueuer } from '../../src/queue/flow.ts';
import { JobStore } from '../../src/queue/job-store.ts';
import { ALERT_QUEUE } from '../../src/queue/names.ts';
import { RedisProbe, redisOptions } from '../../src/queue/redis.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A port nothing listens on (Redis "down"). */
export const CLOSED_REDIS_URL = 'redis://127.0.0.1:1';

/** A "Redis" that accepts connections and never answers (a hung server): returns its URL and a stop. */
export async function startHungRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const FIXTURES = new URL('../fixtures/alerts/', import.meta.url);

/** A fixture's exact bytes (signatures are over them). */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

interface SignatureSet {
  source: string;
  secret: string;
  deliveries: { file: string; eventType: string; signature: string }[];
  forged: { file: string; signature: string };
}

/** The PagerDuty signature vectors (fixtures/alerts/pagerduty-signatures.json). */
export function pagerDutyVectors(): SignatureSet[] {
  return (JSON.parse(fixture('pagerduty-signatures.json').toString('utf8')) as { sets: SignatureSet[] }).sets;
}

export interface IntakeOptions {
  secrets: WebhookSecrets;
  /** Redis the bot uses; default the real one. */
  redisUrl?: string;
  maxBodyBytes?: number;
}

export interface IntakeBot {
  botUrl: string;
  prefix: string;
  /** The bot's log lines (JSON), to check what a refusal logs and that no secret is in it. */
  logs: string[];
  post(path: string, body: Buffer | string, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** Every job on the alerts queue, any state. */
  alertJobs(): Promise<Job<AlertEvent>[]>;
  /** Keys this bot wrote under its prefix. */
  redisKeys(): Promise<string[]>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

export async function startIntakeBot(options: IntakeOptions): Promise<IntakeBot> {
  const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const connection = redisOptions(redisUrl);
  const slack: SlackApiStandIn = await startSlackApiStandIn();
  const probe = new RedisProbe(redisUrl);
  const enqueuer = new FlowEnqueuer(connection, prefix);
  const store = new JobStore(connection, prefix);
  const alerts = new AlertQueue(connection, prefix);
  const logs: string[] = [];
  const app = createApp({
    signingSecret: 'test-signing-secret-0123456789abcdef',
    botToken: 'xoxb-test-token',
    slackApiUrl: slack.apiUrl,
    diagnostics: [],
    enqueuer,
    store,
    redisReady: () => probe.ready(),
    now: () => Date.now(),
    logger: createLogger('debug', (line) => logs.push(line)),
    webhooks: { secrets: options.secrets, alerts, maxBodyBytes: options.maxBodyBytes },
  });
  const server = (await app.start(0)) as Server;
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const reader = new Queue(ALERT_QUEUE, { connection: redisOptions(REDIS_URL), prefix });

  return {
    botUrl,
    prefix,
    logs,
    async post(path, body, headers = {}) {
      const res = await fetch(botUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: new Uint8Array(Buffer.from(body)) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
    async alertJobs() {
      return (await reader.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'])) as Job<AlertEvent>[];
    },
    async redisKeys() {
      const redis = new Redis(REDIS_URL);
      try {
        return (await redis.keys(`${prefix}:*`)).filter((k) => !/:(meta|stalled-check)$/.test(k));
      } finally {
        redis.disconnect();
      }
    },
    async metrics() {
      return (await fetch(botUrl + '/metrics')).text();
    },
    async close() {
      await app.stop();
      // With an unreachable Redis, closing its clients would wait for a connection that never comes.
      const closing = Promise.all([enqueuer.close(), store.close(), probe.close(), alerts.close(), reader.close()]);
      await Promise.race([closing, new Promise((r) => setTimeout(r, 2000))]);
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await slack.close();
    },
  };
}
