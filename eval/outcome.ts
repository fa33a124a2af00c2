// How a scenario is scored: the report's pooled ranking (as a thread would show it) against the
// cause that was injected. Pure, shared by `npm run eval` and the deterministic test subset.
import { plausible } from '../src/diagnosis/diagnose.ts';
import { buildReport } from '../src/report/build.ts';
import type { DiagnosticResult } from '../src/report/model.ts';
import { readSymptoms } from '../src/triage/investigation.ts';

export interface Outcome {
  /** Top cause id, or null when nothing plausible was ranked. */
  top: string | null;
  second: string | null;
  likelihood: string | null;
  severity: string;
  /** Top-1 hit (for a control: no warning and nothing medium or high). */
  pass: boolean;
  /** Within the top two (a control: same as pass). */
  topTwo: boolean;
}

/** `reported`: symptom words, as `investigate` would add them. */
export function score(expect: string | null, results: DiagnosticResult[], reported: string[] = []): Outcome {
  const { observations } = readSymptoms(reported);
  const report = buildReport({ title: 'eval', incidentKey: 'eval', results, failures: [], now: new Date(0), observations });
  const ranked = plausible(report.hypotheses);
  const top = ranked[0] ?? null;
  const second = ranked[1] ?? null;
  const base = { top: top?.cause ?? null, second: second?.cause ?? null, likelihood: top?.likelihood ?? null, severity: report.severity };
  if (expect === null) {
    const quiet = (report.severity === 'ok' || report.severity === 'info') && !ranked.some((h) => h.likelihood === 'high' || h.likelihood === 'medium');
    return { ...base, pass: quiet, topTwo: quiet };
  }
  return { ...base, pass: base.top === expect, topTwo: base.top === expect || base.second === expect };
}
