// Incidents against the other services, through their local stand-ins (wire formats of the
// real APIs): a truncated Alertmanager group read from /api/v2/alerts, a resolve that never came
// closed by reconciliation (two replicas reconciling at once apply it once), PagerDuty write-back
// (the report as one incident note, Acknowledge/Resolve in the parent), and parent edits held to
// the chat.update budget shared by every incident.
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import type { AlertEvent } from '../../src/alerts/alert-event.ts';
import { AlertmanagerApi } from '../../src/alerts/alertmanager-api.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { incidentId } from '../../src/incidents/incident.ts';
import { IncidentStore } from '../../src/incidents/incident-store.ts';
import { webClientSlack, type IncidentSlack } from '../../src/incidents/incident-slack.ts';
import { INCIDENT_QUEUE, IncidentProcessor, type IncidentProcessorOptions } from '../../src/incidents/process-alert.ts';
import { startReconciler } from '../../src/incidents/reconcile.ts';
import { pagerDutyClientFromConfig } from '../../src/pagerduty/rest-client.ts';
import { FlowEnqueuer } from '../../src/queue/flow.ts';
import { JobStore } from '../../src/queue/job-store.ts';
import { ALERT_JOB, ALERT_QUEUE } from '../../src/queue/names.ts';
import { PAGERDUTY_ACKNOWLEDGE_ACTION_ID } from '../../src/pagerduty/incident-buttons.ts';
import { startAlertmanagerApiStandIn, type GettableAlert } from '../support/alertmanager-api-stand-in.ts';
import { startPagerDutyApiStandIn } from '../support/pagerduty-api-stand-in.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { CHANNEL, alertEvent, decisionFor, member, quickHealth, waitIdle } from './support.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function gettable(fingerprint: string, service = 'ranker'): GettableAlert {
  const now = new Date().toISOString();
  return {
    fingerprint,
    labels: { alertname: 'ModelErrorRateHigh', namespace: 'ml', service, pod: fingerprint },
    annotations: { summary: 'error rate above 5 %' },
    receivers: [{ name: 'ml-oncall' }],
    startsAt: now,
    updatedAt: now,
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    status: { state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] },
  };
}

/** A stack whose workers process incidents, plus a processor of our own on the same Redis (another replica) for direct calls. */
async function setup(incidents: { alertmanager?: AlertmanagerApi; pagerduty?: NonNullable<ReturnType<typeof pagerDutyClientFromConfig>> } = {}, workers = true) {
  const stack: Stack = await startStack({ diagnostics: [quickHealth], workers, incidents: { triage: decisionFor, defaultChannel: CHANNEL, joinWindowMs: 600_000, editIntervalMs: 200, ...incidents } });
  cleanup.push(() => stack.close());
  const { connection, prefix } = stack;
  const alerts = new Queue(ALERT_QUEUE, { connection, prefix });
  const followUps = new Queue(INCIDENT_QUEUE, { connection, prefix });
  const store = new IncidentStore(connection, prefix);
  const enqueuer = new FlowEnqueuer(connection, prefix);
  const jobs = new JobStore(connection, prefix);
  cleanup.push(() => Promise.all([alerts.close(), followUps.close(), store.close(), enqueuer.close(), jobs.close()]));
  const slack = webClientSlack(new webApi.WebClient('xoxb-test-token', { slackApiUrl: stack.slack.apiUrl }));
  const replica = (extra: Partial<IncidentProcessorOptions> = {}) =>
    new IncidentProcessor({ store, slack, triage: decisionFor, diagnostics: [quickHealth], enqueuer, jobs, followUps, defaultChannel: CHANNEL, joinWindowMs: 600_000, editIntervalMs: 200, now: () => Date.now(), logger: silentLogger, ...incidents, ...extra });
  const send = (events: AlertEvent[]) =>
    alerts.addBulk(events.map((e) => ({ name: ALERT_JOB, data: e, opts: { jobId: `alert-${createHash('sha256').update(e.eventId).digest('hex').slice(0, 24)}`, attempts: 3 } })));
  const replies = (ts: string) => stack.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts).map((c) => String(c.args.text));
  const lastParent = (ts: string) => JSON.stringify(stack.slack.callsTo('chat.update').filter((c) => c.args.ts === ts).pop()?.args.blocks ?? '');
  return { stack, store, send, replica, replies, lastParent, idle: () => waitIdle(connection, prefix), slack };
}

