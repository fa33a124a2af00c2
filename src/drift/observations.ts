// The drift diagnostic's facts for the diagnosis engine: per feature, the kind of change (location
// shift in reference sd, sd ratio, shape, a unit or preprocessing transform, new / vanished / single
// categories, a rise in missing values, a column gone constant or empty), and for the dataset how
// many features were compared and drifted over how many rows. What they mean is decided by the
// causes catalogue (src/diagnosis/causes/data.yaml), not here.
import { numberCounts, type Column } from '../data/column.ts';
import type { Dataset } from '../data/dataset.ts';
import { observer, type Observation, type ObservationVocabulary } from '../diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../diagnosis/vocabulary.ts';
import { erfc } from '../stats/special-functions.ts';
import type { DriftComparison } from './compare-datasets.ts';
import { MEANINGFUL_EFFECT, missingShares, type FeatureDrift } from './feature-drift.ts';
import { fmt, type NumericChange } from './numeric-change.ts';
import { TEST_NAMES } from './test-choice.ts';
import { partialScaling } from './partial-scaling.ts';
import { relationshipChanges } from './relationship-change.ts';
import { sortedCopy } from '../stats/sort.ts';
import { clippedAt, cyclicShift, roundedTo, numbersAsText, partlySwappedColumns, recodedCategories, truncatedCategories, renamedCategories, swappedColumns, swappedValues, valueSpike } from './value-patterns.ts';

