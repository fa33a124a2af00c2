// The report for a terminal (`infdbg <diagnostic> --format md`) and the file attached to a
// Slack thread when the report does not fit in Block Kit. GitHub-flavoured Markdown, so it
// reads as plain text and renders where Markdown is shown.

import { formatCell } from './format-cell.ts';
import type { DiagnosticResult, Evidence, Hypothesis, InvestigationNote, MetricsTable, Report } from './model.ts';

/** The whole report: header, failures, then one section per diagnostic. */
export function renderMarkdown(report: Report): string {
  const out = [
    `# ${inline(report.title)}`,
    '',
    `**Severity:** ${report.severity.toUpperCase()} · incident \`${inline(report.incidentKey)}\` · generated ${report.generatedAt}`,
  ];
  if (report.summary) out.push('', report.summary);
  if (report.failures.length > 0) {
    out.push('', '## Could not run', '');
    for (const f of report.failures) out.push(`- **${inline(f.diagnostic)}** (${inline(f.title)}): ${inline(f.error)}`);
  }
  if (report.investigation) out.push('', '## Investigation plan', '', ...planLines(report.investigation).map((l) => `- ${inline(l)}`));
  // Several diagnostics: one ranking over all their evidence; one: the result's own (the same list).
  const pooled = report.results.length > 1;
  if (pooled && report.hypotheses.length > 0) out.push('', `## Hypotheses across ${report.results.length} diagnostics (most likely first)`, '', ...hypothesesMarkdown(report.hypotheses));
  for (const result of report.results) out.push('', resultMarkdown(result, 2, !pooled));
  return `${out.join('\n')}\n`;
}

/** One diagnostic's result on its own, as `infdbg <diagnostic> --format md` prints it. */
export function renderResultMarkdown(result: DiagnosticResult): string {
  return `${resultMarkdown(result, 1)}\n`;
}

function resultMarkdown(result: DiagnosticResult, level: number, showCauses = true): string {
  const h = '#'.repeat(level);
  const sub = `${h}#`;
  const out = [
    `${h} ${inline(result.title)}`,
    '',
    `**Severity:** ${result.severity.toUpperCase()} · diagnostic \`${result.diagnostic}\` · ${formatDuration(result.durationMs)}`,
  ];
  if (result.summary) out.push('', result.summary);
  if (result.evidence.length > 0) out.push('', `${sub} Evidence`, '', ...result.evidence.map(evidenceLine));
  for (const table of result.tables) out.push('', `${sub} ${inline(table.title)}`, '', tableMarkdown(table));
  if (showCauses && result.hypotheses.length > 0) out.push('', `${sub} Hypotheses (most likely first)`, '', ...hypothesesMarkdown(result.hypotheses));
  if (result.fixes.length > 0) out.push('', `${sub} Fixes`, '', ...result.fixes.map((f, i) => `${i + 1}. ${inline(f)}`));
  if (result.verification.length > 0) out.push('', `${sub} Verification`, '', ...result.verification.map((v) => `- ${inline(v)}`));
  if (result.prevention.length > 0) out.push('', `${sub} Prevention`, '', ...result.prevention.map((p) => `- ${inline(p)}`));
  if (result.charts.length > 0) out.push('', `${sub} Charts`, '', ...result.charts.map((c) => `- ${c.filename} — ${inline(c.title)}`));
  if (result.files && result.files.length > 0) out.push('', `${sub} Files`, '', ...result.files.map((f) => `- ${f.filename} — ${inline(f.title)}`));
  return out.join('\n');
}

/** What an investigation ran and why, and what it could not run: the same lines for Markdown and Slack. */
export function planLines(plan: InvestigationNote): string[] {
  const about = plan.categories.length > 0 ? `symptoms ${plan.symptoms.map((s) => `"${s}"`).join(', ')} → ${plan.categories.join(', ')}` : 'no symptom given: every diagnostic that applies to the target';
  return [
    about + (plan.unrecognised.length > 0 ? ` (not understood: ${plan.unrecognised.map((u) => `"${u}"`).join(', ')})` : ''),
    ...plan.steps.map((s) => `ran \`${s.command}\`: ${s.why}`),
    ...plan.notRun.map((n) => `not run: ${n.diagnostic} — ${n.why}`),
  ];
}

function hypothesesMarkdown(hypotheses: Hypothesis[]): string[] {
  const out: string[] = [];
  hypotheses.forEach((hyp, i) => {
    out.push(`${i + 1}. **${inline(hyp.title)}** — likelihood ${hyp.likelihood} (score ${hyp.score})`);
    for (const e of hyp.evidence) out.push(`   - for: ${inline(e)}`);
    for (const a of hyp.against) out.push(`   - against: ${inline(a)}`);
    if (hyp.likelihood === 'unlikely') return;
    for (const c of hyp.confirm) out.push(`   - confirm: ${inline(c)}`);
    for (const f of hyp.fixes) out.push(`   - fix: ${inline(f)}`);
  });
  return out;
}

function evidenceLine(e: Evidence): string {
  const severity = e.severity && e.severity !== 'ok' && e.severity !== 'info' ? ` **(${e.severity})**` : '';
  const detail = e.detail ? ` — ${inline(e.detail)}` : '';
  return `- **${inline(e.label)}**: ${inline(e.value)}${severity}${detail}`;
}

/** A GitHub table; pipes in cells are escaped so a cell never splits into two columns. */
function tableMarkdown(table: MetricsTable): string {
  const width = Math.max(table.columns.length, ...table.rows.map((r) => r.length), 1);
  const header = Array.from({ length: width }, (_, i) => table.columns[i] ?? '');
  const row = (cells: string[]) => `| ${cells.map((c) => cell(c)).join(' | ')} |`;
  const lines = [row(header), `|${' --- |'.repeat(width)}`];
  for (const r of table.rows) lines.push(row(Array.from({ length: width }, (_, i) => formatCell(r[i] ?? null))));
  if (table.rows.length === 0) lines.push(row(Array.from({ length: width }, (_, i) => (i === 0 ? '(no rows)' : ''))));
  return lines.join('\n');
}

function cell(s: string): string {
  return inline(s).replace(/\|/g, '\\|');
}

/** Keeps list items and table cells on one line. */
function inline(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ');
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'duration unknown';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
