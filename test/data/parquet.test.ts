// The Parquet fixtures are written by test/fixtures/drift/make-parquet.py (a minimal writer:
// pyarrow is not installed here); the numbers asserted are the ones that script put in.
import { describe, expect, it } from 'vitest';
import { asyncBufferFromFile } from 'hyparquet';
import { readParquet } from '../../src/data/parquet.ts';

const fixture = 'test/fixtures/drift/reference.parquet';

describe('readParquet', () => {
  it('reads DOUBLE, INT64 and UTF8 columns, nulls counted as missing', async () => {
    const ds = await readParquet(await asyncBufferFromFile(fixture), { source: fixture });
    expect(ds.format).toBe('parquet');
    expect(ds.rows).toBe(300);
    expect(ds.columnNames).toEqual(['age', 'city', 'income', 'clicks']);
    const age = ds.columns.get('age');
    expect(age?.kind === 'numeric' && age.values.length).toBe(300);
    expect(age?.kind === 'numeric' && age.values[0]).toBe(37.441);
    const income = ds.columns.get('income');
    expect(income?.kind).toBe('numeric');
    expect(income?.missing).toBe(6); // every 50th row is null
    const clicks = ds.columns.get('clicks');
    expect(clicks?.kind === 'numeric' && clicks.values.every((v) => Number.isInteger(v) && v >= 0 && v <= 40)).toBe(true);
    const city = ds.columns.get('city');
    expect(city?.kind === 'categorical' && [...city.counts.keys()].sort()).toEqual(['berlin', 'paris', 'rome']);
    expect(city?.kind === 'categorical' && [...city.counts.values()].reduce((a, b) => a + b)).toBe(300);
  });

  it('decodes only the selected columns', async () => {
    const ds = await readParquet(await asyncBufferFromFile(fixture), { source: fixture, columns: new Set(['city']) });
    expect([...ds.columns.keys()]).toEqual(['city']);
  });

  it('rejects bytes that are not Parquet with a message naming the source', async () => {
    const bytes = new TextEncoder().encode('a,b\n1,2\n').buffer;
    await expect(readParquet(bytes, { source: 'x.parquet' })).rejects.toThrow(/^x\.parquet: not a readable Parquet file/);
  });
});
