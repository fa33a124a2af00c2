// The drift report as a user reads it, after the diagnosis engine ranked the shipped causes
// catalogue over the drift observations: each kind of change gets its own explanation naming the
// feature, specific explanations outrank the generic "pipeline change", and unchanged data lists
// nothing.
import { describe, expect, it } from 'vitest';
import { compareDatasets } from '../../src/drift/compare-datasets.ts';
import { driftReport } from '../../src/drift/drift-report.ts';
import { withDiagnosis } from '../../src/diagnosis/diagnose.ts';
import { emptyResult } from '../../src/report/model.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { dataset, normal, type Cells } from './support.ts';

const n = 600;
const cities = (seed: number, extra?: string): Cells => normal(n, 0, 1, seed).map((v, i) => (extra && i % 10 === 0 ? extra : v < -0.4 ? 'paris' : v < 0.4 ? 'rome' : 'oslo'));
const base = (seed: number) => ({
  a: normal(n, 50, 5, seed),
  b: normal(n, 10, 2, seed + 1),
  c: normal(n, 0.2, 0.05, seed + 2),
  d: normal(n, 300, 40, seed + 3),
  city: cities(seed + 4),
});

async function diagnose(reference: Record<string, Cells>, current: Record<string, Cells>) {
  const ref = dataset('reference.csv', reference);
  const cur = dataset('current.csv', current);
  const comparison = await compareDatasets(ref, cur, { correction: 'fdr' });
  return withDiagnosis({ ...emptyResult('drift', 'drift'), ...driftReport(comparison, ref, cur) });
}

