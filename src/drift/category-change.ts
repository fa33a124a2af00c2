// What changed in a categorical feature beyond its shares: values the reference never had (more
// of them than a sample this size leaves unseen by chance — the Good–Turing estimate of the
// unseen mass), values that vanished although the reference made them common enough to expect
// (expected count ≥ 5) and whose absence chance cannot explain even across every value the
// reference holds (conditional on its rows, none landing in the current sample has probability
// (n_ref / (n_ref + n_cur))^rows; below 1 % / values — a long tail of rare ids loses some by
// chance), and a feature
// that collapsed to one value: one the reference knew (one segment of traffic) or one it never had
// (a default filled in by a broken pipeline).

export interface CategoryChange {
  /** Values absent from the reference, most frequent first. */
  unseen: string[];
  /** Share of current rows holding them. */
  unseenShare: number;
  /** The unseen share a sample of the reference's size leaves by chance (singletons / n, Good–Turing). */
  chanceUnseenShare: number;
  /** More unseen rows than chance explains. */
  newBeyondChance: boolean;
  /** Reference values common enough to expect ≥ 5 current rows, absent now, most common first. */
  vanished: string[];
  /** The one value every current row holds, when the reference had several (and ≥ 20 current rows). */
  single?: { value: string; inReference: boolean; referenceShare: number };
}

/** Expected current rows at or above which an absent reference value counts as vanished. */
const MIN_EXPECTED_ROWS = 5;
/** Family-wise chance of calling any one value vanished when nothing changed. */
const VANISHED_ALPHA = 0.01;
/** Rows a collapse to one value needs before it means more than a tiny window. */
const MIN_ROWS_FOR_SINGLE = 20;
/** The reference's top value must hold less than this share for "only one value now" to be news. */
const MAX_TOP_SHARE_FOR_SINGLE = 0.9;

export function describeCategoryChange(reference: Map<string, number>, current: Map<string, number>): CategoryChange {
  const nRef = total(reference);
  const nCur = total(current);
  const unseenPairs = [...current].filter(([k, c]) => c > 0 && !reference.has(k)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const unseenRows = unseenPairs.reduce((s, [, c]) => s + c, 0);
  let singletons = 0;
  for (const c of reference.values()) if (c === 1) singletons++;
  const chanceUnseenShare = nRef === 0 ? 0 : singletons / nRef;
  // Under no change, a value's rows split between the samples in proportion to their sizes.
  const stayProbability = nRef / Math.max(1, nRef + nCur);
  const vanished = [...reference]
    .filter(([k, c]) => (c / nRef) * nCur >= MIN_EXPECTED_ROWS && !(current.get(k)! > 0) && Math.pow(stayProbability, c) < VANISHED_ALPHA / reference.size)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k]) => k);
  // Rows that used to go to vanished values spread over the rest in proportion, the rare and
  // unseen ones included: the unseen share chance leaves grows by 1 / (1 − vanished share).
  const vanishedShare = vanished.reduce((s, k) => s + reference.get(k)!, 0) / Math.max(1, nRef);
  const expected = (chanceUnseenShare * nCur) / Math.max(0.05, 1 - vanishedShare);
  const present = [...current].filter(([, c]) => c > 0);
  const refTop = Math.max(0, ...reference.values()) / Math.max(1, nRef);
  const change: CategoryChange = {
    unseen: unseenPairs.map(([k]) => k),
    unseenShare: nCur === 0 ? 0 : unseenRows / nCur,
    chanceUnseenShare,
    // Three standard deviations over the chance expectation, and at least 3 rows: the current
    // count's own (Poisson) spread plus the spread of the estimate, which rests on the singletons.
    newBeyondChance: unseenRows >= 3 && unseenRows > expected + 3 * Math.sqrt(expected + (nCur / Math.max(1, nRef)) ** 2 * singletons) + 2,
    vanished,
  };
  if (present.length === 1 && reference.size >= 2 && nCur >= MIN_ROWS_FOR_SINGLE && refTop < MAX_TOP_SHARE_FOR_SINGLE) {
    const value = present[0]![0];
    change.single = { value, inReference: reference.has(value), referenceShare: (reference.get(value) ?? 0) / nRef };
  }
  return change;
}

function total(m: Map<string, number>): number {
  let n = 0;
  for (const c of m.values()) n += c;
  return n;
}
