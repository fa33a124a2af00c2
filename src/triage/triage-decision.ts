// What triage decides for an alert (src/triage/triage-alert.ts makes it, src/incidents/ acts on
// it): the runbook that matched, where the incident thread goes, how severe it is, and the
// investigation to run — as `/debug investigate` tokens, so the templated values from an alert
// go through the same parsers and limits as a person's command.

export type IncidentSeverity = 'critical' | 'high' | 'warning' | 'info';

export interface TriageDecision {
  /** The matching runbook's name; null when no rule matched. */
  runbook: string | null;
  /** The file it came from (runbooks/<file>.yaml), for the thread's "matched by" line. */
  runbookFile?: string;
  /** What matched, for the thread's "matched by" line: `alertname KubePodCrashLooping, namespace=ml`. */
  matchedBy?: string;
  /** The kinds of problem (src/diagnosis/causes.ts CATEGORIES): the runbook's, else read from the alert's words. */
  categories?: string[];
  /** The runbook's variables as resolved from the alert (for its checklist); absent when no runbook matched. */
  variables?: Record<string, string>;
  /** Slack channel id for the incident thread; '' when none is configured (said in `notes`). */
  channel: string;
  severity: IncidentSeverity;
  /** Tokens after `investigate`: the target, symptom words and flags, templated from the alert. */
  investigate: string[];
  /** When no rule matched: which rule file would catch it, said in the thread. */
  hint?: string;
  /** Problems met while templating (a label missing, a value refused): said in the thread, never thrown. */
  notes: string[];
}
