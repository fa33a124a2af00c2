// Bytes → lines with bounded memory: chunk boundaries anywhere (even inside a UTF-8 character),
// CRLF, a last line without newline, and an over-long line cut instead of buffered.
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/logs/line-splitter.ts';

function split(chunks: Array<Buffer | string>, max?: number): string[] {
  const s = new LineSplitter(max);
  const out: string[] = [];
  for (const c of chunks) s.write(c, (l) => out.push(l));
  s.end((l) => out.push(l));
  return out;
}

describe('LineSplitter', () => {
  it('joins lines across chunks, even inside a multi-byte character, and drops CR', () => {
    const bytes = Buffer.from('first\r\nsecönd € line\nthird');
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)); // one byte at a time
    expect(split(chunks)).toEqual(['first', 'secönd € line', 'third']);
  });

  it('keeps empty lines and needs no trailing newline', () => {
    expect(split(['a\n\nb\n'])).toEqual(['a', '', 'b']);
    expect(split(['a\nb'])).toEqual(['a', 'b']);
  });

  it('cuts a line longer than the cap and resumes at the next newline', () => {
    const long = 'x'.repeat(10_000);
    const out = split([long.slice(0, 3000), long.slice(3000), '\nafter\n'], 100);
    expect(out).toHaveLength(2);
    expect(out[0]?.length).toBe(100);
    expect(out[1]).toBe('after');
  });
});
