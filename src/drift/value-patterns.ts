// Patterns in a drifted feature's raw values that name the change more precisely than its
// location, spread or shape: a category renamed (a vanished value whose rows reappear under a new
// spelling), a cyclic feature turned around its cycle (hours of the day shifted by a time-zone
// offset, weekdays by one), and one value filled into many rows (a default or an imputed mean
// where the value used to be missing). Each is judged against the sampling noise of two samples.
import { upperBound } from '../stats/sort.ts';

export interface Rename {
  from: string;
  to: string;
  fromShare: number;
  toShare: number;
  /** The two spellings are equal once case, spaces and punctuation are ignored. */
  sameText: boolean;
}

const normalised = (v: string) => v.toLowerCase().replace(/[\s_\-.]+/g, '');

/**
 * Vanished reference values whose rows reappear under a new value: the same text in another case
 * or punctuation, or — when exactly one value vanished and one appeared — the same share of rows
 * (within a fifth, or two points for small shares).
 */
export function renamedCategories(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>, vanished: readonly string[], unseen: readonly string[]): Rename[] {
  const nRef = [...reference.values()].reduce((a, b) => a + b, 0);
  const nCur = [...current.values()].reduce((a, b) => a + b, 0);
  if (nRef === 0 || nCur === 0) return [];
  const share = (m: ReadonlyMap<string, number>, n: number, k: string) => (m.get(k) ?? 0) / n;
  const out: Rename[] = [];
  const used = new Set<string>();
  for (const from of vanished) {
    const to = unseen.find((u) => !used.has(u) && normalised(u) === normalised(from));
    if (to) {
      used.add(to);
      out.push({ from, to, fromShare: share(reference, nRef, from), toShare: share(current, nCur, to), sameText: true });
    }
  }
  if (out.length === 0 && vanished.length === 1 && unseen.length === 1) {
    const [from] = vanished as [string];
    const [to] = unseen as [string];
    const fromShare = share(reference, nRef, from);
    const toShare = share(current, nCur, to);
    if (Math.abs(toShare - fromShare) <= Math.max(0.02, 0.2 * fromShare)) out.push({ from, to, fromShare, toShare, sameText: false });
  }
  return out;
}

export interface Truncation {
  /** The length the values were cut to. */
  length: number;
  /** Old → new value, most common old value first. */
  pairs: Array<{ from: string; to: string }>;
}

/**
 * Values cut at a fixed length (a VARCHAR(n) column, a fixed-width export): every new value is as
 * long as the others, and each is the start of one or more vanished values that were longer — two
 * codes may even become one (GEN_TEMP_HI and GEN_TEMP_LO → GEN_TE).
 */
export function truncatedCategories(vanished: readonly string[], unseen: readonly string[]): Truncation | undefined {
  if (vanished.length === 0 || unseen.length === 0) return undefined;
  const lengths = new Set(unseen.map((u) => [...u].length));
  if (lengths.size !== 1) return undefined;
  const [length] = lengths as unknown as [number];
  if (length < 1) return undefined;
  const pairs: Truncation['pairs'] = [];
  for (const from of vanished) {
    const to = [...from].slice(0, length).join('');
    if ([...from].length <= length || !unseen.includes(to)) return undefined;
    pairs.push({ from, to });
  }
  // Every new value must come from a vanished one: otherwise new values arrived as well.
  return unseen.every((u) => pairs.some((p) => p.to === u)) ? { length, pairs } : undefined;
}

export interface NumberFormat {
  /** How the numbers are written: `decimal-comma` ("7,4"), `thousands-separator` ("1,234.5"). */
  kind: 'decimal-comma' | 'thousands-separator';
  /** Share of the rows written that way. */
  share: number;
  /** Share of all rows that are numbers once the format is read. */
  numericShare: number;
  examples: string[];
}

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const THOUSANDS = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/**
 * A column of numbers that arrives (partly) as text in another number format: nearly all rows
 * are numbers once a decimal comma or thousands separators are read, and at least 5 % of them are
 * written that way — a locale setting or a formatter in one producer, not new categories.
 */
