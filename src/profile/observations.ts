// What a profile observed, as typed facts for the diagnosis engine (src/diagnosis/): per-stage
// distributions and the owner of the tail, the shape of the concurrency sweep, errors by load
// level and status, TTFB against the total (endpoint mode); operator and operator-class shares,
// batch, thread and graph-optimization scaling, cold start and CUDA (model mode). The facts that
// speak against a cause are emitted too (a flat sweep, no errors, no Server-Timing). What they
// mean is for src/diagnosis/causes/serving.yaml and model-compute.yaml to say.
import { observer, type Observation, type ObservationVocabulary } from '../diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../diagnosis/vocabulary.ts';
import type { EndpointProfile } from './endpoint.ts';
import type { ModelProfile } from './model-profile.ts';
import { OP_CLASSES, opClass, type OpClass } from './op-classes.ts';
import { CONTROL_FLOW_OPS } from './ort-trace.ts';
import { NETWORK_STAGE, STAGE_CLASSES, type StageClass } from './stage-stats.ts';
import { FIXED_DELAY_MIN_MS, SATURATION_MIN_ADDED_MS, SWEEP_SHAPES, sweepShape } from './sweep-shape.ts';

const STAGE_CLASS_WORDS: Record<StageClass, string> = {
  queue: 'waiting before the work (queue, batcher)',
  preprocess: 'preprocessing (decode, tokenize, features)',
  inference: 'model inference',
  postprocess: 'postprocessing (encode, serialize)',
  other: 'server stages of no known kind',
  network: 'client-observed time outside every server stage (network, proxy, event loop)',
};

const stageClassVocabulary = Object.fromEntries(
  STAGE_CLASSES.flatMap((c) => [
    [`stage.${c}_ms`, { unit: 'ms', description: `median time per request in ${STAGE_CLASS_WORDS[c]}, at the lowest concurrency` }],
    [`stage.${c}_share`, { unit: 'ratio', description: `${STAGE_CLASS_WORDS[c]}: its median ÷ the median request, at the lowest concurrency` }],
  ]),
) as Record<`stage.${StageClass}_${'ms' | 'share'}`, { unit: string; description: string }>;

const opClassVocabulary = Object.fromEntries(
  OP_CLASSES.filter((c) => c !== 'control-flow').map((c) => [
    `model.${c.replace('-', '_')}_share`,
    { unit: 'ratio', description: `share (0–1) of kernel time in ${c} operators (onnxruntime profiler)` },
  ]),
) as Record<string, { unit: string; description: string }>;

