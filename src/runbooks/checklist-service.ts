// Runs runbook checklists in Slack threads, for the bot (button presses, /debug runbook) and the
// workers (an incident's checklist, reports coming in, timers). A press is checked (who may press,
// what the step accepts now), then applied by an atomic move in Redis — of two people pressing
// the same step one wins, the other is told who did — and its effect follows: a diagnostic step's
// request enqueued into the SAME thread, an escalation's mention. After every change the one
// checklist message is re-rendered in place, the reminder follows the step the thread waits on
// (a delayed BullMQ job with a deterministic id, removed when that step moves), the incident's
// parent shows the progress, and the prevention checklist is posted once every step is settled.
import { createHash } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { parseCommand } from '../command/debug-command.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { UsageError, oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { incidentId, type Incident } from '../incidents/incident.ts';
import type { IncidentSlack } from '../incidents/incident-slack.ts';
import type { EnqueueRequest, FlowEnqueuer, ReportJobData } from '../queue/flow.ts';
import type { Report } from '../report/model.ts';
import type { UserGroupDirectory } from '../slack/user-groups.ts';
import { investigationNote } from '../triage/investigation.ts';
import {
  BOT_ACTOR,
  automaticEscalations,
  checklistView,
  refusal,
  type ChecklistRun,
  type ChecklistState,
  type StepRecord,
  type StepVerb,
  type StepView,
} from './checklist.ts';
import { escalationText, hasUrlCredentials, preventText, reminderText, renderChecklist, shown } from './checklist-message.ts';
import type { AuditEntry, ChecklistStore } from './checklist-store.ts';
import { mayPress, prepareRunbook, topCauseFinding, type PreparedStep } from './prepare-runbook.ts';
import { slackEscape } from './render-runbook.ts';
import type { LoadedRunbook } from './runbook-schema.ts';
import { commandText } from './template.ts';

/** The checklists' timers: `remind` and `escalate` (delayed jobs). */
export const CHECKLIST_QUEUE = 'checklists';

export type ChecklistJob = { name: 'remind' | 'escalate'; data: { runId: string; stepId: string } };

export interface ChecklistServiceOptions {
  store: ChecklistStore;
  slack: Pick<IncidentSlack, 'post' | 'update'>;
  groups: Pick<UserGroupDirectory, 'ids' | 'groupsOf' | 'lastError'>;
  runbooks: readonly LoadedRunbook[];
  diagnostics: readonly Diagnostic[];
  /** Enqueues a diagnostic step's request (the bot); absent in a process that never runs steps. */
  enqueuer?: Pick<FlowEnqueuer, 'enqueue'>;
  /** CHECKLIST_QUEUE: reminders and timed escalations. */
  timers: Pick<Queue, 'add' | 'remove'>;
  /** Shows the progress in the incident's parent ("steps 3/7"): the incidents queue's `steps` job (runbookStepsJob). */
  incidentProgress?: (incidentKey: string, done: number, total: number) => Promise<void>;
  /** Whether the incident is still open: a resolved one's checklist gets no more reminders or timed escalations. Absent: always open. */
  incidentOpen?: (incidentKey: string) => Promise<boolean>;
  /** Ms in a runbook minute (reminders, escalation timers). Default 60,000; tests make it short. */
  minuteMs?: number;
  now(): number;
  logger: Logger;
}

export interface PressRequest {
  runId: string;
  stepId: string;
  verb: StepVerb;
  answer?: string;
  /** Slack user id. */
  user: string;
  /** The access policy's say (the bot's button handler, before anything moves): a refusal to show, or undefined to go on. */
  authorize?(runbook: string, step: PreparedStep): Promise<string | undefined>;
}

/** What the person who pressed is told (ephemerally); nothing when the edited checklist says it. */
export interface PressOutcome {
  outcome: 'moved' | 'refused' | 'not-allowed' | 'lost' | 'missing' | 'failed';
  reply?: string;
}

const TIMER_OPTS = { removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 }, attempts: 3, backoff: { type: 'exponential', delay: 2000 } };
const POLL_MS = 150;

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** The run id of an incident's checklist: one per incident. */
export function incidentChecklistId(incidentKey: string): string {
  return 'c' + digest('incident-checklist', incidentKey).slice(0, 24);
}

