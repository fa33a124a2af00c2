import { describe, expect, it } from 'vitest';
import { describeCategoryChange } from '../../src/drift/category-change.ts';

const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('describeCategoryChange', () => {
  it('a new value in a few-valued feature is new beyond chance', () => {
    const c = describeCategoryChange(counts({ de: 400, fr: 300, es: 300 }), counts({ de: 370, fr: 280, es: 270, pl: 80 }));
    expect(c).toMatchObject({ unseen: ['pl'], newBeyondChance: true, chanceUnseenShare: 0, vanished: [] });
    expect(c.unseenShare).toBeCloseTo(0.08, 10);
  });

  it('one or two stray rows are not yet a new category', () => {
    expect(describeCategoryChange(counts({ a: 500, b: 500 }), counts({ a: 499, b: 499, c: 2 })).newBeyondChance).toBe(false);
  });

  it('a long tail leaves values unseen by chance (Good–Turing): not news', () => {
    // 200 values seen once in 1,000 reference rows: about 20 % of new rows hold values the reference lacks
    const tail = (prefix: string, k: number) => Object.fromEntries(Array.from({ length: k }, (_, i) => [`${prefix}${i}`, 1]));
    const reference = counts({ common: 800, ...tail('r', 200) });
    const current = counts({ common: 800, ...tail('c', 200) });
    const c = describeCategoryChange(reference, current);
    expect(c.chanceUnseenShare).toBeCloseTo(0.2, 10);
    expect(c.unseen).toHaveLength(200);
    expect(c.newBeyondChance).toBe(false);
  });

  it('a value common enough to expect ≥ 5 rows and absent now has vanished; a rare one has not', () => {
    const c = describeCategoryChange(counts({ a: 500, b: 400, c: 90, rare: 10 }), counts({ a: 55, b: 45 }));
    // expected current rows: c 9, rare 1
    expect(c.vanished).toEqual(['c']);
  });

  it('one value left: a known one (one segment) or a value the reference never had (a default)', () => {
    expect(describeCategoryChange(counts({ de: 350, fr: 250, es: 400 }), counts({ de: 600 })).single).toEqual({ value: 'de', inReference: true, referenceShare: 0.35 });
    expect(describeCategoryChange(counts({ de: 350, fr: 250, es: 400 }), counts({ unknown: 600 })).single).toMatchObject({ value: 'unknown', inReference: false });
    // a feature nearly constant in the reference too is not news
    expect(describeCategoryChange(counts({ yes: 990, no: 10 }), counts({ yes: 600 })).single).toBeUndefined();
  });
});
