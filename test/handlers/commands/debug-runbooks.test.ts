// `/debug runbooks` and `/debug runbook <name> [var=value …]` through the real Bolt receiver with
// correctly signed slash commands: the list and the filled-in steps come back ephemerally in the
// ack, nothing is posted to the channel, and bad input is a one-line usage reply.
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
import { loadRunbooks } from '../../../src/runbooks/load-runbooks.ts';
import { signSlackRequest } from '../../../src/slack/signature.ts';

const SECRET = 'test-signing-secret-runbooks-0123';
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
  app = createApp({ signingSecret: SECRET, botToken: 'xoxb-test-token', slackApiUrl: slack.apiUrl, diagnostics, runbooks: loadRunbooks('runbooks', diagnostics), enqueuer, store, redisReady: async () => true, now: () => Date.now(), logger: silentLogger });
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

describe('/debug runbooks and /debug runbook', () => {
  it('lists every runbook with what it matches, ephemerally', async () => {
    const r = await command('runbooks');
    expect(r.status).toBe(200);
    expect(r.body.response_type).toBe('ephemeral');
    expect(r.body.text).toMatch(/^\*Runbooks\* \(10\)/);
    expect(r.body.text).toContain('• *model-load-failure* — Model fails to load (availability): alertname KubePodCrashLooping, KubernetesPodCrashLooping');
    expect(r.body.text).toContain('• *gpu-unavailable* — GPU unavailable or Xid errors (availability)');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('shows one runbook\'s steps filled with the given values', async () => {
    const r = await command('runbook oom-killed namespace=ml pod=ranker-1');
    expect(r.body.response_type).toBe('ephemeral');
    expect(r.body.text).toContain('*Pod OOMKilled* (`oom-killed`, memory)');
    expect(r.body.text).toContain('1. *Was it the limit, the node, or CUDA?* — `/debug oom ml/ranker-1`');
    expect(r.body.text).toContain('`kubectl -n ml top pod ranker-1 --containers`');
    // A missing value is shown as a placeholder, escaped so Slack does not read it as markup.
    expect(r.body.text).toContain('deployment/&lt;deployment&gt;');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers an unknown runbook or a refused value with a one-line usage error', async () => {
    const unknown = await command('runbook frobnicate');
    expect(unknown.body.text).toMatch(/^:x: no runbook "frobnicate" \(runbooks: cuda-oom, .*\)\nUsage: `\/debug runbook <name> \[var=value …\]`$/);
    const hostile = await command('runbook oom-killed pod=<!channel>');
    expect(hostile.body.text).toMatch(/^:x: pod: value refused/);
    expect(hostile.body.text).not.toContain('<!channel>');
    const help = await command('help');
    expect(help.body.text).toContain('`/debug runbooks` — the runbooks and the alerts each one matches');
  });
});
