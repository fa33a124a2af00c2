import { describe, expect, it } from 'vitest';
import { partialScaling } from '../../src/drift/partial-scaling.ts';
import { seededRandom } from '../support/seeded-random.ts';

const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
/** Reference and current samples (sorted) of `value`, the current ones through `change`. */
function pair(seed: number, value: (r: () => number) => number, change: (x: number, r: () => number) => number, n = 2500) {
  const r = seededRandom(seed);
  const ref = Float64Array.from({ length: n }, () => value(r)).sort();
  const cur = Float64Array.from({ length: n }, () => change(value(r), r)).sort();
  return [ref, cur] as const;
}
const amounts = (r: () => number) => Math.exp(9 + 0.6 * normal(r));

describe('partialScaling', () => {
  it('finds the share of rows sent in another currency and its factor', () => {
    const found = partialScaling(...pair(4001, amounts, (x, r) => (r() < 0.3 ? x * 11.2 : x)));
    // ×10 and ×11.2 fit 2,500 rows about equally well; either names the change.
    expect(found?.factor).toBeGreaterThan(9);
    expect(found?.factor).toBeLessThan(13);
    expect(found?.share).toBeGreaterThan(0.25);
    expect(found?.share).toBeLessThan(0.35);
  });
  it('finds a tenth of the rows in cents', () => {
    expect(partialScaling(...pair(4002, (r) => Math.exp(3 + 0.8 * normal(r)), (x, r) => (r() < 0.1 ? x * 100 : x)))?.factor).toBe(100);
  });
  it('says nothing when every row moved together, or nothing moved', () => {
    for (const seed of [4003, 4004, 4005]) {
      expect(partialScaling(...pair(seed, (r) => Math.exp(normal(r)), (x) => x * 1.3))).toBeUndefined();
      expect(partialScaling(...pair(seed, (r) => -Math.log(1 - r()), (x) => x * 2.5))).toBeUndefined();
      expect(partialScaling(...pair(seed, (r) => Math.max(1, 100 + 15 * normal(r)), (x) => x + 7.5))).toBeUndefined();
      expect(partialScaling(...pair(seed, amounts, (x) => x))).toBeUndefined();
    }
  });
  it('needs positive values on both sides', () => {
    expect(partialScaling(...pair(4006, (r) => normal(r), (x, r) => (r() < 0.3 ? x * 11 : x)))).toBeUndefined();
  });
});

describe('partialScaling on counts', () => {
  it('leaves whole-number features with few values alone (their steps fit any mixture)', () => {
    const items = (r: () => number) => 1 + Math.floor(-Math.log(1 - r()) * 5);
    expect(partialScaling(...pair(4007, items, (x, r) => (r() < 0.5 ? Math.max(1, x - 1) : x)))).toBeUndefined();
  });
});
