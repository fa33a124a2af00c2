import { describe, expect, it } from 'vitest';
import { assessHealth } from '../../src/health/assess.ts';
import type { Fetched, Scrape } from '../../src/health/observations.ts';
import { parseExposition } from '../../src/prometheus/exposition.ts';

const target = { healthPath: '/health', metricsPath: '/metrics' };
const healthy: Fetched = { kind: 'response', status: 200, ms: 3, body: '{"status":"ok"}', truncated: false };

/** A scrape of a service whose latency histogram has these cumulative counts for ≤10 ms, ≤100 ms, +Inf. */
function scrape(at: number, [fast, medium, all]: [number, number, number], { counter = true } = {}): Scrape {
  const body = [
    '# TYPE model_request_duration_seconds histogram',
    `model_request_duration_seconds_bucket{le="0.01"} ${fast}`,
    `model_request_duration_seconds_bucket{le="0.1"} ${medium}`,
    `model_request_duration_seconds_bucket{le="+Inf"} ${all}`,
    `model_request_duration_seconds_count ${all}`,
    ...(counter ? ['# TYPE model_requests_total counter', `model_requests_total{status="200"} ${all}`] : []),
    '',
  ].join('\n');
  return { url: 'http://model/metrics', fetched: { kind: 'response', status: 200, ms: 2, body, truncated: false }, exposition: parseExposition(body), problem: null, at };
}

describe('assessHealth', () => {
  it('charts the last interval’s requests per bucket when requests arrived between the scrapes', () => {
    const result = assessHealth({ url: 'http://model', target, health: healthy, before: scrape(0, [50, 90, 100]), after: scrape(2000, [60, 110, 130]) });
    expect(result.data.basis).toBe('interval');
    expect(result.charts.map((c) => c.title)).toEqual(['model_request_duration_seconds, last interval']);
  });

  it('charts everything since start when the interval had no requests', () => {
    const result = assessHealth({ url: 'http://model', target, health: healthy, before: scrape(0, [50, 90, 100]), after: scrape(2000, [50, 90, 100]) });
    expect(result.data.basis).toBe('since-start');
    expect(result.charts.map((c) => c.title)).toEqual(['model_request_duration_seconds, since start']);
  });

  it('takes the request rate from the histogram\'s count when there is no request counter', () => {
    const result = assessHealth({ url: 'http://model', target, health: healthy, before: scrape(0, [50, 90, 100], { counter: false }), after: scrape(2000, [60, 110, 130], { counter: false }) });
    expect(result.data.requestRatePerSec).toBe(15);
    expect(result.data.errorRate).toBeNull();
    expect(result.evidence).toContainEqual({ label: 'request rate', value: '15.00 req/s', detail: 'increase of model_request_duration_seconds_count over the 2.0 s between two scrapes' });
    const idle = assessHealth({ url: 'http://model', target, health: healthy, before: scrape(0, [0, 0, 0], { counter: false }), after: scrape(2000, [0, 0, 0], { counter: false }) });
    expect(idle.data.requestRatePerSec).toBe(0);
  });

  it('shows an unhealthy answer without the secrets its body echoes', () => {
    const body = JSON.stringify({ status: 'unhealthy', db: 'postgres://app:hunter2@db:5432/features', api_key: 'abc123def456' });
    const unhealthy: Fetched = { kind: 'response', status: 503, ms: 4, body, truncated: false };
    const result = assessHealth({ url: 'http://model', target, health: unhealthy, before: scrape(0, [50, 90, 100]), after: scrape(2000, [60, 110, 130]) });
    expect(result.severity).toBe('critical');
    expect(JSON.stringify(result)).toContain('unhealthy');
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(JSON.stringify(result)).not.toContain('abc123def456');
  });

  it('draws no chart when the metrics are unusable or there is no observation yet', () => {
    const missing: Scrape = { url: 'http://model/metrics', fetched: { kind: 'response', status: 404, ms: 1, body: '', truncated: false }, exposition: null, problem: 'http://model/metrics answered 404', at: 0 };
    const noMetrics = assessHealth({ url: 'http://model', target, health: healthy, before: missing, after: null });
    expect(noMetrics.charts).toEqual([]);
    expect(noMetrics.severity).toBe('warning');
    const idle = assessHealth({ url: 'http://model', target, health: healthy, before: scrape(0, [0, 0, 0]), after: scrape(2000, [0, 0, 0]) });
    expect(idle.data.latencyMs).toBeNull();
    expect(idle.charts).toEqual([]);
  });
});
