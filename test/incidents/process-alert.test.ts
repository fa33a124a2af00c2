// The incident processor through a real Redis, real BullMQ workers (two replicas), the real Bolt
// receiver (for the Re-investigate button) and the Slack API stand-in: one thread per incident
// under a storm, resolve edits the parent and posts the summary, duplicate event jobs do not
// double any post, the join window, escalation and the button re-run the investigation.
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-event.ts';
import { incidentId, type Incident } from '../../src/incidents/incident.ts';
import { REINVESTIGATE_ACTION_ID } from '../../src/incidents/incident-message.ts';
import { IncidentStore } from '../../src/incidents/incident-store.ts';
import { INCIDENT_QUEUE, runbookStepsJob } from '../../src/incidents/process-alert.ts';
import { ALERT_JOB, ALERT_QUEUE, REPORT_QUEUE } from '../../src/queue/names.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { CHANNEL, alertEvent, decisionFor, member, quickHealth, waitIdle } from './support.ts';

const open: Array<{ stack: Stack; close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.close();
    await o.stack.close();
  }
});

async function incidentStack(joinWindowMs = 600_000, replicas = 2) {
  const stack = await startStack({
    diagnostics: [quickHealth],
    workers: false,
    incidents: { triage: decisionFor, defaultChannel: CHANNEL, joinWindowMs, editIntervalMs: 200, concurrency: 6 },
  });
  for (let r = 0; r < replicas; r++) await stack.startWorkers();
  const alerts = new Queue(ALERT_QUEUE, { connection: stack.connection, prefix: stack.prefix });
  const reports = new Queue(REPORT_QUEUE, { connection: stack.connection, prefix: stack.prefix });
  const store = new IncidentStore(stack.connection, stack.prefix);
  open.push({ stack, close: async () => void (await Promise.all([alerts.close(), reports.close(), store.close()])) });
  /** Adds events as the intake does: job id from the event's idempotency key (or `jobId` to force a duplicate job). */
  const send = (events: AlertEvent[], jobId?: (e: AlertEvent, i: number) => string) =>
    alerts.addBulk(
      events.map((e, i) => ({
        name: ALERT_JOB,
        data: e,
        opts: { jobId: jobId?.(e, i) ?? `alert-${createHash('sha256').update(e.eventId).digest('hex').slice(0, 24)}`, attempts: 5, backoff: { type: 'exponential', delay: 200 } },
      })),
    );
  const idle = () => waitIdle(stack.connection, stack.prefix);
  const parents = () => stack.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL && !c.args.thread_ts);
  const replies = (threadTs: string) => stack.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === threadTs).map((c) => String(c.args.text));
  /** The parent as it reads now: the text and blocks of its latest edit, or of its post. */
  const parent = (ts: string) => {
    const edit = stack.slack.callsTo('chat.update').filter((c) => c.args.ts === ts).pop();
    const post = stack.slack.callsTo('chat.postMessage').find((c) => !c.args.thread_ts && stack.slack.transcript(CHANNEL, ts) && (c.args.metadata as { event_payload?: { incident_id?: string } } | undefined)?.event_payload?.incident_id === idOfTs.get(ts));
    const last = edit ?? post;
    return { text: String(last?.args.text ?? ''), blocks: JSON.stringify(last?.args.blocks ?? []), shown: stack.slack.transcript(CHANNEL, ts).split('\n')[1] ?? '' };
  };
  const idOfTs = new Map<string, string>();
  const incidentOf = async (group: string): Promise<Incident> => {
    const inc = (await store.get(incidentId(alertEvent(group, []).incidentKey)))!;
    if (inc.thread.parentTs) idOfTs.set(inc.thread.parentTs, incidentId(inc.incidentKey));
    return inc;
  };
  const completedReports = async () => (await reports.getJobCounts('completed')).completed;
  return { stack, send, idle, incident: incidentOf, parents, replies, parent, completedReports, store };
}

