import type { types } from '@slack/bolt';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render-markdown.ts';
import { progressBar, renderSlackReport, renderStatusBlocks } from '../../src/report/render-slack.ts';
import { healthResult, hypothesis, report } from './sample-report.ts';
import { assertWithinSlackLimits } from './slack-limits.ts';

type KnownBlock = types.KnownBlock;

function allText(blocks: KnownBlock[]): string {
  return JSON.stringify(blocks);
}

describe('renderSlackReport', () => {
  it('shows an ordinary report whole: header, summary, evidence fields, table, hypotheses, fixes', () => {
    const rendered = renderSlackReport(report());
    const texts = assertWithinSlackLimits(rendered.blocks);
    expect(rendered.overflow).toBeUndefined();
    expect(rendered.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', emoji: true, text: ':warning: health http://model:8080' } });
    expect(rendered.text).toContain('Tail latency is high');
    expect(texts.some((t) => t.startsWith('*p99 latency* :warning:\n840 ms'))).toBe(true);
    expect(texts.some((t) => t.includes('*Could not run*') && t.includes('nvidia-smi not found'))).toBe(true);
    const hypotheses = texts.find((t) => t.startsWith('*Hypotheses*')) ?? '';
    expect(hypotheses.indexOf('*1. GC pauses* — high')).toBeGreaterThan(0);
    expect(hypotheses.indexOf('*2. Oversized batches*')).toBeGreaterThan(hypotheses.indexOf('*1. GC pauses*'));
    expect(hypotheses).toContain('fix: lower max batch to 32');
    expect(texts.some((t) => t.includes('*Verify:* p99 under 200 ms'))).toBe(true);
    expect(texts.some((t) => t.includes('`latency.png`'))).toBe(true);
  });

  it('aligns table columns in a code block', () => {
    const table = renderSlackReport(report()).blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : [])).find((t) => t.includes('```')) ?? '';
    const lines = table.split('\n').slice(2, -1);
    expect(lines[0]).toMatch(/^route\s+p50 ms\s+p99 ms\s+requests$/);
    const col = (line: string | undefined, word: string) => (line ?? '').indexOf(word);
    expect(col(lines[2], '70.12')).toBe(col(lines[0], 'p50 ms'));
    expect(col(lines[3], '1.2')).toBe(col(lines[0], 'p50 ms'));
  });

  it('always ends with the footer (the Re-run button), counted within the limits, whole or cut', () => {
    const footer: KnownBlock[] = [{ type: 'actions', elements: [{ type: 'button', action_id: 'infdbg_rerun', text: { type: 'plain_text', text: 'Re-run' }, value: 'health http://x' }] }];
    const huge = report({ results: Array.from({ length: 6 }, (_, r) => healthResult({ title: `r${r}`, evidence: Array.from({ length: 40 }, (_, i) => ({ label: `e${i}`, value: 'x'.repeat(400) })) })) });
    for (const r of [report(), huge]) {
      const rendered = renderSlackReport(r, footer);
      assertWithinSlackLimits(rendered.blocks);
      expect(rendered.blocks.at(-1)).toEqual(footer[0]);
    }
  });

  it('cuts a huge report to fit every Slack limit and returns the full Markdown as overflow', () => {
    const huge = report({
      results: Array.from({ length: 6 }, (_, r) =>
        healthResult({
          title: `huge result ${r}`,
          evidence: Array.from({ length: 40 }, (_, i) => ({ label: `e${i}`, value: 'x'.repeat(i === 0 ? 10_000 : 50) })),
          tables: [{ title: 'big', columns: ['a', 'b'], rows: Array.from({ length: 500 }, (_, i) => [`row${i}`, i * 1.5]) }],
          hypotheses: Array.from({ length: 200 }, (_, i) => hypothesis({
            title: `hypothesis ${i}`,
            likelihood: 'low' as const,
            evidence: ['y'.repeat(1000)],
            fixes: ['z'.repeat(300)],
          })),
          fixes: Array.from({ length: 100 }, (_, i) => `fix ${i} ${'w'.repeat(100)}`),
        }),
      ),
    });
    const rendered = renderSlackReport(huge);
    const texts = assertWithinSlackLimits(rendered.blocks);
    // Details fill the room left after the headlines, in order.
    expect(texts.some((t) => t.startsWith('*e1*\n'))).toBe(true);
    expect(rendered.overflow?.filename).toBe('report-health-model-8080.md');
    expect(rendered.overflow?.content).toBe(renderMarkdown(huge));
    expect(texts.at(-1)).toContain('full report attached');
    // Every diagnostic still gets its headline, even when details are dropped.
    for (let r = 0; r < 6; r++) expect(texts.some((t) => t.includes(`*huge result ${r}*`))).toBe(true);
    expect(rendered.text.length).toBeLessThanOrEqual(3000);
  });

  it('attaches the full report when a single value is too long for its field', () => {
    const rendered = renderSlackReport(report({ results: [healthResult({ evidence: [{ label: 'log', value: 'q'.repeat(10_000) }] })] }));
    assertWithinSlackLimits(rendered.blocks);
    expect(rendered.overflow).toBeDefined();
    expect(allText(rendered.blocks)).toContain('…');
  });

  it('shortens long summaries so every diagnostic keeps its headline', () => {
    const results = Array.from({ length: 12 }, (_, i) => healthResult({ title: `diagnostic ${i}`, summary: `summary ${i} ${'s'.repeat(3000)}` }));
    const rendered = renderSlackReport(report({ summary: 'r'.repeat(3000), results }));
    const texts = assertWithinSlackLimits(rendered.blocks);
    for (let i = 0; i < 12; i++) expect(texts.some((t) => t.includes(`*diagnostic ${i}*`) && t.includes(`summary ${i} sss`))).toBe(true);
    expect(rendered.overflow?.content).toContain('s'.repeat(3000));
  });

  it('never cuts an escaped character in half', () => {
    // Labels of five lengths put the cut at every offset inside a five-character `&amp;`.
    const evidence = ['a', 'ab', 'abc', 'abcd', 'abcde'].map((label) => ({ label, value: '&'.repeat(1000) }));
    const rendered = renderSlackReport(report({ results: [healthResult({ evidence })] }));
    const texts = assertWithinSlackLimits(rendered.blocks);
    expect(texts.filter((t) => t.includes('&amp;&amp;') && t.endsWith('…'))).toHaveLength(5);
  });

  it('cuts a long header to 150 characters', () => {
    const rendered = renderSlackReport(report({ title: 'T'.repeat(400) }));
    assertWithinSlackLimits(rendered.blocks);
    expect(rendered.overflow?.content).toContain('T'.repeat(400));
  });

  it('escapes &, < and > in everything taken from the report', () => {
    const evil = '<script>alert(1)</script> & <!channel>';
    const rendered = renderSlackReport(
      report({
        summary: evil,
        results: [healthResult({ title: evil, evidence: [{ label: evil, value: evil, detail: evil }], fixes: [evil], hypotheses: [hypothesis({ title: evil, likelihood: 'high', evidence: [evil], against: [evil], confirm: [evil], fixes: [evil] })] })],
        failures: [{ diagnostic: 'x', title: evil, error: evil }],
      }),
    );
    const texts = assertWithinSlackLimits(rendered.blocks);
    expect(allText(rendered.blocks.slice(1))).not.toContain('<script>');
    expect(rendered.text).not.toContain('<');
    expect(texts.filter((t) => t.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt;')).length).toBeGreaterThanOrEqual(6);
  });

  it('stays within the limits for any report (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 400 });
    const hypotheses = fc.array(
      fc
        .record({ title: text, likelihood: fc.constantFrom('high', 'medium', 'low', 'unlikely'), evidence: fc.array(text, { maxLength: 4 }), against: fc.array(text, { maxLength: 3 }), fixes: fc.array(text, { maxLength: 4 }) })
        .map((h) => hypothesis(h)),
      { maxLength: 20 },
    );
    const arbitraryReport: fc.Arbitrary<Report> = fc.record({
      title: text,
      incidentKey: text,
      severity: fc.constantFrom('ok', 'info', 'warning', 'critical'),
      summary: fc.string({ unit: fc.constantFrom('&', '<', '>', 'a', '😀'), maxLength: 5000 }),
      generatedAt: fc.constant('2026-11-23T00:00:00Z'),
      hypotheses,
      failures: fc.array(fc.record({ diagnostic: text, title: text, error: text }), { maxLength: 5 }),
      results: fc.array(
        fc.record({
          title: text,
          summary: text,
          evidence: fc.array(fc.record({ label: text, value: fc.string({ maxLength: 3000 }) }), { maxLength: 30 }),
          fixes: fc.array(text, { maxLength: 30 }),
          hypotheses,
          verification: fc.array(text, { maxLength: 12 }),
          rows: fc.array(fc.array(fc.oneof(text, fc.double(), fc.constant(null)), { maxLength: 12 }), { maxLength: 60 }),
        }).map(({ rows, ...r }) => healthResult({ ...r, tables: [{ title: 'Table', columns: ['a', 'b'], rows }] })),
        { maxLength: 12 },
      ),
    });
    fc.assert(
      fc.property(arbitraryReport, (r) => {
        const rendered = renderSlackReport(r);
        assertWithinSlackLimits(rendered.blocks);
        if (rendered.overflow) expect(rendered.overflow.content).toBe(renderMarkdown(r));
      }),
      { numRuns: 60 },
    );
  });
});

