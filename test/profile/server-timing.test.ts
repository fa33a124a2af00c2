import { describe, expect, it } from 'vitest';
import { parseServerTiming } from '../../src/profile/server-timing.ts';

describe('parseServerTiming', () => {
  it('reads the sample model server header: several metrics, comma-separated', () => {
    expect(parseServerTiming('queue;dur=20.125, preprocess;dur=0.3, inference;dur=1.5, postprocess;dur=0.02')).toEqual([
      { name: 'queue', durMs: 20.125, desc: undefined },
      { name: 'preprocess', durMs: 0.3, desc: undefined },
      { name: 'inference', durMs: 1.5, desc: undefined },
      { name: 'postprocess', durMs: 0.02, desc: undefined },
    ]);
  });

  it('joins repeated headers and keeps metrics without a duration', () => {
    expect(parseServerTiming(['db;dur=53', 'cache;desc="Cache Read";dur=23.2', 'miss'])).toEqual([
      { name: 'db', durMs: 53, desc: undefined },
      { name: 'cache', durMs: 23.2, desc: 'Cache Read' },
      { name: 'miss', durMs: undefined, desc: undefined },
    ]);
  });

  it('does not split on commas or semicolons inside a quoted desc, and unescapes it', () => {
    expect(parseServerTiming('gpu;desc="A100, MIG; slice \\"3g\\"";dur=7, cpu;dur=1')).toEqual([
      { name: 'gpu', durMs: 7, desc: 'A100, MIG; slice "3g"' },
      { name: 'cpu', durMs: 1, desc: undefined },
    ]);
  });

  it('tolerates whitespace, case and repeated params the way the W3C processing model says', () => {
    expect(parseServerTiming('  total ; DUR = 12.5 ; dur=99 ; Desc=plain ')).toEqual([{ name: 'total', durMs: 12.5, desc: 'plain' }]);
  });

  it('skips invalid metric names and ignores a dur that is not a number', () => {
    expect(parseServerTiming('"quoted";dur=1, ok;dur=abc, , bad name;dur=2, next;dur=3')).toEqual([
      { name: 'ok', durMs: undefined, desc: undefined },
      { name: 'next', durMs: 3, desc: undefined },
    ]);
  });

  it('gives nothing for a missing or empty header', () => {
    expect(parseServerTiming(undefined)).toEqual([]);
    expect(parseServerTiming('')).toEqual([]);
  });
});
