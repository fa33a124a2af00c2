// Fault knobs of the sample model server: what an operator (or a test) can break at runtime to
// reproduce production failure modes — a slow or spiky stage, a stage that burns CPU, errors in
// one stage, on one route or for one model, a concurrency cap that saturates, leaks, a failing
// probe. `faultPlan` decides what one request gets; the server applies it stage by stage.
import { z } from 'zod';

/** The stages a /predict goes through, in order; `queue` is the wait before the work starts. */
export const STAGES = ['preprocess', 'inference', 'postprocess'] as const;
export type Stage = (typeof STAGES)[number];

/** Faults of one work stage. All default to "no fault". */
export const stageFaultSchema = z.strictObject({
  /** Fixed wait added to every request in this stage (a slow dependency, a sleep, a network hop), ms. */
  delayMs: z.number().min(0).max(60_000),
  /** CPU burnt synchronously in this stage, ms: blocks the event loop, so it saturates under concurrency. */
  cpuMs: z.number().min(0).max(10_000),
  /** Probability 0–1 that this stage waits an extra `spikeMs` (tail spikes owned by this stage). */
  spikeProbability: z.number().min(0).max(1),
  /** Extra wait of a spike in this stage, ms. */
  spikeMs: z.number().min(0).max(60_000),
  /** Probability 0–1 that the request fails with 500 in this stage. */
  errorRate: z.number().min(0).max(1),
});
export type StageFault = z.infer<typeof stageFaultSchema>;

export const NO_STAGE_FAULT: StageFault = { delayMs: 0, cpuMs: 0, spikeProbability: 0, spikeMs: 0, errorRate: 0 };

const rate = z.number().min(0).max(1);

/** Runtime fault knobs. All default to "no fault". */
export const faultsSchema = z.strictObject({
  /** Fixed latency added to every /predict before any work, ms (the `queue` stage in Server-Timing). Default 0. */
  addedLatencyMs: z.number().min(0).max(60_000),
  /** Probability 0–1 that a /predict gets an extra `spikeLatencyMs` in the queue stage (tail-latency spikes). Default 0. */
  spikeProbability: z.number().min(0).max(1),
  /** Extra latency of a queue-stage spike, ms. Default 0. */
  spikeLatencyMs: z.number().min(0).max(60_000),
  /** Probability 0–1 that a /predict fails with 500 in the inference stage. Default 0. */
  errorRate: rate,
  /** Faults of each work stage. Default none. */
  stages: z.strictObject({ preprocess: stageFaultSchema, inference: stageFaultSchema, postprocess: stageFaultSchema }),
  /** Error rate by route label (`/predict`, `/v1/models/{name}:predict`), failing in the inference stage. Default {}. */
  routeErrors: z.record(z.string(), rate),
  /** Error rate by model name label (e.g. `{"canary": 0.5}`), failing in the inference stage. Default {}. */
  modelErrors: z.record(z.string(), rate),
  /** Requests worked on at once (preprocess to postprocess); the rest wait in the `queue` stage. 0 (default) = no cap. */
  maxConcurrency: z.number().int().min(0).max(10_000),
  /** With a cap, requests allowed to wait; one more is refused with 503 (load shedding). 0 (default) = unbounded. */
  maxQueue: z.number().int().min(0).max(100_000),
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
  stages: { preprocess: NO_STAGE_FAULT, inference: NO_STAGE_FAULT, postprocess: NO_STAGE_FAULT },
  routeErrors: {},
  modelErrors: {},
  maxConcurrency: 0,
  maxQueue: 0,
  memoryGrowthBytesPerRequest: 0,
  unhealthy: false,
};

/** A change to the faults: any top-level knob, and any knob of any stage (the others stay). */
export const faultsPatchSchema = faultsSchema.extend({
  stages: z.strictObject({
    preprocess: stageFaultSchema.partial(),
    inference: stageFaultSchema.partial(),
    postprocess: stageFaultSchema.partial(),
  }).partial(),
}).partial();
export type FaultsPatch = z.infer<typeof faultsPatchSchema>;

/** The faults after a patch: stage knobs merge one by one, `routeErrors`/`modelErrors` are replaced whole. */
export function applyFaults(current: Faults, patch: FaultsPatch): Faults {
  const stages = Object.fromEntries(STAGES.map((s) => [s, { ...current.stages[s], ...patch.stages?.[s] }])) as Faults['stages'];
  return faultsSchema.parse({ ...current, ...patch, stages });
}

/** What one stage does for one request. */
export interface StagePlan {
  waitMs: number;
  cpuMs: number;
  /** The knob that makes this stage fail (e.g. `errorRate`, `stages.preprocess.errorRate`, `modelErrors`), or undefined. */
  fail: string | undefined;
}

/** What the faults decide for one request. */
export interface FaultPlan {
  /** Injected wait in the queue stage, ms. */
  delayMs: number;
  stages: Record<Stage, StagePlan>;
}

/** What the faults decide for one request on `route` for `model`, given a uniform random source in [0, 1). */
export function faultPlan(faults: Faults, random: () => number, request: { route?: string; model?: string } = {}): FaultPlan {
  const draw = (p: number) => p > 0 && random() < p;
  const spike = draw(faults.spikeProbability);
  const failInference = draw(faults.errorRate)
    ? 'errorRate'
    : draw(request.route === undefined ? 0 : (faults.routeErrors[request.route] ?? 0))
      ? 'routeErrors'
      : draw(request.model === undefined ? 0 : (faults.modelErrors[request.model] ?? 0))
        ? 'modelErrors'
        : undefined;
  const stages = Object.fromEntries(
    STAGES.map((s) => {
      const f = faults.stages[s];
      const spiked = draw(f.spikeProbability);
      const fail = draw(f.errorRate) ? `stages.${s}.errorRate` : s === 'inference' ? failInference : undefined;
      return [s, { waitMs: f.delayMs + (spiked ? f.spikeMs : 0), cpuMs: f.cpuMs, fail }];
    }),
  ) as Record<Stage, StagePlan>;
  return { delayMs: faults.addedLatencyMs + (spike ? faults.spikeLatencyMs : 0), stages };
}

/** Keeps the CPU busy for `ms` without yielding, as a CPU-bound pre/post-processing step would. */
export function burnCpu(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  if (x < 0) throw new Error('unreachable');
}
