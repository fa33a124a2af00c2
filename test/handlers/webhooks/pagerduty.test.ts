// POST /webhooks/pagerduty through the real Bolt app and a real Redis, with deliveries recorded
// from PagerDuty and the signatures PagerDuty sent with them (fixtures/alerts/SOURCE.md).
import { afterEach, describe, expect, it } from 'vitest';
import { signPagerDutyBody } from '../../../src/alerts/pagerduty-signature.ts';
import { CLOSED_REDIS_URL, fixture, pagerDutyVectors, startIntakeBot, type IntakeBot } from '../../support/alert-intake.ts';

const [recorded, goLibrary] = pagerDutyVectors() as [ReturnType<typeof pagerDutyVectors>[number], ReturnType<typeof pagerDutyVectors>[number]];
const delivery = (eventType: string) => {
  const d = recorded.deliveries.find((x) => x.eventType === eventType)!;
  return { body: fixture(d.file), signature: d.signature };
};
/** A secret that was rotated out: no longer configured. */
const ROTATED_OUT = 'old-secret-that-was-rotated-out-0123456789';

let bot: IntakeBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function expectNothingStored(b: IntakeBot) {
  expect(await b.alertJobs()).toHaveLength(0);
  expect(await b.redisKeys()).toEqual([]);
}

