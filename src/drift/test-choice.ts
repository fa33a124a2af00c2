// Which drift method each feature gets, chosen the way Evidently does it (DRIFT.md): statistical
// tests on small reference samples, distances on large ones, where a test would flag differences
// too small to matter. `--test NAME` forces one method on every feature it applies to. One
// departure: `chi2` is the two-sample homogeneity test (scipy's chi2_contingency, as alibi-detect
// and NannyML use), not Evidently's goodness of fit against the reference shares, which ignores the
// reference's own sampling noise and flags over 20 % of unchanged features at p < 0.05
// (test/stats/chi-square-homogeneity.test.ts).

export const DRIFT_TESTS = ['ks', 'chi2', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const;
export type DriftTest = (typeof DRIFT_TESTS)[number];
export type FeatureKind = 'numeric' | 'categorical';

/** Methods whose result is a p-value (drift when p < threshold); the others are distances (drift when ≥ threshold). */
export const P_VALUE_TESTS: ReadonlySet<DriftTest> = new Set(['ks', 'chi2', 'z']);

/** Default thresholds: p < 0.05 for the tests, distance ≥ 0.1 for the distances (Evidently's defaults). */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTest, number>> = { ks: 0.05, chi2: 0.05, z: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.1 };

/** Reference rows above which the automatic choice uses distances instead of tests. */
export const LARGE_REFERENCE = 1000;
/** A numeric column with at most this many distinct values (reference ∪ current) is treated as categorical. */
export const MAX_CATEGORICAL_NUMERIC_VALUES = 5;

/** Human names for reports. */
export const TEST_NAMES: Readonly<Record<DriftTest, string>> = {
  ks: 'Kolmogorov–Smirnov',
  chi2: 'chi-square',
  z: 'two-proportion Z-test',
  wasserstein: 'Wasserstein (normed)',
  jensenshannon: 'Jensen–Shannon distance',
  psi: 'PSI',
};

export interface TestChoice {
  test: DriftTest;
  /** Why, in words (`automatic: numeric, 300 reference values`, or why a forced test did not apply). */
  reason: string;
}

/** The method Evidently would pick for a feature of this kind, reference size and distinct-value count. */
export function automaticTest(kind: FeatureKind, referenceCount: number, distinctValues: number): DriftTest {
  if (referenceCount > LARGE_REFERENCE) return kind === 'numeric' ? 'wasserstein' : 'jensenshannon';
  if (kind === 'numeric') return 'ks';
  return distinctValues <= 2 ? 'z' : 'chi2';
}

/** Why `test` cannot run on this feature, or undefined when it can. */
export function inapplicable(test: DriftTest, kind: FeatureKind, distinctValues: number): string | undefined {
  if ((test === 'ks' || test === 'wasserstein') && kind !== 'numeric') return `${test} needs a numeric feature`;
  if (test === 'chi2' && kind !== 'categorical') return 'chi2 needs a categorical feature';
  if (test === 'z' && (kind !== 'categorical' || distinctValues > 2)) return 'z needs a binary feature (at most 2 values)';
  return undefined;
}

/** The automatic choice, or `forced` where it applies. */
export function chooseTest(kind: FeatureKind, referenceCount: number, distinctValues: number, forced?: DriftTest): TestChoice {
  const auto = automaticTest(kind, referenceCount, distinctValues);
  const describe = `${kind}, ${distinctValues > MAX_CATEGORICAL_NUMERIC_VALUES && kind === 'numeric' ? 'many' : distinctValues} distinct values, ${referenceCount} reference values`;
  if (forced === undefined) return { test: auto, reason: `automatic (${describe})` };
  const why = inapplicable(forced, kind, distinctValues);
  if (why) return { test: auto, reason: `--test ${forced} does not apply (${why}); automatic choice kept` };
  return { test: forced, reason: `--test ${forced}` };
}
