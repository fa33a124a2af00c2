// Fault test on real processes: `infdbg serve` and `infdbg worker` as child processes, a
// redis-server of the test's own (port 6390+, no persistence) restarted under them, the Slack API
// stand-in and the sample model server in the test process. Neither process is restarted: after
// Redis comes back empty, a command gets its report; a node with no worker is refused at once with
// the live nodes; the request whose jobs Redis lost mid-run has its status message marked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import { startSlackApiStandIn, type SlackApiStandIn } from '../../examples/slack-api-stand-in.ts';
import { signSlackRequest } from '../../src/slack/signature.ts';
import { freePort, startInfdbg, type InfdbgProcess } from '../support/infdbg-process.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.ts';

const SECRET = 'restart-test-signing-secret-0123456789';
const CHANNEL = 'C0RESTART';

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let redis: PrivateRedis;
let slack: SlackApiStandIn;
let model: ModelServer;
let bot: InfdbgProcess;
let worker: InfdbgProcess;
let botUrl: string;

beforeAll(async () => {
  [redis, slack, model] = await Promise.all([startPrivateRedis(), startSlackApiStandIn(), startModelServer()]);
  const port = await freePort();
  botUrl = `http://127.0.0.1:${port}`;
  const common = { REDIS_URL: redis.url, QUEUE_PREFIX: 'infdbg-restart', SLACK_BOT_TOKEN: 'xoxb-restart-test', SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'info' };
  bot = startInfdbg('serve', { ...common, SLACK_SIGNING_SECRET: SECRET, PORT: String(port), REQUEST_SWEEP_SECONDS: '1' });
  worker = startInfdbg('worker', { ...common, NODE_NAME: 'gpu-node-1', METRICS_PORT: '0', SHUTDOWN_GRACE_SECONDS: '2' });
  await bot.waitForLine((l) => l.includes('bot listening'));
  await worker.waitForLine((l) => l.includes('worker ready'));
}, 60_000);

afterAll(async () => {
  await Promise.all([bot?.stop(), worker?.stop()]);
  await Promise.all([redis?.stop(), slack?.close(), model?.close()]);
});

/** A correctly signed /debug through the bot's real HTTP receiver; the ack's body. */
async function command(text: string): Promise<{ status: number; text: string; responseUrl: string }> {
  const responseUrl = slack.responseUrl();
  const body = new URLSearchParams({ team_id: 'T0STANDIN', channel_id: CHANNEL, user_id: 'U0ONCALL', command: '/debug', text, response_url: responseUrl, trigger_id: '1.2.3' }).toString();
  const res = await fetch(`${botUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, SECRET, Math.floor(Date.now() / 1000)) }, body });
  const raw = await res.text();
  return { status: res.status, text: raw ? String((JSON.parse(raw) as { text?: string }).text ?? raw) : '', responseUrl };
}

/** The thread roots the bot opened, oldest first. */
const roots = () => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL && !c.args.thread_ts);

/** Sends `text`, waits for its thread's root; returns the root's ts (from the stand-in's history) and request id. */
async function opened(text: string): Promise<{ ts: string; id: string }> {
  const before = roots().length;
  const ack = await command(text);
  expect(ack.status).toBe(200);
  expect(ack.text).toBe('');
  const root = await until(() => roots()[before], `the thread of "${text}"`);
  const id = /`(r[0-9a-z]+)`/.exec(String(root.args.text))?.[1] ?? '';
  const history = (await (await fetch(`${slack.apiUrl}conversations.history`, { method: 'POST', headers: { authorization: 'Bearer xoxb-restart-test', 'content-type': 'application/json' }, body: JSON.stringify({ channel: CHANNEL }) })).json()) as { messages: { ts: string; text: string }[] };
  const ts = history.messages.find((m) => m.text.includes(id))?.ts ?? '';
  return { ts, id };
}

/** The report: the reply the worker posts in the thread. */
const reportIn = (threadTs: string) => slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === threadTs);

describe('bot and worker processes across a Redis restart', () => {
  it('refuses `gpu no-such-node` at once, naming the live node', async () => {
    const ack = await command('gpu no-such-node');
    expect(ack.text).toBe(':no_entry: no worker is running on node no-such-node (`gpu` runs there); live nodes: gpu-node-1. Nothing was started.');
    expect(roots()).toHaveLength(0);
  });

  it('posts a report before the restart', async () => {
    const { ts } = await opened(`health ${model.url} --interval 500ms`);
    await until(() => reportIn(ts), 'the first report', 60_000);
  }, 90_000);

  it('marks the request whose jobs Redis lost mid-run, with a Re-run; then a command after the restart gets its report', async () => {
    const slow = await opened(`health ${model.url} --interval 8s`);
    // Running on the worker (its progress reaches the status message), then Redis restarts empty.
    await until(() => slack.callsTo('chat.update').some((c) => c.args.ts === slow.ts), 'the slow request to start', 30_000);
    await redis.restart();

    const marked = await until(() => slack.callsTo('chat.update').find((c) => c.args.ts === slow.ts && String(c.args.text).includes('lost')), 'the sweep to mark the lost request', 30_000);
    expect(String(marked.args.text)).toContain(`\`${slow.id}\` — lost: its jobs vanished from the queue before it finished`);
    expect(JSON.stringify(marked.args.blocks)).toContain('infdbg_rerun');

    // The bot answers /healthz again without a restart, and the next command gets its report from the same worker process.
    await until(async () => (await fetch(`${botUrl}/healthz`)).status === 200, 'the bot to see Redis again');
    const after = await opened(`health ${model.url} --interval 500ms`);
    await until(() => reportIn(after.ts), 'the report after the restart', 60_000);
    // The worker announced itself again: node-local work is accepted for it, refused for others.
    await until(async () => (await command('gpu no-such-node')).text.includes('live nodes: gpu-node-1'), 'the worker to announce itself again');
    expect(bot.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }, 120_000);
});
