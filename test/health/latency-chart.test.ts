import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latencyChart, latencyChartSpec } from '../../src/health/latency-chart.ts';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import { histogramQuantile } from '../../src/prometheus/histogram-quantile.ts';
import { latencyHistogram } from '../../src/prometheus/latency-histogram.ts';

// A real service's exposition: /v1/predict and /healthz series of http_request_duration_seconds.
const fixture = readFileSync(new URL('../prometheus/fixtures/inference-service.prom', import.meta.url), 'utf8');

function distribution(text: string) {
  const lat = latencyHistogram(parseExposition(text));
  if (!lat) throw new Error('no latency histogram in the test exposition');
  const { buckets } = lat.histogram;
  const ms = (q: number) => histogramQuantile(q, buckets) * lat.toMs;
  return { metric: lat.histogram.name, basis: 'since-start' as const, buckets, toMs: lat.toMs, p50Ms: ms(0.5), p99Ms: ms(0.99) };
}

describe('latency distribution chart', () => {
  it('draws one bar per bucket with that bucket’s own requests, labelled by its upper bound', () => {
    const d = distribution(fixture);
    const spec = latencyChartSpec(d);
    expect(spec.kind).toBe('bars');
    expect(spec.categories).toEqual(['≤50 ms', '≤100 ms', '≤200 ms', '≤500 ms', '≤1 s', '+Inf']);
    const bars = spec.series[0]?.values ?? [];
    expect(bars.every((v) => v >= 0)).toBe(true);
    // Adding the bars up again gives the exposition's cumulative buckets (both handlers summed).
    let running = 0;
    expect(bars.map((v) => (running += v))).toEqual([24054 + 980, 33444 + 982, 100392 + 982, 129389 + 982, 133988 + 982, 144320 + 982]);
  });

  it('names the metric and basis, and the bars where p50 and p99 fall', () => {
    const spec = latencyChartSpec(distribution(fixture));
    expect(spec.title).toBe('http_request_duration_seconds, since start');
    expect(latencyChartSpec({ ...distribution(fixture), basis: 'interval' }).title).toBe('http_request_duration_seconds, last interval');
    // Of 145302 requests, the 72651st lies in 100–200 ms; the 143849th beyond 1 s (only 134970 are ≤ 1 s).
    expect(spec.xLabel).toMatch(/p50 [\d.]+ ms \(bar ≤200 ms\)/);
    expect(spec.xLabel).toMatch(/p99 [\d.]+ ms \(bar \+Inf\)/);
  });

  it('writes sub-millisecond bounds in ms and bounds of a second or more in s', () => {
    const text = [
      '# TYPE infer_latency_seconds histogram',
      'infer_latency_seconds_bucket{le="0.0005"} 1',
      'infer_latency_seconds_bucket{le="0.0025"} 4',
      'infer_latency_seconds_bucket{le="2.5"} 9',
      'infer_latency_seconds_bucket{le="+Inf"} 10',
      'infer_latency_seconds_count 10',
      '',
    ].join('\n');
    const spec = latencyChartSpec(distribution(text));
    expect(spec.categories).toEqual(['≤0.5 ms', '≤2.5 ms', '≤2.5 s', '+Inf']);
    expect(spec.series[0]?.values).toEqual([1, 3, 5, 1]);
  });

  it('renders health-latency.png as a PNG', () => {
    const chart = latencyChart(distribution(fixture));
    expect(chart.filename).toBe('health-latency.png');
    expect(chart.title).toBe('http_request_duration_seconds, since start');
    expect(Buffer.from(chart.pngBase64, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});