export const DRIFT_VOCABULARY = {
  ...TARGET_VOCABULARY,
  'drift.feature_drifted': {
    unit: 'label',
    description: 'a feature whose distribution changed materially (subject = feature); the value is the kind of change: location, scale, location+scale, shape, unit, transform, constant, all-missing, new-categories, vanished-categories, one-category, mix',
  },
  'drift.location_shift': { unit: 'sd', description: 'change of the mean of a drifted numeric feature, in reference standard deviations (signed; subject = feature)' },
  'drift.scale_ratio': { unit: 'ratio', description: 'current sd / reference sd of a drifted numeric feature (subject = feature)' },
  'drift.shape_distance': { unit: 'sd', description: 'Wasserstein distance between the standardised reference and current samples of a drifted numeric feature: the change left once location and spread are removed (subject = feature)' },
  'drift.type_changed': { unit: 'label', description: 'a numeric feature that arrives as text on one side in another number format: value decimal-comma ("7,4") or thousands-separator ("1,234.5") (subject = feature)' },
  'drift.relationship_changed': { unit: 'ratio', description: 'a numeric feature whose correlations with the other features changed while the other pairs held (re-sourced or re-computed); value = the largest change of a correlation (subject = feature)' },
  'drift.rescaled': { unit: 'factor', description: 'every value of a numeric feature is the reference\'s times one factor that is no unit conversion (×0.76), the shape unchanged; the value is the factor (subject = feature)' },
  'drift.unit_factor': { unit: 'factor', description: 'a unit conversion maps the reference onto the current values (×1000, ÷100, °C → °F), to all rows or to a share of them (a partner sending another currency); the value is the factor (subject = feature)' },
  'drift.preprocessing_mismatch': { unit: 'label', description: 'a preprocessing step maps the reference onto the current values: standardised, min-max scaled or log-transformed on one side only, or a categorical feature recoded (names on one side, codes on the other: value "recoded") (subject = feature; value = the step)' },
  'drift.new_categories': { unit: 'count', description: 'values of a categorical feature the reference never had, beyond what chance leaves unseen (subject = feature; the values are in the text)' },
  'drift.new_category_share': { unit: 'ratio', description: 'share of current rows holding values the reference never had (subject = feature)' },
  'drift.vanished_categories': { unit: 'count', description: 'reference values common enough to expect ≥ 5 current rows that are absent now (subject = feature)' },
  'drift.single_category': { unit: 'label', description: 'every current row holds one value that the reference knew among several (subject = feature; value = that value)' },
  'drift.category_renamed': { unit: 'label', description: 'a reference value of a categorical feature vanished and its rows reappear under a new value (another case or punctuation, or the same share of rows); value = "old → new" (subject = feature)' },
  'drift.cyclic_shift': { unit: 'number', description: 'the current values of a whole-number feature on a cycle (hours 0–23, weekdays 0–6) are the reference\'s turned around the cycle by this many steps, as a time-zone or daylight-saving offset does (subject = feature)' },
  'drift.rounded': { unit: 'number', description: 'the step every current value of a drifted numeric feature is now a multiple of (1: whole numbers), when the reference\'s mostly were not: rounded, a lower resolution (subject = feature)' },
  'drift.value_spike': { unit: 'ratio', description: 'one value holds this much larger a share of the current rows than of the reference\'s in a continuous feature: a default or an imputed value filled into many rows (subject = feature)' },
  'drift.clipped_at': { unit: 'number', description: 'the current values of a continuous feature pile up at their maximum (or minimum), where the reference had values beyond: truncated or clipped at this bound (subject = feature)' },
  'drift.columns_swapped': { unit: 'label', description: 'two drifted numeric features whose current values match each other\'s reference values, in every row or in a share of them (each column its reference mixed with the other\'s): the columns were swapped (value = "a ↔ b"; one observation per feature, subject = feature)' },
  'drift.values_swapped': { unit: 'label', description: 'a two-valued feature whose current shares are the reference\'s swapped: an inverted flag or label encoding (value = "a ↔ b"; subject = feature)' },
  'drift.missing_share_change': { unit: 'ratio', description: 'current minus reference share of missing values, when significant and ≥ 1 point (subject = feature)' },
  'drift.feature_degenerate': { unit: 'label', description: 'a feature that varied in the reference is all-missing or constant now (subject = feature; value: all-missing | constant)' },
  'drift.column_missing': { unit: 'label', description: 'a column of the reference absent from the current data (subject = column)' },
  'drift.column_added': { unit: 'label', description: 'a column of the current data absent from the reference (value = column)' },
  'drift.features_compared': { unit: 'count', description: 'features tested (sampleSize = current rows)' },
  'drift.features_drifted': { unit: 'count', description: 'features that drifted materially' },
  'drift.drifted_share': { unit: 'ratio', description: 'drifted features / features compared' },
  'drift.dataset_drift': { unit: 'boolean', description: 'the drifted share reached the dataset drift threshold (--drift-share, default 0.5)' },
  'drift.features_significant_small': { unit: 'count', description: 'features whose test is significant but whose effect is below the distance threshold at this sample size (not counted as drift)' },
  'drift.drifted_small_sample': { unit: 'count', description: 'drifted features resting on fewer than 100 current values (a small window makes single drifts unreliable)' },
  'drift.rows_reference': { unit: 'count', description: 'rows in the reference data' },
  'drift.rows_current': { unit: 'count', description: 'rows in the current data' },
} as const satisfies ObservationVocabulary;

const observe = observer('drift', DRIFT_VOCABULARY);

/** A change in the missing share must be significant at this level (two-proportion z; many features are compared) and at least MIN_MISSING_CHANGE. */
const MISSING_P = 0.001;
const MIN_MISSING_CHANGE = 0.01;
/** Current values below which a drifted feature's verdict rests on a small sample. */
const SMALL_SAMPLE = 100;

export interface MissingChange {
  name: string;
  reference: number;
  current: number;
  /** Present + missing rows behind each share. */
  rows: { reference: number; current: number };
}

/** Features (tested or not) whose missing share changed significantly by at least one point, largest rise first. */
export function missingChanges(c: DriftComparison): MissingChange[] {
  const out: MissingChange[] = [];
  for (const f of [...c.features, ...c.skipped]) {
    const s = missingShares(f);
    const rows = { reference: f.missing.reference + f.referenceCount, current: f.missing.current + f.currentCount };
    if (Math.abs(s.current - s.reference) < MIN_MISSING_CHANGE) continue;
    const pooled = (f.missing.reference + f.missing.current) / (rows.reference + rows.current);
    const z = (s.current - s.reference) / Math.sqrt(pooled * (1 - pooled) * (1 / rows.reference + 1 / rows.current));
    if (erfc(Math.abs(z) / Math.SQRT2) < MISSING_P) out.push({ name: f.name, ...s, rows });
  }
  return out.sort((a, b) => b.current - b.reference - (a.current - a.reference));
}

