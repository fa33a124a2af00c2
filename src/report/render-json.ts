// The report for machines (`infdbg <diagnostic> --format json`, scripts, CI gates). A
// diagnostic's `data` is spread at the top level so its contract reads directly
// (`jq .findings`, `jq .driftedShare`), next to the report sections every diagnostic shares.

import type { DiagnosticFailure, DiagnosticResult, Hypothesis, Report, Severity } from './model.ts';

/**
 * Version of the JSON shape (schema/report.schema.json): raised when a field is removed or
 * changes meaning, so a CI script can refuse a report it does not understand. New fields do not raise it.
 */
export const REPORT_SCHEMA_VERSION = 1;

/**
 * Top-level keys owned by the report. A `data` key with one of these names is left out of the
 * JSON (the report's value wins), so diagnostics must not use them for their own fields.
 */
export const RESERVED_RESULT_KEYS = [
  'schemaVersion',
  'baselineComparison',
  'diagnostic',
  'title',
  'severity',
  'summary',
  'evidence',
  'tables',
  'observations',
  'hypotheses',
  'fixes',
  'verification',
  'prevention',
  'charts',
  'durationMs',
] as const;

/** The result's sections with charts and files as file names (their bytes are not repeated), plus the diagnostic's own `data` fields. */
export type ResultJson = Omit<DiagnosticResult, 'charts' | 'files' | 'data'> & { schemaVersion: typeof REPORT_SCHEMA_VERSION; charts: string[]; files?: string[] } & Record<string, unknown>;

export interface ReportJson {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  title: string;
  incidentKey: string;
  severity: Severity;
  summary: string;
  generatedAt: string;
  results: ResultJson[];
  failures: DiagnosticFailure[];
  /** One ranking over every result's observations. */
  hypotheses: Hypothesis[];
}

/** `{ diagnostic, title, severity, summary, ...data, evidence, …, charts: [filenames], durationMs }`. */
export function renderResultJson(result: DiagnosticResult): ResultJson {
  const reserved: ReadonlySet<string> = new Set(RESERVED_RESULT_KEYS);
  const data = Object.fromEntries(Object.entries(result.data).filter(([key]) => !reserved.has(key)));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    diagnostic: result.diagnostic,
    title: result.title,
    severity: result.severity,
    summary: result.summary,
    ...data,
    evidence: result.evidence,
    tables: result.tables,
    observations: result.observations,
    hypotheses: result.hypotheses,
    fixes: result.fixes,
    verification: result.verification,
    prevention: result.prevention,
    charts: result.charts.map((c) => c.filename),
    ...(result.files && result.files.length > 0 ? { files: result.files.map((f) => f.filename) } : {}),
    durationMs: result.durationMs,
  };
}

export function renderReportJson(report: Report): ReportJson {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    title: report.title,
    incidentKey: report.incidentKey,
    severity: report.severity,
    summary: report.summary,
    generatedAt: report.generatedAt,
    results: report.results.map(renderResultJson),
    failures: report.failures,
    hypotheses: report.hypotheses,
  };
}
