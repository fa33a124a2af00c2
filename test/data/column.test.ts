import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../../src/data/column.ts';

describe('ColumnBuilder', () => {
  it('keeps every number in order across its storage blocks', () => {
    const b = new ColumnBuilder();
    for (let i = 0; i < 150_000; i++) b.addNumber(i * 0.5);
    b.addMissing(3);
    const c = b.finish();
    expect(c.kind).toBe('numeric');
    if (c.kind !== 'numeric') return;
    expect(c.values.length).toBe(150_000);
    expect(c.values.every((v, i) => v === i * 0.5)).toBe(true);
    expect(c.missing).toBe(3);
  });

  it('counts the numbers already read when a text value turns the column categorical', () => {
    const b = new ColumnBuilder();
    for (let i = 0; i < 70_000; i++) b.addNumber(i % 3);
    b.addText('other');
    b.addText('NA');
    b.addText(' 2 ');
    b.addNumber(Number.NaN);
    const c = b.finish();
    expect(c.kind === 'categorical' && Object.fromEntries(c.counts)).toEqual({ '0': 23_334, '1': 23_333, '2': 23_334, other: 1 });
    expect(c.missing).toBe(2);
    expect(b.cells).toBe(70_004);
  });

  it('treats ±infinity and the pandas missing tokens as missing', () => {
    const b = new ColumnBuilder();
    for (const t of ['', 'NaN', 'null', 'None', '#N/A', 'inf', '-Infinity', '1.5']) b.addText(t);
    b.addNumber(Infinity);
    const c = b.finish();
    expect(c.kind === 'numeric' && [...c.values]).toEqual([1.5]);
    expect(c.missing).toBe(8);
  });
});
