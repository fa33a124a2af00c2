// A share of the rows arriving in another unit: one partner sends amounts in another currency, one
// client release sends milliseconds where the rest send seconds. The current sample is then a
// mixture — (1 − w) of the reference as it was and w of the reference times a factor k — which no
// single transform of all rows fits. In log space the factor is a shift, so for positive values
// the mixture CDF is (1 − w)·F(x) + w·F(x − ln k): for each ln k on a grid, w follows by least
// squares, and the pair is kept when the mixture fits the current sample within the sampling noise
// of two samples (the two-sample Kolmogorov–Smirnov 5 % critical value) while neither the reference
// alone nor the reference with every row scaled by one factor does.
import { upperBound } from '../stats/sort.ts';

export interface PartialScaling {
  /** current ≈ (1 − share) × reference + share × (factor × reference). */
  factor: number;
  share: number;
  /** Largest CDF gap of the mixture fit, and of the reference unchanged. */
  fitGap: number;
  untouchedGap: number;
}

/** Rows each side needs. */
const MIN_ROWS = 200;
/** The scaled part must be at least this far off (×3 or ÷3: nearer factors mimic the smooth shifts of skewed data), and hold between 5 % and 90 % of rows (above that, a whole-column transform says it better). */
const MIN_LOG_FACTOR = Math.log(3);
const MAX_LOG_FACTOR = Math.log(1e6);
const LOG_STEP = 0.01;
const MIN_SHARE = 0.05;
const MAX_SHARE = 0.9;
/** Unit factors people mix up, most common first (cents, milli-, kilo-, minutes/seconds, KiB). */
const FAMILIAR_FACTORS = [100, 1000, 10, 1e6, 60, 3600, 1024];
/** Distinct values each side needs: counts with a handful of values make steps a mixture fits too easily. */
const MIN_DISTINCT = 100;
/** Points of the current sample's CDF compared. */
const POINTS = 200;

/** Both sorted ascending; undefined unless every value is positive and a partial scaling fits. */
export function partialScaling(reference: Float64Array, current: Float64Array): PartialScaling | undefined {
  const n = reference.length;
  const m = current.length;
  if (n < MIN_ROWS || m < MIN_ROWS || reference[0]! <= 0 || current[0]! <= 0) return undefined;
  if (distinct(reference) < MIN_DISTINCT || distinct(current) < MIN_DISTINCT) return undefined;
  const lr = reference.map(Math.log);
  const lc = current.map(Math.log);
  const xs = Array.from({ length: POINTS }, (_, j) => lc[Math.min(m - 1, Math.floor(((j + 0.5) / POINTS) * m))]!);
  const target = xs.map((x) => upperBound(lc, x) / m);
  const refCdf = (x: number) => upperBound(lr, x) / n;
  const base = xs.map(refCdf);
  const noise = 1.36 * Math.sqrt(1 / n + 1 / m);
  const untouchedGap = maxGap(target, base);
  if (untouchedGap < 2 * noise) return undefined;
  const fitAt = (s: number): { w: number; gap: number; shifted: number[] } => {
    const shifted = xs.map((x) => refCdf(x - s));
    let num = 0;
    let den = 0;
    for (let j = 0; j < POINTS; j++) {
      const d = shifted[j]! - base[j]!;
      num += (target[j]! - base[j]!) * d;
      den += d * d;
    }
    const w = den === 0 ? 0 : num / den;
    return { w, gap: maxGap(target, base.map((b, j) => b + w * (shifted[j]! - b))), shifted };
  };
  let best: PartialScaling | undefined;
  // The best factor applied to EVERY row: a partial scaling must fit far better than that (a
  // skewed feature that moved as a whole is mimicked by a mixture too).
  let wholeGap = Infinity;
  for (let s = -MAX_LOG_FACTOR; s <= MAX_LOG_FACTOR; s += LOG_STEP) {
    const { w, gap, shifted } = fitAt(s);
    wholeGap = Math.min(wholeGap, maxGap(target, shifted));
    if (Math.abs(s) < MIN_LOG_FACTOR || w < MIN_SHARE || w > MAX_SHARE) continue;
    if (!best || gap < best.fitGap) best = { factor: Math.exp(s), share: w, fitGap: gap, untouchedGap };
  }
  if (!best || best.fitGap > noise || wholeGap <= 2 * noise) return undefined;
  // A small share leaves the factor loose: a familiar one that fits about as well is the likelier story.
  for (const k of FAMILIAR_FACTORS) {
    for (const factor of [k, 1 / k]) {
      if (Math.abs(Math.log(factor / best.factor)) > Math.log(2)) continue;
      const { w, gap } = fitAt(Math.log(factor));
      if (w >= MIN_SHARE && w <= MAX_SHARE && gap <= Math.min(noise, best.fitGap + 0.25 * noise)) return { factor, share: w, fitGap: gap, untouchedGap };
    }
  }
  return best;
}

function distinct(sorted: Float64Array): number {
  let d = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) d++;
  return d;
}

function maxGap(a: readonly number[], b: readonly number[]): number {
  let g = 0;
  for (let i = 0; i < a.length; i++) g = Math.max(g, Math.abs(a[i]! - b[i]!));
  return g;
}

