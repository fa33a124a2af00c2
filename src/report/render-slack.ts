// The report as Slack Block Kit for the incident thread, and the thread's status message.
// Slack rejects a whole message when one limit is broken, so every limit is enforced here:
// what does not fit is cut with a visible note and the full Markdown report is returned as
// `overflow` for the caller to upload as a file (files.uploadV2).

import type { types } from '@slack/bolt';

type ContextBlock = types.ContextBlock;
type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
import { formatCell } from './format-cell.ts';
import type { DiagnosticResult, Evidence, Hypothesis, MetricsTable, Report, Severity } from './model.ts';
import { planLines, renderMarkdown } from './render-markdown.ts';

/** Slack's Block Kit limits (docs.slack.dev/reference/block-kit). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextElements: 10,
  /**
   * Not in Slack's docs: chat.postMessage answers `msg_blocks_too_long` once a message's blocks
   * pass roughly 13,200 characters (slackapi/bolt-js#2509). We keep their JSON under 12,000.
   */
  blocksJsonChars: 12_000,
} as const;

export interface SlackReport {
  /** Notification / fallback text. */
  text: string;
  blocks: KnownBlock[];
  /** Present when something was cut: the full report, to upload into the thread. */
  overflow?: { filename: string; content: string };
}

export interface StatusItem {
  name: string;
  state: 'queued' | 'active' | 'completed' | 'failed' | 'retrying';
  /** 0–100. */
  percent: number;
  message?: string;
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  ok: ':white_check_mark:',
  info: ':information_source:',
  warning: ':warning:',
  critical: ':rotating_light:',
};

const STATE_EMOJI: Record<StatusItem['state'], string> = {
  queued: ':hourglass_flowing_sand:',
  active: ':arrows_counterclockwise:',
  completed: ':white_check_mark:',
  failed: ':x:',
  retrying: ':repeat:',
};

/** Per-result caps that keep one diagnostic from crowding out the others. */
const MAX_EVIDENCE_SECTIONS = 2;
const MAX_TABLES = 4;
const MAX_HYPOTHESIS_SECTIONS = 2;
const MAX_CELL_CHARS = 32;
const MAX_LINE_CHARS = 600;
const MAX_STATUS_LINE_CHARS = 300;
/** Sections shortened to make room are kept at least this long. */
const MIN_SHORTENED_CHARS = 200;
/** The notification text: Slack shows only the start of it. */
const FALLBACK_TEXT_CHARS = 500;

/** Records whether anything was cut, so the caller knows to attach the full report. */
interface Cut {
  truncated: boolean;
}

/**
 * `footer`: blocks that always end the message (e.g. the Re-run button); they count against
 * Slack's limits like the rest.
 */
export function renderSlackReport(report: Report, footer: KnownBlock[] = []): SlackReport {
  const cut: Cut = { truncated: false };
  const emoji = SEVERITY_EMOJI[report.severity];
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', emoji: true, text: clip(`${emoji} ${report.title}`, SLACK_LIMITS.headerText, cut) } },
  ];
  const summary = [`*Severity:* ${emoji} ${report.severity}  ·  incident \`${escapeMrkdwn(report.incidentKey)}\``];
  if (report.summary) summary.push(escapeMrkdwn(report.summary));
  head.push(section(clip(summary.join('\n'), SLACK_LIMITS.sectionText, cut)));
  if (report.failures.length > 0) {
    const lines = report.failures.map((f) => `• *${escapeMrkdwn(f.diagnostic)}* (${escapeMrkdwn(f.title)}): ${escapeMrkdwn(f.error)}`);
    head.push(...listSections(':x: *Could not run*', lines, 1, cut));
  }

  if (report.investigation) head.push(...listSections('*Plan*', planLines(report.investigation).map((l) => `• ${clip(escapeMrkdwn(l), MAX_LINE_CHARS, cut)}`), 1, cut));
  // Several diagnostics: one ranking over all their evidence, in the head; one: the result's own (the same list).
  const pooled = report.results.length > 1;
  if (pooled && report.hypotheses.length > 0) head.push(...hypothesisSections(report.hypotheses, cut, `across ${report.results.length} diagnostics`));
  const results = report.results.map((r) => resultBlocks(r, cut, !pooled));
  const all = [...head, ...results.flatMap((r) => [...r.headline, ...r.details])];
  const text = clip(`${emoji} ${escapeMrkdwn(report.title)}: ${escapeMrkdwn(report.summary || report.severity)}`, FALLBACK_TEXT_CHARS, {
    truncated: false,
  });
  const whole = [...all, ...footer];
  if (!cut.truncated && whole.length <= SLACK_LIMITS.blocksPerMessage && JSON.stringify(whole).length <= SLACK_LIMITS.blocksJsonChars) {
    return { text, blocks: whole };
  }
  const filename = `report-${slug(report.incidentKey)}.md`;
  const note = section(`:page_facing_up: _Shortened to fit Slack — full report attached as \`${filename}\`._`);
  const reserved = [note, ...footer];
  const blocks = fitBlocks(head, results, SLACK_LIMITS.blocksPerMessage - reserved.length, SLACK_LIMITS.blocksJsonChars - JSON.stringify(reserved).length - 2);
  blocks.push(...reserved);
  return { text, blocks, overflow: { filename, content: renderMarkdown(report) } };
}

