// Triton-style server-side timing from a Prometheus metrics endpoint: Triton Inference Server
// exports cumulative per-model counters (nv_inference_queue_duration_us, …compute_input…,
// …compute_infer…, …compute_output…, nv_inference_request_success). Two scrapes around a load
// level give, per model, the average time a request spent in each server stage during it.
import { parseSample, type Sample } from '../prometheus/exposition.ts';

/** The cumulative counters read, by Triton metric name. */
const COUNTERS = {
  requests: 'nv_inference_request_success',
  requestUs: 'nv_inference_request_duration_us',
  queueUs: 'nv_inference_queue_duration_us',
  computeInputUs: 'nv_inference_compute_input_duration_us',
  computeInferUs: 'nv_inference_compute_infer_duration_us',
  computeOutputUs: 'nv_inference_compute_output_duration_us',
} as const;

type CounterKey = keyof typeof COUNTERS;
const BY_METRIC = new Map<string, CounterKey>(Object.entries(COUNTERS).map(([k, v]) => [v, k as CounterKey]));

/** Triton counters of one scrape, summed over versions, keyed by the `model` label. */
export type TritonCounters = Map<string, Record<CounterKey, number>>;

/** Average per successful request of one model over a load level, ms. */
export interface TritonModelTimes {
  model: string;
  /** Successful requests the model served between the two scrapes. */
  requests: number;
  /** nv_inference_request_duration_us: the whole request inside Triton. */
  requestMs: number;
  queueMs: number;
  computeInputMs: number;
  computeInferMs: number;
  computeOutputMs: number;
}

/**
 * Reads the Triton counters out of Prometheus text exposition; other metrics are ignored, and so
 * is a malformed line (unlike a whole-scrape parse, one bad line costs only its own sample).
 */
export function parseTritonCounters(text: string): TritonCounters {
  const out: TritonCounters = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let sample: Sample;
    try {
      sample = parseSample(line);
    } catch {
      continue;
    }
    const key = BY_METRIC.get(sample.name);
    if (key === undefined || !Number.isFinite(sample.value)) continue;
    const model = sample.labels.model ?? '';
    const counters = out.get(model) ?? { requests: 0, requestUs: 0, queueUs: 0, computeInputUs: 0, computeInferUs: 0, computeOutputUs: 0 };
    counters[key] += sample.value;
    out.set(model, counters);
  }
  return out;
}

/**
 * Per-request stage times of each model that served requests between two scrapes (counter
 * deltas divided by the delta of successful requests — Triton accumulates durations for
 * successful requests). Models with no new requests are left out.
 */
export function tritonStageTimes(before: TritonCounters, after: TritonCounters): TritonModelTimes[] {
  const out: TritonModelTimes[] = [];
  for (const [model, a] of after) {
    const b = before.get(model);
    const delta = (k: CounterKey) => a[k] - (b?.[k] ?? 0);
    const requests = delta('requests');
    if (!(requests > 0)) continue;
    const perRequestMs = (k: CounterKey) => delta(k) / requests / 1000;
    out.push({
      model,
      requests,
      requestMs: perRequestMs('requestUs'),
      queueMs: perRequestMs('queueUs'),
      computeInputMs: perRequestMs('computeInputUs'),
      computeInferMs: perRequestMs('computeInferUs'),
      computeOutputMs: perRequestMs('computeOutputUs'),
    });
  }
  return out;
}
