import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import { latencyHistogram } from '../../src/prometheus/latency-histogram.ts';

const two = parseExposition(
  [
    '# TYPE grpc_server_handling_seconds histogram',
    'grpc_server_handling_seconds_bucket{le="0.1"} 900',
    'grpc_server_handling_seconds_bucket{le="+Inf"} 1000',
    '# TYPE db_query_duration_seconds histogram',
    'db_query_duration_seconds_bucket{le="0.1"} 5',
    'db_query_duration_seconds_bucket{le="+Inf"} 10',
    '# TYPE inference_latency_seconds histogram',
    'inference_latency_seconds_bucket{model="a",le="0.1"} 30',
    'inference_latency_seconds_bucket{model="a",le="+Inf"} 40',
    'inference_latency_seconds_bucket{model="b",le="0.1"} 2',
    'inference_latency_seconds_bucket{model="b",le="+Inf"} 4',
    '# TYPE queue_wait_milliseconds histogram',
    'queue_wait_milliseconds_bucket{le="5"} 1',
    'queue_wait_milliseconds_bucket{le="+Inf"} 2',
  ].join('\n'),
);

describe('latencyHistogram', () => {
  it('auto-detects *_duration_seconds / *_latency_seconds, takes the busiest and sums its label sets', () => {
    const found = latencyHistogram(two);
    expect(found?.histogram.name).toBe('inference_latency_seconds');
    expect(found?.series).toBe(2);
    expect(found?.histogram.buckets).toEqual([{ le: 0.1, count: 32 }, { le: Infinity, count: 44 }]);
    expect(found?.toMs).toBe(1000);
    expect(found?.others).toEqual(['db_query_duration_seconds']);
  });

  it('uses the named histogram, with or without the _bucket suffix, and its unit', () => {
    expect(latencyHistogram(two, 'grpc_server_handling_seconds')?.histogram.buckets.at(-1)?.count).toBe(1000);
    expect(latencyHistogram(two, 'db_query_duration_seconds_bucket')?.histogram.name).toBe('db_query_duration_seconds');
    expect(latencyHistogram(two, 'queue_wait_milliseconds')?.toMs).toBe(1);
    expect(latencyHistogram(two, 'nope_seconds')).toBeNull();
  });

  it('finds the one in the realistic scrape and nothing where no histogram is exported', () => {
    const exp = parseExposition(readFileSync(new URL('./fixtures/inference-service.prom', import.meta.url), 'utf8'));
    expect(latencyHistogram(exp)?.histogram.name).toBe('http_request_duration_seconds');
    expect(latencyHistogram(parseExposition('# TYPE up gauge\nup 1\n'))).toBeNull();
  });

  it('does not take a GC pause histogram for the request latency, even when it counts more', () => {
    // prom-client's default nodejs_gc_duration_seconds (lib/metrics/gc.js) beside a request histogram.
    const exp = parseExposition(
      [
        '# TYPE nodejs_gc_duration_seconds histogram',
        'nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 900',
        'nodejs_gc_duration_seconds_bucket{le="+Inf",kind="minor"} 1000',
        'nodejs_gc_duration_seconds_count{kind="minor"} 1000',
        '# TYPE http_request_duration_seconds histogram',
        'http_request_duration_seconds_bucket{le="0.1"} 40',
        'http_request_duration_seconds_bucket{le="+Inf"} 50',
        'http_request_duration_seconds_count 50',
      ].join('\n'),
    );
    expect(latencyHistogram(exp)?.histogram.name).toBe('http_request_duration_seconds');
    expect(latencyHistogram(exp, 'nodejs_gc_duration_seconds')?.histogram.name).toBe('nodejs_gc_duration_seconds');
  });
});
