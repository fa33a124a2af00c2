// POST /webhooks/alertmanager through the real Bolt app and a real Redis, with notifications a
// real Alertmanager sent (fixtures/alerts/SOURCE.md); variants are derived from them in code.
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSED_REDIS_URL, fixture, startHungRedis, startIntakeBot, type IntakeBot } from '../../support/alert-intake.ts';

const TOKEN = 'am-webhook-token-0123456789abcdef';
const BASIC = 'alertmanager:s3cret-pass:with-colon';
const bearer = { authorization: `Bearer ${TOKEN}` };
const firing = fixture('alertmanager-firing.json');
const resolved = fixture('alertmanager-resolved.json');

/** The same notification as the other member of an HA pair sends it: identical group, its own externalURL. */
function fromOtherPeer(body: Buffer): Buffer {
  const n = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...n, externalURL: 'http://alertmanager-1.alertmanager-operated:9093' }));
}

let bot: IntakeBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function expectNothingStored(b: IntakeBot) {
  expect(await b.alertJobs()).toHaveLength(0);
  expect(await b.redisKeys()).toEqual([]);
}

describe('POST /webhooks/alertmanager', () => {
  it('stores a recorded firing notification once, as the AlertEvent the incidents read, and answers 202', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } } });
    const res = await bot.post('/webhooks/alertmanager', firing, bearer);
    expect(res.status).toBe(202);
    const jobs = await bot.alertJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.name).toBe('alert');
    expect(jobs[0]!.data).toMatchObject({
      source: 'alertmanager',
      incidentKey: 'am:web\\.hook:{}:{alertname="high-memory-usage"}',
      transition: 'firing',
      title: 'high-memory-usage: 127.0.0.1:8080 of job spring-creed-prometheus High Memory usage detected',
      labels: { alertname: 'high-memory-usage', instance: '127.0.0.1:8080' },
      truncatedAlerts: 0,
      externalUrl: 'http://10CNL5CG203849X:9093',
      members: [{ fingerprint: 'fa65a21db3335b7d', status: 'firing', startsAt: Date.parse('2022-11-02T08:12:16.003Z') }],
    });
    expect(jobs[0]!.data.members[0]!.endsAt).toBeUndefined();
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="alertmanager",outcome="accepted"} 1');
  });

  it("absorbs the HA peer's copy and a sender retry, even when they arrive at once: one job", async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } } });
    const answers = await Promise.all([firing, fromOtherPeer(firing), firing, fromOtherPeer(firing)].map((b) => bot!.post('/webhooks/alertmanager', b, bearer)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 202]);
    expect(await bot.alertJobs()).toHaveLength(1);
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="alertmanager",outcome="duplicate"} 3');
  });

  it('the resolve of the same alert is a second event on the same incident key', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } } });
    expect((await bot.post('/webhooks/alertmanager', firing, bearer)).status).toBe(202);
    expect((await bot.post('/webhooks/alertmanager', resolved, bearer)).status).toBe(202);
    expect((await bot.post('/webhooks/alertmanager', fromOtherPeer(resolved), bearer)).status).toBe(200);
    const jobs = await bot.alertJobs();
    expect(jobs).toHaveLength(2);
    expect(new Set(jobs.map((j) => j.data.incidentKey)).size).toBe(1);
    const resolve = jobs.find((j) => j.data.transition === 'resolved')!;
    expect(resolve.data.members[0]).toMatchObject({ status: 'resolved', endsAt: Date.parse('2022-11-02T08:12:31.003Z') });
  });

  it('keeps what a truncated group says: truncatedAlerts and the externalURL to fetch the rest', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } } });
    // As Alertmanager sends it with `max_alerts: 1` on a group of 8.
    const truncated = Buffer.from(JSON.stringify({ ...JSON.parse(firing.toString('utf8')), truncatedAlerts: 7 }));
    expect((await bot.post('/webhooks/alertmanager', truncated, bearer)).status).toBe(202);
    expect((await bot.alertJobs())[0]!.data).toMatchObject({ truncatedAlerts: 7, externalUrl: 'http://10CNL5CG203849X:9093' });
  });

  it('accepts basic credentials as basic_auth sends them, and either form when both are configured', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN, basic: BASIC } } });
    const basic = { authorization: 'Basic ' + Buffer.from(BASIC).toString('base64') };
    expect((await bot.post('/webhooks/alertmanager', firing, basic)).status).toBe(202);
    expect((await bot.post('/webhooks/alertmanager', resolved, bearer)).status).toBe(202);
  });

  it('refuses missing, wrong and wrong-scheme credentials with 401, storing nothing', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } } });
    const refusals: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-the-token-0123456789' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: 'Basic ' + Buffer.from(`user:${TOKEN}`).toString('base64') }, // basic is not configured
      { authorization: TOKEN },
    ];
    for (const headers of refusals) {
      const res = await bot.post('/webhooks/alertmanager', firing, headers);
      expect(res.status).toBe(401);
    }
    await expectNothingStored(bot);
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="alertmanager",outcome="unauthorized"} 5');
  });

  it('refuses malformed JSON and bodies that fail the schema with 400 and the reason, storing nothing', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } } });
    const n = JSON.parse(firing.toString('utf8')) as Record<string, unknown>;
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('{"receiver":"web.hook",'), /not JSON/],
      [Buffer.from(JSON.stringify({ ...n, version: '3' })), /^version: /],
      [Buffer.from(JSON.stringify({ ...n, groupKey: undefined })), /^groupKey: /],
      [Buffer.from(JSON.stringify({ ...n, alerts: [] })), /^alerts: /],
      [Buffer.from(JSON.stringify({ ...n, alerts: [{ status: 'pending', labels: {}, startsAt: 'yesterday', fingerprint: 'x' }] })), /alerts\.0\.status: .*alerts\.0\.startsAt: /],
    ];
    for (const [body, reason] of cases) {
      const res = await bot.post('/webhooks/alertmanager', body, bearer);
      expect(res.status).toBe(400);
      expect((res.body as { error: string }).error).toMatch(reason);
    }
    await expectNothingStored(bot);
    // Each refusal is one log line with the reason; the credentials never reach the log.
    const refusals = bot.logs.filter((l) => l.includes('not an Alertmanager version 4 notification'));
    expect(refusals).toHaveLength(cases.length);
    expect(JSON.parse(refusals[1]!)).toMatchObject({ level: 'warn', source: 'alertmanager', reason: expect.stringMatching(/^version: /) });
    expect(bot.logs.join('\n')).not.toContain(TOKEN);
  });

  it('refuses a body over the bound with 413, storing nothing', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } } });
    const n = JSON.parse(firing.toString('utf8')) as { commonAnnotations: Record<string, string> };
    const big = Buffer.from(JSON.stringify({ ...n, commonAnnotations: { description: 'x'.repeat(1024 * 1024) } }));
    expect((await bot.post('/webhooks/alertmanager', big, bearer)).status).toBe(413);
    await expectNothingStored(bot);
  });

  it('is off (404) without a token or basic credentials, whatever the request carries', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: ['only-pagerduty-is-configured'] } });
    expect((await bot.post('/webhooks/alertmanager', firing, bearer)).status).toBe(404);
    expect((await bot.post('/webhooks/alertmanager', firing)).status).toBe(404);
    await expectNothingStored(bot);
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="alertmanager",outcome="off"} 2');
  });

  it('answers 503 while Redis is down, so Alertmanager retries', async () => {
    bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } }, redisUrl: CLOSED_REDIS_URL });
    expect((await bot.post('/webhooks/alertmanager', firing, bearer)).status).toBe(503);
  });

  it('answers 503 within its deadline when Redis accepts the connection but never answers', async () => {
    const hung = await startHungRedis();
    try {
      bot = await startIntakeBot({ secrets: { alertmanager: { token: TOKEN } }, redisUrl: hung.url });
      const res = await bot.post('/webhooks/alertmanager', firing, bearer);
      expect(res.status).toBe(503);
      expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="alertmanager",outcome="redis_down"} 1');
    } finally {
      await bot?.close();
      bot = undefined;
      await hung.close();
    }
  });
});
