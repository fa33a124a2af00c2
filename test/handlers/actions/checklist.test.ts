// Runbook checklists through the real Bolt receiver (signed slash commands and block_actions
// payloads), a real Redis, real BullMQ workers and the Slack API stand-in: /debug runbook opens a
// thread with the checklist; a click moves that step in the edited message and records who; Run
// puts the diagnostic's report in the same thread; two simultaneous clicks, one winner; a
// reminder fires for the step the thread waits on and is cancelled when that step moves; a user
// not allowed is refused; the prevention checklist comes once at the end; an incident's runbook
// gets its checklist and the parent shows "steps n/m".
import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentId } from '../../../src/incidents/incident.ts';
import { IncidentStore } from '../../../src/incidents/incident-store.ts';
import { ALERT_JOB, ALERT_QUEUE } from '../../../src/queue/names.ts';
import { parseStepButtonValue } from '../../../src/runbooks/checklist.ts';
import { CHECKLIST_QUEUE } from '../../../src/runbooks/checklist-service.ts';
import { ChecklistStore } from '../../../src/runbooks/checklist-store.ts';
import { runbookSchema, type LoadedRunbook } from '../../../src/runbooks/runbook-schema.ts';
import { loadRunbooks } from '../../../src/runbooks/load-runbooks.ts';
import { diagnostics } from '../../../jobs/registry.ts';
import { startStack, type Stack } from '../../support/stack.ts';
import { CHANNEL, alertEvent, decisionFor, member, quickHealth, waitIdle } from '../../incidents/support.ts';

const RUNBOOK: LoadedRunbook = {
  file: 'runbooks/checklist-test.yaml',
  ...runbookSchema.parse({
    name: 'checklist-test',
    title: 'Checklist test',
    category: 'memory',
    variables: { service: { from: ['labels.service'], default: 'ranker' }, url: { default: 'http://{{service}}.ml.svc:8080' } },
    reminders: { afterMinutes: 3, group: '@ml-oncall' },
    steps: [
      { id: 'service-health', kind: 'diagnostic', title: 'How is the service?', command: 'health {{url}}' },
      { id: 'look', kind: 'manual', title: 'Look at the logs', commands: ['kubectl -n ml logs deployment/{{service}} --since=30m'] },
      { id: 'which', kind: 'check', title: 'Which side?', question: 'Server or client?', answers: [{ id: 'server', label: 'Server', next: ['restart'] }, { id: 'client', label: 'Client', next: ['call-client'] }] },
      { id: 'restart', kind: 'manual', title: 'Restart the pods' },
      { id: 'call-client', kind: 'manual', title: 'Call the client team' },
      { id: 'free-gpu', kind: 'manual', title: 'Free the GPU', when: { topCause: { id: ['gpu-out-of-memory'] } } },
      { id: 'drain', kind: 'manual', title: 'Drain the node', allowed: { groups: ['@platform-oncall'] } },
    ],
    prevent: { tests: ['A load test at peak batch size on the GPU the model serves on.'], monitoring: ['GPU memory per pod on the dashboard.'] },
  }),
};

const open: Stack[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function checklistStack(minuteMs = 60_000, incidents = false, runbooks: readonly LoadedRunbook[] = [RUNBOOK], variables: Record<string, string> = { service: 'ranker', url: 'http://ranker.ml.svc:8080' }): Promise<Stack> {
  const stack = await startStack({
    diagnostics: [quickHealth],
    runbooks,
    checklistMinuteMs: minuteMs,
    ...(incidents ? { incidents: { triage: (e) => ({ ...decisionFor(e), runbook: 'checklist-test', runbookFile: RUNBOOK.file, variables }), defaultChannel: CHANNEL, joinWindowMs: 600_000, editIntervalMs: 100 } } : {}),
  });
  stack.slack.usergroups.set('S0MLONCALL', { handle: 'ml-oncall', name: 'ML on-call', users: ['U0ONCALL', 'U0SECOND'] });
  stack.slack.usergroups.set('S0PLATFORM', { handle: 'platform-oncall', name: 'Platform on-call', users: ['U0PLATFORM'] });
  open.push(stack);
  return stack;
}

type Button = { action_id: string; value: string; text: { text: string } };

/** The checklist message of the thread as it reads now (its latest edit, else its post). */
function checklistIn(stack: Stack, threadTs: string) {
  const posted = stack.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === threadTs && JSON.stringify(c.args.blocks ?? '').includes('infdbg_checklist_'));
  if (!posted) return undefined;
  const blocks = posted.args.blocks as Array<{ type: string; text?: { text: string }; elements?: Button[] }>;
  const runId = parseStepButtonValue(blocks.flatMap((b) => b.elements ?? [])[0]!.value)!.runId;
  return { runId, posted };
}