/** The kind of change of a feature, as `drift.feature_drifted` carries it. */
export function changeKind(f: FeatureDrift): string {
  if (f.change.kind === 'numeric') return f.change.numeric.kind;
  const c = f.change.categorical;
  if (c.single) return c.single.inReference ? 'one-category' : 'constant';
  if (c.newBeyondChance) return 'new-categories';
  if (c.vanished.length > 0) return 'vanished-categories';
  return 'mix';
}

/** One line on what changed in a feature, e.g. `mean 40 → 50 (+1.02 reference sd), …` or `new values "madrid" (5.0 % of rows)`. */
export function changeText(f: FeatureDrift): string {
  if (f.change.kind === 'numeric') return f.change.numeric.text;
  const c = f.change.categorical;
  const parts: string[] = [];
  if (c.single) parts.push(`every current row is "${c.single.value}" (${c.single.inReference ? `${pct(c.single.referenceShare)} of the reference` : 'never seen in the reference'})`);
  if (c.newBeyondChance) parts.push(`${c.unseen.length} new value${c.unseen.length === 1 ? '' : 's'} ${quoted(c.unseen)} in ${pct(c.unseenShare)} of current rows`);
  if (c.vanished.length > 0) parts.push(`${c.vanished.length} value${c.vanished.length === 1 ? '' : 's'} gone: ${quoted(c.vanished)}`);
  if (parts.length === 0) parts.push('the shares of the values changed (no new or vanished values)');
  return parts.join('; ');
}

function testText(f: FeatureDrift): string {
  const result = f.pValue === null ? `${f.statistic.toPrecision(3)}` : `p = ${f.pValue.toPrecision(2)}`;
  return `${TEST_NAMES[f.test]} ${result}, ${f.effectSize.measure} ${f.effectSize.value.toPrecision(2)}`;
}

