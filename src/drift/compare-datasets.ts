// Compares a reference dataset with current data feature by feature: pairs the columns, picks a
// method per feature, runs it (reporting progress and stopping when the job is cancelled),
// applies an optional multiple-testing correction, and reaches the dataset verdict.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Dataset } from '../data/dataset.ts';
import { benjaminiHochberg, bonferroni } from '../stats/multiple-testing.ts';
import { evaluateFeature, material, MEANINGFUL_EFFECT, missingShares, significanceCaveat, type FeatureDrift } from './feature-drift.ts';
import { pairFeatures, type FeaturePair, type KindOverrides, type SkippedFeature } from './feature-pairs.ts';
import { chooseTest, DEFAULT_THRESHOLDS, P_VALUE_TESTS, type DriftTest } from './test-choice.ts';

export const CORRECTIONS = ['bonferroni', 'fdr'] as const;
export type Correction = (typeof CORRECTIONS)[number];

/** Share of drifted features at which the dataset as a whole counts as drifted (Evidently's default). */
export const DEFAULT_DRIFT_SHARE = 0.5;

export interface CompareOptions {
  /** Compare only these features. Default: every column both datasets have. */
  features?: readonly string[] | undefined;
  /** Force one method on every feature it applies to. Default: automatic choice per feature. */
  test?: DriftTest | undefined;
  /** Multiple-testing correction across the p-value tests. Default: none (as Evidently). */
  correction?: Correction | undefined;
  /** Dataset drift when the drifted share of tested features reaches this (0–1). Default 0.5. */
  driftShare?: number | undefined;
  overrides?: KindOverrides | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each feature, `done` of `total`. */
  onFeature?(done: number, total: number, name: string): void | Promise<void>;
}

export interface DriftComparison {
  /** Tested features, most severe first. */
  features: FeatureDrift[];
  /** Common columns that could not be tested (no values on a side). */
  skipped: SkippedFeature[];
  onlyInReference: string[];
  onlyInCurrent: string[];
  /** Drifted features / tested features. */
  driftedShare: number;
  datasetDrift: boolean;
  driftShareThreshold: number;
  correction: Correction | undefined;
  /** The compared samples by feature name (for charts). */
  pairs: Map<string, FeaturePair>;
}

export async function compareDatasets(reference: Dataset, current: Dataset, options: CompareOptions = {}): Promise<DriftComparison> {
  const { pairs, skipped, onlyInReference, onlyInCurrent } = pairFeatures(reference, current, options.features, options.overrides);
  const features: FeatureDrift[] = [];
  for (const pair of pairs) {
    options.signal?.throwIfAborted();
    const choice = chooseTest(pair.sample.kind, pair.referenceCount, pair.distinctValues, options.test);
    features.push(evaluateFeature(pair, choice.test, [`${pair.sample.kind} (${pair.kindReason}); ${choice.reason}`]));
    await options.onFeature?.(features.length, pairs.length, pair.name);
    await yieldToEventLoop();
  }
  if (options.correction) applyCorrection(features, options.correction);
  for (const f of features) {
    const caveat = significanceCaveat(f);
    if (caveat) f.notes.push(caveat);
  }
  features.sort(bySeverity);
  const drifted = features.filter((f) => f.drifted).length;
  const driftedShare = features.length === 0 ? 0 : drifted / features.length;
  const driftShareThreshold = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  return {
    features,
    skipped,
    onlyInReference,
    onlyInCurrent,
    driftedShare,
    datasetDrift: features.length > 0 && driftedShare >= driftShareThreshold,
    driftShareThreshold,
    correction: options.correction,
    pairs: new Map(pairs.map((p) => [p.name, p])),
  };
}

/** Replaces the p-value threshold of every p-value test by the corrected one. */
function applyCorrection(features: FeatureDrift[], correction: Correction): void {
  const tested = features.filter((f) => P_VALUE_TESTS.has(f.test) && f.pValue !== null);
  if (tested.length === 0) return;
  const pValues = tested.map((f) => f.pValue!);
  const alpha = DEFAULT_THRESHOLDS.ks;
  const decision = correction === 'bonferroni' ? bonferroni(pValues, alpha) : benjaminiHochberg(pValues, alpha);
  const label = correction === 'bonferroni' ? 'Bonferroni' : 'Benjamini–Hochberg (FDR)';
  tested.forEach((f, i) => {
    f.threshold = decision.threshold;
    f.significant = decision.drifted[i]!;
    f.drifted = f.significant && material(f, f.effectSize.value);
    f.notes.push(`${label} over ${tested.length} tests: p must be below ${decision.threshold.toPrecision(3)}`);
  });
}

/** Drifted first, then by effect size relative to its drift threshold, then by the rise in missing share. */
function bySeverity(a: FeatureDrift, b: FeatureDrift): number {
  if (a.drifted !== b.drifted) return a.drifted ? -1 : 1;
  const effect = b.effectSize.value / MEANINGFUL_EFFECT - a.effectSize.value / MEANINGFUL_EFFECT;
  if (effect !== 0) return effect;
  return missingRise(b) - missingRise(a);
}

function missingRise(f: FeatureDrift): number {
  const s = missingShares(f);
  return s.current - s.reference;
}
