// Turns a drift comparison into the report a person reads: what drifted and how (the kind of
// change per feature), the features sorted by severity with an effect size beside every p-value,
// the dataset verdict, evidence, the observations the diagnosis engine ranks causes from, charts
// for the most drifted features, and the stable JSON `data`. It names no cause: the causes
// catalogue does (src/diagnosis/causes/data.yaml).
import type { Dataset } from '../data/dataset.ts';
import type { DiagnosticResult, Evidence, MetricsTable, Severity } from '../report/model.ts';
import type { DriftComparison } from './compare-datasets.ts';
import { missingShares, type FeatureDrift } from './feature-drift.ts';
import { changeKind, changeText, driftObservations, missingChanges, pct, shortList } from './observations.ts';
import { TEST_NAMES } from './test-choice.ts';

/** Features that get a chart: the most drifted ones. */
export const CHARTED_FEATURES = 3;
/** A rise in a feature's missing share of at least this much (absolute) is a warning by itself. */
const MISSING_SHARE_JUMP = 0.05;

type ResultBody = Omit<DiagnosticResult, 'diagnostic' | 'title' | 'durationMs' | 'charts'>;

export function driftReport(c: DriftComparison, reference: Dataset, current: Dataset, model?: string): ResultBody {
  const drifted = c.features.filter((f) => f.drifted);
  const missing = missingChanges(c);
  const rises = missing.filter((m) => m.current - m.reference >= MISSING_SHARE_JUMP);
  const emptied = c.skipped.filter((s) => s.currentCount === 0 && s.referenceCount > 0);
  const degenerate = c.features.filter((f) => changeKind(f) === 'constant');
  const newValues = c.features.filter((f) => f.change.kind === 'categorical' && f.change.categorical.newBeyondChance);

  const what = drifted.map((f) => `${f.name} (${headline(f)})`);
  const verdict = c.datasetDrift
    ? `Dataset drift: ${drifted.length} of ${c.features.length} features drifted (${pct(c.driftedShare)}, threshold ${pct(c.driftShareThreshold)}): ${shortList(what, 5)}.`
    : drifted.length > 0
      ? `${drifted.length} of ${c.features.length} features drifted: ${shortList(what, 5)}; no dataset drift (${pct(c.driftedShare)} < ${pct(c.driftShareThreshold)}).`
      : `No drift in ${c.features.length} feature${c.features.length === 1 ? '' : 's'}.`;
  const extra = [
    emptied.length > 0 ? `${names(emptied)} ${emptied.length === 1 ? 'has' : 'have'} no values in the current data.` : '',
    rises.filter((m) => !emptied.some((e) => e.name === m.name)).length > 0
      ? `Missing values rose in ${shortList(rises.filter((m) => !emptied.some((e) => e.name === m.name)).map((m) => `${m.name} (${pct(m.reference)} → ${pct(m.current)})`), 5)}.`
      : '',
    newValues.filter((f) => !f.drifted).length > 0 ? `New values in ${names(newValues.filter((f) => !f.drifted))}.` : '',
    c.onlyInReference.length > 0 ? `Missing from the current data: ${shortList(c.onlyInReference, 5)}.` : '',
  ].filter(Boolean);
  const quiet = drifted.length === 0 && extra.length === 0;
  const summary = [verdict, ...extra, quiet ? 'No problem measured in the inputs.' : ''].filter(Boolean).join(' ');

  let severity: Severity = 'ok';
  // New values in under 1 % of rows are reported, but do not warn by themselves.
  const commonNew = newValues.filter((f) => f.change.kind === 'categorical' && f.change.categorical.unseenShare >= 0.01);
  if (drifted.length > 0 || rises.length > 0 || commonNew.length > 0 || c.onlyInReference.length > 0) severity = 'warning';
  if (c.datasetDrift || emptied.length > 0 || degenerate.length > 0) severity = 'critical';

  return {
    summary,
    severity,
    evidence: evidence(c, reference, current),
    tables: [featureTable(c)],
    observations: driftObservations(c, reference, current, model),
    hypotheses: [],
    fixes: [],
    verification: ['Re-run the drift check against the same reference after the fix: the drifted features should fall back under their thresholds'],
    prevention: ['Run this check on a schedule against a fixed reference window and alert on dataset drift and on rising missing shares'],
    data: driftData(c, reference, current),
  };
}