describe('incidents and Alertmanager', () => {
  it('a truncated notification: the alerts it left out are read from Alertmanager and counted', async () => {
    const am = await startAlertmanagerApiStandIn({ alerts: ['f1', 'f2', 'f3', 'f4', 'f5'].map((f) => gettable(f)).concat(gettable('other', 'embedder')) });
    cleanup.push(() => am.close());
    const t = await setup({ alertmanager: new AlertmanagerApi({ baseUrl: am.url, fetch }) });
    await t.send([alertEvent('ranker', [member('f1', 'firing'), member('f2', 'firing')], { truncatedAlerts: 3, incidentKey: 'am:ml-oncall:{}:{alertname="ModelErrorRateHigh", service="ranker"}' })]);
    await t.idle();

    const inc = (await t.store.get(incidentId('am:ml-oncall:{}:{alertname="ModelErrorRateHigh", service="ranker"}')))!;
    expect(Object.keys(inc.members).sort()).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);
    expect(am.calls[0]!.query.getAll('filter').sort()).toEqual(['alertname="ModelErrorRateHigh"', 'service="ranker"']);
    expect(am.calls[0]!.query.get('receiver')).toBe('ml-oncall');
    const parent = t.lastParent(inc.thread.parentTs!);
    expect(parent).toContain('5 alerts (5 firing)');
    expect(parent).toContain('left 3 alerts out of its last notification (truncatedAlerts); 3 alerts of the group read from Alertmanager');
  }, 60_000);

  it('a resolve that never arrived: reconciliation closes the thread, once, with two replicas reconciling at once', async () => {
    const am = await startAlertmanagerApiStandIn({ alerts: [gettable('f1'), gettable('f2')] });
    cleanup.push(() => am.close());
    const api = new AlertmanagerApi({ baseUrl: am.url, fetch });
    const t = await setup();
    await t.send([alertEvent('ranker', [member('f1', 'firing'), member('f2', 'firing')])]);
    await t.idle();
    const key = alertEvent('ranker', []).incidentKey;

    am.alerts.splice(0); // both alerts resolved; the notification was lost
    const replicas = [t.replica(), t.replica()];
    const reconcilers = replicas.map((p) => startReconciler({ listOpen: () => p.openIncidents(), apply: (tr) => p.applyReconcile(tr), alertmanager: api, intervalMs: 3_600_000, logger: silentLogger }));
    const rounds = await Promise.all(reconcilers.map((r) => r.runOnce()));
    await Promise.all(reconcilers.map((r) => r.stop()));
    expect(rounds.map((r) => r.errors)).toEqual([[], []]);
    await t.idle();

    const inc = (await t.store.get(incidentId(key)))!;
    expect(inc.status).toBe('resolved');
    expect(await t.store.listOpen()).toEqual([]);
    const thread = t.replies(inc.thread.parentTs!);
    expect(thread.filter((x) => x.startsWith(':white_check_mark: Resolved'))).toHaveLength(1);
    expect(thread.filter((x) => x.startsWith(':arrows_counterclockwise: Reconciled: resolved: all 2 alerts are gone'))).toHaveLength(1);
    expect(thread.filter((x) => x.includes('Incident summary'))).toHaveLength(1);
    expect(t.lastParent(inc.thread.parentTs!)).toContain('RESOLVED');
  }, 60_000);
});

