// `/debug <command> help` through the real Bolt receiver with correctly signed slash commands:
// the command's usage, every flag with its unit and default and two examples come back
// ephemerally in the ack, from the same spec as `infdbg <command> --help`; nothing is started.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../../examples/slack-api-stand-in.ts';
import { diagnostics } from '../../../jobs/registry.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { createApp } from '../../../src/main/app.ts';
import { FlowEnqueuer } from '../../../src/queue/flow.ts';
import { JobStore } from '../../../src/queue/job-store.ts';
import { redisOptions } from '../../../src/queue/redis.ts';
import { signSlackRequest } from '../../../src/slack/signature.ts';

const SECRET = 'test-signing-secret-help-0123456';
let slack: SlackApiStandIn;
let app: ReturnType<typeof createApp>;
let botUrl: string;
let enqueuer: FlowEnqueuer;
let store: JobStore;

beforeAll(async () => {
  slack = await startSlackApiStandIn();
  const connection = redisOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
  enqueuer = new FlowEnqueuer(connection, prefix);
  store = new JobStore(connection, prefix);
  app = createApp({ signingSecret: SECRET, botToken: 'xoxb-test-token', slackApiUrl: slack.apiUrl, diagnostics, runbooks: [], enqueuer, store, redisReady: async () => true, now: () => Date.now(), logger: silentLogger });
  const server = (await app.start(0)) as Server;
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.stop();
  await Promise.all([enqueuer.close(), store.close()]);
  await slack.close();
});

async function command(text: string): Promise<{ status: number; body: { response_type?: string; text?: string } }> {
  const body = new URLSearchParams({ token: 'x', team_id: 'T0STANDIN', channel_id: 'C0INCIDENT', user_id: 'U0ONCALL', command: '/debug', text, response_url: slack.responseUrl(), trigger_id: '1.2.3' }).toString();
  const res = await fetch(`${botUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, SECRET, Math.floor(Date.now() / 1000)) }, body });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

describe('/debug <command> help', () => {
  it('answers with the command\'s usage, flags with units and defaults, and examples, starting nothing', async () => {
    for (const text of ['drift help', 'help drift', 'drift --help']) {
      const r = await command(text);
      expect(r.status, text).toBe(200);
      expect(r.body.response_type, text).toBe('ephemeral');
      expect(r.body.text, text).toMatch(/^\*\/debug drift <reference> <current> \[options\]\* — /);
      expect(r.body.text).toContain('• `--drift-share SHARE` — the dataset drifted when this share of its features did [share of features, (0, 1]; default 0.5]');
      expect(r.body.text).toContain('• `/debug drift train.parquet prod-today.csv`');
    }
    const logs = await command('logs help');
    expect(logs.body.text).toContain('`--file FILE` — a log file on this machine instead of a pod [terminal only]');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    const list = await command('help');
    expect(list.body.text).toContain('`/debug drift <reference> <current>');
  });
});
