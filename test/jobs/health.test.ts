import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import { healthDiagnostic } from '../../jobs/health.ts';
import { UsageError } from '../../src/core/errors.ts';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import { histogramQuantile } from '../../src/prometheus/histogram-quantile.ts';
import { latencyHistogram } from '../../src/prometheus/latency-histogram.ts';
import type { BaselineStore } from '../../src/core/diagnostic.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { parsePayload, runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { startStack, type Stack } from '../support/stack.ts';

const audio = Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin(i / 7));

interface HealthData {
  url: string;
  health: { status: number | null; ok: boolean; ms: number };
  latencyMs: { p50: number; p95: number; p99: number } | null;
  requestRatePerSec: number | null;
  errorRate: number | null;
  metric: string | null;
  requestCounter: string | null;
  basis: 'interval' | 'since-start' | null;
  errorBasis: 'interval' | 'since-start' | null;
  errorSample: number | null;
  scrapes: number;
  findings: Array<{ severity: string; message: string }>;
}

let server: ModelServer | undefined;
let plain: Server | undefined;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await server?.close();
  server = undefined;
  await new Promise((resolve) => (plain ? plain.close(resolve) : resolve(undefined)));
  plain = undefined;
});

async function predict(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`${url}/predict`, { method: 'POST', body: JSON.stringify({ audio }) })).arrayBuffer();
}

function memoryStore(): BaselineStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, get: async (k) => map.get(k) ?? null, set: async (k, v) => void map.set(k, v) };
}

async function health(args: string[], options: { signal?: AbortSignal; baselines?: BaselineStore } = {}) {
  const progress: number[] = [];
  const result = await runDiagnostic(healthDiagnostic, parsePayload(healthDiagnostic, healthDiagnostic.parseArgs(args)), {
    fetch,
    now: () => Date.now(),
    nodeName: 'test-node',
    progress: (pct) => void progress.push(pct),
    ...options,
  });
  return { result, data: result.data as unknown as HealthData, progress };
}

const messages = (r: DiagnosticResult) => (r.data as unknown as HealthData).findings.map((f) => f.message).join('\n');

