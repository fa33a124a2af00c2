// A report too big for one Slack message, through the real path a user sees: signed /debug →
// Bolt → BullMQ on Redis → worker → the thread in the Slack API stand-in. The message must be
// valid Block Kit and the whole report must arrive in the thread as a Markdown file.
import type { types } from '@slack/bolt';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTokens } from '../../src/command/args.ts';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { renderChart } from '../../src/report/chart.ts';
import { emptyResult } from '../../src/report/model.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { assertWithinSlackLimits } from './slack-limits.ts';

type KnownBlock = types.KnownBlock;

const verbose = defineDiagnostic({
  name: 'verbose',
  usage: 'verbose',
  description: 'returns more findings than one Slack message can hold',
  payload: z.object({}),
  parseArgs(tokens) {
    parseTokens(tokens, {}, 'verbose');
    return {};
  },
  observes: {},
  timeoutMs: 10_000,
  async run() {
    const result = emptyResult('verbose', 'verbose <everything>');
    result.severity = 'critical';
    result.summary = 'Too much to show & more.';
    result.evidence = Array.from({ length: 30 }, (_, i) => ({ label: `evidence ${i}`, value: 'v'.repeat(i === 0 ? 10_000 : 40) }));
    result.tables = Array.from({ length: 6 }, (_, t) => ({ title: `table ${t}`, columns: ['name', 'value'], rows: Array.from({ length: 300 }, (_, i) => [`row ${i}`, 'e'.repeat(40)]) }));
    result.fixes = Array.from({ length: 200 }, (_, i) => `fix for ${i} ${'f'.repeat(200)}`);
    result.charts.push(renderChart('verbose.png', { kind: 'line', title: 'Verbose', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[1, 1], [2, 3]] }] }));
    return result;
  },
});

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('posts a report that fits Slack and uploads the full report into the thread', async () => {
  stack = await startStack({ diagnostics: [verbose] });
  expect((await stack.sendCommand('verbose')).status).toBe(200);
  const { threadTs } = await stack.waitForReport();
  const reply = stack.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === threadTs);
  const texts = assertWithinSlackLimits(reply?.args.blocks as KnownBlock[]);
  expect(texts.at(-1)).toContain('full report attached');
  expect(texts.join('\n')).toContain('verbose &lt;everything&gt;');

  const inThread = () => stack!.slack.uploads.filter((u) => u.threadTs === threadTs);
  await stack.slack.waitFor(() => inThread().length === 2);
  const full = inThread().find((u) => /^report-.*\.md$/.test(u.filename));
  const markdown = full?.bytes.toString('utf8') ?? '';
  expect(markdown).toContain('# verbose <everything>');
  expect(markdown).toContain(`200. fix for 199 ${'f'.repeat(200)}`);
  expect(markdown).toContain('v'.repeat(10_000));
  expect(inThread().some((u) => u.filename === 'verbose.png')).toBe(true);
});
