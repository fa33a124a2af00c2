import { describe, expect, it } from 'vitest';
import { buildCauses, type Cause } from '../../src/diagnosis/causes.ts';
import { likelihoodOf, rankCauses } from '../../src/diagnosis/engine.ts';
import { observer } from '../../src/diagnosis/observation.ts';

const observe = observer('health', {
  'latency.tail_ratio': { unit: 'ratio', description: 'p99/p50' },
  'memory.rss_growth_per_request': { unit: 'bytes', description: 'resident memory growth per request' },
  'gc.pause_share': { unit: 'ratio', description: 'share of wall time in GC pauses' },
  'errors.rate': { unit: 'ratio', description: 'error share' },
  'target.url': { unit: 'label', description: 'url' },
});

const causes: Cause[] = buildCauses([
  [
    'test.yaml',
    [
      {
        id: 'gc-pauses',
        title: 'Garbage-collection pauses',
        category: 'latency-variance',
        layer: 'infrastructure',
        severity: 'warning',
        supports: [
          { obs: 'latency.tail_ratio', above: 3, weight: 1 },
          { obs: 'gc.pause_share', above: 0.05, weight: 4 },
        ],
        contradicts: [{ obs: 'memory.rss_growth_per_request', below: 1024, weight: 2, says: 'resident memory flat ({text})' }],
        confirm: ['`/debug profile {target.url}`'],
        fixes: ['tune the GC'],
        verification: ['p99/p50 below 3'],
        prevention: ['alert on GC time'],
      },
      {
        id: 'queueing',
        title: 'Requests queue',
        category: 'latency-variance',
        layer: 'infrastructure',
        severity: 'warning',
        supports: [{ obs: 'latency.tail_ratio', above: 3, weight: 1 }],
        confirm: ['`/debug profile {target.url}` on {target.pod}'],
        fixes: ['add replicas'],
        verification: ['v'],
        prevention: ['p'],
      },
      {
        id: 'errors-in-service',
        title: 'Requests fail',
        category: 'errors',
        layer: 'model',
        severity: 'critical',
        supports: [{ obs: 'errors.rate', above: 0.01, weight: 3, minSample: 100 }],
        confirm: ['read logs'],
        fixes: ['f'],
        verification: ['v'],
        prevention: ['p'],
      },
    ],
  ],
]);

/** One cause as the catalogue would hold it, validated; the fields a test is not about get filler. */
function oneCause(fields: { id: string; title: string; supports: unknown[]; contradicts?: unknown[]; category?: string; layer?: string }): Cause {
  const [cause] = buildCauses([[`${fields.id}.yaml`, [{ category: 'latency', layer: 'infrastructure', severity: 'warning', confirm: ['c'], fixes: ['f'], verification: ['v'], prevention: ['p'], ...fields }]]]);
  return cause!;
}

describe('rankCauses', () => {
  it('a shared symptom alone lists no cause, except to rule out a suspect the evidence contradicts, with why', () => {
    const ranked = rankCauses(
      [observe('latency.tail_ratio', 5.5, 'p99/p50 = 5.5'), observe('memory.rss_growth_per_request', 0, 'resident memory +0 B per request'), observe('target.url', 'http://m:8080', 'url')],
      causes,
    );
    expect(ranked.map((h) => [h.cause, h.likelihood])).toEqual([['gc-pauses', 'unlikely']]);
    expect(ranked[0]!.against).toEqual(['resident memory flat (resident memory +0 B per request) [health]']);
    expect(ranked[0]!.evidence).toEqual(['p99/p50 = 5.5 [health]']);
  });

  it('fills placeholders from the observations, and leaves a template where none is known', () => {
    const ranked = rankCauses([observe('gc.pause_share', 0.2, 'GC 20 % of wall time'), observe('target.url', 'http://m:8080', 'url')], [{ ...causes[0]!, confirm: ['`/debug profile {target.url}` on {target.pod}'] }]);
    expect(ranked[0]!.confirm).toEqual(['`/debug profile http://m:8080` on <pod>']);
  });

  it('specific evidence outranks a shared symptom, and the likelihood follows the score', () => {
    const ranked = rankCauses([observe('latency.tail_ratio', 5.5, 'p99/p50 = 5.5'), observe('gc.pause_share', 0.2, 'GC 20 % of wall time')], causes);
    expect(ranked[0]).toMatchObject({ cause: 'gc-pauses', likelihood: 'high', score: 5 });
    expect(ranked[0]!.evidence).toHaveLength(2);
  });

  it('ignores an observation behind too few samples', () => {
    expect(rankCauses([observe('errors.rate', 0.5, '2 of 4 failed', { sampleSize: 4 })], causes)).toEqual([]);
    expect(rankCauses([observe('errors.rate', 0.05, '50 of 1000 failed', { sampleSize: 1000 })], causes)[0]?.cause).toBe('errors-in-service');
  });

  it('is deterministic: the same observations give the same ranking in any order', () => {
    const obs = [observe('latency.tail_ratio', 5.5, 'a'), observe('errors.rate', 0.05, 'b', { sampleSize: 500 }), observe('gc.pause_share', 0.01, 'c')];
    expect(rankCauses([...obs].reverse(), causes)).toEqual(rankCauses(obs, causes));
  });

  it('derives likelihood from the score only', () => {
    expect([-1, 0, 0.5, 2, 4, 9].map(likelihoodOf)).toEqual(['unlikely', 'unlikely', 'low', 'medium', 'high', 'high']);
  });

  it('refuses a vocabulary miss at the source', () => {
    expect(() => observe('latency.p51', 1, 'x')).toThrow(/does not declare/);
  });
});