/** Every observation name `profile` may emit. */
export const PROFILE_VOCABULARY = {
  ...TARGET_VOCABULARY,
  // endpoint mode
  'endpoint.latency_p50': { unit: 'ms', description: 'median client-observed latency at the lowest concurrency' },
  'endpoint.latency_p99': { unit: 'ms', description: '99th percentile client-observed latency at the lowest concurrency' },
  'endpoint.tail_ratio': { unit: 'ratio', description: 'p99 ÷ p50 at the lowest concurrency' },
  'endpoint.ttfb_share': { unit: 'ratio', description: 'median time to first byte ÷ median total: near 1 = time spent before the answer starts, low = a slow body transfer' },
  'endpoint.error_rate': { unit: 'ratio', description: 'failed requests (status ≥ 400 or no response) over the whole sweep' },
  'endpoint.error_rate_low_load': { unit: 'ratio', description: 'failed requests at the lowest concurrency' },
  'endpoint.error_rate_high_load': { unit: 'ratio', description: 'failed requests at the highest concurrency' },
  'endpoint.status_share': { unit: 'ratio', description: 'share of all requests answered with this failing status or transport error (subject)' },
  'endpoint.client_error_share': { unit: 'ratio', description: 'share of requests answered 4xx other than 429/408: the server rejects the request itself (malformed, too large, unauthorised)' },
  'endpoint.shed_share': { unit: 'ratio', description: 'share of requests refused as overload (429 or 503)' },
  'endpoint.server_timing': { unit: 'boolean', description: 'whether the responses carried a Server-Timing breakdown' },
  'stage.share': { unit: 'ratio', description: 'a server stage (subject) as a share of the median request: its median ÷ the median total, at the lowest concurrency' },
  'stage.p50': { unit: 'ms', description: 'median time in a server stage (subject), at the lowest concurrency' },
  'stage.p99': { unit: 'ms', description: '99th percentile time in a server stage (subject), at the lowest concurrency' },
  ...stageClassVocabulary,
  'stage.tail_owner': { unit: 'label', description: 'the stage (value and subject) where the slowest 5 % of requests spent most of their extra time' },
  'stage.tail_owner_share': { unit: 'ratio', description: "the tail owner's share of the slowest requests' extra time" },
  'stage.tail_excess': { unit: 'ms', description: 'extra time the slowest 5 % of requests spent in the tail-owning stage (subject), over its median' },
  'stage.error_owner': { unit: 'label', description: 'the stage (value and subject) most failed requests stopped in, from their Server-Timing' },
  'stage.error_owner_share': { unit: 'ratio', description: 'share of the failed requests (that named a stage) that stopped in the error owner' },
  'stage.queue_growth': { unit: 'ms', description: 'how much the median time in queue stages grew from the lowest to the highest concurrency' },
  'stage.work_growth': { unit: 'ratio', description: 'median time in the non-waiting server stages at the highest concurrency ÷ at the lowest' },
  'sweep.shape': {
    unit: 'label',
    description: `the concurrency sweep's shape: ${SWEEP_SHAPES.join(' | ')} — latency flat (p50 ≥ ${FIXED_DELAY_MIN_MS} ms) while throughput grows | latency grows by ≥ ${SATURATION_MIN_ADDED_MS} ms while throughput flattens | neither (it scales, or the amounts are small)`,
  },
  'sweep.latency_growth': { unit: 'ratio', description: 'p50 at the highest concurrency ÷ p50 at the lowest' },
  'sweep.added_latency': { unit: 'ms', description: 'p50 at the highest concurrency minus p50 at the lowest: the wait load adds to a request' },
  'sweep.throughput_gain': { unit: 'ratio', description: 'throughput at the highest concurrency ÷ at the lowest' },
  'sweep.efficiency': { unit: 'ratio', description: 'throughput gain ÷ concurrency ratio: 1 = throughput grows with concurrency, 0 = flat' },
  'sweep.knee_concurrency': { unit: 'count', description: 'the highest concurrency up to which throughput still grew' },
  // model mode
  'model.latency_p50': { unit: 'ms', description: 'median session.run latency (CPU, default options)' },
  'model.latency_p99': { unit: 'ms', description: '99th percentile session.run latency' },
  'model.tail_ratio': { unit: 'ratio', description: 'p99 ÷ p50 of session.run' },
  'model.op_share': { unit: 'ratio', description: 'an operator type (subject) as a share of kernel time' },
  'model.op_class_share': { unit: 'ratio', description: `an operator class (subject: ${OP_CLASSES.join(', ')}) as a share of kernel time` },
  ...opClassVocabulary,
  'model.top_op': { unit: 'label', description: 'the operator type with the most kernel time (value and subject)' },
  'model.top_op_share': { unit: 'ratio', description: "the top operator's share of kernel time (subject = operator)" },
  'model.control_flow_calls': { unit: 'count', description: 'If/Loop/Scan invocations per run' },
  'model.tiny_kernel_calls': { unit: 'count', description: 'kernel calls per run whose operator type takes under 20 µs a call (median): many of them means dispatch cost, not arithmetic' },
  'model.overhead_share': { unit: 'ratio', description: 'share of a run outside leaf kernels (scheduling, allocation, control-flow bookkeeping)' },
  'model.batch_scaling': { unit: 'ratio', description: 'samples/s at the best batch size ÷ at the smallest' },
  'model.batch_best': { unit: 'count', description: 'batch size with the most samples/s' },
  'model.thread_gain': { unit: 'ratio', description: "p50 with onnxruntime's default threads ÷ p50 with the best thread count (> 1: a setting beats the default)" },
  'model.thread_best': { unit: 'count', description: 'intra-op thread count with the lowest p50' },
  'model.single_thread_ratio': { unit: 'ratio', description: 'p50 with 1 intra-op thread ÷ the best p50 (near 1: more threads buy nothing)' },
  'model.graph_opt_gain': { unit: 'ratio', description: "p50 at the slowest graph optimization level ÷ p50 at 'all'" },
  'model.graph_opt_all_penalty': { unit: 'ratio', description: "p50 at 'all' ÷ the best level's p50 (> 1: 'all' is not the fastest)" },
  'model.cold_start': { unit: 'ms', description: 'session creation time (what a new replica pays before its first answer)' },
  'model.cuda_available': { unit: 'boolean', description: 'whether the CUDA execution provider could run here' },
  'model.cuda_speedup': { unit: 'ratio', description: 'CPU p50 ÷ CUDA p50' },
  'model.concurrency_gain': { unit: 'ratio', description: 'throughput with the most concurrent sessions ÷ with one' },
} as const satisfies ObservationVocabulary;