describe('drift diagnosis', () => {
  it('a mean shift, a variance-only change and a new category each get their own explanation', async () => {
    const shifted = await diagnose(base(1), { ...base(10), a: normal(n, 58, 5, 99) });
    const wider = await diagnose(base(1), { ...base(10), a: normal(n, 50, 12, 99) });
    const newCity = await diagnose(base(1), { ...base(10), city: cities(14, 'lima') });
    const top = (r: Awaited<ReturnType<typeof diagnose>>) => r.hypotheses[0]!;

    expect(top(shifted)).toMatchObject({ cause: 'feature-location-shift', likelihood: 'high' });
    expect(top(shifted).title).toBe('Values of a shifted (the mean moved): a changed upstream computation, default or source');
    expect(top(shifted).evidence[0]).toMatch(/^a drifted \(location\): mean 50\.\d+ → 5[78](\.\d+)? \(\+1\.[4-7]\d reference sd\)/);

    expect(top(wider)).toMatchObject({ cause: 'feature-variance-change', likelihood: 'high' });
    expect(top(wider).title).toBe('The spread of a changed while its mean did not: noise, clipping or rounding changed');
    expect(top(wider).evidence[0]).toMatch(/sd \d\.\d+ → 1[12]\.\d+ \(×2\.\d+\)/);

    expect(top(newCity)).toMatchObject({ cause: 'unseen-category', likelihood: 'high' });
    expect(top(newCity).evidence).toEqual(['city: 1 value never seen in the reference: "lima" [drift]', 'city: 10% of current rows hold values never seen in the reference [drift]']);

    for (const r of [shifted, wider, newCity]) {
      const generic = r.hypotheses.find((h) => h.cause === 'feature-pipeline-change');
      // A weight-1 clue alone no longer lists a cause: the generic explanation is absent or low.
      expect(generic === undefined || generic.likelihood === 'low').toBe(true);
      expect(r.summary).toMatch(/^Most likely: /);
      expect(r.severity).toBe('warning');
    }
    expect(shifted.summary).toContain('1 of 5 features drifted: a (mean +1.');
    expect(wider.summary).toContain('1 of 5 features drifted: a (sd ×2.');
    expect(newCity.summary).toContain('1 of 5 features drifted: city (new value "lima")');
  });

  it('a unit change and an emptied column outrank the generic explanations, with the factor named', async () => {
    const r = await diagnose(base(1), { ...base(10), c: normal(n, 0.2, 0.05, 98).map((v) => v * 1000), d: Array<null>(n).fill(null) });
    expect(r.hypotheses.slice(0, 2).map((h) => h.cause).sort()).toEqual(['feature-pipeline-broken', 'feature-unit-change']);
    const unit = r.hypotheses.find((h) => h.cause === 'feature-unit-change')!;
    expect(unit.title).toBe('Unit or scale change upstream in c');
    expect(unit.evidence[0]).toMatch(/^c: current values ≈ reference ×1000 \(seconds → milliseconds/);
    expect(r.hypotheses.find((h) => h.cause === 'feature-pipeline-broken')!.title).toBe('Feature pipeline broken: d no longer produced (all missing or constant)');
    expect(r.severity).toBe('critical');
  });

  it('many features moving moderately together point at the population, and the single-feature causes show the evidence against', async () => {
    const cur = { a: normal(n, 52.5, 5, 41), b: normal(n, 10.9, 2, 42), c: normal(n, 0.22, 0.05, 43), d: normal(n, 318, 40, 44), city: cities(45) };
    const r = await diagnose(base(1), cur);
    expect(r.hypotheses[0]).toMatchObject({ cause: 'population-shift', likelihood: 'high' });
    expect(r.hypotheses[0]!.evidence[0]).toMatch(/^4 of 5 features drifted: /);
    const single = r.hypotheses.find((h) => h.cause === 'feature-location-shift')!;
    expect(single.against[0]).toMatch(/^several features moved at once, as a population change does: 4 of 5 features drifted/);
  });

  it('one feature moving alone speaks against a population change', async () => {
    const r = await diagnose(base(1), { ...base(10), b: normal(n, 12, 2, 97) });
    const population = r.hypotheses.find((h) => h.cause === 'population-shift');
    expect(population).toMatchObject({ likelihood: 'unlikely' });
    expect(population!.against).toEqual(['only one or two features moved: 1 of 5 features drifted: b [drift]']);
  });

  it('unchanged data lists no cause and stays ok', async () => {
    const r = await diagnose(base(1), base(10));
    expect(r.hypotheses).toEqual([]);
    expect(r.severity).toBe('ok');
    expect(r.summary).toBe('No drift in 5 features. No problem measured in the inputs.');
  });

  it('a large sample with tiny significant differences stays quiet, and says so', async () => {
    const big = 30_000;
    const ref = dataset('reference.csv', { x: normal(big, 0, 1, 51), y: normal(big, 5, 1, 52) });
    const cur = dataset('current.csv', { x: normal(big, 0.04, 1, 53), y: normal(big, 5, 1, 54) });
    const comparison = await compareDatasets(ref, cur, { test: 'ks' });
    expect(comparison.features.find((f) => f.name === 'x')).toMatchObject({ significant: true, drifted: false });
    const r = withDiagnosis({ ...emptyResult('drift', 'drift'), ...driftReport(comparison, ref, cur) });
    expect(r.hypotheses).toEqual([]);
    expect(r.severity).toBe('ok');
    expect(r.observations.find((o) => o.name === 'drift.features_significant_small')?.text).toMatch(/^x: significant but below the distance threshold/);
  });

  // Ids over a long tail: 1,500 Zipf-like values, so most appear a few times and many on one side only.
  const zipfIds = (rows: number, seed: number, from = 1): Cells => {
    const r = seededRandom(seed);
    return Array.from({ length: rows }, () => `id${Math.max(from, Math.min(1500, Math.floor(Math.exp(r() * Math.log(1500)))))}`);
  };

  it('two samples of one long-tailed id distribution are not drift, and nothing is said to have vanished', async () => {
    const rows = 2500;
    // Seeds far apart: neighbouring mulberry32 seeds give correlated streams.
    const r = await diagnose({ id: zipfIds(rows, 101) }, { id: zipfIds(rows, 202) });
    expect(r.observations.find((o) => o.name === 'drift.features_drifted')?.value).toBe(0);
    expect(r.observations.filter((o) => o.name === 'drift.vanished_categories')).toEqual([]);
    expect(r.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium')).toEqual([]);
  });

  it('still calls a long-tailed feature drifted when its head really moved', async () => {
    const rows = 2500;
    // The current traffic lost the 20 most popular ids: their rows go to the rest of the tail.
    const r = await diagnose({ id: zipfIds(rows, 101) }, { id: zipfIds(rows, 202, 21) });
    expect(r.observations.find((o) => o.name === 'drift.features_drifted')?.value).toBe(1);
    expect(r.hypotheses[0]?.cause).toBe('category-vanished');
  });

  it('names a categorical feature sent as integer codes a preprocessing mismatch, not new and vanished values', async () => {
    const names = cities(21);
    const codes = cities(22).map((c) => ['paris', 'rome', 'oslo'].indexOf(String(c)));
    const r = await diagnose({ ...base(1), city: names }, { ...base(10), city: codes });
    expect(r.observations.find((o) => o.name === 'drift.preprocessing_mismatch')?.text).toMatch(/city: every reference value is gone .*"rome" → "1"/);
    expect(r.hypotheses[0]?.cause).toBe('training-serving-skew');
    const unseen = r.hypotheses.find((h) => h.cause === 'unseen-category');
    expect(unseen?.likelihood ?? 'unlikely').not.toMatch(/high|medium/);
  });
});

