// Merges diagnostic results and failures into the one Report a thread shows.
import { worstSeverity, type DiagnosticFailure, type DiagnosticResult, type Report } from './model.ts';

export function buildReport(input: {
  title: string;
  incidentKey: string;
  results: DiagnosticResult[];
  failures: DiagnosticFailure[];
  now: Date;
}): Report {
  const severity = worstSeverity([
    ...input.results.map((r) => r.severity),
    ...(input.failures.length > 0 ? (['warning'] as const) : []),
  ]);
  const parts = input.results.map((r) => r.summary).filter(Boolean);
  for (const f of input.failures) parts.push(`${f.diagnostic} could not run: ${f.error}`);
  return {
    title: input.title,
    incidentKey: input.incidentKey,
    severity,
    summary: parts.join(' ') || 'No diagnostics ran.',
    results: input.results,
    failures: input.failures,
    generatedAt: input.now.toISOString(),
  };
}
