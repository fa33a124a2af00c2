// Where the engine meets the report: a diagnostic's result gets its ranked causes, fixes,
// verification, prevention and a verdict in its summary from its own observations; a request
// with several diagnostics gets one ranking over all of their observations (pooled).
import { worstSeverity, type DiagnosticResult, type Hypothesis } from '../report/model.ts';
import { defaultCauses, type Cause } from './causes.ts';
import { rankCauses } from './engine.ts';
import type { Observation } from './observation.ts';

/** Causes whose fixes lead the result's fix list. */
const FIXES_FROM_TOP = 2;

const unique = (items: string[]) => [...new Set(items.filter(Boolean))];

/** The causes worth acting on: listed, and not outweighed by the evidence against. */
export function plausible(hypotheses: readonly Hypothesis[]): Hypothesis[] {
  return hypotheses.filter((h) => h.likelihood !== 'unlikely');
}

/** One line naming the most likely cause, its strongest evidence and the next step; null unless a cause is medium or high (a low one is listed, not announced). */
export function verdict(hypotheses: readonly Hypothesis[]): string | null {
  const top = plausible(hypotheses)[0];
  if (!top || top.likelihood === 'low') return null;
  const next = top.confirm[0] ?? top.fixes[0];
  return `Most likely: ${top.title} (${top.likelihood}; ${top.evidence[0] ?? 'no detail'}).${next ? ` Next: ${next}` : ''}`;
}

/** The report severity the causes call for: a medium or high cause raises it to the cause's severity. */
export function causeSeverity(hypotheses: readonly Hypothesis[]) {
  return worstSeverity(hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium').map((h) => h.severity));
}

/** Ranks the causes for one result and folds the top ones into its summary, severity, fixes, verification and prevention. */
export function withDiagnosis(result: DiagnosticResult, causes: readonly Cause[] = defaultCauses()): DiagnosticResult {
  const hypotheses = rankCauses(result.observations, causes);
  const top = plausible(hypotheses);
  const line = verdict(hypotheses);
  return {
    ...result,
    hypotheses,
    severity: worstSeverity([result.severity, causeSeverity(hypotheses)]),
    measuredSeverity: result.measuredSeverity ?? result.severity,
    summary: line ? `${line} ${result.summary}`.trim() : result.summary,
    fixes: unique([...top.slice(0, FIXES_FROM_TOP).map((h) => h.fixes[0] ?? ''), ...result.fixes]),
    verification: unique([...(top[0]?.verification ?? []), ...result.verification]),
    prevention: unique([...(top[0]?.prevention ?? []), ...result.prevention]),
  };
}

/** One ranking over the observations of every result of a request. */
export function pooledHypotheses(results: readonly DiagnosticResult[], extra: readonly Observation[] = [], causes: readonly Cause[] = defaultCauses()): Hypothesis[] {
  return rankCauses([...extra, ...results.flatMap((r) => r.observations ?? [])], causes);
}