describe('health diagnostic against the sample model server', () => {
  it('reports a healthy server: /health 200, latency from its histogram, no errors', async () => {
    server = await startModelServer();
    await predict(server.url, 12);
    const { result, data, progress } = await health([server.url, '--interval', '200ms']);

    expect(data.health).toMatchObject({ status: 200, ok: true });
    expect(data.metric).toBe('model_request_duration_seconds');
    expect(data.requestCounter).toBe('model_requests_total');
    expect(data.errorRate).toBe(0);
    expect(data.scrapes).toBe(6);
    // No traffic between the scrapes: latency comes from all requests since start, and says so.
    expect(data.basis).toBe('since-start');
    expect(data.requestRatePerSec).toBe(0);
    expect(result.evidence.find((e) => e.label.startsWith('latency'))?.detail).toMatch(/all 12 requests since the process started \(only 0 in the 0\.2 s window \(6 scrapes\)\)/);

    // The percentiles are PromQL's over the server's own buckets (nothing was served since).
    const exp = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
    const buckets = latencyHistogram(exp)?.histogram.buckets ?? [];
    expect(data.latencyMs?.p50).toBeCloseTo(histogramQuantile(0.5, buckets) * 1000, 2);
    expect(data.latencyMs?.p99).toBeCloseTo(histogramQuantile(0.99, buckets) * 1000, 2);
    expect(data.latencyMs?.p50).toBeLessThanOrEqual(data.latencyMs?.p95 ?? 0);

    expect(['ok', 'info']).toContain(result.severity);
    expect(result.summary).toMatch(/no problem measured/);
    expect(messages(result)).not.toMatch(/error rate|unreachable|answered/);
    expect(result.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium')).toEqual([]);
    // Facts that speak against causes are observed too.
    expect(result.observations.find((o) => o.name === 'gc.metric_exported')?.value).toBe(false);
    expect(result.observations.find((o) => o.name === 'target.url')?.value).toBe(server.url);
    expect(result.tables.map((t) => t.title)).toEqual(['Latency (model_request_duration_seconds, since start)', 'Rates (model_requests_total)', 'Requests by status (since start)']);
    expect(progress.at(-1)).toBe(100);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('measures rates over the interval and flags injected errors as critical, logs first', async () => {
    server = await startModelServer({ faults: { errorRate: 1 } });
    const url = server.url;
    let stop = false;
    const traffic = (async () => {
      while (!stop) await predict(url, 1);
    })();
    const { result, data } = await health([url, '--interval', '300ms']).finally(async () => {
      stop = true;
      await traffic;
    });

    expect(data.basis).toBe('interval');
    expect(data.requestRatePerSec).toBeGreaterThan(0);
    expect(data.errorRate).toBe(1);
    expect(result.severity).toBe('critical');
    expect(data.findings).toContainEqual({ severity: 'critical', message: expect.stringMatching(/^error rate 100\.0 %/) });
    expect(result.summary).toMatch(/error rate 100\.0 %/);
    expect(result.hypotheses[0]?.cause).toBe('errors-in-service');
    expect(result.hypotheses[0]?.fixes[0]).toMatch(/\/debug logs/);
    expect(result.summary).toMatch(/^Most likely: Requests fail inside the service/);
    expect(result.evidence.find((e) => e.label === 'request rate')?.detail).toMatch(/over the 0\.3 s window \(6 scrapes\)/);
  });

  it('flags tail-latency spikes from the histogram, and rules out the causes the metrics speak against', async () => {
    // Every fifth request draws under spikeProbability and waits an extra 200 ms.
    let draw = 0;
    server = await startModelServer({ faults: { spikeProbability: 0.5, spikeLatencyMs: 200 }, random: () => (draw++ % 5 === 0 ? 0.1 : 0.9) });
    await predict(server.url, 20);
    const { result, data } = await health([server.url, '--interval', '100ms']);
    expect(data.latencyMs?.p99).toBeGreaterThanOrEqual(200);
    expect(data.findings).toContainEqual({ severity: 'warning', message: expect.stringMatching(/^p99\/p50 = [\d.]+ .*tail-latency spikes$/) });
    expect(result.severity).toBe('warning');
    expect(result.hypotheses[0]?.cause).toBe('intermittent-slow-path');
    expect(result.hypotheses[0]?.evidence.join('\n')).toMatch(/separate cluster of slow requests/);
    for (const ruledOut of ['gc-pauses', 'cpu-throttling']) {
      const h = result.hypotheses.find((x) => x.cause === ruledOut);
      expect(h?.likelihood).toBe('unlikely');
      expect(h?.against.join('\n')).toMatch(/no (GC|CPU throttling) metric exported/);
    }
  });

  it('falls back to the counters since start when the window holds too few requests, and states the sample', async () => {
    // 5 % errors: every 20th request fails; 400 requests before the run, none during it.
    let draw = 0;
    server = await startModelServer({ faults: { errorRate: 0.05 }, random: () => (draw++ % 20 === 0 ? 0.01 : 0.9) });
    await predict(server.url, 400);
    const { result, data } = await health([server.url, '--interval', '100ms']);
    expect(data).toMatchObject({ errorRate: 0.05, errorBasis: 'since-start', errorSample: 400 });
    expect(result.evidence.find((e) => e.label === 'error rate')?.detail).toMatch(/20 of 400 since the process started \(only 0 requests in/);
    expect(result.hypotheses[0]?.cause).toBe('errors-in-service');
  });

  it('does not call a handful of failures critical', async () => {
    server = await startModelServer({ faults: { errorRate: 1 } });
    await predict(server.url, 3);
    server.setFaults({ errorRate: 0 });
    await predict(server.url, 1);
    const { result, data } = await health([server.url, '--interval', '100ms']);
    expect(data.errorRate).toBe(0.75);
    expect(result.severity).toBe('warning');
    expect(messages(result)).toMatch(/3 of 4 since the process started.*too few requests to be sure/);
  });

  it('keeps the last healthy run as the baseline, and names a constant added delay against it', async () => {
    server = await startModelServer();
    const baselines = memoryStore();
    const url = server.url;
    let stop = false;
    const traffic = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!stop) await predict(url, 1);
      }),
    );
    try {
      const first = await health([url, '--interval', '300ms'], { baselines });
      expect(first.result.severity).not.toMatch(/warning|critical/);
      expect(JSON.parse(baselines.map.get(`health:${url}`) ?? 'null')).toMatchObject({ p50Ms: first.data.latencyMs?.p50 });
      server.setFaults({ addedLatencyMs: 200 });
      const second = await health([url, '--interval', '1s'], { baselines });
      expect(second.result.hypotheses[0]?.cause).toBe('latency-regression');
      expect(second.result.summary).toMatch(/p50 went from [\d.]+ ms to \d+ ms/);
      // A regressed run does not become the baseline: a re-run still compares with the healthy one.
      expect(JSON.parse(baselines.map.get(`health:${url}`) ?? 'null')).toMatchObject({ p50Ms: first.data.latencyMs?.p50 });
    } finally {
      stop = true;
      await traffic;
    }
  });

  it('sends probe requests with --probe-body and reads their Server-Timing stages', async () => {
    server = await startModelServer({ faults: { addedLatencyMs: 20 } });
    const { result } = await health([server.url, '--interval', '200ms', '--probe-body', JSON.stringify({ audio })]);
    const shares = result.observations.filter((o) => o.name === 'probe.stage_share');
    expect(shares.map((o) => o.subject).sort()).toEqual(['inference', 'postprocess', 'preprocess', 'queue']);
    expect(shares.find((o) => o.subject === 'queue')?.value).toBeGreaterThan(0.5);
    // By kind of stage, as the endpoint profile names them: the injected 20 ms is waiting before the work.
    expect(result.observations.find((o) => o.name === 'probe.queue_ms')?.value).toBeGreaterThanOrEqual(18);
    expect(result.observations.find((o) => o.name === 'probe.inference_share')?.value).toBeLessThan(0.5);
    expect(result.observations.find((o) => o.name === 'probe.error_rate')).toMatchObject({ value: 0, sampleSize: 10 });
    expect(result.tables.some((t) => t.title.startsWith('Probe requests by Server-Timing stage'))).toBe(true);
  });

  it('flags a 503 health endpoint with the body it returned', async () => {
    server = await startModelServer({ faults: { unhealthy: true } });
    const { result, data } = await health([server.url, '--interval', '100ms']);
    expect(data.health).toMatchObject({ status: 503, ok: false });
    expect(result.severity).toBe('critical');
    expect(result.hypotheses[0]?.cause).toBe('service-unhealthy');
    expect(result.hypotheses[0]?.evidence[0]).toMatch(/"status":"unhealthy"/);
  });

  it('says which metric is missing: a named histogram that is not there, a metrics path that 404s', async () => {
    server = await startModelServer();
    const named = await health([server.url, '--latency-metric', 'http_request_duration_seconds', '--interval', '100ms']);
    expect(named.data.latencyMs).toBeNull();
    expect(messages(named.result)).toMatch(/no histogram named http_request_duration_seconds/);
    const wrongPath = await health([server.url, '--metrics-path', '/prometheus', '--interval', '100ms']);
    expect(wrongPath.result.severity).toBe('warning');
    expect(messages(wrongPath.result)).toMatch(/\/prometheus answered 404/);
  });

  it('asks for a latency histogram when a service exports none', async () => {
    // A service that exports only counters and gauges, in the real exposition format.
    const text = readFileSync(new URL('../prometheus/fixtures/inference-service.prom', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => !l.includes('http_request_duration_seconds'))
      .join('\n');
    plain = createServer((req, res) => {
      if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => plain?.listen(0, '127.0.0.1', resolve));
    const { result, data } = await health([`http://127.0.0.1:${(plain.address() as AddressInfo).port}`, '--interval', '100ms']);
    expect(data.latencyMs).toBeNull();
    expect(data.findings).toContainEqual({ severity: 'warning', message: expect.stringMatching(/^no latency histogram exported — add one/) });
    expect(result.fixes.some((f) => /Export a request-latency histogram/.test(f))).toBe(true);
    // The counters are still read: 73 of 15292 requests failed since start.
    expect(data.errorRate).toBeCloseTo(73 / 15292, 9);
  });

  it('attaches the latency distribution as a PNG chart when the histogram exists, and no chart when it does not', async () => {
    server = await startModelServer();
    await predict(server.url, 5);
    const charted = await health([server.url, '--interval', '100ms']);
    expect(charted.result.charts.map((c) => [c.filename, c.title])).toEqual([['health-latency.png', 'model_request_duration_seconds, since start']]);
    const png = Buffer.from(charted.result.charts[0]?.pngBase64 ?? '', 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    const named = await health([server.url, '--latency-metric', 'http_request_duration_seconds', '--interval', '100ms']);
    expect(named.data.latencyMs).toBeNull();
    expect(named.result.charts).toEqual([]);
  });

  it('turns an unreachable service into a critical finding instead of throwing', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const { result, data } = await health([`http://127.0.0.1:${port}`]);
    expect(result.severity).toBe('critical');
    expect(result.summary).toMatch(/is unreachable \(ECONNREFUSED/);
    expect(data.health).toEqual({ status: null, ok: false, ms: expect.any(Number) });
    expect(result.hypotheses[0]?.cause).toBe('process-down');
    expect(result.fixes.join('\n')).toMatch(/kubectl describe pod|kubectl get pods/);
  });

  it('stops when its signal is aborted, even while waiting between scrapes', async () => {
    server = await startModelServer();
    const controller = new AbortController();
    const run = health([server.url, '--interval', '30s'], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 100);
    await expect(run).rejects.toThrow('cancelled by test');
  });

  it('never shows credentials from the URL', async () => {
    server = await startModelServer();
    const withCreds = server.url.replace('http://', 'http://ops:hunter2@');
    const { result, data } = await health([withCreds, '--interval', '100ms']);
    expect(data.health.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('never shows a secret-looking query value from the URL', async () => {
    server = await startModelServer();
    const { result, data } = await health([`${server.url}/?api_key=s3cr3t&region=eu`, '--interval', '100ms']);
    expect(data.health.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
    expect(data.url).toContain('region=eu');
  });
});

describe('health arguments', () => {
  it('accepts a URL and the documented flags', () => {
    expect(
      parsePayload(healthDiagnostic, healthDiagnostic.parseArgs(['http://model:8080', '--health-path', '/healthz', '--metrics-path', '/prom', '--latency-metric', 'x_seconds', '--interval', '5s'])),
    ).toEqual({ url: 'http://model:8080', healthPath: '/healthz', metricsPath: '/prom', latencyMetric: 'x_seconds', intervalMs: 5000, probePath: '/predict' });
    expect(parsePayload(healthDiagnostic, healthDiagnostic.parseArgs(['https://model.example']))).toMatchObject({ healthPath: '/health', metricsPath: '/metrics', intervalMs: 3000 });
    expect(parsePayload(healthDiagnostic, healthDiagnostic.parseArgs(['http://m', '--slo-p99', '250', '--probe-body', '{"x":[1]}', '--probe-path', '/v1/predict']))).toMatchObject({
      sloP99Ms: 250,
      probeBody: '{"x":[1]}',
      probePath: '/v1/predict',
    });
    expect(parsePayload(healthDiagnostic, healthDiagnostic.parseArgs(['http://m', '--slo-p99', '0.3s']))).toMatchObject({ sloP99Ms: 300 });
  });

  it.each([['ftp://model:8080'], ['model:8080'], ['file:///etc/passwd'], ['not a url']])('rejects %s with a UsageError', (url) => {
    expect(() => healthDiagnostic.parseArgs([url])).toThrow(UsageError);
  });

  it('rejects a missing URL, extra arguments and unknown flags', () => {
    expect(() => healthDiagnostic.parseArgs([])).toThrow(UsageError);
    expect(() => healthDiagnostic.parseArgs(['http://a', 'http://b'])).toThrow(UsageError);
    expect(() => healthDiagnostic.parseArgs(['http://a', '--verbose'])).toThrow(UsageError);
    expect(() => healthDiagnostic.parseArgs(['http://a', '--probe-body', '{not json'])).toThrow(UsageError);
    expect(() => healthDiagnostic.parseArgs(['http://a', '--slo-p99', 'fast'])).toThrow(UsageError);
    expect(() => parsePayload(healthDiagnostic, { url: 'ftp://x' })).toThrow(UsageError);
  });
});

describe('/debug health through Bolt, BullMQ and a worker', () => {
  it('posts the health report of a failing sample server in the thread', async () => {
    server = await startModelServer({ faults: { errorRate: 1 } });
    await predict(server.url, 25);
    stack = await startStack({ diagnostics: [healthDiagnostic] });
    // Slack sends URLs wrapped in link markup.
    const res = await stack.sendCommand(`health <${server.url}> --interval 200ms`);
    expect(res.status).toBe(200);
    const { transcript } = await stack.waitForReport('C0INCIDENT', 30_000);
    expect(transcript).toContain('error rate 100.0 %');
    expect(transcript).toContain('/debug logs');
    expect(transcript).toContain('model_request_duration_seconds');
  });
});
