// The recommendation rules on constructed evidence: each fires on the pattern it names, stays
// silent without it, and the list is ranked by the gain its own numbers suggest.
import { describe, expect, it } from 'vitest';
import { recommend, type ProfileEvidence } from '../../src/profile/recommendations.ts';

const ids = (e: ProfileEvidence) => recommend(e).map((r) => r.id);

describe('recommend', () => {
  it('says nothing without evidence', () => {
    expect(recommend({})).toEqual([]);
  });

  it('recommends batching when samples/s grows with batch, citing the numbers', () => {
    const recs = recommend({
      batch: [
        { batchSize: 1, p50Ms: 1, samplesPerSec: 1000 },
        { batchSize: 8, p50Ms: 2, samplesPerSec: 4000 },
        { batchSize: 32, p50Ms: 6, samplesPerSec: 5300 },
      ],
    });
    expect(recs.map((r) => r.id)).toEqual(['batching']);
    expect(recs[0]?.action).toContain('batch 32');
    expect(recs[0]?.evidence).toContain('1000 samples/s at batch 1');
    expect(recs[0]?.expectedGain).toBeCloseTo(1 - 1000 / 5300, 6);
  });

  it('does not recommend batching when per-sample throughput stays flat', () => {
    expect(
      ids({
        batch: [
          { batchSize: 1, p50Ms: 1, samplesPerSec: 1000 },
          { batchSize: 32, p50Ms: 30, samplesPerSec: 1100 },
        ],
      }),
    ).toEqual([]);
  });

  it('recommends the best thread count when it beats the default by 10% or more', () => {
    const recs = recommend({ p50Ms: 10, threads: [{ threads: 1, p50Ms: 12 }, { threads: 2, p50Ms: 8 }, { threads: 4, p50Ms: 9 }] });
    expect(recs.map((r) => r.id)).toEqual(['threads']);
    expect(recs[0]?.action).toContain('intraOpNumThreads=2');
  });

  it('suggests one thread per session when more threads buy nothing', () => {
    expect(ids({ p50Ms: 5, threads: [{ threads: 1, p50Ms: 5.2 }, { threads: 2, p50Ms: 5 }] })).toEqual(['single-thread']);
  });

  it("recommends full graph optimization when 'all' is clearly faster, and nothing when levels tie", () => {
    const opt = (all: number) => [
      { level: 'disabled', p50Ms: 10 },
      { level: 'basic', p50Ms: 9 },
      { level: 'extended', p50Ms: 8 },
      { level: 'all', p50Ms: all },
    ];
    expect(ids({ optimization: opt(6) })).toEqual(['graph-optimization']);
    expect(recommend({ optimization: opt(6) })[0]?.action).toContain("'all'");
    expect(ids({ optimization: [{ level: 'disabled', p50Ms: 10 }, { level: 'all', p50Ms: 9.8 }] })).toEqual([]);
  });

  it('recommends quantization when matrix and convolution operators dominate, not otherwise', () => {
    expect(ids({ operators: [{ op: 'MatMul', share: 0.4 }, { op: 'Gemm', share: 0.3 }, { op: 'Relu', share: 0.3 }] })).toEqual(['quantize']);
    expect(ids({ operators: [{ op: 'Slice', share: 0.6 }, { op: 'Conv', share: 0.4 }] })).toEqual([]);
  });

  it('points to CUDA when compute-bound without it, and when CUDA was measured faster', () => {
    const operators = [{ op: 'Conv', share: 0.8 }];
    expect(ids({ operators, cuda: { available: false } })).toEqual(['quantize', 'cuda']);
    expect(ids({ p50Ms: 10, cuda: { available: true, p50Ms: 2 } })).toEqual(['cuda']);
    expect(ids({ p50Ms: 10, cuda: { available: true, p50Ms: 9.5 } })).toEqual([]);
  });

  it('names a slow pre/postprocess stage, and reads a queue stage as waiting', () => {
    const recs = recommend({
      serverStages: [
        { name: 'preprocess', ms: 30, share: 0.5 },
        { name: 'inference', ms: 20, share: 0.33 },
        { name: 'network+other', ms: 10, share: 0.17 },
      ],
    });
    expect(recs.map((r) => r.id)).toEqual(['slow-stage']);
    expect(recs[0]?.action).toContain("'preprocess'");
    expect(ids({ serverStages: [{ name: 'queue', ms: 20, share: 0.8 }] })).toEqual(['queueing']);
    expect(ids({ serverStages: [{ name: 'postprocess', ms: 1, share: 0.05 }] })).toEqual([]);
  });

  it('recommends scaling out when latency grows with concurrency while throughput flattens', () => {
    const saturated = [
      { concurrency: 1, p50Ms: 10, throughputPerSec: 100 },
      { concurrency: 4, p50Ms: 20, throughputPerSec: 200 },
      { concurrency: 16, p50Ms: 80, throughputPerSec: 205 },
    ];
    expect(ids({ concurrency: saturated })).toEqual(['scale-out']);
    const scaling = [
      { concurrency: 1, p50Ms: 10, throughputPerSec: 100 },
      { concurrency: 4, p50Ms: 11, throughputPerSec: 360 },
      { concurrency: 16, p50Ms: 16, throughputPerSec: 1000 },
    ];
    expect(ids({ concurrency: scaling })).toEqual([]);
  });

  it('ranks by expected gain, largest first', () => {
    const recs = recommend({
      p50Ms: 10,
      coldStartMs: 5000,
      threads: [{ threads: 1, p50Ms: 8.5 }],
      batch: [
        { batchSize: 1, p50Ms: 1, samplesPerSec: 100 },
        { batchSize: 32, p50Ms: 4, samplesPerSec: 800 },
      ],
      operators: [{ op: 'MatMul', share: 0.9 }],
    });
    expect(recs.map((r) => r.id)).toEqual(['batching', 'quantize', 'threads', 'cold-start']);
    const gains = recs.map((r) => r.expectedGain);
    expect([...gains].sort((a, b) => b - a)).toEqual(gains);
  });
});
