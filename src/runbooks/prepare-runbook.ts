// A runbook made concrete for one run: its variables resolved (command line, alert, defaults),
// every template filled, each step's effective reminder and permissions; plus the rules the
// checklist applies while it runs — which steps apply given the findings so far (a check's
// answer, the investigation's top cause) and who may press a step's buttons. Pure.
import { defaultCauses, type Category, type Layer } from '../diagnosis/causes.ts';
import type { Hypothesis } from '../report/model.ts';
import type { Allowed, Runbook, RunbookStep, StepCondition } from './runbook-schema.ts';
import { fillCommand, fillText, resolveVariables, type ResolveOptions, type ResolvedVariables } from './template.ts';

interface PreparedBase {
  id: string;
  title: string;
  text?: string;
  when?: StepCondition;
  allowed?: Allowed;
  /** Minutes unclaimed before a reminder (the step's, else the runbook's); undefined: none. */
  remindAfterMinutes?: number;
  /** Variables the step needs that have no value. */
  missing: string[];
}

export type PreparedStep = PreparedBase &
  (
    | { kind: 'diagnostic'; /** null while a variable is missing. */ tokens: string[] | null; /** For display, `<name>` for what is missing. */ command: string }
    | { kind: 'manual'; commands: string[] }
    | { kind: 'check'; question: string; answers: Array<{ id: string; label: string; next: string[] }> }
    | { kind: 'escalate'; group: string; afterMinutes?: number }
  );

export interface PreparedRunbook {
  name: string;
  title: string;
  category: Category;
  file?: string;
  variables: ResolvedVariables;
  /** The `/debug investigate` tokens, null while a required variable is missing; absent when the runbook names none. */
  investigate?: { tokens: string[] | null; command: string; missing: string[] };
  reminders?: { afterMinutes: number; group: string };
  steps: PreparedStep[];
  prevent: {
    alerts: Array<{ alert: string; expr: string; for?: string; severity?: string; why: string }>;
    tests: string[];
    monitoring: string[];
  };
}

function prepareStep(step: RunbookStep, runbook: Runbook, values: Record<string, string>): PreparedStep {
  const missing = new Set<string>();
  const text = (t: string) => {
    const r = fillText(t, values);
    r.missing.forEach((m) => missing.add(m));
    return r.text;
  };
  const remind = step.remindAfterMinutes ?? runbook.reminders?.afterMinutes;
  const allowed = step.allowed ?? runbook.allowed;
  const base = {
    id: step.id,
    title: text(step.title),
    ...(step.text ? { text: text(step.text) } : {}),
    ...(step.when ? { when: step.when } : {}),
    ...(allowed ? { allowed } : {}),
    ...(remind !== undefined ? { remindAfterMinutes: remind } : {}),
  };
  let prepared: PreparedStep;
  switch (step.kind) {
    case 'diagnostic': {
      const c = fillCommand(step.command, values);
      c.missing.forEach((m) => missing.add(m));
      prepared = { ...base, kind: 'diagnostic', tokens: c.tokens, command: c.text, missing: [] };
      break;
    }
    case 'manual':
      prepared = { ...base, kind: 'manual', commands: step.commands.map(text), missing: [] };
      break;
    case 'check':
      prepared = { ...base, kind: 'check', question: text(step.question), answers: step.answers.map((a) => ({ id: a.id, label: text(a.label), next: a.next })), missing: [] };
      break;
    case 'escalate':
      prepared = { ...base, kind: 'escalate', group: step.group, ...(step.afterMinutes !== undefined ? { afterMinutes: step.afterMinutes } : {}), missing: [] };
      break;
  }
  prepared.missing = [...missing];
  return prepared;
}