async function openChecklist(stack: Stack, text = 'runbook checklist-test', user = 'U0ONCALL'): Promise<{ threadTs: string; runId: string; ts: string; store: ChecklistStore }> {
  const before = stack.slack.callsTo('chat.postMessage').length;
  const r = await stack.sendCommand(text, { user });
  expect(r.status).toBe(200);
  const posted = await stack.slack.waitFor(() => stack.slack.callsTo('chat.postMessage').slice(before).find((c) => c.args.thread_ts && JSON.stringify(c.args.blocks ?? '').includes('infdbg_checklist_')));
  const threadTs = String(posted.args.thread_ts);
  const { runId } = checklistIn(stack, threadTs)!;
  const store = new ChecklistStore(stack.connection, stack.prefix);
  const ts = await until(() => store.messageTs(runId));
  return { threadTs, runId, ts, store };
}

/** Polls an async condition every 50 ms until it gives a value (20 s at most). */
async function until<T>(f: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The checklist's blocks as they read now. */
function current(stack: Stack, ts: string, threadTs: string): { text: string; buttons: Button[] } {
  const edit = stack.slack.callsTo('chat.update').filter((c) => c.args.ts === ts).pop();
  const blocks = (edit ?? checklistIn(stack, threadTs)!.posted).args.blocks as Array<{ type: string; text?: { text: string }; elements?: Button[] }>;
  return { text: blocks.map((b) => b.text?.text ?? '').join('\n'), buttons: blocks.flatMap((b) => b.elements ?? []) };
}

function button(stack: Stack, ts: string, threadTs: string, step: string, verb: string, answer = ''): Button {
  const b = current(stack, ts, threadTs).buttons.find((x) => x.value.endsWith(`|${step}|${verb}|${answer}`));
  if (!b) throw new Error(`no ${verb} button for ${step}`);
  return b;
}

const ephemeralOf = (stack: Stack, responseUrl: string) => stack.slack.ephemeral.filter((e) => responseUrl.endsWith(e.path)).map((e) => String(e.body.text));
const stepLine = (text: string, n: number) => text.split('\n').find((l) => l.includes(`*${n}. `)) ?? '';

describe('runbook checklist in a thread', () => {
  it('/debug runbook opens a thread with the checklist; Done moves that step in the edited message and records who; the audit trail has it', async () => {
    const stack = await checklistStack();
    const c = await openChecklist(stack);
    try {
      const before = current(stack, c.ts, c.threadTs);
      expect(before.text).toContain(':clipboard: *Runbook: Checklist test* (`checklist-test`) · steps 0/');
      expect(stepLine(before.text, 2)).toContain(':white_large_square: *2. Look at the logs* — to do');
      expect(before.text).toContain('kubectl -n ml logs deployment/ranker --since=30m');
      expect(stepLine(before.text, 4)).toContain('waiting — after step 3 is answered');

      const click = await stack.clickButton({ channel: CHANNEL, ts: c.ts }, button(stack, c.ts, c.threadTs, 'look', 'done'), 'U0ONCALL');
      expect(click.status).toBe(200);
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 2).includes(':white_check_mark:'));
      const after = current(stack, c.ts, c.threadTs).text;
      expect(stepLine(after, 2)).toMatch(/:white_check_mark: \*2\. Look at the logs\* — done by <@U0ONCALL> <!date\^\d+\^/);
      expect(after).toContain('· steps 1/');
      expect(current(stack, c.ts, c.threadTs).buttons.some((b) => b.value.includes('|look|'))).toBe(false);
      // The same click again: told, nothing changes.
      const again = await stack.clickButton({ channel: CHANNEL, ts: c.ts }, { action_id: 'infdbg_checklist_done', value: `${c.runId}|look|done|` }, 'U0SECOND');
      const told = await stack.slack.waitFor(() => ephemeralOf(stack, again.responseUrl)[0]);
      expect(told).toMatch(/^Step 2 is already done by <@U0ONCALL>/);

      const trail = await c.store.auditTrail(c.runId);
      expect(trail.find((e) => e.step === 'look' && e.result === 'moved to done')).toMatchObject({ by: 'U0ONCALL', action: 'done' });
      expect(trail.find((e) => e.step === 'look' && e.by === 'U0SECOND')?.result).toBe('refused: done');

      // Answering the check picks the steps behind it.
      await stack.clickButton({ channel: CHANNEL, ts: c.ts }, button(stack, c.ts, c.threadTs, 'which', 'answer', 'server'), 'U0SECOND');
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 3).includes('answered *Server* by <@U0SECOND>'));
      const answered = current(stack, c.ts, c.threadTs).text;
      expect(stepLine(answered, 4)).toContain('*4. Restart the pods* — to do');
      expect(stepLine(answered, 5)).toContain('n/a — the answer chosen leaves it out');
    } finally {
      await c.store.close();
    }
  }, 60_000);

  it("Run enqueues the step's diagnostic; its report lands in the same thread and marks the step done with the top cause, which opens the step that cause selects", async () => {
    const stack = await checklistStack();
    const c = await openChecklist(stack);
    try {
      expect(stepLine(current(stack, c.ts, c.threadTs).text, 6)).toContain('waiting — once a report names the top cause');
      // A double click on Run: one request, the second click is told.
      const run = button(stack, c.ts, c.threadTs, 'service-health', 'run');
      const clicks = await Promise.all([stack.clickButton({ channel: CHANNEL, ts: c.ts }, run, 'U0ONCALL'), stack.clickButton({ channel: CHANNEL, ts: c.ts }, run, 'U0ONCALL')]);
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 1).includes(':white_check_mark:'), 30_000);
      await waitIdle(stack.connection, stack.prefix);
      const told = clicks.flatMap((k) => ephemeralOf(stack, k.responseUrl));
      expect(told).toHaveLength(1);
      expect(told[0]).toMatch(/^Step 1 is already (running, started by|done by) <@U0ONCALL>/);
      expect(stack.slack.callsTo('chat.postMessage').filter((m) => String(m.args.text).startsWith(':mag: Step 1'))).toHaveLength(1);
      expect(stack.slack.callsTo('chat.postMessage').filter((m) => m.args.thread_ts === c.threadTs && String(m.args.text).includes('Runbook step 1: How is the service?') && !String(m.args.text).startsWith(':mag:'))).toHaveLength(1);
      const thread = stack.slack.transcript(CHANNEL, c.threadTs);
      // The step's status reply (then rewritten with the request's progress) and the report, in the thread.
      expect(stack.slack.callsTo('chat.postMessage').filter((m) => m.args.thread_ts === c.threadTs).map((m) => String(m.args.text))).toContainEqual(expect.stringMatching(/^:mag: Step 1, \*How is the service\?\* — `\/debug health http:\/\/ranker\.ml\.svc:8080` queued \(`r[0-9a-f]{16}`, by <@U0ONCALL>\)$/));
      expect(thread).toMatch(/GPU out of memory/);
      // Every reply (status, report) is in the checklist's thread; nothing opened a new one.
      expect(stack.slack.callsTo('chat.postMessage').filter((m) => !m.args.thread_ts)).toHaveLength(1);
      const text = current(stack, c.ts, c.threadTs).text;
      expect(stepLine(text, 1)).toMatch(/done run by <@U0ONCALL>, report <!date\^\d+.* — top cause: GPU out of memory/);
      expect(stepLine(text, 6)).toContain('*6. Free the GPU* — to do');
    } finally {
      await c.store.close();
    }
  }, 60_000);

  it('two people clicking the same step at once: one wins, the other is told who did it', async () => {
    const stack = await checklistStack();
    const c = await openChecklist(stack);
    try {
      const b = button(stack, c.ts, c.threadTs, 'look', 'done');
      const [first, second] = await Promise.all([stack.clickButton({ channel: CHANNEL, ts: c.ts }, b, 'U0ONCALL'), stack.clickButton({ channel: CHANNEL, ts: c.ts }, b, 'U0SECOND')]);
      const told = await stack.slack.waitFor(() => [...ephemeralOf(stack, first.responseUrl), ...ephemeralOf(stack, second.responseUrl)][0]);
      await waitIdle(stack.connection, stack.prefix);
      const trail = (await c.store.auditTrail(c.runId)).filter((e) => e.step === 'look');
      const winners = trail.filter((e) => e.result === 'moved to done');
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.by;
      const loser = winner === 'U0ONCALL' ? 'U0SECOND' : 'U0ONCALL';
      expect(told).toMatch(new RegExp(`^Step 2 is already done by <@${winner}>`));
      expect(trail.find((e) => e.by === loser)?.result).toMatch(/^(lost: already done by|refused: done)/);
      expect([...ephemeralOf(stack, first.responseUrl), ...ephemeralOf(stack, second.responseUrl)]).toHaveLength(1);
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 2).includes(`done by <@${winner}>`));
    } finally {
      await c.store.close();
    }
  }, 60_000);

  it('a user outside the allowed group is refused; a member may', async () => {
    const stack = await checklistStack();
    const c = await openChecklist(stack);
    try {
      const b = button(stack, c.ts, c.threadTs, 'drain', 'done');
      const refused = await stack.clickButton({ channel: CHANNEL, ts: c.ts }, b, 'U0ONCALL');
      expect(await stack.slack.waitFor(() => ephemeralOf(stack, refused.responseUrl)[0])).toBe(':no_entry: Only @platform-oncall may do step 7, *Drain the node*.');
      expect(stepLine(current(stack, c.ts, c.threadTs).text, 7)).toContain('— to do');
      expect((await c.store.auditTrail(c.runId)).find((e) => e.step === 'drain')).toMatchObject({ by: 'U0ONCALL', result: 'refused: not allowed' });
      await stack.clickButton({ channel: CHANNEL, ts: c.ts }, b, 'U0PLATFORM');
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 7).includes('done by <@U0PLATFORM>'));
    } finally {
      await c.store.close();
    }
  }, 60_000);

  it('a reminder mentions the group for the step the thread waits on; once that step moves its reminder is gone and the next step gets one', async () => {
    // A runbook minute of 400 ms: the reminder comes 1.2 s after a step becomes the next one.
    const stack = await checklistStack(400);
    const timers = new Queue(CHECKLIST_QUEUE, { connection: stack.connection, prefix: stack.prefix });
    const c = await openChecklist(stack);
    try {
      const reminders = () => stack.slack.callsTo('chat.postMessage').filter((m) => m.args.thread_ts === c.threadTs && String(m.args.text).startsWith(':alarm_clock:')).map((m) => String(m.args.text));
      await until(async () => Boolean(await timers.getJob(`remind-${c.runId}-service-health`)));
      // Step 1 moves (skipped) before its reminder: the job is removed, step 2's is scheduled.
      await stack.clickButton({ channel: CHANNEL, ts: c.ts }, button(stack, c.ts, c.threadTs, 'service-health', 'skip'), 'U0ONCALL');
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 1).includes(':fast_forward:'));
      await until(async () => Boolean(await timers.getJob(`remind-${c.runId}-look`)));
      expect(await timers.getJob(`remind-${c.runId}-service-health`)).toBeUndefined();
      const reminder = await stack.slack.waitFor(() => reminders()[0], 10_000);
      expect(reminder).toBe(':alarm_clock: <!subteam^S0MLONCALL> step 2 of the runbook, *Look at the logs*, has waited 3 min with nobody on it.');
      expect(reminders().some((r) => r.includes('step 1'))).toBe(false);
      expect((await c.store.auditTrail(c.runId)).filter((e) => e.action === 'reminder').map((e) => e.step)).toEqual(['look']);
    } finally {
      await timers.close();
      await c.store.close();
    }
  }, 60_000);

  it('when every step is settled the prevention checklist is posted once, and a double-typed command is one run', async () => {
    const stack = await checklistStack();
    const c = await openChecklist(stack);
    try {
      const dup = await stack.sendCommand('runbook checklist-test');
      expect(await stack.slack.waitFor(() => ephemeralOf(stack, dup.responseUrl)[0])).toContain('started here a moment ago');
      for (const [step, verb, answer, user] of [['service-health', 'skip', '', 'U0ONCALL'], ['look', 'done', '', 'U0ONCALL'], ['which', 'answer', 'client', 'U0ONCALL'], ['call-client', 'done', '', 'U0ONCALL'], ['free-gpu', 'skip', '', 'U0ONCALL'], ['drain', 'skip', '', 'U0PLATFORM']] as const) {
        await stack.clickButton({ channel: CHANNEL, ts: c.ts }, button(stack, c.ts, c.threadTs, step, verb, answer), user);
        await stack.slack.waitFor(() => !current(stack, c.ts, c.threadTs).buttons.some((b) => b.value.includes(`|${step}|`)));
      }
      const prevents = () => stack.slack.callsTo('chat.postMessage').filter((m) => m.args.thread_ts === c.threadTs && String(m.args.text).startsWith(':checkered_flag:'));
      await stack.slack.waitFor(() => prevents().length > 0);
      await waitIdle(stack.connection, stack.prefix);
      const prevent = prevents();
      expect(prevent).toHaveLength(1);
      expect(String(prevent[0]!.args.text)).toContain('*Runbook complete* — Checklist test: 6/6 steps done or skipped.');
      expect(String(prevent[0]!.args.text)).toContain('• A load test at peak batch size on the GPU the model serves on.');
      expect(current(stack, c.ts, c.threadTs).text).toContain('· steps 6/6 · started by <@U0ONCALL> · :checkered_flag: complete');
      expect(stack.slack.callsTo('chat.postMessage').filter((m) => !m.args.thread_ts)).toHaveLength(1);
    } finally {
      await c.store.close();
    }
  }, 60_000);
});

