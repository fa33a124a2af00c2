// Fault knobs of the sample model server: what an operator (or a test) can break at runtime to
// reproduce production failure modes — slow requests, tail spikes, errors, leaks, a failing probe.
import { z } from 'zod';

/** Runtime fault knobs. All default to "no fault". */
export const faultsSchema = z.strictObject({
  /** Fixed latency added to every /predict before any work, ms (a `queue` stage in Server-Timing). Default 0. */
  addedLatencyMs: z.number().min(0).max(60_000),
  /** Probability 0–1 that a /predict gets an extra `spikeLatencyMs` (tail-latency spikes). Default 0. */
  spikeProbability: z.number().min(0).max(1),
  /** Extra latency of a spike, ms. Default 0. */
  spikeLatencyMs: z.number().min(0).max(60_000),
  /** Probability 0–1 that a /predict fails with 500. Default 0. */
  errorRate: z.number().min(0).max(1),
  /** Bytes retained (never freed) per /predict, simulating a memory leak. Default 0. */
  memoryGrowthBytesPerRequest: z.number().int().min(0).max(64 * 1024 * 1024),
  /** When true, GET /health answers 503. Default false. */
  unhealthy: z.boolean(),
});

export type Faults = z.infer<typeof faultsSchema>;

export const NO_FAULTS: Faults = {
  addedLatencyMs: 0,
  spikeProbability: 0,
  spikeLatencyMs: 0,
  errorRate: 0,
  memoryGrowthBytesPerRequest: 0,
  unhealthy: false,
};

/** What the faults decide for one request, given a uniform random source in [0, 1). */
export function faultPlan(faults: Faults, random: () => number): { delayMs: number; fail: boolean } {
  const spike = faults.spikeProbability > 0 && random() < faults.spikeProbability;
  const fail = faults.errorRate > 0 && random() < faults.errorRate;
  return { delayMs: faults.addedLatencyMs + (spike ? faults.spikeLatencyMs : 0), fail };
}
