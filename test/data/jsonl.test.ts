import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../src/data/jsonl.ts';

async function* chunksOf(text: string, size = 1 << 20): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('readJsonLines', () => {
  it('reads objects into columns; absent keys, null and missing tokens count as missing', async () => {
    const text = ['{"age": 31, "city": "paris", "vip": true}', '{"age": null, "city": "berlin"}', '', '{"age": "45", "city": "NA", "vip": false, "extra": 1}'].join('\n');
    const ds = await readJsonLines(chunksOf(text, 7), { source: 'rows.jsonl' });
    expect(ds.rows).toBe(3);
    expect(ds.columnNames).toEqual(['age', 'city', 'vip', 'extra']);
    const age = ds.columns.get('age');
    expect(age?.kind === 'numeric' && [...age.values]).toEqual([31, 45]);
    expect(age?.missing).toBe(1);
    const city = ds.columns.get('city');
    expect(city?.kind === 'categorical' && Object.fromEntries(city.counts)).toEqual({ paris: 1, berlin: 1 });
    expect(city?.missing).toBe(1);
    const vip = ds.columns.get('vip');
    expect(vip?.kind === 'categorical' && Object.fromEntries(vip.counts)).toEqual({ true: 1, false: 1 });
    expect(vip?.missing).toBe(1);
    expect(ds.columns.get('extra')?.missing).toBe(2);
  });

  it('skips lines that are not JSON objects and reports the first one', async () => {
    const good = Array.from({ length: 300 }, (_, i) => JSON.stringify({ x: i }));
    good.splice(2, 0, '{"x": 1,', '[1, 2]');
    const ds = await readJsonLines(chunksOf(good.join('\n')), { source: 'rows.jsonl' });
    expect(ds.rows).toBe(300);
    expect(ds.malformed.rows).toBe(2);
    expect(ds.malformed.firstLine).toBe(3);
    expect(ds.malformed.reason).toMatch(/^invalid JSON/);
  });

  it('rejects a file of mostly invalid lines and an empty file', async () => {
    await expect(readJsonLines(chunksOf('a,b\n1,2\n'.repeat(20)), { source: 'rows.jsonl' })).rejects.toThrow(/^rows\.jsonl: 40 of 40 rows are malformed \(first at line 1: invalid JSON/);
    await expect(readJsonLines(chunksOf('\n\n'), { source: 'rows.jsonl' })).rejects.toThrow('rows.jsonl: the file is empty (no JSON rows)');
  });
});
