import { describe, expect, it } from 'vitest';
import { automaticTest, chooseTest } from '../../src/drift/test-choice.ts';

describe('automaticTest (Evidently’s table)', () => {
  it.each([
    ['numeric', 1000, 50, 'ks'],
    ['numeric', 1001, 50, 'wasserstein'],
    ['categorical', 1000, 3, 'chi2'],
    ['categorical', 1000, 5, 'chi2'],
    ['categorical', 1000, 2, 'z'],
    ['categorical', 10, 1, 'z'],
    ['categorical', 1001, 2, 'jensenshannon'],
    ['categorical', 50_000, 40, 'jensenshannon'],
  ] as const)('%s with %i reference values and %i distinct values → %s', (kind, n, distinct, expected) => {
    expect(automaticTest(kind, n, distinct)).toBe(expected);
  });
});

describe('chooseTest with --test', () => {
  it('uses the forced method where it applies', () => {
    expect(chooseTest('numeric', 50_000, 6, 'ks')).toEqual({ test: 'ks', reason: '--test ks' });
    expect(chooseTest('categorical', 200, 4, 'psi').test).toBe('psi');
    expect(chooseTest('numeric', 200, 40, 'jensenshannon').test).toBe('jensenshannon');
  });

  it('keeps the automatic choice, and says so, where the forced method cannot run', () => {
    expect(chooseTest('categorical', 200, 4, 'ks')).toEqual({ test: 'chi2', reason: '--test ks does not apply (ks needs a numeric feature); automatic choice kept' });
    expect(chooseTest('numeric', 5000, 40, 'chi2').test).toBe('wasserstein');
    expect(chooseTest('categorical', 200, 3, 'z')).toEqual({ test: 'chi2', reason: '--test z does not apply (z needs a binary feature (at most 2 values)); automatic choice kept' });
  });
});
