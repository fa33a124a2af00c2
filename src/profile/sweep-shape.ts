// The shape of a concurrency sweep, read with Little's law (throughput = concurrency / latency):
// when latency stays flat while throughput grows with concurrency, the time a request takes is
// waiting that does not use the server's capacity (a fixed delay: a sleep, a slow dependency, a
// network hop); when latency grows while throughput flattens, requests queue for a resource that
// is used up (saturation); anything in between still scales. A shape is only named when its
// amounts matter: a fast server with spare capacity also has flat latency (it "scales", it has no
// fixed delay worth naming), and every server saturates somewhere — a sweep whose top level adds
// a few ms is not saturation anyone waits on. Pure.

export const SWEEP_SHAPES = ['fixed-delay', 'saturation', 'scales'] as const;
export type SweepShape = (typeof SWEEP_SHAPES)[number];

export interface SweepPoint {
  concurrency: number;
  p50Ms: number;
  throughputPerSec: number;
}

export interface SweepShapeReading {
  shape: SweepShape;
  from: SweepPoint;
  to: SweepPoint;
  /** p50 at the highest level ÷ p50 at the lowest. */
  latencyGrowth: number;
  /** Throughput at the highest level ÷ at the lowest. */
  throughputGain: number;
  /** throughputGain ÷ the concurrency ratio: 1 = throughput grows in step with concurrency, 0 = flat. */
  efficiency: number;
  /** p50 at the highest level minus at the lowest, ms. */
  addedLatencyMs: number;
  /** The highest level up to which throughput still grew by at least KNEE_GAIN per step. */
  kneeConcurrency: number;
}

/** Flat latency: p50 grew by at most this factor across the sweep. */
export const FLAT_LATENCY = 1.5;
/** Linear throughput: efficiency at least this. */
export const LINEAR_EFFICIENCY = 0.6;
/** Saturation: efficiency below this while latency at least doubled. */
export const SATURATED_EFFICIENCY = 0.5;
const SATURATED_LATENCY = 2;
/** A fixed delay is named when the flat p50 is at least this, ms. */
export const FIXED_DELAY_MIN_MS = 20;
/** Saturation is named when load adds at least this to the p50, ms. */
export const SATURATION_MIN_ADDED_MS = 50;
/** A step of the sweep "still buys throughput" when throughput grows by at least this factor. */
const KNEE_GAIN = 1.2;

/** Reads the shape from levels of increasing concurrency; undefined with fewer than two usable levels. */
export function sweepShape(points: readonly SweepPoint[]): SweepShapeReading | undefined {
  const usable = points.filter((p) => p.p50Ms > 0 && p.throughputPerSec > 0).sort((a, b) => a.concurrency - b.concurrency);
  const from = usable[0];
  const to = usable.at(-1);
  if (from === undefined || to === undefined || to.concurrency <= from.concurrency) return undefined;
  const latencyGrowth = to.p50Ms / from.p50Ms;
  const throughputGain = to.throughputPerSec / from.throughputPerSec;
  const efficiency = throughputGain / (to.concurrency / from.concurrency);
  let kneeConcurrency = from.concurrency;
  for (let i = 1; i < usable.length; i++) {
    const prev = usable[i - 1] as SweepPoint;
    const cur = usable[i] as SweepPoint;
    if (cur.throughputPerSec >= KNEE_GAIN * prev.throughputPerSec) kneeConcurrency = cur.concurrency;
    else break;
  }
  const addedLatencyMs = to.p50Ms - from.p50Ms;
  const shape: SweepShape =
    latencyGrowth <= FLAT_LATENCY && efficiency >= LINEAR_EFFICIENCY && from.p50Ms >= FIXED_DELAY_MIN_MS
      ? 'fixed-delay'
      : efficiency < SATURATED_EFFICIENCY && latencyGrowth >= SATURATED_LATENCY && addedLatencyMs >= SATURATION_MIN_ADDED_MS
        ? 'saturation'
        : 'scales';
  return { shape, from, to, latencyGrowth, throughputGain, efficiency, addedLatencyMs, kneeConcurrency };
}
