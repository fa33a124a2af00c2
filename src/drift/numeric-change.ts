// What kind of change a numeric feature went through, measured rather than guessed: how far the
// mean moved in reference standard deviations, how much the spread changed (sd ratio), how much
// the shape changed once location and spread are taken out (Wasserstein distance between the
// standardised samples), and whether a familiar transform maps the reference onto the current
// values (×1000 seconds → milliseconds, °C → °F, standardised or min-max scaled on one side only,
// a log applied on one side). Each part is judged against its own sampling noise, so a mean that
// moved by 0.1 sd counts at n = 50,000 and not at n = 50. Quantiles come from simple-statistics,
// the moments from one pass of our own over each sample.
import { medianSorted, quantileSorted } from 'simple-statistics';
import { moments, type Moments } from '../stats/moments.ts';
import { standardisedWassersteinSorted } from '../stats/wasserstein.ts';

/** The kind of change of a drifted numeric feature. */
export type NumericChangeKind = 'location' | 'scale' | 'location+scale' | 'shape' | 'unit' | 'transform' | 'rescaled' | 'constant';

/** A component counts when it is at least this many standard errors from "no change"... */
const MIN_Z = 3;
/** ...and at least this big: a mean moved by 0.1 reference sd, an sd changed by 10 %, a standardised-shape distance of 0.1. */
const MIN_LOCATION_SHIFT = 0.1;
const MIN_LOG_SCALE = Math.log(1.1);
const MIN_SHAPE_DISTANCE = 0.1;
/**
 * Mean Wasserstein distance between two standardised samples of the same normal distribution, of
 * sizes n and m, is about SHAPE_NOISE·√(1/n + 1/m) (measured on 40 seeded pairs each at n = m = 50,
 * 300, 2,000 and 20,000: 0.72–0.83; the 95th percentile 1.0–1.5): the noise floor of the shape distance.
 */
const SHAPE_NOISE = 0.8;
/**
 * A transform explains the change when its quantile misfit (in current sd) is below this — or
 * below 2.5× the sampling noise of two samples this size, when that is larger — and far below the
 * untransformed misfit.
 */
const TRANSFORM_FIT = 0.12;
const TRANSFORM_GAIN = 4;
/**
 * Every value multiplied by one factor that is no unit conversion (a distance computed another way,
 * a score from another formula) counts from this far from 1: price-like drifts of a few percent
 * (inflation, a campaign) stay location or scale changes.
 */
const MIN_LOG_RESCALE = Math.log(1.15);
/** Probability levels at which the two samples' quantiles are compared for transforms. */
const LEVELS = Array.from({ length: 49 }, (_, i) => (i + 1) / 50);

export interface NumericSummary {
  n: number;
  mean: number;
  /** Population standard deviation (ddof 0). */
  sd: number;
  median: number;
  min: number;
  max: number;
}

export interface NumericChange {
  kind: NumericChangeKind;
  reference: NumericSummary;
  current: NumericSummary;
  /** (mean_cur − mean_ref) / sd_ref; null when the reference is constant. */
  locationShift: number | null;
  /** sd_cur / sd_ref; null when the reference is constant. */
  scaleRatio: number | null;
  /** W1 between the standardised samples (0 = same shape); null when either side is constant. */
  shapeDistance: number | null;
  /** The familiar transform that maps the reference onto the current values, if one does. */
  transform?: Transform;
  /** Current looks bimodal and the reference did not (Sarle's bimodality coefficient > 0.555). */
  becameBimodal: boolean;
  /** The change in words, e.g. `mean 40.1 → 50.3 (+1.02 reference sd), sd 9.9 → 10.1 (×1.02)`. */
  text: string;
}

export interface Transform {
  /**
   * `unit`: a unit conversion (×1000, °C → °F); `preprocessing`: scaling or a log applied on one side;
   * `rescale`: every value times one factor that is no unit (the same quantity, computed another way).
   */
  family: 'unit' | 'preprocessing' | 'rescale';
  /** Multiplicative factor for unit conversions (current ≈ factor × reference + offset). */
  factor?: number;
  /** What it is, e.g. `×1000 (seconds → milliseconds, or a kilo- prefix dropped)`. */
  name: string;
  /** Quantile misfit after the transform, in current standard deviations. */
  misfit: number;
}

