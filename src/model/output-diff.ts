// How far one output is from another — golden against actual, version A against version B, CPU
// against CUDA: largest absolute difference, mean relative difference, cosine similarity, argmax
// agreement along the last axis (the class a classifier picks per row), and the share of elements
// outside a tolerance (numpy's allclose rule: |a − b| ≤ atol + rtol·|b|, b the reference).
// NaN in both counts as equal; a non-finite value on one side only is a mismatch, counted apart so
// the finite differences stay readable. Pure.

/** Default tolerances: absolute and relative (numpy.allclose's rule, looser than its defaults: model outputs cross runtimes). */
export const DEFAULT_ATOL = 1e-4;
export const DEFAULT_RTOL = 1e-3;

export interface OutputDiff {
  elements: number;
  /** Largest |a − b| over elements finite on both sides (0 when there are none). */
  maxAbsDiff: number;
  /** Mean of |a − b| / max(|b|, 1e-12) over elements finite on both sides. */
  meanRelDiff: number;
  /** Cosine similarity of the finite elements; 1 when both are all zeros, null when one side is. */
  cosine: number | null;
  /** Share of rows (along the last axis, ≥ 2 classes) whose argmax agrees; null when the output has no class axis. */
  argmaxAgreement: number | null;
  /** Elements outside atol + rtol·|b|, including non-finite mismatches. */
  outOfTolerance: number;
  /** Elements finite on one side and not on the other (or NaN against ±Inf). */
  nonFiniteMismatches: number;
  /** Index of the largest difference (flat), with both values. */
  worst: { index: number; actual: number; expected: number } | null;
}

function argmax(x: ArrayLike<number>, start: number, n: number): number {
  let best = start;
  for (let i = start + 1; i < start + n; i++) if ((x[i] as number) > (x[best] as number) || Number.isNaN(x[best] as number)) best = i;
  return best - start;
}

/** Compares `actual` with `expected` (same length; `lastDim` the size of the last axis). */
export function diffOutputs(actual: ArrayLike<number>, expected: ArrayLike<number>, lastDim: number, tolerance: { atol: number; rtol: number } = { atol: DEFAULT_ATOL, rtol: DEFAULT_RTOL }): OutputDiff {
  const n = Math.min(actual.length, expected.length);
  let maxAbs = 0;
  let relSum = 0;
  let finite = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  let out = 0;
  let nonFinite = 0;
  let worst: OutputDiff['worst'] = null;
  for (let i = 0; i < n; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) {
        nonFinite++;
        out++;
        worst ??= { index: i, actual: a, expected: b };
      }
      continue;
    }
    const d = Math.abs(a - b);
    finite++;
    relSum += d / Math.max(Math.abs(b), 1e-12);
    dot += a * b;
    na += a * a;
    nb += b * b;
    if (d > tolerance.atol + tolerance.rtol * Math.abs(b)) out++;
    if (d > maxAbs) {
      maxAbs = d;
      if (nonFinite === 0) worst = { index: i, actual: a, expected: b };
    }
  }
  const cosine = na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? null : dot / Math.sqrt(na * nb);
  let argmaxAgreement: number | null = null;
  if (lastDim >= 2 && n % lastDim === 0 && n > 0) {
    let agree = 0;
    const rows = n / lastDim;
    for (let r = 0; r < rows; r++) if (argmax(actual, r * lastDim, lastDim) === argmax(expected, r * lastDim, lastDim)) agree++;
    argmaxAgreement = agree / rows;
  }
  return {
    elements: n,
    maxAbsDiff: maxAbs,
    meanRelDiff: finite > 0 ? relSum / finite : 0,
    cosine: cosine === null ? null : Math.min(1, Math.max(-1, cosine)),
    argmaxAgreement,
    outOfTolerance: out,
    nonFiniteMismatches: nonFinite,
    worst,
  };
}
