import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramQuantile } from '../../src/prometheus/histogram-quantile.ts';

// The worked example from the Prometheus documentation (cumulative counts).
const buckets = [
  { le: 0.05, count: 24054 },
  { le: 0.1, count: 33444 },
  { le: 0.2, count: 100392 },
  { le: 0.5, count: 129389 },
  { le: 1, count: 133988 },
  { le: Infinity, count: 144320 },
];

describe('histogramQuantile (PromQL histogram_quantile)', () => {
  it('interpolates linearly inside the bucket that holds the rank', () => {
    // p50: rank 72160 falls in (0.1, 0.2], which holds counts 33444..100392.
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1 + (0.2 - 0.1) * ((72160 - 33444) / (100392 - 33444)), 12);
    // p90: rank 129888 falls in (0.5, 1], counts 129389..133988.
    expect(histogramQuantile(0.9, buckets)).toBeCloseTo(0.5 + 0.5 * ((129888 - 129389) / (133988 - 129389)), 12);
  });

  it('starts the lowest bucket at 0 when its upper bound is positive', () => {
    // p1: rank 1443.2 in (0, 0.05], 24054 observations.
    expect(histogramQuantile(0.01, buckets)).toBeCloseTo(0.05 * (1443.2 / 24054), 12);
  });

  it('returns the upper bound of the lowest bucket when that bound is not positive', () => {
    const negative = [
      { le: -1, count: 10 },
      { le: 0, count: 15 },
      { le: Infinity, count: 20 },
    ];
    expect(histogramQuantile(0.2, negative)).toBe(-1);
    // In the second bucket the interpolation runs from -1 to 0: rank 12 → -1 + 1 * (2/5).
    expect(histogramQuantile(0.6, negative)).toBeCloseTo(-0.6, 12);
  });

  it('returns the highest finite bound when the rank lands in the +Inf bucket', () => {
    // p99: rank 142876.8 > 133988, the count at le=1.
    expect(histogramQuantile(0.99, buckets)).toBe(1);
  });

  it('is NaN without a +Inf bucket, with one bucket only, or with no observations', () => {
    expect(histogramQuantile(0.5, buckets.slice(0, -1))).toBeNaN();
    expect(histogramQuantile(0.5, [{ le: Infinity, count: 4 }])).toBeNaN();
    expect(histogramQuantile(0.5, buckets.map((b) => ({ ...b, count: 0 })))).toBeNaN();
  });

  it('gives -Inf below 0, +Inf above 1 and NaN for NaN', () => {
    expect(histogramQuantile(-0.1, buckets)).toBe(-Infinity);
    expect(histogramQuantile(1.1, buckets)).toBe(Infinity);
    expect(histogramQuantile(NaN, buckets)).toBeNaN();
  });

  it('does not depend on bucket order, merges equal bounds and repairs decreasing counts', () => {
    expect(histogramQuantile(0.5, [...buckets].reverse())).toBe(histogramQuantile(0.5, buckets));
    const split = [
      { le: 1, count: 2 },
      { le: 1, count: 2 },
      { le: 2, count: 8 },
      { le: Infinity, count: 8 },
    ];
    // Merged: le=1 → 4, le=2 → 8. p25: rank 2 in (0,1] → 0.5.
    expect(histogramQuantile(0.25, split)).toBeCloseTo(0.5, 12);
    const dented = [
      { le: 1, count: 4 },
      { le: 2, count: 3 },
      { le: 3, count: 8 },
      { le: Infinity, count: 8 },
    ];
    // le=2 is raised to 4, so p50 (rank 4) is at the top of (0,1].
    expect(histogramQuantile(0.5, dented)).toBe(1);
  });

  it('is monotonic in q and stays within the finite bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (perBucket, qa, qb) => {
        let running = 0;
        const cumulative = perBucket.map((n, i) => ({ le: i + 1, count: (running += n) }));
        cumulative.push({ le: Infinity, count: running + 1 });
        const [lo, hi] = qa <= qb ? [qa, qb] : [qb, qa];
        const a = histogramQuantile(lo, cumulative);
        const b = histogramQuantile(hi, cumulative);
        if (Number.isNaN(a) || Number.isNaN(b)) return;
        expect(a).toBeLessThanOrEqual(b + 1e-9);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(perBucket.length);
      }),
    );
  });
});