export function numbersAsText(counts: ReadonlyMap<string, number>): NumberFormat | undefined {
  let total = 0;
  let plain = 0;
  let comma = 0;
  let thousands = 0;
  const examples: Record<NumberFormat['kind'], string[]> = { 'decimal-comma': [], 'thousands-separator': [] };
  for (const [raw, c] of counts) {
    total += c;
    const v = raw.trim().replace(/^"(.*)"$/, '$1');
    if (PLAIN_NUMBER.test(v)) plain += c;
    else if (THOUSANDS.test(v)) {
      thousands += c;
      if (examples['thousands-separator'].length < 3) examples['thousands-separator'].push(raw);
    } else if (DECIMAL_COMMA.test(v)) {
      comma += c;
      if (examples['decimal-comma'].length < 3) examples['decimal-comma'].push(raw);
    }
  }
  if (total === 0) return undefined;
  const kind: NumberFormat['kind'] = comma >= thousands ? 'decimal-comma' : 'thousands-separator';
  const odd = Math.max(comma, thousands);
  const numericShare = (plain + comma + thousands) / total;
  return odd / total >= 0.05 && numericShare >= 0.9 ? { kind, share: odd / total, numericShare, examples: examples[kind] } : undefined;
}

export interface Recoding {
  /** Old → new value, most common first. */
  pairs: Array<{ from: string; to: string; fromShare: number; toShare: number }>;
}

/** Share of rows the old values must have lost (and the new values must hold) for a recoding. */
const RECODED_SHARE = 0.95;

/**
 * Every value replaced by another: the reference's values (nearly all rows) are gone and values it
 * never had hold nearly all current rows, as many of them, with the same shares paired in order
 * (within a fifth, or two points). That is one set of categories under another encoding — names on
 * one side, integer codes on the other — not a new population.
 */
export function recodedCategories(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): Recoding | undefined {
  const nRef = [...reference.values()].reduce((a, b) => a + b, 0);
  const nCur = [...current.values()].reduce((a, b) => a + b, 0);
  if (nRef === 0 || nCur === 0) return undefined;
  const gone = [...reference].filter(([k, c]) => c > 0 && !(current.get(k)! > 0));
  const fresh = [...current].filter(([k, c]) => c > 0 && !reference.has(k));
  const goneShare = gone.reduce((a, [, c]) => a + c, 0) / nRef;
  const freshShare = fresh.reduce((a, [, c]) => a + c, 0) / nCur;
  if (goneShare < RECODED_SHARE || freshShare < RECODED_SHARE) return undefined;
  const major = (pairs: Array<[string, number]>, n: number) => pairs.filter(([, c]) => c / n >= 0.01).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const from = major(gone, nRef);
  const to = major(fresh, nCur);
  if (from.length < 2 || from.length !== to.length) return undefined;
  const close = (p: { fromShare: number; toShare: number }) => Math.abs(p.toShare - p.fromShare) <= Math.max(0.02, 0.2 * p.fromShare);
  const byShare = from.map(([f, fc], i) => ({ from: f, to: to[i]![0], fromShare: fc / nRef, toShare: to[i]![1] / nCur }));
  if (!byShare.every(close)) return undefined;
  // Names carried into the new spelling (ES → ESP, IT → ITA) pair better than ranks of near-equal shares.
  const byName = pairByName(from.map(([f, fc]) => ({ name: f, share: fc / nRef })), to.map(([t, tc]) => ({ name: t, share: tc / nCur })));
  return byName && byName.every(close) ? { pairs: byName } : { pairs: byShare };
}

/** Letters of `a` that appear in `b` in order, from the start (ES in ESP, PT in PRT, DE in DEU): how much of an old spelling a new one keeps. */
function keptLetters(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x[0] !== y[0]) return 0;
  let j = 0;
  let kept = 0;
  for (const c of x) {
    const at = y.indexOf(c, j);
    if (at < 0) break;
    kept++;
    j = at + 1;
  }
  return kept;
}

