import { describe, expect, it } from 'vitest';
import { MAX_NOTE_CHARS, reportNoteText } from '../../src/pagerduty/report-note.ts';
import type { Hypothesis, Report } from '../../src/report/model.ts';

const cause = (over: Partial<Hypothesis>): Hypothesis => ({
  cause: 'memory-leak',
  title: 'Memory leak in the serving process',
  category: 'memory',
  likelihood: 'high',
  score: 5,
  evidence: ['RSS grew 38 % over 2 h without a traffic change (health)', 'OOMKilled 3 times in 1 h (oom)', 'third item'],
  against: [],
  confirm: [],
  fixes: ['Restart the pods and pin the previous image', 'second fix'],
  verification: [],
  prevention: [],
  severity: 'critical',
  ...over,
});

const report = (over: Partial<Report> = {}): Report => ({
  title: 'KubePodCrashLooping model-server',
  incidentKey: 'am:pagerduty:{}:{alertname="KubePodCrashLooping"}',
  severity: 'critical',
  summary: 'The model server is being OOM-killed; memory grows steadily between restarts.',
  results: [],
  failures: [{ diagnostic: 'gpu', title: 'gpu node-1', error: 'nvidia-smi not found' }],
  hypotheses: [cause({}), cause({ cause: 'traffic', title: 'Traffic spike', likelihood: 'low', evidence: ['rps +10 %'] }), cause({ cause: 'x', title: 'Ruled out', likelihood: 'unlikely' })],
  generatedAt: '2026-12-01T12:00:00Z',
  ...over,
});

describe('reportNoteText', () => {
  it('gives the summary, the likely causes with their strongest evidence and first fix, what did not run, and the thread link', () => {
    const text = reportNoteText(report(), { threadUrl: 'https://standin.slack.com/archives/C0INCIDENT/p1763900000000100' });
    expect(text).toBe(
      [
        'infdbg investigation: KubePodCrashLooping model-server',
        'The model server is being OOM-killed; memory grows steadily between restarts.',
        '',
        'Most likely causes:',
        '1. Memory leak in the serving process (high)',
        '   - RSS grew 38 % over 2 h without a traffic change (health)',
        '   - OOMKilled 3 times in 1 h (oom)',
        '   Fix: Restart the pods and pin the previous image',
        '2. Traffic spike (low)',
        '   - rps +10 %',
        '   Fix: Restart the pods and pin the previous image',
        '',
        'Not run: gpu (nvidia-smi not found)',
        '',
        'Full report in Slack: https://standin.slack.com/archives/C0INCIDENT/p1763900000000100',
      ].join('\n'),
    );
  });

  it('says so when no cause stood out', () => {
    expect(reportNoteText(report({ hypotheses: [], failures: [] }))).toContain('No cause stood out from the evidence.');
  });

  it('stays within its bound and keeps the thread link whole', () => {
    const long = report({ summary: 'x'.repeat(10_000) });
    const text = reportNoteText(long, { threadUrl: 'https://standin.slack.com/archives/C1/p1' });
    expect(text.length).toBeLessThanOrEqual(MAX_NOTE_CHARS);
    expect(text.endsWith('Full report in Slack: https://standin.slack.com/archives/C1/p1')).toBe(true);
  });
});
