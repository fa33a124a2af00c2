// The whole system on loopback for integration tests: a real Redis (unique key prefix per
// stack), the real Bolt app on its HTTP receiver, real BullMQ workers, and the Slack API
// stand-in. Tests send correctly signed slash commands and read the thread back.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { webApi } from '@slack/bolt';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../examples/slack-api-stand-in.ts';
import { createApp } from '../../src/main/app.ts';
import type { Diagnostic } from '../../src/core/diagnostic.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { WorkerDirectory } from '../../src/queue/heartbeat.ts';
import { RequestSweep, WatchedFlowEnqueuer } from '../../src/queue/request-sweep.ts';
import { JobStore } from '../../src/queue/job-store.ts';
import { RedisProbe, redisOptions } from '../../src/queue/redis.ts';
import type { BaseDeps } from '../../src/core/run-diagnostic.ts';
import { signSlackRequest } from '../../src/slack/signature.ts';
import { SlackThread } from '../../src/slack/thread.ts';
import { startWorkers, type WorkerRuntime } from '../../src/main/worker.ts';
import { webClientSlack } from '../../src/incidents/incident-slack.ts';
import type { IncidentWorkerOptions } from '../../src/incidents/process-alert.ts';
import type { TargetPolicy } from '../../src/policy/target-policy.ts';
import type { ResolveHost } from '../../src/policy/target-guard.ts';
import type { LoadedRunbook } from '../../src/runbooks/runbook-schema.ts';
import { checklistService } from '../../src/runbooks/checklist-worker.ts';
import { webClientUserGroups } from '../../src/slack/user-groups.ts';
import { accessGate } from '../../src/policy/access-gate.ts';
import type { AccessPolicy } from '../../src/policy/access-policy.ts';
import type { Logger } from '../../src/core/logger.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface CommandOptions {
  channel?: string;
  user?: string;
  /** `bad`: wrong secret; `stale`: timestamp 10 minutes old. */
  signature?: 'valid' | 'bad' | 'stale';
}

export interface CommandResponse {
  status: number;
  /** Parsed JSON when the ack carried a body, else the raw text. */
  body: unknown;
  responseUrl: string;
}

export interface Stack {
  slack: SlackApiStandIn;
  botUrl: string;
  prefix: string;
  nodeName: string;
  store: JobStore;
  sendCommand(text: string, options?: CommandOptions): Promise<CommandResponse>;
  /** Clicks a button of a posted message, as Slack's block_actions interaction payload. */
  clickButton(message: { channel: string; ts: string }, button: { action_id: string; value?: string }, user?: string): Promise<CommandResponse>;
  /** Waits until a report reply has been posted in the newest thread of `channel`; returns the thread. */
  waitForReport(channel?: string, timeoutMs?: number): Promise<{ threadTs: string; transcript: string }>;
  connection: ReturnType<typeof redisOptions>;
  /** Job keys under this stack's prefix (to assert nothing was enqueued); workers' bookkeeping keys excluded. */
  redisKeys(): Promise<string[]>;
  /** Starts a worker runtime (one more replica each call). */
  startWorkers(): Promise<void>;
  /** Closes every worker runtime started so far (their heartbeats withdrawn), as if their pods went away. */
  stopWorkers(): Promise<void>;
  /** The workers' heartbeats, as the bot reads them. */
  workers: WorkerDirectory;
  /** The bot's request sweep (not on a timer here: a test calls sweep()). */
  sweep: RequestSweep;
  close(): Promise<void>;
}

