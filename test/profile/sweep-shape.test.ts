// The concurrency sweep read with Little's law: a fixed delay keeps latency flat while throughput
// grows; saturation grows latency while throughput stays flat; small amounts are neither.
import { describe, expect, it } from 'vitest';
import { sweepShape } from '../../src/profile/sweep-shape.ts';

/** A closed loop at each concurrency against a server taking `latency(c)` ms. */
const sweep = (levels: number[], latency: (c: number) => number) => levels.map((c) => ({ concurrency: c, p50Ms: latency(c), throughputPerSec: (1000 * c) / latency(c) }));

describe('sweepShape', () => {
  it('reads a flat 40 ms latency with linear throughput as a fixed delay', () => {
    const r = sweepShape(sweep([1, 4, 16], () => 40));
    expect(r?.shape).toBe('fixed-delay');
    expect(r?.throughputGain).toBeCloseTo(16, 6);
    expect(r?.kneeConcurrency).toBe(16);
  });

  it('reads one 15 ms worker (latency = c × 15 ms, throughput flat) as saturation with its knee at 1', () => {
    const r = sweepShape(sweep([1, 4, 8], (c) => 15 * c));
    expect(r?.shape).toBe('saturation');
    expect(r?.efficiency).toBeCloseTo(1 / 8, 6);
    expect(r?.addedLatencyMs).toBeCloseTo(105, 6);
    expect(r?.kneeConcurrency).toBe(1);
  });

  it('names neither when the amounts are small: a 1 ms server that saturates by 10 ms, or stays flat at 2 ms', () => {
    expect(sweepShape(sweep([1, 4, 8], (c) => 1.2 * c))?.shape).toBe('scales');
    expect(sweepShape(sweep([1, 4, 16], () => 2))?.shape).toBe('scales');
  });

  it('needs two levels of different concurrency', () => {
    expect(sweepShape(sweep([4], () => 10))).toBeUndefined();
    expect(sweepShape([{ concurrency: 1, p50Ms: 0, throughputPerSec: 0 }, { concurrency: 4, p50Ms: 5, throughputPerSec: 800 }])).toBeUndefined();
  });
});
