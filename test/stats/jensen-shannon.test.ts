import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jensenShannonDistance } from '../../src/stats/jensen-shannon.ts';
import { populationStabilityIndex } from '../../src/stats/psi.ts';

// Bin counts of a sample: shares are count / total, as binning.ts produces them.
const shares = (length: number) =>
  fc
    .array(fc.nat({ max: 100000 }), { minLength: length, maxLength: length })
    .filter((xs) => xs.some((x) => x > 0))
    .map((xs) => {
      const total = xs.reduce((a, b) => a + b, 0);
      return xs.map((x) => x / total);
    });

describe('Jensen–Shannon distance and PSI properties', () => {
  it('JS lies in [0, √ln 2], is symmetric, and is 0 for identical distributions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(shares(n), shares(n))), ([ps, qs]) => {
        const p = Float64Array.from(ps);
        const q = Float64Array.from(qs);
        const js = jensenShannonDistance(p, q);
        expect(js).toBeGreaterThanOrEqual(0);
        expect(js).toBeLessThanOrEqual(Math.sqrt(Math.LN2) + 1e-12);
        expect(Math.abs(jensenShannonDistance(q, p) - js)).toBeLessThan(1e-12);
        expect(jensenShannonDistance(p, p)).toBe(0);
      }),
    );
  });

  it('JS reaches √ln 2 for disjoint supports', () => {
    expect(jensenShannonDistance(Float64Array.from([1, 0]), Float64Array.from([0, 1]))).toBeCloseTo(Math.sqrt(Math.LN2), 15);
  });

  it('PSI is non-negative and 0 for identical distributions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(shares(n), shares(n))), ([ps, qs]) => {
        const p = Float64Array.from(ps);
        const q = Float64Array.from(qs);
        expect(populationStabilityIndex(p, q)).toBeGreaterThanOrEqual(-1e-12);
        expect(populationStabilityIndex(p, p)).toBe(0);
      }),
    );
  });
});
