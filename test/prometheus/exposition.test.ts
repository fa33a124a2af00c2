import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import { InputError } from '../../src/core/errors.ts';
import { parseExposition } from '../../src/prometheus/exposition.ts';

const fixture = readFileSync(new URL('./fixtures/inference-service.prom', import.meta.url), 'utf8');

describe('parseExposition', () => {
  const exp = parseExposition(fixture);
  const find = (name: string, labels: Record<string, string> = {}) =>
    exp.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

  it('reads TYPE and HELP for every family, unescaping help text', () => {
    expect(exp.types.get('go_gc_duration_seconds')).toBe('summary');
    expect(exp.types.get('http_request_duration_seconds')).toBe('histogram');
    expect(exp.types.get('http_requests_total')).toBe('counter');
    expect(exp.types.get('process_resident_memory_bytes')).toBe('gauge');
    expect(exp.help.get('http_requests_total')).toBe('Total HTTP requests.\nBy handler and code.');
  });

  it('reads labels, values with exponents, NaN, ±Inf and timestamps', () => {
    expect(find('process_resident_memory_bytes')?.value).toBe(1_942_528_000);
    expect(find('go_gc_duration_seconds', { quantile: '0.25' })?.value).toBe(0.000051208);
    expect(find('go_gc_duration_seconds', { quantile: '1' })?.value).toBeNaN();
    expect(find('min_observed_score')?.value).toBe(-Infinity);
    expect(find('min_observed_score')?.labels).toEqual({ model: 'resnet50' });
    expect(find('queue_oldest_item_age_seconds')?.value).toBe(0.0015);
    const errors = find('http_requests_total', { code: '500' });
    expect(errors).toEqual({
      name: 'http_requests_total',
      labels: { handler: '/v1/predict', method: 'post', code: '500' },
      value: 61,
      timestampMs: 1_700_000_000_000,
    });
    expect(find('http_request_duration_seconds_bucket', { handler: '/v1/predict', le: '+Inf' })?.value).toBe(144320);
  });

  it('unescapes backslashes, quotes and newlines in label values', () => {
    expect(find('model_info')?.labels).toEqual({ name: 'resnet50', path: 'C:\\models\\resnet "v2".onnx', notes: 'line1\nline2' });
  });

  it('keeps commas, braces and equals signs inside quoted label values, and accepts CRLF line ends', () => {
    const exp = parseExposition('# TYPE route_hits counter\r\nroute_hits{path="/a,b}",q="x=1"} 2\r\njob:up:sum 3\r\n');
    expect(exp.samples).toEqual([
      { name: 'route_hits', labels: { path: '/a,b}', q: 'x=1' }, value: 2 },
      { name: 'job:up:sum', labels: {}, value: 3 },
    ]);
  });

  it('ignores plain comments and blank lines and counts every sample', () => {
    const sampleLines = fixture.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(exp.samples).toHaveLength(sampleLines.length);
  });

  it.each([
    ['a missing value', 'up{job="x"}'],
    ['an unterminated label value', 'up{job="x} 1'],
    ['a bad escape', 'up{job="a\\tb"} 1'],
    ['a value that is not a number', 'up 12abc'],
    ['a fractional timestamp', 'up 1 1.5'],
    ['an unknown type', '# TYPE up flavour'],
  ])('rejects %s with the line number', (_what, bad) => {
    expect(() => parseExposition(`# TYPE ok gauge\nok 1\n${bad}\n`, 'http://svc/metrics')).toThrow(InputError);
    expect(() => parseExposition(`# TYPE ok gauge\nok 1\n${bad}\n`, 'http://svc/metrics')).toThrow(/^http:\/\/svc\/metrics line 3: /);
  });
});

describe('parseExposition on the sample model server', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer();
  });
  afterAll(() => server.close());

  it('parses its /metrics and finds the latency histogram and request counter it exports', async () => {
    const audio = Array.from({ length: 512 }, (_, i) => Math.sin(i / 8) * 0.3);
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/predict`, { method: 'POST', body: JSON.stringify({ audio }) });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const exp = parseExposition(await res.text());
    expect(exp.types.get('model_request_duration_seconds')).toBe('histogram');
    expect(exp.types.get('model_requests_total')).toBe('counter');
    const count = exp.samples.find((s) => s.name === 'model_request_duration_seconds_count');
    const inf = exp.samples.find((s) => s.name === 'model_request_duration_seconds_bucket' && s.labels.le === '+Inf');
    expect(count?.value).toBe(3);
    expect(inf?.value).toBe(3);
    expect(exp.samples.find((s) => s.name === 'model_requests_total')?.labels).toEqual({ route: '/predict', model: 'silero_vad', status: '200' });
    expect(exp.samples.find((s) => s.name === 'process_resident_memory_bytes')?.value).toBeGreaterThan(0);
  });
});
