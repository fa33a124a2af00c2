// The sample server's own Prometheus metrics, written in text exposition format 0.0.4: a request
// latency histogram, a request counter by route, model and status, in-flight and queued requests,
// the process start time and memory gauges. Small on purpose — just enough to be a realistic
// scrape target for the `health` diagnostic. A restart starts a fresh ServerMetrics, as a real
// process would.

/** Latency bucket upper bounds, seconds: 1 ms to 10 s, the range a model endpoint lives in. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServerMetrics {
  readonly #bucketCounts = LATENCY_BUCKETS.map(() => 0);
  #latencySum = 0;
  #latencyCount = 0;
  /** Counts by `route\u0000model\u0000status`. */
  readonly #requests = new Map<string, number>();
  /** Bytes held on purpose by the memory-growth fault. */
  retainedBytes = 0;
  /** When this (simulated) process started, ms since the epoch. */
  readonly startedAtMs: number;

  constructor(startedAtMs: number = Date.now()) {
    this.startedAtMs = startedAtMs;
  }

  observeRequest(labels: { route: string; model: string }, status: number, seconds: number): void {
    LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.#bucketCounts[i] = (this.#bucketCounts[i] ?? 0) + 1;
    });
    this.#latencySum += seconds;
    this.#latencyCount += 1;
    const key = [labels.route, labels.model, String(status)].join('\u0000');
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  /** The exposition text (Content-Type `text/plain; version=0.0.4`). */
  render(load: { inFlight: number; queued: number }): string {
    const mem = process.memoryUsage();
    const lines = [
      '# HELP model_request_duration_seconds Time to answer a prediction request, including queueing.',
      '# TYPE model_request_duration_seconds histogram',
      ...LATENCY_BUCKETS.map((le, i) => `model_request_duration_seconds_bucket{le="${le}"} ${this.#bucketCounts[i]}`),
      `model_request_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `model_request_duration_seconds_sum ${this.#latencySum}`,
      `model_request_duration_seconds_count ${this.#latencyCount}`,
      '# HELP model_requests_total Prediction requests by route, model and HTTP status.',
      '# TYPE model_requests_total counter',
      ...[...this.#requests].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, n]) => {
        const [route, model, status] = key.split('\u0000');
        return `model_requests_total{route="${escapeLabel(route ?? '')}",model="${escapeLabel(model ?? '')}",status="${status}"} ${n}`;
      }),
      '# HELP model_requests_in_flight Prediction requests being worked on now.',
      '# TYPE model_requests_in_flight gauge',
      `model_requests_in_flight ${load.inFlight}`,
      '# HELP model_requests_queued Prediction requests waiting for a slot under the concurrency cap.',
      '# TYPE model_requests_queued gauge',
      `model_requests_queued ${load.queued}`,
      '# HELP model_fault_retained_bytes Bytes retained by the memory-growth fault.',
      '# TYPE model_fault_retained_bytes gauge',
      `model_fault_retained_bytes ${this.retainedBytes}`,
      '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${this.startedAtMs / 1000}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${mem.rss}`,
      '# HELP nodejs_heap_size_used_bytes V8 heap used in bytes.',
      '# TYPE nodejs_heap_size_used_bytes gauge',
      `nodejs_heap_size_used_bytes ${mem.heapUsed}`,
      '# HELP nodejs_heap_size_total_bytes V8 heap size in bytes.',
      '# TYPE nodejs_heap_size_total_bytes gauge',
      `nodejs_heap_size_total_bytes ${mem.heapTotal}`,
      '# HELP nodejs_external_memory_bytes Memory of C++ objects bound to JS objects (Buffers), in bytes.',
      '# TYPE nodejs_external_memory_bytes gauge',
      `nodejs_external_memory_bytes ${mem.external}`,
    ];
    return lines.join('\n') + '\n';
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
