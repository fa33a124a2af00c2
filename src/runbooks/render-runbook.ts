// Runbooks for people: the Markdown a terminal prints for `infdbg runbook <name>` (steps, commands
// to copy, the results of the diagnostic steps that ran, the prevention checklist), and the Slack
// text for `/debug runbooks` (what each one matches) and `/debug runbook <name>` (its steps).
import { stringify } from 'yaml';
import type { PreparedRunbook, PreparedStep } from './prepare-runbook.ts';
import type { LoadedRunbook, MatchRule, StepCondition } from './runbook-schema.ts';

/** One rule in words: `alertname KubePodCrashLooping, KubePodNotReady; namespace=ml`. */
function describeRule(r: MatchRule): string {
  const parts: string[] = [];
  if (r.alertname) parts.push(`alertname ${r.alertname.join(', ')}`);
  if (r.alertnameRegex) parts.push(`alertname ~ /${r.alertnameRegex}/`);
  for (const [k, v] of Object.entries(r.labels ?? {})) parts.push(`${k}=${v}`);
  for (const [k, v] of Object.entries(r.labelsRegex ?? {})) parts.push(`${k} ~ /${v}/`);
  const pd = r.pagerduty;
  if (pd?.service) parts.push(`PagerDuty service ${pd.service.join(', ')}`);
  if (pd?.serviceRegex) parts.push(`PagerDuty service ~ /${pd.serviceRegex}/`);
  if (pd?.urgency) parts.push(`urgency ${pd.urgency}`);
  if (pd?.priority) parts.push(`priority ${pd.priority.join(', ')}`);
  if (pd?.titleRegex) parts.push(`PagerDuty title ~ /${pd.titleRegex}/`);
  if (r.symptoms) parts.push(`words ${r.symptoms.join(', ')}`);
  return parts.join('; ');
}

/** What a runbook matches, its rules joined by "or"; `started by hand only` when it has none. */
export function describeMatch(runbook: Pick<LoadedRunbook, 'match'>): string {
  return runbook.match.length ? runbook.match.map(describeRule).join(' — or — ') : 'started by hand only';
}

function describeWhen(w: StepCondition, steps: readonly PreparedStep[]): string {
  const parts: string[] = [];
  if (w.topCause) {
    const t = w.topCause;
    parts.push(`the investigation's top cause is ${[t.id && `one of ${t.id.join(', ')}`, t.category && `a ${t.category.join(' / ')} problem`, t.layer && `in the ${t.layer.join(' / ')} layer`].filter(Boolean).join(' or ')}`);
  }
  if (w.answer) {
    const check = steps.find((s) => s.id === w.answer!.step);
    const labels = w.answer.is.map((a) => (check?.kind === 'check' ? (check.answers.find((x) => x.id === a)?.label ?? a) : a));
    parts.push(`step "${check?.title ?? w.answer.step}" was answered ${labels.map((l) => `"${l}"`).join(' or ')}`);
  }
  return parts.join(', and ');
}

/** The check answers that lead to a step, as `"Model inference is slow" at step 3`. */
function gatedBy(step: PreparedStep, steps: readonly PreparedStep[]): string[] {
  return steps.flatMap((s, i) => (s.kind === 'check' ? s.answers.filter((a) => a.next.includes(step.id)).map((a) => `"${a.label}" at step ${i + 1}`) : []));
}

/** What happened to a step in a terminal run. */
export interface StepOutcome {
  state: 'ran' | 'failed' | 'not-run' | 'not-applicable';
  /** Why it did not run, or the failure. */
  detail?: string;
  /** The diagnostic's own Markdown report. */
  markdown?: string;
}

const demote = (md: string) => md.replace(/^(#{1,5}) /gm, '$1### ');
const fence = (lang: string, body: string) => `\`\`\`${lang}\n${body.replace(/```/g, '`\u200b``')}\n\`\`\``;