/** One new value per old one by the spelling they share, when every old value finds one no other claims; else undefined. */
function pairByName(from: Array<{ name: string; share: number }>, to: Array<{ name: string; share: number }>): Recoding['pairs'] | undefined {
  const taken = new Set<string>();
  const pairs: Recoding['pairs'] = [];
  for (const f of from) {
    const ranked = to.filter((t) => !taken.has(t.name)).map((t) => ({ t, kept: keptLetters(f.name, t.name) })).filter((c) => c.kept > 0).sort((a, b) => b.kept - a.kept || Math.abs(a.t.share - f.share) - Math.abs(b.t.share - f.share));
    const best = ranked[0];
    if (!best) return undefined;
    taken.add(best.t.name);
    pairs.push({ from: f.name, to: best.t.name, fromShare: f.share, toShare: best.t.share });
  }
  return pairs;
}

export interface CyclicShift {
  /** Cycle length: 24 (hours of the day) or 7 (days of the week). */
  period: number;
  /** Current ≈ (reference + shift) mod period; signed, |shift| ≤ period / 2. */
  shift: number;
  /** Total variation distance between the histograms unshifted and after the shift. */
  before: number;
  after: number;
}

/** Cycles a feature of whole numbers may run around: hours of the day, then days of the week. */
const PERIODS = [24, 7] as const;

/**
 * Whether the current values are the reference's turned around a cycle: both samples whole
 * numbers within [0, period), the reference using most of the cycle, and one shift that brings the
 * histograms as close as two samples of one distribution are while the unshifted ones are far apart.
 * `drifted`: the drift test already found the two samples apart, so a smaller unshifted distance
 * suffices (a one-hour turn of a smooth daily profile moves the histogram only a little).
 */
export function cyclicShift(reference: ArrayLike<number>, current: ArrayLike<number>, drifted = false): CyclicShift | undefined {
  const n1 = reference.length;
  const n2 = current.length;
  if (n1 < 50 || n2 < 50) return undefined;
  for (const period of PERIODS) {
    const h1 = histogram(reference, period);
    const h2 = histogram(current, period);
    if (!h1 || !h2) continue;
    if (h1.filter((p) => p > 0).length < Math.ceil(period * 0.6)) continue;
    const tv = (k: number) => {
      let s = 0;
      for (let i = 0; i < period; i++) s += Math.abs(h2[i]! - h1[(((i - k) % period) + period) % period]!);
      return s / 2;
    };
    // Expected TV of two samples of the reference histogram: ½ Σ √(2/π · p(1−p)(1/n1 + 1/n2)).
    let noise = 0;
    for (const p of h1) noise += Math.sqrt((2 / Math.PI) * p * (1 - p) * (1 / n1 + 1 / n2));
    noise /= 2;
    const before = tv(0);
    let best = 0;
    let after = before;
    for (let k = 1; k < period; k++) {
      const t = tv(k);
      if (t < after) {
        after = t;
        best = k;
      }
    }
    // Far apart unshifted (2.5× the noise; 1.5× for a drifted feature), as close as two samples of one distribution after the shift (1.5×), and at least halved by it.
    if (best !== 0 && before >= (drifted ? 1.5 : 2.5) * noise && after <= 1.5 * noise && after * 2 < before) return { period, shift: best > period / 2 ? best - period : best, before, after };
    return undefined;
  }
  return undefined;
}

function histogram(values: ArrayLike<number>, period: number): number[] | undefined {
  const h = new Array<number>(period).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= period) return undefined;
    h[v]!++;
  }
  return h.map((c) => c / values.length);
}

export interface ValueSpike {
  value: number;
  currentShare: number;
  referenceShare: number;
  /** The value is the reference's mean, median or zero (how imputation and defaults fill). */
  matches?: 'mean' | 'median' | 'zero';
}

