import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kolmogorovSf } from '../../src/stats/kolmogorov-distribution.ts';
import { ks2samp, ks2sampSorted } from '../../src/stats/ks.ts';
import { smirnovSf } from '../../src/stats/smirnov-distribution.ts';
import { sortedCopy } from '../../src/stats/sort.ts';
import { closeTo, reference, samples } from './reference.ts';

describe('ks2samp against scipy.stats.ks_2samp', () => {
  it.each(reference.ks.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [a, b] = samples(c);
    const result = ks2samp(a, b, { alternative: c.alternative, method: c.method });
    expect(result.method).toBe(c.scipyMethod);
    expect(closeTo(result.statistic, c.statistic), `statistic ${result.statistic} vs scipy ${c.statistic}`).toBe(true);
    expect(closeTo(result.pValue, c.pValue), `p ${result.pValue} vs scipy ${c.pValue}`).toBe(true);
  });

  it('covers both methods, both one-sided alternatives and the exact-to-asymptotic fallback', () => {
    const methods = new Set(reference.ks.map((c) => `${c.method}->${c.scipyMethod}`));
    expect(methods).toEqual(new Set(['auto->exact', 'auto->asymp', 'asymp->asymp', 'exact->exact']));
    const fallbacks = reference.ks.filter((c) => c.method === 'auto' && c.scipyMethod === 'asymp' && Math.max(c.n1, c.n2) <= 10000);
    expect(fallbacks.length).toBeGreaterThan(0);
  });
});

describe('the finite-n Kolmogorov distribution against scipy.stats.kstwo.sf', () => {
  it.each(reference.kstwo.map((c) => [c.n, c.d, c] as const))('n=%i d=%d', (_n, _d, c) => {
    const sf = kolmogorovSf(c.n, c.d);
    expect(closeTo(sf, c.sf), `${sf} vs scipy ${c.sf}`).toBe(true);
  });

  it.each(reference.smirnov.map((c) => [c.n, c.d, c] as const))('smirnov n=%i d=%d', (_n, _d, c) => {
    const sf = smirnovSf(c.n, c.d);
    expect(closeTo(sf, c.sf), `${sf} vs scipy ${c.sf}`).toBe(true);
  });
});

describe('ks2samp properties', () => {
  const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 });
  // Few distinct values, so ties are common.
  const tiedSample = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 60 });

  it('identical samples give D = 0 and p = 1', () => {
    fc.assert(
      fc.property(sample, (xs) => {
        const a = Float64Array.from(xs);
        const result = ks2samp(a, a.slice().reverse());
        expect(result.statistic).toBe(0);
        expect(result.pValue).toBe(1);
      }),
    );
  });

  it('two-sided test is symmetric in its samples', () => {
    fc.assert(
      fc.property(fc.oneof(sample, tiedSample), fc.oneof(sample, tiedSample), (xs, ys) => {
        const ab = ks2samp(Float64Array.from(xs), Float64Array.from(ys));
        const ba = ks2samp(Float64Array.from(ys), Float64Array.from(xs));
        expect(ba.statistic).toBe(ab.statistic);
        expect(ba.pValue).toBe(ab.pValue);
      }),
    );
  });

  it('p-values lie in [0, 1] for every alternative and method', () => {
    const alternative = fc.constantFrom('two-sided' as const, 'less' as const, 'greater' as const);
    const method = fc.constantFrom('auto' as const, 'exact' as const, 'asymp' as const);
    fc.assert(
      fc.property(fc.oneof(sample, tiedSample), fc.oneof(sample, tiedSample), alternative, method, (xs, ys, alt, m) => {
        fc.pre(m !== 'asymp' || xs.length * ys.length > 1); // scipy: kstwo with n = round(0.5) = 0 is NaN
        const { statistic, pValue } = ks2samp(Float64Array.from(xs), Float64Array.from(ys), { alternative: alt, method: m });
        expect(statistic).toBeGreaterThanOrEqual(0);
        expect(statistic).toBeLessThanOrEqual(1);
        expect(pValue).toBeGreaterThanOrEqual(0);
        expect(pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('leaves its inputs unsorted and agrees with the pre-sorted entry point', () => {
    const a = Float64Array.from([3, 1, 2, 9, -4]);
    const b = Float64Array.from([0.5, 7, 7, -1]);
    const result = ks2samp(a, b);
    expect(Array.from(a)).toEqual([3, 1, 2, 9, -4]);
    expect(ks2sampSorted(sortedCopy(a), sortedCopy(b))).toEqual(result);
  });

  it('rejects an empty sample', () => {
    expect(() => ks2samp(new Float64Array(0), Float64Array.from([1]))).toThrow(RangeError);
  });
});

describe('sortedCopy', () => {
  it('sorts like a numeric comparison sort, negatives, zeros and infinities included', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 4096, maxLength: 6000 }), (xs) => {
        const values = Float64Array.from(xs);
        const expected = Float64Array.from(xs).sort();
        expect(sortedCopy(values)).toEqual(expected);
      }),
      { numRuns: 20 },
    );
  });
});

describe('ks2samp on bad input', () => {
  it('refuses NaN instead of looping', () => {
    expect(() => ks2samp(Float64Array.from([1, Number.NaN, 3]), Float64Array.from([2, 5]))).toThrow(/NaN/);
    expect(() => ks2samp(Float64Array.from([1, 2]), Float64Array.from([-Number.NaN, 5]))).toThrow(/NaN/);
  });
});
