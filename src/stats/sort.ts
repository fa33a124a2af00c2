// Ascending sort of float64 samples. Float64Array.prototype.sort takes 200–350 ms for a million
// values here, which alone would make KS slower than scipy; an LSD radix sort on the IEEE-754 bit
// patterns does it in a few tens of milliseconds. Callers guarantee no NaN (they drop them first).

const RADIX_BITS = 11;
const BUCKETS = 1 << RADIX_BITS;
const MASK = BUCKETS - 1;
/** Below this size the built-in comparison sort is faster than six counting passes. */
const SMALL = 4096;
// Digits of the 64-bit key, low word first: [word, shift] for 11 + 11 + 10 bits per 32-bit word.
const DIGITS: ReadonlyArray<readonly [number, number]> = [
  [0, 0], [0, 11], [0, 22], [1, 0], [1, 11], [1, 22],
];

/** A sorted copy of `values` (ascending; −0 before +0; no NaN allowed). The input is not modified. */
export function sortedCopy(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < SMALL) return Float64Array.from(values).sort();

  // Sort by the raw bit patterns as unsigned 64-bit integers: non-negative values come out
  // ascending, then the negative ones by ascending magnitude; one reversal fixes the latter.
  let vals = new Float64Array(values);
  let bits = new Uint32Array(vals.buffer);
  const counts = new Uint32Array(DIGITS.length * BUCKETS);
  for (let i = 0; i < 2 * n; i += 2) {
    const lo = bits[i] as number;
    const hi = bits[i + 1] as number;
    counts[lo & MASK]!++;
    counts[BUCKETS + ((lo >>> 11) & MASK)]!++;
    counts[2 * BUCKETS + (lo >>> 22)]!++;
    counts[3 * BUCKETS + (hi & MASK)]!++;
    counts[4 * BUCKETS + ((hi >>> 11) & MASK)]!++;
    counts[5 * BUCKETS + (hi >>> 22)]!++;
  }

  let spare = new Float64Array(n);
  const offsets = new Uint32Array(BUCKETS);
  for (let d = 0; d < DIGITS.length; d++) {
    const base = d * BUCKETS;
    // A digit that is the same for every value does not reorder anything.
    let trivial = false;
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[base + b] as number;
      if (c === n) trivial = true;
      offsets[b] = sum;
      sum += c;
    }
    if (trivial) continue;
    const [word, shift] = DIGITS[d] as readonly [number, number];
    for (let i = 0; i < n; i++) {
      const digit = ((bits[2 * i + word] as number) >>> shift) & MASK;
      spare[offsets[digit]!++] = vals[i] as number;
    }
    [vals, spare] = [spare, vals];
    bits = new Uint32Array(vals.buffer);
  }

  // Negative values (sign bit set, hence last) in reverse, then the rest.
  let firstNegative = n;
  while (firstNegative > 0 && ((bits[2 * (firstNegative - 1) + 1] as number) & 0x80000000) !== 0) firstNegative--;
  if (firstNegative === n) return vals;
  const out = spare;
  const negatives = n - firstNegative;
  for (let i = 0; i < negatives; i++) out[i] = vals[n - 1 - i] as number;
  out.set(vals.subarray(0, firstNegative), negatives);
  return out;
}

/** How many values of a sorted array are ≤ x (binary search). */
export function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
