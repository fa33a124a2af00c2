// The checklist as people see it in the thread: one message (edited in place as steps move) with
// each step's state, who moved it and when, and its buttons; the reminder and escalation replies;
// and the prevention checklist posted once every step is settled. Pure Block Kit within Slack's
// limits (50 blocks, 3000 characters a section): a long runbook sheds detail before it sheds steps.
import type { types } from '@slack/bolt';
import { stringify } from 'yaml';
import { actor, answerLabel, stepButtonValue, stepVerbs, type ChecklistRun, type ChecklistView, type StepView, type StepVerb } from './checklist.ts';
import { slackEscape } from './render-runbook.ts';

type KnownBlock = types.KnownBlock;

/** Every checklist button's action_id starts so (handlers/actions/checklist.ts answers them). */
export const CHECKLIST_ACTION_PREFIX = 'infdbg_checklist_';
export const CHECKLIST_ACTION_PATTERN = /^infdbg_checklist_/;

/** `scheme://user:password@` in a value from an alert: shown as `scheme://***@`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** Text for Slack from a runbook or its values: URL credentials masked, `& < >` escaped. */
export function shown(s: string): string {
  return slackEscape(s.replace(URL_CREDENTIALS, '$1***@'));
}

/** Whether a command carries URL credentials (then it is not offered as a Re-run button's value). */
export function hasUrlCredentials(s: string): boolean {
  return new RegExp(URL_CREDENTIALS.source, 'i').test(s);
}

const MAX_BLOCKS = 50;
/** About what Slack accepts for a message's blocks in all. */
const MAX_BLOCKS_JSON = 12_000;
const SECTION_LIMIT = 3000;

const EMOJI: Record<StepView['status'], string> = {
  todo: ':white_large_square:',
  waiting: ':double_vertical_bar:',
  running: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  skipped: ':fast_forward:',
  'n/a': ':heavy_minus_sign:',
};

/** A time as Slack shows it in each reader's zone, with a UTC fallback. */
export function slackTime(at: number): string {
  return `<!date^${Math.floor(at / 1000)}^{date_short_pretty} {time}|${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')}>`;
}

/**
 * A user group for a mention: `<!subteam^S…>` when its id is known (Slack notifies its members),
 * else its handle as plain text.
 */
export function groupMention(group: string, ids: ReadonlyMap<string, string>): string {
  const id = group.startsWith('S') ? group : ids.get(group);
  return id ? `<!subteam^${id}>` : slackEscape(group);
}

function stateLine(v: StepView): string {
  const r = v.record;
  switch (v.status) {
    case 'todo':
      return 'to do';
    case 'waiting':
      return `waiting — ${v.why}`;
    case 'n/a':
      return `n/a — ${v.why}`;
    case 'running':
      return `running — started by ${actor(r!.startedBy ?? r!.by)} ${slackTime(r!.at)}${r!.requestId ? ` (\`${r!.requestId}\`)` : ''}`;
    case 'done': {
      const what = r!.answer ? `answered *${shown(answerLabel(v.step, r!.answer))}*` : 'done';
      const by = r!.startedBy && r!.startedBy !== r!.by ? `run by ${actor(r!.startedBy)}, report ${slackTime(r!.at)}` : `by ${actor(r!.by)} ${slackTime(r!.at)}`;
      return `${what} ${by}${r!.result ? ` — ${shown(r!.result)}` : ''}`;
    }
    case 'skipped':
      return `skipped by ${actor(r!.by)} ${slackTime(r!.at)}${r!.result ? ` — ${shown(r!.result)}` : ''}`;
  }
}

interface Detail {
  text: boolean;
  commands: boolean;
}

function stepDetail(v: StepView, detail: Detail): string[] {
  if (v.status !== 'todo' && v.status !== 'waiting') return [];
  const s = v.step;
  const out: string[] = [];
  if (detail.text && s.text) out.push(`_${shown(s.text.trim().slice(0, 300))}_`);
  switch (s.kind) {
    case 'diagnostic':
      out.push(`\`/debug ${shown(s.command)}\`${s.tokens ? '' : ` — needs ${s.missing.map((m) => `\`${m}=…\``).join(' ')} (give it with \`/debug runbook\`)`}`);
      break;
    case 'manual':
      if (detail.commands && s.commands.length) out.push('```' + s.commands.map(shown).join('\n').replace(/```/g, '`\u200b``').slice(0, 1200) + '```');
      break;
    case 'check':
      out.push(`*${shown(s.question)}*`);
      break;
    case 'escalate':
      out.push(s.afterMinutes !== undefined ? `Mentions ${shown(s.group)} if nobody takes a step within ${s.afterMinutes} min.` : `Mentions ${shown(s.group)} once the steps before it are settled.`);
      break;
  }
  return out;
}

const LABEL: Record<Exclude<StepVerb, 'answer'>, string> = { run: 'Run', done: 'Done', skip: 'Skip', escalate: 'Escalate now' };

function buttons(run: ChecklistRun, v: StepView): KnownBlock | undefined {
  const verbs = stepVerbs(v);
  if (!verbs.length) return undefined;
  const elements: types.Button[] = [];
  for (const verb of verbs) {
    if (verb === 'answer' && v.step.kind === 'check') {
      v.step.answers.forEach((a, i) => elements.push({ type: 'button', action_id: `${CHECKLIST_ACTION_PREFIX}answer_${i}`, text: { type: 'plain_text', text: a.label.slice(0, 75) }, value: stepButtonValue(run.id, v.step.id, 'answer', a.id) }));
    } else if (verb !== 'answer') {
      elements.push({
        type: 'button',
        action_id: `${CHECKLIST_ACTION_PREFIX}${verb}`,
        text: { type: 'plain_text', text: LABEL[verb] },
        value: stepButtonValue(run.id, v.step.id, verb),
        ...(verb === 'run' || verb === 'done' ? { style: 'primary' as const } : {}),
      });
    }
  }
  return { type: 'actions', block_id: `step-${v.step.id}`, elements };
}