const UNIT_FACTORS: ReadonlyArray<readonly [number, string, string]> = [
  [10, '×10', '÷10'],
  [100, '×100 (fraction → percent, metres → centimetres)', '÷100 (percent → fraction, centimetres → metres)'],
  [1000, '×1000 (seconds → milliseconds, kilo-units → base units)', '÷1000 (milliseconds → seconds, base units → kilo-units)'],
  [1e6, '×10⁶ (seconds → microseconds, megabytes → bytes)', '÷10⁶ (microseconds → seconds, bytes → megabytes)'],
  [60, '×60 (minutes → seconds, hours → minutes)', '÷60 (seconds → minutes, minutes → hours)'],
  [3600, '×3600 (hours → seconds)', '÷3600 (seconds → hours)'],
  [24, '×24 (days → hours)', '÷24 (hours → days)'],
  [7, '×7 (weeks → days)', '÷7 (days → weeks)'],
  [1440, '×1440 (days → minutes)', '÷1440 (minutes → days)'],
  [86400, '×86400 (days → seconds)', '÷86400 (seconds → days)'],
  [3.6, '×3.6 (metres per second → kilometres per hour)', '÷3.6 (kilometres per hour → metres per second)'],
  [1024, '×1024 (KiB → bytes)', '÷1024 (bytes → KiB)'],
  [2.54, '×2.54 (inches → centimetres)', '÷2.54 (centimetres → inches)'],
  [2.20462, '×2.2 (kilograms → pounds)', '÷2.2 (pounds → kilograms)'],
  [1.609344, '×1.61 (miles → kilometres)', '÷1.61 (kilometres → miles)'],
];

/** simple-statistics only indexes its input and reads `length`, so a Float64Array serves as a number[] without a copy. */
const asArray = (values: Float64Array) => values as unknown as readonly number[];

export function summarise(sorted: Float64Array): NumericSummary {
  return summaryOf(sorted, moments(sorted));
}