describe('incidents and PagerDuty', () => {
  it('write-back on: Acknowledge/Resolve in the parent, the report added once as an incident note', async () => {
    const pd = await startPagerDutyApiStandIn({ token: 'pd-test-token', users: { 'oncall@example.com': 'On Call' } });
    cleanup.push(() => pd.close());
    pd.addIncident('Q1ABCDEF', { status: 'triggered', title: 'Ranker error rate', number: 42 });
    const client = pagerDutyClientFromConfig({ PAGERDUTY_API_TOKEN: 'pd-test-token', PAGERDUTY_API_URL: pd.url, PAGERDUTY_FROM_EMAIL: 'oncall@example.com' }, { fetch })!;
    const t = await setup({ pagerduty: client });
    const event: AlertEvent = {
      ...alertEvent('ranker', [member('Q1ABCDEF', 'firing')]),
      source: 'pagerduty',
      eventId: '01DEN2G6PD5KVZ1X4D8YQ3KQ4S',
      incidentKey: 'pd:Q1ABCDEF',
      title: 'Ranker error rate',
      pagerduty: { incidentId: 'Q1ABCDEF', incidentNumber: 42, title: 'Ranker error rate', htmlUrl: 'https://acme.pagerduty.com/incidents/Q1ABCDEF' },
    };
    await t.send([event, { ...event, eventId: 'a-retried-delivery' }]);
    await t.idle();

    const inc = (await t.store.get(incidentId('pd:Q1ABCDEF')))!;
    expect(t.lastParent(inc.thread.parentTs!)).toContain(PAGERDUTY_ACKNOWLEDGE_ACTION_ID);
    const notes = pd.notes.get('Q1ABCDEF') ?? [];
    expect(notes).toHaveLength(1);
    expect(JSON.stringify(notes[0])).toContain('Top cause: GPU out of memory');
  }, 60_000);
});

