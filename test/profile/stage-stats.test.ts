// Per-stage distributions from Server-Timing: the median shows the constant cost of a stage, the
// tail attribution names the stage rare spikes come from, and failures are placed in the stage
// they stopped in — where per-stage means made 5 % spikes look like a constant queue.
import { describe, expect, it } from 'vitest';
import { stageClass, stageDistributions } from '../../src/profile/stage-stats.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** n responses: preprocess 1 ms, inference 4 ms, and in `spikeShare` of them `spikeMs` more in `spikeStage`. */
function responses(n: number, spikeStage: string, spikeShare: number, spikeMs: number) {
  const random = seededRandom(3);
  return Array.from({ length: n }, () => {
    const stages = new Map([
      ['preprocess', 1 + random() * 0.2],
      ['inference', 4 + random() * 0.5],
    ]);
    if (random() < spikeShare) stages.set(spikeStage, (stages.get(spikeStage) ?? 0) + spikeMs);
    const server = [...stages.values()].reduce((s, x) => s + x, 0);
    return { totalMs: server + 0.5, stages };
  });
}

describe('stageDistributions', () => {
  it('keeps 5 % spikes out of the stage median and names their stage as the owner of the tail', () => {
    const d = stageDistributions(responses(400, 'preprocess', 0.05, 800));
    const pre = d.stages.find((s) => s.name === 'preprocess');
    expect(pre?.p50).toBeLessThan(1.3);
    expect(pre?.p99).toBeGreaterThan(800);
    // The mean is what misled before: 5 % × 800 ms reads as a 40 ms constant cost.
    expect(pre?.mean).toBeGreaterThan(30);
    expect(pre?.share).toBeLessThan(0.3);
    expect(d.tail?.owner).toBe('preprocess');
    expect(d.tail?.ownerShare).toBeGreaterThan(0.95);
    expect(d.tail?.excessMs.preprocess).toBeGreaterThan(500);
    expect(d.stages.map((s) => s.name)).toEqual(['preprocess', 'inference', 'network+other']);
  });

  it('counts a stage missing from a response as 0 ms, so an occasional queue stage has a zero median', () => {
    const d = stageDistributions(responses(200, 'queue', 0.05, 400));
    const queue = d.stages.find((s) => s.name === 'queue');
    expect(queue?.p50).toBe(0);
    expect(queue?.p99).toBeGreaterThan(300);
    expect(d.tail?.owner).toBe('queue');
  });

  it('gives no tail attribution for a handful of responses, and passes failures through', () => {
    const d = stageDistributions(responses(10, 'inference', 0.5, 100), { inference: 4 });
    expect(d.tail).toBeUndefined();
    expect(d.failedIn).toEqual({ inference: 4 });
    expect(d.responses).toBe(10);
  });

  it('sums stages of one kind per response into its class', () => {
    const d = stageDistributions([1, 2, 3].map(() => ({ totalMs: 10, stages: new Map([['compute_input', 1], ['decode', 2], ['compute_infer', 5]]) })));
    expect(d.classes.map((c) => [c.class, c.p50])).toEqual([
      ['preprocess', 3],
      ['inference', 5],
      ['network', 2],
    ]);
  });
});

describe('stageClass', () => {
  it("places the names servers use: Triton's, the sample server's and common ones", () => {
    const cases: Record<string, string> = {
      queue: 'queue', batch_wait: 'queue', compute_input: 'preprocess', compute_infer: 'inference', compute_output: 'postprocess',
      preprocess: 'preprocess', tokenize: 'preprocess', inference: 'inference', predict: 'inference', postprocess: 'postprocess',
      serialize: 'postprocess', db: 'other', 'network+other': 'network',
    };
    for (const [name, cls] of Object.entries(cases)) expect(stageClass(name), name).toBe(cls);
  });
});