/** The run id of `/debug runbook …` typed in a channel: the same text within 5 minutes is the same run. */
export function commandChecklistId(channel: string, text: string, nowMs: number): string {
  return 'k' + digest('runbook', channel, text.trim().replace(/\s+/g, ' '), String(Math.floor(nowMs / 300_000))).slice(0, 24);
}

/**
 * A run as stored: `scheme://user:password@` removed from every value (an alert's service_url may
 * carry them), so they reach neither Redis nor Slack; a step then runs without them, as a typed
 * command does.
 */
function withoutUrlCredentials<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"\\]+@/gi, '$1')) as T;
}

const reminderJobId = (runId: string, stepId: string) => `remind-${runId}-${stepId}`;
const escalateJobId = (runId: string, stepId: string) => `escalate-${runId}-${stepId}`;

function resultLine(report: Report): string {
  const top = report.hypotheses.find((h) => h.likelihood !== 'unlikely');
  const failed = report.failures.length ? ` (${report.failures.length} could not run)` : '';
  if (top) return `top cause: ${top.title} (${top.likelihood})${failed}`.slice(0, 200);
  return `${(report.summary || 'report in the thread').replace(/\s+/g, ' ').slice(0, 160)}${failed}`;
}

export class ChecklistService {
  private readonly o: ChecklistServiceOptions;
  private readonly minuteMs: number;

  constructor(options: ChecklistServiceOptions) {
    this.o = options;
    this.minuteMs = options.minuteMs ?? 60_000;
  }

  /** `/debug runbook <name> [var=value …]`: a new thread (its root says who started what) with the checklist as its first reply. */
  async startFromCommand(args: { runbook: LoadedRunbook; variables: Record<string, string>; channel: string; user: string; text: string }): Promise<{ state: 'started' | 'already'; runId: string }> {
    const id = commandChecklistId(args.channel, args.text, this.o.now());
    // Typed twice (or retried by Slack): the first one opens the thread, the others are told.
    if (!(await this.o.store.once(id, 'start'))) return { state: 'already', runId: id };
    const prepared = withoutUrlCredentials(prepareRunbook(args.runbook, { given: args.variables }));
    const given = withoutUrlCredentials(Object.entries(args.variables).map(([k, v]) => `${k}=${v}`).join(' '));
    let rootTs: string;
    try {
      rootTs = await this.o.slack.post({ channel: args.channel, text: `:clipboard: Runbook *${slackEscape(prepared.title)}* (\`${prepared.name}\`${given ? ` ${shown(given)}` : ''}) started by <@${args.user}> — the checklist is in the thread.` });
    } catch (err) {
      await this.o.store.clearOnce(id, 'start');
      throw err;
    }
    const run: ChecklistRun = { id, runbook: prepared, thread: { channel: args.channel, threadTs: rootTs }, startedBy: args.user, startedAt: this.o.now() };
    await this.o.store.create(run);
    await this.o.store.audit(id, { at: this.o.now(), by: args.user, step: '', action: 'start', result: `started ${prepared.name}${given ? ` with ${given}` : ''}` });
    await this.postChecklist(id);
    return { state: 'started', runId: id };
  }

  /** The checklist of an incident's runbook, in its thread (after the triage reply). Idempotent: a retried job finds it. */
  async attachToIncident(incident: Incident): Promise<void> {
    const name = incident.triage.runbook;
    const parentTs = incident.thread.parentTs;
    if (!name || !parentTs) return;
    const runbook = this.o.runbooks.find((r) => r.name === name);
    if (!runbook) {
      this.o.logger.warn('incident runbook not loaded here; no checklist', { runbook: name });
      return;
    }
    const id = incidentChecklistId(incident.incidentKey);
    const prepared = withoutUrlCredentials(prepareRunbook(runbook, { given: incident.triage.variables ?? {} }));
    const run: ChecklistRun = { id, runbook: prepared, thread: { channel: incident.thread.channel, threadTs: parentTs }, incidentKey: incident.incidentKey, startedAt: this.o.now() };
    if (await this.o.store.create(run)) await this.o.store.audit(id, { at: this.o.now(), by: BOT_ACTOR, step: '', action: 'start', result: `attached ${name} to incident ${incidentId(incident.incidentKey)}` });
    await this.o.store.linkIncident(incidentId(incident.incidentKey), id);
    await this.postChecklist(id);
  }

