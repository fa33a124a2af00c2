import { describe, expect, it } from 'vitest';
import { compareDatasets } from '../../src/drift/compare-datasets.ts';
import { rankHypotheses } from '../../src/drift/hypotheses.ts';
import { dataset, normal } from './support.ts';

const n = 300;
const titles = async (ref: ReturnType<typeof dataset>, cur: ReturnType<typeof dataset>) => rankHypotheses(await compareDatasets(ref, cur)).map((h) => `${h.likelihood}: ${h.title}`);

describe('rankHypotheses', () => {
  it('one feature drifted among stable ones → that feature’s pipeline first', async () => {
    const ref = dataset('r', { a: normal(n, 0, 1, 1), b: normal(n, 0, 1, 2), c: normal(n, 0, 1, 3), d: normal(n, 0, 1, 4) });
    const cur = dataset('c', { a: normal(n, 0, 1, 5), b: normal(n, 5, 1, 6), c: normal(n, 0, 1, 7), d: normal(n, 0, 1, 8) });
    const t = await titles(ref, cur);
    expect(t[0]).toBe('high: Pipeline change in one feature: b');
    expect(t.some((x) => x.includes('Seasonality'))).toBe(false);
  });

  it('every feature shifted by a similar amount → seasonality / traffic mix ranked above an upstream break', async () => {
    const ref = dataset('r', { a: normal(n, 0, 1, 1), b: normal(n, 0, 1, 2), c: normal(n, 0, 1, 3) });
    const cur = dataset('c', { a: normal(n, 0.6, 1, 4), b: normal(n, 0.6, 1, 5), c: normal(n, 0.6, 1, 6) });
    const t = await titles(ref, cur);
    expect(t[0]).toMatch(/^high: Seasonality or a change in traffic mix/);
    expect(t[1]).toMatch(/^medium: Upstream data change affecting many features/);
  });

  it('most features shifted by very different amounts → upstream change first', async () => {
    const ref = dataset('r', { a: normal(n, 0, 1, 1), b: normal(n, 0, 1, 2), c: normal(n, 0, 1, 3) });
    const cur = dataset('c', { a: normal(n, 0.4, 1, 4), b: normal(n, 3, 1, 5), c: normal(n, 12, 1, 6) });
    expect((await titles(ref, cur))[0]).toMatch(/^high: Upstream data change affecting many features/);
  });

  it('a jump in missing values → broken feature pipeline first, with the shares as evidence', async () => {
    const values = normal(n, 0, 1, 1);
    const ref = dataset('r', { a: values, b: normal(n, 0, 1, 2) });
    const cur = dataset('c', { a: values.map((v, i) => (i % 4 === 0 ? null : v)), b: normal(n, 0, 1, 3) });
    const [top] = rankHypotheses(await compareDatasets(ref, cur));
    expect(top?.title).toBe('Broken feature pipeline: missing values appeared in a');
    expect(top?.evidence).toEqual(['a: missing share 0% in the reference, 25% now']);
  });

  it('a category never seen before → schema or upstream value change', async () => {
    const ref = dataset('r', { city: Array.from({ length: n }, (_, i) => ['paris', 'rome', 'oslo'][i % 3]!) });
    const cur = dataset('c', { city: Array.from({ length: n }, (_, i) => ['paris', 'rome', 'oslo', 'lima'][i % 4]!) });
    const h = rankHypotheses(await compareDatasets(ref, cur));
    const schema = h.find((x) => x.title.startsWith('Schema or upstream value change'));
    expect(schema?.evidence).toContain('city: values never seen in the reference: "lima"');
  });

  it('nothing moved → look outside the inputs', async () => {
    const ref = dataset('r', { a: normal(n, 0, 1, 1) });
    const cur = dataset('c', { a: normal(n, 0, 1, 2) });
    expect(await titles(ref, cur)).toEqual(['high: The inputs did not move: look outside the feature distributions']);
  });
});
