// Loads test/stats/scipy-reference.json (written by scripts/scipy-reference.py) and rebuilds its
// recipe-defined large samples exactly as numpy did, so the tests need no python.

import { readFileSync } from 'node:fs';

export interface Recipe {
  n: number;
  mult: number;
  add: number;
  mod: number;
  scale: number;
  offset: number;
}

/** A number as the JSON stores it: non-finite values are strings. */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

export interface SampleSource {
  a?: number[];
  b?: number[];
  aRecipe?: Recipe;
  bRecipe?: Recipe;
}

export interface KsCase extends SampleSource {
  name: string;
  alternative: 'two-sided' | 'less' | 'greater';
  method: 'auto' | 'exact' | 'asymp';
  n1: number;
  n2: number;
  statistic: number;
  pValue: number;
  scipyMethod: 'exact' | 'asymp';
}

export interface Reference {
  scipy: string;
  ks: KsCase[];
  kstwo: Array<{ n: number; d: number; sf: number }>;
  smirnov: Array<{ n: number; d: number; sf: number }>;
  chiSquare: Array<{
    name: string;
    reference: Record<string, number>;
    current: Record<string, number>;
    statistic: JsonNumber;
    pValue: number;
    dof: number;
  }>;
  chi2Sf: Array<{ dof: number; x: number; sf: number }>;
  zTest: Array<{ name: string; reference: Record<string, number>; current: Record<string, number>; statistic: number; pValue: number }>;
  normalCdf: Array<{ x: number; cdf: number }>;
  wasserstein: Array<SampleSource & { name: string; distance: number; normed: number }>;
  binning: Array<{
    name: string;
    numeric: boolean;
    reference: number[] | null;
    current: number[] | null;
    referenceCounts: Record<string, number> | null;
    currentCounts: Record<string, number> | null;
    edges: number[] | null;
    labels: string[] | null;
    referenceShares: number[];
    currentShares: number[];
    jensenShannon: number;
    psi: number;
  }>;
  multipleTesting: Array<{
    name: string;
    pValues: number[];
    alpha: number;
    bonferroni: { threshold: number; datasetDrift: boolean; drifted: boolean[] };
    benjaminiHochberg: { threshold: number; datasetDrift: boolean; drifted: boolean[] };
  }>;
}

export const reference: Reference = JSON.parse(
  readFileSync(new URL('./scipy-reference.json', import.meta.url), 'utf8'),
) as Reference;

/** A count map from a JSON object. */
export function counts(o: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(o));
}

export function toNumber(x: JsonNumber): number {
  return typeof x === 'number' ? x : Number(x);
}

/** value[i] = offset + scale · ((i·mult + add) mod mod), in exact integer arithmetic as numpy int64. */
export function fromRecipe(r: Recipe): Float64Array {
  const out = new Float64Array(r.n);
  for (let i = 0; i < r.n; i++) out[i] = r.offset + r.scale * ((i * r.mult + r.add) % r.mod);
  return out;
}

export function samples(c: SampleSource): [Float64Array, Float64Array] {
  const a = c.a ? Float64Array.from(c.a) : fromRecipe(c.aRecipe as Recipe);
  const b = c.b ? Float64Array.from(c.b) : fromRecipe(c.bRecipe as Recipe);
  return [a, b];
}

/** |actual − expected| ≤ rel·|expected|, or ≤ 1e-300 absolute for values that small. */
export function closeTo(actual: number, expected: number, rel = 1e-6): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (Math.abs(expected) < 1e-300) return Math.abs(actual - expected) <= 1e-300;
  return Math.abs(actual - expected) <= rel * Math.abs(expected);
}
