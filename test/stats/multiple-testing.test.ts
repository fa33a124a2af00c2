import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, bonferroni } from '../../src/stats/multiple-testing.ts';
import { reference } from './reference.ts';

describe('multiple-testing corrections as alibi-detect applies them', () => {
  it.each(reference.multipleTesting.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const bonf = bonferroni(c.pValues, c.alpha);
    expect(bonf.threshold).toBeCloseTo(c.bonferroni.threshold, 15);
    expect(bonf.datasetDrift).toBe(c.bonferroni.datasetDrift);
    expect(bonf.drifted).toEqual(c.bonferroni.drifted);

    const bh = benjaminiHochberg(c.pValues, c.alpha);
    expect(bh.threshold).toBeCloseTo(c.benjaminiHochberg.threshold, 15);
    expect(bh.datasetDrift).toBe(c.benjaminiHochberg.datasetDrift);
    // Per-feature rejections agree with scipy.stats.false_discovery_control(p) <= alpha.
    expect(bh.drifted).toEqual(c.benjaminiHochberg.drifted);
  });

  it('Benjamini–Hochberg never flags fewer features than Bonferroni', () => {
    for (const c of reference.multipleTesting) {
      const flagged = (d: boolean[]) => d.filter(Boolean).length;
      expect(flagged(benjaminiHochberg(c.pValues).drifted)).toBeGreaterThanOrEqual(flagged(bonferroni(c.pValues).drifted));
    }
  });
});
