// Latency statistics shared by both profile modes (in-process ONNX runs and HTTP endpoint load):
// the summary a report prints (percentiles, mean, std), the "three windows agree" stability rule
// perf_analyzer uses, a bounded driver that measures in windows until stable, and histogram bins
// for the latency chart. Pure functions over plain numbers; the clock and the work are injected.

/** Percentiles, moments and range of a set of latency samples, all in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  /** Population standard deviation (numpy's default, ddof = 0). */
  std: number;
  min: number;
  max: number;
}

/**
 * Percentile `q` (0–100) of ascending-sorted samples by linear interpolation between the two
 * nearest ranks — numpy's default (`method='linear'`, Hyndman–Fan type 7).
 */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = ((n - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/**
 * Summarises latency samples (ms). Percentiles interpolate linearly like numpy; `std` is the
 * population standard deviation. No samples gives `count: 0` and zeros everywhere else — check
 * `count` before printing (a level whose every request failed has no latency to show).
 */
export function latencySummary(samplesMs: ArrayLike<number>): LatencySummary {
  const n = samplesMs.length;
  if (n === 0) return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, mean: 0, std: 0, min: 0, max: 0 };
  const sorted = Float64Array.from(samplesMs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of sorted) sq += (v - mean) ** 2;
  return {
    count: n,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    mean,
    std: Math.sqrt(sq / n),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
  };
}

/**
 * True when the last `consecutive` windows' p50s each lie within ±`tolerance` of their mean —
 * perf_analyzer's stability rule (`--stability-percentage 10`, three measurements). Fewer windows
 * than `consecutive`, or a window without samples (NaN), is not stable.
 */
export function windowsAgree(windowP50s: readonly number[], tolerance = 0.1, consecutive = 3): boolean {
  if (consecutive < 1 || windowP50s.length < consecutive) return false;
  const last = windowP50s.slice(-consecutive);
  if (last.some((v) => !Number.isFinite(v))) return false;
  const mean = last.reduce((s, v) => s + v, 0) / last.length;
  return last.every((v) => Math.abs(v - mean) <= tolerance * mean);
}

/** Why a windowed measurement ended. */
export type StopReason = 'stable' | 'duration' | 'iterations' | 'aborted';

export interface MeasureOptions {
  /**
   * One measured operation; resolves to its latency in ms, or `undefined` when it failed and has
   * no latency (it still counts as an iteration). Must itself honour the abort signal.
   */
  runOnce: () => Promise<number | undefined>;
  /** Operations per window; each window's p50 feeds the stability rule. */
  windowSize: number;
  /** Windows that must agree (default 3). */
  consecutive?: number;
  /** Allowed deviation of each window's p50 from their mean, as a fraction (default 0.1). */
  tolerance?: number;
  /** Closed-loop concurrency: this many loops each await `runOnce` back to back (default 1). */
  concurrency?: number;
  /** Stop starting operations after this long, ms (in-flight ones finish). */
  maxDurationMs: number;
  /** Stop after this many operations in all. Also bounds the samples kept. */
  maxIterations: number;
  /** Abort: no new operations start; the result says `aborted`. */
  signal: AbortSignal;
  /** Clock for the duration bound, ms (any origin; e.g. `performance.now`). */
  now: () => number;
  /** Called as each window closes, with its index (0-based) and p50 (NaN when all of it failed). */
  onWindow?: (index: number, p50: number) => void | Promise<void>;
}

export interface MeasureResult {
  /** Latencies of the operations that succeeded, in completion order (ms). */
  samplesMs: Float64Array;
  /** Operations run, failed ones included. */
  iterations: number;
  /** p50 of each closed window (ms). */
  windows: number[];
  stable: boolean;
  stoppedBy: StopReason;
  /** Wall time from the first operation started to the last one finished, ms. */
  elapsedMs: number;
}

/**
 * Runs `runOnce` in `concurrency` closed loops, closing a window every `windowSize` operations,
 * until the last `consecutive` windows agree, or the duration, iteration bound or abort stops it.
 * It always stops by itself: both bounds are required.
 */
export async function measureInWindows(options: MeasureOptions): Promise<MeasureResult> {
  const { runOnce, windowSize, maxDurationMs, maxIterations, signal, now, onWindow } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const tolerance = options.tolerance ?? 0.1;
  const consecutive = options.consecutive ?? 3;
  if (!(windowSize >= 1)) throw new RangeError(`windowSize must be at least 1, got ${windowSize}`);

  const samples = new Float64Array(Math.max(0, Math.floor(maxIterations)));
  let sampleCount = 0;
  let started = 0;
  let finished = 0;
  let window: number[] = [];
  let windowOps = 0;
  const windows: number[] = [];
  let stoppedBy: StopReason | undefined;
  const t0 = now();

  const closeWindow = async (): Promise<void> => {
    const p50 = window.length === 0 ? Number.NaN : percentileOfSorted(Float64Array.from(window).sort(), 50);
    windows.push(p50);
    window = [];
    windowOps = 0;
    await onWindow?.(windows.length - 1, p50);
    // Let timers (abort, deadlines) run even when runOnce resolves without real I/O.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stoppedBy === undefined && windowsAgree(windows, tolerance, consecutive)) stoppedBy = 'stable';
  };

  const shouldStop = (): boolean => {
    if (stoppedBy !== undefined) return true;
    if (signal.aborted) stoppedBy = 'aborted';
    else if (started >= samples.length) stoppedBy = 'iterations';
    else if (now() - t0 >= maxDurationMs) stoppedBy = 'duration';
    return stoppedBy !== undefined;
  };

  const loop = async (): Promise<void> => {
    while (!shouldStop()) {
      started++;
      const ms = await runOnce();
      finished++;
      if (ms !== undefined && Number.isFinite(ms) && sampleCount < samples.length) {
        samples[sampleCount++] = ms;
        window.push(ms);
      }
      windowOps++;
      if (windowOps >= windowSize) await closeWindow();
    }
  };

  await Promise.all(Array.from({ length: concurrency }, loop));
  if (signal.aborted) stoppedBy = 'aborted';
  return {
    samplesMs: samples.slice(0, sampleCount),
    iterations: finished,
    windows,
    stable: windowsAgree(windows, tolerance, consecutive),
    stoppedBy: stoppedBy ?? 'iterations',
    elapsedMs: now() - t0,
  };
}

/**
 * Equal-width histogram of samples over [min, max] (numpy.histogram semantics: the last bin
 * includes max). All-equal samples get one unit-wide range centred on the value. Returns
 * `bins + 1` edges and `bins` counts, the shape the histogram chart takes.
 */
export function histogramBins(samplesMs: ArrayLike<number>, bins: number): { edges: number[]; counts: number[] } {
  const nBins = Math.max(1, Math.floor(bins));
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < samplesMs.length; i++) {
    const v = samplesMs[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (samplesMs.length === 0) {
    min = 0;
    max = 1;
  } else if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / nBins;
  const edges = Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? max : min + i * width));
  const counts = new Array<number>(nBins).fill(0);
  for (let i = 0; i < samplesMs.length; i++) {
    const v = samplesMs[i] as number;
    const b = Math.min(nBins - 1, Math.floor((v - min) / width));
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return { edges, counts };
}
