// chiSquareHomogeneity against scipy.stats.chi2_contingency (scipy 1.17, default correction=True):
// the numbers below were printed by python3 for these tables and are committed, not recomputed.
import { describe, expect, it } from 'vitest';
import { chiSquareHomogeneity, chiSquareTest } from '../../src/stats/chi-square.ts';
import { seededRandom } from '../support/seeded-random.ts';

const counts = (values: number[]) => new Map(values.map((c, i) => [`c${i}`, c] as const));

describe('chiSquareHomogeneity against scipy.stats.chi2_contingency', () => {
  it.each([
    ['three categories, shares moved', [50, 30, 20], [40, 35, 25], 2.051282051282051, 0.3585665413731905, 2],
    ['unseen category in current', [100, 100, 100, 0], [95, 95, 95, 15], 15.384615384615383, 0.0015157927818156575, 3],
    ['binary (Yates)', [60, 40], [48, 52], 2.4355877616747184, 0.11860942993514277, 1],
    ['tiny binary difference (Yates floors at 0)', [50, 50], [50, 51], 0, 1, 1],
    ['five categories, 400 each', [140, 100, 80, 48, 32], [132, 104, 85, 50, 29], 0.6535979518483996, 0.9569255175373541, 4],
  ] as const)('%s', (_name, ref, cur, statistic, pValue, dof) => {
    const r = chiSquareHomogeneity(counts([...ref]), counts([...cur]));
    expect(r.statistic).toBeCloseTo(statistic, 12);
    expect(r.pValue).toBeCloseTo(pValue, 12);
    expect(r.dof).toBe(dof);
  });

  it('keeps about 5 % false alarms on unchanged features where goodness of fit raises far more', () => {
    const random = seededRandom(7);
    const shares = [0.35, 0.25, 0.2, 0.12, 0.08];
    const draw = (n: number) => {
      const c = [0, 0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        let u = random();
        let k = 0;
        while (k < 4 && (u -= shares[k]!) >= 0) k++;
        c[k]!++;
      }
      return counts(c);
    };
    let homogeneity = 0;
    let goodnessOfFit = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const [a, b] = [draw(400), draw(400)];
      if (chiSquareHomogeneity(a, b).pValue < 0.05) homogeneity++;
      if (chiSquareTest(a, b).pValue < 0.05) goodnessOfFit++;
    }
    expect(homogeneity / trials).toBeLessThan(0.08);
    expect(goodnessOfFit / trials).toBeGreaterThan(0.2);
  });
});
