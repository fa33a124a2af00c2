import { describe, expect, it } from 'vitest';
import { histogramBins, latencySummary, measureInWindows, percentileOfSorted, windowsAgree } from '../../src/profile/latency.ts';

describe('latencySummary', () => {
  it('matches numpy on 1..100 (linear interpolation, population std)', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted input
    const s = latencySummary(xs);
    // numpy linear: h = (n - 1) q / 100, x[floor h] + frac * (x[floor h + 1] - x[floor h]) on 1..n
    const expectedPct = (q: number) => 1 + (99 * q) / 100;
    expect(s.count).toBe(100);
    expect(s.p50).toBeCloseTo(expectedPct(50), 10); // 50.5
    expect(s.p90).toBeCloseTo(expectedPct(90), 10); // 90.1
    expect(s.p95).toBeCloseTo(expectedPct(95), 10); // 95.05
    expect(s.p99).toBeCloseTo(expectedPct(99), 10); // 99.01
    expect(s.mean).toBeCloseTo(50.5, 10);
    expect(s.std).toBeCloseTo(Math.sqrt((100 * 100 - 1) / 12), 10); // population std of 1..n
    expect(s.min).toBe(1);
    expect(s.max).toBe(100);
  });

  it('matches numpy on an irregular sample with ties and a tail', () => {
    // np.percentile(x, [50, 90, 95, 99]), x.mean(), x.std() printed by numpy 2 on this array
    const x = [12.5, 3.0, 7.25, 100.0, 4.5, 4.5, 8.0, 55.5, 9.75, 6.0, 3.5];
    const s = latencySummary(Float64Array.from(x));
    expect(s.p50).toBeCloseTo(7.25, 10);
    expect(s.p90).toBeCloseTo(55.5, 10);
    expect(s.p95).toBeCloseTo(77.75, 10);
    expect(s.p99).toBeCloseTo(95.55, 10);
    expect(s.mean).toBeCloseTo(19.5, 10);
    expect(s.std).toBeCloseTo(29.175215197461387, 10);
  });

  it('gives a single sample as every percentile and zero spread', () => {
    const s = latencySummary([42]);
    expect([s.p50, s.p99, s.min, s.max, s.mean]).toEqual([42, 42, 42, 42, 42]);
    expect(s.std).toBe(0);
  });

  it('reports count 0 for no samples', () => {
    expect(latencySummary([]).count).toBe(0);
    expect(Number.isNaN(percentileOfSorted([], 50))).toBe(true);
  });
});

describe('windowsAgree', () => {
  it('needs the last three windows within ±10% of their mean', () => {
    expect(windowsAgree([10, 10.5, 9.6])).toBe(true);
    expect(windowsAgree([50, 10, 10.5, 9.6])).toBe(true); // only the last three count
    expect(windowsAgree([10, 10, 13])).toBe(false); // 13 is 18% above the mean of 11
    expect(windowsAgree([10, 10])).toBe(false); // not enough windows
  });

  it('honours tolerance and window count, and never agrees on an empty window', () => {
    expect(windowsAgree([10, 10, 13], 0.2)).toBe(true);
    expect(windowsAgree([10, 10.2, 10, 10.1, 30], 0.1, 2)).toBe(false);
    expect(windowsAgree([30, 31], 0.1, 2)).toBe(true);
    expect(windowsAgree([10, Number.NaN, 10])).toBe(false);
  });
});

/** A clock that advances `stepMs` each time an operation runs. */
function fakeClock(stepMs: number) {
  let t = 0;
  return { now: () => t, tick: () => (t += stepMs) };
}