describe("an incident's checklist", () => {
  it("triage's runbook gets its checklist in the incident thread, and a click shows in the parent's progress", async () => {
    const stack = await checklistStack(60_000, true);
    const alerts = new Queue(ALERT_QUEUE, { connection: stack.connection, prefix: stack.prefix });
    const incidents = new IncidentStore(stack.connection, stack.prefix);
    const store = new ChecklistStore(stack.connection, stack.prefix);
    try {
      const event = alertEvent('ranker', [member('a', 'firing')]);
      await alerts.add(ALERT_JOB, event, { jobId: `alert-${createHash('sha256').update(event.eventId).digest('hex').slice(0, 24)}` });
      const id = incidentId(event.incidentKey);
      const parentTs = await until(async () => (await incidents.get(id))?.thread.parentTs);
      await stack.slack.waitFor(() => checklistIn(stack, parentTs));
      await waitIdle(stack.connection, stack.prefix);
      const { runId } = checklistIn(stack, parentTs)!;
      const ts = (await store.messageTs(runId))!;
      // The incident's investigation reported GPU out of memory: the step for that cause applies.
      await stack.slack.waitFor(() => stepLine(current(stack, ts, parentTs).text, 6).includes('*6. Free the GPU* — to do'));
      expect(current(stack, ts, parentTs).text).toContain('· steps 0/7 · for this incident');
      const parentText = () => JSON.stringify(stack.slack.callsTo('chat.update').filter((u) => u.args.ts === parentTs).pop()?.args.blocks ?? '');
      await stack.slack.waitFor(() => parentText().includes('runbook `checklist-test` · steps 0/7'));

      await stack.clickButton({ channel: CHANNEL, ts }, button(stack, ts, parentTs, 'look', 'done'), 'U0ONCALL');
      await stack.slack.waitFor(() => parentText().includes('steps 1/7'), 20_000);
      expect((await incidents.get(id))!.runbookSteps).toMatchObject({ done: 1, total: 7 });
      // One checklist per incident, whatever the retries.
      expect(stack.slack.callsTo('chat.postMessage').filter((m) => m.args.thread_ts === parentTs && JSON.stringify(m.args.blocks ?? '').includes('infdbg_checklist_'))).toHaveLength(1);
    } finally {
      await Promise.all([alerts.close(), incidents.close(), store.close()]);
    }
  }, 60_000);
});

