// A feature that now comes from somewhere else (another vendor's score, a re-implemented
// computation) keeps a plausible distribution of its own but loses its relation to the other
// features: the correlations it had in the reference are gone or changed. A population shift or a
// unit change moves values and leaves those relations mostly intact. So, per numeric feature, its
// Pearson correlations with the others are compared between the two samples (Fisher's z), and a
// feature whose correlations changed while the other pairs held is named.
import { sampleCorrelation } from 'simple-statistics';
import type { Dataset } from '../data/dataset.ts';

export interface RelationshipChange {
  feature: string;
  /** The partner whose correlation changed most, and the two correlations. */
  partner: string;
  referenceR: number;
  currentR: number;
  /** Pairs with this feature that changed, of the pairs that were correlated in the reference. */
  changedPairs: number;
  correlatedPairs: number;
}

/** Pairs count only when the reference correlation is at least this strong. */
const MIN_REFERENCE_R = 0.3;
/** A changed pair: |Δr| at least this, and Fisher's z beyond MIN_Z. */
const MIN_DELTA_R = 0.2;
const MIN_Z = 4;
/** Rows each side needs, and the most rows read (evenly spaced). */
const MIN_ROWS = 200;
const MAX_ROWS = 20_000;
/** Features compared at most (the cost grows with their square). */
const MAX_FEATURES = 40;

/**
 * Features whose correlations with the others changed; only numeric columns with no missing value
 * on either side (their values line up row by row). A feature is named when at least half of its
 * correlated pairs changed, and the pairs that do not involve it changed far less often.
 */
export function relationshipChanges(reference: Dataset, current: Dataset, features: readonly string[]): RelationshipChange[] {
  const usable = features
    .filter((name) => {
      const a = reference.columns.get(name);
      const b = current.columns.get(name);
      return a?.kind === 'numeric' && b?.kind === 'numeric' && a.missing === 0 && b.missing === 0 && a.values.length >= MIN_ROWS && b.values.length >= MIN_ROWS;
    })
    .slice(0, MAX_FEATURES);
  if (usable.length < 3) return [];
  const sample = (d: Dataset, name: string) => thin((d.columns.get(name) as { values: Float64Array }).values);
  const ref = new Map(usable.map((n) => [n, sample(reference, n)]));
  const cur = new Map(usable.map((n) => [n, sample(current, n)]));
  const pairs: Array<{ a: string; b: string; r1: number; r2: number; changed: boolean }> = [];
  for (let i = 0; i < usable.length; i++) {
    for (let j = i + 1; j < usable.length; j++) {
      const a = usable[i]!;
      const b = usable[j]!;
      const r1 = correlation(ref.get(a)!, ref.get(b)!);
      const r2 = correlation(cur.get(a)!, cur.get(b)!);
      if (r1 === null || r2 === null || Math.abs(r1) < MIN_REFERENCE_R) continue;
      const n1 = ref.get(a)!.length;
      const n2 = cur.get(a)!.length;
      const z = (Math.atanh(clampR(r1)) - Math.atanh(clampR(r2))) / Math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3));
      pairs.push({ a, b, r1, r2, changed: Math.abs(z) >= MIN_Z && Math.abs(r1 - r2) >= MIN_DELTA_R });
    }
  }
  const out: RelationshipChange[] = [];
  for (const feature of usable) {
    const mine = pairs.filter((p) => p.a === feature || p.b === feature);
    const changed = mine.filter((p) => p.changed);
    if (mine.length === 0 || changed.length === 0 || changed.length * 2 < mine.length) continue;
    const others = pairs.filter((p) => p.a !== feature && p.b !== feature);
    const othersChanged = others.filter((p) => p.changed).length;
    if (others.length > 0 && othersChanged / others.length >= 0.5) continue;
    const worst = changed.reduce((m, p) => (Math.abs(p.r1 - p.r2) > Math.abs(m.r1 - m.r2) ? p : m));
    out.push({ feature, partner: worst.a === feature ? worst.b : worst.a, referenceR: worst.r1, currentR: worst.r2, changedPairs: changed.length, correlatedPairs: mine.length });
  }
  return out;
}

function thin(values: Float64Array): Float64Array {
  if (values.length <= MAX_ROWS) return values;
  const step = values.length / MAX_ROWS;
  return Float64Array.from({ length: MAX_ROWS }, (_, i) => values[Math.floor(i * step)]!);
}

function correlation(x: Float64Array, y: Float64Array): number | null {
  if (x.length !== y.length || x.length < MIN_ROWS) return null;
  const r = sampleCorrelation(x as unknown as number[], y as unknown as number[]);
  return Number.isFinite(r) ? r : null;
}

const clampR = (r: number) => Math.max(-0.999999, Math.min(0.999999, r));
