// The Acknowledge / Resolve buttons through the real Bolt HTTP receiver: correctly signed
// `block_actions` interactions (the payload Slack posts for a button click), the Slack Web API
// stand-in (users.info, chat.postMessage, response_url) and the PagerDuty REST API stand-in.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../../examples/slack-api-stand-in.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { createApp } from '../../../src/main/app.ts';
import { PAGERDUTY_ACKNOWLEDGE_ACTION_ID, PAGERDUTY_RESOLVE_ACTION_ID, pagerDutyButtonElements } from '../../../src/pagerduty/incident-buttons.ts';
import { PagerDutyRestClient } from '../../../src/pagerduty/rest-client.ts';
import { FlowEnqueuer } from '../../../src/queue/flow.ts';
import { JobStore } from '../../../src/queue/job-store.ts';
import { redisOptions } from '../../../src/queue/redis.ts';
import { signSlackRequest } from '../../../src/slack/signature.ts';
import { AccessGate } from '../../../src/policy/access-gate.ts';
import { startPagerDutyApiStandIn, type PagerDutyApiStandIn } from '../../support/pagerduty-api-stand-in.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SIGNING_SECRET = 'test-signing-secret-pagerduty-buttons';
const PD_TOKEN = 'pd-secret-token-xyz789';
const CHANNEL = 'C0INCIDENT';
const PARENT_TS = '1763900000.000100';

interface Harness {
  slack: SlackApiStandIn;
  pd: PagerDutyApiStandIn;
  botUrl: string;
  waits: number[];
  click(button: { action_id: string; value: string }, options?: { user?: string; threadTs?: string; secret?: string }): Promise<number>;
  close(): Promise<void>;
}

