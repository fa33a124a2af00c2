import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, zTest } from '../../src/stats/z-test.ts';
import { closeTo, counts, reference } from './reference.ts';

describe('zTest against Evidently’s two-proportion Z-test (p from scipy.stats.norm)', () => {
  it.each(reference.zTest.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = zTest(counts(c.reference), counts(c.current));
    expect(closeTo(result.statistic, c.statistic), `${result.statistic} vs ${c.statistic}`).toBe(true);
    expect(closeTo(result.pValue, c.pValue), `${result.pValue} vs ${c.pValue}`).toBe(true);
  });

  it('swapping reference and current flips the sign of z and keeps p', () => {
    const count = fc.integer({ min: 1, max: 100000 });
    fc.assert(
      fc.property(count, count, count, count, (a0, a1, b0, b1) => {
        const ref = new Map([['no', a0], ['yes', a1]]);
        const cur = new Map([['no', b0], ['yes', b1]]);
        const forward = zTest(ref, cur);
        const backward = zTest(cur, ref);
        expect(closeTo(backward.statistic, -forward.statistic, 1e-12)).toBe(true);
        expect(closeTo(backward.pValue, forward.pValue, 1e-12)).toBe(true);
        expect(forward.pValue).toBeGreaterThanOrEqual(0);
        expect(forward.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('normalCdf against scipy.stats.norm.cdf', () => {
  it.each(reference.normalCdf.map((c) => [c.x, c] as const))('x=%d', (_x, c) => {
    const cdf = normalCdf(c.x);
    expect(closeTo(cdf, c.cdf, 1e-12), `${cdf} vs ${c.cdf}`).toBe(true);
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(1e-15);
      }),
    );
  });
});