const observe = observer('profile', PROFILE_VOCABULARY);

const ms = (x: number): string => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
const times = (x: number): string => `×${x.toFixed(x < 10 ? 2 : 0)}`;

/** Observations of an endpoint profile. */
export function endpointObservations(p: EndpointProfile): Observation[] {
  const out: Observation[] = [observe('target.url', p.url, `endpoint ${p.url}`)];
  const levels = p.levels.filter((l) => l.requests > 0);
  const ref = levels[0];
  const last = levels.at(-1);
  if (ref === undefined || last === undefined) return out;
  const window = (l: { durationMs: number }) => l.durationMs / 1000;
  const requests = levels.reduce((s, l) => s + l.requests, 0);
  const failed = levels.reduce((s, l) => s + Math.round(l.errorRate * l.requests), 0);
  const l = ref.latencyMs;
  const at = `at concurrency ${ref.concurrency}`;

  if (l.count > 0) {
    out.push(observe('endpoint.latency_p50', l.p50, `p50 ${ms(l.p50)} ${at} (${l.count} requests)`, { windowSeconds: window(ref), sampleSize: l.count }));
    out.push(observe('endpoint.latency_p99', l.p99, `p99 ${ms(l.p99)} ${at} (${l.count} requests)`, { windowSeconds: window(ref), sampleSize: l.count }));
    if (l.p50 > 0) out.push(observe('endpoint.tail_ratio', l.p99 / l.p50, `p99/p50 ${(l.p99 / l.p50).toFixed(1)} ${at} (p99 ${ms(l.p99)}, p50 ${ms(l.p50)})`, { windowSeconds: window(ref), sampleSize: l.count }));
    if (ref.ttfbMs.count > 0 && l.p50 > 0) {
      const share = ref.ttfbMs.p50 / l.p50;
      out.push(observe('endpoint.ttfb_share', share, `time to first byte p50 ${ms(ref.ttfbMs.p50)} of ${ms(l.p50)} total (${pct(share)})`, { sampleSize: ref.ttfbMs.count }));
    }
  }

  out.push(observe('endpoint.error_rate', requests > 0 ? failed / requests : 0, `${failed} of ${requests} requests failed over the sweep (${pct(requests > 0 ? failed / requests : 0)})`, { sampleSize: requests, windowSeconds: levels.reduce((s, x) => s + window(x), 0) }));
  out.push(observe('endpoint.error_rate_low_load', ref.errorRate, `${pct(ref.errorRate)} of ${ref.requests} requests failed ${at}`, { sampleSize: ref.requests, windowSeconds: window(ref) }));
  if (last !== ref) out.push(observe('endpoint.error_rate_high_load', last.errorRate, `${pct(last.errorRate)} of ${last.requests} requests failed at concurrency ${last.concurrency}`, { sampleSize: last.requests, windowSeconds: window(last) }));
  const statuses: Record<string, number> = {};
  for (const x of levels) for (const [k, v] of Object.entries(x.statusCodes)) statuses[k] = (statuses[k] ?? 0) + v;
  let shed = 0;
  for (const [code, n] of Object.entries(statuses).sort((a, b) => b[1] - a[1])) {
    if (/^[23]\d\d$/.test(code)) continue;
    if (code === '429' || code === '503') shed += n;
    out.push(observe('endpoint.status_share', n / requests, `${n} of ${requests} requests got ${/^\d+$/.test(code) ? `HTTP ${code}` : code}`, { subject: code, sampleSize: requests }));
  }
  const client = Object.entries(statuses).filter(([code]) => /^4\d\d$/.test(code) && code !== '429' && code !== '408');
  const clientN = client.reduce((sum, [, n]) => sum + n, 0);
  out.push(observe('endpoint.client_error_share', requests > 0 ? clientN / requests : 0, clientN > 0 ? `${clientN} of ${requests} requests refused as bad requests (${client.map(([c, n]) => `${n}× HTTP ${c}`).join(', ')}): the server rejects the request itself` : `no request refused as a bad request (4xx) in ${requests}`, { sampleSize: requests }));
  out.push(observe('endpoint.shed_share', shed / requests, shed > 0 ? `${shed} of ${requests} requests refused as overload (429/503)` : `no request refused as overload (429/503) in ${requests}`, { sampleSize: requests }));

  const st = ref.stages;
  const timed = st !== undefined && st.responses > 0;
  out.push(observe('endpoint.server_timing', timed, timed ? `${st.responses} responses carried Server-Timing (${st.stages.filter((s) => s.name !== NETWORK_STAGE).map((s) => s.name).join(', ')})` : 'the responses carried no Server-Timing: no per-stage breakdown'));
  if (!timed && p.breakdownSource === 'triton-metrics') {
    // Triton's own counters (means over the reference level) stand in for Server-Timing: its queue
    // (scheduler and dynamic batcher) and its compute_infer, per request.
    const requestsAt = { sampleSize: ref.requests, windowSeconds: window(ref) };
    const fromTriton: Array<[string, 'queue' | 'inference']> = [['queue', 'queue'], ['compute_infer', 'inference']];
    for (const [name, cls] of fromTriton) {
      const b = p.breakdown.find((x) => x.name === name);
      if (!b) continue;
      const extra = { ...requestsAt, subject: name };
      out.push(observe(`stage.${cls}_ms`, b.ms, `Triton ${name} takes ${ms(b.ms)} per request (mean, from its metrics) ${at}`, extra));
      out.push(observe(`stage.${cls}_share`, b.share, `Triton ${name} is ${pct(b.share)} of the mean request (${ms(b.ms)}) ${at}`, extra));
    }
  }
  if (st !== undefined && timed) {
    for (const s of st.stages) {
      const extra = { subject: s.name, sampleSize: st.responses, windowSeconds: window(ref) };
      out.push(observe('stage.share', s.share, `${s.name}: p50 ${ms(s.p50)} = ${pct(s.share)} of the median request ${at}`, extra));
      out.push(observe('stage.p50', s.p50, `${s.name} p50 ${ms(s.p50)} ${at}`, extra));
      out.push(observe('stage.p99', s.p99, `${s.name} p99 ${ms(s.p99)} (p50 ${ms(s.p50)}) ${at}`, extra));
    }
    for (const c of st.classes) {
      const names = st.stages.filter((s) => s.class === c.class).map((s) => s.name).join('+');
      const extra = { subject: names, sampleSize: st.responses, windowSeconds: window(ref) };
      out.push(observe(`stage.${c.class}_ms`, c.p50, `${names} takes ${ms(c.p50)} per request (p50, p99 ${ms(c.p99)}) ${at}`, extra));
      out.push(observe(`stage.${c.class}_share`, c.share, `${names} is ${pct(c.share)} of the median request (${ms(c.p50)} of ${ms(st.totalP50)}) ${at}`, extra));
    }
    if (st.tail) {
      const t = st.tail;
      const excess = t.excessMs[t.owner] ?? 0;
      const extra = { subject: t.owner, sampleSize: t.responses, windowSeconds: window(ref) };
      const words = `the slowest ${t.responses} requests (mean ${ms(t.meanTotalMs)}) spent ${ms(excess)} more than usual in ${t.owner}, ${pct(t.ownerShare)} of their extra time`;
      out.push(observe('stage.tail_owner', t.owner, words, extra));
      out.push(observe('stage.tail_owner_share', t.ownerShare, words, extra));
      out.push(observe('stage.tail_excess', excess, words, extra));
    }
  }
  const failedIn: Record<string, number> = {};
  for (const x of levels) for (const [k, v] of Object.entries(x.stages?.failedIn ?? {})) failedIn[k] = (failedIn[k] ?? 0) + v;
  const namedFailures = Object.values(failedIn).reduce((s, v) => s + v, 0);
  const [owner, ownerCount] = Object.entries(failedIn).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (owner !== undefined && ownerCount !== undefined) {
    const words = `${ownerCount} of ${namedFailures} failed requests stopped in ${owner} (the last stage their Server-Timing names)`;
    out.push(observe('stage.error_owner', owner, words, { subject: owner, sampleSize: namedFailures }));
    out.push(observe('stage.error_owner_share', ownerCount / namedFailures, words, { subject: owner, sampleSize: namedFailures }));
  }

  if (last !== ref && last.stages !== undefined && st !== undefined && timed && last.stages.responses > 0) {
    const queueMs = (d: typeof st) => d.classes.filter((c) => c.class === 'queue').reduce((s, c) => s + c.p50, 0);
    const workMs = (d: typeof st) => d.classes.filter((c) => c.class !== 'queue' && c.class !== 'network').reduce((s, c) => s + c.p50, 0);
    const growth = queueMs(last.stages) - queueMs(st);
    const queueNames = st.classes.some((c) => c.class === 'queue') || last.stages.classes.some((c) => c.class === 'queue');
    if (queueNames) out.push(observe('stage.queue_growth', growth, `queue stages p50 ${ms(queueMs(st))} at concurrency ${ref.concurrency} → ${ms(queueMs(last.stages))} at ${last.concurrency}`, { sampleSize: last.stages.responses }));
    if (workMs(st) > 0) {
      const ratio = workMs(last.stages) / workMs(st);
      out.push(observe('stage.work_growth', ratio, `work stages p50 ${ms(workMs(st))} at concurrency ${ref.concurrency} → ${ms(workMs(last.stages))} at ${last.concurrency} (${times(ratio)})`, { sampleSize: last.stages.responses }));
    }
  }

  const shape = sweepShape(levels.filter((x) => x.latencyMs.count > 0).map((x) => ({ concurrency: x.concurrency, p50Ms: x.latencyMs.p50, throughputPerSec: x.throughputPerSec })));
  if (shape) {
    const { from, to } = shape;
    const words = `concurrency ${from.concurrency} → ${to.concurrency}: p50 ${ms(from.p50Ms)} → ${ms(to.p50Ms)} (${times(shape.latencyGrowth)}), throughput ${from.throughputPerSec.toFixed(0)} → ${to.throughputPerSec.toFixed(0)} requests/s (${times(shape.throughputGain)})`;
    const n = levels.reduce((s, x) => s + x.latencyMs.count, 0);
    out.push(observe('sweep.shape', shape.shape, `${shape.shape}: ${words}`, { sampleSize: n }));
    out.push(observe('sweep.latency_growth', shape.latencyGrowth, words, { sampleSize: n }));
    out.push(observe('sweep.added_latency', shape.addedLatencyMs, `load adds ${ms(shape.addedLatencyMs)} to the median request (${words})`, { sampleSize: n }));
    out.push(observe('sweep.throughput_gain', shape.throughputGain, words, { sampleSize: n }));
    out.push(observe('sweep.efficiency', shape.efficiency, `throughput grew ${times(shape.throughputGain)} for ${times(to.concurrency / from.concurrency)} the concurrency (efficiency ${shape.efficiency.toFixed(2)})`, { sampleSize: n }));
    out.push(observe('sweep.knee_concurrency', shape.kneeConcurrency, `throughput stops growing after concurrency ${shape.kneeConcurrency}`, { sampleSize: n }));
  }
  return out;
}

