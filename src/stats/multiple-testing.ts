// Corrections for testing many features at once, as alibi-detect applies them to its univariate
// drift detectors (cd/base.py BaseUnivariateDrift.predict, utils/statstest.py fdr):
// Bonferroni compares every p-value with α/n; Benjamini–Hochberg (FDR) sorts the p-values and
// takes the largest k with p_(k) < α·k/n, the threshold then being α·k/n. alibi-detect reports
// one dataset verdict (any p below the threshold); here each feature also gets its own decision,
// p_i < threshold, which for Benjamini–Hochberg is exactly the set of rejected hypotheses.

export interface CorrectedDecisions {
  /** The p-value threshold after correction (α/n when Benjamini–Hochberg rejects nothing). */
  threshold: number;
  /** Per feature, in input order: p < threshold. */
  drifted: boolean[];
  /** Whether any feature drifted after correction. */
  datasetDrift: boolean;
}

function decide(pValues: readonly number[], threshold: number): CorrectedDecisions {
  const drifted = pValues.map((p) => p < threshold);
  return { threshold, drifted, datasetDrift: drifted.some(Boolean) };
}

/**
 * Bonferroni correction (controls the chance of any false alarm).
 * @param alpha family-wise significance level, default 0.05
 */
export function bonferroni(pValues: readonly number[], alpha = 0.05): CorrectedDecisions {
  return decide(pValues, alpha / Math.max(1, pValues.length));
}

/**
 * Benjamini–Hochberg correction (controls the expected share of false alarms among the drifted).
 * @param alpha false discovery rate (alibi-detect's q-value), default 0.05
 */
export function benjaminiHochberg(pValues: readonly number[], alpha = 0.05): CorrectedDecisions {
  const n = pValues.length;
  const sorted = [...pValues].sort((a, b) => a - b);
  let threshold = alpha / Math.max(1, n);
  for (let k = n; k >= 1; k--) {
    const qk = (alpha * k) / n;
    if ((sorted[k - 1] as number) < qk) {
      threshold = qk;
      break;
    }
  }
  return decide(pValues, threshold);
}