function summaryOf(sorted: Float64Array, m: Moments): NumericSummary {
  return { n: sorted.length, mean: m.mean, sd: m.sd, median: medianSorted(asArray(sorted)), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Describes how the current values of a numeric feature differ from the reference (both sorted ascending, no NaN). */
export function describeNumericChange(reference: Float64Array, current: Float64Array): NumericChange {
  const refMoments = moments(reference);
  const curMoments = moments(current);
  const ref = summaryOf(reference, refMoments);
  const cur = summaryOf(current, curMoments);
  const base = { reference: ref, current: cur, becameBimodal: false };
  if (cur.sd === 0 && ref.sd > 0) {
    return { ...base, kind: 'constant', locationShift: (cur.mean - ref.mean) / ref.sd, scaleRatio: 0, shapeDistance: null, text: `every current value is ${fmt(cur.mean)} (the reference varied: ${describe(ref)})` };
  }
  if (ref.sd === 0) {
    const kind = cur.sd === 0 ? 'location' : 'scale';
    return { ...base, kind, locationShift: null, scaleRatio: null, shapeDistance: null, text: `the reference is constant at ${fmt(ref.mean)}; now ${describe(cur)}` };
  }
  const locationShift = (cur.mean - ref.mean) / ref.sd;
  const scaleRatio = cur.sd / ref.sd;
  const shapeDistance = standardisedWassersteinSorted(reference, ref.mean, ref.sd, current, cur.mean, cur.sd);
  const found = findTransform(reference, ref, current, cur);
  const becameBimodal = bimodal(curMoments) && !bimodal(refMoments);

  // Each part against its own noise: the mean difference, the log sd ratio (whose variance grows with the kurtosis) and the shape distance.
  const seLocation = Math.sqrt(1 / ref.n + (scaleRatio * scaleRatio) / cur.n);
  const seLogScale = Math.sqrt(logSdVariance(refMoments) + logSdVariance(curMoments));
  const seShape = SHAPE_NOISE * Math.sqrt(1 / ref.n + 1 / cur.n);
  const zLocation = Math.abs(locationShift) / seLocation;
  const zScale = Math.abs(Math.log(scaleRatio)) / seLogScale;
  const zShape = shapeDistance / seShape;
  const location = zLocation >= MIN_Z && Math.abs(locationShift) >= MIN_LOCATION_SHIFT;
  const scale = zScale >= MIN_Z && Math.abs(Math.log(scaleRatio)) >= MIN_LOG_SCALE;
  // A factor moves the spread with the level: a rescale also changed the sd, by about the same factor
  // (a mean that moved with the spread kept, at a high mean/sd ratio, fits ×c almost as well).
  const rescaleHolds = (t: Transform) => location && scale && Math.abs(Math.log(scaleRatio) - Math.log(t.factor ?? 1)) < 0.5 * Math.abs(Math.log(t.factor ?? 1));
  const transform = found && (found.family !== 'rescale' || rescaleHolds(found)) ? found : undefined;
  let kind: NumericChangeKind;
  if (transform) kind = transform.family === 'unit' ? 'unit' : transform.family === 'rescale' ? 'rescaled' : 'transform';
  else if (location && scale) kind = 'location+scale';
  else if (location) kind = 'location';
  else if (scale) kind = 'scale';
  else if (becameBimodal || (zShape >= MIN_Z && shapeDistance >= MIN_SHAPE_DISTANCE)) kind = 'shape';
  else {
    // Nothing stands out on its own: name the part furthest from its noise.
    const best = Math.max(zLocation, zScale, zShape);
    kind = best === zLocation ? 'location' : best === zScale ? 'scale' : 'shape';
  }
  const parts = [
    `mean ${fmt(ref.mean)} → ${fmt(cur.mean)} (${locationShift >= 0 ? '+' : ''}${locationShift.toFixed(2)} reference sd)`,
    `sd ${fmt(ref.sd)} → ${fmt(cur.sd)} (×${scaleRatio.toPrecision(3)})`,
    `shape distance ${shapeDistance.toFixed(2)}`,
  ];
  if (becameBimodal) parts.push('the current values look bimodal, the reference did not');
  if (transform) parts.push(`current ≈ reference ${transform.name}`);
  return { ...base, kind, locationShift, scaleRatio, shapeDistance, transform, becameBimodal, text: parts.join(', ') };
}

/** Variance of log(sd) of a sample: (kurtosis − 1) / 4n, the delta method (1/2n for normal data). */
function logSdVariance(m: Moments): number {
  if (m.n < 4) return 1;
  const kurtosis = m.kurtosis + 3; // from excess kurtosis
  return Math.max(kurtosis - 1, 0.5) / (4 * m.n);
}

/** Sarle's bimodality coefficient above 5/9 (the value of a uniform distribution): two modes or more. */
function bimodal(m: Moments): boolean {
  const n = m.n;
  if (n < 20) return false;
  const g = m.skewness;
  const b = (g * g + 1) / (m.kurtosis + (3 * (n - 1) ** 2) / ((n - 2) * (n - 3)));
  return b > 0.555;
}

/**
 * The familiar monotone transform that best maps reference quantiles onto current quantiles, if it
 * fits well and explains far more than leaving the values alone.
 */
function findTransform(reference: Float64Array, ref: NumericSummary, current: Float64Array, cur: NumericSummary): Transform | undefined {
  if (cur.sd === 0) return undefined;
  const qr = LEVELS.map((p) => quantileSorted(asArray(reference), p));
  const qc = LEVELS.map((p) => quantileSorted(asArray(current), p));
  const misfit = (f: (x: number) => number) => {
    let sum = 0;
    for (let i = 0; i < qr.length; i++) sum += Math.abs(f(qr[i]!) - qc[i]!);
    const m = sum / qr.length / cur.sd;
    return Number.isFinite(m) ? m : Infinity;
  };
  const untouched = misfit((x) => x);
  const fit = Math.max(TRANSFORM_FIT, 2.5 * SHAPE_NOISE * Math.sqrt(1 / ref.n + 1 / cur.n));
  const candidates: Transform[] = []; // in order of how common the conversion is
  const consider = (family: Transform['family'], name: string, f: (x: number) => number, factor?: number) => {
    const m = misfit(f);
    if (m < fit && m * TRANSFORM_GAIN < untouched) candidates.push({ family, name, misfit: m, ...(factor === undefined ? {} : { factor }) });
  };
  // A pure factor is only told apart from a spread change when the mean is away from zero. Counts
  // stay counts: between two whole-number samples only a whole factor (×10, ÷1000) maps one onto
  // the other — counts halved by a narrower window are not kilograms turned into pounds.
  const counts = wholeNumbers(reference) && wholeNumbers(current);
  const lattice = (k: number) => !counts || Number.isInteger(k);
  if (Math.abs(ref.mean) >= 0.5 * ref.sd) {
    for (const [k, up, down] of UNIT_FACTORS) {
      if (lattice(k) || lattice(1 / k)) {
        consider('unit', up, (x) => x * k, k);
        consider('unit', down, (x) => x / k, 1 / k);
      }
    }
  }
  consider('unit', '×1.8 + 32 (°C → °F)', (x) => x * 1.8 + 32, 1.8);
  consider('unit', '(−32) ÷ 1.8 (°F → °C)', (x) => (x - 32) / 1.8, 1 / 1.8);
  consider('unit', '+273.15 (°C → K)', (x) => x + 273.15, 1);
  consider('unit', '−273.15 (K → °C)', (x) => x - 273.15, 1);
  // Scaling on one side only: the side that looks scaled, the other not, and the same shape (an
  // affine map, whose parameters — the training statistics — need not be the reference's own).
  const affine = (x: number) => ((x - ref.mean) / ref.sd) * cur.sd + cur.mean;
  // Near 0 and 1 rather than at them: a scaler fitted on an older training set standardises today's
  // values only roughly (a mean 0.3 off, an sd of 1.3 are usual).
  const looksStandardised = (s: NumericSummary) => Math.abs(s.mean) < 0.5 && s.sd > 0.6 && s.sd < 1.6;
  // As for unit factors: rescaling a distribution centred on zero only changes its spread.
  const offCentre = (s: NumericSummary) => Math.abs(s.mean) >= 0.5 * s.sd;
  const looksMinMax = (s: NumericSummary) => s.min >= -0.02 && s.max <= 1.02 && s.max - s.min >= 0.8;
  if (looksStandardised(cur) && !looksStandardised(ref) && offCentre(ref)) consider('preprocessing', 'standardised ((x − mean) / sd) in the current data only', affine);
  if (looksStandardised(ref) && !looksStandardised(cur) && offCentre(cur)) consider('preprocessing', 'with the standardisation undone: the reference is standardised, the current data raw', affine);
  if (looksMinMax(cur) && !looksMinMax(ref) && !looksStandardised(ref)) consider('preprocessing', 'min-max scaled to [0, 1] in the current data only', affine);
  if (looksMinMax(ref) && !looksMinMax(cur) && !looksStandardised(cur)) consider('preprocessing', 'with min-max scaling undone: the reference is scaled to [0, 1], the current data raw', affine);
  if (ref.min > 0) {
    consider('preprocessing', 'log-transformed (ln x) in the current data only', Math.log);
    consider('preprocessing', 'log-transformed (log10 x) in the current data only', Math.log10);
  }
  if (ref.min >= 0) consider('preprocessing', 'log-transformed (ln(1 + x)) in the current data only', Math.log1p);
  if (ref.max < 50 && cur.min > 0) {
    consider('preprocessing', 'with a log undone: the reference holds ln x, the current data raw x', Math.exp);
    consider('preprocessing', 'with a log undone: the reference holds ln(1 + x), the current data raw x', Math.expm1);
  }
  // Last, as the least common: one factor for every value that no unit explains, estimated from the
  // middle quantiles' ratios (a positive quantity away from zero, where a factor is told apart from a spread change).
  if (ref.min >= 0 && cur.min >= 0 && Math.abs(ref.mean) >= 0.5 * ref.sd) {
    const ratios = LEVELS.map((_, i) => (qr[i]! > 0 && qc[i]! > 0 ? Math.log(qc[i]! / qr[i]!) : Number.NaN)).slice(10, -10).filter(Number.isFinite);
    if (ratios.length >= 10) {
      const factor = Math.exp(ratios.reduce((a, b) => a + b, 0) / ratios.length);
      if (Math.abs(Math.log(factor)) >= MIN_LOG_RESCALE) consider('rescale', `×${factor.toPrecision(3)} (every value, by no familiar unit factor)`, (x) => x * factor, factor);
    }
  }
  // Within sampling noise of the best fit (3 standard errors of a mean difference, in sd), the more
  // common conversion (earlier in the list) wins: ×1000 and ×1024 differ by 2.4 %, which a few
  // hundred rows cannot resolve.
  const best = Math.min(...candidates.map((c) => c.misfit));
  const noise = MIN_Z * Math.sqrt(1 / ref.n + 1 / cur.n);
  return candidates.find((c) => c.misfit <= best + noise);
}

/** Every value a whole number (a count, an id, an integer-coded category). */
function wholeNumbers(sorted: Float64Array): boolean {
  for (let i = 0; i < sorted.length; i++) if (!Number.isInteger(sorted[i])) return false;
  return true;
}

function describe(s: NumericSummary): string {
  return `mean ${fmt(s.mean)}, sd ${fmt(s.sd)}`;
}

/** A number in 3 significant digits without trailing noise (0.2, 204, 1.23e+6). */
export function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toPrecision(3);
  return String(Number(x.toPrecision(3)));
}