export async function startStack(options: {
  diagnostics: readonly Diagnostic[];
  deps?: Partial<BaseDeps>;
  workers?: boolean;
  nodeName?: string;
  redisUrl?: string;
  /** Workers also consume accepted alerts into incident threads (Slack: the stand-in). */
  incidents?: Omit<IncidentWorkerOptions, 'slack'>;
  /** Runbooks: `/debug runbook` starts checklists (bot) and the workers run their timers and reports. */
  runbooks?: readonly LoadedRunbook[];
  /** Ms in a runbook minute for reminders and timed escalations (default 60,000). */
  checklistMinuteMs?: number;
  /** The bot's target policy (the ack's check); default: metadata and link-local addresses refused. */
  targetPolicy?: TargetPolicy;
  /** DNS for the ack's look at named targets; default none (the worker checks names). */
  resolveHost?: ResolveHost;
  /** The access policy (user groups read from the stand-in) and where audit lines go; default: the default policy, audit lines dropped. */
  access?: { policy: AccessPolicy; logger: Logger };
  /** The sweep's deadline for a job nobody takes, ms (default its own, 10 min). */
  queueDeadlineMs?: number;
}): Promise<Stack> {
  const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
  const nodeName = options.nodeName ?? 'test-node';
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const connection = redisOptions(redisUrl);
  const slack = await startSlackApiStandIn();
  const probe = new RedisProbe(redisUrl);
  const store = new JobStore(connection, prefix);
  const botClient = new webApi.WebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl });
  const workers = new WorkerDirectory(connection, prefix);
  const sweep = new RequestSweep({ connection, prefix, store, workers, slack: { update: (message) => botClient.chat.update(message) }, logger: silentLogger, now: () => Date.now(), ...(options.queueDeadlineMs ? { queueDeadlineMs: options.queueDeadlineMs } : {}) });
  const enqueuer = new WatchedFlowEnqueuer(connection, prefix, sweep);
  const checklists = options.runbooks
    ? checklistService({ slack: webClientSlack(botClient), userGroups: webClientUserGroups(botClient), runbooks: options.runbooks, connection, prefix, diagnostics: options.diagnostics, now: () => Date.now(), logger: silentLogger, ...(options.checklistMinuteMs ? { minuteMs: options.checklistMinuteMs } : {}) })
    : undefined;
  const app = createApp({
    signingSecret: SIGNING_SECRET,
    botToken: 'xoxb-test-token',
    slackApiUrl: slack.apiUrl,
    diagnostics: options.diagnostics,
    ...(options.runbooks ? { runbooks: options.runbooks, checklists: checklists!.service } : {}),
    enqueuer,
    store,
    workers,
    redisReady: () => probe.ready(),
    now: () => Date.now(),
    logger: silentLogger,
    ...(options.targetPolicy ? { targetPolicy: options.targetPolicy } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.access ? { access: accessGate({ ...options.access, userGroups: webClientUserGroups(botClient) }) } : {}),
  });
  const server = (await app.start(0)) as Server;
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Like a production worker, jobs read local files only under allowed roots: here the repository and the temp dir.
  const deps: BaseDeps = { fetch: globalThis.fetch, now: () => Date.now(), nodeName, localFileRoots: [process.cwd(), tmpdir()], ...options.deps };

  const runtimes: WorkerRuntime[] = [];
  const start = async () => {
    const client = new webApi.WebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl });
    const runtime = await startWorkers({
      connection,
      prefix,
      nodeName,
      concurrency: 2,
      diagnostics: options.diagnostics,
      slack: new SlackThread(client),
      deps,
      logger: silentLogger,
      statusIntervalMs: 100,
      ...(options.incidents ? { incidents: { ...options.incidents, slack: webClientSlack(client) } } : {}),
      ...(options.runbooks ? { checklists: { slack: webClientSlack(client), userGroups: webClientUserGroups(client), runbooks: options.runbooks, ...(options.checklistMinuteMs ? { minuteMs: options.checklistMinuteMs } : {}) } } : {}),
    });
    runtimes.push(runtime);
  };
  if (options.workers !== false) await start();

  return {
    slack,
    botUrl,
    prefix,
    nodeName,
    store,
    connection,
    startWorkers: start,
    async stopWorkers() {
      await Promise.all(runtimes.splice(0).map((r) => r.close(5000)));
    },
    workers,
    sweep,
    async sendCommand(text, opts = {}) {
      const responseUrl = slack.responseUrl();
      const body = new URLSearchParams({
        token: 'deprecated-verification-token',
        team_id: 'T0STANDIN',
        team_domain: 'standin',
        channel_id: opts.channel ?? 'C0INCIDENT',
        channel_name: 'incidents',
        user_id: opts.user ?? 'U0ONCALL',
        user_name: 'oncall',
        command: '/debug',
        text,
        api_app_id: 'A0INFDBG',
        response_url: responseUrl,
        trigger_id: '1234.5678.abcdef',
      }).toString();
      const now = Math.floor(Date.now() / 1000);
      const ts = opts.signature === 'stale' ? now - 600 : now;
      const secret = opts.signature === 'bad' ? 'not-the-secret' : SIGNING_SECRET;
      const res = await fetch(`${botUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, secret, ts) },
        body,
      });
      const raw = await res.text();
      let parsed: unknown;
      try {
        parsed = raw ? JSON.parse(raw) : '';
      } catch {
        parsed = raw; // Bolt acks with a plain-text body in some cases
      }
      return { status: res.status, body: parsed, responseUrl };
    },
    async clickButton(message, button, user = 'U0ONCALL') {
      const responseUrl = slack.responseUrl();
      const payload = {
        type: 'block_actions',
        user: { id: user, username: 'oncall', team_id: 'T0STANDIN' },
        api_app_id: 'A0INFDBG',
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
        trigger_id: '1234.5678.abcdef',
        team: { id: 'T0STANDIN', domain: 'standin' },
        channel: { id: message.channel, name: 'incidents' },
        message: { type: 'message', ts: message.ts, text: '' },
        response_url: responseUrl,
        actions: [{ type: 'button', action_id: button.action_id, block_id: 'b1', text: { type: 'plain_text', text: 'Re-run' }, value: button.value, action_ts: String(Date.now() / 1000) }],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const res = await fetch(`${botUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, SIGNING_SECRET, Math.floor(Date.now() / 1000)) },
        body,
      });
      return { status: res.status, body: await res.text(), responseUrl };
    },
    async waitForReport(channel = 'C0INCIDENT', timeoutMs = 30_000) {
      const reply = await slack.waitFor(
        () => slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel && c.args.thread_ts),
        timeoutMs,
      );
      const threadTs = String(reply.args.thread_ts);
      return { threadTs, transcript: slack.transcript(channel, threadTs) };
    },
    async redisKeys() {
      const redis = new Redis(REDIS_URL);
      try {
        return (await redis.keys(`${prefix}:*`)).filter((k) => !/:(meta|stalled-check|workers|request-sweep)$/.test(k));
      } finally {
        redis.disconnect();
      }
    },
    async close() {
      await Promise.all(runtimes.map((r) => r.close(5000)));
      await app.stop();
      // With an unreachable Redis, closing its clients would wait for a connection that never comes.
      const closing = Promise.all([sweep.stop(), enqueuer.close(), store.close(), probe.close(), checklists?.close()]);
      workers.close();
      await Promise.race([closing, new Promise((r) => setTimeout(r, 2000))]);
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await slack.close();
    },
  };
}
