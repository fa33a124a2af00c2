import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import { counterIncrease, isErrorStatus, requestCounts } from '../../src/prometheus/request-counters.ts';

describe('requestCounts', () => {
  it('sums the request counter and its 5xx series', () => {
    const exp = parseExposition(readFileSync(new URL('./fixtures/inference-service.prom', import.meta.url), 'utf8'));
    expect(requestCounts(exp, 'http_request_duration_seconds')).toEqual({
      metric: 'http_requests_total',
      statusLabel: 'code',
      total: 14237 + 61 + 12 + 982,
      errors: 61 + 12,
    });
  });

  it('counts status="error" outcomes as errors', () => {
    const exp = parseExposition(
      '# TYPE inference_requests_total counter\ninference_requests_total{status="ok"} 90\ninference_requests_total{status="error"} 10\n',
    );
    expect(requestCounts(exp)).toMatchObject({ total: 100, errors: 10 });
  });

  it('prefers the counter that goes with the latency histogram', () => {
    const exp = parseExposition(
      [
        'proxy_requests_total{code="200"} 1000',
        'model_requests_total{status="200"} 40',
        'model_requests_total{status="500"} 2',
      ].join('\n'),
    );
    expect(requestCounts(exp, 'model_request_duration_seconds')).toMatchObject({ metric: 'model_requests_total', total: 42, errors: 2 });
  });

  it('reports errors as unknown when the counter has no status label, and null with no counter', () => {
    expect(requestCounts(parseExposition('# TYPE requests_total counter\nrequests_total 7\n'))).toEqual({
      metric: 'requests_total',
      statusLabel: null,
      total: 7,
      errors: null,
    });
    expect(requestCounts(parseExposition('# TYPE up gauge\nup 1\n'))).toBeNull();
  });

  it('recognises error statuses', () => {
    expect(['500', '503', 'error', 'FAILURE', '5xx'].every(isErrorStatus)).toBe(true);
    expect(['200', '404', '429', 'ok', 'success'].some(isErrorStatus)).toBe(false);
  });

  it('treats a counter drop as a restart', () => {
    expect(counterIncrease(100, 130)).toBe(30);
    expect(counterIncrease(100, 7)).toBe(7);
  });
});
