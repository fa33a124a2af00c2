// Turns a drift comparison into the report a person reads: the answer and what to check first,
// the features sorted by severity with an effect size beside every p-value, the dataset verdict,
// evidence, ranked hypotheses, charts for the most drifted features, and the stable JSON `data`.
import type { Dataset } from '../data/dataset.ts';
import type { DiagnosticResult, Evidence, MetricsTable, Severity } from '../report/model.ts';
import type { DriftComparison } from './compare-datasets.ts';
import { missingShares, type FeatureDrift } from './feature-drift.ts';
import { missingJumps, pct, rankHypotheses, shortList } from './hypotheses.ts';
import { TEST_NAMES } from './test-choice.ts';

/** Features that get a chart: the most drifted ones. */
export const CHARTED_FEATURES = 3;

type ResultBody = Omit<DiagnosticResult, 'diagnostic' | 'title' | 'durationMs' | 'charts'>;

export function driftReport(c: DriftComparison, reference: Dataset, current: Dataset): ResultBody {
  const hypotheses = rankHypotheses(c);
  const drifted = c.features.filter((f) => f.drifted);
  const jumps = missingJumps(c);
  const emptied = c.skipped.filter((s) => s.currentCount === 0 && s.referenceCount > 0);

  const verdict = c.datasetDrift
    ? `Dataset drift: ${drifted.length} of ${c.features.length} features drifted (${pct(c.driftedShare)}, threshold ${pct(c.driftShareThreshold)}): ${names(drifted)}.`
    : drifted.length > 0
      ? `${drifted.length} of ${c.features.length} features drifted (${names(drifted)}); no dataset drift (${pct(c.driftedShare)} < ${pct(c.driftShareThreshold)}).`
      : `No drift in ${c.features.length} feature${c.features.length === 1 ? '' : 's'}.`;
  const extra = [
    emptied.length > 0 ? `${names(emptied)} ${emptied.length === 1 ? 'has' : 'have'} no values in the current data.` : '',
    jumps.length > 0 && emptied.length === 0 ? `Missing values rose in ${names(jumps)}.` : '',
  ].filter(Boolean);
  const next = hypotheses[0] ? `First: ${lowerFirst(hypotheses[0].fixes[0] ?? hypotheses[0].title)}.` : '';
  const summary = [verdict, ...extra, next].filter(Boolean).join(' ');

  let severity: Severity = 'ok';
  if (drifted.length > 0 || jumps.length > 0 || c.onlyInReference.length > 0 || c.skipped.some((s) => s.cause === 'no values')) severity = 'warning';
  if (c.datasetDrift || emptied.length > 0) severity = 'critical';

  return {
    summary,
    severity,
    evidence: evidence(c, reference, current),
    tables: [featureTable(c)],
    hypotheses,
    fixes: unique(hypotheses.map((h) => h.fixes[0]!).filter(Boolean)),
    verification: [
      'Re-run the drift check against the same reference after the fix: the drifted features should fall back under their thresholds',
      'Watch the model quality metric for the affected segment recover',
    ],
    prevention: [
      'Run this check on a schedule against a fixed reference window and alert on dataset drift and on rising missing shares',
      'Validate schema, types, allowed categories and missing shares at the feature pipeline boundary',
    ],
    data: driftData(c, reference, current),
  };
}

/** The stable machine-readable result (field names are a contract; see issue 3). */
export function driftData(c: DriftComparison, reference: Dataset, current: Dataset): Record<string, unknown> {
  return {
    reference: datasetInfo(reference),
    current: datasetInfo(current),
    features: c.features.map((f) => ({
      name: f.name,
      kind: f.kind,
      test: f.test,
      statistic: f.statistic,
      pValue: f.pValue,
      threshold: f.threshold,
      drifted: f.drifted,
      referenceCount: f.referenceCount,
      currentCount: f.currentCount,
      missing: f.missing,
      effectSize: f.effectSize,
      unseenCategories: f.unseenCategories,
    })),
    driftedShare: c.driftedShare,
    datasetDrift: c.datasetDrift,
    driftShareThreshold: c.driftShareThreshold,
    correction: c.correction ?? null,
    onlyInReference: c.onlyInReference,
    onlyInCurrent: c.onlyInCurrent,
    skipped: c.skipped,
  };
}

function datasetInfo(d: Dataset) {
  return { source: d.source, format: d.format, rows: d.rows, malformedRows: d.malformed.rows };
}

