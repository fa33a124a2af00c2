import { describe, expect, it } from 'vitest';
import { binCategorical, binNumeric, fillZeroShares } from '../../src/stats/binning.ts';
import { jensenShannonDistance } from '../../src/stats/jensen-shannon.ts';
import { populationStabilityIndex } from '../../src/stats/psi.ts';
import { closeTo, counts, reference } from './reference.ts';

describe('binning, Jensen–Shannon and PSI against Evidently (numpy sturges bins, scipy jensenshannon)', () => {
  it.each(reference.binning.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const binned = c.numeric
      ? binNumeric(Float64Array.from(c.reference as number[]), Float64Array.from(c.current as number[]))
      : binCategorical(counts(c.referenceCounts as Record<string, number>), counts(c.currentCounts as Record<string, number>));
    if (c.edges === null) {
      expect(binned.edges).toBeUndefined();
      expect(binned.labels.map((l) => (c.numeric ? Number(l) : l))).toEqual(c.labels?.map((l) => (c.numeric ? Number(l) : l)));
    } else {
      expect(binned.edges).toHaveLength(c.edges.length);
      c.edges.forEach((e, i) => expect(closeTo(binned.edges?.[i] as number, e, 1e-12)).toBe(true));
      expect(binned.labels).toHaveLength(c.edges.length - 1);
    }
    expect(Array.from(binned.referenceShares)).toHaveLength(c.referenceShares.length);
    c.referenceShares.forEach((s, i) => expect(closeTo(binned.referenceShares[i] as number, s, 1e-12)).toBe(true));
    c.currentShares.forEach((s, i) => expect(closeTo(binned.currentShares[i] as number, s, 1e-12)).toBe(true));

    const js = jensenShannonDistance(binned.referenceShares, binned.currentShares);
    const psi = populationStabilityIndex(binned.referenceShares, binned.currentShares);
    expect(closeTo(js, c.jensenShannon), `JS ${js} vs ${c.jensenShannon}`).toBe(true);
    expect(closeTo(psi, c.psi), `PSI ${psi} vs ${c.psi}`).toBe(true);
  });

  it('fills empty bins the way Evidently does', () => {
    expect(Array.from(fillZeroShares(Float64Array.from([0, 0.5, 0.5])))).toEqual([0.0001, 0.5, 0.5]);
    const tiny = fillZeroShares(Float64Array.from([0, 0.00005, 0.99995]));
    expect(tiny[0]).toBeCloseTo(0.00005 / 1e6, 20);
  });
});