describe("an alert's URL credentials", () => {
  it('reach neither the stored run nor Slack; the step runs without them', async () => {
    const stack = await checklistStack(60_000, true, [RUNBOOK], { service: 'ranker', url: 'http://svc:s3cr3t@ranker.ml.svc:8080' });
    const alerts = new Queue(ALERT_QUEUE, { connection: stack.connection, prefix: stack.prefix });
    const incidents = new IncidentStore(stack.connection, stack.prefix);
    const store = new ChecklistStore(stack.connection, stack.prefix);
    try {
      const firing = alertEvent('ranker', [member('a', 'firing')]);
      await alerts.add(ALERT_JOB, firing, { jobId: 'alert-creds' });
      const parentTs = await until(async () => (await incidents.get(incidentId(firing.incidentKey)))?.thread.parentTs);
      await stack.slack.waitFor(() => checklistIn(stack, parentTs));
      const { runId } = checklistIn(stack, parentTs)!;
      const got = (await store.get(runId))!;
      const step = got.run.runbook.steps.find((x) => x.id === 'service-health');
      expect(step?.kind === 'diagnostic' && step.tokens).toEqual(['health', 'http://ranker.ml.svc:8080']);
      expect(JSON.stringify(got)).not.toContain('s3cr3t');
      await waitIdle(stack.connection, stack.prefix);
      const checklistCalls = stack.slack.calls.filter((c) => JSON.stringify(c.args).includes('infdbg_checklist_'));
      expect(checklistCalls.length).toBeGreaterThan(0);
      expect(JSON.stringify(checklistCalls)).not.toContain('s3cr3t');
    } finally {
      await Promise.all([alerts.close(), incidents.close(), store.close()]);
    }
  }, 60_000);
});

