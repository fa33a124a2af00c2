import { describe, expect, it } from 'vitest';
import { clippedAt, cyclicShift, numbersAsText, roundedTo, partlySwappedColumns, recodedCategories, renamedCategories, swappedColumns, swappedValues, truncatedCategories, valueSpike } from '../../src/drift/value-patterns.ts';
import { seededRandom } from '../support/seeded-random.ts';

const normal = (r: () => number, mean: number, sd: number) => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
/** Booking hours: an evening peak and a lunch bump, whole hours 0–23, shifted by `shift` around the clock. */
function hours(seed: number, shift = 0, n = 3000): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: n }, () => {
    const h = r() < 0.6 ? normal(r, 20, 2.2) : normal(r, 12.5, 2.8);
    return (((Math.floor(h) + shift) % 24) + 24) % 24;
  });
}
const sorted = (v: ArrayLike<number>) => Float64Array.from(v).sort();

describe('renamedCategories', () => {
  it('pairs a vanished value with its new spelling', () => {
    const ref = new Map([['DE', 400], ['FR', 300], ['NL', 300]]);
    const cur = new Map([['de', 390], ['FR', 310], ['NL', 300]]);
    expect(renamedCategories(ref, cur, ['DE'], ['de'])).toEqual([{ from: 'DE', to: 'de', fromShare: 0.4, toShare: 0.39, sameText: true }]);
  });
  it('does not call a new market that took a small share a rename of a large one', () => {
    const ref = new Map([['DE', 400], ['FR', 300], ['NL', 300]]);
    const cur = new Map([['PL', 40], ['FR', 560], ['NL', 400]]);
    expect(renamedCategories(ref, cur, ['DE'], ['PL'])).toEqual([]);
  });
});

describe('roundedTo', () => {
  const speeds = (seed: number) => {
    const r = seededRandom(seed);
    return Float64Array.from({ length: 2000 }, () => Math.abs(Number(normal(r, 3.6, 1.9).toFixed(2))));
  };
  it('finds values rounded to whole units where the reference had hundredths', () => {
    expect(roundedTo(speeds(1), speeds(2).map(Math.round))).toBe(1);
    expect(roundedTo(speeds(1), speeds(2).map((x) => Math.round(x * 10) / 10))).toBe(0.1);
  });
  it('finds nothing when both sides have the same resolution, or the reference was already whole', () => {
    expect(roundedTo(speeds(1), speeds(2))).toBeUndefined();
    expect(roundedTo(speeds(1).map(Math.round), speeds(2).map(Math.round))).toBeUndefined();
  });
});

describe('cyclicShift', () => {
  it('finds hours moved by one time zone, wrapping at midnight', () => {
    expect(cyclicShift(hours(1), hours(2, 1))).toMatchObject({ period: 24, shift: 1 });
    expect(cyclicShift(hours(3), hours(4, -2))).toMatchObject({ period: 24, shift: -2 });
  });
  it('finds nothing between two samples of the same hours', () => {
    expect(cyclicShift(hours(5), hours(6))).toBeUndefined();
  });
  it('ignores features that are not whole numbers on a cycle', () => {
    const r = seededRandom(7);
    const prices = Float64Array.from({ length: 500 }, () => 50 + 10 * r());
    expect(cyclicShift(prices, prices.map((x) => x + 1))).toBeUndefined();
  });
});

describe('valueSpike', () => {
  const r = seededRandom(11);
  const scores = Array.from({ length: 3000 }, () => Number(normal(r, 4.3, 0.45).toFixed(2)));
  const ref = sorted(scores.slice(0, 1500));
  const mean = ref.reduce((a, b) => a + b, 0) / ref.length;
  const sd = Math.sqrt(ref.reduce((a, b) => a + (b - mean) ** 2, 0) / ref.length);
  it('finds the reference mean filled into a third of the rows', () => {
    const filled = Number(mean.toFixed(2));
    const cur = sorted(scores.slice(1500).map((x, i) => (i % 3 === 0 ? filled : x)));
    const spike = valueSpike(ref, cur, mean, ref[ref.length >> 1]!, sd);
    expect(spike).toMatchObject({ value: filled, matches: 'mean' });
    expect(spike!.currentShare).toBeGreaterThan(0.3);
  });
  it('finds nothing in a second sample of the same feature', () => {
    expect(valueSpike(ref, sorted(scores.slice(1500)), mean, ref[ref.length >> 1]!, sd)).toBeUndefined();
  });
  it('does not read the repeats of a discrete feature as a spike', () => {
    const counts = Float64Array.from({ length: 2000 }, (_, i) => 1 + (i % 9));
    expect(valueSpike(sorted(counts), sorted(counts.map((x) => Math.max(1, x - 1))), 5, 5, 2.6)).toBeUndefined();
  });
});

