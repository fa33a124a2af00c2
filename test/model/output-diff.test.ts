// Output comparison: the numbers a person reads in a golden or A/B table, on small arrays whose
// answers are worked out by hand.
import { describe, expect, it } from 'vitest';
import { diffOutputs } from '../../src/model/output-diff.ts';

describe('diffOutputs', () => {
  it('is zero and fully agreeing for identical outputs', () => {
    const x = [0.1, 0.7, 0.2, 0.5, 0.3, 0.2];
    expect(diffOutputs(x, x, 3)).toMatchObject({ maxAbsDiff: 0, meanRelDiff: 0, cosine: 1, argmaxAgreement: 1, outOfTolerance: 0, nonFiniteMismatches: 0, worst: null });
  });

  it('measures the largest difference, its place, the relative difference and the argmax per row', () => {
    // row 0 picks class 1 on both sides; row 1 picks class 0 in expected and class 2 in actual.
    const expected = [0.1, 0.7, 0.2, 0.5, 0.3, 0.2];
    const actual = [0.1, 0.7, 0.2, 0.3, 0.1, 0.6];
    const d = diffOutputs(actual, expected, 3, { atol: 1e-6, rtol: 0 });
    expect(d.maxAbsDiff).toBeCloseTo(0.4, 12);
    expect(d.worst).toEqual({ index: 5, actual: 0.6, expected: 0.2 });
    expect(d.argmaxAgreement).toBe(0.5);
    expect(d.outOfTolerance).toBe(3);
    // mean of |diff|/|expected| = (0.2/0.5 + 0.2/0.3 + 0.4/0.2) / 6
    expect(d.meanRelDiff).toBeCloseTo((0.4 + 2 / 3 + 2) / 6, 12);
    expect(d.cosine!).toBeLessThan(1);
  });

  it('applies atol + rtol·|expected| as numpy.allclose does', () => {
    expect(diffOutputs([100.05], [100], 1, { atol: 0, rtol: 1e-3 }).outOfTolerance).toBe(0);
    expect(diffOutputs([100.2], [100], 1, { atol: 0, rtol: 1e-3 }).outOfTolerance).toBe(1);
    expect(diffOutputs([0.00005], [0], 1, { atol: 1e-4, rtol: 0 }).outOfTolerance).toBe(0);
  });

  it('counts NaN on one side as a mismatch, NaN on both as equal, and keeps finite differences readable', () => {
    const d = diffOutputs([Number.NaN, 1, Number.NaN], [0.5, 1, Number.NaN], 1);
    expect(d).toMatchObject({ nonFiniteMismatches: 1, outOfTolerance: 1, maxAbsDiff: 0, argmaxAgreement: null });
    expect(d.worst?.index).toBe(0);
  });

  it('has no argmax for outputs without a class axis and no cosine against all zeros', () => {
    expect(diffOutputs([1, 2], [0, 0], 1).cosine).toBeNull();
    expect(diffOutputs([1, 2], [1, 2], 1).argmaxAgreement).toBeNull();
  });
});
