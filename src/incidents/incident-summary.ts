// The incident summary posted in the thread when the incident resolves, and uploaded as a
// Markdown file: the observation template of the methodology (impact, start and end, timeline,
// the top hypothesis with its evidence, fix, verification, prevention) filled from what
// happened — the stored incident and its last investigation's Report. Pure.
import type { Hypothesis, Report } from '../report/model.ts';
import { escapeMrkdwn } from '../report/render-slack.ts';
import { currentRun, formatDuration, memberCount, type Incident, type TimelineEntry } from './incident.ts';

export interface IncidentSummary {
  /** The thread reply (Slack mrkdwn, within one message). */
  slackText: string;
  /** The file: GitHub-flavoured Markdown. */
  markdown: string;
  filename: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Every entry of the timeline with the investigations' starts and findings, in time order. */
export function summaryTimeline(i: Incident): TimelineEntry[] {
  const entries = [...i.timeline];
  for (const run of i.runs) {
    if (run.startedAt !== undefined) entries.push({ at: run.startedAt, kind: 'investigated', text: `investigation ${run.run} started (${run.reason}, \`${run.requestId}\`)` });
    if (run.error) entries.push({ at: run.requestedAt, kind: 'investigated', text: `investigation ${run.run} ${run.startedAt !== undefined ? 'failed' : 'could not start'}: ${run.error}` });
    if (run.finishedAt !== undefined) entries.push({ at: run.finishedAt, kind: 'findings', text: `investigation ${run.run} reported${run.topCause ? `: top cause ${run.topCause}` : ''}` });
  }
  return entries.sort((a, b) => a.at - b.at);
}

function impact(i: Incident): string {
  const names = new Map<string, number>();
  for (const m of Object.values(i.members)) if (m.alertname) names.set(m.alertname, (names.get(m.alertname) ?? 0) + 1);
  const byName = [...names].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, c]) => `${n} ×${c}`).join(', ');
  const scope = ['namespace', 'service', 'job', 'deployment', 'pod', 'node', 'model']
    .filter((l) => i.labels[l])
    .map((l) => `${l}=${i.labels[l]}`)
    .join(', ');
  const total = memberCount(i);
  const lasted = i.resolvedAt !== undefined ? formatDuration(i.resolvedAt - i.openedAt) : 'still open';
  return `${total} alert${total === 1 ? '' : 's'}${byName ? ` (${byName})` : ''}${scope ? ` on ${scope}` : ''}, severity ${i.severity}, for ${lasted}${i.truncatedAlerts > 0 ? `; Alertmanager truncated ${i.truncatedAlerts} more` : ''}`;
}

interface Findings {
  top: Hypothesis | undefined;
  fixes: string[];
  verification: string[];
  prevention: string[];
  note: string;
}

function findings(i: Incident, report: Report | null): Findings {
  const run = currentRun(i);
  if (!report) {
    const note = !run ? 'No investigation ran.' : run.error ? `Investigation ${run.run} ${run.startedAt !== undefined ? 'failed' : 'could not start'}: ${run.error}` : `Investigation ${run.run} had not reported when the incident resolved (\`/debug status ${run.requestId}\`).`;
    return { top: undefined, fixes: [], verification: [], prevention: [], note };
  }
  const top = report.hypotheses.find((h) => h.likelihood !== 'unlikely');
  const fromResults = (pick: (r: Report['results'][number]) => string[]) => [...new Set(report.results.flatMap(pick))].slice(0, 5);
  return {
    top,
    fixes: top?.fixes.length ? top.fixes : fromResults((r) => r.fixes),
    verification: top?.verification.length ? top.verification : fromResults((r) => r.verification),
    prevention: top?.prevention.length ? top.prevention : fromResults((r) => r.prevention),
    note: report.summary,
  };
}

export function renderIncidentSummary(i: Incident, report: Report | null, incidentId: string): IncidentSummary {
  const f = findings(i, report);
  const timeline = summaryTimeline(i);
  const end = i.resolvedAt !== undefined ? iso(i.resolvedAt) : 'open';
  const md: string[] = [
    `# Incident summary: ${i.title}`,
    '',
    `Incident \`${i.incidentKey}\` · ${i.source} · runbook ${i.triage.runbook ?? '(none matched)'}`,
    '',
    '## Impact',
    '',
    impact(i),
    '',
    '## Start and end',
    '',
    `- Start: ${iso(i.openedAt)}`,
    `- End: ${end}${i.resolvedAt !== undefined ? ` (${formatDuration(i.resolvedAt - i.openedAt)})` : ''}`,
    ...(i.acknowledgedAt !== undefined ? [`- Acknowledged: ${iso(i.acknowledgedAt)}${i.acknowledgedBy ? ` by ${i.acknowledgedBy}` : ''}`] : []),
    ...(i.resolvedBy ? [`- Resolved by: ${i.resolvedBy}`] : []),
    '',
    '## Timeline',
    '',
    ...timeline.map((e) => `- ${iso(e.at)} — ${e.kind}: ${e.text}`),
    '',
    '## Top hypothesis',
    '',
  ];
  if (f.top) {
    md.push(`**${f.top.title}** (\`${f.top.cause}\`, ${f.top.category}) — likelihood ${f.top.likelihood}, score ${f.top.score}`, '');
    md.push(...f.top.evidence.map((e) => `- for: ${e}`), ...f.top.against.map((a) => `- against: ${a}`));
  } else md.push(report ? 'No cause stood out from the evidence.' : f.note);
  if (report) md.push('', `Findings: ${report.summary}`);
  const list = (title: string, items: string[], none: string) => md.push('', `## ${title}`, '', ...(items.length ? items.map((x) => `- ${x}`) : [none]));
  list('Fix', f.fixes, 'No fix suggested by the investigation; record what was done.');
  list('Verification', f.verification, 'No verification suggested; record how recovery was confirmed.');
  list('Prevention', f.prevention, 'No prevention suggested; record what would stop a repeat.');
  const markdown = `${md.join('\n')}\n`;

  const bullet = (xs: string[]) => xs.slice(0, 3).map((x) => `• ${x}`).join('\n');
  const slack: string[] = [
    `:memo: *Incident summary* — ${impact(i)}`,
    `*Start* ${iso(i.openedAt)} · *End* ${end}`,
    `*Timeline*\n${timeline.slice(-12).map((e) => `• ${iso(e.at).slice(11, 19)} ${e.kind}: ${e.text}`).join('\n')}`,
    f.top ? `*Top hypothesis:* ${f.top.title} (${f.top.likelihood})\n${bullet(f.top.evidence)}` : `*Top hypothesis:* ${report ? 'none stood out' : f.note}`,
  ];
  if (f.fixes.length) slack.push(`*Fix*\n${bullet(f.fixes)}`);
  if (f.verification.length) slack.push(`*Verification*\n${bullet(f.verification)}`);
  if (f.prevention.length) slack.push(`*Prevention*\n${bullet(f.prevention)}`);
  slack.push('_Full summary attached as Markdown._');
  // Alert text must not become links or mentions: nothing here is meant as `<…>`.
  let slackText = escapeMrkdwn(slack.join('\n'));
  if (slackText.length > 3800) slackText = `${slackText.slice(0, 3780)}…`;
  return { slackText, markdown, filename: `incident-${incidentId}-summary-${i.resolutions}.md` };
}
