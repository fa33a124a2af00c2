import { describe, expect, it } from 'vitest';
import { pairFeatures } from '../../src/drift/feature-pairs.ts';
import { InputError } from '../../src/core/errors.ts';
import { dataset, normal } from './support.ts';

describe('pairFeatures', () => {
  const ref = dataset('ref.csv', {
    age: normal(50, 40, 10, 1),
    rating: [1, 2, 3, 2, 1, 3, 3],
    flag: [0, 1, 1, 0, 1],
    city: ['a', 'b', 'c', 'a'],
    old: [1, 2, 3],
  });
  const cur = dataset('cur.csv', {
    age: normal(50, 40, 10, 2),
    rating: [1, 2, 3, 4, 5],
    flag: [1, 1, 0],
    city: ['a', 'b', 7],
    new: ['x'],
  });

  it('infers kinds: many numbers numeric, few numbers and text categorical', () => {
    const { pairs, onlyInReference, onlyInCurrent } = pairFeatures(ref, cur, undefined);
    const byName = Object.fromEntries(pairs.map((p) => [p.name, p]));
    expect(byName.age?.sample.kind).toBe('numeric');
    expect(byName.rating?.sample.kind).toBe('categorical');
    expect(byName.rating?.kindReason).toBe('numbers with only 5 distinct values');
    expect(byName.flag?.distinctValues).toBe(2);
    expect(byName.city?.sample.kind).toBe('categorical');
    expect(byName.city?.sample.kind === 'categorical' && Object.fromEntries(byName.city.sample.current)).toEqual({ a: 1, b: 1, '7': 1 });
    expect(onlyInReference).toEqual(['old']);
    expect(onlyInCurrent).toEqual(['new']);
  });

  it('applies --categorical and --numeric overrides', () => {
    const { pairs } = pairFeatures(ref, cur, ['age', 'rating'], { categorical: ['age'], numeric: ['rating'] });
    expect(pairs.map((p) => [p.name, p.sample.kind, p.kindReason])).toEqual([
      ['age', 'categorical', '--categorical'],
      ['rating', 'numeric', '--numeric'],
    ]);
  });

  it('refuses --numeric on a column holding text, naming the file and a value', () => {
    expect(() => pairFeatures(ref, cur, undefined, { numeric: ['city'] })).toThrow(new InputError('--numeric city: column "city" in ref.csv holds text such as "a"'));
  });

  it('reports a column with no values as skipped instead of failing the others', () => {
    const a = dataset('ref.csv', { x: [1, 2, 3, 4, 5, 6, 7], empty: ['p', 'q', null] });
    const b = dataset('cur.csv', { x: [2, 3, 4, 5, 6, 7, 8], empty: [null, null, null] });
    const { pairs, skipped } = pairFeatures(a, b, undefined);
    expect(pairs.map((p) => p.name)).toEqual(['x']);
    expect(skipped).toEqual([{ name: 'empty', cause: 'no values', reason: 'no values in cur.csv (all 3 rows missing)', referenceCount: 2, currentCount: 0, missing: { reference: 1, current: 3 } }]);
  });

  it('skips a text column whose every row is a different value (an identifier) unless it is asked for', () => {
    const ids = (from: number) => Array.from({ length: 60 }, (_, i) => `req-${from + i}`);
    const a = dataset('ref.csv', { id: ids(0), x: normal(60, 0, 1, 1) });
    const b = dataset('cur.csv', { id: ids(1000), x: normal(60, 0, 1, 2) });
    const auto = pairFeatures(a, b, undefined);
    expect(auto.pairs.map((p) => p.name)).toEqual(['x']);
    expect(auto.skipped).toEqual([expect.objectContaining({ name: 'id', cause: 'identifier', reason: 'looks like an identifier: 60 distinct values in 60 reference rows (name it in --features to test it anyway)' })]);
    expect(pairFeatures(a, b, ['id', 'x']).pairs.map((p) => p.name)).toEqual(['id', 'x']);
  });

  it('skips an auto-increment number (every value distinct, the current ones beyond the reference) but tests overlapping whole numbers', () => {
    const seq = (from: number) => Array.from({ length: 60 }, (_, i) => from + i * 3);
    const a = dataset('ref.csv', { ticket_id: seq(480_000), x: normal(60, 0, 1, 1) });
    const b = dataset('cur.csv', { ticket_id: seq(483_000), x: normal(60, 0, 1, 2) });
    const auto = pairFeatures(a, b, undefined);
    expect(auto.pairs.map((p) => p.name)).toEqual(['x']);
    expect(auto.skipped).toEqual([expect.objectContaining({ name: 'ticket_id', cause: 'identifier', reason: expect.stringContaining('the current 483000–483177 all beyond the reference') })]);
    expect(pairFeatures(a, b, ['ticket_id', 'x']).pairs.map((p) => p.name)).toEqual(['ticket_id', 'x']);
    // Whole numbers whose ranges overlap (a count, an amount in cents) are features, however distinct.
    const overlapping = pairFeatures(a, dataset('cur.csv', { ticket_id: seq(480_090), x: normal(60, 0, 1, 2) }), undefined);
    expect(overlapping.pairs.map((p) => p.name)).toEqual(['ticket_id', 'x']);
  });

  it('fails with one line when nothing can be compared', () => {
    expect(() => pairFeatures(dataset('a.csv', { x: [1] }), dataset('b.csv', { y: [1] }), undefined)).toThrow(
      new InputError('a.csv and b.csv have no column in common (reference: x; current: y)'),
    );
    expect(() => pairFeatures(ref, cur, ['age', 'nope'])).toThrow(new InputError('feature "nope" not found in ref.csv or cur.csv'));
    expect(() => pairFeatures(ref, dataset('cur.csv', { age: [] }), undefined)).toThrow(new InputError('cur.csv: no data rows (only a header)'));
  });
});
