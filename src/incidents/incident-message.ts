// The incident thread's parent message, rendered from the stored incident (status, alert
// counts, who acted, the runbook's progress, the investigation) — never by rewriting a title
// prefix. Pure: the processor edits the parent with it (chat.update) whenever the incident
// changes, coalesced. Also the thread's first reply (what triage decided).
import type { types } from '@slack/bolt';
import { pagerDutyButtonElements } from '../pagerduty/incident-buttons.ts';
import { escapeMrkdwn } from '../report/render-slack.ts';
import { currentRun, firingCount, formatDuration, memberCount, type Incident, type IncidentStatus, type InvestigationRun } from './incident.ts';

type KnownBlock = types.KnownBlock;

/** action_id of the parent's Re-investigate button (handlers/actions/reinvestigate.ts answers it). */
export const REINVESTIGATE_ACTION_ID = 'infdbg_reinvestigate';

const STATUS: Record<IncidentStatus, { emoji: string; word: string }> = {
  firing: { emoji: ':red_circle:', word: 'FIRING' },
  acknowledged: { emoji: ':large_orange_circle:', word: 'ACKNOWLEDGED' },
  resolved: { emoji: ':large_green_circle:', word: 'RESOLVED' },
  reopened: { emoji: ':rotating_light:', word: 'REOPENED' },
};

/** Value of the Re-investigate button: the incident id and the run it would follow (a double click is one re-run). */
export function reinvestigateValue(incidentId: string, afterRun: number): string {
  return `${incidentId}:${afterRun}`;
}

export function parseReinvestigateValue(value: string): { incidentId: string; afterRun: number } | null {
  const m = /^(i[0-9a-f]{24}):(\d{1,6})$/.exec(value);
  return m ? { incidentId: m[1]!, afterRun: Number(m[2]) } : null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function runLine(run: InvestigationRun | undefined): string {
  if (!run) return 'no investigation';
  const joined = run.joined > 0 ? ` · ${plural(run.joined, 'alert')} joined it` : '';
  if (run.error) return `investigation ${run.run} ${run.startedAt !== undefined ? 'failed' : 'could not start'}: ${escapeMrkdwn(run.error)}`;
  if (run.finishedAt) return `investigation ${run.run}: report in the thread${run.topCause ? ` — top cause *${escapeMrkdwn(run.topCause)}*` : ''}${joined}`;
  if (run.startedAt) return `investigation ${run.run}: running (\`${run.requestId}\`, ${escapeMrkdwn(run.reason)})${joined}`;
  return `investigation ${run.run}: starting (${escapeMrkdwn(run.reason)})`;
}

/** The lines of the parent, as plain mrkdwn (shared by the blocks and the notification text). */
export function parentLines(i: Incident): string[] {
  const s = STATUS[i.status];
  const total = memberCount(i);
  const firing = firingCount(i);
  const counts = `${plural(total, 'alert')}${total > 0 ? ` (${firing} firing${total - firing > 0 ? `, ${total - firing} resolved` : ''})` : ''}`;
  const lines = [`${s.emoji} *${s.word}* · *${escapeMrkdwn(i.title)}*`];
  // The start as a Slack date (each reader's own time zone), so the parent changes only when the incident does.
  const since = `since <!date^${Math.floor(i.openedAt / 1000)}^{date_short_pretty} {time}|${new Date(i.openedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}>`;
  const facts = [`severity ${i.severity}`, counts, since];
  lines.push(facts.join(' · '));
  if (i.truncatedAlerts > 0) {
    const rest = i.fetchedMembers ? `; ${plural(i.fetchedMembers, 'alert')} of the group read from Alertmanager's API are counted above` : ': the count above is what it sent (set ALERTMANAGER_URL to read the rest)';
    lines.push(`:warning: Alertmanager left ${plural(i.truncatedAlerts, 'alert')} out of its last notification (truncatedAlerts)${rest}`);
  }
  const runbook = i.triage.runbook ? `runbook \`${escapeMrkdwn(i.triage.runbook)}\`` : 'no runbook matched';
  lines.push(`${runbook} · steps ${i.runbookSteps.done}/${i.runbookSteps.total}`);
  lines.push(runLine(currentRun(i)));
  const acted: string[] = [];
  if (i.acknowledgedAt !== undefined) acted.push(`acknowledged${i.acknowledgedBy ? ` by ${escapeMrkdwn(i.acknowledgedBy)}` : ''}`);
  if (i.resolvedAt !== undefined) acted.push(`resolved${i.resolvedBy ? ` by ${escapeMrkdwn(i.resolvedBy)}` : ''} after ${formatDuration(i.resolvedAt - i.openedAt)}`);
  if (acted.length) lines.push(acted.join(' · '));
  if (i.pagerduty?.htmlUrl) lines.push(`<${i.pagerduty.htmlUrl}|PagerDuty incident${i.pagerduty.incidentNumber ? ` #${i.pagerduty.incidentNumber}` : ''}>`);
  return lines;
}

export interface ParentOptions {
  /** PagerDuty write-back is on (PAGERDUTY_API_TOKEN): a PagerDuty incident gets Acknowledge and Resolve buttons. */
  pagerDutyButtons?: boolean;
}

/** The parent message: text (notifications) and blocks (the lines, then the buttons). */
export function renderParent(i: Incident, incidentId: string, options: ParentOptions = {}): { text: string; blocks: KnownBlock[] } {
  const lines = parentLines(i);
  const [head, ...rest] = lines;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: head!.slice(0, 3000) } },
    { type: 'section', text: { type: 'mrkdwn', text: rest.join('\n').slice(0, 3000) } },
  ];
  if (i.thread.note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: i.thread.note.slice(0, 3000) }] });
  if (i.status !== 'resolved') {
    blocks.push({
      type: 'actions',
      block_id: 'infdbg_incident',
      elements: [
        { type: 'button', action_id: REINVESTIGATE_ACTION_ID, text: { type: 'plain_text', text: 'Re-investigate' }, value: reinvestigateValue(incidentId, i.runs.length) },
        ...pagerDutyButtonElements({ pagerDutyIncidentId: i.pagerduty?.incidentId, status: i.status }, options.pagerDutyButtons ?? false),
      ],
    });
  }
  const s = STATUS[i.status];
  return { text: escapeMrkdwn(`${s.word}: ${i.title} (${plural(memberCount(i), 'alert')})`).slice(0, 3000), blocks };
}

/** The thread's first reply: what triage decided and why, the problems it met. */
export function triageReply(i: Incident): string {
  const t = i.triage;
  const lines = [t.runbook ? `Triage: runbook \`${escapeMrkdwn(t.runbook)}\`${t.runbookFile ? ` (${escapeMrkdwn(t.runbookFile)})` : ''}, severity ${t.severity}` : `Triage: no runbook matched; severity ${t.severity}`];
  if (t.hint) lines.push(escapeMrkdwn(t.hint));
  if (t.investigate.length) lines.push(`Investigation: \`investigate ${escapeMrkdwn(t.investigate.join(' '))}\``);
  for (const n of t.notes) lines.push(`:warning: ${escapeMrkdwn(n)}`);
  return lines.join('\n');
}

/** The run's status reply before the report job rewrites it with progress. */
export function runStatusText(run: InvestigationRun): string {
  return `:mag: Investigation ${run.run} queued (\`${run.requestId}\`, ${escapeMrkdwn(run.reason)})`;
}