describe('incident threads', () => {
  it('a storm of 3 groups × 30 alerts, two worker replicas: one thread per group, every alert counted, one investigation each', async () => {
    const t = await incidentStack();
    const groups = ['ranker', 'embedder', 'reranker'];
    const events = groups.flatMap((g) => Array.from({ length: 30 }, (_, i) => alertEvent(g, [member(`${g}-${i}`, 'firing')])));
    // Interleaved, all at once: both replicas take them concurrently.
    events.sort((a, b) => (a.eventId.length * 7 + a.eventId.charCodeAt(a.eventId.length - 2)) % 11 - (b.eventId.length * 7 + b.eventId.charCodeAt(b.eventId.length - 2)) % 11);
    await t.send(events);
    await t.idle();

    expect(t.parents()).toHaveLength(3);
    expect(await t.completedReports()).toBe(3);
    for (const g of groups) {
      const inc = await t.incident(g);
      expect(Object.keys(inc.members)).toHaveLength(30);
      expect(inc.runs).toHaveLength(1);
      expect(inc.runs[0]!.joined).toBe(29);
      const ts = inc.thread.parentTs!;
      const now = t.parent(ts);
      expect(now.text).toContain(`FIRING: ModelErrorRateHigh ${g}`);
      expect(now.blocks).toContain('30 alerts (30 firing)');
      expect(now.blocks).toContain('steps 0/0');
      // The triage reply, the run's status reply and the report: once each.
      const thread = t.replies(ts);
      expect(thread.filter((x) => x.startsWith('Triage: runbook'))).toHaveLength(1);
      expect(thread.filter((x) => x.includes('Investigation 1 queued'))).toHaveLength(1);
      expect(t.stack.slack.transcript(CHANNEL, ts)).toMatch(/GPU out of memory/);
      // Edits are coalesced: far fewer than one per alert.
      const edits = t.stack.slack.callsTo('chat.update').filter((c) => c.args.ts === ts).length;
      expect(edits).toBeGreaterThan(0);
      expect(edits).toBeLessThan(30);
    }
  }, 60_000);

  it('resolve edits the parent in place (status, who, duration) and posts the summary with its Markdown file', async () => {
    const t = await incidentStack();
    const fps = ['a', 'b', 'c'];
    await t.send(fps.map((f) => alertEvent('ranker', [member(f, 'firing')])));
    await t.idle();
    // Resolved 1 h 02 min 03 s after the alerts started.
    const started = (await t.incident('ranker')).openedAt;
    expect(started).toBe(Math.min(...fps.map((f) => member(f, 'firing').startsAt)));
    await t.send([alertEvent('ranker', fps.map((f) => member(f, 'resolved')), { receivedAt: started + 3_723_000 })]);
    await t.idle();

    const inc = await t.incident('ranker');
    expect(inc.status).toBe('resolved');
    expect(t.parents()).toHaveLength(1);
    const now = t.parent(inc.thread.parentTs!);
    expect(now.text).toContain('RESOLVED: ModelErrorRateHigh ranker');
    expect(now.blocks).toContain('resolved after 1h 02m');
    expect(now.blocks).not.toContain(REINVESTIGATE_ACTION_ID);
    const thread = t.replies(inc.thread.parentTs!);
    expect(thread.filter((x) => x.startsWith(':white_check_mark: Resolved after 1h 02m'))).toHaveLength(1);
    const summary = thread.filter((x) => x.includes('Incident summary'));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(/Top hypothesis:\* GPU out of memory/);
    const file = t.stack.slack.uploads.find((u) => u.threadTs === inc.thread.parentTs && u.filename.endsWith('-summary-1.md'));
    const md = file!.bytes.toString('utf8');
    for (const section of ['## Impact', '## Start and end', '## Timeline', '## Top hypothesis', '## Fix', '## Verification', '## Prevention']) expect(md).toContain(section);
    expect(md).toMatch(/fired: ModelErrorRateHigh ranker: error rate above 5 % \(1 alert\)/);
    expect(md).toMatch(/investigated: investigation 1 started/);
    expect(md).toMatch(/findings: investigation 1 reported: top cause GPU out of memory/);
    expect(md).toMatch(/resolved: every alert of the group resolved/);
    expect(md).toContain('3 alerts (ModelErrorRateHigh ×3) on namespace=ml, service=ranker');
  }, 60_000);

  it('a resolve for an incident the bot never saw fire opens no thread; the next firing alert of that group opens one', async () => {
    const t = await incidentStack();
    await t.send([alertEvent('scorer', [member('a', 'resolved'), member('b', 'resolved')])]);
    await t.idle();
    expect(t.parents()).toHaveLength(0);
    expect(await t.store.get(incidentId(alertEvent('scorer', []).incidentKey))).toBeNull();
    await t.send([alertEvent('scorer', [member('c', 'firing')])]);
    await t.idle();
    expect(t.parents()).toHaveLength(1);
    expect((await t.incident('scorer')).status).not.toBe('resolved');
  }, 60_000);

  it('duplicate event jobs (a retried webhook under another job id, the same job id twice) post nothing twice', async () => {
    const t = await incidentStack();
    const first = alertEvent('ranker', [member('a', 'firing')]);
    const resolved = alertEvent('ranker', [member('a', 'resolved')]);
    await t.send([first, first, first], (_, i) => `dup-fire-${i % 2}`);
    await t.idle();
    await t.send([resolved, resolved], (_, i) => `dup-resolve-${i}`);
    await t.idle();

    expect(t.parents()).toHaveLength(1);
    expect(await t.completedReports()).toBe(1);
    const inc = await t.incident('ranker');
    expect(inc.events).toBe(2);
    const thread = t.replies(inc.thread.parentTs!);
    expect(thread.filter((x) => x.startsWith('Triage:'))).toHaveLength(1);
    expect(thread.filter((x) => x.startsWith(':white_check_mark: Resolved'))).toHaveLength(1);
    expect(thread.filter((x) => x.includes('Incident summary'))).toHaveLength(1);
    expect(t.stack.slack.uploads.filter((u) => u.threadTs === inc.thread.parentTs)).toHaveLength(1);
  }, 60_000);

  it('within the join window a new alert joins the running investigation; after it, a new alert starts another', async () => {
    const inWindow = await incidentStack(600_000, 1);
    await inWindow.send([alertEvent('ranker', [member('a', 'firing')])]);
    await inWindow.idle();
    await inWindow.send([alertEvent('ranker', [member('a', 'firing'), member('b', 'firing')])]);
    await inWindow.idle();
    const joined = await inWindow.incident('ranker');
    expect(joined.runs).toHaveLength(1);
    expect(joined.runs[0]!.joined).toBe(1);
    expect(inWindow.parent(joined.thread.parentTs!).blocks).toContain('1 alert joined it');
    expect(await inWindow.completedReports()).toBe(1);

    const noWindow = await incidentStack(0, 1);
    await noWindow.send([alertEvent('ranker', [member('a', 'firing')])]);
    await noWindow.idle();
    await noWindow.send([alertEvent('ranker', [member('a', 'firing'), member('b', 'firing')])]);
    await noWindow.idle();
    const rerun = await noWindow.incident('ranker');
    expect(rerun.runs.map((r) => r.reason)).toEqual(['opened', 'new alerts after the join window']);
    expect(await noWindow.completedReports()).toBe(2);
    expect(noWindow.parents()).toHaveLength(1);
  }, 60_000);

  it('the Re-investigate button (clicked twice) re-runs once; an escalation re-runs again', async () => {
    const t = await incidentStack();
    await t.send([alertEvent('ranker', [member('a', 'firing')])]);
    await t.idle();
    const inc = await t.incident('ranker');
    const ts = inc.thread.parentTs!;
    const button = JSON.parse(t.parent(ts).blocks).flatMap((b: { elements?: Array<{ action_id: string; value: string }> }) => b.elements ?? []).find((e: { action_id: string }) => e.action_id === REINVESTIGATE_ACTION_ID);
    expect(button.value).toBe(`${incidentId(inc.incidentKey)}:1`);
    const clicks = await Promise.all([t.stack.clickButton({ channel: CHANNEL, ts }, button, 'U0ALICE'), t.stack.clickButton({ channel: CHANNEL, ts }, button, 'U0BOB')]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await t.idle();
    expect(await t.completedReports()).toBe(2);
    expect(t.replies(ts).filter((x) => x.includes('asked to investigate again (run 2)'))).toHaveLength(1);
    await t.stack.slack.waitFor(() => t.stack.slack.ephemeral.filter((e) => String(e.body.text).includes('Re-investigation queued')).length === 2);

    await t.send([alertEvent('ranker', [member('a', 'firing')], { eventId: 'escalation-1', transition: 'escalated', actor: 'Dana Oncall' })]);
    await t.idle();
    const after = await t.incident('ranker');
    expect(after.runs.map((r) => r.reason)).toEqual(['opened', expect.stringContaining('re-investigation asked by <@U0'), 'escalated']);
    expect(await t.completedReports()).toBe(3);
    expect(t.replies(ts).filter((x) => x.startsWith(':arrow_double_up: Escalated by Dana Oncall'))).toHaveLength(1);
    // Each run's progress went to its own status reply; the parent was never overwritten by progress.
    expect(t.parent(ts).text).toContain('FIRING: ModelErrorRateHigh ranker');
    expect(t.stack.slack.callsTo('chat.update').filter((c) => c.args.ts === ts).every((c) => String(c.args.text).startsWith('FIRING:'))).toBe(true);
  }, 60_000);

  it('the runbook checklist sets the progress in the parent through a job; a late older change does not overwrite it', async () => {
    const t = await incidentStack();
    await t.send([alertEvent('ranker', [member('a', 'firing')])]);
    await t.idle();
    const inc = await t.incident('ranker');
    const followUps = new Queue(INCIDENT_QUEUE, { connection: t.stack.connection, prefix: t.stack.prefix });
    const now = Date.now();
    const newer = runbookStepsJob(inc.incidentKey, 3, 7, now);
    const older = runbookStepsJob(inc.incidentKey, 2, 7, now - 1000);
    await followUps.add(newer.name, newer.data, newer.opts);
    await t.idle();
    await followUps.add(older.name, older.data, older.opts);
    await t.idle();
    await followUps.close();
    expect(t.parent(inc.thread.parentTs!).blocks).toContain('steps 3/7');
    expect((await t.incident('ranker')).runbookSteps).toMatchObject({ done: 3, total: 7 });
  }, 60_000);
});

