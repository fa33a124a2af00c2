// Mean, population standard deviation, sample skewness and sample excess kurtosis of a sample in
// two passes (the compensated sum for the mean, then the central powers together), with the
// formulas of simple-statistics' mean, standardDeviation, sampleSkewness and sampleKurtosis —
// which would each take their own passes, the mean again inside every one of them: on a million
// values those passes cost more than the rest of describing a feature's change.

export interface Moments {
  n: number;
  mean: number;
  /** Population standard deviation (ddof 0). */
  sd: number;
  /** Sample skewness (adjusted Fisher–Pearson); NaN below 3 values. */
  skewness: number;
  /** Sample excess kurtosis (0 for normal data); NaN below 4 values. */
  kurtosis: number;
}

export function moments(values: Float64Array): Moments {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, sd: Number.NaN, skewness: Number.NaN, kurtosis: Number.NaN };
  // Neumaier's compensated sum, as simple-statistics' sum.
  let sum = values[0] as number;
  let correction = 0;
  for (let i = 1; i < n; i++) {
    const x = values[i] as number;
    const t = sum + x;
    correction += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const mean = (sum + correction) / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const sd = Math.sqrt(s2 / n);
  const sampleSd = Math.sqrt(s2 / (n - 1));
  const skewness = n < 3 ? Number.NaN : (n * s3) / ((n - 1) * (n - 2) * sampleSd ** 3);
  const kurtosis = n < 4 ? Number.NaN : ((n - 1) / ((n - 2) * (n - 3))) * ((n * (n + 1) * s4) / (s2 * s2) - 3 * (n - 1));
  return { n, mean, sd, skewness, kurtosis };
}
