// `--baseline <report.json>`: this run against an earlier `--format json` report of the same
// diagnostics — latency p50/p99 and throughput within a tolerance, drift verdicts (the dataset,
// and each feature that drifts now and did not then) — so CI can fail on a regression. Pure:
// JSON in, comparisons out; the CLI reads the file and sets the exit code.
import { REPORT_SCHEMA_VERSION } from './render-json.ts';

/** One measure of one diagnostic, then and now. */
export interface BaselineMeasure {
  diagnostic: string;
  /** `latency p50`, `throughput`, `dataset drift`, `feature age drifted`. */
  measure: string;
  baseline: number | boolean | string | null;
  current: number | boolean | string | null;
  /** For numbers: (current − baseline) / baseline, in percent. */
  changePercent?: number;
  /** Worse than the baseline beyond the tolerance (latency up, throughput down, drift appeared). */
  regression: boolean;
  text: string;
}

export interface BaselineComparison {
  file: string;
  /** How much worse a latency or throughput may get, %. */
  tolerancePercent: number;
  comparisons: BaselineMeasure[];
  regressions: number;
}

type Json = Record<string, unknown>;

/** The results in a `--format json` output: a report's `results`, or the one result. Throws Error with a reason a person can act on. */
export function resultsOf(json: unknown, what: string): Json[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${what} is not an infdbg JSON report`);
  const o = json as Json;
  if (o.schemaVersion !== REPORT_SCHEMA_VERSION) throw new Error(`${what} has schemaVersion ${JSON.stringify(o.schemaVersion ?? null)}; this infdbg reads ${REPORT_SCHEMA_VERSION} (write it with infdbg … --format json)`);
  if (Array.isArray(o.results)) return o.results as Json[];
  if (typeof o.diagnostic === 'string') return [o];
  throw new Error(`${what} has neither a diagnostic nor results`);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function pct(n: number): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(1)} %`;
}

function numeric(diagnostic: string, measure: string, then: number | undefined, now: number | undefined, higherIsWorse: boolean, tolerance: number, unit: string): BaselineMeasure | undefined {
  if (then === undefined || now === undefined || then <= 0) return undefined;
  const changePercent = ((now - then) / then) * 100;
  const regression = higherIsWorse ? changePercent > tolerance : changePercent < -tolerance;
  const round = (x: number) => Number(x.toPrecision(4));
  return {
    diagnostic,
    measure,
    baseline: round(then),
    current: round(now),
    changePercent: Math.round(changePercent * 10) / 10,
    regression,
    text: `${measure} ${round(then)} → ${round(now)} ${unit} (${pct(changePercent)}${regression ? `, beyond ${tolerance} %` : ''})`,
  };
}

function latency(r: Json): Json | undefined {
  return typeof r.latencyMs === 'object' && r.latencyMs !== null ? (r.latencyMs as Json) : undefined;
}

function driftedFeatures(r: Json): Map<string, boolean> {
  const out = new Map<string, boolean>();
  if (!Array.isArray(r.features)) return out;
  for (const f of r.features as Json[]) if (typeof f?.name === 'string' && typeof f.drifted === 'boolean') out.set(f.name, f.drifted);
  return out;
}

/** Compares one result with the baseline's result of the same diagnostic. */
function compareResult(now: Json, then: Json, tolerance: number): BaselineMeasure[] {
  const d = String(now.diagnostic);
  const out: BaselineMeasure[] = [];
  const [ln, lt] = [latency(now), latency(then)];
  for (const q of ['p50', 'p99'] as const) {
    const m = numeric(d, `latency ${q}`, num(lt?.[q]), num(ln?.[q]), true, tolerance, 'ms');
    if (m) out.push(m);
  }
  const t = numeric(d, 'throughput', num(then.throughputPerSec), num(now.throughputPerSec), false, tolerance, '/s');
  if (t) out.push(t);
  if (typeof now.datasetDrift === 'boolean' && typeof then.datasetDrift === 'boolean') {
    const regression = now.datasetDrift && !then.datasetDrift;
    out.push({ diagnostic: d, measure: 'dataset drift', baseline: then.datasetDrift, current: now.datasetDrift, regression, text: `dataset drift ${then.datasetDrift ? 'yes' : 'no'} → ${now.datasetDrift ? 'yes' : 'no'}` });
  }
  const [fn, ft] = [driftedFeatures(now), driftedFeatures(then)];
  for (const [name, drifted] of fn) {
    const before = ft.get(name);
    if (before === undefined || before === drifted) continue;
    out.push({ diagnostic: d, measure: `feature ${name} drifted`, baseline: before, current: drifted, regression: drifted, text: `feature ${name}: ${drifted ? 'drifts now, did not then' : 'drifted then, not now'}` });
  }
  return out;
}

/**
 * Pairs each current result with the baseline's result of the same diagnostic (in order, when a
 * diagnostic ran more than once) and compares them. Throws Error when they share no diagnostic.
 */
export function compareWithBaseline(current: Json[], baseline: Json[], tolerancePercent: number, file: string): BaselineComparison {
  const remaining = [...baseline];
  const comparisons: BaselineMeasure[] = [];
  let paired = 0;
  for (const now of current) {
    const i = remaining.findIndex((b) => b.diagnostic === now.diagnostic);
    if (i < 0) continue;
    paired++;
    comparisons.push(...compareResult(now, remaining.splice(i, 1)[0]!, tolerancePercent));
  }
  if (paired === 0) {
    const names = (list: Json[]) => [...new Set(list.map((r) => String(r.diagnostic)))].join(', ') || 'nothing';
    throw new Error(`${file} holds ${names(baseline)}; this run is ${names(current)}: nothing to compare`);
  }
  return { file, tolerancePercent, comparisons, regressions: comparisons.filter((c) => c.regression).length };
}

/** The comparison as a Markdown section (rendered for a terminal like the rest of the report). */
export function baselineMarkdown(c: BaselineComparison): string {
  const head = `## Compared with the baseline ${c.file} (tolerance ${c.tolerancePercent} %)`;
  if (c.comparisons.length === 0) return `${head}\n\nNo measure in common (latency, throughput, drift verdicts): nothing compared.\n`;
  const rows = c.comparisons.map((m) => `| ${m.diagnostic} | ${m.measure.replace(/\|/g, '\\|')} | ${String(m.baseline)} | ${String(m.current)} | ${m.changePercent === undefined ? '' : pct(m.changePercent)} | ${m.regression ? '**regression**' : 'ok'} |`);
  const verdict = c.regressions === 0 ? `No regression beyond ${c.tolerancePercent} %.` : `**${c.regressions} regression${c.regressions === 1 ? '' : 's'}** against the baseline.`;
  return [head, '', '| diagnostic | measure | baseline | now | change | verdict |', '| --- | --- | --- | --- | --- | --- |', ...rows, '', verdict, ''].join('\n');
}
