// Who may run what, end to end: correctly signed /debug commands and block_actions button presses
// through the real Bolt receiver, a real Redis (nothing enqueued is read from it), user groups read
// from the Slack stand-in's usergroups.list, and the bot's JSON logger captured for the audit lines.
import { afterEach, describe, expect, it } from 'vitest';
import { profileDiagnostic } from '../../jobs/profile.ts';
import { createLogger } from '../../src/core/logger.ts';
import { REINVESTIGATE_ACTION_ID } from '../../src/incidents/incident-message.ts';
import { PAGERDUTY_ACKNOWLEDGE_ACTION_ID } from '../../src/pagerduty/incident-buttons.ts';
import { parseAccessPolicy } from '../../src/policy/access-policy.ts';
import { parseStepButtonValue } from '../../src/runbooks/checklist.ts';
import { ChecklistStore } from '../../src/runbooks/checklist-store.ts';
import { runbookSchema, type LoadedRunbook } from '../../src/runbooks/runbook-schema.ts';
import { RERUN_ACTION_ID } from '../../src/slack/thread.ts';
import { quickHealth } from '../incidents/support.ts';
import { startStack, type Stack } from '../support/stack.ts';

const diagnostics = [quickHealth, profileDiagnostic];
const CHANNEL = 'C0INCIDENT';
const GENERAL = 'C0GENERAL';
const ONCALL = 'U0ONCALL';
const GUEST = 'U0GUEST';

const RUNBOOK: LoadedRunbook = {
  file: 'runbooks/access-test.yaml',
  ...runbookSchema.parse({
    name: 'access-test',
    title: 'Access test',
    category: 'errors',
    steps: [
      { id: 'look', kind: 'manual', title: 'Look at the logs', commands: ['kubectl -n ml logs deployment/ranker --since=30m | grep -i error'] },
      { id: 'roll-back', kind: 'manual', title: 'Roll back', commands: ['kubectl -n ml rollout undo deployment/ranker'] },
      { id: 'load', kind: 'diagnostic', title: 'Load it', command: 'profile http://ranker.ml.svc:8080/predict' },
    ],
  }),
};

const POLICY = `
default: read-only
rules:
  - name: quiet-in-general
    channels: [${GENERAL}]
    deny: [all]
    reason: 'Ask in #ml-incidents instead.'
  - name: oncall-may-change
    groups: ['@ml-oncall']
    allow: [changes]
  - name: profile-for-oncall
    groups: ['@ml-oncall']
    allow: ['diagnostic:profile']
  - name: no-profile-elsewhere
    deny: ['diagnostic:profile']
    reason: profile puts load on production.
`;

const policy = () => parseAccessPolicy(POLICY, 'access-policy.yaml', { diagnostics: diagnostics.map((d) => d.name), runbooks: [RUNBOOK] });

const open: Stack[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

interface Harness {
  stack: Stack;
  /** The bot's audit lines so far, parsed. */
  audit(): Array<Record<string, unknown>>;
  /** Every line the bot's logger wrote. */
  log: string[];
}

async function harness(options: { withPolicy?: boolean; runbooks?: boolean } = {}): Promise<Harness> {
  const log: string[] = [];
  const logger = createLogger('info', (line) => log.push(line));
  const stack = await startStack({
    diagnostics,
    workers: false,
    ...(options.runbooks ? { runbooks: [RUNBOOK] } : {}),
    ...(options.withPolicy === false ? {} : { access: { policy: policy(), logger } }),
  });
  open.push(stack);
  stack.slack.usergroups.set('S0MLONCALL', { handle: 'ml-oncall', name: 'ML on-call', users: [ONCALL] });
  return { stack, log, audit: () => log.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'audit') };
}

/** Polls until `f` gives a value (20 s at most). */
async function until<T>(f: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function ackText(stack: Stack, text: string, opts: { user?: string; channel?: string } = {}): Promise<string> {
  const res = await stack.sendCommand(text, opts);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ response_type: 'ephemeral' });
  return String((res.body as { text: string }).text);
}

/** The ephemeral reply to a button press (through its response_url). */
async function buttonReply(stack: Stack, message: { channel: string; ts: string }, button: { action_id: string; value: string }, user: string): Promise<string> {
  const click = await stack.clickButton(message, button, user);
  expect(click.status).toBe(200);
  const path = new URL(click.responseUrl).pathname;
  const reply = await until(() => stack.slack.ephemeral.find((e) => e.path === path));
  return String(reply.body.text);
}