describe("a resolved incident's checklist", () => {
  it('gets no reminder once the incident is resolved', async () => {
    // A runbook minute of 1 s: step 1's reminder is due 3 s after the checklist is posted.
    const stack = await checklistStack(1000, true);
    const alerts = new Queue(ALERT_QUEUE, { connection: stack.connection, prefix: stack.prefix });
    const incidents = new IncidentStore(stack.connection, stack.prefix);
    const store = new ChecklistStore(stack.connection, stack.prefix);
    try {
      const send = (e: ReturnType<typeof alertEvent>) => alerts.add(ALERT_JOB, e, { jobId: `alert-${createHash('sha256').update(e.eventId).digest('hex').slice(0, 24)}` });
      const firing = alertEvent('ranker', [member('a', 'firing')]);
      await send(firing);
      const id = incidentId(firing.incidentKey);
      const parentTs = await until(async () => (await incidents.get(id))?.thread.parentTs);
      await stack.slack.waitFor(() => checklistIn(stack, parentTs));
      const { runId } = checklistIn(stack, parentTs)!;
      await send(alertEvent('ranker', [member('a', 'resolved')]));
      await until(async () => (await incidents.get(id))?.status === 'resolved');
      const quiet = await until(async () => (await store.auditTrail(runId)).find((e) => e.action === 'timer'), 15_000);
      expect(quiet.result).toBe('quiet: the incident is resolved');
      expect(stack.slack.callsTo('chat.postMessage').filter((m) => m.args.thread_ts === parentTs && String(m.args.text).startsWith(':alarm_clock:'))).toEqual([]);
    } finally {
      await Promise.all([alerts.close(), incidents.close(), store.close()]);
    }
  }, 60_000);
});

