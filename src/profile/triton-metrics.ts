// Triton-style server-side timing from a Prometheus metrics endpoint: Triton Inference Server
// exports cumulative per-model counters (nv_inference_queue_duration_us, …compute_input…,
// …compute_infer…, …compute_output…, nv_inference_request_success). Two scrapes around a load
// level give, per model, the average time a request spent in each server stage during it.

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

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;

/** Label value escapes of the text format: `\\`, `\"`, `\n`. */
function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Reads the Triton counters out of Prometheus text exposition; other metrics are ignored. */
export function parseTritonCounters(text: string): TritonCounters {
  const out: TritonCounters = new Map();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line.trim());
    if (!m) continue;
    const key = BY_METRIC.get(m[1] as string);
    const value = Number(m[3]);
    if (key === undefined || !Number.isFinite(value)) continue;
    let model = '';
    for (const [, name, v] of (m[2] ?? '').matchAll(LABEL)) if (name === 'model') model = unescapeLabel(v ?? '');
    const counters = out.get(model) ?? { requests: 0, requestUs: 0, queueUs: 0, computeInputUs: 0, computeInferUs: 0, computeOutputUs: 0 };
    counters[key] += value;
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
