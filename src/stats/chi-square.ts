// Chi-square drift test for categorical features, as Evidently computes it: a goodness-of-fit test
// of the current counts against the reference proportions (scipy.stats.chisquare(f_obs =
// current counts, f_exp = reference counts × n_cur/n_ref) over the union of categories). This
// is not scipy's chi2_contingency (the 2×K homogeneity test alibi-detect and NannyML use).

import { upperRegularizedGamma } from './special-functions.ts';

export interface ChiSquareResult {
  /** Σ (observed − expected)² / expected; Infinity when a category is missing from the reference. */
  statistic: number;
  /** Chi-square survival function at the statistic; 0 when a category is missing from the reference. */
  pValue: number;
  /** Degrees of freedom: categories in the union − 1. */
  dof: number;
  /** Categories seen in the current data but never in the reference (their expected count is 0). */
  unseenInReference: string[];
}

/** P(X ≥ x) for X ~ χ²(dof): the regularised upper incomplete gamma Q(dof/2, x/2). */
export function chiSquareSf(x: number, dof: number): number {
  if (x === Infinity) return 0;
  if (x <= 0) return 1;
  return upperRegularizedGamma(dof / 2, x / 2);
}

/**
 * Goodness of fit of current category counts to the reference proportions. A category with a
 * zero count on both sides is ignored. A single category (dof 0) gives p = 1: nothing can differ.
 * @throws RangeError when either side has no counts.
 */
export function chiSquareTest(reference: Map<string, number>, current: Map<string, number>): ChiSquareResult {
  const nRef = total(reference);
  const nCur = total(current);
  if (nRef <= 0 || nCur <= 0) throw new RangeError('chiSquareTest needs counts on both sides');
  const categories = [...new Set([...reference.keys(), ...current.keys()])].filter(
    (k) => (reference.get(k) ?? 0) > 0 || (current.get(k) ?? 0) > 0,
  );
  const scale = nCur / nRef;
  const unseenInReference: string[] = [];
  let statistic = 0;
  for (const k of categories) {
    const expected = (reference.get(k) ?? 0) * scale;
    const observed = current.get(k) ?? 0;
    if (expected === 0) {
      unseenInReference.push(k);
      continue;
    }
    statistic += (observed - expected) ** 2 / expected;
  }
  const dof = categories.length - 1;
  if (unseenInReference.length > 0) return { statistic: Infinity, pValue: 0, dof, unseenInReference };
  return { statistic, pValue: dof === 0 ? 1 : chiSquareSf(statistic, dof), dof, unseenInReference };
}

function total(counts: Map<string, number>): number {
  let sum = 0;
  for (const c of counts.values()) sum += c;
  return sum;
}

/**
 * Two-sample chi-square test of homogeneity on the 2×K table of reference and current counts, as
 * scipy.stats.chi2_contingency computes it (Yates' continuity correction when dof = 1). Unlike the
 * goodness-of-fit test above it treats the reference as a sample too: with equal sample sizes the
 * goodness-of-fit statistic is about twice as large under no change, so it flags far more than 5 %
 * of unchanged features at p < 0.05. A category seen on one side only is an ordinary cell here.
 * @throws RangeError when either side has no counts.
 */
export function chiSquareHomogeneity(reference: Map<string, number>, current: Map<string, number>): ChiSquareResult {
  const nRef = total(reference);
  const nCur = total(current);
  if (nRef <= 0 || nCur <= 0) throw new RangeError('chiSquareHomogeneity needs counts on both sides');
  const categories = [...new Set([...reference.keys(), ...current.keys()])].filter(
    (k) => (reference.get(k) ?? 0) > 0 || (current.get(k) ?? 0) > 0,
  );
  const unseenInReference = categories.filter((k) => !((reference.get(k) ?? 0) > 0));
  const dof = categories.length - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof, unseenInReference };
  const n = nRef + nCur;
  let statistic = 0;
  for (const k of categories) {
    const column = (reference.get(k) ?? 0) + (current.get(k) ?? 0);
    for (const [observed, rowTotal] of [[reference.get(k) ?? 0, nRef], [current.get(k) ?? 0, nCur]] as const) {
      const expected = (rowTotal * column) / n;
      let d = Math.abs(observed - expected);
      if (dof === 1) d = Math.max(0, d - Math.min(0.5, d)); // Yates, never past zero (as scipy)
      statistic += (d * d) / expected;
    }
  }
  return { statistic, pValue: chiSquareSf(statistic, dof), dof, unseenInReference };
}
