// Runs the chosen drift method on one feature and returns its verdict with an effect size beside
// every p-value: with enough rows a test calls any difference "significant", so the report also
// says how big the shift is (normed Wasserstein for numeric, Jensen–Shannon distance for
// categories), and above LARGE_REFERENCE values a significant test counts as drift only when the
// effect also reaches the distance threshold. It also describes the kind of change (numeric:
// location, scale, shape, a unit or preprocessing transform; categorical: new, vanished or single
// values).
import { binCategorical, binNumeric } from '../stats/binning.ts';
import { chiSquareHomogeneity } from '../stats/chi-square.ts';
import { jensenShannonDistance } from '../stats/jensen-shannon.ts';
import { ks2sampSorted } from '../stats/ks.ts';
import { sortedCopy } from '../stats/sort.ts';
import { populationStabilityIndex } from '../stats/psi.ts';
import { normedWassersteinSorted } from '../stats/wasserstein.ts';
import { zTest } from '../stats/z-test.ts';
import { describeCategoryChange, type CategoryChange } from './category-change.ts';
import { chanceDistance } from './chance-distance.ts';
import type { FeaturePair } from './feature-pairs.ts';
import { describeNumericChange, type NumericChange } from './numeric-change.ts';
import { DEFAULT_THRESHOLDS, LARGE_REFERENCE, P_VALUE_TESTS, type DriftTest, type FeatureKind } from './test-choice.ts';

/** Effect sizes at or above this count as a real shift (the distance threshold). */
export const MEANINGFUL_EFFECT = 0.1;

export interface FeatureDrift {
  name: string;
  kind: FeatureKind;
  test: DriftTest;
  statistic: number;
  /** p-value for ks, chi2 and z; null for the distances. */
  pValue: number | null;
  /** p-value threshold (drift when p < threshold) or distance threshold (drift when ≥ threshold). */
  threshold: number;
  /** The method's own verdict (p below the threshold, or the distance at or above it). */
  significant: boolean;
  /** Significant by the method's threshold, but no farther apart than random splits of the pooled rows (many rare categories). */
  withinChance: boolean;
  /** Significant and, with more than LARGE_REFERENCE values on each side, an effect size of at least MEANINGFUL_EFFECT. */
  drifted: boolean;
  referenceCount: number;
  currentCount: number;
  missing: { reference: number; current: number };
  /** How far the distribution moved, on a scale comparable across features (drift-sized at ≥ 0.1). */
  effectSize: { measure: 'normed wasserstein' | 'jensen-shannon' | 'psi'; value: number };
  /** Categories in the current data that the reference never had (categorical features). */
  unseenCategories: string[];
  /** What kind of change it is (measured on every feature; it matters for drifted ones). */
  change: { kind: 'numeric'; numeric: NumericChange } | { kind: 'categorical'; categorical: CategoryChange };
  /** Why the feature has its kind and test, and caveats (forced test not applicable, large-n significance). */
  notes: string[];
}

