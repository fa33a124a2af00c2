// `infdbg runbook <name>` runs the runbook's diagnostic steps in-process: first the steps with no
// condition, then — once their observations are ranked into a top cause — the steps whose `when`
// names that cause. Steps behind a check's answer are not run (nobody answered); they say which
// answer runs them. The diagnostics themselves come in through `run`, so the CLI's terminal deps
// (and tests' stand-ins) decide the I/O.
import { parseCommand } from '../command/debug-command.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { UsageError, oneLine } from '../core/errors.ts';
import { buildReport } from '../report/build.ts';
import type { DiagnosticResult } from '../report/model.ts';
import { renderMarkdown, renderResultMarkdown } from '../report/render-markdown.ts';
import { investigationNote } from '../triage/investigation.ts';
import { stepApplicability, topCauseFinding, type PreparedRunbook, type RunbookFindings } from './prepare-runbook.ts';
import type { StepOutcome } from './render-runbook.ts';
import type { Runbook } from './runbook-schema.ts';
import { commandText } from './template.ts';

/** Runs one diagnostic with a validated payload (the CLI: runDiagnostic with terminal deps). */
export type RunDiagnostic = (diagnostic: Diagnostic, payload: unknown) => Promise<DiagnosticResult>;

export interface RunbookRun {
  outcomes: Map<string, StepOutcome>;
  results: DiagnosticResult[];
  /** The top cause over every step that ran, in words; undefined when nothing plausible ranked. */
  topCause?: string;
}

async function runStep(tokens: string[], diagnostics: readonly Diagnostic[], run: RunDiagnostic, now: Date): Promise<{ outcome: StepOutcome; results: DiagnosticResult[] }> {
  let command;
  try {
    command = parseCommand(commandText(tokens), diagnostics);
  } catch (err) {
    if (err instanceof UsageError) return { outcome: { state: 'failed', detail: oneLine(err) }, results: [] };
    throw err;
  }
  try {
    if (command.kind === 'diagnostic') {
      const result = await run(command.diagnostic, command.payload);
      return { outcome: { state: 'ran', markdown: renderResultMarkdown(result) }, results: [result] };
    }
    if (command.kind === 'investigation') {
      const inv = command.investigation;
      const results = await Promise.all(inv.steps.map((s) => run(s.diagnostic, s.payload)));
      const report = buildReport({ title: command.title, incidentKey: 'cli', results, failures: [], now, observations: inv.observations, investigation: investigationNote(inv) });
      return { outcome: { state: 'ran', markdown: renderMarkdown(report) }, results };
    }
    return { outcome: { state: 'failed', detail: 'not a diagnostic' }, results: [] };
  } catch (err) {
    return { outcome: { state: 'failed', detail: oneLine(err) }, results: [] };
  }
}

/** Runs the prepared runbook's diagnostic steps that apply (two passes: unconditional, then those the top cause selects). */
export async function runRunbookSteps(runbook: Pick<Runbook, 'steps'>, prepared: PreparedRunbook, diagnostics: readonly Diagnostic[], run: RunDiagnostic, now: Date): Promise<RunbookRun> {
  const outcomes = new Map<string, StepOutcome>();
  const results: DiagnosticResult[] = [];
  const pass = async (findings: RunbookFindings, final: boolean) => {
    const due = prepared.steps.filter((s) => s.kind === 'diagnostic' && !outcomes.has(s.id) && stepApplicability(runbook, s.id, findings) === 'applies');
    const ran = await Promise.all(
      due.map(async (s) => {
        if (s.kind !== 'diagnostic' || !s.tokens) return { id: s.id, outcome: { state: 'not-run', detail: `give ${s.missing.map((m) => `${m}=…`).join(' ')}` } as StepOutcome, results: [] };
        return { id: s.id, ...(await runStep(s.tokens, diagnostics, run, now)) };
      }),
    );
    for (const r of ran) {
      outcomes.set(r.id, r.outcome);
      results.push(...r.results);
    }
    if (!final) return;
    for (const s of prepared.steps) {
      if (s.kind !== 'diagnostic' || outcomes.has(s.id)) continue;
      const state = stepApplicability(runbook, s.id, findings);
      if (state === 'not-applicable') outcomes.set(s.id, { state: 'not-applicable', detail: s.when?.topCause ? 'the top cause is not the one this step is for' : 'the answer chosen skips it' });
      else outcomes.set(s.id, { state: 'not-run', detail: 'runs once the question above is answered (in the incident thread)' });
    }
  };
  await pass({}, false);
  const hypotheses = buildReport({ title: 'runbook', incidentKey: 'cli', results, failures: [], now }).hypotheses;
  const top = topCauseFinding(hypotheses);
  await pass({ topCause: top }, true);
  const ranked = buildReport({ title: 'runbook', incidentKey: 'cli', results, failures: [], now }).hypotheses;
  const final = topCauseFinding(ranked);
  const best = final ? ranked.find((h) => h.cause === final.id) : undefined;
  return { outcomes, results, ...(best ? { topCause: `${best.title} (${best.cause}, ${best.likelihood})` } : {}) };
}
