import { describe, expect, it } from 'vitest';
import { compareDatasets } from '../../src/drift/compare-datasets.ts';
import { normedWasserstein } from '../../src/stats/wasserstein.ts';
import { dataset, normal, type Cells } from './support.ts';

/** 100 rows with `b` of them "b" and the rest "a". */
const binary = (b: number): Cells => Array.from({ length: 100 }, (_, i) => (i < b ? 'b' : 'a'));

describe('compareDatasets', () => {
  it('detects a shifted numeric feature, passes a stable one, and sorts drifted features first', async () => {
    const ref = dataset('ref.csv', { stable: normal(400, 0, 1, 1), shifted: normal(400, 0, 1, 2) });
    const cur = dataset('cur.csv', { stable: normal(400, 0, 1, 3), shifted: normal(400, 1, 1, 4) });
    const c = await compareDatasets(ref, cur);
    expect(c.features.map((f) => [f.name, f.test, f.drifted])).toEqual([
      ['shifted', 'ks', true],
      ['stable', 'ks', false],
    ]);
    expect(c.features[0]!.effectSize.measure).toBe('normed wasserstein');
    const column = (d: typeof ref) => { const col = d.columns.get('shifted'); return col?.kind === 'numeric' ? col.values : new Float64Array(); };
    expect(c.features[0]!.effectSize.value).toBe(normedWasserstein(column(ref), column(cur)));
    expect(c.features[0]!.effectSize.value).toBeGreaterThan(0.5);
    expect(c.driftedShare).toBe(0.5);
    expect(c.datasetDrift).toBe(true);
    expect((await compareDatasets(ref, cur, { driftShare: 0.6 })).datasetDrift).toBe(false);
  });

  // Z-test p-values for 50/100 "b" in the reference against 60…72/100 now: 0.155, 0.0455,
  // 0.0219, 0.0097, 0.0014 (Evidently's pooled two-proportion formula, computed with python).
  const ref = dataset('ref.csv', { f60: binary(50), f64: binary(50), f66: binary(50), f68: binary(50), f72: binary(50) });
  const cur = dataset('cur.csv', { f60: binary(60), f64: binary(64), f66: binary(66), f68: binary(68), f72: binary(72) });
  const driftedNames = (c: Awaited<ReturnType<typeof compareDatasets>>) => c.features.filter((f) => f.drifted).map((f) => f.name).sort();

  it('applies no correction by default, Bonferroni or Benjamini–Hochberg on request', async () => {
    const plain = await compareDatasets(ref, cur);
    expect(plain.features.every((f) => f.test === 'z')).toBe(true);
    expect(driftedNames(plain)).toEqual(['f64', 'f66', 'f68', 'f72']);
    const bonferroni = await compareDatasets(ref, cur, { correction: 'bonferroni' });
    expect(driftedNames(bonferroni)).toEqual(['f68', 'f72']);
    expect(bonferroni.features[0]!.threshold).toBeCloseTo(0.01, 12);
    expect(bonferroni.features[0]!.notes).toContain('Bonferroni over 5 tests: p must be below 0.0100');
    const fdr = await compareDatasets(ref, cur, { correction: 'fdr' });
    expect(driftedNames(fdr)).toEqual(['f66', 'f68', 'f72']);
    expect(fdr.features[0]!.threshold).toBeCloseTo(0.03, 12);
  });

  it('says when a forced test does not apply and keeps the automatic one', async () => {
    const c = await compareDatasets(ref, cur, { test: 'ks', features: ['f72'] });
    expect(c.features[0]!.test).toBe('z');
    expect(c.features[0]!.notes[0]).toContain('--test ks does not apply (ks needs a numeric feature); automatic choice kept');
  });

  it('does not count a significant but small shift in a large sample as drift, and says why', async () => {
    const big = dataset('ref.csv', { x: normal(20_000, 0, 1, 5) });
    const moved = dataset('cur.csv', { x: normal(20_000, 0.06, 1, 6) });
    const auto = await compareDatasets(big, moved);
    expect(auto.features[0]!.test).toBe('wasserstein');
    expect(auto.features[0]!.drifted).toBe(false);
    const ks = await compareDatasets(big, moved, { test: 'ks' });
    expect(ks.features[0]).toMatchObject({ significant: true, drifted: false });
    expect(ks.features[0]!.notes.join(' ')).toMatch(/significant \(p = .*\) but small \(normed wasserstein 0\.0\d+ < 0\.1\): with 20,000 values even tiny differences are significant; not counted as drift/);
    // a material shift at the same size still counts
    const far = await compareDatasets(big, dataset('cur.csv', { x: normal(20_000, 0.3, 1, 7) }), { test: 'ks' });
    expect(far.features[0]).toMatchObject({ significant: true, drifted: true });
  });

  it('reports progress per feature and stops when cancelled', async () => {
    const seen: string[] = [];
    await compareDatasets(ref, cur, { onFeature: (done, total, name) => void seen.push(`${done}/${total} ${name}`) });
    expect(seen).toEqual(['1/5 f60', '2/5 f64', '3/5 f66', '4/5 f68', '5/5 f72']);
    const controller = new AbortController();
    const pending = compareDatasets(ref, cur, { signal: controller.signal, onFeature: () => controller.abort(new Error('cancelled')) });
    await expect(pending).rejects.toThrow('cancelled');
  });
});
