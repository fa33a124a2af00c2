import fc from 'fast-check';
import { mean, sampleKurtosis, sampleSkewness, standardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { moments } from '../../src/stats/moments.ts';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('moments in one pass', () => {
  it('match simple-statistics mean, standardDeviation, sampleSkewness and sampleKurtosis', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }).map((x) => x / 100), { minLength: 4, maxLength: 200 }), (xs) => {
        fc.pre(new Set(xs).size > 1);
        const m = moments(Float64Array.from(xs));
        expect(m.mean).toBe(mean(xs));
        expect(close(m.sd, standardDeviation(xs))).toBe(true);
        expect(close(m.skewness, sampleSkewness(xs))).toBe(true);
        expect(close(m.kurtosis, sampleKurtosis(xs))).toBe(true);
      }),
    );
  });

  it('says NaN where a moment needs more values than there are', () => {
    expect(moments(new Float64Array(0)).mean).toBeNaN();
    const two = moments(Float64Array.from([1, 3]));
    expect([two.mean, two.sd]).toEqual([2, 1]);
    expect(two.skewness).toBeNaN();
    expect(two.kurtosis).toBeNaN();
  });
});
