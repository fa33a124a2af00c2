// Per-tensor statistics against numpy (mean and population std of the finite elements, computed
// with numpy 2.4 for the values below), and NaN/Inf/zero counting.
import { describe, expect, it } from 'vitest';
import { tensorStats } from '../../src/model/layer-stats.ts';

describe('tensorStats', () => {
  it('matches numpy on the finite elements, with a large offset (no cancellation)', () => {
    const s = tensorStats(Float64Array.of(1e6 + 0.5, 1e6 - 0.25, 1e6 + 0.125, Number.NaN, Infinity, 0));
    // numpy: x[np.isfinite(x)].mean(), .std()
    expect(s.mean).toBeCloseTo(750000.09375, 6);
    expect(s.std).toBeCloseTo(433012.75601888826, 6);
    expect(s).toMatchObject({ elements: 6, nanCount: 1, infCount: 1, min: 0, max: 1e6 + 0.5 });
    expect(s.zeroFraction).toBeCloseTo(1 / 6, 12);
  });

  it('reads float32 data in place, and has no range when nothing is finite', () => {
    expect(tensorStats(Float32Array.of(-3.25, 0.5, 2))).toMatchObject({ min: -3.25, max: 2, nanCount: 0 });
    expect(tensorStats(Float32Array.of(Number.NaN, -Infinity))).toMatchObject({ mean: null, std: null, min: null, max: null, nanCount: 1, infCount: 1 });
    expect(tensorStats(new Float32Array(0))).toMatchObject({ elements: 0, zeroFraction: 0, mean: null });
  });
});