/** A continuous feature needs at least this many distinct reference values for one repeated value to be news. */
const MIN_DISTINCT = 50;

/**
 * One value holding a much larger share of the current rows than of the reference's (at least 5
 * points more, three times as often, and significant against the reference share), in a feature
 * continuous enough that repeats are rare. A feature that became constant is not a spike (it is degenerate).
 */
export function valueSpike(referenceSorted: Float64Array, currentSorted: Float64Array, referenceMean: number, referenceMedian: number, referenceSd: number): ValueSpike | undefined {
  if (distinct(referenceSorted) < MIN_DISTINCT || currentSorted.length < 50) return undefined;
  const { value, count } = mode(currentSorted);
  const currentShare = count / currentSorted.length;
  if (currentShare >= 0.99) return undefined;
  const referenceShare = countOf(referenceSorted, value) / referenceSorted.length;
  const p = Math.max(referenceShare, 1 / referenceSorted.length);
  const z = (currentShare - p) / Math.sqrt((p * (1 - p)) / currentSorted.length);
  if (currentShare - referenceShare < 0.05 || currentShare < 3 * referenceShare || z < 5) return undefined;
  const close = (x: number) => Math.abs(value - x) <= Math.max(0.02 * referenceSd, 1e-9 + Math.abs(x) * 1e-6) || Math.abs(value - x) < 0.005 * Math.max(1, Math.abs(x));
  const matches = value === 0 ? 'zero' : close(referenceMean) ? 'mean' : close(referenceMedian) ? 'median' : undefined;
  return { value, currentShare, referenceShare, ...(matches ? { matches } : {}) };
}

function distinct(sorted: Float64Array): number {
  let d = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) d++;
  return d;
}

function mode(sorted: Float64Array): { value: number; count: number } {
  let best = sorted[0]!;
  let bestCount = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = sorted[i]!;
    }
    i = j;
  }
  return { value: best, count: bestCount };
}

function countOf(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  let c = 0;
  for (let i = lo; i < sorted.length && sorted[i] === v; i++) c++;
  return c;
}

export interface Clip {
  /** The value the current rows pile up at: their maximum (or minimum). */
  value: number;
  side: 'max' | 'min';
  /** Share of reference rows beyond that value (which the cap folded onto it). */
  beyondShare: number;
}

/**
 * A spike that is a cap: the repeated value is the current maximum (or minimum), the reference
 * had values beyond it, and the rows piled up at it are about the share the reference had beyond
 * it (within a third, or 3 points), as truncation or clipping to a bound does.
 */
export function clippedAt(referenceSorted: Float64Array, currentSorted: Float64Array, spike: ValueSpike): Clip | undefined {
  const n1 = referenceSorted.length;
  const n2 = currentSorted.length;
  if (n1 === 0 || n2 === 0) return undefined;
  const excess = spike.currentShare - spike.referenceShare;
  const side = currentSorted[n2 - 1] === spike.value ? 'max' : currentSorted[0] === spike.value ? 'min' : undefined;
  if (!side) return undefined;
  let beyond = 0;
  for (let i = 0; i < n1; i++) if (side === 'max' ? referenceSorted[i]! > spike.value : referenceSorted[i]! < spike.value) beyond++;
  const beyondShare = beyond / n1;
  if (beyondShare < 0.02 || Math.abs(beyondShare - excess) > Math.max(0.03, beyondShare / 3)) return undefined;
  return { value: spike.value, side, beyondShare };
}

