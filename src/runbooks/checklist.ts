// The checklist a runbook run walks through in its thread, as plain data: the prepared runbook
// (fixed when the run starts), what people did to each step (stored in Redis by
// checklist-store.ts), and what follows from it — each step's state (to do, waiting, running,
// done, skipped, n/a), the progress "3/7", the step the thread waits on, whether it is complete,
// and which presses a step accepts now. Pure: the service (checklist-service.ts) does the I/O.
import { stepApplicability, type PreparedRunbook, type PreparedStep, type RunbookFindings } from './prepare-runbook.ts';
import type { Runbook } from './runbook-schema.ts';

/** A run of one runbook in one Slack thread. Fixed when it starts. */
export interface ChecklistRun {
  /** `k…` (started with /debug runbook) or `c…` (an incident's); safe in keys, job ids and button values. */
  id: string;
  runbook: PreparedRunbook;
  /** The thread: its root (the incident's parent, or the /debug runbook message). */
  thread: { channel: string; threadTs: string };
  /** Set when the run belongs to an incident: its progress shows in the incident's parent. */
  incidentKey?: string;
  /** Slack user id of who started it with /debug runbook. */
  startedBy?: string;
  /** Epoch ms. */
  startedAt: number;
}

/** What a step's stored record says; a step without one is to do. */
export interface StepRecord {
  state: 'running' | 'done' | 'skipped';
  /** Slack user id, or BOT_ACTOR for what the bot did itself (a report came in, a timer fired). */
  by: string;
  /** Epoch ms. */
  at: number;
  /** Who pressed Run, kept when the report marks a running step done. */
  startedBy?: string;
  /** A check's chosen answer id. */
  answer?: string;
  /** The request a diagnostic step ran as (`/debug status <id>`). */
  requestId?: string;
  /** One line: the report's top cause, why it was skipped, whom it escalated to. */
  result?: string;
}

/** The state people and reports have brought the run to (Redis). */
export interface ChecklistState {
  steps: Record<string, StepRecord>;
  /** The top cause of the reports so far; null: they ranked nothing plausible; absent: none yet. */
  topCause?: RunbookFindings['topCause'];
  /** Bumped by every change. */
  version: number;
}

/** `by` of what the bot did on its own. */
export const BOT_ACTOR = 'infdbg';

export type StepStatus = 'todo' | 'waiting' | 'running' | 'done' | 'skipped' | 'n/a';

export interface StepView {
  step: PreparedStep;
  /** 1-based, as people read it. */
  number: number;
  status: StepStatus;
  record?: StepRecord;
  /** For `waiting` and `n/a`: why, in words. */
  why?: string;
}

export interface ChecklistView {
  steps: StepView[];
  /** Steps done or skipped. */
  done: number;
  /** Steps that apply (all but n/a). */
  total: number;
  /** Every step done, skipped or n/a. */
  complete: boolean;
  /** The first step to do: the one the thread waits on (its reminder runs). */
  next?: StepView;
}

/** Answer id recorded for a check that was skipped or does not apply: every step behind it is n/a. */
const NO_ANSWER = '(none)';

/** stepApplicability reads only ids, kinds, answers' `next` and `when`, which a prepared step carries unchanged. */
function asRunbook(rb: PreparedRunbook): Pick<Runbook, 'steps'> {
  return rb as unknown as Pick<Runbook, 'steps'>;
}

function waitingWhy(step: PreparedStep, all: readonly PreparedStep[], answers: Record<string, string>): string {
  const gates = all.filter((s) => s.kind === 'check' && s.answers.some((a) => a.next.includes(step.id)) && answers[s.id] === undefined);
  if (step.when?.answer && answers[step.when.answer.step] === undefined) gates.push(all.find((s) => s.id === step.when!.answer!.step)!);
  if (gates.length) return `after step ${gates.map((g) => all.indexOf(g) + 1).join(' / ')} is answered`;
  return "once a report names the top cause";
}

/** Each step's state and the run's progress. */
export function checklistView(run: Pick<ChecklistRun, 'runbook'>, state: ChecklistState): ChecklistView {
  const steps = run.runbook.steps;
  const answers: Record<string, string> = {};
  for (const s of steps) {
    const r = state.steps[s.id];
    if (s.kind !== 'check' || !r) continue;
    if (r.state === 'done' && r.answer) answers[s.id] = r.answer;
    if (r.state === 'skipped') answers[s.id] = NO_ANSWER;
  }
  const topCause = state.topCause;
  const findings = (): RunbookFindings => ({ answers, ...(topCause !== undefined ? { topCause } : {}) });
  // A check that does not apply answers nothing: the steps behind it do not apply either (to a fixed point).
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of steps) {
      if (s.kind !== 'check' || answers[s.id] !== undefined || state.steps[s.id]) continue;
      if (stepApplicability(asRunbook(run.runbook), s.id, findings()) === 'not-applicable') {
        answers[s.id] = NO_ANSWER;
        changed = true;
      }
    }
  }
  const views: StepView[] = steps.map((step, i) => {
    const record = state.steps[step.id];
    const base = { step, number: i + 1, ...(record ? { record } : {}) };
    if (record) return { ...base, status: record.state };
    const a = stepApplicability(asRunbook(run.runbook), step.id, findings());
    if (a === 'not-applicable') return { ...base, status: 'n/a', why: step.when?.topCause && topCause !== undefined ? 'the top cause is not the one it is for' : 'the answer chosen leaves it out' };
    if (a === 'waiting') return { ...base, status: 'waiting', why: waitingWhy(step, steps, answers) };
    return { ...base, status: 'todo' };
  });
  const done = views.filter((v) => v.status === 'done' || v.status === 'skipped').length;
  const total = views.filter((v) => v.status !== 'n/a').length;
  const next = views.find((v) => v.status === 'todo');
  return { steps: views, done, total, complete: views.every((v) => v.status === 'done' || v.status === 'skipped' || v.status === 'n/a'), ...(next ? { next } : {}) };
}