/**
 * Chooses what to show within `maxBlocks` blocks and `maxChars` of JSON: first the head and
 * every result's headline (the longest texts among them shortened, trailing results dropped only
 * if that is not enough), then each result's details in order while they fit.
 */
function fitBlocks(head: KnownBlock[], results: Array<{ headline: KnownBlock[]; details: KnownBlock[] }>, maxBlocks: number, maxChars: number): KnownBlock[] {
  const essentials = [head, ...results.map((r) => r.headline)].map((group) => [...group]);
  const blockCount = () => essentials.reduce((n, g) => n + g.length, 0);
  const charCount = () => essentials.reduce((n, g) => n + g.reduce((m, b) => m + jsonSize(b) + 1, 0), 0);
  while (essentials.length > 1 && blockCount() > maxBlocks) essentials.pop();
  for (let excess = charCount() - maxChars; excess > 0; excess = charCount() - maxChars) {
    let longest: { group: KnownBlock[]; index: number; text: string } | undefined;
    for (const group of essentials) {
      group.forEach((b, index) => {
        if (b.type === 'section' && b.text && b.text.text.length > MIN_SHORTENED_CHARS && (!longest || b.text.text.length > longest.text.length)) {
          longest = { group, index, text: b.text.text };
        }
      });
    }
    if (longest) {
      longest.group[longest.index] = section(clip(longest.text, Math.max(MIN_SHORTENED_CHARS, longest.text.length - excess), { truncated: false }));
    } else if (essentials.length > 1) {
      essentials.pop();
    } else {
      break;
    }
  }
  let blocks = blockCount();
  let chars = charCount();
  const out = [...(essentials[0] ?? [])];
  results.forEach((r, k) => {
    const headline = essentials[k + 1];
    if (!headline) return;
    out.push(...headline);
    for (const detail of r.details) {
      const size = jsonSize(detail) + 1;
      if (blocks + 1 > maxBlocks || chars + size > maxChars) continue;
      out.push(detail);
      blocks++;
      chars += size;
    }
  });
  return out;
}

function jsonSize(block: KnownBlock): number {
  return JSON.stringify(block).length;
}

/** A result's headline (always shown) and its details (shown while there is room). */
function resultBlocks(result: DiagnosticResult, cut: Cut, showCauses: boolean): { headline: KnownBlock[]; details: KnownBlock[] } {
  const emoji = SEVERITY_EMOJI[result.severity];
  const heading = [`${emoji} *${escapeMrkdwn(result.title)}*  ·  ${result.severity}  ·  \`${escapeMrkdwn(result.diagnostic)}\``];
  if (result.summary) heading.push(escapeMrkdwn(result.summary));
  const headline: KnownBlock[] = [{ type: 'divider' }, section(clip(heading.join('\n'), SLACK_LIMITS.sectionText, cut))];

  const details: KnownBlock[] = [...evidenceSections(result.evidence, cut)];
  if (result.tables.length > MAX_TABLES) cut.truncated = true;
  for (const table of result.tables.slice(0, MAX_TABLES)) details.push(section(tableText(table, cut)));
  if (showCauses && result.hypotheses.length > 0) details.push(...hypothesisSections(result.hypotheses, cut));
  if (result.fixes.length > 0) {
    details.push(...listSections('*Fixes*', result.fixes.map((f, i) => `${i + 1}. ${clip(escapeMrkdwn(f), MAX_LINE_CHARS, cut)}`), 1, cut));
  }
  const context: ContextBlock['elements'] = [];
  if (result.verification.length > 0) context.push(mrkdwn(clip(`*Verify:* ${result.verification.map(escapeMrkdwn).join('\n')}`, SLACK_LIMITS.fieldText, cut)));
  if (result.prevention.length > 0) context.push(mrkdwn(clip(`*Prevent:* ${result.prevention.map(escapeMrkdwn).join('\n')}`, SLACK_LIMITS.fieldText, cut)));
  if (result.charts.length > 0) {
    const names = result.charts.map((c) => `\`${escapeMrkdwn(c.filename)}\``).join(', ');
    context.push(mrkdwn(clip(`:bar_chart: charts attached below: ${names}`, SLACK_LIMITS.fieldText, cut)));
  }
  if (result.files && result.files.length > 0) {
    const names = result.files.map((f) => `\`${escapeMrkdwn(f.filename)}\``).join(', ');
    context.push(mrkdwn(clip(`:page_facing_up: files attached below: ${names}`, SLACK_LIMITS.fieldText, cut)));
  }
  if (context.length > 0) details.push({ type: 'context', elements: context });
  return { headline, details };
}

