// The health endpoint's answer as evidence: 2xx is healthy, 5xx means the service says it is
// unhealthy, anything else (typically 404) means the path is wrong.
import type { Severity } from '../report/model.ts';
import { fmtMs, summariseBody } from './format.ts';
import type { Notes } from './notes.ts';
import type { Fetched, HealthTarget } from './observations.ts';

/** Evidence and findings from the health probe; true when it answered 2xx. */
export function noteHealthEndpoint(notes: Notes, target: HealthTarget, health: Fetched): boolean {
  const path = target.healthPath;
  if (health.kind === 'unreachable') {
    notes.findings.push({ severity: 'critical', message: `${path} unreachable (${health.code}: ${health.reason}) while ${target.metricsPath} answers` });
    notes.evidence.push({ label: `GET ${path}`, value: 'no answer', detail: `${health.code}: ${health.reason}`, severity: 'critical' });
    return false;
  }
  const ok = health.status >= 200 && health.status <= 299;
  const severity: Severity = ok ? 'ok' : health.status >= 500 ? 'critical' : 'warning';
  notes.evidence.push({ label: `GET ${path}`, value: `${health.status} in ${fmtMs(health.ms)}`, detail: summariseBody(health.body), severity });
  if (health.status >= 500) notes.findings.push({ severity, message: `${path} answered ${health.status}: the service reports itself unhealthy` });
  else if (!ok) notes.findings.push({ severity, message: `${path} answered ${health.status}${health.status === 404 ? ' — no health endpoint at that path; pass --health-path' : ''}` });
  return ok;
}