/** `/debug runbook access-test` by `user`: the run and a press on its checklist (the reply to it), with the run's store. */
async function openChecklist(stack: Stack, user: string) {
  const before = stack.slack.callsTo('chat.postMessage').length;
  await stack.sendCommand('runbook access-test', { user });
  const posted = await until(() => stack.slack.callsTo('chat.postMessage').slice(before).find((c) => c.args.thread_ts && JSON.stringify(c.args.blocks ?? '').includes('infdbg_checklist_')));
  const buttons = (posted.args.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []);
  const runId = parseStepButtonValue(buttons[0]!.value)!.runId;
  const store = new ChecklistStore(stack.connection, stack.prefix);
  const message = { channel: CHANNEL, ts: await until(() => store.messageTs(runId)) };
  const press = (step: string, verb: string, by: string) => buttonReply(stack, message, { action_id: `infdbg_checklist_${verb}`, value: `${runId}|${step}|${verb}|` }, by);
  return { runId, store, message, press };
}

const roots = (stack: Stack) => stack.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts);

describe('access policy at the edge', () => {
  it('a user outside the group is refused in the ack, the rule named, nothing posted or enqueued; the group member runs it', async () => {
    const { stack } = await harness();
    const refused = await ackText(stack, 'profile http://ranker.ml.svc:8080/predict', { user: GUEST });
    expect(refused).toBe(':no_entry: `diagnostic:profile` is not allowed: rule `no-profile-elsewhere` of the access policy (access-policy.yaml) denies it here. profile puts load on production. Nothing was started.');
    // An investigation that would profile is refused for the same rule.
    expect(await ackText(stack, 'investigate http://ranker.ml.svc:8080 slow p99 --model http://models.ml.svc/ranker.onnx', { user: GUEST })).toContain('`diagnostic:profile` is not allowed: rule `no-profile-elsewhere`');
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);

    // In @ml-oncall (the stand-in's usergroups.list): the request starts — a thread in the channel, its jobs in Redis.
    const allowed = await stack.sendCommand('profile http://ranker.ml.svc:8080/predict', { user: ONCALL });
    expect(allowed.status).toBe(200);
    expect(JSON.stringify(allowed.body)).not.toContain('not allowed');
    const root = await until(() => roots(stack).find((c) => String(c.args.text).includes(`requested by <@${ONCALL}>`)));
    expect(root.args.channel).toBe(CHANNEL);
    await until(async () => (await stack.redisKeys()).length > 0);
    // One read of the groups answered both decisions that needed them (cached).
    expect(stack.slack.callsTo('usergroups.list').length).toBe(1);
  });

  it('a channel rule: nothing runs in #general, not even for the on-call group; the same command runs in the incident channel', async () => {
    const { stack } = await harness({ runbooks: true });
    expect(await ackText(stack, 'health http://ranker.ml.svc:8080', { user: ONCALL, channel: GENERAL })).toBe(
      ':no_entry: `diagnostic:health` is not allowed: rule `quiet-in-general` of the access policy (access-policy.yaml) denies it here. Ask in #ml-incidents instead. Nothing was started.',
    );
    expect(await ackText(stack, 'runbook access-test', { user: ONCALL, channel: GENERAL })).toContain('`runbook:access-test` is not allowed: rule `quiet-in-general`');
    expect(await stack.redisKeys()).toEqual([]);
    // Help still answers there: it starts nothing.
    expect(await ackText(stack, 'help', { user: GUEST, channel: GENERAL })).toContain('health');

    await stack.sendCommand('health http://ranker.ml.svc:8080', { user: GUEST, channel: CHANNEL });
    await until(() => roots(stack).find((c) => c.args.channel === CHANNEL));
    expect(roots(stack).filter((c) => c.args.channel === GENERAL)).toHaveLength(0);
  });

  it('button presses are refused in the button handler, the rule named: Re-run, Re-investigate, Acknowledge', async () => {
    const { stack } = await harness();
    const report = { channel: CHANNEL, ts: '1763900000.000100' };
    expect(await buttonReply(stack, report, { action_id: RERUN_ACTION_ID, value: 'profile http://ranker.ml.svc:8080/predict' }, GUEST)).toContain('rule `no-profile-elsewhere`');
    expect(await buttonReply(stack, { channel: GENERAL, ts: report.ts }, { action_id: REINVESTIGATE_ACTION_ID, value: 'i0123456789abcdef01234567:1' }, ONCALL)).toContain(
      '`incident:reinvestigate` is not allowed: rule `quiet-in-general`',
    );
    expect(await buttonReply(stack, report, { action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' }, GUEST)).toBe(
      ':no_entry: `pagerduty:acknowledge` is not allowed: it acknowledges the PagerDuty incident, and the access policy (access-policy.yaml) lets only read-only actions through by default; no rule allows it to you in this channel. Nothing changed in PagerDuty.',
    );
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
    // The on-call group gets past the policy (this stack has no PagerDuty write-back, so that is what it is told).
    expect(await buttonReply(stack, report, { action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' }, ONCALL)).toContain('PagerDuty write-back is off here');
  });

  it('checklist steps that change things are for the group, a Run is refused for the diagnostic it would start, reading steps are for anyone', async () => {
    const { stack } = await harness({ runbooks: true });
    const { runId, store, message, press } = await openChecklist(stack, GUEST);
    try {
      expect(await press('roll-back', 'done', GUEST)).toBe(
        ':no_entry: `runbook:access-test/roll-back` is not allowed: its commands change things (kubectl rollout undo), and the access policy (access-policy.yaml) lets only read-only actions through by default; no rule allows it to you in this channel. Nothing changed.',
      );
      expect(await press('load', 'run', GUEST)).toContain('`diagnostic:profile` is not allowed: rule `no-profile-elsewhere`');
      expect((await store.get(runId))!.state.steps).toEqual({});
      expect((await store.auditTrail(runId)).filter((e) => e.result === 'refused: access policy').map((e) => e.step)).toEqual(['roll-back', 'load']);
      expect(await stack.redisKeys()).not.toContainEqual(expect.stringMatching(/:shared:/));

      // A reading step moves for anyone; the change is the on-call group's.
      await stack.clickButton(message, { action_id: 'infdbg_checklist_done', value: `${runId}|look|done|` }, GUEST);
      await stack.clickButton(message, { action_id: 'infdbg_checklist_done', value: `${runId}|roll-back|done|` }, ONCALL);
      const steps = await until(async () => {
        const s = (await store.get(runId))!.state.steps;
        return s.look && s['roll-back'] ? s : undefined;
      });
      expect(steps.look).toMatchObject({ state: 'done', by: GUEST });
      expect(steps['roll-back']).toMatchObject({ state: 'done', by: ONCALL });
    } finally {
      await store.close();
    }
  });

  it('one audit line per command and button: user, channel, the command with its secrets removed, the outcome and the rule', async () => {
    const h = await harness();
    const { stack } = h;
    await stack.sendCommand('health http://admin:hunter2@ranker.ml.svc:8080/?access_token=tok-4f9a8b7c6d', { user: ONCALL });
    await ackText(stack, `profile http://ranker.ml.svc:8080/predict --body '{"api_token": "sk-live-abcdef123456"}'`, { user: GUEST });
    await ackText(stack, 'frobnicate --password=p4ssw0rd-xyz', { user: GUEST });
    await buttonReply(stack, { channel: CHANNEL, ts: '1763900000.000100' }, { action_id: RERUN_ACTION_ID, value: 'profile http://u:s3cr3t-pw@ranker.ml.svc:8080/predict' }, GUEST);
    const lines = await until(() => (h.audit().length >= 4 ? h.audit() : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(h.audit()).toHaveLength(4);

    const byCommand = (part: string) => lines.find((l) => String(l.command).includes(part))!;
    expect(byCommand('/debug health')).toMatchObject({ audit: 'command', user: ONCALL, channel: CHANNEL, outcome: 'enqueued', rule: 'default' });
    expect(byCommand('/debug profile')).toMatchObject({ audit: 'command', user: GUEST, channel: CHANNEL, outcome: 'not_allowed', rule: 'no-profile-elsewhere', action: 'diagnostic:profile' });
    expect(byCommand('/debug frobnicate')).toMatchObject({ audit: 'command', user: GUEST, outcome: 'usage_error' });
    expect(byCommand('rerun:')).toMatchObject({ audit: 'button', user: GUEST, channel: CHANNEL, outcome: 'not_allowed', rule: 'no-profile-elsewhere' });
    expect(String(byCommand('/debug health').command)).toMatch(/^\/debug health http:\/\/\[REDACTED\]@ranker\.ml\.svc:8080\/\?access_token=\[REDACTED\]$/);

    // The secrets reach no line of the bot's log.
    const all = h.log.join('\n');
    for (const secret of ['hunter2', 'tok-4f9a8b7c6d', 'sk-live-abcdef123456', 'p4ssw0rd-xyz', 's3cr3t-pw']) expect(all).not.toContain(secret);
  });

  it('with no policy file the default applies: read-only diagnostics anywhere, the PagerDuty buttons and changing steps refused', async () => {
    const { stack } = await harness({ withPolicy: false, runbooks: true });
    await stack.sendCommand('profile http://ranker.ml.svc:8080/predict', { user: GUEST, channel: GENERAL });
    await until(() => roots(stack).find((c) => c.args.channel === GENERAL));
    expect(await buttonReply(stack, { channel: CHANNEL, ts: '1763900000.000100' }, { action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, value: 'PT4KHLK' }, ONCALL)).toContain(
      'the default access policy (INFDBG_POLICY is not set) lets only read-only actions through by default',
    );
    const { runId, store, message, press } = await openChecklist(stack, ONCALL);
    try {
      expect(await press('roll-back', 'done', ONCALL)).toContain('`runbook:access-test/roll-back` is not allowed: its commands change things (kubectl rollout undo), and the default access policy (INFDBG_POLICY is not set)');
      // profile is read-only: its step runs for anyone.
      await stack.clickButton(message, { action_id: 'infdbg_checklist_run', value: `${runId}|load|run|` }, GUEST);
      expect(await until(async () => (await store.get(runId))!.state.steps.load)).toMatchObject({ state: 'running', by: GUEST });
      expect((await store.get(runId))!.state.steps['roll-back']).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