describe('parent edits', () => {
  it('stay within the chat.update budget shared by every incident; the rest wait for the next window', async () => {
    const t = await setup({}, false);
    const calls: number[] = [];
    const counting: IncidentSlack = {
      ...t.slack,
      update: (m) => {
        calls.push(Date.now());
        return t.slack.update(m);
      },
    };
    // A replica of our own with a budget of 3 edits a minute, taking the events directly.
    const p = t.replica({ slack: counting, editBudget: { calls: 3, windowMs: 60_000 } });
    const groups = Array.from({ length: 6 }, (_, n) => `svc-${n}`);
    for (const g of groups) await p.handleEvent(alertEvent(g, [member(`${g}-a`, 'firing')]));
    for (const g of groups) await p.handleEvent(alertEvent(g, [member(`${g}-a`, 'firing'), member(`${g}-b`, 'firing')]));

    const perWindow = new Map<number, number>();
    for (const c of calls) perWindow.set(Math.floor(c / 60_000), (perWindow.get(Math.floor(c / 60_000)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(3);
    // Every incident whose parent is behind has an edit waiting: one per incident, not one per change.
    const followUps = new Queue(INCIDENT_QUEUE, { connection: t.stack.connection, prefix: t.stack.prefix });
    const edits = (await followUps.getDelayed()).filter((j) => j.name === 'edit');
    await followUps.close();
    const waiting = new Set(edits.map((j) => (j.data as { incidentId: string }).incidentId));
    expect(waiting.size).toBeGreaterThanOrEqual(groups.length - calls.length);
    expect(edits.length).toBeLessThanOrEqual(groups.length * 2);
  }, 60_000);
});

describe('a post whose answer was lost', () => {
  it('is found again by its metadata on the retry instead of posted twice; one that never reached Slack is posted', async () => {
    const t = await setup({}, false);
    let lose = 2;
    const flaky: IncidentSlack = {
      ...t.slack,
      async post(m) {
        const ts = await t.slack.post(m);
        // The first parent and the first triage reply reach Slack, but their answers are lost (a reset connection, a crash).
        if (lose > 0 && ((!m.threadTs && lose === 2) || (m.threadTs && lose === 1))) {
          lose--;
          throw new Error('socket hang up');
        }
        return ts;
      },
    };
    const p = t.replica({ slack: flaky });
    const event = alertEvent('ranker', [member('a', 'firing')]);
    await expect(p.handleEvent(event)).rejects.toThrow('socket hang up');
    await expect(p.handleEvent(event)).rejects.toThrow('socket hang up'); // the retry: the triage reply's answer is lost this time
    await p.handleEvent(event);
    const parents = t.stack.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts);
    expect(parents).toHaveLength(1);
    const inc = (await t.store.get(incidentId(event.incidentKey)))!;
    expect(t.replies(inc.thread.parentTs!).filter((x) => x.startsWith('Triage:'))).toHaveLength(1);

    // A call that failed before Slack saw it: nothing to find, so the retry posts it.
    const down: IncidentSlack = { ...t.slack, post: () => Promise.reject(new Error('connect ECONNREFUSED')) };
    const other = alertEvent('embedder', [member('b', 'firing')]);
    await expect(t.replica({ slack: down }).handleEvent(other)).rejects.toThrow('ECONNREFUSED');
    await p.handleEvent(other);
    expect(t.stack.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(2);
  }, 60_000);
});

describe('a channel that refuses the bot', () => {
  it('the thread opens in INCIDENT_CHANNEL instead, saying where it could not post', async () => {
    const t = await setup({}, false);
    t.stack.slack.notInChannel.add('C0TEAMML');
    const p = t.replica({ triage: (e) => ({ ...decisionFor(e), channel: 'C0TEAMML' }) });
    const event = alertEvent('ranker', [member('a', 'firing')]);
    await p.handleEvent(event);
    const inc = (await t.store.get(incidentId(event.incidentKey)))!;
    expect(inc.thread.channel).toBe(CHANNEL);
    const parents = t.stack.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts);
    expect(parents.map((c) => c.args.channel)).toEqual(['C0TEAMML', CHANNEL]); // refused, then the default
    expect(t.stack.slack.transcript(CHANNEL, inc.thread.parentTs!)).toContain('Could not post in <#C0TEAMML>');
    expect(t.replies(inc.thread.parentTs!).filter((x) => x.startsWith('Triage:'))).toHaveLength(1);
  }, 60_000);
});

describe('a run whose report never comes', () => {
  it('is said in the thread at its deadline, and the parent stops calling it running', async () => {
    const t = await setup({}, false); // no workers: the investigation's jobs never run
    const p = t.replica({ runDeadlineMs: 200 });
    const event = alertEvent('ranker', [member('a', 'firing')]);
    await p.handleEvent(event);
    const id = incidentId(event.incidentKey);
    const followUps = new Queue(INCIDENT_QUEUE, { connection: t.stack.connection, prefix: t.stack.prefix });
    const watch = await followUps.getJob(`watch-${id}-1`);
    await followUps.close();
    expect(watch?.opts.delay).toBe(200);
    await p.process(watch!); // what a worker does once the delay is over
    const inc = (await t.store.get(id))!;
    expect(inc.runs[0]!.error).toMatch(/^no report 0 min after it started \(report job waiting-children\)/);
    expect(t.replies(inc.thread.parentTs!).filter((x) => x.startsWith(':hourglass: Investigation 1 has no report'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 250)); // the edit gate's interval (no worker runs the delayed edit here)
    await p.requestEdit(id);
    expect(t.lastParent(inc.thread.parentTs!)).toContain('investigation 1 failed: no report');
    await p.process(watch!); // twice: said once
    expect(t.replies(inc.thread.parentTs!).filter((x) => x.startsWith(':hourglass:'))).toHaveLength(1);
  }, 60_000);
});
