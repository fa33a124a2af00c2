// The one Report model every diagnostic fills in and every renderer (Block Kit, Markdown,
// JSON) reads. Plain data only: it travels through Redis as a BullMQ return value.
import type { Observation } from '../diagnosis/observation.ts';

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

/** Derived from a cause's score (src/diagnosis/engine.ts); `unlikely`: the evidence against outweighs the evidence for. */
export type Likelihood = 'high' | 'medium' | 'low' | 'unlikely';

/** A root-cause candidate from the causes catalogue. Lists of hypotheses are ranked: most likely first. */
export interface Hypothesis {
  /** Catalogue id (src/diagnosis/causes/*.yaml), e.g. `memory-leak`. */
  cause: string;
  title: string;
  /** The kind of problem it explains (latency, errors, memory, …). */
  category: string;
  likelihood: Likelihood;
  /** Evidence for minus evidence against, in the catalogue's weights. */
  score: number;
  /** The observations that support it, in words a human can check, with the diagnostic that saw them. */
  evidence: string[];
  /** The observations that speak against it. */
  against: string[];
  /** What would confirm it: the next diagnostic or command. */
  confirm: string[];
  /** What to do if it is the cause. */
  fixes: string[];
  verification: string[];
  prevention: string[];
  /** How bad it is when it is the cause. */
  severity: Severity;
}

/** A PNG chart. Bytes are base64 so the result survives JSON (Redis, `--format json`). */
export interface Chart {
  /** File name to upload / write, e.g. `drift-age.png`. */
  filename: string;
  title: string;
  pngBase64: string;
}

/** A text file that goes with a report (a table too long for the message, e.g. every layer's statistics as CSV). */
export interface ReportFile {
  /** File name to upload / write, e.g. `model-layers.csv`. */
  filename: string;
  title: string;
  text: string;
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
  /**
   * The severity of what was measured, before the causes ranked for this result alone raised it
   * (`severity` includes those). A report over several results ranks the causes again over all of
   * them, and takes its severity from this and that pooled ranking.
   */
  measuredSeverity?: Severity;
  evidence: Evidence[];
  tables: MetricsTable[];
  /** What the diagnostic saw, as typed facts: the input of the diagnosis engine. */
  observations: Observation[];
  /** Ranked by the diagnosis engine from `observations` (src/diagnosis/diagnose.ts); a diagnostic leaves it empty. */
  hypotheses: Hypothesis[];
  /** Immediate fixes, most useful first. */
  fixes: string[];
  /** How to check the fix worked. */
  verification: string[];
  /** How to keep it from happening again. */
  prevention: string[];
  charts: Chart[];
  /** Text files uploaded beside the charts (Slack) or written beside them (`--charts-dir`). */
  files?: ReportFile[];
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

/** The plan of an investigation as the report states it. */
export interface InvestigationNote {
  categories: string[];
  symptoms: string[];
  unrecognised: string[];
  steps: Array<{ diagnostic: string; command: string; why: string }>;
  notRun: Array<{ diagnostic: string; why: string }>;
}

/** The report for one request or incident: one thread in Slack. */
export interface Report {
  title: string;
  incidentKey: string;
  severity: Severity;
  summary: string;
  results: DiagnosticResult[];
  failures: DiagnosticFailure[];
  /** One ranking over the observations of every result (pooled): the causes of the whole request. */
  hypotheses: Hypothesis[];
  /** For `investigate`: the plan that ran and why. */
  investigation?: InvestigationNote;
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
    observations: [],
    hypotheses: [],
    fixes: [],
    verification: [],
    prevention: [],
    charts: [],
    data: {},
    durationMs: 0,
  };
}
