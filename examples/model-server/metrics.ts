// The sample server's own Prometheus metrics, written in text exposition format 0.0.4: a request
// latency histogram, a request counter by status, and process memory gauges. Small on purpose —
// just enough to be a realistic scrape target for the `health` diagnostic.

/** Latency bucket upper bounds, seconds: 1 ms to 10 s, the range a model endpoint lives in. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServerMetrics {
  readonly #bucketCounts = LATENCY_BUCKETS.map(() => 0);
  #latencySum = 0;
  #latencyCount = 0;
  readonly #requestsByStatus = new Map<number, number>();
  /** Bytes held on purpose by the memory-growth fault. */
  retainedBytes = 0;

  observeRequest(status: number, seconds: number): void {
    LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.#bucketCounts[i] = (this.#bucketCounts[i] ?? 0) + 1;
    });
    this.#latencySum += seconds;
    this.#latencyCount += 1;
    this.#requestsByStatus.set(status, (this.#requestsByStatus.get(status) ?? 0) + 1);
  }

  /** The exposition text (Content-Type `text/plain; version=0.0.4`). */
  render(): string {
    const mem = process.memoryUsage();
    const lines = [
      '# HELP model_request_duration_seconds Time to answer POST /predict, including queueing.',
      '# TYPE model_request_duration_seconds histogram',
      ...LATENCY_BUCKETS.map((le, i) => `model_request_duration_seconds_bucket{le="${le}"} ${this.#bucketCounts[i]}`),
      `model_request_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `model_request_duration_seconds_sum ${this.#latencySum}`,
      `model_request_duration_seconds_count ${this.#latencyCount}`,
      '# HELP model_requests_total POST /predict requests by HTTP status.',
      '# TYPE model_requests_total counter',
      ...[...this.#requestsByStatus].sort(([a], [b]) => a - b).map(([status, n]) => `model_requests_total{status="${status}"} ${n}`),
      '# HELP model_fault_retained_bytes Bytes retained by the memory-growth fault.',
      '# TYPE model_fault_retained_bytes gauge',
      `model_fault_retained_bytes ${this.retainedBytes}`,
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
