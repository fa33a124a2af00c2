// The investigation's report, shortened to a PagerDuty incident note: what responders who live
// in PagerDuty (phone, web) see without opening Slack. Plain text (PagerDuty shows notes as
// text), the top causes with their strongest evidence and first fix, and a link to the thread.
// Pure; the incident processor posts it with PagerDutyRestClient.addNote.
import type { Report } from '../report/model.ts';

/** Longest note this bot writes, in characters (PagerDuty documents no limit; a note is meant to be read on a phone). */
export const MAX_NOTE_CHARS = 4000;

export interface ReportNoteOptions {
  /** Permalink of the incident thread (chat.getPermalink). */
  threadUrl?: string | undefined;
  /** Causes listed, most likely first. Default 3. */
  maxCauses?: number;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function reportNoteText(report: Report, options: ReportNoteOptions = {}): string {
  const lines: string[] = [`infdbg investigation: ${report.title}`];
  if (report.summary.trim()) lines.push(report.summary.trim());
  const causes = report.hypotheses.filter((h) => h.likelihood !== 'unlikely').slice(0, options.maxCauses ?? 3);
  if (causes.length > 0) {
    lines.push('', 'Most likely causes:');
    causes.forEach((h, i) => {
      lines.push(`${i + 1}. ${h.title} (${h.likelihood})`);
      for (const e of h.evidence.slice(0, 2)) lines.push(`   - ${clip(e, 300)}`);
      if (h.fixes[0]) lines.push(`   Fix: ${clip(h.fixes[0], 300)}`);
    });
  } else {
    lines.push('', 'No cause stood out from the evidence.');
  }
  if (report.failures.length > 0) lines.push('', `Not run: ${report.failures.map((f) => `${f.diagnostic} (${clip(f.error, 120)})`).join('; ')}`);
  const link = options.threadUrl ? `\n\nFull report in Slack: ${options.threadUrl}` : '';
  return clip(lines.join('\n'), MAX_NOTE_CHARS - link.length) + link;
}