describe('buildCauses', () => {
  it('names the file and the cause of a bad entry', () => {
    expect(() => buildCauses([['src/diagnosis/causes/x.yaml', [{ id: 'bad-one', title: 't' }]]])).toThrow(/x\.yaml \(cause "bad-one"\)/);
  });
  it('refuses an id used twice', () => {
    const one = { id: 'a', title: 't', category: 'errors', layer: 'model', severity: 'warning', supports: [{ obs: 'errors.rate', above: 0, weight: 1 }], confirm: ['c'], fixes: ['f'], verification: ['v'], prevention: ['p'] };
    expect(() => buildCauses([['a.yaml', [one]], ['b.yaml', [one]]])).toThrow(/"a" is also in a.yaml/);
  });
});

describe('sameSubject', () => {
  const gpu = observer('gpu', {
    'gpu.foreign_process_memory': { unit: 'bytes', description: 'memory of other processes' },
    'gpu.memory_used_share': { unit: 'ratio', description: 'used share' },
  });
  const cause = oneCause({
    id: 'gpu-foreign-process',
    title: 'Another process holds GPU {subject}',
    category: 'memory',
    supports: [{ obs: 'gpu.foreign_process_memory', above: 1e9, weight: 4 }],
    contradicts: [{ obs: 'gpu.memory_used_share', below: 0.3, weight: 3, sameSubject: true }],
  });

  it('a fact about another GPU does not count against the cause', () => {
    const ranked = rankCauses([gpu('gpu.foreign_process_memory', 6e10, '60 GB held by pid 4242', { subject: '0' }), gpu('gpu.memory_used_share', 0.1, 'GPU 1 10 % used', { subject: '1' })], [cause]);
    expect(ranked[0]).toMatchObject({ likelihood: 'high', against: [], title: 'Another process holds GPU 0' });
  });
  it('the same GPU does', () => {
    const ranked = rankCauses([gpu('gpu.foreign_process_memory', 6e10, '60 GB held by pid 4242', { subject: '0' }), gpu('gpu.memory_used_share', 0.1, 'GPU 0 10 % used', { subject: '0' })], [cause]);
    expect(ranked[0]).toMatchObject({ likelihood: 'low', against: ['GPU 0 10 % used [gpu]'] });
  });
});

describe('reported symptoms', () => {
  const said = observer('investigate', { 'symptom.reported': { unit: 'label', description: 'word' }, 'latency.tail_ratio': { unit: 'ratio', description: 'p99/p50' } });
  const weighted = (w: number) =>
    oneCause({ id: 'queueing', title: 'Requests queue', supports: [{ obs: 'latency.tail_ratio', above: 3, weight: w }, { obs: 'symptom.reported', in: ['p99'], weight: 1 }] });
  const obs = [said('symptom.reported', 'p99', 'reported: "p99"'), said('latency.tail_ratio', 9, 'p99/p50 = 9')];
  it('list nothing on their own, and do not lift weak evidence to medium', () => {
    expect(rankCauses([said('symptom.reported', 'p99', 'reported: "p99"')], [weighted(2)])).toEqual([]);
    expect(rankCauses(obs, [weighted(1.5)])).toEqual([]);
  });
  it('add to evidence that already makes a cause plausible', () => {
    expect(rankCauses(obs, [weighted(2)])[0]).toMatchObject({ score: 3, likelihood: 'medium', evidence: ['p99/p50 = 9 [investigate]', 'reported: "p99" [investigate]'] });
  });
});

describe('subject', () => {
  const profile = observer('profile', { 'stage.share': { unit: 'ratio', description: 'share of the request per stage' } });
  const cause = oneCause({ id: 'slow-inference', title: 'Inference is slow', layer: 'model', supports: [{ obs: 'stage.share', subject: 'inference', atLeast: 0.8, weight: 4 }] });
  it('a clue may name the subject it is about', () => {
    expect(rankCauses([profile('stage.share', 0.94, 'preprocess 94 %', { subject: 'preprocess' })], [cause])).toEqual([]);
    expect(rankCauses([profile('stage.share', 0.94, 'inference 94 %', { subject: 'inference' })], [cause])[0]?.likelihood).toBe('high');
  });
});

describe('and', () => {
  const o = observer('x', {
    'errors.rate': { unit: 'ratio', description: 'errors' },
    'change.rollout_age': { unit: 's', description: 'since the rollout' },
  });
  const cause = oneCause({
    id: 'bad-deploy',
    title: 'The deploy',
    category: 'errors',
    supports: [
      { obs: 'errors.rate', above: 0.02, weight: 1 },
      { obs: 'change.rollout_age', atMost: 3600, and: [{ obs: 'errors.rate', above: 0.02 }], weight: 2, says: 'errors while the rollout is recent: {text}' },
    ],
  });
  it('evidence only the combination gives: neither a recent rollout nor errors alone points at the deploy', () => {
    expect(rankCauses([o('errors.rate', 0.08, '8 % errors')], [cause])).toEqual([]);
    expect(rankCauses([o('change.rollout_age', 900, 'rollout 15 min ago')], [cause])).toEqual([]);
    const both = rankCauses([o('errors.rate', 0.08, '8 % errors'), o('change.rollout_age', 900, 'rollout 15 min ago')], [cause]);
    expect(both[0]).toMatchObject({ score: 3, likelihood: 'medium' });
    expect(both[0]!.evidence[1]).toBe('errors while the rollout is recent: rollout 15 min ago, with 8 % errors [x]');
  });
});
