// Reports the renderer tests share: an ordinary one and builders for oversized ones.

import type { DiagnosticResult, Hypothesis, Report } from '../../src/report/model.ts';

/** A ranked cause as the engine returns it; `overrides` set what a test is about. */
export function hypothesis(overrides: Partial<Hypothesis> & Pick<Hypothesis, 'title'>): Hypothesis {
  return {
    cause: overrides.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'cause',
    category: 'latency-variance',
    likelihood: 'medium',
    score: 2,
    evidence: [],
    against: [],
    confirm: [],
    fixes: [],
    verification: [],
    prevention: [],
    severity: 'warning',
    ...overrides,
  };
}

export function healthResult(overrides: Partial<DiagnosticResult> = {}): DiagnosticResult {
  return {
    diagnostic: 'health',
    title: 'health http://model:8080',
    summary: 'p99 is 12× p50: a tail-latency problem. Check GC pauses first.',
    severity: 'warning',
    evidence: [
      { label: 'p99 latency', value: '840 ms', detail: 'from http_request_duration_seconds', severity: 'warning' },
      { label: 'p50 latency', value: '70 ms' },
    ],
    observations: [],
    tables: [
      {
        title: 'Latency by route',
        columns: ['route', 'p50 ms', 'p99 ms', 'requests'],
        rows: [
          ['/predict', 70.123456, 840, 12000],
          ['/a|b', 1.2, 3.4, null],
        ],
      },
    ],
    hypotheses: [
      hypothesis({ title: 'GC pauses', likelihood: 'high', score: 5, evidence: ['p99 spikes every 30 s'], against: ['no GC metric exported'], confirm: ['compare GC pause metrics with the spikes'], fixes: ['raise the heap limit'] }),
      hypothesis({ title: 'Oversized batches', likelihood: 'low', score: 1, evidence: ['batch size 256'], fixes: ['lower max batch to 32'] }),
    ],
    fixes: ['Restart the pod with a larger heap'],
    verification: ['p99 under 200 ms for 10 minutes'],
    prevention: ['alert when p99/p50 exceeds 5'],
    charts: [{ filename: 'latency.png', title: 'Latency histogram', pngBase64: '' }],
    data: { p50Ms: 70, p99Ms: 840 },
    durationMs: 1234,
    ...overrides,
  };
}

export function report(overrides: Partial<Report> = {}): Report {
  return {
    title: 'health http://model:8080',
    incidentKey: 'health:model:8080',
    severity: 'warning',
    summary: 'Tail latency is high; GC pauses are the likely cause.',
    results: [healthResult()],
    failures: [{ diagnostic: 'gpu', title: 'gpu node-1', error: 'nvidia-smi not found on node-1' }],
    hypotheses: [],
    generatedAt: '2026-11-23T15:00:00.000Z',
    ...overrides,
  };
}