function featureTable(c: DriftComparison): MetricsTable {
  return {
    title: 'Features by drift severity',
    columns: ['feature', 'kind', 'test', 'statistic', 'p-value', 'threshold', 'effect size', 'drifted', 'reference n', 'current n', 'missing ref → cur'],
    rows: c.features.map((f) => {
      const m = missingShares(f);
      return [
        f.name,
        f.kind,
        f.test,
        f.statistic,
        f.pValue,
        `${f.pValue === null ? '≥' : 'p <'} ${f.threshold.toPrecision(3).replace(/\.?0+$/, '')}`,
        `${f.effectSize.value.toPrecision(3)} (${f.effectSize.measure})`,
        f.drifted ? 'yes' : 'no',
        f.referenceCount,
        f.currentCount,
        `${pct(m.reference)} → ${pct(m.current)}`,
      ];
    }),
  };
}

function evidence(c: DriftComparison, reference: Dataset, current: Dataset): Evidence[] {
  const out: Evidence[] = [];
  const drifted = c.features.filter((f) => f.drifted);
  out.push({
    label: 'drifted features',
    value: `${drifted.length} of ${c.features.length} (${pct(c.driftedShare)})`,
    detail: `dataset drift when ≥ ${pct(c.driftShareThreshold)}${c.correction ? `; ${c.correction} correction on p-values` : ''}`,
    severity: c.datasetDrift ? 'critical' : drifted.length > 0 ? 'warning' : 'ok',
  });
  for (const f of drifted.slice(0, 10)) out.push(featureEvidence(f));
  for (const j of missingJumps(c)) {
    out.push({ label: `${j.name} missing share`, value: `${pct(j.reference)} → ${pct(j.current)}`, detail: 'missing values rose in the current data', severity: j.current >= 0.99 ? 'critical' : 'warning' });
  }
  for (const s of c.skipped) {
    out.push({ label: `${s.name} not tested`, value: s.reason, severity: s.cause === 'identifier' ? 'info' : s.currentCount === 0 ? 'critical' : 'warning' });
  }
  for (const f of c.features.filter((x) => x.unseenCategories.length > 0)) {
    out.push({ label: `${f.name} new values`, value: shortList(f.unseenCategories.map((v) => `"${v}"`), 5), detail: 'never seen in the reference', severity: 'warning' });
  }
  if (c.onlyInReference.length > 0) out.push({ label: 'only in the reference', value: c.onlyInReference.join(', '), detail: `missing from ${current.source}`, severity: 'warning' });
  if (c.onlyInCurrent.length > 0) out.push({ label: 'only in the current data', value: c.onlyInCurrent.join(', '), detail: `not in ${reference.source}`, severity: 'info' });
  for (const f of c.features) {
    const caveat = f.notes.find((n) => n.startsWith('significant (') || n.startsWith('not significant'));
    if (caveat) out.push({ label: `${f.name} caveat`, value: caveat, severity: 'info' });
    const forced = f.notes.find((n) => n.includes('does not apply'));
    if (forced) out.push({ label: `${f.name} test`, value: forced, severity: 'info' });
  }
  for (const d of [reference, current]) {
    if (d.malformed.rows > 0) out.push({ label: `${d.source} malformed rows`, value: `${d.malformed.rows} skipped`, detail: `first at line ${d.malformed.firstLine}: ${d.malformed.reason}`, severity: 'info' });
  }
  out.push({ label: 'rows compared', value: `${reference.rows.toLocaleString('en-US')} reference, ${current.rows.toLocaleString('en-US')} current`, detail: `${reference.source} vs ${current.source}` });
  return out;
}

function featureEvidence(f: FeatureDrift): Evidence {
  const result =
    f.pValue === null
      ? `${f.statistic.toPrecision(3)} ≥ ${f.threshold}`
      : f.unseenCategories.length > 0 && f.test === 'chi2'
        ? `p = 0 (values never seen in the reference make the statistic infinite)`
        : `p = ${f.pValue.toPrecision(2)} (statistic ${f.statistic.toPrecision(3)})`;
  return {
    label: `${f.name} drifted`,
    value: `${TEST_NAMES[f.test]} ${result}`,
    detail: `effect size: ${f.effectSize.measure} ${f.effectSize.value.toPrecision(3)}; ${f.notes[0] ?? ''}`,
    severity: 'warning',
  };
}

function names(items: Array<{ name: string }>): string {
  return shortList(items.map((i) => i.name), 5);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