/** A kernel call shorter than this (ms) does too little work to be worth its launch. */
const TINY_KERNEL_MS = 0.02;

/** Observations of a model profile. */
export function modelObservations(p: ModelProfile): Observation[] {
  const out: Observation[] = [observe('target.model', p.label, `model ${p.label}`)];
  const m = p.measurement;
  const l = m.latency;
  const runs = { sampleSize: m.iterations, windowSeconds: m.elapsedMs / 1000 };
  out.push(observe('model.latency_p50', l.p50, `session.run p50 ${ms(l.p50)} at batch ${p.batchSize} (${m.iterations} runs)`, runs));
  out.push(observe('model.latency_p99', l.p99, `session.run p99 ${ms(l.p99)} at batch ${p.batchSize} (${m.iterations} runs)`, runs));
  if (l.p50 > 0) out.push(observe('model.tail_ratio', l.p99 / l.p50, `session.run p99/p50 ${(l.p99 / l.p50).toFixed(1)} (p99 ${ms(l.p99)}, p50 ${ms(l.p50)})`, runs));
  out.push(observe('model.cold_start', p.coldStartMs, `session creation took ${ms(p.coldStartMs)}`));

  const t = p.trace;
  const traced = { sampleSize: t.runs };
  for (const o of t.operators.slice(0, 10)) {
    out.push(observe('model.op_share', o.share, `${o.op} takes ${pct(o.share)} of kernel time (${ms(o.ms)} per run, ${o.calls.toFixed(o.calls < 10 ? 1 : 0)} calls per run, ${o.provider})`, { ...traced, subject: o.op }));
  }
  const byClass = new Map<OpClass, { share: number; ops: string[] }>();
  for (const o of t.operators) {
    const c = opClass(o.op);
    const e = byClass.get(c) ?? { share: 0, ops: [] };
    e.share += o.share;
    if (!e.ops.includes(o.op)) e.ops.push(o.op);
    byClass.set(c, e);
  }
  if (t.operators.length > 0) {
    for (const c of OP_CLASSES) {
      if (c === 'control-flow') continue;
      const e = byClass.get(c) ?? { share: 0, ops: [] };
      const words = e.ops.length > 0 ? `${c} operators (${e.ops.slice(0, 4).join(', ')}${e.ops.length > 4 ? ', …' : ''}) take ${pct(e.share)} of kernel time` : `no ${c} operator in the profile`;
      out.push(observe('model.op_class_share', e.share, words, { ...traced, subject: c }));
      out.push(observe(`model.${c.replace('-', '_')}_share`, e.share, words, { ...traced, subject: e.ops.slice(0, 3).join(', ') || c }));
    }
    const top = t.operators[0];
    if (top) {
      out.push(observe('model.top_op', top.op, `${top.op} (${opClass(top.op)}) is the top operator: ${pct(top.share)} of kernel time`, { ...traced, subject: top.op }));
      out.push(observe('model.top_op_share', top.share, `${top.op} (${opClass(top.op)}) takes ${pct(top.share)} of kernel time`, { ...traced, subject: top.op }));
    }
  }
  // Kernels too short to be worth a launch: many calls per run, each a few microseconds, are dispatch cost, not arithmetic.
  const tiny = t.operators.filter((o) => o.calls > 0 && o.medianCallUs < TINY_KERNEL_MS * 1000);
  const tinyCalls = tiny.reduce((n, o) => n + o.calls, 0);
  if (t.operators.length > 0) {
    out.push(
      observe(
        'model.tiny_kernel_calls',
        tinyCalls,
        tinyCalls > 0
          ? `${tinyCalls.toFixed(0)} kernel calls per run take under ${TINY_KERNEL_MS * 1000} µs each (median per call; ${tiny.slice(0, 4).map((o) => `${o.op} ×${o.calls.toFixed(0)}`).join(', ')}), ${pct(tiny.reduce((x, o) => x + o.share, 0))} of kernel time`
          : `no kernel call under ${TINY_KERNEL_MS * 1000} µs`,
        traced,
      ),
    );
  }
  out.push(observe('model.control_flow_calls', t.controlFlowCalls, t.controlFlowCalls > 0 ? `${t.controlFlowCalls.toFixed(1)} ${[...CONTROL_FLOW_OPS].join('/')} invocations per run` : 'no If/Loop/Scan in a run', traced));
  if (t.modelRunMs > 0) {
    const overhead = Math.max(0, 1 - t.kernelMs / t.modelRunMs);
    out.push(observe('model.overhead_share', overhead, `${pct(overhead)} of a run (${ms(t.modelRunMs)}) is outside leaf kernels (${ms(t.kernelMs)} in kernels)`, traced));
  }

  const batch = p.sweeps.batch;
  if (batch && batch.length > 1) {
    const b1 = batch[0];
    const best = batch.reduce((a, b) => (b.samplesPerSec > a.samplesPerSec ? b : a));
    if (b1 && b1.samplesPerSec > 0) {
      const gain = best.samplesPerSec / b1.samplesPerSec;
      const words = `${b1.samplesPerSec.toFixed(0)} samples/s at batch ${b1.batchSize} → ${best.samplesPerSec.toFixed(0)} at batch ${best.batchSize} (${times(gain)}; p50 ${ms(b1.latency.p50)} → ${ms(best.latency.p50)} per batch)`;
      out.push(observe('model.batch_scaling', gain, words, { sampleSize: batch.reduce((s, b) => s + b.latency.count, 0) }));
      out.push(observe('model.batch_best', best.batchSize, words));
    }
  }
  const threads = p.sweeps.threads;
  if (threads && threads.length > 0 && l.p50 > 0) {
    const best = threads.reduce((a, b) => (b.latency.p50 < a.latency.p50 ? b : a));
    const one = threads.find((x) => x.threads === 1);
    out.push(observe('model.thread_gain', l.p50 / best.latency.p50, `p50 ${ms(best.latency.p50)} with ${best.threads} intra-op thread(s) vs ${ms(l.p50)} with onnxruntime's default (${p.cores} cores)`, { sampleSize: best.latency.count }));
    out.push(observe('model.thread_best', best.threads, `${best.threads} intra-op thread(s) gave the lowest p50 (${threads.map((x) => `${x.threads}: ${ms(x.latency.p50)}`).join(', ')})`));
    if (one) out.push(observe('model.single_thread_ratio', one.latency.p50 / best.latency.p50, `p50 ${ms(one.latency.p50)} with 1 thread vs ${ms(best.latency.p50)} with ${best.threads}`, { sampleSize: one.latency.count }));
  }
  const opt = p.sweeps.optimization;
  const all = opt?.find((o) => o.level === 'all');
  if (opt && all && opt.length > 1) {
    const worst = opt.reduce((a, b) => (b.latency.p50 > a.latency.p50 ? b : a));
    const best = opt.reduce((a, b) => (b.latency.p50 < a.latency.p50 ? b : a));
    const levels = opt.map((o) => `${o.level} ${ms(o.latency.p50)}`).join(', ');
    out.push(observe('model.graph_opt_gain', worst.latency.p50 / all.latency.p50, `p50 ${ms(all.latency.p50)} at 'all' vs ${ms(worst.latency.p50)} at '${worst.level}' (${levels})`));
    out.push(observe('model.graph_opt_all_penalty', all.latency.p50 / best.latency.p50, `p50 ${ms(all.latency.p50)} at 'all' vs ${ms(best.latency.p50)} at '${best.level}' (${levels})`));
  }
  out.push(observe('model.cuda_available', p.cuda.available, p.cuda.available ? 'the CUDA execution provider runs here' : `CUDA not available: ${p.cuda.reason}`));
  if (p.cuda.available && p.cuda.latency && p.cuda.latency.p50 > 0) {
    out.push(observe('model.cuda_speedup', l.p50 / p.cuda.latency.p50, `p50 ${ms(p.cuda.latency.p50)} on CUDA vs ${ms(l.p50)} on CPU`, { sampleSize: p.cuda.latency.count }));
  }
  const conc = p.sweeps.concurrency;
  if (conc && conc.length > 1) {
    const first = conc[0];
    const lastPoint = conc.at(-1);
    if (first && lastPoint && first.throughputPerSec > 0) {
      const gain = lastPoint.throughputPerSec / first.throughputPerSec;
      out.push(observe('model.concurrency_gain', gain, `${first.throughputPerSec.toFixed(0)} inferences/s with 1 session → ${lastPoint.throughputPerSec.toFixed(0)} with ${lastPoint.concurrency} (${times(gain)})`));
    }
  }
  return out;
}