/** The Markdown `infdbg runbook <name>` prints. `outcomes`: per step id, what the terminal run did. */
export function renderRunbookMarkdown(rb: PreparedRunbook, match: string, outcomes: ReadonlyMap<string, StepOutcome> = new Map(), topCause?: string): string {
  const out: string[] = [`# Runbook: ${rb.title} (\`${rb.name}\`)`, '', `Category: ${rb.category}${rb.file ? ` · ${rb.file}` : ''}`, `Matches: ${match}`, ''];
  const names = Object.keys(rb.variables.origins).concat(rb.variables.missing);
  if (names.length) {
    out.push('## Variables', '', '| variable | value | from |', '|---|---|---|');
    for (const [name, o] of Object.entries(rb.variables.origins)) out.push(`| ${name} | \`${rb.variables.values[name]}\` | ${o.field ?? o.origin} |`);
    for (const name of rb.variables.missing) out.push(`| ${name} | — | give \`${name}=…\` |`);
    out.push('');
  }
  for (const n of rb.variables.notes) out.push(`> note: ${n}`);
  if (rb.investigate) out.push(`Triage runs: \`/debug investigate ${rb.investigate.command}\``, '');
  if (topCause) out.push(`Top cause from the steps that ran: **${topCause}**`, '');

  out.push('## Steps', '');
  rb.steps.forEach((s, i) => {
    out.push(`### ${i + 1}. ${s.title} (${s.kind})`, '');
    const gates = gatedBy(s, rb.steps);
    if (gates.length) out.push(`_Only after answering ${gates.join(' or ')}._`);
    if (s.when) out.push(`_Only when ${describeWhen(s.when, rb.steps)}._`);
    if (s.allowed) out.push(`_Who may do it: ${[...(s.allowed.users ?? []).map((u) => `<@${u}>`), ...(s.allowed.groups ?? [])].join(', ')}._`);
    if (s.text) out.push('', s.text.trim());
    switch (s.kind) {
      case 'diagnostic':
        out.push('', `\`/debug ${s.command}\` — in a terminal: \`infdbg ${s.command}\``);
        break;
      case 'manual':
        if (s.commands.length) out.push('', 'Run by hand (the bot never does):', '', fence('sh', s.commands.join('\n')));
        break;
      case 'check':
        out.push('', `**${s.question}**`, '', ...s.answers.map((a) => `- ${a.label}${a.next.length ? ` → ${a.next.map((n) => `step ${rb.steps.findIndex((x) => x.id === n) + 1}`).join(', ')}` : ''}`));
        break;
      case 'escalate':
        out.push('', `Escalate to ${s.group}${s.afterMinutes ? ` if the incident is unclaimed after ${s.afterMinutes} min` : ''}.`);
        break;
    }
    if (s.missing.length) out.push('', `Needs: ${s.missing.map((m) => `\`${m}=…\``).join(', ')}`);
    const o = outcomes.get(s.id);
    if (o?.state === 'ran' && o.markdown) out.push('', '**Result:**', '', demote(o.markdown.trim()));
    else if (o) out.push('', `**${o.state === 'failed' ? 'Failed' : o.state === 'not-applicable' ? 'n/a' : 'Not run'}:** ${o.detail ?? ''}`.trimEnd());
    out.push('');
  });

  const p = rb.prevent;
  if (p.alerts.length || p.tests.length || p.monitoring.length) {
    out.push('## Prevent', '');
    if (p.alerts.length) {
      out.push('Alerts to add (Prometheus rules):', '');
      const rules = p.alerts.map((a) => ({ alert: a.alert, expr: a.expr, ...(a.for ? { for: a.for } : {}), ...(a.severity ? { labels: { severity: a.severity } } : {}), annotations: { summary: a.why } }));
      out.push(fence('yaml', stringify(rules, { lineWidth: 0 }).trimEnd()), '');
    }
    if (p.tests.length) out.push('Tests:', '', ...p.tests.map((t) => `- [ ] ${t}`), '');
    if (p.monitoring.length) out.push('Monitoring:', '', ...p.monitoring.map((t) => `- [ ] ${t}`), '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Slack mrkdwn: `&`, `<`, `>` escaped so a value never becomes a mention or a link. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `/debug runbooks`: each runbook with its category and what it matches. */
export function runbookListText(runbooks: readonly LoadedRunbook[]): string {
  if (runbooks.length === 0) return 'No runbooks are loaded (RUNBOOKS_DIR is empty).';
  return [
    `*Runbooks* (${runbooks.length}) — \`/debug runbook <name> [var=value …]\` shows one:`,
    ...runbooks.map((r) => `• *${r.name}* — ${slackEscape(r.title)} (${r.category}): ${slackEscape(describeMatch(r))}`),
  ].join('\n');
}

const SLACK_TEXT_LIMIT = 3500;

/** `/debug runbook <name>`: the steps filled with the given values, as Slack text. */
export function runbookPreviewText(rb: PreparedRunbook): string {
  const lines = [`*${slackEscape(rb.title)}* (\`${rb.name}\`, ${rb.category})`];
  if (rb.variables.missing.length) lines.push(`_Give ${rb.variables.missing.map((m) => `\`${m}=…\``).join(' ')} to fill in the rest._`);
  rb.steps.forEach((s, i) => {
    const detail =
      s.kind === 'diagnostic' ? `\`/debug ${slackEscape(s.command)}\`` : s.kind === 'manual' ? s.commands.map((c) => `\`${slackEscape(c)}\``).join(' ') : s.kind === 'check' ? `${slackEscape(s.question)} (${s.answers.map((a) => slackEscape(a.label)).join(' / ')})` : `escalate to ${slackEscape(s.group)}`;
    lines.push(`${i + 1}. *${slackEscape(s.title)}* — ${detail}`);
  });
  const text = lines.join('\n');
  return text.length > SLACK_TEXT_LIMIT ? `${text.slice(0, SLACK_TEXT_LIMIT)}…\n(more: \`infdbg runbook ${rb.name}\`)` : text;
}