/** The change in a few words for the summary: `mean +1.02 sd`, `sd ×2.1`, `new value "madrid"`. */
function headline(f: FeatureDrift): string {
  if (f.change.kind === 'categorical') {
    const c = f.change.categorical;
    if (c.single) return `only "${c.single.value}" now`;
    if (c.newBeyondChance) return `new value${c.unseen.length === 1 ? '' : 's'} ${shortList(c.unseen.map((v) => `"${v}"`), 3)}`;
    if (c.vanished.length > 0) return `${shortList(c.vanished.map((v) => `"${v}"`), 3)} gone`;
    return 'value shares changed';
  }
  const ch = f.change.numeric;
  const shift = ch.locationShift === null ? '' : `mean ${ch.locationShift >= 0 ? '+' : ''}${ch.locationShift.toFixed(2)} sd`;
  const ratio = ch.scaleRatio === null ? '' : `sd ×${ch.scaleRatio.toPrecision(3)}`;
  switch (ch.kind) {
    case 'unit':
    case 'transform':
    case 'rescaled':
      return `≈ reference ${ch.transform!.name.replace(/ \(.*$/, '')}`;
    case 'constant':
      return `constant ${ch.current.mean}`;
    case 'location':
      return shift;
    case 'scale':
      return `${ratio}, mean unchanged`;
    case 'location+scale':
      return `${shift}, ${ratio}`;
    case 'shape':
      return `shape changed${ch.becameBimodal ? ' (bimodal now)' : ''}, mean and sd unchanged`;
  }
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
      significant: f.significant,
      drifted: f.drifted,
      change: changeData(f),
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

/** The measured change of a feature, for `--format json`. */
function changeData(f: FeatureDrift): Record<string, unknown> {
  if (f.change.kind === 'numeric') {
    const ch = f.change.numeric;
    return {
      kind: ch.kind,
      locationShift: ch.locationShift,
      scaleRatio: ch.scaleRatio,
      shapeDistance: ch.shapeDistance,
      transform: ch.transform?.name ?? null,
      reference: ch.reference,
      current: ch.current,
    };
  }
  const ch = f.change.categorical;
  return { kind: changeKind(f), newValues: ch.newBeyondChance ? ch.unseen : [], newValueShare: ch.unseenShare, vanishedValues: ch.vanished, singleValue: ch.single?.value ?? null };
}

function datasetInfo(d: Dataset) {
  return { source: d.source, format: d.format, rows: d.rows, malformedRows: d.malformed.rows };
}

function featureTable(c: DriftComparison): MetricsTable {
  return {
    title: 'Features by drift severity',
    columns: ['feature', 'kind', 'test', 'statistic', 'p-value', 'threshold', 'effect size', 'drifted', 'change', 'reference n', 'current n', 'missing ref → cur'],
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
        f.drifted ? 'yes' : f.significant ? 'no (small effect)' : 'no',
        f.drifted ? headline(f) : '',
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
  for (const j of missingChanges(c)) {
    const rose = j.current > j.reference;
    out.push({
      label: `${j.name} missing share`,
      value: `${pct(j.reference)} → ${pct(j.current)}`,
      detail: `missing values ${rose ? 'rose' : 'fell'} in the current data`,
      severity: j.current >= 0.99 ? 'critical' : rose && j.current - j.reference >= MISSING_SHARE_JUMP ? 'warning' : 'info',
    });
  }
  for (const s of c.skipped) {
    out.push({ label: `${s.name} not tested`, value: s.reason, severity: s.cause === 'identifier' ? 'info' : s.currentCount === 0 ? 'critical' : 'warning' });
  }
  for (const f of c.features) {
    if (f.change.kind !== 'categorical' || f.change.categorical.unseen.length === 0) continue;
    const ch = f.change.categorical;
    const detail = ch.newBeyondChance
      ? `never seen in the reference; ${pct(ch.unseenShare)} of current rows`
      : `never seen in the reference, but only ${pct(ch.unseenShare)} of current rows: no more than a reference of this size leaves unseen by chance (~${pct(ch.chanceUnseenShare)})`;
    out.push({ label: `${f.name} new values`, value: shortList(ch.unseen.map((v) => `"${v}"`), 5), detail, severity: ch.newBeyondChance ? 'warning' : 'info' });
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
  const test = f.pValue === null ? `${f.statistic.toPrecision(3)} ≥ ${f.threshold}` : `p = ${f.pValue.toPrecision(2)} (statistic ${f.statistic.toPrecision(3)})`;
  return {
    label: `${f.name} drifted: ${changeKind(f)}`,
    value: changeText(f),
    detail: `${TEST_NAMES[f.test]} ${test}; effect size: ${f.effectSize.measure} ${f.effectSize.value.toPrecision(3)}; ${f.notes[0] ?? ''}`,
    severity: changeKind(f) === 'constant' ? 'critical' : 'warning',
  };
}

function names(items: Array<{ name: string }>): string {
  return shortList(items.map((i) => i.name), 5);
}