/** Ranked causes: each with its evidence for and against, what would confirm it and the fixes; unlikely ones in one line with why. */
function hypothesisSections(hypotheses: Hypothesis[], cut: Cut, scope?: string): SectionBlock[] {
  const items = hypotheses.map((h, i) => {
    const head = `*${i + 1}. ${escapeMrkdwn(h.title)}* — ${h.likelihood}`;
    const line = (prefix: string, text: string) => `      ${prefix} ${clip(escapeMrkdwn(text), MAX_LINE_CHARS, cut)}`;
    if (h.likelihood === 'unlikely') return [head, ...h.against.map((a) => line('✗ against:', a)), ...h.evidence.map((e) => line('• for:', e))].join('\n');
    return [
      head,
      ...h.evidence.map((e) => line('• for:', e)),
      ...h.against.map((a) => line('✗ against:', a)),
      ...h.confirm.slice(0, 1).map((c) => line('? confirm:', c)),
      ...h.fixes.map((f) => line('→ fix:', f)),
    ].join('\n');
  });
  return listSections(`*Hypotheses*${scope ? ` ${scope}` : ''} (most likely first)`, items, MAX_HYPOTHESIS_SECTIONS, cut);
}

/** Evidence as two-column fields, ten per section; the rest are counted in a last field. */
function evidenceSections(evidence: Evidence[], cut: Cut): SectionBlock[] {
  const max = MAX_EVIDENCE_SECTIONS * SLACK_LIMITS.fieldsPerSection;
  const fields = evidence.slice(0, evidence.length > max ? max - 1 : max).map((e) => {
    const flag = e.severity === 'warning' || e.severity === 'critical' ? ` ${SEVERITY_EMOJI[e.severity]}` : '';
    const detail = e.detail ? `\n_${escapeMrkdwn(e.detail)}_` : '';
    return mrkdwn(clip(`*${escapeMrkdwn(e.label)}*${flag}\n${escapeMrkdwn(e.value)}${detail}`, SLACK_LIMITS.fieldText, cut));
  });
  if (evidence.length > max) {
    cut.truncated = true;
    fields.push(mrkdwn(`_…and ${evidence.length - fields.length} more in the full report_`));
  }
  const sections: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
    sections.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fieldsPerSection) });
  }
  return sections;
}

/** A table as a monospace code block, columns padded to line up; rows that do not fit are counted. */
function tableText(table: MetricsTable, cut: Cut): string {
  const width = Math.max(table.columns.length, ...table.rows.map((r) => r.length), 1);
  const cells = (row: Array<string | number | null>) =>
    Array.from({ length: width }, (_, i) => {
      const raw = formatCell(row[i] ?? null).replace(/\s+/g, ' ');
      return Array.from(raw).length > MAX_CELL_CHARS ? clip(raw, MAX_CELL_CHARS, cut) : raw;
    });
  const rows = [cells(table.columns), ...table.rows.map(cells)];
  const widths = Array.from({ length: width }, (_, i) => Math.max(...rows.map((r) => Array.from(r[i] ?? '').length)));
  const line = (r: string[]) => escapeMrkdwn(r.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - Array.from(c).length)).join('  ').trimEnd());
  const title = clip(`*${escapeMrkdwn(table.title)}*`, 200, cut);
  const open = `${title}\n\`\`\`\n`;
  const close = '\n```';
  const reserve = 40; // room for the "… N more rows" line
  const lineMax = Math.floor((SLACK_LIMITS.sectionText - open.length - close.length - reserve) / 3);
  const lines = [clip(line(rows[0] ?? []), lineMax, cut), clip(line(widths.map((w) => '-'.repeat(w))), lineMax, cut)];
  const body = rows.slice(1);
  let used = open.length + close.length + lines.join('\n').length;
  let shown = 0;
  for (const r of body) {
    const l = clip(line(r), lineMax, cut);
    if (used + 1 + l.length > SLACK_LIMITS.sectionText - reserve) break;
    lines.push(l);
    used += 1 + l.length;
    shown++;
  }
  if (shown < body.length) {
    cut.truncated = true;
    lines.push(`… ${body.length - shown} more rows in the full report`);
  }
  if (body.length === 0) lines.push('(no rows)');
  return `${open}${lines.join('\n')}${close}`;
}

