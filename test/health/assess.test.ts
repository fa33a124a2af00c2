// The health assessment over hand-built scrapes in the real exposition format: what it observes,
// which findings it raises, and — through the shipped causes catalogue — what a person then sees
// ranked first, with the evidence against the causes the target's own metrics rule out.
import { describe, expect, it } from 'vitest';
import { withDiagnosis } from '../../src/diagnosis/diagnose.ts';
import { assessHealth } from '../../src/health/assess.ts';
import type { Baseline, Fetched, HealthInput, Scrape } from '../../src/health/input.ts';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';

const target = { healthPath: '/health', metricsPath: '/metrics' };
const healthy: Fetched = { kind: 'response', status: 200, ms: 3, body: '{"status":"ok"}', truncated: false };
const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

interface State {
  /** Requests so far, by latency in seconds (each lands in its bucket). */
  latencies: number[];
  /** Requests so far by `status` (and optional other labels, as `route=/a,status=500`). */
  counter?: Record<string, number> | null;
  rss?: number;
  extra?: string[];
}

function body({ latencies, counter = { status200: latencies.length }, rss, extra = [] }: State): string {
  const sum = latencies.reduce((a, b) => a + b, 0);
  const lines = [
    '# TYPE model_request_duration_seconds histogram',
    ...BOUNDS.map((le) => `model_request_duration_seconds_bucket{le="${le}"} ${latencies.filter((x) => x <= le).length}`),
    `model_request_duration_seconds_bucket{le="+Inf"} ${latencies.length}`,
    `model_request_duration_seconds_sum ${sum}`,
    `model_request_duration_seconds_count ${latencies.length}`,
  ];
  if (counter) {
    lines.push('# TYPE model_requests_total counter');
    for (const [key, n] of Object.entries(counter)) {
      const labels = key.startsWith('status') ? `status="${key.slice(6)}"` : key.split(',').map((kv) => kv.replace('=', '="') + '"').join(',');
      lines.push(`model_requests_total{${labels}} ${n}`);
    }
  }
  if (rss !== undefined) lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${rss}`);
  return [...lines, ...extra, ''].join('\n');
}

function scrape(i: number, state: State, stepMs = 600): Scrape {
  const text = body(state);
  return { url: 'http://model/metrics', fetched: { kind: 'response', status: 200, ms: 2, body: text, truncated: false }, exposition: parseExposition(text), problem: null, at: i * stepMs, wallMs: 1_700_000_000_000 + i * stepMs };
}

/** Six scrapes, the i-th from `state(i)`. */
function six(state: (i: number) => State): Scrape[] {
  return Array.from({ length: 6 }, (_, i) => scrape(i, state(i)));
}

const repeat = (n: number, seconds: number) => Array.from({ length: n }, () => seconds);

function assess(scrapes: Scrape[], over: Partial<HealthInput> = {}) {
  const { result, nextBaseline } = assessHealth({ url: 'http://model', target, health: healthy, scrapes, baseline: null, nowMs: 1_700_000_010_000, ...over });
  return { result, ranked: withDiagnosis(result), nextBaseline };
}

const obs = (r: DiagnosticResult, name: string) => r.observations.filter((o) => o.name === name);
const value = (r: DiagnosticResult, name: string) => obs(r, name)[0]?.value;
const strong = (r: DiagnosticResult) => r.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium').map((h) => h.cause);

describe('assessHealth', () => {
  it('keeps a small tail at a few milliseconds quiet: p99/p50 5.5 at 4 ms p50 is no warning and no GC verdict', () => {
    // 98 % of requests at ~4 ms, 2 % at ~22 ms: the healthy server.
    const state = (i: number): State => ({ latencies: [...repeat(98 * (i + 1), 0.004), ...repeat(2 * (i + 1), 0.022)], rss: 200e6 + (i % 2) * 4096 });
    const { result, ranked } = assess(six(state));
    expect(value(result, 'latency.tail_ratio')).toBeGreaterThan(3);
    expect(value(result, 'latency.tail_spikes')).toBe(false);
    expect(result.severity).not.toMatch(/warning|critical/);
    expect(result.summary).toMatch(/no problem measured/);
    expect(strong(ranked)).toEqual([]);
    const gc = ranked.hypotheses.find((h) => h.cause === 'gc-pauses');
    if (gc) expect(gc.likelihood).toBe('unlikely');
  });

  it('names tail spikes, and rules GC out with the reasons: no GC metric exported, resident memory flat', () => {
    // 5 % of requests 300 ms slower: a separate slow cluster.
    const state = (i: number): State => ({ latencies: [...repeat(95 * (i + 1), 0.002), ...repeat(5 * (i + 1), 0.3)], rss: 300e6 });
    const { result, ranked } = assess(six(state));
    expect(value(result, 'latency.tail_spikes')).toBe(true);
    expect(value(result, 'latency.bimodal')).toBe(true);
    expect(result.severity).toBe('warning');
    expect(ranked.hypotheses[0]?.cause).toBe('intermittent-slow-path');
    const gc = ranked.hypotheses.find((h) => h.cause === 'gc-pauses');
    expect(gc?.likelihood).toBe('unlikely');
    expect(gc?.against.join('\n')).toMatch(/no GC metric exported/);
    expect(gc?.against.join('\n')).toMatch(/resident memory flat/);
  });

  it('ranks GC pauses first when the target exports them and they take a tenth of wall time', () => {
    // prom-client's default metric (lib/metrics/gc.js): nodejs_gc_duration_seconds{kind} histogram.
    const gcLines = (i: number) => [
      '# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
      '# TYPE nodejs_gc_duration_seconds histogram',
      `nodejs_gc_duration_seconds_bucket{le="0.1",kind="major"} ${i * 3}`,
      `nodejs_gc_duration_seconds_bucket{le="+Inf",kind="major"} ${i * 3}`,
      `nodejs_gc_duration_seconds_sum{kind="major"} ${i * 0.06}`,
      `nodejs_gc_duration_seconds_count{kind="major"} ${i * 3}`,
    ];
    const state = (i: number): State => ({ latencies: [...repeat(9000 * (i + 1), 0.002), ...repeat(100 * (i + 1), 0.09)], rss: 300e6 + i * 2e6, extra: gcLines(i) });
    const { result, ranked } = assess(six(state));
    // The GC histogram matches *_duration_seconds but is not taken for the request latency.
    expect(result.data.metric).toBe('model_request_duration_seconds');
    expect(value(result, 'gc.pause_share')).toBeCloseTo(0.1, 2);
    expect(value(result, 'latency.tail_spikes')).toBe(true);
    expect(ranked.hypotheses[0]?.cause).toBe('gc-pauses');
  });

  it('ranks CPU throttling first from the container CFS counters', () => {
    // cAdvisor's container_cpu_cfs_* counters (metrics.go), re-exported next to the service's own.
    const cfs = (i: number) => [
      '# HELP container_cpu_cfs_periods_total Number of elapsed enforcement period intervals.',
      '# TYPE container_cpu_cfs_periods_total counter',
      `container_cpu_cfs_periods_total{container="model",pod="model-0"} ${1000 + i * 6}`,
      '# HELP container_cpu_cfs_throttled_periods_total Number of throttled period intervals.',
      '# TYPE container_cpu_cfs_throttled_periods_total counter',
      `container_cpu_cfs_throttled_periods_total{container="model",pod="model-0"} ${100 + i * 3}`,
    ];
    const state = (i: number): State => ({ latencies: [...repeat(95 * (i + 1), 0.003), ...repeat(5 * (i + 1), 0.09)], rss: 300e6, extra: cfs(i) });
    const { result, ranked } = assess(six(state));
    expect(value(result, 'cpu.throttled_share')).toBeCloseTo(0.5, 5);
    expect(ranked.hypotheses[0]?.cause).toBe('cpu-throttling');
  });

  it('uses the counters since start when the window holds too few requests, and says how many', () => {
    // 5 % errors: 20 of 400 before the run, then 2 requests in the window, both fine.
    const state = (i: number): State => ({ latencies: repeat(400 + Math.min(i, 2), 0.003), counter: { status200: 380 + Math.min(i, 2), status500: 20 } });
    const { result, ranked } = assess(six(state));
    expect(result.data.errorBasis).toBe('since-start');
    expect(obs(result, 'errors.rate')[0]).toMatchObject({ value: 0.05, sampleSize: 402 });
    expect(result.evidence.find((e) => e.label === 'error rate')?.detail).toMatch(/20 of 402 since the process started \(only 2 requests in the 3\.0 s window/);
    expect(result.severity).toBe('warning');
    expect(ranked.hypotheses[0]?.cause).toBe('errors-in-service');
  });

  it('breaks errors down by route, and names the one route that fails', () => {
    const state = (i: number): State => ({
      latencies: repeat(200 * (i + 1), 0.003),
      counter: { 'route=/a,status=200': 100 * (i + 1), 'route=/b,status=200': 60 * (i + 1), 'route=/b,status=500': 40 * (i + 1) },
    });
    const { result, ranked } = assess(six(state));
    expect(obs(result, 'errors.top_share')[0]).toMatchObject({ value: 1, subject: 'route=/b' });
    expect(result.tables.find((t) => t.title === 'Errors by route')?.rows).toEqual([
      ['/b', 500, 200, '40.0 %'],
      ['/a', 500, 0, '0.00 %'],
    ]);
    expect(ranked.hypotheses[0]?.cause).toBe('errors-one-route');
    expect(ranked.hypotheses[0]?.title).toMatch(/route=\/b/);
  });

  it('makes "p50 went from 4 ms to 204 ms" a finding against the baseline, and keeps a regressed run out of the baseline', () => {
    const baseline: Baseline = { atMs: 1_700_000_000_000 - 3_600_000, p50Ms: 4, p95Ms: 6, p99Ms: 9, requests: 500 };
    const state = (i: number): State => ({ latencies: repeat(40 * (i + 1), 0.204) });
    const { result, ranked, nextBaseline } = assess(six(state), { baseline });
    expect(value(result, 'latency.regressed')).toBe(true);
    expect(value(result, 'latency.p50_vs_baseline')).toBeGreaterThan(30);
    expect(result.summary).toMatch(/p50 went from 4\.00 ms to 1\d\d ms/);
    expect(ranked.hypotheses[0]?.cause).toBe('latency-regression');
    expect(nextBaseline).toBeNull();
  });

  it('says an absolute latency has nothing to compare with when there is no baseline or SLO, and stores the healthy run', () => {
    const state = (i: number): State => ({ latencies: repeat(40 * (i + 1), 0.204) });
    const { result, ranked, nextBaseline } = assess(six(state));
    expect(result.data.findings).toContainEqual({ severity: 'info', message: expect.stringMatching(/^latency is 1\d\d ms at p50 .*no baseline or SLO to compare/) });
    expect(strong(ranked)).toEqual([]);
    expect(nextBaseline).toMatchObject({ requests: 200 });
    // With an objective, the same numbers are a finding.
    const slo = assess(six(state), { target: { ...target, sloP99Ms: 100 } });
    expect(slo.result.severity).toBe('warning');
    expect(slo.ranked.hypotheses[0]?.cause).toBe('latency-regression');
  });

  it('measures memory growth per request over all scrapes and names a leak', () => {
    // 1 MiB per request at 50 requests per step.
    const state = (i: number): State => ({ latencies: repeat(50 * (i + 1), 0.003), rss: 150e6 + 50 * i * 1048576 });
    const { result, ranked } = assess(six(state));
    expect(value(result, 'memory.rss_growth_per_request')).toBeCloseTo(1048576, -2);
    expect(value(result, 'memory.rss_rising_share')).toBe(1);
    expect(ranked.hypotheses[0]?.cause).toBe('memory-leak-per-request');
  });

  it('tells a restart during the run from the start time, and the uptime from process_start_time_seconds', () => {
    const start = (i: number) => ['# TYPE process_start_time_seconds gauge', `process_start_time_seconds ${i < 3 ? 1_699_990_000 : 1_700_000_001}`];
    const state = (i: number): State => ({ latencies: repeat(i < 3 ? 100 + 30 * i : 30 * (i - 2), 0.003), extra: start(i) });
    const { result, ranked } = assess(six(state));
    expect(value(result, 'process.restarted_in_window')).toBe(true);
    expect(value(result, 'process.uptime')).toBeLessThan(10);
    expect(ranked.hypotheses[0]?.cause).toBe('recent-restart');
  });

  it("takes the request rate from the histogram's count when there is no request counter", () => {
    const state = (i: number): State => ({ latencies: repeat(100 + 9 * i, 0.003), counter: null });
    const { result } = assess(six(state));
    expect(result.data.requestRatePerSec).toBe(15);
    expect(result.data.errorRate).toBeNull();
    expect(value(result, 'requests.rate')).toBe(15);
  });

  it('shows an unhealthy answer without the secrets its body echoes, and reads failing checks from it', () => {
    // Spring Boot actuator's shape: components.<name>.status.
    const body = JSON.stringify({ status: 'DOWN', components: { db: { status: 'DOWN', details: { url: 'postgres://app:hunter2@db:5432/features' } }, model: { status: 'UP' } }, api_key: 'abc123def456' });
    const unhealthy: Fetched = { kind: 'response', status: 503, ms: 4, body, truncated: false };
    const { result, ranked } = assess(six((i) => ({ latencies: repeat(50 * (i + 1), 0.003) })), { health: unhealthy });
    expect(result.severity).toBe('critical');
    expect(obs(result, 'health.failing_check').map((o) => o.subject)).toEqual(['db']);
    expect(ranked.hypotheses[0]?.cause).toBe('service-unhealthy');
    expect(JSON.stringify(ranked)).not.toContain('hunter2');
    expect(JSON.stringify(ranked)).not.toContain('abc123def456');
  });

  it('draws no chart when the metrics are unusable or there is no observation yet', () => {
    const missing: Scrape = { url: 'http://model/metrics', fetched: { kind: 'response', status: 404, ms: 1, body: '', truncated: false }, exposition: null, problem: 'http://model/metrics answered 404', at: 0, wallMs: 0 };
    const noMetrics = assess([missing]);
    expect(noMetrics.result.charts).toEqual([]);
    expect(noMetrics.result.severity).toBe('warning');
    expect(value(noMetrics.result, 'metrics.status')).toBe(404);
    const idle = assess(six(() => ({ latencies: [] })));
    expect(idle.result.data.latencyMs).toBeNull();
    expect(idle.result.charts).toEqual([]);
  });

  it('names a rate limit from 429s, and does not read them as bad client requests', () => {
    // 30 % of the requests refused with 429 by a gateway's limiter; the accepted ones are fast.
    const state = (i: number): State => ({ latencies: repeat(200 * (i + 1), 0.004), counter: { status200: 140 * (i + 1), status429: 60 * (i + 1) } });
    const { result, ranked } = assess(six(state));
    expect(value(result, 'errors.rate_limited_rate')).toBe(0.3);
    expect(value(result, 'errors.client_rate')).toBe(0);
    expect(result.severity).toBe('warning');
    expect(ranked.hypotheses[0]?.cause).toBe('rate-limited');
    expect(ranked.hypotheses.find((h) => h.cause === 'bad-client-requests')).toBeUndefined();
  });

  it('names missing metrics as a monitoring gap when the health endpoint answers, not as a wrong URL', () => {
    const notProm: Scrape = { url: 'http://model/metrics', fetched: { kind: 'response', status: 200, ms: 1, body: '{"requests": 12}', truncated: false }, exposition: null, problem: 'metrics line 1: bad sample (not Prometheus text format)', at: 0, wallMs: 0 };
    const { result, ranked } = assess([notProm]);
    expect(value(result, 'metrics.usable')).toBe(false);
    expect(ranked.hypotheses[0]?.cause).toBe('metrics-missing');
    // The same 404 on the health path too: the URL, not the exporter.
    const gone: Fetched = { kind: 'response', status: 404, ms: 1, body: 'not found', truncated: false };
    const missing: Scrape = { ...notProm, fetched: { kind: 'response', status: 404, ms: 1, body: '', truncated: false }, problem: 'http://model/metrics answered 404' };
    const wrong = assess([missing], { health: gone }).ranked;
    expect(wrong.hypotheses[0]?.cause).toBe('wrong-url');
    expect(wrong.hypotheses.find((h) => h.cause === 'metrics-missing')?.against.join(' ')).toMatch(/health path is missing too/);
  });

  it('tells a hung process (TCP accepted, no HTTP answer) from a blocked network (TCP times out too)', () => {
    const hung: Fetched = { kind: 'unreachable', ms: 5000, code: 'timeout', reason: 'no answer within 5000 ms', tcp: 'accepted' };
    const noMetrics = (f: Fetched): Scrape => ({ url: 'http://model/metrics', fetched: f, exposition: null, problem: 'unreachable', at: 0, wallMs: 0 });
    const a = assess([noMetrics(hung)], { health: hung }).ranked;
    expect(a.hypotheses[0]?.cause).toBe('service-hung');
    expect(a.hypotheses.find((h) => h.cause === 'network-blocked')?.likelihood).toBe('unlikely');
    const dropped: Fetched = { ...hung, tcp: 'timeout' };
    const b = assess([noMetrics(dropped)], { health: dropped }).ranked;
    expect(b.hypotheses[0]?.cause).toBe('network-blocked');
  });

  it('calls latency climbing from per-step medians, not from a few stalls that finish late in the window', () => {
    // Every request slower step after step: 5 ms → 20 → 60 → 120 → 240 ms.
    const medians = [0.004, 0.02, 0.06, 0.12, 0.24];
    let climbed: number[] = repeat(500, 0.004);
    const climbing = [climbed];
    for (const m of medians) climbing.push((climbed = [...climbed, ...repeat(40, m)]));
    const up = assess(climbing.map((latencies, i) => scrape(i, { latencies })));
    expect(value(up.result, 'latency.rising')).toBe(true);
    expect(up.ranked.hypotheses[0]?.cause).toBe('latency-rising');
    // Fast requests throughout, with 600 ms stalls landing only in the last two steps: the mean climbs, the median does not.
    let stalled: number[] = repeat(500, 0.003);
    const stalls = [stalled];
    for (let i = 0; i < 5; i++) stalls.push((stalled = [...stalled, ...repeat(60, 0.003), ...repeat(i >= 3 ? 6 : 0, 0.6)]));
    const late = assess(stalls.map((latencies, i) => scrape(i, { latencies })));
    expect(value(late.result, 'latency.trend')).toBeGreaterThan(2);
    expect(value(late.result, 'latency.rising')).toBe(false);
    expect(late.ranked.hypotheses[0]?.cause).not.toBe('latency-rising');
  });

  it('points at the model when probe requests spend most of the objective in inference, and stays quiet within it', () => {
    // 80 ms in inference per request, every request; a 50 ms p99 objective.
    const probes = Array.from({ length: 10 }, (_, i) => ({ kind: 'response' as const, status: 200, ms: 84 + i, serverTiming: [{ name: 'preprocess', durMs: 0.3 }, { name: 'inference', durMs: 80 + i }, { name: 'postprocess', durMs: 0.1 }] }));
    const slow = six((i) => ({ latencies: repeat(40 * (i + 1), 0.08) }));
    const missed = assess(slow, { target: { ...target, sloP99Ms: 50 }, probes });
    expect(value(missed.result, 'probe.inference_vs_slo')).toBeGreaterThan(1.5);
    expect(missed.ranked.hypotheses[0]?.cause).toBe('slow-model-inference');
    expect(missed.ranked.hypotheses.find((h) => h.cause === 'latency-regression')?.against.join(' ')).toMatch(/model inference/);
    // The same model within a 200 ms objective: a slow model by design is not a finding.
    const within = assess(slow, { target: { ...target, sloP99Ms: 200 }, probes });
    expect(within.result.severity).not.toMatch(/warning|critical/);
    expect(within.ranked.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium')).toEqual([]);
  });
});

describe('assessHealth: latency by label, restarts faster than the scrapes', () => {
  /** A histogram labelled by model: `perModel[model]` = latencies (s) so far. */
  function labelled(perModel: Record<string, number[]>, extra: string[] = []): string {
    const lines = ['# TYPE http_request_duration_seconds histogram'];
    for (const [model, latencies] of Object.entries(perModel)) {
      lines.push(
        ...BOUNDS.map((le) => `http_request_duration_seconds_bucket{model="${model}",le="${le}"} ${latencies.filter((x) => x <= le).length}`),
        `http_request_duration_seconds_bucket{model="${model}",le="+Inf"} ${latencies.length}`,
        `http_request_duration_seconds_sum{model="${model}"} ${latencies.reduce((a, b) => a + b, 0)}`,
        `http_request_duration_seconds_count{model="${model}"} ${latencies.length}`,
      );
    }
    return [...lines, ...extra, ''].join('\n');
  }
  const raw = (i: number, text: string): Scrape => ({ url: 'http://model/metrics', fetched: { kind: 'response', status: 200, ms: 2, body: text, truncated: false }, exposition: parseExposition(text), problem: null, at: i * 600, wallMs: 1_700_000_000_000 + i * 600 });

  it('names the one model whose requests break the objective, and says so against a slow path every request may take', () => {
    // "ranker" answers in 4 ms; "reranker-xl" (a fifth of the requests) in 400 ms; objective 100 ms.
    const scrapes = Array.from({ length: 6 }, (_, i) => raw(i, labelled({ ranker: repeat(80 * (i + 1), 0.004), 'reranker-xl': repeat(20 * (i + 1), 0.4) })));
    const { result, ranked } = assess(scrapes, { target: { ...target, sloP99Ms: 100 } });
    const owned = obs(result, 'latency.tail_owned_by_label')[0];
    expect(owned?.value).toBe(true);
    expect(owned?.subject).toBe('model=reranker-xl');
    expect(ranked.hypotheses[0]?.cause).toBe('latency-one-label');
    expect(ranked.hypotheses[0]?.title).toContain('model=reranker-xl');
    expect(ranked.hypotheses.find((h) => h.cause === 'intermittent-slow-path')?.against.join(' ')).toMatch(/one label value/);
  });

  it('keeps two models of different speeds quiet when neither breaks anything', () => {
    // 4 ms and 40 ms models, no objective, no tail worth chasing in either: different, not broken.
    const scrapes = Array.from({ length: 6 }, (_, i) => raw(i, labelled({ small: repeat(50 * (i + 1), 0.004), large: repeat(50 * (i + 1), 0.04) })));
    const { result, ranked } = assess(scrapes);
    expect(value(result, 'latency.slowest_label_vs_others')).toBeGreaterThan(5);
    expect(value(result, 'latency.tail_owned_by_label')).toBe(false);
    expect(strong(ranked)).not.toContain('latency-one-label');
  });

  it('tells a process that restarts between every two scrapes from its start time creeping forward', () => {
    // Each scrape is answered by a process 0.4 s old: the start time moves 0.6 s a scrape (under the 1 s jitter allowance), the counters stay small.
    const scrapes = Array.from({ length: 6 }, (_, i) => raw(i, labelled({ m: repeat(40, 0.004) }, ['# TYPE process_start_time_seconds gauge', `process_start_time_seconds ${(1_700_000_000_000 + i * 600) / 1000 - 0.4}`])));
    const { result, ranked } = assess(scrapes);
    expect(value(result, 'process.restarted_in_window')).toBe(true);
    expect(ranked.hypotheses[0]?.cause).toBe('recent-restart');
  });

  it('names a health check that starts failing during the run, with both answers', () => {
    const state = (i: number): State => ({ latencies: repeat(100 * (i + 1), 0.004), rss: 200e6 });
    const failing: Fetched = { kind: 'response', status: 503, ms: 2, body: '{"status":"fail","checks":{"feature-store":"down"}}', truncated: false };
    const { result, ranked } = assess(six(state), { healthAtEnd: failing });
    expect(result.evidence.find((e) => e.label === 'GET /health over the run')?.value).toBe('200 at the start, 503 at the end');
    expect(ranked.hypotheses[0]?.cause).toBe('service-unhealthy');
    expect(value(result, 'health.failing_check')).toBe('feature-store');
    // A check that recovers is not hidden either way: the worse answer counts.
    const recovered = assess(six(state), { health: failing, healthAtEnd: healthy });
    expect(recovered.ranked.hypotheses[0]?.cause).toBe('service-unhealthy');
  });
});

