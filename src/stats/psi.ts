// Population Stability Index between two binned distributions, as Evidently computes it:
// PSI = Σ (r − c)·ln(r/c) over the bins of binning.ts, after Evidently's zero filling of each side.
// Drift at ≥ 0.1 (Evidently's default; the usual rule of thumb reads < 0.1 stable, 0.1–0.25
// moderate shift, > 0.25 major shift).

import { fillZeroShares } from './binning.ts';

/** PSI of raw shares (zeros allowed; they are filled as Evidently does before the logarithm). */
export function populationStabilityIndex(referenceShares: Float64Array, currentShares: Float64Array): number {
  if (referenceShares.length !== currentShares.length) throw new RangeError('populationStabilityIndex needs the same bins');
  const r = fillZeroShares(referenceShares);
  const c = fillZeroShares(currentShares);
  let psi = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = r[i] as number;
    const ci = c[i] as number;
    psi += (ri - ci) * Math.log(ri / ci);
  }
  return psi;
}