/** Token counts of ticket bodies: log-normal, about a quarter above 512. */
function tokens(seed: number, n = 3000): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: n }, () => Math.max(3, Math.round(Math.exp(normal(r, 5.7, 0.7)))));
}

describe('clippedAt', () => {
  it('reads a pile-up at the current maximum, where the reference went beyond, as truncation', () => {
    const ref = sorted(tokens(1));
    const cur = sorted(tokens(2).map((x) => Math.min(512, x)));
    const spike = valueSpike(ref, cur, 0, 0, 1)!;
    expect(spike.value).toBe(512);
    const clip = clippedAt(ref, cur, spike)!;
    expect(clip).toMatchObject({ value: 512, side: 'max' });
    expect(clip.beyondShare).toBeGreaterThan(0.15);
  });
  it('does not read a default filled into the middle of the range as a cap', () => {
    const ref = sorted(tokens(3));
    const r = seededRandom(4);
    const cur = sorted(tokens(5).map((x) => (r() < 0.3 ? 300 : x)));
    const spike = valueSpike(ref, cur, 0, 0, 1)!;
    expect(spike.value).toBe(300);
    expect(clippedAt(ref, cur, spike)).toBeUndefined();
  });
});

describe('swappedColumns', () => {
  const waits = (seed: number) => {
    const r = seededRandom(seed);
    return Array.from({ length: 3000 }, () => {
      const w = Math.exp(normal(r, 3, 0.5));
      return { wait: w, reply: w * 2.5 + Math.exp(normal(r, 4.2, 0.4)) };
    });
  };
  const ref = waits(11);
  const cur = waits(12);
  const col = (rows: Array<{ wait: number; reply: number }>, k: 'wait' | 'reply') => sorted(rows.map((x) => x[k]));
  it('pairs two columns whose current values are each other\'s reference values', () => {
    expect(swappedColumns([
      { name: 'wait_min', reference: col(ref, 'wait'), current: col(cur, 'reply') },
      { name: 'reply_min', reference: col(ref, 'reply'), current: col(cur, 'wait') },
    ])).toEqual([['wait_min', 'reply_min']]);
  });
  it('finds two columns exchanged in a share of the rows (one source assembles them in the other order), with the share', () => {
    // 20 % of current rows carry reply in wait and wait in reply.
    const mixed = cur.map((x, i) => (i % 5 === 0 ? { wait: x.reply, reply: x.wait } : x));
    const [p, ...rest] = partlySwappedColumns([
      { name: 'wait_min', reference: col(ref, 'wait'), current: col(mixed, 'wait') },
      { name: 'reply_min', reference: col(ref, 'reply'), current: col(mixed, 'reply') },
    ]);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ a: 'wait_min', b: 'reply_min' });
    expect(p!.share).toBeGreaterThan(0.16);
    expect(p!.share).toBeLessThan(0.24);
    // Two columns that moved elsewhere, and two that did not move, are not a partial swap.
    expect(partlySwappedColumns([
      { name: 'wait_min', reference: col(ref, 'wait'), current: sorted(col(cur, 'wait').map((x) => x * 1.6)) },
      { name: 'reply_min', reference: col(ref, 'reply'), current: sorted(col(cur, 'reply').map((x) => x * 0.7)) },
    ])).toEqual([]);
    expect(partlySwappedColumns([
      { name: 'wait_min', reference: col(ref, 'wait'), current: col(cur, 'wait') },
      { name: 'reply_min', reference: col(ref, 'reply'), current: col(cur, 'reply') },
    ])).toEqual([]);
  });
  it('does not pair two columns that both moved elsewhere', () => {
    expect(swappedColumns([
      { name: 'wait_min', reference: col(ref, 'wait'), current: sorted(col(cur, 'wait').map((x) => x * 1.6)) },
      { name: 'reply_min', reference: col(ref, 'reply'), current: sorted(col(cur, 'reply').map((x) => x * 0.7)) },
    ])).toEqual([]);
  });
});