describe('POST /webhooks/pagerduty', () => {
  it('stores a recorded incident.triggered once, as the AlertEvent the incidents read, and answers 202', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] } });
    const { body, signature } = delivery('incident.triggered');
    const res = await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature, 'x-webhook-id': 'wh-1' });
    expect(res.status).toBe(202);

    const jobs = await bot.alertJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.name).toBe('alert');
    expect(jobs[0]!.id).toBe((res.body as { jobId: string }).jobId);
    expect(jobs[0]!.data).toMatchObject({
      source: 'pagerduty',
      eventId: '01FKZSRAPTMF55RE69G8BQHGC6',
      incidentKey: 'pd:Q2CKYRLH85UNN4',
      transition: 'firing',
      title: 'Test',
      actor: 'Ben',
      pagerduty: { incidentId: 'Q2CKYRLH85UNN4', incidentNumber: 37, service: 'Webhook Tester', serviceId: 'PNE3JZM', urgency: 'low', eventType: 'incident.triggered' },
    });
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="pagerduty",outcome="accepted"} 1');
  });

  it('a retried delivery (same event, same X-Webhook-Id) answers 200 and stores nothing more', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] } });
    const { body, signature } = delivery('incident.acknowledged');
    const first = await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature, 'x-webhook-id': 'wh-2' });
    const retry = await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature, 'x-webhook-id': 'wh-2' });
    expect([first.status, retry.status]).toEqual([202, 200]);
    expect(retry.body).toMatchObject({ duplicate: true });
    const jobs = await bot.alertJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data.transition).toBe('acknowledged');
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="pagerduty",outcome="duplicate"} 1');
  });

  it('a late retry is still absorbed after the job itself is gone (removed on completion)', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] } });
    const { body, signature } = delivery('incident.resolved');
    expect((await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature })).status).toBe(202);
    for (const job of await bot.alertJobs()) await job.remove();
    expect((await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature })).status).toBe(200);
    expect(await bot.alertJobs()).toHaveLength(0);
  });

  it('the lifecycle of one incident is four events on one incident key', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] } });
    for (const type of ['incident.triggered', 'incident.acknowledged', 'incident.resolved', 'incident.annotated']) {
      const { body, signature } = delivery(type);
      expect((await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature })).status).toBe(202);
    }
    const jobs = await bot.alertJobs();
    expect(new Set(jobs.map((j) => j.data.incidentKey))).toEqual(new Set(['pd:Q2CKYRLH85UNN4']));
    expect(jobs.map((j) => j.data.transition).sort()).toEqual(['acknowledged', 'annotated', 'firing', 'resolved']);
    expect(jobs.find((j) => j.data.transition === 'annotated')!.data.pagerduty?.note).toBe("Resolution Note: I'm resolving it");
  });

  it('refuses a forged signature (PagerDuty library vector), a missing one and a rotated-out secret with 401, storing nothing', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret, goLibrary.secret] } });
    const body = fixture(goLibrary.forged.file);
    expect((await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': goLibrary.forged.signature })).status).toBe(401);
    expect((await bot.post('/webhooks/pagerduty', fixture(recorded.forged.file), { 'x-pagerduty-signature': recorded.forged.signature })).status).toBe(401);
    expect((await bot.post('/webhooks/pagerduty', body)).status).toBe(401);
    expect((await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signPagerDutyBody(body, ROTATED_OUT) })).status).toBe(401);
    // A valid signature over other bytes: the body was altered on the way.
    const altered = Buffer.from(body.toString('utf8').replace('A little bump', 'A large bump'));
    expect((await bot.post('/webhooks/pagerduty', altered, { 'x-pagerduty-signature': goLibrary.deliveries[0]!.signature })).status).toBe(401);
    await expectNothingStored(bot);
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="pagerduty",outcome="unauthorized"} 5');
    expect(bot.logs.filter((l) => l.includes('invalid X-PagerDuty-Signature'))).toHaveLength(5);
    expect(bot.logs.join('\n')).not.toContain(recorded.secret);
  });

  it('during a rotation either secret verifies, and a header with both signatures is accepted', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [goLibrary.secret, recorded.secret] } });
    const go = goLibrary.deliveries[0]!;
    expect((await bot.post('/webhooks/pagerduty', fixture(go.file), { 'x-pagerduty-signature': go.signature })).status).toBe(202);
    const { body, signature } = delivery('incident.triggered');
    // PagerDuty signs with every secret of the subscription while it rotates: one stale, one current.
    const both = `${signPagerDutyBody(body, ROTATED_OUT)},${signature}`;
    expect((await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': both })).status).toBe(202);
    const jobs = await bot.alertJobs();
    expect(jobs.map((j) => j.data.pagerduty?.eventType).sort()).toEqual(['incident.priority_updated', 'incident.triggered']);
    expect(jobs.find((j) => j.data.pagerduty?.eventType === 'incident.priority_updated')!.data).toMatchObject({ transition: 'annotated', incidentKey: 'pd:PGR0VU2', pagerduty: { priority: 'P1', urgency: 'high' } });
  });

  it('refuses a signed body that is not a v3 event with 400 and stores nothing', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] } });
    const notJson = Buffer.from('{"event": ');
    const noEvent = Buffer.from('{"messages":[{"event":"incident.trigger"}]}'); // a v2 webhook
    for (const body of [notJson, noEvent]) {
      const res = await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signPagerDutyBody(body, recorded.secret) });
      expect(res.status).toBe(400);
    }
    const v2 = await bot.post('/webhooks/pagerduty', noEvent, { 'x-pagerduty-signature': signPagerDutyBody(noEvent, recorded.secret) });
    expect((v2.body as { error: string }).error).toMatch(/^event: /);
    await expectNothingStored(bot);
  });

  it("acknowledges PagerDuty's test ping with 200 and stores nothing", async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] } });
    const { body, signature } = delivery('pagey.ping');
    const res = await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature });
    expect(res.status).toBe(200);
    await expectNothingStored(bot);
  });

  it('refuses a body over the bound with 413 before anything else', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] } });
    const big = Buffer.from(JSON.stringify({ event: { id: 'x', pad: 'a'.repeat(1024 * 1024) } }));
    const res = await bot.post('/webhooks/pagerduty', big, { 'x-pagerduty-signature': signPagerDutyBody(big, recorded.secret) });
    expect(res.status).toBe(413);
    await expectNothingStored(bot);
  });

  it('is off (404) when no signing secret is configured, even for a correctly signed delivery', async () => {
    bot = await startIntakeBot({ secrets: {} });
    const { body, signature } = delivery('incident.triggered');
    expect((await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature })).status).toBe(404);
    await expectNothingStored(bot);
  });

  it('answers 503 while Redis is down, so PagerDuty retries', async () => {
    bot = await startIntakeBot({ secrets: { pagerduty: [recorded.secret] }, redisUrl: CLOSED_REDIS_URL });
    const { body, signature } = delivery('incident.triggered');
    const res = await bot.post('/webhooks/pagerduty', body, { 'x-pagerduty-signature': signature });
    expect(res.status).toBe(503);
    expect(await bot.metrics()).toContain('infdbg_webhooks_total{source="pagerduty",outcome="redis_down"} 1');
  });
});