export function driftObservations(c: DriftComparison, reference: Dataset, current: Dataset, model?: string): Observation[] {
  const out: Observation[] = [];
  if (model) out.push(observe('target.model', model, `model ${model}`));
  const drifted = c.features.filter((f) => f.drifted);

  for (const f of c.features) {
    const n = Math.min(f.referenceCount, f.currentCount);
    const extra = { subject: f.name, sampleSize: n };
    const refColumn = reference.columns.get(f.name);
    const curColumn = current.columns.get(f.name);
    if (f.drifted) {
      out.push(observe('drift.feature_drifted', changeKind(f), `${f.name} drifted (${changeKind(f)}): ${changeText(f)} [${testText(f)}]`, extra));
    }
    if (f.change.kind === 'numeric') {
      const ch = f.change.numeric;
      if (ch.kind === 'constant' && f.currentCount >= 2) {
        out.push(observe('drift.feature_degenerate', 'constant', `${f.name}: ${ch.text}`, extra));
      }
      // The two columns' values, when both are numeric and the current ones vary: what the value patterns read.
      const values = refColumn?.kind === 'numeric' && curColumn?.kind === 'numeric' && ch.kind !== 'constant' ? { reference: refColumn.values, current: curColumn.values } : undefined;
      if (!f.drifted) {
        // A value that fills many rows is a data problem even when the distance stays under the drift
        // threshold (a 14 % fill, or 6 % piled at a new cap, moves the normed Wasserstein distance only
        // a little): looked for where the test found the samples apart, or the distance is near its threshold.
        const closeLook = f.significant || (f.effectSize.measure === 'normed wasserstein' && f.effectSize.value >= MEANINGFUL_EFFECT / 2);
        if (closeLook && values) out.push(...pointMass(f, ch, sortedCopy(values.reference), sortedCopy(values.current), extra));
        continue;
      }
      if (ch.locationShift !== null && ch.kind !== 'constant') {
        out.push(observe('drift.location_shift', round(ch.locationShift), `${f.name}: mean ${fmt(ch.reference.mean)} → ${fmt(ch.current.mean)} (${signed(ch.locationShift)} reference sd)`, extra));
      }
      if (ch.scaleRatio !== null && ch.kind !== 'constant') {
        out.push(observe('drift.scale_ratio', round(ch.scaleRatio), `${f.name}: sd ${fmt(ch.reference.sd)} → ${fmt(ch.current.sd)} (×${ch.scaleRatio.toPrecision(3)})`, extra));
      }
      if (ch.shapeDistance !== null) {
        const bimodal = ch.becameBimodal ? '; the current values look bimodal, the reference did not' : '';
        out.push(observe('drift.shape_distance', round(ch.shapeDistance), `${f.name}: shape distance ${ch.shapeDistance.toFixed(2)} after removing location and spread${bimodal}`, extra));
      }
      // Sorted once here for the point mass and the partial scaling.
      const sorted = values ? { reference: sortedCopy(values.reference), current: sortedCopy(values.current) } : undefined;
      if (values && sorted) {
        const cyc = ch.transform ? undefined : cyclicShift(values.reference, values.current, f.drifted);
        if (cyc) {
          const what = cyc.period === 24 ? 'hours' : 'days';
          out.push(observe('drift.cyclic_shift', cyc.shift, `${f.name}: the current values are the reference's turned ${cyc.shift > 0 ? '+' : ''}${cyc.shift} ${what} around a cycle of ${cyc.period} (histogram distance ${cyc.before.toFixed(2)} → ${cyc.after.toFixed(2)} after the shift), as a time-zone or daylight-saving offset does`, extra));
        }
        // Rounded values pile up on a few values without any being filled in: then no point mass is read.
        const step = roundedTo(values.reference, values.current);
        if (step !== undefined) out.push(observe('drift.rounded', step, `${f.name}: every current value is a multiple of ${fmt(step)}, where the reference's mostly were not — rounded to a coarser resolution`, extra));
        else out.push(...pointMass(f, ch, sorted.reference, sorted.current, extra));
      }
      const partial = !ch.transform && sorted ? partialScaling(sorted.reference, sorted.current) : undefined;
      if (partial) {
        const k = partial.factor >= 1 ? `×${fmt(partial.factor)}` : `÷${fmt(1 / partial.factor)}`;
        out.push(observe('drift.unit_factor', round(partial.factor), `${f.name}: ${pct(partial.share)} of current rows ≈ the reference ${k}, the rest unchanged (largest CDF gap ${partial.fitGap.toFixed(3)} against ${partial.untouchedGap.toFixed(3)} for the reference alone): a share of rows in another unit or currency`, extra));
      }
      if (ch.transform?.family === 'unit') {
        out.push(observe('drift.unit_factor', ch.transform.factor ?? 1, `${f.name}: current values ≈ reference ${ch.transform.name} (mean ${fmt(ch.reference.mean)} → ${fmt(ch.current.mean)}, sd ${fmt(ch.reference.sd)} → ${fmt(ch.current.sd)})`, extra));
      }
      if (ch.transform?.family === 'rescale') {
        out.push(observe('drift.rescaled', round(ch.transform.factor ?? 1), `${f.name}: current values ≈ reference ${ch.transform.name} (mean ${fmt(ch.reference.mean)} → ${fmt(ch.current.mean)}, sd ${fmt(ch.reference.sd)} → ${fmt(ch.current.sd)}, the shape unchanged): the same quantity computed or sourced another way`, extra));
      }
      if (ch.transform?.family === 'preprocessing') {
        out.push(observe('drift.preprocessing_mismatch', ch.transform.name, `${f.name}: current values ≈ reference ${ch.transform.name} (mean ${fmt(ch.reference.mean)} → ${fmt(ch.current.mean)}, sd ${fmt(ch.reference.sd)} → ${fmt(ch.current.sd)})`, extra));
      }
    } else {
      const ch = f.change.categorical;
      if (ch.newBeyondChance) {
        const chance = ch.chanceUnseenShare > 0 ? `; a reference this size leaves ~${pct(ch.chanceUnseenShare)} unseen by chance` : '';
        out.push(observe('drift.new_categories', ch.unseen.length, `${f.name}: ${ch.unseen.length} value${ch.unseen.length === 1 ? '' : 's'} never seen in the reference: ${quoted(ch.unseen)}`, extra));
        out.push(observe('drift.new_category_share', round(ch.unseenShare), `${f.name}: ${pct(ch.unseenShare)} of current rows hold values never seen in the reference${chance}`, extra));
      }
      const counts = (col: Column) => (col.kind === 'categorical' ? col.counts : numberCounts(col.values));
      // Either side may hold numbers (names on one side, integer codes on the other).
      const recoded = refColumn && curColumn ? recodedCategories(counts(refColumn), counts(curColumn)) : undefined;
      // A numeric column that arrives as text in another number format (a decimal comma from one producer).
      const asText = refColumn && curColumn && refColumn.kind !== curColumn.kind ? numbersAsText((refColumn.kind === 'categorical' ? refColumn : curColumn as Extract<Column, { kind: 'categorical' }>).counts) : undefined;
      if (asText) {
        const side = refColumn!.kind === 'categorical' ? 'the reference' : 'the current data';
        const how = asText.kind === 'decimal-comma' ? 'a decimal comma' : 'thousands separators';
        out.push(observe('drift.type_changed', asText.kind, `${f.name}: numbers on one side, text in ${side} — ${pct(asText.share)} of its rows are numbers written with ${how} (${asText.examples.map((e) => `"${e}"`).join(', ')}), ${pct(asText.numericShare)} are numbers once read that way: a number format (locale) changed, not new categories`, extra));
      }
      const truncated = !recoded && ch.vanished.length > 0 && ch.unseen.length > 0 ? truncatedCategories(ch.vanished, ch.unseen) : undefined;
      if (truncated) {
        const shown = truncated.pairs.slice(0, 4).map((p) => `"${p.from}" → "${p.to}"`).join(', ');
        out.push(observe('drift.category_renamed', `cut to ${truncated.length} characters`, `${f.name}: the values are cut to ${truncated.length} characters — ${shown}${truncated.pairs.length > 4 ? ', …' : ''} (a shorter column or field downstream)`, extra));
      }
      if (recoded) {
        const shown = recoded.pairs.slice(0, 4).map((p) => `"${p.from}" → "${p.to}" (${pct(p.fromShare)} → ${pct(p.toShare)})`).join(', ');
        const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));
        // Names on one side and numbers on the other is an encoding step; names on both, a renaming (ISO alpha-2 → alpha-3).
        const renamed = recoded.pairs.every((p) => !isNumber(p.from) && !isNumber(p.to));
        if (renamed) out.push(observe('drift.category_renamed', `every value: ${recoded.pairs.slice(0, 2).map((p) => `${p.from} → ${p.to}`).join(', ')}${recoded.pairs.length > 2 ? ', …' : ''}`, `${f.name}: every reference value is gone and as many new spellings hold the same shares — ${shown}${recoded.pairs.length > 4 ? ', …' : ''}: every value renamed upstream`, extra));
        else out.push(observe('drift.preprocessing_mismatch', 'recoded', `${f.name}: every reference value is gone and as many new ones hold the same shares — ${shown}${recoded.pairs.length > 4 ? ', …' : ''}: the same categories under another encoding`, extra));
      } else if (!truncated && refColumn?.kind === 'categorical' && curColumn?.kind === 'categorical' && ch.vanished.length > 0 && ch.unseen.length > 0) {
        for (const r of renamedCategories(refColumn.counts, curColumn.counts, ch.vanished, ch.unseen)) {
          const how = r.sameText ? 'the same value in another spelling' : 'the only value that vanished and the only new one, with the same share of rows';
          out.push(observe('drift.category_renamed', `${r.from} → ${r.to}`, `${f.name}: "${r.from}" (${pct(r.fromShare)} of the reference) is gone and "${r.to}" (${pct(r.toShare)} now) is new: ${how}`, extra));
        }
      }
      const swapped = refColumn && curColumn && f.drifted ? swappedValues(counts(refColumn), counts(curColumn)) : undefined;
      if (swapped) {
        const how = swapped.includes('↔') ? 'swapped' : 'moved onto other values';
        out.push(observe('drift.values_swapped', swapped, `${f.name}: the reference's shares, each held by another value now (${how}: ${swapped}): the same rows under another encoding — an inverted flag or a label encoder refitted in another order`, extra));
      }
      if (ch.vanished.length > 0) {
        out.push(observe('drift.vanished_categories', ch.vanished.length, `${f.name}: ${quoted(ch.vanished)} common in the reference, absent now`, extra));
      }
      if (ch.single?.inReference) {
        out.push(observe('drift.single_category', ch.single.value, `${f.name}: every current row is "${ch.single.value}" (${pct(ch.single.referenceShare)} of the reference, which had several values)`, extra));
      } else if (ch.single) {
        out.push(observe('drift.feature_degenerate', 'constant', `${f.name}: every current row is "${ch.single.value}", a value the reference never had`, extra));
      }
    }
  }

  const numericDrifted = drifted.flatMap((f) => {
    const r = reference.columns.get(f.name);
    const k = current.columns.get(f.name);
    return f.change.kind === 'numeric' && r?.kind === 'numeric' && k?.kind === 'numeric' ? [{ name: f.name, reference: Float64Array.from(r.values).sort(), current: Float64Array.from(k.values).sort() }] : [];
  });
  for (const rc of relationshipChanges(reference, current, c.features.filter((f) => f.kind === 'numeric').map((f) => f.name))) {
    const text = `${rc.feature}: its correlation with ${rc.partner} went ${rc.referenceR.toFixed(2)} → ${rc.currentR.toFixed(2)} (${rc.changedPairs} of its ${rc.correlatedPairs} correlated pair${rc.correlatedPairs === 1 ? '' : 's'} changed; the other features' pairs held): it no longer relates to the rest as it did`;
    out.push(observe('drift.relationship_changed', round(Math.abs(rc.referenceR - rc.currentR)), text, { subject: rc.feature, sampleSize: current.rows }));
  }
  const swapped = new Set<string>();
  for (const [a, b] of swappedColumns(numericDrifted)) {
    const text = `${a} and ${b} swapped: the current ${a} matches the reference ${b} and the current ${b} the reference ${a} (as close as two samples of one distribution)`;
    for (const name of [a, b]) out.push(observe('drift.columns_swapped', `${a} ↔ ${b}`, text, { subject: name, sampleSize: current.rows }));
    swapped.add(a).add(b);
  }
  for (const p of partlySwappedColumns(numericDrifted, swapped)) {
    const text = `${p.a} and ${p.b} swapped in ${pct(p.share)} of rows: each current column is its reference mixed with ${pct(p.share)} of the other's (largest CDF gap ${p.fitGap.toFixed(3)}, against ${p.ownGap.toFixed(3)} for its own reference alone) — one source assembles the two in the other order`;
    for (const name of [p.a, p.b]) out.push(observe('drift.columns_swapped', `${p.a} ↔ ${p.b}`, text, { subject: name, sampleSize: current.rows }));
  }

  for (const s of c.skipped) {
    if (s.cause === 'no values' && s.currentCount === 0 && s.referenceCount > 0) {
      const extra = { subject: s.name, sampleSize: s.missing.current };
      out.push(observe('drift.feature_drifted', 'all-missing', `${s.name}: no values in the current data (all ${s.missing.current} rows missing; the reference had ${s.referenceCount})`, extra));
      out.push(observe('drift.feature_degenerate', 'all-missing', `${s.name}: all ${s.missing.current} current rows missing (${s.referenceCount} values in the reference)`, extra));
    }
  }
  // A column with no values left is observed as degenerate above, not as a missing-share change.
  for (const m of missingChanges(c).filter((x) => x.current < 1)) {
    out.push(observe('drift.missing_share_change', round(m.current - m.reference), `${m.name}: missing share ${pct(m.reference)} → ${pct(m.current)} (${m.rows.current.toLocaleString('en-US')} current rows)`, { subject: m.name, sampleSize: m.rows.current }));
  }
  for (const name of c.onlyInReference) out.push(observe('drift.column_missing', name, `${name} is in the reference but not in ${current.source}`, { subject: name }));
  // No subject: a new column is context for a missing one (a rename), not the feature a cause is about.
  for (const name of c.onlyInCurrent) out.push(observe('drift.column_added', name, `${name} is in ${current.source} but not in the reference`));

  const rows = { sampleSize: current.rows };
  out.push(observe('drift.features_compared', c.features.length, `${c.features.length} feature${c.features.length === 1 ? '' : 's'} compared over ${reference.rows.toLocaleString('en-US')} reference and ${current.rows.toLocaleString('en-US')} current rows`, rows));
  out.push(observe('drift.features_drifted', drifted.length, `${drifted.length} of ${c.features.length} features drifted${drifted.length > 0 ? `: ${shortList(drifted.map((f) => f.name), 5)}` : ''}`, rows));
  out.push(observe('drift.drifted_share', round(c.driftedShare), `${pct(c.driftedShare)} of features drifted (dataset drift at ≥ ${pct(c.driftShareThreshold)})`, rows));
  out.push(observe('drift.dataset_drift', c.datasetDrift, c.datasetDrift ? `dataset drift: ${pct(c.driftedShare)} of features drifted` : `no dataset drift (${pct(c.driftedShare)} < ${pct(c.driftShareThreshold)})`, rows));
  const small = c.features.filter((f) => f.significant && !f.drifted && !f.withinChance);
  if (small.length > 0) {
    out.push(observe('drift.features_significant_small', small.length, `${shortList(small.map((f) => f.name), 5)}: significant but below the distance threshold with ${Math.min(...small.map((f) => f.currentCount)).toLocaleString('en-US')}+ rows (not counted as drift)`, rows));
  }
  const thin = drifted.filter((f) => f.currentCount < SMALL_SAMPLE);
  if (thin.length > 0) {
    out.push(observe('drift.drifted_small_sample', thin.length, `${shortList(thin.map((f) => `${f.name} (${f.currentCount} current values)`), 5)}: drifted on fewer than ${SMALL_SAMPLE} current values`, rows));
  }
  out.push(observe('drift.rows_reference', reference.rows, `${reference.rows.toLocaleString('en-US')} reference rows (${reference.source})`, { sampleSize: reference.rows }));
  out.push(observe('drift.rows_current', current.rows, `${current.rows.toLocaleString('en-US')} current rows (${current.source})`, rows));
  return out;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 && share > 0 ? 1 : 0)}%`;
}

/** `a, b, c and 4 more`: at most `max` items named. */
export function shortList(items: string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function quoted(values: string[]): string {
  return shortList(values.map((v) => `"${v}"`), 5);
}

/** A value that fills many more current rows than reference ones (both sorted): a fill value, or a cap (clipped). */
function pointMass(f: FeatureDrift, ch: NumericChange, refSorted: Float64Array, curSorted: Float64Array, extra: { subject: string; sampleSize: number }): Observation[] {
  const out: Observation[] = [];
  const spike = valueSpike(refSorted, curSorted, ch.reference.mean, ch.reference.median, ch.reference.sd);
  const clip = spike ? clippedAt(refSorted, curSorted, spike) : undefined;
  if (clip) {
    out.push(observe('drift.clipped_at', clip.value, `${f.name}: ${pct(spike!.currentShare)} of current rows sit exactly at the current ${clip.side}imum ${fmt(clip.value)}, and ${pct(clip.beyondShare)} of the reference lay ${clip.side === 'max' ? 'above' : 'below'} it: values ${clip.side === 'max' ? 'truncated at' : 'floored at'} ${fmt(clip.value)}`, extra));
  }
  if (spike) {
    const which = spike.matches === 'mean' ? ", the reference's mean (mean imputation)" : spike.matches === 'median' ? ", the reference's median (median imputation)" : spike.matches === 'zero' ? ' (zero filled in)' : '';
    out.push(observe('drift.value_spike', round(spike.currentShare - spike.referenceShare), `${f.name}: ${pct(spike.currentShare)} of current rows are exactly ${fmt(spike.value)}${which}, against ${pct(spike.referenceShare)} of the reference`, extra));
  }
  return out;
}
