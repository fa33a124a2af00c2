import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normedWasserstein, wassersteinDistance } from '../../src/stats/wasserstein.ts';
import { closeTo, reference, samples } from './reference.ts';

describe('Wasserstein distance against scipy.stats.wasserstein_distance', () => {
  it.each(reference.wasserstein.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [a, b] = samples(c);
    const distance = wassersteinDistance(a, b);
    const normed = normedWasserstein(a, b);
    expect(closeTo(distance, c.distance), `${distance} vs ${c.distance}`).toBe(true);
    expect(closeTo(normed, c.normed), `normed ${normed} vs ${c.normed}`).toBe(true);
  });
});

describe('Wasserstein properties', () => {
  const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 80 });

  it('is non-negative, symmetric and zero for the same sample', () => {
    fc.assert(
      fc.property(sample, sample, (xs, ys) => {
        const a = Float64Array.from(xs);
        const b = Float64Array.from(ys);
        const ab = wassersteinDistance(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(closeTo(wassersteinDistance(b, a), ab, 1e-9) || Math.abs(wassersteinDistance(b, a) - ab) < 1e-9).toBe(true);
        expect(wassersteinDistance(a, a.slice().reverse())).toBe(0);
      }),
    );
  });

  it('equals the shift when a sample is translated', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 80 }), fc.integer({ min: -500, max: 500 }), (xs, shift) => {
        const a = Float64Array.from(xs);
        const b = a.map((x) => x + shift);
        expect(wassersteinDistance(a, b)).toBeCloseTo(Math.abs(shift), 9);
      }),
    );
  });
});

describe('Wasserstein on bad input', () => {
  it('refuses NaN instead of looping', () => {
    expect(() => wassersteinDistance(Float64Array.from([1, Number.NaN]), Float64Array.from([2]))).toThrow(/NaN/);
  });
});