async function startHarness(options: { writeBack?: boolean; token?: string } = {}): Promise<Harness> {
  const prefix = `infdbg-test-${randomBytes(4).toString('hex')}`;
  const connection = redisOptions(REDIS_URL);
  const slack = await startSlackApiStandIn();
  const pd = await startPagerDutyApiStandIn({ token: PD_TOKEN, users: { 'alice@example.com': 'Alice Oncall', 'bot@example.com': 'infdbg bot' } });
  const waits: number[] = [];
  const enqueuer = new FlowEnqueuer(connection, prefix);
  const store = new JobStore(connection, prefix);
  const pagerduty =
    options.writeBack === false
      ? undefined
      : new PagerDutyRestClient({ token: options.token ?? PD_TOKEN, baseUrl: pd.url, fromEmail: 'bot@example.com', fetch: globalThis.fetch, sleep: async (ms) => void waits.push(ms) });
  const app: App = createApp({
    signingSecret: SIGNING_SECRET,
    botToken: 'xoxb-test-token',
    slackApiUrl: slack.apiUrl,
    diagnostics: [],
    enqueuer,
    store,
    redisReady: async () => true,
    now: () => Date.now(),
    logger: silentLogger,
    pagerduty,
    // The buttons change PagerDuty incidents: the default policy refuses them (test/policy/access-edge.test.ts), so this channel is allowed.
    access: new AccessGate({ policy: { default: 'read-only', rules: [{ name: 'incident-channel-pagerduty', channels: [CHANNEL], allow: ['pagerduty:*'] }], file: 'policy.yaml' }, logger: silentLogger }),
  });
  const server = (await app.start(0)) as Server;
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    slack,
    pd,
    botUrl,
    waits,
    async click(button, opts = {}) {
      const message: Record<string, unknown> = { type: 'message', ts: opts.threadTs ? '1763900000.000200' : PARENT_TS, text: 'incident', user: 'U0BOT' };
      if (opts.threadTs) message.thread_ts = opts.threadTs;
      const payload = {
        type: 'block_actions',
        user: { id: opts.user ?? 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0STANDIN' },
        api_app_id: 'A0INFDBG',
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: message.ts, channel_id: CHANNEL, is_ephemeral: false },
        trigger_id: '1234.5678.abcdef',
        team: { id: 'T0STANDIN', domain: 'standin' },
        channel: { id: CHANNEL, name: 'incidents' },
        message,
        response_url: slack.responseUrl(),
        actions: [{ type: 'button', action_id: button.action_id, block_id: 'infdbg_pagerduty', text: { type: 'plain_text', text: 'Acknowledge' }, value: button.value, action_ts: String(Date.now() / 1000) }],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const res = await fetch(`${botUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, opts.secret ?? SIGNING_SECRET, Math.floor(Date.now() / 1000)) },
        body,
      });
      await res.text();
      return res.status;
    },
    async close() {
      await app.stop();
      await Promise.all([enqueuer.close(), store.close()]);
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await slack.close();
      await pd.close();
    },
  };
}

const threadReplies = (h: Harness) => h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts);
const ephemeralTexts = (h: Harness) => h.slack.ephemeral.map((e) => String(e.body.text));

/** Waits for the handler's visible outcome: a thread reply or an ephemeral answer. */
async function outcome(h: Harness, before = 0): Promise<void> {
  await h.slack.waitFor(() => threadReplies(h).length + h.slack.ephemeral.length > before, 10_000);
}

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('Acknowledge and Resolve buttons', () => {
  beforeEach(async () => {
    h = await startHarness();
    h.slack.users.set('U0ALICE', { name: 'alice', email: 'alice@example.com' });
    h.slack.users.set('U0NOMAIL', { name: 'nomail' }); // no users:read.email scope: the profile has no email
    h.pd.addIncident('PT4KHLK', { status: 'triggered', number: 1234 });
  });

  it('Acknowledge acts in PagerDuty as the clicking user and says in the thread who did it', async () => {
    expect(await h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' })).toBe(200);
    await outcome(h);
    const put = h.pd.calls.find((c) => c.method === 'PUT')!;
    expect(put).toMatchObject({ path: '/incidents/PT4KHLK', from: 'alice@example.com', authorization: 'Token token=…', body: { incident: { type: 'incident_reference', status: 'acknowledged' } } });
    expect(h.pd.incidents.get('PT4KHLK')!.status).toBe('acknowledged');
    const replies = threadReplies(h);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args).toMatchObject({ channel: CHANNEL, thread_ts: PARENT_TS, text: ':large_orange_circle: <@U0ALICE> acknowledged PagerDuty incident #1234 (PT4KHLK).' });
    expect(h.slack.ephemeral).toEqual([]);
  });

  it('Resolve by someone whose email the app cannot read acts as PAGERDUTY_FROM_EMAIL', async () => {
    await h.click({ action_id: PAGERDUTY_RESOLVE_ACTION_ID, value: 'PT4KHLK' }, { user: 'U0NOMAIL' });
    await outcome(h);
    const put = h.pd.calls.find((c) => c.method === 'PUT')!;
    expect(put.from).toBe('bot@example.com');
    expect(put.body).toEqual({ incident: { type: 'incident_reference', status: 'resolved', resolution: 'Resolved from Slack by nomail' } });
    expect(h.pd.incidents.get('PT4KHLK')!.status).toBe('resolved');
    expect(String(threadReplies(h)[0]!.args.text)).toBe(':large_green_circle: <@U0NOMAIL> resolved PagerDuty incident #1234 (PT4KHLK).');
  });

  it('a click on a button inside a thread reply answers in that thread', async () => {
    await h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' }, { threadTs: PARENT_TS });
    await outcome(h);
    expect(threadReplies(h)[0]!.args.thread_ts).toBe(PARENT_TS);
  });

  it('Acknowledge on an incident already resolved does not reopen it', async () => {
    h.pd.incidents.get('PT4KHLK')!.status = 'resolved';
    h.pd.incidents.get('PT4KHLK')!.last_status_change_by = { summary: 'Lee Turner' };
    await h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' });
    await outcome(h);
    expect(h.pd.calls.filter((c) => c.method === 'PUT')).toEqual([]);
    expect(h.pd.incidents.get('PT4KHLK')!.status).toBe('resolved');
    expect(ephemeralTexts(h)).toEqual(['PagerDuty incident #1234 (PT4KHLK) is already resolved by Lee Turner; nothing changed.']);
    expect(threadReplies(h)).toEqual([]);
  });

  it('a 429 from PagerDuty is waited out and the click still lands once', async () => {
    h.pd.rateLimitNext(2, 2);
    await h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' });
    await outcome(h);
    expect(h.waits).toEqual([2000, 2000]);
    expect(h.pd.incidents.get('PT4KHLK')!.status).toBe('acknowledged');
    expect(threadReplies(h)).toHaveLength(1);
  });

  it('a double click (or two people at once) changes PagerDuty once and says so once', async () => {
    await Promise.all([h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' }), h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' }, { user: 'U0NOMAIL' })]);
    await h.slack.waitFor(() => threadReplies(h).length + h.slack.ephemeral.length >= 2, 10_000);
    expect(h.pd.calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
    expect(threadReplies(h)).toHaveLength(1);
    expect(ephemeralTexts(h)[0]).toMatch(/already (on its way|acknowledged by)/);
  });

  it('a value that is not an incident id is refused without calling PagerDuty', async () => {
    await h.click({ action_id: PAGERDUTY_RESOLVE_ACTION_ID, value: '../users/PXPGF42' });
    await outcome(h);
    expect(ephemeralTexts(h)).toEqual([':x: This button does not name a PagerDuty incident.']);
    expect(h.pd.calls).toEqual([]);
  });

  it('a forged click (bad signature) is refused by the receiver and nothing reaches PagerDuty', async () => {
    expect(await h.click({ action_id: PAGERDUTY_RESOLVE_ACTION_ID, value: 'PT4KHLK' }, { secret: 'not-the-secret' })).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.pd.calls).toEqual([]);
  });
});

describe('Acknowledge and Resolve buttons when PagerDuty refuses or is away', () => {
  it('a bad token is one ephemeral line with the status and PagerDuty\'s message, never the token, and no thread post', async () => {
    h = await startHarness({ token: 'wrong-pd-token-000' });
    h.pd.addIncident('PT4KHLK');
    await h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' });
    await outcome(h);
    const [text] = ephemeralTexts(h);
    expect(text).toMatch(/^:x: PagerDuty incident PT4KHLK was not acknowledged: PagerDuty GET \/incidents\/PT4KHLK answered 401: .+ \[code 2006\]$/);
    expect(text).not.toContain('wrong-pd-token-000');
    expect(threadReplies(h)).toEqual([]);
  });

  it('an unreachable API is said to the clicker', async () => {
    h = await startHarness();
    await h.pd.close(); // nothing listens on its port any more
    await h.click({ action_id: PAGERDUTY_RESOLVE_ACTION_ID, value: 'PT4KHLK' });
    await outcome(h);
    expect(ephemeralTexts(h)[0]).toMatch(/^:x: PagerDuty incident PT4KHLK was not resolved: PagerDuty API unreachable \(127\.0\.0\.1:\d+\) on GET \/incidents\/PT4KHLK: ECONNREFUSED$/);
  });

  it('with PAGERDUTY_API_TOKEN unset there are no buttons, and an old button says write-back is off', async () => {
    h = await startHarness({ writeBack: false });
    expect(pagerDutyButtonElements({ pagerDutyIncidentId: 'PT4KHLK', status: 'firing' }, false)).toEqual([]);
    await h.click({ action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' });
    await outcome(h);
    expect(ephemeralTexts(h)[0]).toContain('PagerDuty write-back is off here (PAGERDUTY_API_TOKEN is not set)');
    expect(h.pd.calls).toEqual([]);
  });
});
