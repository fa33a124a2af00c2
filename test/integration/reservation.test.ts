// One request per command, whatever arrives at once: identical commands reserve the request in one
// Redis operation before a thread is opened, so ten within a few milliseconds open one thread and
// the other nine are pointed at it; a finished one is offered a re-run; a command whose thread or
// flow could not start gives its reservation back. Signed requests through the real Bolt receiver,
// a real Redis, real BullMQ workers, the Slack stand-in.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTokens } from '../../src/command/args.ts';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { UsageError } from '../../src/core/errors.ts';
import { emptyResult } from '../../src/report/model.ts';
import { RequestReservations } from '../../src/queue/request-reservation.ts';
import { REDIS_URL, startStack, type Stack } from '../support/stack.ts';

const probe = defineDiagnostic({
  name: 'probe',
  usage: 'probe <mode>',
  description: 'test diagnostic',
  payload: z.object({ mode: z.enum(['ok', 'unroutable']) }),
  parseArgs(tokens) {
    const { positionals } = parseTokens(tokens, {}, 'probe <mode>');
    return { mode: positionals[0] };
  },
  observes: {},
  timeoutMs: 10_000,
  // A route that cannot be found fails the enqueue after the thread is open (like oom's missing pod).
  route: async (payload) => {
    if (payload.mode === 'unroutable') throw new UsageError('no node runs that pod');
    return undefined;
  },
  async run(payload) {
    await new Promise((r) => setTimeout(r, 600));
    const result = emptyResult('probe', `probe ${payload.mode}`);
    result.summary = 'Probe finished.';
    return result;
  },
});

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const roots = (s: Stack, channel = 'C0INCIDENT') => s.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && !c.args.thread_ts && !c.fault);
const permalink = (channel: string, ts: string) => `https://standin.slack.com/archives/${channel}/p${ts.replace('.', '')}`;

describe('request reservation', () => {
  it('ten identical commands within a few milliseconds open one thread; the other nine are pointed at it', async () => {
    stack = await startStack({ diagnostics: [probe] });
    const sent = await Promise.all(Array.from({ length: 10 }, () => stack!.sendCommand('probe ok')));
    expect(sent.map((r) => r.status)).toEqual(Array(10).fill(200));
    const answers = await stack.slack.waitFor(() => {
      const mine = stack!.slack.ephemeral.filter((e) => sent.some((r) => new URL(r.responseUrl).pathname === e.path));
      return mine.length === 9 ? mine : undefined;
    });
    expect(roots(stack)).toHaveLength(1);
    const root = roots(stack)[0]!;
    const id = /`(r[0-9a-f]{16})`/.exec(String(root.args.text))![1]!;
    // The one thread gets its report; nothing else was started.
    const { threadTs } = await stack.waitForReport();
    for (const a of answers) {
      expect(String(a.body.text)).toContain(`Already running as \`${id}\``);
      expect(String(a.body.text)).toContain(permalink('C0INCIDENT', threadTs));
    }
    expect(roots(stack)).toHaveLength(1);
    expect(stack.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === threadTs)).toHaveLength(1);
  });

  it('offers a finished request a re-run instead of "Already running"; the offer starts a new thread', async () => {
    stack = await startStack({ diagnostics: [probe] });
    await stack.sendCommand('probe ok');
    const first = await stack.waitForReport();
    await waitUntil(async () => {
      const job = await stack!.store.reportJob(/`(r[0-9a-f]{16})`/.exec(String(roots(stack!)[0]!.args.text))![1]!);
      return (await job?.getState()) === 'completed';
    });

    const again = await stack.sendCommand('probe ok');
    expect(again.status).toBe(200);
    const offer = await stack.slack.waitFor(() => stack!.slack.callsTo('chat.postEphemeral').find((c) => c.args.user === 'U0ONCALL'));
    expect(String(offer.args.text)).toMatch(/has finished: <https:\/\/standin\.slack\.com\/archives\/C0INCIDENT\/p\d+\|see its thread>\. Run it again\?/);
    expect(String(offer.args.text)).toContain(permalink('C0INCIDENT', first.threadTs));
    const button = JSON.stringify(offer.args.blocks).match(/"action_id":"(infdbg_rerun)","text":\{[^}]*"text":"Run again"[^}]*\},"value":"([^"]*)"/);
    expect(button?.[2]).toBe('probe ok');
    expect(roots(stack)).toHaveLength(1);

    const ephemeralTs = '1763900999.000001';
    await stack.clickButton({ channel: 'C0INCIDENT', ts: ephemeralTs }, { action_id: button![1]!, value: button![2]! });
    const second = await stack.slack.waitFor(() => stack!.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts && c.args.thread_ts !== first.threadTs));
    expect(JSON.stringify(second.args.blocks)).toContain('Probe finished.');
    expect(roots(stack)).toHaveLength(2);
  });

  it('gives the reservation back when the thread cannot be opened, so the command works once the bot is invited', async () => {
    stack = await startStack({ diagnostics: [probe], workers: false });
    stack.slack.notInChannel.add('C0PRIVATE');
    const refused = await stack.sendCommand('probe ok', { channel: 'C0PRIVATE' });
    const invite = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(refused.responseUrl).pathname));
    expect(String(invite.body.text)).toContain('/invite @infdbg');

    stack.slack.notInChannel.delete('C0PRIVATE');
    await stack.sendCommand('probe ok', { channel: 'C0PRIVATE' });
    await stack.slack.waitFor(() => roots(stack!, 'C0PRIVATE').length === 1);
  });

  it('gives the reservation back when the flow cannot be enqueued: the same command is refused for its own reason again, not as a duplicate', async () => {
    stack = await startStack({ diagnostics: [probe], workers: false });
    for (const attempt of [1, 2]) {
      const res = await stack.sendCommand('probe unroutable');
      const reply = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(res.responseUrl).pathname));
      expect(String(reply.body.text)).toBe(':x: no node runs that pod');
      expect(roots(stack)).toHaveLength(attempt);
    }
    expect(await stack.redisKeys()).toEqual([]);
  });
});

describe('RequestReservations', () => {
  it('releases or updates a reservation only while it is still its own', async () => {
    const redis = new Redis(REDIS_URL);
    const prefix = `infdbg-test-${Math.random().toString(16).slice(2, 10)}`;
    try {
      const reservations = new RequestReservations(redis, prefix, 60_000);
      expect(await reservations.reserve('k', { requestId: 'r1', channel: 'C1' })).toEqual({ reserved: true });
      expect(await reservations.reserve('k', { requestId: 'r2', channel: 'C1' })).toEqual({ reserved: false, existing: { requestId: 'r1', channel: 'C1' } });
      // r2 is not the holder: neither its thread nor its release touches r1's reservation.
      await reservations.threadOpened('k', { requestId: 'r2', channel: 'C1', threadTs: '2.2' });
      await reservations.release('k', 'r2');
      expect(await reservations.get('k')).toEqual({ requestId: 'r1', channel: 'C1' });
      await reservations.threadOpened('k', { requestId: 'r1', channel: 'C1', threadTs: '1.1' });
      expect(await reservations.get('k')).toEqual({ requestId: 'r1', channel: 'C1', threadTs: '1.1' });
      expect(await redis.pttl(`${prefix}:request:k`)).toBeGreaterThan(0); // the window still runs
      await reservations.release('k', 'r1');
      expect(await reservations.reserve('k', { requestId: 'r3', channel: 'C1' })).toEqual({ reserved: true });
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