describe('measureInWindows', () => {
  it('stops once three windows agree', async () => {
    const clock = fakeClock(1);
    let calls = 0;
    const r = await measureInWindows({
      runOnce: async () => (clock.tick(), calls++, 5 + (calls % 3) * 0.1),
      windowSize: 20,
      maxDurationMs: 1e9,
      maxIterations: 10_000,
      signal: new AbortController().signal,
      now: clock.now,
    });
    expect(r.stoppedBy).toBe('stable');
    expect(r.stable).toBe(true);
    expect(r.iterations).toBe(60);
    expect(r.windows).toHaveLength(3);
    expect(r.samplesMs).toHaveLength(60);
  });

  // Alternate windows at 1 ms and 10 ms so they never agree.
  const unstable = (windowSize: number, tick: () => void) => {
    let i = 0;
    return async () => {
      tick();
      return Math.floor(i++ / windowSize) % 2 === 0 ? 1 : 10;
    };
  };

  it('stops at the duration bound when windows never agree', async () => {
    const clock = fakeClock(10);
    const r = await measureInWindows({
      runOnce: unstable(5, clock.tick),
      windowSize: 5,
      maxDurationMs: 1000,
      maxIterations: 10_000,
      signal: new AbortController().signal,
      now: clock.now,
    });
    expect(r.stoppedBy).toBe('duration');
    expect(r.stable).toBe(false);
    expect(r.iterations).toBe(100);
    expect(r.elapsedMs).toBe(1000);
  });

  it('stops at the iteration bound when windows never agree', async () => {
    const clock = fakeClock(1);
    const r = await measureInWindows({
      runOnce: unstable(5, clock.tick),
      windowSize: 5,
      maxDurationMs: 1e9,
      maxIterations: 37,
      signal: new AbortController().signal,
      now: clock.now,
    });
    expect(r.stoppedBy).toBe('iterations');
    expect(r.iterations).toBe(37);
    expect(r.samplesMs).toHaveLength(37);
  });

  it('stops promptly when aborted and says so', async () => {
    const clock = fakeClock(1);
    const ac = new AbortController();
    let calls = 0;
    const r = await measureInWindows({
      runOnce: async () => {
        clock.tick();
        if (++calls === 12) ac.abort();
        return 1 + (calls % 7);
      },
      windowSize: 1000,
      maxDurationMs: 1e9,
      maxIterations: 1e6,
      signal: ac.signal,
      now: clock.now,
    });
    expect(r.stoppedBy).toBe('aborted');
    expect(r.iterations).toBe(12);
  });

  it('runs the requested number of closed loops at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const r = await measureInWindows({
      runOnce: async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        return 3;
      },
      concurrency: 4,
      windowSize: 8,
      maxDurationMs: 60_000,
      maxIterations: 200,
      signal: new AbortController().signal,
      now: () => performance.now(),
    });
    expect(peak).toBe(4);
    expect(r.stoppedBy).toBe('stable');
    expect(r.iterations).toBeGreaterThanOrEqual(24);
  });

  it('counts failed operations without taking a sample, and never calls all-failed windows stable', async () => {
    const clock = fakeClock(1);
    const windows: number[] = [];
    const r = await measureInWindows({
      runOnce: async () => (clock.tick(), undefined),
      windowSize: 10,
      maxDurationMs: 1e9,
      maxIterations: 50,
      signal: new AbortController().signal,
      now: clock.now,
      onWindow: (_i, p50) => void windows.push(p50),
    });
    expect(r.iterations).toBe(50);
    expect(r.samplesMs).toHaveLength(0);
    expect(r.stable).toBe(false);
    expect(windows).toHaveLength(5);
    expect(windows.every(Number.isNaN)).toBe(true);
  });
});

describe('histogramBins', () => {
  it('matches numpy.histogram edges and counts (last bin includes max)', () => {
    const x = [12.5, 3.0, 7.25, 100.0, 4.5, 4.5, 8.0, 55.5, 9.75, 6.0, 3.5];
    const h = histogramBins(x, 4);
    expect(h.edges).toEqual([3, 27.25, 51.5, 75.75, 100]);
    expect(h.counts).toEqual([9, 0, 1, 1]);
  });

  it('keeps every sample when all are equal', () => {
    const h = histogramBins([7, 7, 7], 5);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(h.edges[0]).toBeLessThan(7);
    expect(h.edges[5]).toBeGreaterThan(7);
  });
});
