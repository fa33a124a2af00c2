// What a runbook file in runbooks/ holds: one format for alert triage (what it matches, the
// investigation, the channel, the severity) and for the steps an incident thread walks through
// (diagnostics to run, manual commands to copy, questions, escalations) and the prevention
// checklist posted at the end. Validated with zod here; cross-field rules (step ids, variables,
// commands that must parse) are checked by load-runbooks.ts.
import { z } from 'zod';
import { CATEGORIES, LAYERS } from '../diagnosis/causes.ts';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Variable names: lower case, `_` allowed (`{{pod}}`, `{{slo_p99_ms}}`). */
export const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/;

const kebab = z.string().regex(KEBAB, 'must be kebab-case (a-z, 0-9, -)');
const text = z.string().trim().min(1);

/** A JavaScript regular expression, matched case-insensitively against at most 1024 characters of the value. */
const regex = z
  .string()
  .min(1)
  .max(500)
  .refine((s) => {
    try {
      new RegExp(s, 'i');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

/** Prometheus label name. */
const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a Prometheus label name');

/** Where a variable's value comes from in an alert, tried in order. */
export const VALUE_SOURCE = /^(?:(?:labels|annotations)\.[A-Za-z_][A-Za-z0-9_]*|pagerduty\.(?:title|service|serviceId|urgency|priority|incidentId|htmlUrl)|alert\.(?:title|generatorUrl|externalUrl|source))$/;

/** A Slack channel id (C…, G…) or a public channel name (#incidents). */
const channel = z.string().regex(/^(?:[CG][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79})$/, 'a Slack channel id (C0123ABCD) or #channel-name');
/** A Slack user group id (S…) or its handle (@ml-oncall, resolved by the bot). */
const userGroup = z.string().regex(/^(?:S[A-Z0-9]{2,}|@[a-z0-9][a-z0-9._-]{0,79})$/, 'a Slack user group id (S0123ABCD) or @handle');
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id (U0123ABCD)');
const symptomWord = z.string().regex(/^[a-z0-9-]+\*?$/, 'symptom words are lower case (a trailing * matches a prefix)');

/** A variable: a value for the templates, from the command line, else the alert, else the default. */
export const variableSchema = z.strictObject({
  /** Alert fields tried in order: `labels.pod`, `annotations.service_url`, `pagerduty.service`, `alert.title`. */
  from: z.array(z.string().regex(VALUE_SOURCE, 'labels.<name>, annotations.<name>, pagerduty.<field> or alert.<field>')).default([]),
  /** Used when neither the command line nor the alert gives one; may use other variables (`http://{{service}}.{{namespace}}:8080`). */
  default: text.optional(),
  /** A typical value, used only to check the commands at start-up (never filled in for a person). */
  example: text.optional(),
  /** A value must match this (anchored by the author), else it is refused with a note. */
  pattern: regex.optional(),
  description: text.optional(),
});
export type RunbookVariable = z.infer<typeof variableSchema>;

/**
 * One way an alert is recognised: every condition given must hold. A runbook's `match` lists
 * alternatives (any one suffices), e.g. the Alertmanager alertnames and the PagerDuty title.
 */
export const matchRuleSchema = z
  .strictObject({
    /** The alert's `alertname` label is one of these (exact). */
    alertname: z.array(text).min(1).optional(),
    /** … or matches this regex (case-insensitive). */
    alertnameRegex: regex.optional(),
    /** Every label equal. */
    labels: z.record(labelName, z.string()).optional(),
    /** Every label matching its regex. */
    labelsRegex: z.record(labelName, regex).optional(),
    pagerduty: z
      .strictObject({
        /** PagerDuty service name, one of (exact, case-insensitive). */
        service: z.array(text).min(1).optional(),
        serviceRegex: regex.optional(),
        urgency: z.enum(['high', 'low']).optional(),
        /** Priority name, one of (e.g. P1, P2). */
        priority: z.array(text).min(1).optional(),
        titleRegex: regex.optional(),
      })
      .optional(),
    /** At least one of these words in the alert's name, title, summary or description. */
    symptoms: z.array(symptomWord).min(1).optional(),
  })
  .refine((r) => Object.keys(r).length > 0, 'a match rule needs at least one condition');
export type MatchRule = z.infer<typeof matchRuleSchema>;

/** Who may press a step's buttons; absent: anyone in the channel. */
export const allowedSchema = z
  .strictObject({
    users: z.array(userId).min(1).optional(),
    groups: z.array(userGroup).min(1).optional(),
  })
  .refine((a) => a.users || a.groups, 'name users or groups');
export type Allowed = z.infer<typeof allowedSchema>;

/** A condition on what earlier steps found; every part given must hold. */
export const whenSchema = z
  .strictObject({
    /** The investigation's top-ranked cause (not `unlikely`): any of the ids, categories or layers given. */
    topCause: z
      .strictObject({
        id: z.array(kebab).min(1).optional(),
        category: z.array(z.enum(CATEGORIES)).min(1).optional(),
        layer: z.array(z.enum(LAYERS)).min(1).optional(),
      })
      .refine((t) => t.id || t.category || t.layer, 'name id, category or layer')
      .optional(),
    /** An earlier check step was answered with one of these answers. */
    answer: z.strictObject({ step: kebab, is: z.array(kebab).min(1) }).optional(),
  })
  .refine((w) => w.topCause || w.answer, 'name topCause or answer');
export type StepCondition = z.infer<typeof whenSchema>;

const stepBase = {
  /** Stable id (kebab-case): buttons, state and audit refer to it. */
  id: kebab,
  title: text,
  /** What to do or look for, for a person (templated). */
  text: text.optional(),
  when: whenSchema.optional(),
  allowed: allowedSchema.optional(),
  /** Minutes unclaimed before a reminder mentions the runbook's reminder group; overrides `reminders.afterMinutes`. */
  remindAfterMinutes: z.number().int().min(1).max(1440).optional(),
};

export const stepSchema = z.discriminatedUnion('kind', [
  /** Runs a `/debug` command (a diagnostic or `investigate`), templated; its report goes to the thread. */
  z.strictObject({ ...stepBase, kind: z.literal('diagnostic'), command: text }),
  /** Something a person does; `commands` are shown to copy and never executed by the bot. */
  z.strictObject({ ...stepBase, kind: z.literal('manual'), commands: z.array(text).default([]) }),
  /** A question; the answer picks which of the later steps apply (`next`). */
  z.strictObject({
    ...stepBase,
    kind: z.literal('check'),
    question: text,
    answers: z
      .array(z.strictObject({ id: kebab, label: z.string().trim().min(1).max(75), next: z.array(kebab).default([]) }))
      .min(2)
      .max(5),
  }),
  /** Mentions a Slack user group: at once when reached, or after `afterMinutes` with the runbook's steps unclaimed. */
  z.strictObject({ ...stepBase, kind: z.literal('escalate'), group: userGroup, afterMinutes: z.number().int().min(1).max(1440).optional() }),
]);
export type RunbookStep = z.infer<typeof stepSchema>;
export type StepKind = RunbookStep['kind'];

export const SEVERITY_LEVELS = ['critical', 'high', 'warning', 'info'] as const;

/** The checklist posted when the incident ends: what would catch it earlier next time. */
export const preventSchema = z.strictObject({
  /** Prometheus alerting rules to add (templated). */
  alerts: z
    .array(
      z.strictObject({
        alert: z.string().regex(/^[A-Za-z_:][A-Za-z0-9_:]*$/, 'a Prometheus alert name'),
        expr: text,
        /** Prometheus duration, e.g. `10m`. */
        for: z.string().regex(/^\d+[smhd]$/, 'a duration like 5m').optional(),
        severity: z.enum(['critical', 'warning', 'info']).optional(),
        why: text,
      }),
    )
    .default([]),
  tests: z.array(text).default([]),
  monitoring: z.array(text).default([]),
});

export const runbookSchema = z.strictObject({
  /** Equals the file name without `.yaml`. */
  name: kebab,
  title: text,
  category: z.enum(CATEGORIES),
  description: text.optional(),
  /** The incident's severity; absent: the alert's own (severity label, PagerDuty urgency/priority). */
  severity: z.enum(SEVERITY_LEVELS).optional(),
  /** Alternatives; empty: the runbook is only started by hand. */
  match: z.array(matchRuleSchema).default([]),
  variables: z.record(z.string().regex(VARIABLE_NAME, 'variable names are lower case, a-z 0-9 _'), variableSchema).default({}),
  /** The `/debug investigate` arguments triage runs, templated; a `[…]` part only when all its variables have values. */
  investigate: text.optional(),
  /** Where the incident thread goes; first hit wins: byService, byTeam, byLabel, default, then INCIDENT_CHANNEL. */
  channel: z
    .strictObject({
      /** PagerDuty service name or the alert's `service` label → channel. */
      byService: z.record(z.string().min(1), channel).optional(),
      /** The alert's `team` label → channel. */
      byTeam: z.record(z.string().min(1), channel).optional(),
      /** label name → value → channel. */
      byLabel: z.record(labelName, z.record(z.string().min(1), channel)).optional(),
      default: channel.optional(),
    })
    .optional(),
  /** Reminders for unclaimed steps: after how many minutes, mentioning whom. */
  reminders: z.strictObject({ afterMinutes: z.number().int().min(1).max(1440), group: userGroup }).optional(),
  /** Default for every step's `allowed`. */
  allowed: allowedSchema.optional(),
  /** In order; at most 25 (one checklist message in the thread holds them all). */
  steps: z.array(stepSchema).min(1).max(25),
  prevent: preventSchema.default({ alerts: [], tests: [], monitoring: [] }),
});
export type Runbook = z.infer<typeof runbookSchema>;

/** A validated runbook and the file it came from (e.g. `runbooks/high-latency.yaml`). */
export interface LoadedRunbook extends Runbook {
  file: string;
}
