// Recognises the drift that a preprocessing or unit change leaves behind: a numeric feature whose
// mean and spread both moved by the same familiar factor (×1000: seconds became milliseconds;
// ×2.54: inches became centimetres), or one side standardised (mean 0, sd 1) and the other not (a
// scaler applied at serving time but not in the reference, or twice).
import { populationStd } from '../stats/wasserstein.ts';

/** Familiar unit factors and what they usually mean. */
const UNIT_FACTORS: ReadonlyArray<readonly [number, string]> = [
  [10, '×10'],
  [100, '×100 (fraction vs percent, metres vs centimetres)'],
  [1000, '×1000 (seconds vs milliseconds, kilo- vs base unit)'],
  [1e6, '×10⁶ (seconds vs microseconds, bytes vs megabytes)'],
  [60, '×60 (minutes vs seconds, hours vs minutes)'],
  [3600, '×3600 (hours vs seconds)'],
  [1024, '×1024 (bytes vs KiB)'],
  [2.54, '×2.54 (inches vs centimetres)'],
  [2.20462, '×2.2 (kilograms vs pounds)'],
  [1.609344, '×1.61 (miles vs kilometres)'],
];
/** Ratios within this factor of a unit factor match it. */
const RATIO_TOLERANCE = 1.05;

export interface ScaleChange {
  feature: string;
  /** What changed, in words, e.g. `values are ×1000 the reference …`. */
  description: string;
}

/** A unit or scaling change between the reference and current values of a feature, if one shows. */
export function scaleChange(feature: string, reference: Float64Array, current: Float64Array): ScaleChange | undefined {
  const ref = moments(reference);
  const cur = moments(current);
  if (ref.sd === 0 || cur.sd === 0) return undefined;
  const standardised = (m: { mean: number; sd: number }) => Math.abs(m.mean) < 0.05 && Math.abs(m.sd - 1) < 0.05;
  const describe = (m: { mean: number; sd: number }) => `mean ${m.mean.toPrecision(3)}, sd ${m.sd.toPrecision(3)}`;
  if (standardised(cur) !== standardised(ref) && Math.abs(ref.sd - cur.sd) / Math.max(ref.sd, cur.sd) > 0.2) {
    const [scaled, raw] = standardised(cur) ? ['current', 'reference'] : ['reference', 'current'];
    return {
      feature,
      description: `${feature}: the ${scaled} values look standardised (${describe(standardised(cur) ? cur : ref)}) and the ${raw} values do not (${describe(standardised(cur) ? ref : cur)}): a scaler applied on one side only, or twice`,
    };
  }
  const spread = cur.sd / ref.sd;
  const level = Math.abs(ref.mean) > 0.1 * ref.sd ? cur.mean / ref.mean : undefined;
  for (const [factor, meaning] of UNIT_FACTORS) {
    for (const [f, word] of [[factor, meaning], [1 / factor, `÷${meaning.slice(1)}`]] as const) {
      const near = (r: number) => r > 0 && Math.max(r / f, f / r) < RATIO_TOLERANCE;
      if (near(spread) && (level === undefined || near(level))) {
        return { feature, description: `${feature}: values are ${word} the reference (mean ${ref.mean.toPrecision(3)} → ${cur.mean.toPrecision(3)}, sd ${ref.sd.toPrecision(3)} → ${cur.sd.toPrecision(3)})` };
      }
    }
  }
  return undefined;
}

function moments(values: Float64Array): { mean: number; sd: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return { mean: sum / values.length, sd: populationStd(values) };
}
