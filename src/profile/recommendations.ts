// Turns profile measurements into ranked recommendations, each tied to the numbers that justify
// it. Pure rules over plain evidence, shared by model mode and endpoint mode; ranked by the
// fraction of time the change would save as the measurements themselves suggest.

/** What the rules look at. Every field is optional: a rule without its evidence stays silent. */
export interface ProfileEvidence {
  /** p50 of the main measurement, ms (model mode: default session options). */
  p50Ms?: number;
  coldStartMs?: number;
  /** Batch sweep, in the order measured. */
  batch?: Array<{ batchSize: number; p50Ms: number; samplesPerSec: number }>;
  /** Intra-op threads sweep. */
  threads?: Array<{ threads: number; p50Ms: number }>;
  /** Graph optimization level sweep. */
  optimization?: Array<{ level: string; p50Ms: number }>;
  /** Operator share of kernel time (0–1), from ORT's profiler. */
  operators?: Array<{ op: string; share: number }>;
  /** CUDA provider: measured p50 when available. */
  cuda?: { available: true; p50Ms: number } | { available: false };
  /** Server-side stages (Server-Timing / Triton), share of client latency (0–1). */
  serverStages?: Array<{ name: string; ms: number; share: number }>;
  /** Concurrency sweep, ascending concurrency. */
  concurrency?: Array<{ concurrency: number; p50Ms: number; throughputPerSec: number }>;
}

export interface Recommendation {
  /** Stable rule id: batching, threads, single-thread, graph-optimization, quantize, cuda, slow-stage, queueing, scale-out, cold-start. */
  id: string;
  /** What to do, one line. */
  action: string;
  /** The measurements behind it, one line. */
  evidence: string;
  /** Estimated fraction (0–1) of per-request time or cost saved; the ranking key. */
  expectedGain: number;
}