describe('escalation steps of a shipped runbook (error-burst: escalate after 20 min unclaimed)', () => {
  const shipped = loadRunbooks('runbooks', diagnostics);
  // A runbook minute of 50 ms: the escalation timer is 1 s.
  const escalations = (stack: Stack, threadTs: string) => stack.slack.callsTo('chat.postMessage').filter((m) => m.args.thread_ts === threadTs && String(m.args.text).startsWith(':rotating_light:')).map((m) => String(m.args.text));

  it('nobody takes a step: the bot mentions the group and marks the step done', async () => {
    const stack = await checklistStack(50, false, shipped);
    const c = await openChecklist(stack, 'runbook error-burst service=ranker deployment=ranker pod=ranker-1');
    try {
      const said = await stack.slack.waitFor(() => escalations(stack, c.threadTs)[0], 15_000);
      expect(said).toBe(':rotating_light: <!subteam^S0MLONCALL> — step 10 of the runbook, *Escalate to the ML on-call* (nobody took a step within 20 min).');
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 10).includes('done by the bot'));
      expect(stepLine(current(stack, c.ts, c.threadTs).text, 10)).toContain('— nobody took a step within 20 min');
    } finally {
      await c.store.close();
    }
  }, 60_000);

  it('someone takes a step first: the timer is removed and the step is skipped as not needed', async () => {
    const stack = await checklistStack(50, false, shipped);
    const timers = new Queue(CHECKLIST_QUEUE, { connection: stack.connection, prefix: stack.prefix });
    const c = await openChecklist(stack, 'runbook error-burst service=ranker deployment=ranker pod=ranker-1 namespace=ml');
    try {
      await stack.clickButton({ channel: CHANNEL, ts: c.ts }, button(stack, c.ts, c.threadTs, 'recent-changes', 'skip'), 'U0ONCALL');
      await stack.slack.waitFor(() => stepLine(current(stack, c.ts, c.threadTs).text, 10).includes(':fast_forward:'));
      expect(stepLine(current(stack, c.ts, c.threadTs).text, 10)).toContain('skipped by the bot');
      expect(await timers.getJob(`escalate-${c.runId}-escalate`)).toBeUndefined();
      // Past the timer's second: still no escalation.
      await new Promise((r) => setTimeout(r, 1500));
      expect(escalations(stack, c.threadTs)).toEqual([]);
    } finally {
      await timers.close();
      await c.store.close();
    }
  }, 60_000);

  it('a step whose command this bot cannot run goes back to do and the person is told why', async () => {
    // This stack's bot knows only `health`: `changes` is refused by the /debug parser at Run.
    const stack = await checklistStack(60_000, false, shipped);
    const c = await openChecklist(stack, 'runbook error-burst service=ranker deployment=ranker');
    try {
      const click = await stack.clickButton({ channel: CHANNEL, ts: c.ts }, button(stack, c.ts, c.threadTs, 'recent-changes', 'run'), 'U0ONCALL');
      expect(await stack.slack.waitFor(() => ephemeralOf(stack, click.responseUrl)[0])).toMatch(/^:x: Step 1 did not start: .*changes/);
      await waitIdle(stack.connection, stack.prefix);
      expect(stepLine(current(stack, c.ts, c.threadTs).text, 1)).toContain('— to do');
      expect(button(stack, c.ts, c.threadTs, 'recent-changes', 'run')).toBeDefined();
      expect((await c.store.auditTrail(c.runId)).filter((e) => e.step === 'recent-changes').map((e) => e.result)).toEqual(['moved to running', expect.stringMatching(/^back to do: /)]);
    } finally {
      await c.store.close();
    }
  }, 60_000);
});