/** Resolves the variables (see resolveVariables) and fills every template of the runbook. */
export function prepareRunbook(runbook: Runbook & { file?: string }, opts: ResolveOptions = {}): PreparedRunbook {
  const variables = resolveVariables(runbook, opts);
  const v = variables.values;
  const text = (t: string) => fillText(t, v).text;
  return {
    name: runbook.name,
    title: runbook.title,
    category: runbook.category,
    ...(runbook.file ? { file: runbook.file } : {}),
    variables,
    ...(runbook.investigate ? { investigate: (({ tokens, text: command, missing }) => ({ tokens, command, missing }))(fillCommand(runbook.investigate, v)) } : {}),
    ...(runbook.reminders ? { reminders: runbook.reminders } : {}),
    steps: runbook.steps.map((s) => prepareStep(s, runbook, v)),
    prevent: {
      alerts: runbook.prevent.alerts.map((a) => ({ ...a, expr: text(a.expr), why: text(a.why) })),
      tests: runbook.prevent.tests.map(text),
      monitoring: runbook.prevent.monitoring.map(text),
    },
  };
}

/** What earlier steps found, for `when` conditions and check branches. */
export interface RunbookFindings {
  /** The investigation's top cause; null: it ran and ranked nothing plausible; undefined: not known yet. */
  topCause?: { id: string; category: string; layer?: Layer } | null;
  /** Check step id → the answer id chosen. */
  answers?: Record<string, string>;
}

/** `applies`: show it as to do; `not-applicable`: its condition is false (n/a); `waiting`: it depends on something not known yet. */
export type StepApplicability = 'applies' | 'not-applicable' | 'waiting';

/**
 * Whether a step applies: a step named in a check's answers applies only once one of those
 * answers is chosen; a `when` condition must hold on the findings.
 */
export function stepApplicability(runbook: Pick<Runbook, 'steps'>, stepId: string, findings: RunbookFindings): StepApplicability {
  const step = runbook.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`no step "${stepId}"`);
  const answers = findings.answers ?? {};
  let waiting = false;
  for (const check of runbook.steps) {
    if (check.kind !== 'check' || !check.answers.some((a) => a.next.includes(stepId))) continue;
    const chosen = answers[check.id];
    if (chosen === undefined) waiting = true;
    else if (!check.answers.find((a) => a.id === chosen)?.next.includes(stepId)) return 'not-applicable';
  }
  const when = step.when;
  if (when?.answer) {
    const chosen = answers[when.answer.step];
    if (chosen === undefined) waiting = true;
    else if (!when.answer.is.includes(chosen)) return 'not-applicable';
  }
  if (when?.topCause) {
    const top = findings.topCause;
    if (top === undefined) waiting = true;
    else if (top === null) return 'not-applicable';
    else {
      const t = when.topCause;
      const hit = (t.id?.includes(top.id) ?? false) || (t.category?.includes(top.category as Category) ?? false) || (top.layer !== undefined && (t.layer?.includes(top.layer) ?? false));
      if (!hit) return 'not-applicable';
    }
  }
  return waiting ? 'waiting' : 'applies';
}

/** The top cause of a ranking for `when.topCause`: the first hypothesis not `unlikely`, with its layer from the catalogue; null when none. */
export function topCauseFinding(hypotheses: readonly Hypothesis[]): NonNullable<RunbookFindings['topCause']> | null {
  const top = hypotheses.find((h) => h.likelihood !== 'unlikely');
  if (!top) return null;
  const layer = defaultCauses().find((c) => c.id === top.cause)?.layer;
  return { id: top.cause, category: top.category, ...(layer ? { layer } : {}) };
}

/**
 * Whether a person may press a step's buttons: anyone when the step (or the runbook) names no one;
 * else when their user id is listed or one of their user groups (ids or @handles, as the checklist
 * resolved them) is.
 */
export function mayPress(step: { allowed?: Allowed }, who: { user: string; groups?: readonly string[] }): boolean {
  const a = step.allowed;
  if (!a) return true;
  if (a.users?.includes(who.user)) return true;
  return (who.groups ?? []).some((g) => a.groups?.includes(g));
}