describe('renderStatusBlocks', () => {
  it('shows one progress bar per diagnostic and counts what is done', () => {
    const status = renderStatusBlocks({
      title: 'drift a.csv b.csv',
      items: [
        { name: 'drift', state: 'active', percent: 50, message: 'reading <b>.csv' },
        { name: 'health', state: 'completed', percent: 100 },
        { name: 'gpu', state: 'failed', percent: 20, message: 'nvidia-smi not found' },
      ],
    });
    const texts = assertWithinSlackLimits(status.blocks).join('\n');
    expect(status.text).toBe('drift a.csv b.csv — 1/3 done, 1 failed');
    expect(texts).toContain('*drift* `▓▓▓▓▓░░░░░` 50% active — reading &lt;b&gt;.csv');
    expect(texts).toContain('*health* `▓▓▓▓▓▓▓▓▓▓` 100% completed');
    expect(texts).toContain(':x: *gpu* `▓▓░░░░░░░░` 20% failed — nvidia-smi not found');
  });

  it('clamps nonsense percentages', () => {
    expect(progressBar(150)).toBe('▓▓▓▓▓▓▓▓▓▓');
    expect(progressBar(-3)).toBe('░░░░░░░░░░');
    expect(progressBar(Number.NaN)).toBe('░░░░░░░░░░');
    expect(progressBar(44)).toBe('▓▓▓▓░░░░░░');
  });

  it('stays within limits for many long items', () => {
    const status = renderStatusBlocks({
      title: 'big',
      items: Array.from({ length: 300 }, (_, i) => ({ name: `d${i}`, state: 'queued' as const, percent: 0, message: 'm'.repeat(2000) })),
    });
    const texts = assertWithinSlackLimits(status.blocks);
    expect(texts.at(-1)).toMatch(/_…and \d+ more_$/);
    expect(texts.join('\n')).toContain('*d0*');
  });
});
