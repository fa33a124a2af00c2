import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSf, chiSquareTest } from '../../src/stats/chi-square.ts';
import { closeTo, counts, reference, toNumber } from './reference.ts';

describe('chiSquareTest against Evidently’s chisquare via scipy.stats.chisquare', () => {
  it.each(reference.chiSquare.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = chiSquareTest(counts(c.reference), counts(c.current));
    expect(result.dof).toBe(c.dof);
    expect(closeTo(result.statistic, toNumber(c.statistic)), `${result.statistic} vs ${c.statistic}`).toBe(true);
    expect(closeTo(result.pValue, c.pValue), `${result.pValue} vs ${c.pValue}`).toBe(true);
  });

  it('names a category the reference never had instead of failing', () => {
    const c = reference.chiSquare.find((x) => x.name === 'unseen category in current');
    const result = chiSquareTest(counts(c!.reference), counts(c!.current));
    expect(result.unseenInReference).toEqual(['new']);
    expect(result.pValue).toBe(0);
  });

  it('gives p = 1 for a single shared category', () => {
    expect(chiSquareTest(new Map([['a', 5]]), new Map([['a', 9]]))).toEqual({ statistic: 0, pValue: 1, dof: 0, unseenInReference: [] });
  });
});

describe('chiSquareSf against scipy.stats.chi2.sf', () => {
  it.each(reference.chi2Sf.map((c) => [c.dof, c.x, c] as const))('dof=%i x=%d', (_dof, _x, c) => {
    const sf = chiSquareSf(c.x, c.dof);
    expect(closeTo(sf, c.sf, 1e-10), `${sf} vs ${c.sf}`).toBe(true);
  });

  it('stays in [0, 1] and decreases in x', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (dof, x, dx) => {
        const p = chiSquareSf(x, dof);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(chiSquareSf(x + dx, dof)).toBeLessThanOrEqual(p);
      }),
    );
  });
});
