// Jensen–Shannon distance between two binned distributions, as scipy.spatial.distance.jensenshannon
// with the natural log (so it lies in [0, √ln 2]); Evidently's drift score for large samples,
// drift at ≥ 0.1. Feed it raw shares from binning.ts: zeros are fine (0·log 0 = 0).

/** √(½·KL(p‖m) + ½·KL(q‖m)), m = (p + q)/2, after normalising p and q to sum to 1. */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  if (p.length !== q.length) throw new RangeError('jensenShannonDistance needs distributions over the same bins');
  let sumP = 0;
  let sumQ = 0;
  for (let i = 0; i < p.length; i++) {
    sumP += p[i] as number;
    sumQ += q[i] as number;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / sumP;
    const qi = (q[i] as number) / sumQ;
    // p·log(p/m) with m = (p + q)/2, written so that m cannot underflow to 0 for tiny shares.
    if (pi > 0) left += pi * Math.log((2 * pi) / (pi + qi));
    if (qi > 0) right += qi * Math.log((2 * qi) / (pi + qi));
  }
  // Rounding can leave the divergence a hair below 0 for identical inputs (scipy then gives NaN).
  return Math.sqrt(Math.max(0, (left + right) / 2));
}
