import { describe, expect, it } from 'vitest';
import { compareDatasets } from '../../src/drift/compare-datasets.ts';
import { driftReport } from '../../src/drift/drift-report.ts';
import { relationshipChanges } from '../../src/drift/relationship-change.ts';
import { withDiagnosis } from '../../src/diagnosis/diagnose.ts';
import { emptyResult } from '../../src/report/model.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { dataset } from './support.ts';

const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** Credit applications: income drives debt and the bureau score, as in real books. */
function applications(n: number, seed: number, change: { score?: 'resourced' | 'shifted'; incomeShift?: number } = {}) {
  const r = seededRandom(seed);
  const rows = Array.from({ length: n }, () => {
    const income = 50 + 12 * normal(r) + (change.incomeShift ?? 0);
    const debt = 0.6 * income + 8 * normal(r);
    const own = 690 + 2.5 * (income - 50) + 40 * normal(r);
    // Another vendor's score: the same scale, 25 points higher, unrelated to this applicant's income.
    const score = change.score === 'resourced' ? 715 + 50 * normal(r) : change.score === 'shifted' ? own + 25 : own;
    return { income, debt, score, age: 38 + 11 * normal(r) };
  });
  return dataset('applications.csv', { income: rows.map((x) => x.income), debt: rows.map((x) => x.debt), score: rows.map((x) => x.score), age: rows.map((x) => x.age) });
}

async function diagnose(current: ReturnType<typeof applications>) {
  const ref = applications(3000, 11);
  const comparison = await compareDatasets(ref, current, { correction: 'fdr' });
  return withDiagnosis({ ...emptyResult('drift', 'drift'), ...driftReport(comparison, ref, current) });
}

describe('relationship changes', () => {
  it('names a score that now comes from another source: its correlation with income is gone', async () => {
    const changes = relationshipChanges(applications(3000, 11), applications(3000, 12, { score: 'resourced' }), ['income', 'debt', 'score', 'age']);
    expect(changes.map((c) => c.feature)).toEqual(['score']);
    expect(changes[0]!.referenceR).toBeGreaterThan(0.5);
    expect(Math.abs(changes[0]!.currentR)).toBeLessThan(0.1);
    const r = await diagnose(applications(3000, 12, { score: 'resourced' }));
    expect(r.hypotheses[0]?.cause).toBe('feature-pipeline-change');
    expect(r.hypotheses[0]?.evidence.join(' ')).toMatch(/score: its correlation with income went 0\.\d+ → -?0\.0\d/);
  });
  it('keeps a shifted score or a shifted population a shift: the relations hold', async () => {
    expect(relationshipChanges(applications(3000, 11), applications(3000, 13, { score: 'shifted' }), ['income', 'debt', 'score', 'age'])).toEqual([]);
    expect(relationshipChanges(applications(3000, 11), applications(3000, 14, { incomeShift: 8 }), ['income', 'debt', 'score', 'age'])).toEqual([]);
    const r = await diagnose(applications(3000, 13, { score: 'shifted' }));
    expect(r.hypotheses[0]?.cause).toBe('feature-location-shift');
  });
});
