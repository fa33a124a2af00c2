import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDecimal, readCsv } from '../../src/data/csv.ts';
import type { Column } from '../../src/data/column.ts';
import { InputError } from '../../src/core/errors.ts';

async function* chunksOf(text: string | Buffer, size = 1 << 20): AsyncIterable<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const read = (text: string | Buffer, size?: number) => readCsv(chunksOf(text, size), { source: 'data.csv' });

function numbers(c: Column | undefined): number[] {
  if (c?.kind !== 'numeric') throw new Error(`expected a numeric column, got ${c?.kind}`);
  return [...c.values];
}
function counts(c: Column | undefined): Record<string, number> {
  if (c?.kind !== 'categorical') throw new Error(`expected a categorical column, got ${c?.kind}`);
  return Object.fromEntries(c.counts);
}

describe('readCsv', () => {
  it('reads numeric and categorical columns with their missing cells counted', async () => {
    const ds = await read('age,city,score\n31,paris,0.5\n,berlin,NA\n45,,1e-3\n52,"rome",nan\n');
    expect(ds.rows).toBe(4);
    expect(ds.columnNames).toEqual(['age', 'city', 'score']);
    expect(numbers(ds.columns.get('age'))).toEqual([31, 45, 52]);
    expect(ds.columns.get('age')?.missing).toBe(1);
    expect(counts(ds.columns.get('city'))).toEqual({ paris: 1, berlin: 1, rome: 1 });
    expect(ds.columns.get('city')?.missing).toBe(1);
    expect(numbers(ds.columns.get('score'))).toEqual([0.5, 0.001]);
    expect(ds.columns.get('score')?.missing).toBe(2);
  });

  it('handles quoted fields with delimiters, escaped quotes and line breaks, CRLF and a BOM', async () => {
    const text = '\uFEFFname,"note, with comma"\r\n"Smith, J","said ""hi""\r\nthen left"\r\n"Doe",plain\r\n';
    const ds = await read(text);
    expect(ds.columnNames).toEqual(['name', 'note, with comma']);
    expect(counts(ds.columns.get('name'))).toEqual({ 'Smith, J': 1, Doe: 1 });
    expect(counts(ds.columns.get('note, with comma'))).toEqual({ 'said "hi"\r\nthen left': 1, plain: 1 });
  });

  it('reads quoted numbers as numbers and a final row without a line break', async () => {
    const ds = await read('x,y\n"1.5",2\n3,"4"');
    expect(numbers(ds.columns.get('x'))).toEqual([1.5, 3]);
    expect(numbers(ds.columns.get('y'))).toEqual([2, 4]);
  });

  it('gives the same columns wherever the input is split into chunks', async () => {
    const text = '\uFEFFa,b,c\r\n1,"x ""q""\ny",2.25\n\n-3.5e2,"",7\r\n4,z,"8"\n';
    const whole = await read(text);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: text.length }), async (size) => {
        const split = await read(text, size);
        expect(split.rows).toBe(whole.rows);
        expect([...split.columns]).toEqual([...whole.columns]);
      }),
    );
    expect(numbers(whole.columns.get('a'))).toEqual([1, -350, 4]);
  });

  it('turns a column into categories when a value is not a number, keeping the earlier numbers', async () => {
    const ds = await read('code\n10\n20\n10\nA7\n');
    expect(counts(ds.columns.get('code'))).toEqual({ '10': 2, '20': 1, A7: 1 });
  });

  it('skips rows with the wrong number of fields and counts them with the first line number', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},${i * 2}`);
    rows.splice(5, 0, '1,2,3');
    const ds = await read(`a,b\n${rows.join('\n')}\n`);
    expect(ds.rows).toBe(200);
    expect(ds.malformed).toEqual({ rows: 1, firstLine: 7, reason: '3 fields, the header has 2' });
  });

  it('rejects a file whose rows are mostly malformed, naming the file and the first bad line', async () => {
    const bad = Array.from({ length: 50 }, () => '1;2;3').join('\n');
    const err = await read(`a,b\n1,2\n${bad}\n`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('data.csv: 50 of 51 rows are malformed (first at line 3: 1 fields, the header has 2); at most 1% are skipped');
  });

  it('counts line breaks inside quoted fields in the line numbers it reports', async () => {
    const ds = await read('a,b\n"multi\nline",1\nx\n"y",2\n');
    expect(ds.malformed.firstLine).toBe(4);
  });

  it('rejects an unterminated quote, an empty file and a duplicated column name', async () => {
    await expect(read('a,b\n1,"open\n2,3\n')).rejects.toThrow('data.csv: line 2: a quoted field is never closed');
    await expect(read('')).rejects.toThrow('data.csv: the file is empty (no header row)');
    await expect(read('a,b,a\n1,2,3\n')).rejects.toThrow('data.csv: column "a" appears twice in the header (columns 1 and 3)');
  });

  it('reads only the selected columns', async () => {
    const ds = await readCsv(chunksOf('a,b,c\n1,2,3\n'), { source: 'data.csv', columns: new Set(['c']) });
    expect(ds.columnNames).toEqual(['a', 'b', 'c']);
    expect([...ds.columns.keys()]).toEqual(['c']);
  });

  it('reads tab-separated files', async () => {
    const ds = await readCsv(chunksOf('a\tb\n1\tx y\n'), { source: 'data.tsv', delimiter: '\t' });
    expect(counts(ds.columns.get('b'))).toEqual({ 'x y': 1 });
  });
});

describe('parseDecimal', () => {
  const parse = (s: string) => parseDecimal(Buffer.from(s), 0, s.length);

  it('parses every double the way Number() does', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        expect(Object.is(parse(text), Number(text))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 9 }), (m, places) => {
        const text = (m / 10 ** places).toFixed(places);
        expect(parse(text)).toBe(Number(text));
      }),
    );
  });

  it('rounds 16 to 19 significant digits correctly, like Number()', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{16,19}$/), fc.nat({ max: 24 }), fc.constantFrom('', '-'), fc.constantFrom('', 'e-3', 'e+2'), (digits, point, sign, exp) => {
        const at = Math.min(point, digits.length);
        const text = `${sign}${digits.slice(0, at) || '0'}.${digits.slice(at)}${exp}`;
        expect(Object.is(parse(text), Number(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    for (const text of ['9007199254740993.0', '0.30000000000000004', '1.7976931348623157', '0.1000000000000000055511151231257827', '4.9406564584124654e-324']) {
      expect(parse(text)).toBe(Number(text));
    }
  });

  it('returns NaN for text that is not a plain decimal', () => {
    for (const s of ['abc', '1.2.3', '--1', '0x10', '1e', '.', '-', ' 1', 'NaN', '1,5']) expect(parse(s)).toBeNaN();
    expect(parse('.5')).toBe(0.5);
    expect(parse('+7')).toBe(7);
    expect(parse('1E+3')).toBe(1000);
  });
});