/** Two-sample Kolmogorov–Smirnov distance of two sorted samples. */
export function ksDistance(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** KS distance two samples of one distribution stay under with probability 0.999 (c(α) = 1.95). */
export function ksNoise(n1: number, n2: number): number {
  return 1.95 * Math.sqrt((n1 + n2) / (n1 * n2));
}

export interface NumericSample {
  name: string;
  reference: Float64Array;
  current: Float64Array;
}

/**
 * Pairs of drifted numeric features whose current values are each other's reference values: the
 * current A is as close to the reference B as two samples of one distribution are (and B to A),
 * while each is far from its own reference — two columns swapped (a reordered SELECT, a positional
 * CSV header). Samples must be sorted.
 */
export function swappedColumns(drifted: readonly NumericSample[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const used = new Set<string>();
  for (let i = 0; i < drifted.length; i++) {
    for (let j = i + 1; j < drifted.length; j++) {
      const a = drifted[i]!;
      const b = drifted[j]!;
      if (used.has(a.name) || used.has(b.name)) continue;
      const own = Math.min(ksDistance(a.current, a.reference), ksDistance(b.current, b.reference));
      const crossA = ksDistance(a.current, b.reference);
      const crossB = ksDistance(b.current, a.reference);
      if (crossA <= ksNoise(a.current.length, b.reference.length) && crossB <= ksNoise(b.current.length, a.reference.length) && own > 3 * Math.max(crossA, crossB)) {
        out.push([a.name, b.name]);
        used.add(a.name).add(b.name);
      }
    }
  }
  return out;
}

export interface PartialSwap {
  a: string;
  b: string;
  /** Share of current rows whose two values are exchanged. */
  share: number;
  /** Largest CDF gap of each current column against its fitted mixture, and against its own reference. */
  fitGap: number;
  ownGap: number;
}

/** Points of the current sample at which the mixture fits are compared (its quantiles). */
const MIX_POINTS = 200;

/** F(x) of a sorted sample: the share of values ≤ x. */
const cdfAt = (sorted: Float64Array, x: number) => upperBound(sorted, x) / sorted.length;

/** Largest gap between the current sample's CDF and (1 − s)·F_own + s·F_other, at MIX_POINTS of the current sample's quantiles. */
function mixtureGap(current: Float64Array, own: Float64Array, other: Float64Array, s: number): number {
  let gap = 0;
  const n = current.length;
  for (let k = 1; k <= MIX_POINTS; k++) {
    const i = Math.min(n - 1, Math.floor((k / (MIX_POINTS + 1)) * n));
    const x = current[i]!;
    const empirical = cdfAt(current, x);
    gap = Math.max(gap, Math.abs(empirical - ((1 - s) * cdfAt(own, x) + s * cdfAt(other, x))));
  }
  return gap;
}

/**
 * Pairs of drifted numeric features where a share of the rows holds each other's values (one source,
 * one site or one client whose feature vector is assembled in another order): each current column
 * is, within sampling noise, the mixture (1 − s)·its reference + s·the other's reference, with the
 * same s for both, while far from its own reference. A full swap is swappedColumns'. Samples sorted.
 */
export function partlySwappedColumns(drifted: readonly NumericSample[], already: ReadonlySet<string> = new Set()): PartialSwap[] {
  const out: PartialSwap[] = [];
  const used = new Set(already);
  for (let i = 0; i < drifted.length; i++) {
    for (let j = i + 1; j < drifted.length; j++) {
      const a = drifted[i]!;
      const b = drifted[j]!;
      if (used.has(a.name) || used.has(b.name) || a.current.length < 200 || b.current.length < 200) continue;
      // The two references must differ for a swap to show (at the quantiles of one of them: cheap on a million rows).
      if (mixtureGap(a.reference, b.reference, b.reference, 0) < 0.5) continue;
      // Each current column against its own reference alone (share 0), at its quantiles.
      const ownGap = Math.min(mixtureGap(a.current, a.reference, b.reference, 0), mixtureGap(b.current, b.reference, a.reference, 0));
      let best = { share: 0, gap: Infinity };
      for (let k = 1; k < 100; k++) {
        const share = k / 100;
        const gap = Math.max(mixtureGap(a.current, a.reference, b.reference, share), mixtureGap(b.current, b.reference, a.reference, share));
        if (gap < best.gap) best = { share, gap };
      }
      const noise = Math.max(ksNoise(a.current.length, a.reference.length), ksNoise(b.current.length, b.reference.length));
      if (best.share >= 0.03 && best.share <= 0.97 && best.gap <= noise && ownGap > 3 * best.gap) {
        out.push({ a: a.name, b: b.name, share: best.share, fitGap: best.gap, ownGap });
        used.add(a.name).add(b.name);
      }
    }
  }
  return out;
}

/** Most values a feature may have for its shares to be compared as a permutation (beyond, categories are too thin to pair). */
const MAX_PERMUTED_VALUES = 30;

/**
 * A feature with the reference's values whose shares are the reference's moved onto other values:
 * paired by rank, every current share is the reference share of the same rank (within sampling
 * noise, z < 3), while at least two values sit far from their own reference share (z ≥ 5) — the
 * same population under another encoding: an inverted flag (true ↔ false) or a label encoder
 * refitted in another order (1 → 3, 2 → 1, 3 → 2). Returns the moves ("a ↔ b", or "a → b, b → c, …"),
 * or undefined.
 */
export function swappedValues(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): string | undefined {
  const keys = [...reference.keys()].filter((k) => reference.get(k)! > 0);
  if (keys.length < 2 || keys.length > MAX_PERMUTED_VALUES) return undefined;
  if ([...current].some(([k, c]) => c > 0 && !reference.get(k))) return undefined;
  const n1 = keys.reduce((a, k) => a + reference.get(k)!, 0);
  const n2 = keys.reduce((a, k) => a + (current.get(k) ?? 0), 0);
  if (n1 < 50 || n2 < 50) return undefined;
  const p = (k: string) => reference.get(k)! / n1;
  const q = (k: string) => (current.get(k) ?? 0) / n2;
  const se = (x: number) => Math.sqrt(Math.max(x * (1 - x), 1e-9) * (1 / n1 + 1 / n2));
  const byShare = (share: (k: string) => number) => [...keys].sort((a, b) => share(b) - share(a) || (a < b ? -1 : 1));
  const from = byShare(p);
  const to = byShare(q);
  // Rank for rank, the shares are the reference's: one set of shares, only the values holding them differ.
  if (from.some((k, i) => Math.abs(q(to[i]!) - p(k)) / se(p(k)) >= 3)) return undefined;
  const moved = keys.filter((k) => Math.abs(q(k) - p(k)) / se(p(k)) >= 5);
  if (moved.length < 2) return undefined;
  const moves = from.map((k, i) => [k, to[i]!] as const).filter(([a, b]) => a !== b && moved.includes(a));
  if (moves.length < 2) return undefined;
  if (moves.length === 2 && moves[0]![0] === moves[1]![1] && moves[0]![1] === moves[1]![0]) {
    const [a, b] = [moves[0]![0], moves[0]![1]].sort((x, y) => keys.indexOf(x) - keys.indexOf(y));
    return `${a} ↔ ${b}`;
  }
  return moves.map(([a, b]) => `${a} → ${b}`).join(', ');
}

/** Steps a value may be rounded to, coarsest first. */
const ROUNDING_STEPS = [100, 10, 1, 0.5, 0.1, 0.01] as const;

/**
 * The coarsest step every current value (99 % of them) is a multiple of, when the reference's values
 * mostly were not (under half): the values are now rounded — a sensor or export at a lower
 * resolution — which piles them onto a few values without any one of them being a fill-in.
 */
export function roundedTo(reference: ArrayLike<number>, current: ArrayLike<number>): number | undefined {
  if (reference.length < 50 || current.length < 50) return undefined;
  const onGrid = (values: ArrayLike<number>, step: number) => {
    let hits = 0;
    for (let i = 0; i < values.length; i++) {
      const q = values[i]! / step;
      if (Math.abs(q - Math.round(q)) < 1e-6) hits++;
    }
    return hits / values.length;
  };
  for (const step of ROUNDING_STEPS) {
    if (onGrid(current, step) >= 0.99) return onGrid(reference, step) < 0.5 ? step : undefined;
  }
  return undefined;
}