function headLine(run: ChecklistRun, view: ChecklistView): string {
  const rb = run.runbook;
  const where = run.incidentKey ? 'for this incident' : run.startedBy ? `started by <@${run.startedBy}>` : '';
  const lines = [`:clipboard: *Runbook: ${shown(rb.title)}* (\`${rb.name}\`) · steps ${view.done}/${view.total}${where ? ` · ${where}` : ''}${view.complete ? ' · :checkered_flag: complete' : ''}`];
  if (rb.variables.missing.length) {
    const names = rb.variables.missing.map((m) => `\`${m}\``).join(', ');
    lines.push(
      run.incidentKey
        ? `_The alert does not give ${names}: the steps that need them show a placeholder and can only be skipped here (or run by hand with the value)._`
        : `_Not known: ${names} — start it with \`/debug runbook ${rb.name} ${rb.variables.missing.map((m) => `${m}=…`).join(' ')}\` to fill the steps that need them._`,
    );
  }
  for (const n of rb.variables.notes.slice(0, 3)) lines.push(`:warning: ${shown(n)}`);
  return lines.join('\n');
}

function render(run: ChecklistRun, view: ChecklistView, detail: Detail, collapseSettled: boolean): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: headLine(run, view).slice(0, SECTION_LIMIT) } }];
  const settled: string[] = [];
  for (const v of view.steps) {
    const line = `${EMOJI[v.status]} *${v.number}. ${shown(v.step.title)}* — ${stateLine(v)}`;
    if (collapseSettled && (v.status === 'done' || v.status === 'skipped' || v.status === 'n/a')) {
      settled.push(line);
      continue;
    }
    if (settled.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: settled.splice(0).join('\n').slice(0, SECTION_LIMIT) } });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: [line, ...stepDetail(v, detail)].join('\n').slice(0, SECTION_LIMIT) } });
    const b = buttons(run, v);
    if (b) blocks.push(b);
  }
  if (settled.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: settled.join('\n').slice(0, SECTION_LIMIT) } });
  return blocks;
}

/** The checklist message: its notification text and blocks (within Slack's limits). */
export function renderChecklist(run: ChecklistRun, view: ChecklistView): { text: string; blocks: KnownBlock[] } {
  const text = `Runbook ${run.runbook.title}: steps ${view.done}/${view.total}${view.complete ? ' (complete)' : ''}`;
  const attempts: Array<[Detail, boolean]> = [
    [{ text: true, commands: true }, false],
    [{ text: false, commands: true }, false],
    [{ text: false, commands: false }, false],
    [{ text: false, commands: false }, true],
  ];
  let blocks: KnownBlock[] = [];
  for (const [detail, collapse] of attempts) {
    blocks = render(run, view, detail, collapse);
    if (blocks.length <= MAX_BLOCKS && JSON.stringify(blocks).length <= MAX_BLOCKS_JSON) return { text, blocks };
  }
  // Still too many: keep the head and as many steps as fit, and say where the rest are.
  const kept: KnownBlock[] = [];
  for (const b of blocks) {
    if (kept.length >= MAX_BLOCKS - 1 || JSON.stringify([...kept, b]).length > MAX_BLOCKS_JSON - 300) break;
    kept.push(b);
  }
  kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `More steps than one message holds: \`infdbg runbook ${run.runbook.name}\` prints them all.` }] });
  return { text, blocks: kept };
}

/** The reply when the step the thread waits on has had nobody for its reminder's minutes. */
export function reminderText(run: ChecklistRun, v: StepView, minutes: number, ids: ReadonlyMap<string, string>): string {
  const group = run.runbook.reminders?.group;
  const who = group ? `${groupMention(group, ids)} ` : '';
  return `:alarm_clock: ${who}step ${v.number} of the runbook, *${shown(v.step.title)}*, has waited ${minutes} min with nobody on it.`;
}

/** The reply an escalate step posts. */
export function escalationText(v: StepView, by: string, ids: ReadonlyMap<string, string>, why: string): string {
  const group = v.step.kind === 'escalate' ? v.step.group : '';
  return `:rotating_light: ${groupMention(group, ids)} — step ${v.number} of the runbook, *${shown(v.step.title)}* (${by === 'infdbg' ? why : `asked by <@${by}>`}).`;
}

/** The reply once every step is settled: the runbook's prevention checklist. */
export function preventText(run: ChecklistRun, view: ChecklistView): string {
  const p = run.runbook.prevent;
  const lines = [`:checkered_flag: *Runbook complete* — ${shown(run.runbook.title)}: ${view.done}/${view.total} steps done or skipped.`];
  if (!p.alerts.length && !p.tests.length && !p.monitoring.length) return lines.join('\n');
  lines.push('*Prevent it next time:*');
  if (p.alerts.length) {
    const rules = p.alerts.map((a) => ({ alert: a.alert, expr: a.expr, ...(a.for ? { for: a.for } : {}), ...(a.severity ? { labels: { severity: a.severity } } : {}), annotations: { summary: a.why } }));
    lines.push('Alerts to add (Prometheus rules):', '```' + shown(stringify(rules, { lineWidth: 0 }).trimEnd()).replace(/```/g, '`\u200b``') + '```');
  }
  if (p.tests.length) lines.push('Tests:', ...p.tests.map((t) => `• ${shown(t)}`));
  if (p.monitoring.length) lines.push('Monitoring:', ...p.monitoring.map((t) => `• ${shown(t)}`));
  return lines.join('\n').slice(0, 39_000);
}
