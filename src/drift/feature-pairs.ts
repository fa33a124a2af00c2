// Lines up the columns of the reference and current datasets: which features both have, what kind
// each is (numeric, or categorical — text, or numbers with so few distinct values that
// distribution tests for categories fit better), and which columns cannot be compared (only on one
// side, or with no values). Overrides from --categorical / --numeric win over inference.
import { numberCounts, type Column } from '../data/column.ts';
import type { Dataset } from '../data/dataset.ts';
import { InputError } from '../core/errors.ts';
import { MAX_CATEGORICAL_NUMERIC_VALUES } from './test-choice.ts';

export type FeatureSample =
  | { kind: 'numeric'; reference: Float64Array; current: Float64Array }
  | { kind: 'categorical'; reference: Map<string, number>; current: Map<string, number> };

export interface FeaturePair {
  name: string;
  sample: FeatureSample;
  /** Distinct values over reference ∪ current; for numeric features counted only up to MAX_CATEGORICAL_NUMERIC_VALUES + 1. */
  distinctValues: number;
  /** Why the feature has its kind, e.g. `numbers with 3 distinct values`. */
  kindReason: string;
  referenceCount: number;
  currentCount: number;
  missing: { reference: number; current: number };
}

/** Text columns with at least this many reference values, nearly all distinct, are taken for identifiers. */
export const MIN_IDENTIFIER_ROWS = 50;
export const IDENTIFIER_DISTINCT_SHARE = 0.9;

/** A common column that was not tested: no values on a side, or an identifier (every row its own value). */
export interface SkippedFeature {
  name: string;
  cause: 'no values' | 'identifier';
  reason: string;
  referenceCount: number;
  currentCount: number;
  missing: { reference: number; current: number };
}

export interface KindOverrides {
  /** Columns to treat as categorical whatever their values. */
  categorical?: readonly string[] | undefined;
  /** Columns to treat as numeric (every present value must be a number). */
  numeric?: readonly string[] | undefined;
}

export interface FeaturePairing {
  pairs: FeaturePair[];
  skipped: SkippedFeature[];
  onlyInReference: string[];
  onlyInCurrent: string[];
}

/** Pairs the columns of two datasets (only `features` when given; all common columns otherwise). */
export function pairFeatures(reference: Dataset, current: Dataset, features: readonly string[] | undefined, overrides: KindOverrides = {}): FeaturePairing {
  for (const d of [reference, current]) if (d.rows === 0) throw new InputError(`${d.source}: no data rows (only a header)`);
  const inCurrent = new Set(current.columnNames);
  const inReference = new Set(reference.columnNames);
  const wanted = features ?? reference.columnNames;
  if (features) {
    const unknown = features.filter((f) => !inReference.has(f) && !inCurrent.has(f));
    if (unknown.length > 0) throw new InputError(`feature${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `"${f}"`).join(', ')} not found in ${reference.source} or ${current.source}`);
  }
  const onlyInReference = wanted.filter((f) => inReference.has(f) && !inCurrent.has(f));
  const onlyInCurrent = (features ?? current.columnNames).filter((f) => inCurrent.has(f) && !inReference.has(f));
  const common = wanted.filter((f) => inReference.has(f) && inCurrent.has(f));
  if (common.length === 0) {
    throw new InputError(
      `${reference.source} and ${current.source} have no column in common (reference: ${preview(reference.columnNames)}; current: ${preview(current.columnNames)})`,
    );
  }
  for (const name of [...(overrides.categorical ?? []), ...(overrides.numeric ?? [])]) {
    if (!inReference.has(name) && !inCurrent.has(name)) throw new InputError(`--categorical/--numeric name "${name}" is not a column of ${reference.source} or ${current.source}`);
  }

  const pairs: FeaturePair[] = [];
  const skipped: SkippedFeature[] = [];
  for (const name of common) {
    const ref = reference.columns.get(name);
    const cur = current.columns.get(name);
    if (!ref || !cur) continue; // not selected for reading
    const referenceCount = presentCount(ref);
    const currentCount = presentCount(cur);
    const missing = { reference: ref.missing, current: cur.missing };
    if (referenceCount === 0 || currentCount === 0) {
      const side = referenceCount === 0 && currentCount === 0 ? 'either dataset' : referenceCount === 0 ? reference.source : current.source;
      const rows = referenceCount === 0 && currentCount === 0 ? ref.missing + cur.missing : referenceCount === 0 ? ref.missing : cur.missing;
      skipped.push({ name, cause: 'no values', reason: `no values in ${side} (all ${rows} rows missing)`, referenceCount, currentCount, missing });
      continue;
    }
    const resolved = resolveKind(name, ref, cur, reference, current, overrides);
    const distinctInReference = resolved.sample.kind === 'categorical' ? resolved.sample.reference.size : 0;
    if (resolved.kindReason === 'text values' && !features?.includes(name) && referenceCount >= MIN_IDENTIFIER_ROWS && distinctInReference >= IDENTIFIER_DISTINCT_SHARE * referenceCount) {
      const reason = `looks like an identifier: ${distinctInReference} distinct values in ${referenceCount} reference rows (name it in --features to test it anyway)`;
      skipped.push({ name, cause: 'identifier', reason, referenceCount, currentCount, missing });
      continue;
    }
    const sequence = resolved.sample.kind === 'numeric' && !features?.includes(name) && !overrides.numeric?.includes(name) ? sequenceLike(resolved.sample.reference, resolved.sample.current) : undefined;
    if (sequence) {
      skipped.push({ name, cause: 'identifier', reason: `${sequence} (name it in --features to test it anyway)`, referenceCount, currentCount, missing });
      continue;
    }
    pairs.push({ name, ...resolved, referenceCount, currentCount, missing });
  }
  return { pairs, skipped, onlyInReference, onlyInCurrent };
}