describe('swappedValues', () => {
  it('reads a flag whose shares are the reference\'s swapped as inverted', () => {
    expect(swappedValues(new Map([['true', 660], ['false', 2340]]), new Map([['true', 2310], ['false', 690]]))).toBe('true ↔ false');
  });
  it('does not read a segment that grew as an inversion', () => {
    expect(swappedValues(new Map([['true', 660], ['false', 2340]]), new Map([['true', 1200], ['false', 1800]]))).toBeUndefined();
  });
  it('reads four codes whose shares moved onto one another as a refitted label encoding', () => {
    // banner 0, interstitial 1, native 2, video 3 at training; refitted by frequency: banner 0, native 1, video 2, interstitial 3.
    const reference = new Map([['0', 4200], ['1', 900], ['2', 3100], ['3', 1800]]);
    const current = new Map([['0', 4150], ['1', 3140], ['2', 1790], ['3', 920]]);
    expect(swappedValues(reference, current)).toBe('2 → 1, 3 → 2, 1 → 3');
  });
  it('does not read a mix change among several values as a re-encoding, nor shares that barely moved', () => {
    const reference = new Map([['0', 4200], ['1', 900], ['2', 3100], ['3', 1800]]);
    expect(swappedValues(reference, new Map([['0', 3000], ['1', 1500], ['2', 3700], ['3', 1800]]))).toBeUndefined();
    expect(swappedValues(reference, new Map([['0', 4180], ['1', 930], ['2', 3050], ['3', 1840]]))).toBeUndefined();
    // A new value is not the same population re-encoded.
    expect(swappedValues(reference, new Map([['0', 4150], ['1', 3140], ['2', 1790], ['3', 820], ['4', 100]]))).toBeUndefined();
  });
});

describe('truncatedCategories', () => {
  it('finds codes cut to a fixed length, two of them merged into one', () => {
    expect(truncatedCategories(['GEN_TEMP_HI', 'GEN_TEMP_LO', 'PITCH_FAULT'], ['GEN_TE', 'PITCH_'])).toEqual({
      length: 6,
      pairs: [
        { from: 'GEN_TEMP_HI', to: 'GEN_TE' },
        { from: 'GEN_TEMP_LO', to: 'GEN_TE' },
        { from: 'PITCH_FAULT', to: 'PITCH_' },
      ],
    });
  });
  it('does not call new values of another length, or new codes besides the cut ones, a truncation', () => {
    expect(truncatedCategories(['GEN_TEMP_HI'], ['GEN_TE', 'YAW'])).toBeUndefined();
    expect(truncatedCategories(['GEN_TEMP_HI'], ['GEN_TE', 'BRAKE_'])).toBeUndefined();
    expect(truncatedCategories(['paypal'], ['klarna'])).toBeUndefined();
  });
});

describe('numbersAsText', () => {
  it('reads a decimal comma from one producer among plain numbers', () => {
    const counts = new Map([['10.42', 300], ['7.1', 300], ['4,16', 200], ['15,2', 150]]);
    expect(numbersAsText(counts)).toMatchObject({ kind: 'decimal-comma', numericShare: 1, examples: ['4,16', '15,2'] });
    expect(numbersAsText(counts)?.share).toBeCloseTo(350 / 950, 6);
  });
  it('leaves real text categories alone', () => {
    expect(numbersAsText(new Map([['paris', 10], ['rome', 5], ['1,5', 1]]))).toBeUndefined();
    expect(numbersAsText(new Map([['10.1', 100], ['11.2', 100]]))).toBeUndefined();
  });
});

describe('recodedCategories', () => {
  it('pairs names with codes by share, and a renamed spelling (alpha-2 → alpha-3) by the letters it keeps', () => {
    const codes = recodedCategories(new Map([['card', 620], ['wallet', 250], ['bank', 130]]), new Map([['0', 615], ['1', 255], ['2', 130]]));
    expect(codes?.pairs.map((p) => `${p.from}→${p.to}`)).toEqual(['card→0', 'wallet→1', 'bank→2']);
    // ES and IT hold nearly the same share: ranks alone would cross them.
    const alpha = recodedCategories(new Map([['ES', 300], ['IT', 290], ['FR', 250], ['PT', 160]]), new Map([['ITA', 302], ['ESP', 288], ['FRA', 248], ['PRT', 162]]));
    expect(alpha?.pairs.map((p) => `${p.from}→${p.to}`)).toEqual(['ES→ESP', 'IT→ITA', 'FR→FRA', 'PT→PRT']);
  });
});