/** What a button asks for. */
export type StepVerb = 'run' | 'done' | 'skip' | 'answer' | 'escalate';

/** The verbs a step of this kind and status offers (its buttons). */
export function stepVerbs(v: Pick<StepView, 'step' | 'status'>): StepVerb[] {
  if (v.status === 'waiting') return ['skip'];
  if (v.status !== 'todo') return [];
  switch (v.step.kind) {
    case 'diagnostic':
      return v.step.tokens ? ['run', 'skip'] : ['skip'];
    case 'manual':
      return ['done', 'skip'];
    case 'check':
      return ['answer', 'skip'];
    case 'escalate':
      return ['escalate', 'skip'];
  }
}

/** A button's value: which run, step, verb and (for a check) answer. At most 2000 characters (Slack's limit); ids are kebab-case. */
export function stepButtonValue(runId: string, stepId: string, verb: StepVerb, answer?: string): string {
  return [runId, stepId, verb, answer ?? ''].join('|');
}

export function parseStepButtonValue(value: string): { runId: string; stepId: string; verb: StepVerb; answer?: string } | null {
  const m = /^([ck][0-9a-f]{16,32})\|([a-z0-9]+(?:-[a-z0-9]+)*)\|(run|done|skip|answer|escalate)\|([a-z0-9]+(?:-[a-z0-9]+)*)?$/.exec(value);
  if (!m) return null;
  if ((m[3] === 'answer') !== Boolean(m[4])) return null;
  return { runId: m[1]!, stepId: m[2]!, verb: m[3] as StepVerb, ...(m[4] ? { answer: m[4] } : {}) };
}

/** Why a press does nothing now, for the person who pressed; undefined when it may go ahead. */
export function refusal(v: StepView, verb: StepVerb, answer?: string): string | undefined {
  const r = v.record;
  const when = (at: number) => `<!date^${Math.floor(at / 1000)}^{time}|${new Date(at).toISOString().slice(11, 16)} UTC>`;
  if (r?.state === 'done') return `Step ${v.number} is already done by ${actor(r.by)} at ${when(r.at)}${r.answer ? ` (answered "${answerLabel(v.step, r.answer)}")` : ''}.`;
  if (r?.state === 'skipped') return `Step ${v.number} was already skipped by ${actor(r.by)} at ${when(r.at)}.`;
  if (r?.state === 'running') return `Step ${v.number} is already running, started by ${actor(r.startedBy ?? r.by)} at ${when(r.at)}; its report comes to this thread.`;
  if (v.status === 'n/a') return `Step ${v.number} does not apply: ${v.why}.`;
  if (!stepVerbs(v).includes(verb)) return v.status === 'waiting' ? `Step ${v.number} waits: it applies ${v.why}.` : `Step ${v.number} cannot be ${verb === 'run' ? 'run (a value is missing)' : `marked ${verb}`}.`;
  if (verb === 'answer' && (v.step.kind !== 'check' || !v.step.answers.some((a) => a.id === answer))) return `Step ${v.number} has no answer "${answer}".`;
  return undefined;
}

export function answerLabel(step: PreparedStep, answer: string): string {
  return step.kind === 'check' ? (step.answers.find((a) => a.id === answer)?.label ?? answer) : answer;
}

/** A person as Slack shows them, or the bot. */
export function actor(by: string): string {
  return by === BOT_ACTOR ? 'the bot' : `<@${by}>`;
}

/** Escalate steps with a timer that nobody's work has made moot: still to do, and no person has moved a step yet. */
export function unclaimed(state: ChecklistState): boolean {
  return Object.values(state.steps).every((r) => r.by === BOT_ACTOR && (r.startedBy === undefined || r.startedBy === BOT_ACTOR));
}

/**
 * Escalate steps the bot settles by itself now: one without a timer once every step before it is
 * settled ("at once when reached"); one with a timer once a person has taken a step (it was not
 * needed: skipped).
 */
export function automaticEscalations(view: ChecklistView, state: ChecklistState): Array<{ view: StepView; action: 'escalate' | 'skip' }> {
  const out: Array<{ view: StepView; action: 'escalate' | 'skip' }> = [];
  const settled = (v: StepView) => v.status === 'done' || v.status === 'skipped' || v.status === 'n/a';
  view.steps.forEach((v, i) => {
    if (v.status !== 'todo' || v.step.kind !== 'escalate') return;
    if (v.step.afterMinutes !== undefined) {
      if (!unclaimed(state)) out.push({ view: v, action: 'skip' });
    } else if (view.steps.slice(0, i).every(settled)) out.push({ view: v, action: 'escalate' });
  });
  return out;
}
