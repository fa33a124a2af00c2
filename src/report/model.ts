// The one Report model every diagnostic fills in and every renderer (Block Kit, Markdown,
// JSON) reads. Plain data only: it travels through Redis as a BullMQ return value.

/** How bad it is, worst last. */
export const SEVERITIES = ['ok', 'info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function worstSeverity(severities: Iterable<Severity>): Severity {
  let worst: Severity = 'ok';
  for (const s of severities) if (SEVERITIES.indexOf(s) > SEVERITIES.indexOf(worst)) worst = s;
  return worst;
}

/** One observed fact, e.g. `{ label: 'p99 latency', value: '840 ms', detail: 'from http_request_duration_seconds' }`. */
export interface Evidence {
  label: string;
  value: string;
  detail?: string;
  severity?: Severity;
}

/** A table of numbers (profile breakdown, per-feature drift, GPU list). Cells are pre-formatted or raw numbers. */
export interface MetricsTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

/** A root-cause candidate. Lists of hypotheses are ranked: most likely first. */
export interface Hypothesis {
  title: string;
  likelihood: 'high' | 'medium' | 'low';
  /** The observations that support it, in words a human can check. */
  evidence: string[];
  /** What to do if it is the cause. */
  fixes: string[];
}

/** A PNG chart. Bytes are base64 so the result survives JSON (Redis, `--format json`). */
export interface Chart {
  /** File name to upload / write, e.g. `drift-age.png`. */
  filename: string;
  title: string;
  pngBase64: string;
}

/** What one diagnostic returns. */
export interface DiagnosticResult {
  /** Registry name, e.g. `health`. */
  diagnostic: string;
  /** One line naming the target, e.g. `health http://model:8080`. */
  title: string;
  /** One or two sentences: the answer, then what to do next. */
  summary: string;
  severity: Severity;
  evidence: Evidence[];
  tables: MetricsTable[];
  hypotheses: Hypothesis[];
  /** Immediate fixes, most useful first. */
  fixes: string[];
  /** How to check the fix worked. */
  verification: string[];
  /** How to keep it from happening again. */
  prevention: string[];
  charts: Chart[];
  /** The diagnostic's machine-readable payload; its field names are a stable contract (spread into `--format json`). */
  data: Record<string, unknown>;
  /** Wall-clock time the diagnostic ran, ms. */
  durationMs: number;
}

/** A diagnostic that could not run (bad input, unreachable service, retries exhausted). */
export interface DiagnosticFailure {
  diagnostic: string;
  title: string;
  error: string;
}

/** The report for one request or incident: one thread in Slack. */
export interface Report {
  title: string;
  incidentKey: string;
  severity: Severity;
  summary: string;
  results: DiagnosticResult[];
  failures: DiagnosticFailure[];
  generatedAt: string;
}

export function emptyResult(diagnostic: string, title: string): DiagnosticResult {
  return {
    diagnostic,
    title,
    summary: '',
    severity: 'ok',
    evidence: [],
    tables: [],
    hypotheses: [],
    fixes: [],
    verification: [],
    prevention: [],
    charts: [],
    data: {},
    durationMs: 0,
  };
}
