import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderResultMarkdown } from '../../src/report/render-markdown.ts';
import { emptyResult } from '../../src/report/model.ts';
import { healthResult, hypothesis, report } from './sample-report.ts';

describe('renderResultMarkdown', () => {
  const md = renderResultMarkdown(healthResult());

  it('has the title, severity, summary and every section in reading order', () => {
    expect(md.startsWith('# health http://model:8080\n')).toBe(true);
    expect(md).toContain('**Severity:** WARNING');
    expect(md).toContain('p99 is 12× p50');
    const order = ['## Evidence', '## Latency by route', '## Hypotheses', '## Fixes', '## Verification', '## Prevention', '## Charts'];
    const positions = order.map((h) => md.indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('lists evidence with value, detail and a flag for bad values', () => {
    expect(md).toContain('- **p99 latency**: 840 ms **(warning)** — from http_request_duration_seconds');
    expect(md).toContain('- **p50 latency**: 70 ms\n');
  });

  it('renders tables as GitHub tables with escaped pipes and formatted numbers', () => {
    expect(md).toContain('| route | p50 ms | p99 ms | requests |\n| --- | --- | --- | --- |');
    expect(md).toContain('| /predict | 70.12 | 840 | 12000 |');
    expect(md).toContain('| /a\\|b | 1.2 | 3.4 | — |');
  });

  it('ranks hypotheses with their evidence for and against, what confirms them and the fixes', () => {
    expect(md).toContain(
      '1. **GC pauses** — likelihood high (score 5)\n   - for: p99 spikes every 30 s\n   - against: no GC metric exported\n   - confirm: compare GC pause metrics with the spikes\n   - fix: raise the heap limit',
    );
    expect(md.indexOf('1. **GC pauses**')).toBeLessThan(md.indexOf('2. **Oversized batches**'));
  });

  it('names chart files', () => {
    expect(md).toContain('- latency.png — Latency histogram');
  });

  it('omits empty sections', () => {
    const bare = renderResultMarkdown(emptyResult('logs', 'logs pod/x'));
    expect(bare).toContain('# logs pod/x');
    expect(bare).not.toMatch(/## (Evidence|Hypotheses|Fixes|Verification|Prevention|Charts)/);
  });

  it('keeps multi-line values on their list item', () => {
    const out = renderResultMarkdown(healthResult({ fixes: ['line one\nline two'] }));
    expect(out).toContain('1. line one line two');
  });
});

describe('renderMarkdown', () => {
  it('puts the report header and failures before the results, one level down', () => {
    const md = renderMarkdown(report());
    expect(md.startsWith('# health http://model:8080\n')).toBe(true);
    expect(md).toContain('incident `health:model:8080`');
    expect(md).toContain('## Could not run\n\n- **gpu** (gpu node-1): nvidia-smi not found on node-1');
    expect(md).toContain('## health http://model:8080');
    expect(md).toContain('### Hypotheses (most likely first)');
    expect(md.indexOf('## Could not run')).toBeLessThan(md.indexOf('### Evidence'));
  });
});

describe('renderMarkdown, several diagnostics', () => {
  it('shows one pooled ranking and the plan of an investigation, not a list per diagnostic', () => {
    const pooled = renderMarkdown(
      report({
        results: [healthResult(), healthResult({ diagnostic: 'gpu', title: 'gpu node-1', hypotheses: [hypothesis({ title: 'Own gpu cause' })] })],
        hypotheses: [hypothesis({ title: 'Another process holds the GPU', likelihood: 'high', score: 5, evidence: ['pid 4242 holds 60 GiB [gpu]', 'p99/p50 = 9 [health]'] })],
        investigation: {
          categories: ['latency-variance'],
          symptoms: ['p99'],
          unrecognised: ['lol'],
          steps: [{ diagnostic: 'health', command: 'health http://model:8080', why: 'is it up' }],
          notRun: [{ diagnostic: 'logs', why: 'failure signatures — give a pod' }],
        },
      }),
    );
    expect(pooled).toContain('## Hypotheses across 2 diagnostics (most likely first)\n\n1. **Another process holds the GPU** — likelihood high (score 5)\n   - for: pid 4242 holds 60 GiB [gpu]\n   - for: p99/p50 = 9 [health]');
    expect(pooled).not.toContain('Own gpu cause');
    expect(pooled).toContain('- ran `health http://model:8080`: is it up');
    expect(pooled).toContain('- not run: logs — failure signatures — give a pod');
  });
});