/** Operators whose time int8 quantization cuts (matrix multiplies and convolutions, fused or not). */
const COMPUTE_OPS = /^(MatMul|Gemm|Conv|FusedConv|FusedMatMul|FusedGemm|ConvTranspose|Attention|MultiHeadAttention)$/;
/** Server stages that are the model itself rather than pre/post-processing. */
const MODEL_STAGE = /infer|model|compute|predict|forward|network\+other/i;
/** Server stages that are waiting, not working. */
const QUEUE_STAGE = /queue|wait/i;

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const ms = (x: number): string => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(1)} ms` : `${x.toFixed(3)} ms`);
const rate = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Rules that apply, most valuable first. */
export function recommend(e: ProfileEvidence): Recommendation[] {
  const out: Recommendation[] = [];

  const batch = e.batch ?? [];
  const b1 = batch[0];
  const bestBatch = batch.reduce<(typeof batch)[number] | undefined>((best, p) => (best === undefined || p.samplesPerSec > best.samplesPerSec ? p : best), undefined);
  if (b1 !== undefined && bestBatch !== undefined && bestBatch.batchSize > b1.batchSize && bestBatch.samplesPerSec >= 1.5 * b1.samplesPerSec) {
    out.push({
      id: 'batching',
      action: `Enable or raise dynamic batching (up to batch ${bestBatch.batchSize}): serve requests in batches rather than one by one`,
      evidence: `${rate(b1.samplesPerSec)} samples/s at batch ${b1.batchSize} → ${rate(bestBatch.samplesPerSec)} samples/s at batch ${bestBatch.batchSize} (×${(bestBatch.samplesPerSec / b1.samplesPerSec).toFixed(1)}), p50 ${ms(b1.p50Ms)} → ${ms(bestBatch.p50Ms)} per batch`,
      expectedGain: 1 - b1.samplesPerSec / bestBatch.samplesPerSec,
    });
  }

  const threads = e.threads ?? [];
  if (threads.length > 0 && e.p50Ms !== undefined) {
    const best = threads.reduce((a, b) => (b.p50Ms < a.p50Ms ? b : a));
    const one = threads.find((t) => t.threads === 1);
    if (best.p50Ms <= 0.9 * e.p50Ms) {
      out.push({
        id: 'threads',
        action: `Set intraOpNumThreads=${best.threads} in the session options`,
        evidence: `p50 ${ms(best.p50Ms)} with ${best.threads} intra-op thread(s) vs ${ms(e.p50Ms)} with onnxruntime's default`,
        expectedGain: 1 - best.p50Ms / e.p50Ms,
      });
    } else if (one !== undefined && best.threads > 1 && one.p50Ms <= 1.1 * best.p50Ms) {
      out.push({
        id: 'single-thread',
        action: 'Use intraOpNumThreads=1 and run one session per core (more replicas or workers): extra intra-op threads buy no latency here',
        evidence: `p50 ${ms(one.p50Ms)} with 1 thread vs ${ms(best.p50Ms)} with ${best.threads}`,
        expectedGain: 0.05,
      });
    }
  }

  const opt = e.optimization ?? [];
  const all = opt.find((o) => o.level === 'all');
  if (all !== undefined && opt.length > 1) {
    const worst = opt.reduce((a, b) => (b.p50Ms > a.p50Ms ? b : a));
    const best = opt.reduce((a, b) => (b.p50Ms < a.p50Ms ? b : a));
    if (best.level !== 'all' && best.p50Ms <= 0.9 * all.p50Ms) {
      out.push({
        id: 'graph-optimization',
        action: `Set graphOptimizationLevel '${best.level}': it beats 'all' on this model`,
        evidence: `p50 ${ms(best.p50Ms)} at '${best.level}' vs ${ms(all.p50Ms)} at 'all'`,
        expectedGain: 1 - best.p50Ms / all.p50Ms,
      });
    } else if (worst.level !== 'all' && all.p50Ms <= 0.9 * worst.p50Ms) {
      out.push({
        id: 'graph-optimization',
        action: "Turn on full graph optimization (graphOptimizationLevel 'all' / ORT_ENABLE_ALL) in the serving session, and save the optimized model for faster loads",
        evidence: `p50 ${ms(all.p50Ms)} at 'all' vs ${ms(worst.p50Ms)} at '${worst.level}' (${opt.map((o) => `${o.level} ${ms(o.p50Ms)}`).join(', ')})`,
        expectedGain: 1 - all.p50Ms / worst.p50Ms,
      });
    }
  }

  const compute = (e.operators ?? []).filter((o) => COMPUTE_OPS.test(o.op));
  const computeShare = compute.reduce((s, o) => s + o.share, 0);
  if (computeShare >= 0.5) {
    const names = [...new Set(compute.map((o) => o.op))].join('/');
    out.push({
      id: 'quantize',
      action: `Quantize the model to int8 (dynamic quantization for MatMul/Gemm, static for Conv) and compare accuracy`,
      evidence: `${names} take ${pct(computeShare)} of kernel time in onnxruntime's profile`,
      expectedGain: computeShare * 0.5,
    });
  }

  if (e.cuda !== undefined) {
    if (e.cuda.available && e.p50Ms !== undefined && e.cuda.p50Ms <= 0.8 * e.p50Ms) {
      out.push({
        id: 'cuda',
        action: "Serve with the CUDA execution provider (executionProviders: ['cuda'])",
        evidence: `p50 ${ms(e.cuda.p50Ms)} on CUDA vs ${ms(e.p50Ms)} on CPU`,
        expectedGain: 1 - e.cuda.p50Ms / e.p50Ms,
      });
    } else if (!e.cuda.available && computeShare >= 0.5) {
      out.push({
        id: 'cuda',
        action: 'Try the CUDA execution provider on a GPU node (install onnxruntime-node with its CUDA binaries there and profile again with --node)',
        evidence: `compute-bound: ${pct(computeShare)} of kernel time in matrix/convolution operators; CUDA is not available on this node`,
        expectedGain: computeShare * 0.25,
      });
    }
  }

  for (const stage of e.serverStages ?? []) {
    if (MODEL_STAGE.test(stage.name) || stage.share < 0.2) continue;
    if (QUEUE_STAGE.test(stage.name)) {
      out.push({
        id: 'queueing',
        action: 'Requests wait in the server before inference: add workers or replicas (or batch the queued requests) so they are served on arrival',
        evidence: `'${stage.name}' takes ${ms(stage.ms)} per request, ${pct(stage.share)} of client-observed latency (server timing)`,
        expectedGain: stage.share,
      });
      continue;
    }
    out.push({
      id: 'slow-stage',
      action: `Speed up the server's '${stage.name}' stage (move it off the request path, vectorise it, or cache it)`,
      evidence: `'${stage.name}' takes ${ms(stage.ms)} per request, ${pct(stage.share)} of client-observed latency (server timing)`,
      expectedGain: stage.share,
    });
  }

  const conc = e.concurrency ?? [];
  const first = conc[0];
  const last = conc[conc.length - 1];
  const prev = conc[conc.length - 2];
  if (first !== undefined && last !== undefined && prev !== undefined && last.concurrency > first.concurrency) {
    const latencyGrowth = last.p50Ms / first.p50Ms;
    const flattened = last.throughputPerSec < 1.1 * prev.throughputPerSec;
    if (latencyGrowth >= 1.5 && flattened) {
      out.push({
        id: 'scale-out',
        action: `Scale out (more replicas) rather than sending more concurrent requests to one: it saturates by concurrency ${prev.concurrency}`,
        evidence: `throughput ${rate(prev.throughputPerSec)}/s at concurrency ${prev.concurrency} → ${rate(last.throughputPerSec)}/s at ${last.concurrency} while p50 grew ${ms(first.p50Ms)} → ${ms(last.p50Ms)} (×${latencyGrowth.toFixed(1)})`,
        expectedGain: 1 - 1 / latencyGrowth,
      });
    }
  }

  if (e.coldStartMs !== undefined && e.coldStartMs >= 1000) {
    out.push({
      id: 'cold-start',
      action: 'Cut cold start: load a pre-optimized model (optimizedModelFilePath once, offline) and mark replicas ready only after a warm-up inference',
      evidence: `session creation took ${ms(e.coldStartMs)}`,
      expectedGain: 0.02,
    });
  }

  return out.sort((a, b) => b.expectedGain - a.expectedGain);
}
