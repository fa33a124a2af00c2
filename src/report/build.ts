// Merges diagnostic results and failures into the one Report a thread shows, with one ranking of
// causes over the observations of all of them.
import { causeSeverity, pooledHypotheses, verdict } from '../diagnosis/diagnose.ts';
import type { Observation } from '../diagnosis/observation.ts';
import { worstSeverity, type DiagnosticFailure, type DiagnosticResult, type InvestigationNote, type Report } from './model.ts';

export function buildReport(input: {
  title: string;
  incidentKey: string;
  results: DiagnosticResult[];
  failures: DiagnosticFailure[];
  now: Date;
  /** What the request itself brings (reported symptoms), ranked with the results' observations. */
  observations?: Observation[];
  investigation?: InvestigationNote;
}): Report {
  const hypotheses = pooledHypotheses(input.results, input.observations);
  // What each diagnostic measured, and the causes ranked over all of them: a cause one diagnostic
  // would rank medium alone can be outweighed once the others' evidence is in.
  const severity = worstSeverity([
    ...input.results.map((r) => r.measuredSeverity ?? r.severity),
    causeSeverity(hypotheses),
    ...(input.failures.length > 0 ? (['warning'] as const) : []),
  ]);
  const parts: string[] = [];
  // One result carries the verdict in its own summary already; several get one verdict over all of them.
  const pooled = input.results.length > 1 || input.investigation ? verdict(hypotheses) : null;
  if (pooled) parts.push(pooled);
  parts.push(...input.results.map((r) => r.summary).filter(Boolean));
  for (const f of input.failures) parts.push(`${f.diagnostic} could not run: ${f.error}`);
  return {
    title: input.title,
    incidentKey: input.incidentKey,
    severity,
    summary: parts.join(' ') || 'No diagnostics ran.',
    results: input.results,
    failures: input.failures,
    hypotheses,
    ...(input.investigation ? { investigation: input.investigation } : {}),
    generatedAt: input.now.toISOString(),
  };
}