/** Evaluates one feature with `test` (which must apply to its kind) at the default threshold. */
export function evaluateFeature(pair: FeaturePair, test: DriftTest, notes: string[]): FeatureDrift {
  const { sample } = pair;
  let statistic: number;
  let pValue: number | null = null;
  let effectSize: FeatureDrift['effectSize'];
  let unseenCategories: string[] = [];
  let change: FeatureDrift['change'];
  // Sorted once for the KS test, the effect size and the description of the change.
  let sorted: { reference: Float64Array; current: Float64Array; referenceSd: number } | undefined;
  if (sample.kind === 'categorical') {
    unseenCategories = [...sample.current.keys()].filter((k) => !sample.reference.has(k)).sort();
    change = { kind: 'categorical', categorical: describeCategoryChange(sample.reference, sample.current) };
  } else {
    const reference = sortedCopy(sample.reference);
    const current = sortedCopy(sample.current);
    const numeric = describeNumericChange(reference, current);
    sorted = { reference, current, referenceSd: numeric.reference.sd };
    change = { kind: 'numeric', numeric };
  }
  const binned = () => (sample.kind === 'numeric' ? binNumeric(sample.reference, sample.current) : binCategorical(sample.reference, sample.current));
  switch (test) {
    case 'ks': {
      if (!sorted) throw new TypeError('ks needs a numeric feature');
      const r = ks2sampSorted(sorted.reference, sorted.current);
      statistic = r.statistic;
      pValue = r.pValue;
      effectSize = { measure: 'normed wasserstein', value: normedWassersteinSorted(sorted.reference, sorted.current, sorted.referenceSd) };
      break;
    }
    case 'wasserstein': {
      if (!sorted) throw new TypeError('wasserstein needs a numeric feature');
      statistic = normedWassersteinSorted(sorted.reference, sorted.current, sorted.referenceSd);
      effectSize = { measure: 'normed wasserstein', value: statistic };
      break;
    }
    case 'chi2':
    case 'z': {
      if (sample.kind !== 'categorical') throw new TypeError(`${test} needs a categorical feature`);
      const r = test === 'chi2' ? chiSquareHomogeneity(sample.reference, sample.current) : zTest(sample.reference, sample.current);
      statistic = r.statistic;
      pValue = r.pValue;
      const b = binned();
      effectSize = { measure: 'jensen-shannon', value: jensenShannonDistance(b.referenceShares, b.currentShares) };
      break;
    }
    case 'jensenshannon': {
      const b = binned();
      statistic = jensenShannonDistance(b.referenceShares, b.currentShares);
      effectSize = { measure: 'jensen-shannon', value: statistic };
      break;
    }
    case 'psi': {
      const b = binned();
      statistic = populationStabilityIndex(b.referenceShares, b.currentShares);
      effectSize = { measure: 'psi', value: statistic };
      break;
    }
  }
  const threshold = DEFAULT_THRESHOLDS[test];
  const significant = isDrifted(test, statistic, pValue, threshold);
  let beyondChance = true;
  if (significant && sample.kind === 'categorical' && (test === 'jensenshannon' || test === 'psi')) {
    const distance = (r: Float64Array, c: Float64Array) => (test === 'psi' ? populationStabilityIndex(r, c) : jensenShannonDistance(r, c));
    const chance = chanceDistance(sample.reference, sample.current, statistic, distance);
    if (chance && chance.pValue > 0.01) {
      beyondChance = false;
      notes.push(`${test} ${statistic.toPrecision(2)} is what random splits of the pooled rows give by chance (median ${chance.medianChance.toPrecision(2)}, permutation p = ${chance.pValue.toFixed(2)}): many rare values, not drift`);
    }
  }
  return {
    name: pair.name,
    kind: sample.kind,
    test,
    statistic,
    pValue,
    threshold,
    significant,
    withinChance: !beyondChance,
    drifted: significant && beyondChance && material(pair, effectSize.value),
    referenceCount: pair.referenceCount,
    currentCount: pair.currentCount,
    missing: pair.missing,
    effectSize,
    unseenCategories,
    change,
    notes,
  };
}

/** Small samples need a visible effect to be significant at all; above LARGE_REFERENCE values on each side the effect must also reach MEANINGFUL_EFFECT. */
export function material(f: { referenceCount: number; currentCount: number }, effect: number): boolean {
  return Math.min(f.referenceCount, f.currentCount) <= LARGE_REFERENCE || effect >= MEANINGFUL_EFFECT;
}

export function isDrifted(test: DriftTest, statistic: number, pValue: number | null, threshold: number): boolean {
  return P_VALUE_TESTS.has(test) ? (pValue ?? 1) < threshold : statistic >= threshold;
}

/** The caveat a reader needs when significance and effect size disagree, or undefined. */
export function significanceCaveat(f: FeatureDrift): string | undefined {
  if (f.pValue === null) return undefined;
  const n = Math.min(f.referenceCount, f.currentCount);
  const effect = `${f.effectSize.measure} ${f.effectSize.value.toPrecision(2)}`;
  if (f.significant && f.effectSize.value < MEANINGFUL_EFFECT) {
    const counted = f.drifted ? '' : '; not counted as drift';
    return `significant (p = ${f.pValue.toPrecision(2)}) but small (${effect} < ${MEANINGFUL_EFFECT}): with ${n.toLocaleString('en-US')} values even tiny differences are significant${counted}`;
  }
  if (!f.significant && f.effectSize.value >= MEANINGFUL_EFFECT && n < 100) {
    return `not significant, but the shift is not small (${effect}) and the sample is small (n = ${n}): collect more data`;
  }
  return undefined;
}

/** Share of rows missing on each side. */
export function missingShares(f: Pick<FeatureDrift, 'missing' | 'referenceCount' | 'currentCount'>): { reference: number; current: number } {
  return {
    reference: f.missing.reference / Math.max(1, f.missing.reference + f.referenceCount),
    current: f.missing.current / Math.max(1, f.missing.current + f.currentCount),
  };
}