/**
 * A numeric column that counts rather than measures: whole numbers, every value distinct on both
 * sides, and every current value beyond the reference's range (an auto-increment id, a sequence
 * number, an epoch timestamp). Such a column always "drifts" — time moved on — so it is not tested.
 * Returns why, or undefined.
 */
export function sequenceLike(reference: Float64Array, current: Float64Array): string | undefined {
  if (reference.length < MIN_IDENTIFIER_ROWS || current.length < MIN_IDENTIFIER_ROWS) return undefined;
  const range = (v: Float64Array) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (!Number.isInteger(x)) return undefined;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return { min, max };
  };
  const r = range(reference);
  const c = range(current);
  if (!r || !c) return undefined;
  if (!(c.min > r.max || c.max < r.min)) return undefined;
  const allDistinct = (v: Float64Array) => new Set(v).size === v.length;
  if (!allDistinct(reference) || !allDistinct(current)) return undefined;
  return `looks like an identifier or a sequence: whole numbers, every value distinct, the current ${c.min}–${c.max} all beyond the reference's ${r.min}–${r.max}`;
}

function resolveKind(
  name: string,
  ref: Column,
  cur: Column,
  reference: Dataset,
  current: Dataset,
  overrides: KindOverrides,
): { sample: FeatureSample; distinctValues: number; kindReason: string } {
  const forceNumeric = overrides.numeric?.includes(name) ?? false;
  const forceCategorical = overrides.categorical?.includes(name) ?? false;
  if (ref.kind === 'categorical' || cur.kind === 'categorical') {
    if (forceNumeric) {
      const [where, col] = ref.kind === 'categorical' ? [reference.source, ref] : [current.source, cur as Extract<Column, { kind: 'categorical' }>];
      throw new InputError(`--numeric ${name}: column "${name}" in ${where} holds text such as "${col.exampleText ?? ''}"`);
    }
    return categorical(toCounts(ref), toCounts(cur), forceCategorical ? '--categorical' : 'text values');
  }
  if (forceCategorical) return categorical(numberCounts(ref.values), numberCounts(cur.values), '--categorical');
  const distinct = distinctUpTo(ref.values, cur.values, MAX_CATEGORICAL_NUMERIC_VALUES + 1);
  if (forceNumeric) return { sample: { kind: 'numeric', reference: ref.values, current: cur.values }, distinctValues: distinct, kindReason: '--numeric' };
  if (distinct <= MAX_CATEGORICAL_NUMERIC_VALUES) {
    return categorical(numberCounts(ref.values), numberCounts(cur.values), `numbers with only ${distinct} distinct value${distinct === 1 ? '' : 's'}`);
  }
  return { sample: { kind: 'numeric', reference: ref.values, current: cur.values }, distinctValues: distinct, kindReason: 'numbers' };
}

function categorical(reference: Map<string, number>, current: Map<string, number>, kindReason: string) {
  const distinct = new Set([...reference.keys(), ...current.keys()]).size;
  return { sample: { kind: 'categorical' as const, reference, current }, distinctValues: distinct, kindReason };
}

function toCounts(c: Column): Map<string, number> {
  return c.kind === 'categorical' ? c.counts : numberCounts(c.values);
}

function presentCount(c: Column): number {
  if (c.kind === 'numeric') return c.values.length;
  let n = 0;
  for (const v of c.counts.values()) n += v;
  return n;
}

/** Distinct values over both samples, counting stops at `limit`. */
function distinctUpTo(a: Float64Array, b: Float64Array, limit: number): number {
  const seen = new Set<number>();
  for (const values of [a, b]) {
    for (let i = 0; i < values.length; i++) {
      seen.add(values[i]!);
      if (seen.size >= limit) return limit;
    }
  }
  return seen.size;
}

function preview(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')}, … (${names.length} columns)`;
}
