// The pieces the assessment collects while it reads the probe and the scrapes: findings,
// evidence, tables, charts and fixes, plus the scrape window they are measured over.
import type { Chart, Evidence, MetricsTable, Severity } from '../report/model.ts';

export interface HealthFinding {
  severity: Severity;
  message: string;
}

/** What the parts of the assessment add to the report. */
export interface Notes {
  findings: HealthFinding[];
  evidence: Evidence[];
  tables: MetricsTable[];
  charts: Chart[];
  fixes: string[];
}

/** The time between the two scrapes, in words for the evidence. */
export interface ScrapeWindow {
  seconds: number;
  /** e.g. `the 2.0 s between two scrapes`. */
  between: string;
  /** e.g. `since the process started (no requests in the 2.0 s between two scrapes)`. */
  sinceStart: string;
}