/**
 * Packs items under a heading into at most `maxSections` sections of ≤ 3000 characters. An item
 * too long for a section is clipped; items that do not fit are counted in a closing line.
 */
function listSections(heading: string, items: string[], maxSections: number, cut: Cut): SectionBlock[] {
  const limit = SLACK_LIMITS.sectionText;
  const reserve = 60; // room for the "…and N more" line
  const texts: string[] = [];
  let current = heading;
  let placed = 0;
  for (const raw of items) {
    const item = clip(raw, limit - heading.length - reserve - 1, cut);
    if (current.length + 1 + item.length <= limit - reserve) {
      current += `\n${item}`;
      placed++;
      continue;
    }
    if (texts.length + 1 >= maxSections) break;
    texts.push(current);
    current = item;
    placed++;
  }
  if (placed < items.length) {
    cut.truncated = true;
    current += `\n_…and ${items.length - placed} more in the full report_`;
  }
  texts.push(current);
  return texts.map(section);
}

/** The thread's status message: one line per diagnostic with a text progress bar. */
export function renderStatusBlocks(status: { title: string; items: StatusItem[] }): { text: string; blocks: KnownBlock[] } {
  const done = status.items.filter((i) => i.state === 'completed').length;
  const failed = status.items.filter((i) => i.state === 'failed').length;
  const counts = `${done}/${status.items.length} done${failed > 0 ? `, ${failed} failed` : ''}`;
  const noCut: Cut = { truncated: false };
  const title = clip(`*${escapeMrkdwn(status.title)}*  ·  ${counts}`, SLACK_LIMITS.sectionText, noCut);
  const lines = status.items.map((item) => {
    const percent = clampPercent(item.percent);
    const message = item.message ? ` — ${escapeMrkdwn(item.message)}` : '';
    return clip(`${STATE_EMOJI[item.state]} *${escapeMrkdwn(item.name)}* \`${progressBar(percent)}\` ${percent}% ${item.state}${message}`, MAX_STATUS_LINE_CHARS, noCut);
  });
  // Lines are kept while the message stays well inside Slack's size limits; the rest are counted.
  let budget = SLACK_LIMITS.blocksJsonChars - 1000 - title.length;
  let kept = 0;
  while (kept < lines.length && budget - JSON.stringify(lines[kept]).length >= 0) budget -= JSON.stringify(lines[kept++]).length;
  const shown = lines.slice(0, kept);
  if (kept < lines.length) shown.push(`_…and ${lines.length - kept} more_`);
  const blocks: KnownBlock[] = [section(title), ...packLines(shown, SLACK_LIMITS.sectionText).map(section)];
  return { text: clip(`${escapeMrkdwn(status.title)} — ${counts}`, SLACK_LIMITS.sectionText, noCut), blocks };
}

/** Joins lines into texts of at most `limit` characters (each line is already shorter). */
function packLines(lines: string[], limit: number): string[] {
  const texts: string[] = [];
  for (const l of lines) {
    const last = texts[texts.length - 1];
    if (last !== undefined && last.length + 1 + l.length <= limit) texts[texts.length - 1] = `${last}\n${l}`;
    else texts.push(l);
  }
  return texts;
}

/** `▓▓▓▓▓░░░░░` for 50 (ten cells, rounded to the nearest cell). */
export function progressBar(percent: number): string {
  const filled = Math.round(clampPercent(percent) / 10);
  return '▓'.repeat(filled) + '░'.repeat(10 - filled);
}

function clampPercent(p: number): number {
  return Number.isFinite(p) ? Math.round(Math.min(100, Math.max(0, p))) : 0;
}

/** Slack mrkdwn control characters: `&`, `<`, `>` must be entities (api.slack.com formatting). */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts `text` to `max` characters with `…`, never inside an entity or a surrogate pair. */
function clip(text: string, max: number, cut: Cut): string {
  if (text.length <= max) return text;
  cut.truncated = true;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp >= 0 && amp > end - 5 && text.indexOf(';', amp) >= end) end = amp;
  return `${text.slice(0, end)}…`;
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function mrkdwn(text: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text };
}

function slug(key: string): string {
  const s = key.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return s || 'incident';
}