  /** Posts the checklist message once (a retry or a second replica finds it), then settles timers and progress. */
  private async postChecklist(id: string): Promise<void> {
    for (const deadline = Date.now() + 70_000; ; ) {
      const claim = await this.o.store.claimMessage(id);
      if (claim.state === 'done') break;
      if (claim.state === 'busy') {
        if (Date.now() > deadline) throw new Error(`checklist ${id}: its message is still being posted elsewhere`);
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      const got = (await this.o.store.get(id))!;
      const view = checklistView(got.run, got.state);
      const r = renderChecklist(got.run, view);
      try {
        const ts = await this.o.slack.post({ channel: got.run.thread.channel, threadTs: got.run.thread.threadTs, text: r.text, blocks: r.blocks });
        await this.o.store.recordMessage(id, ts);
        await this.o.store.setRenderedVersion(id, got.state.version);
      } catch (err) {
        await this.o.store.releaseMessage(id);
        throw err;
      }
      // Timed escalations start with the run.
      for (const v of view.steps) {
        if (v.step.kind === 'escalate' && v.step.afterMinutes !== undefined && v.status === 'todo') {
          await this.o.timers.add('escalate', { runId: id, stepId: v.step.id }, { ...TIMER_OPTS, jobId: escalateJobId(id, v.step.id), delay: v.step.afterMinutes * this.minuteMs });
        }
      }
      break;
    }
    await this.afterChange(id);
  }

  /** A button press. See the file header. */
  async press(p: PressRequest): Promise<PressOutcome> {
    const got = await this.o.store.get(p.runId);
    if (!got) return { outcome: 'missing', reply: ':x: This checklist is no longer stored (runs are kept 30 days).' };
    const { run, state } = got;
    const view = checklistView(run, state);
    const v = view.steps.find((s) => s.step.id === p.stepId);
    if (!v) return { outcome: 'missing', reply: `:x: This runbook has no step "${p.stepId}" any more.` };
    const audit = (result: string): AuditEntry => ({ at: this.o.now(), by: p.user, step: p.stepId, action: p.verb, result, ...(p.answer ? { answer: p.answer } : {}) });

    const denied = p.authorize ? await p.authorize(run.runbook.name, v.step) : undefined;
    if (denied) {
      await this.o.store.audit(p.runId, audit('refused: access policy'));
      return { outcome: 'not-allowed', reply: denied };
    }

    if (v.step.allowed) {
      const groups = v.step.allowed.groups ? await this.o.groups.groupsOf(p.user) : [];
      if (!mayPress(v.step, { user: p.user, groups })) {
        await this.o.store.audit(p.runId, audit('refused: not allowed'));
        const who = [...(v.step.allowed.users ?? []).map((u) => `<@${u}>`), ...(v.step.allowed.groups ?? []).map(slackEscape)].join(', ');
        const unread = v.step.allowed.groups && this.o.groups.lastError ? ` (the bot could not read the user groups: ${this.o.groups.lastError})` : '';
        return { outcome: 'not-allowed', reply: `:no_entry: Only ${who} may do step ${v.number}, *${slackEscape(v.step.title)}*${unread}.` };
      }
    }
    const refused = refusal(v, p.verb, p.answer);
    if (refused) {
      await this.o.store.audit(p.runId, audit(`refused: ${v.status}`));
      return { outcome: 'refused', reply: refused };
    }

    const now = this.o.now();
    const from = v.record?.state;
    const record: StepRecord =
      p.verb === 'run'
        ? { state: 'running', by: p.user, startedBy: p.user, at: now }
        : p.verb === 'skip'
          ? { state: 'skipped', by: p.user, at: now }
          : p.verb === 'answer'
            ? { state: 'done', by: p.user, at: now, answer: p.answer! }
            : p.verb === 'escalate'
              ? { state: 'done', by: p.user, at: now, result: `mentioned ${v.step.kind === 'escalate' ? v.step.group : ''}` }
              : { state: 'done', by: p.user, at: now };
    const moved = await this.o.store.move(p.runId, p.stepId, from, record, audit(`moved to ${record.state}`));
    if (!moved.moved) {
      const lost = checklistView(run, { ...state, steps: { ...state.steps, ...(moved.current ? { [p.stepId]: moved.current } : {}) } }).steps.find((s) => s.step.id === p.stepId)!;
      const reply = refusal(lost, p.verb, p.answer) ?? `Step ${v.number} changed meanwhile; look at the checklist again.`;
      await this.o.store.audit(p.runId, audit(`lost: ${moved.current ? `already ${moved.current.state} by ${moved.current.by}` : 'changed meanwhile'}`));
      return { outcome: 'lost', reply };
    }

    let outcome: PressOutcome = { outcome: 'moved' };
    if (p.verb === 'run') outcome = await this.runStep(run, v, p.user);
    if (p.verb === 'escalate') {
      try {
        await this.postEscalation(run, v, p.user, '');
      } catch (err) {
        await this.o.store.move(p.runId, p.stepId, 'done', undefined, { at: this.o.now(), by: BOT_ACTOR, step: p.stepId, action: 'escalate', result: `back to do: ${oneLine(err)}` });
        outcome = { outcome: 'failed', reply: `:x: The escalation was not posted: ${oneLine(err)}` };
      }
    }
    await this.afterChange(p.runId);
    return outcome;
  }

  /** Enqueues a diagnostic step's `/debug` command as a request whose report comes to this thread. */
  private async runStep(run: ChecklistRun, v: StepView, user: string): Promise<PressOutcome> {
    const step = v.step;
    const back = async (why: string): Promise<PressOutcome> => {
      await this.o.store.move(run.id, step.id, 'running', undefined, { at: this.o.now(), by: BOT_ACTOR, step: step.id, action: 'run', result: `back to do: ${why}` });
      return { outcome: 'failed', reply: `:x: Step ${v.number} did not start: ${why}` };
    };
    if (step.kind !== 'diagnostic' || !step.tokens) return back('it needs values the run does not have');
    if (!this.o.enqueuer) return back('this process cannot enqueue requests');
    const text = commandText(step.tokens);
    let plan: Pick<EnqueueRequest, 'plan' | 'investigation' | 'observations'>;
    try {
      const parsed = parseCommand(text, this.o.diagnostics);
      if (parsed.kind === 'diagnostic') plan = { plan: [{ diagnostic: parsed.diagnostic, payload: parsed.payload }] };
      else if (parsed.kind === 'investigation') plan = { plan: parsed.investigation.steps.map((s) => ({ diagnostic: s.diagnostic, payload: s.payload })), investigation: investigationNote(parsed.investigation), observations: parsed.investigation.observations };
      else return back(`\`${shown(text)}\` is not a diagnostic`);
    } catch (err) {
      // A usage error is the runbook's (validated at start-up against this bot's diagnostics); anything else is said too, never left running.
      if (!(err instanceof UsageError)) this.o.logger.warn('checklist step command not parsed', { run: run.id, step: step.id, error: oneLine(err) });
      return back(shown(oneLine(err)));
    }
    const state = (await this.o.store.get(run.id))!.state;
    const attempt = (await this.o.store.auditTrail(run.id)).filter((e) => e.step === step.id && e.action === 'run' && e.result === 'moved to running').length;
    const requestId = 'r' + digest('checklist-step', run.id, step.id, String(attempt)).slice(0, 16);
    try {
      const statusTs = await this.o.slack.post({ channel: run.thread.channel, threadTs: run.thread.threadTs, text: `:mag: Step ${v.number}, *${shown(step.title)}* — \`/debug ${shown(text)}\` queued (\`${requestId}\`, by <@${user}>)` });
      await this.o.enqueuer.enqueue({
        requestId,
        title: `Runbook step ${v.number}: ${step.title}`,
        // A command with URL credentials is not kept as the report's Re-run button value.
        ...(hasUrlCredentials(text) ? {} : { command: text }),
        incidentKey: run.incidentKey ?? run.id,
        thread: { channel: run.thread.channel, threadTs: run.thread.threadTs, statusTs, requestedBy: user },
        ...plan,
        checklist: { runId: run.id, stepId: step.id },
      });
    } catch (err) {
      this.o.logger.warn('checklist step not enqueued', { run: run.id, step: step.id, error: oneLine(err) });
      return back(shown(oneLine(err)));
    }
    // Keep who pressed Run and the request id on the running record.
    await this.o.store.move(run.id, step.id, 'running', { ...state.steps[step.id]!, requestId }, { at: this.o.now(), by: BOT_ACTOR, step: step.id, action: 'run', result: 'enqueued', requestId });
    return { outcome: 'moved' };
  }

  private async postEscalation(run: ChecklistRun, v: StepView, by: string, why: string): Promise<void> {
    const ids = await this.o.groups.ids();
    await this.o.slack.post({ channel: run.thread.channel, threadTs: run.thread.threadTs, text: escalationText(v, by, ids, why) });
  }

  /**
   * A report job finished (the worker): a checklist step's request marks its step done; any
   * report of the run (an incident's investigation too) brings its top cause to the `when` rules.
   */
  async reportFinished(data: ReportJobData, report: Report): Promise<void> {
    const runId = data.checklist?.runId ?? (await this.o.store.runOfIncident(incidentId(data.incidentKey)));
    if (!runId) return;
    const got = await this.o.store.get(runId);
    if (!got) return;
    let changed = await this.o.store.setTopCause(runId, topCauseFinding(report.hypotheses));
    const stepId = data.checklist?.stepId;
    const rec = stepId ? got.state.steps[stepId] : undefined;
    if (stepId && rec?.state === 'running' && (rec.requestId === undefined || rec.requestId === data.requestId)) {
      const done: StepRecord = { state: 'done', by: BOT_ACTOR, at: this.o.now(), startedBy: rec.startedBy ?? rec.by, requestId: data.requestId, result: resultLine(report) };
      const moved = await this.o.store.move(runId, stepId, 'running', done, { at: this.o.now(), by: BOT_ACTOR, step: stepId, action: 'report', result: `moved to done: ${done.result}`, requestId: data.requestId });
      changed ||= moved.moved;
    }
    if (changed) await this.afterChange(runId);
  }

  /** A job of CHECKLIST_QUEUE (the worker). */
  async process(job: Job): Promise<void> {
    const j = { name: job.name, data: job.data } as ChecklistJob;
    if (j.name === 'remind') return this.remind(j.data.runId, j.data.stepId);
    if (j.name === 'escalate') return this.escalateUnclaimed(j.data.runId, j.data.stepId);
    throw new Error(`unknown checklist job "${job.name}"`);
  }

  /** The reminder of the step the thread waits on: said once, only if that step is still to do. */
  private async remind(runId: string, stepId: string): Promise<void> {
    const got = await this.o.store.get(runId);
    if (!got) return;
    const v = checklistView(got.run, got.state).steps.find((s) => s.step.id === stepId);
    if (v?.status !== 'todo' || v.step.remindAfterMinutes === undefined) return;
    if (await this.resolved(got.run)) return;
    if (!(await this.o.store.once(runId, `reminded:${stepId}`))) return;
    try {
      const text = reminderText(got.run, v, v.step.remindAfterMinutes, await this.o.groups.ids());
      await this.o.slack.post({ channel: got.run.thread.channel, threadTs: got.run.thread.threadTs, text });
    } catch (err) {
      await this.o.store.clearOnce(runId, `reminded:${stepId}`);
      throw err;
    }
    await this.o.store.audit(runId, { at: this.o.now(), by: BOT_ACTOR, step: stepId, action: 'reminder', result: `reminded after ${v.step.remindAfterMinutes} min` });
  }

  /** An escalate step's timer: nobody took a step in its minutes, so the bot escalates. */
  private async escalateUnclaimed(runId: string, stepId: string): Promise<void> {
    const got = await this.o.store.get(runId);
    if (!got) return;
    const v = checklistView(got.run, got.state).steps.find((s) => s.step.id === stepId);
    if (v?.status !== 'todo' || v.step.kind !== 'escalate') return;
    if (await this.resolved(got.run)) return;
    const why = `nobody took a step within ${v.step.afterMinutes} min`;
    const moved = await this.o.store.move(runId, stepId, undefined, { state: 'done', by: BOT_ACTOR, at: this.o.now(), result: why }, { at: this.o.now(), by: BOT_ACTOR, step: stepId, action: 'escalate', result: `moved to done: ${why}` });
    if (!moved.moved) return;
    await this.postEscalation(got.run, v, BOT_ACTOR, why);
    await this.afterChange(runId);
  }

  /** A run of an incident that has been resolved (said in the audit): its timers stay quiet. */
  private async resolved(run: ChecklistRun): Promise<boolean> {
    if (!run.incidentKey || !this.o.incidentOpen || (await this.o.incidentOpen(run.incidentKey))) return false;
    await this.o.store.audit(run.id, { at: this.o.now(), by: BOT_ACTOR, step: '', action: 'timer', result: 'quiet: the incident is resolved' });
    return true;
  }

  /** After any change: automatic escalations, the message, the reminder, the incident's progress, the prevention checklist. */
  private async afterChange(runId: string): Promise<void> {
    let got = await this.o.store.get(runId);
    if (!got) return;
    for (const auto of automaticEscalations(checklistView(got.run, got.state), got.state)) {
      const why = auto.action === 'skip' ? 'not needed: the steps were taken in time' : 'the steps before it are settled';
      const rec: StepRecord = auto.action === 'skip' ? { state: 'skipped', by: BOT_ACTOR, at: this.o.now(), result: why } : { state: 'done', by: BOT_ACTOR, at: this.o.now(), result: why };
      const moved = await this.o.store.move(runId, auto.view.step.id, undefined, rec, { at: this.o.now(), by: BOT_ACTOR, step: auto.view.step.id, action: auto.action, result: `moved to ${rec.state}: ${why}` });
      if (moved.moved && auto.action === 'escalate') await this.postEscalation(got.run, auto.view, BOT_ACTOR, why);
    }
    got = (await this.o.store.get(runId))!;
    const view = checklistView(got.run, got.state);
    await this.refresh(runId).catch((err: unknown) => this.o.logger.warn('checklist message not updated', { run: runId, error: oneLine(err) }));
    await this.reschedule(got.run, got.state, view);
    if (got.run.incidentKey && this.o.incidentProgress) {
      await this.o.incidentProgress(got.run.incidentKey, view.done, view.total).catch((err: unknown) => this.o.logger.warn('incident progress not updated', { run: runId, error: oneLine(err) }));
    }
    if (view.complete && (await this.o.store.once(runId, 'prevent'))) {
      try {
        await this.o.slack.post({ channel: got.run.thread.channel, threadTs: got.run.thread.threadTs, text: preventText(got.run, view) });
        await this.o.store.audit(runId, { at: this.o.now(), by: BOT_ACTOR, step: '', action: 'complete', result: `${view.done}/${view.total} steps; prevention checklist posted` });
      } catch (err) {
        await this.o.store.clearOnce(runId, 'prevent');
        throw err;
      }
    }
  }

  /** Edits the checklist message until it shows the latest version; one editor at a time (the others' changes are picked up by it). */
  private async refresh(runId: string): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const token = await this.o.store.lockRender(runId);
      if (!token) return;
      let shown = -1;
      try {
        const ts = await this.o.store.messageTs(runId);
        if (!ts) return;
        for (;;) {
          const got = (await this.o.store.get(runId))!;
          if (got.state.version <= (await this.o.store.renderedVersion(runId))) break;
          const r = renderChecklist(got.run, checklistView(got.run, got.state));
          await this.o.slack.update({ channel: got.run.thread.channel, ts, text: r.text, blocks: r.blocks });
          await this.o.store.setRenderedVersion(runId, got.state.version);
          shown = got.state.version;
        }
      } finally {
        await this.o.store.unlockRender(runId, token);
      }
      // A change that landed between the last check and the unlock has nobody rendering it: go again.
      if ((await this.o.store.version(runId)) <= Math.max(shown, await this.o.store.renderedVersion(runId))) return;
    }
  }

  /** The reminder follows the step the thread waits on; a timed escalation's job goes once its step moved. */
  private async reschedule(run: ChecklistRun, state: ChecklistState, view: ReturnType<typeof checklistView>): Promise<void> {
    const next = view.next;
    const wanted = next && next.step.remindAfterMinutes !== undefined ? next.step.id : '';
    const current = await this.o.store.scheduledReminder(run.id);
    if (current !== wanted) {
      if (current) await this.o.timers.remove(reminderJobId(run.id, current));
      if (wanted) await this.o.timers.add('remind', { runId: run.id, stepId: wanted }, { ...TIMER_OPTS, jobId: reminderJobId(run.id, wanted), delay: next!.step.remindAfterMinutes! * this.minuteMs });
      await this.o.store.setScheduledReminder(run.id, wanted);
    }
    for (const v of view.steps) {
      if (v.step.kind === 'escalate' && v.step.afterMinutes !== undefined && v.status !== 'todo' && state.steps[v.step.id]) await this.o.timers.remove(escalateJobId(run.id, v.step.id));
    }
  }
}
