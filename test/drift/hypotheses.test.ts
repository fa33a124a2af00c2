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

  it('a feature rescaled by a familiar factor → unit change, with the factor named', async () => {
    const seconds = normal(n, 0.2, 0.05, 1);
    const ref = dataset('r', { latency: seconds, b: normal(n, 0, 1, 2) });
    const cur = dataset('c', { latency: normal(n, 0.2, 0.05, 3).map((v) => v * 1000), b: normal(n, 0, 1, 4) });
    const [top] = rankHypotheses(await compareDatasets(ref, cur));
    expect(top?.title).toBe('Preprocessing or unit change in latency');
    expect(top?.evidence[0]).toMatch(/^latency: values are ×1000 \(seconds vs milliseconds, kilo- vs base unit\) the reference \(mean 0\.2\d+ → 20\d, sd 0\.0\d+ → \d+\.\d\)$/);
  });

  it('one side standardised and the other not → a scaler applied on one side', async () => {
    const raw = normal(n, 40, 10, 1);
    const mean = raw.reduce((a, b) => a + b) / n;
    const sd = Math.sqrt(raw.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    const ref = dataset('r', { age: raw });
    const cur = dataset('c', { age: normal(n, 40, 10, 2).map((v) => (v - mean) / sd) });
    const [top] = rankHypotheses(await compareDatasets(ref, cur));
    expect(top?.title).toBe('Preprocessing or unit change in age');
    expect(top?.evidence[0]).toMatch(/^age: the current values look standardised \(mean -?0\.0\d+, sd (0\.9[5-9]\d|1\.0\d)\) and the reference values do not \(mean 4\d\.\d, sd \d+\.?\d*\): a scaler applied on one side only, or twice$/);
  });

  it('nothing moved → look outside the inputs', async () => {
    const ref = dataset('r', { a: normal(n, 0, 1, 1) });
    const cur = dataset('c', { a: normal(n, 0, 1, 2) });
    expect(await titles(ref, cur)).toEqual(['high: The inputs did not move: look outside the feature distributions']);
  });
});
