// Every part of a report (the message, each chart, each file) reaches its thread once, whatever
// Slack or the worker does meanwhile: a chart upload that fails (once, or for good), Slack
// rate-limiting the report (429 ×8, the user told), Slack refusing the reply for good (the status
// message says why), and a real `infdbg worker` process SIGKILLed while the stand-in holds an upload
// open, its report finished by a second worker. Signed commands through the real Bolt receiver,
// a real Redis, real BullMQ workers, the Slack stand-in made to fail.
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTokens } from '../../src/command/args.ts';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startWorkers, type WorkerRuntime } from '../../src/main/worker.ts';
import { emptyResult } from '../../src/report/model.ts';
import { renderChart } from '../../src/report/chart.ts';
import { SlackThread } from '../../src/slack/thread.ts';
import { REDIS_URL, startStack, type Stack } from '../support/stack.ts';

// Returns two charts and a text file, so "each part once" has several parts to count.
const charted = defineDiagnostic({
  name: 'charted',
  usage: 'charted <label>',
  description: 'test diagnostic with charts',
  payload: z.object({ label: z.string() }),
  parseArgs(tokens) {
    const { positionals } = parseTokens(tokens, {}, 'charted <label>');
    return { label: positionals[0] };
  },
  observes: {},
  timeoutMs: 10_000,
  async run(payload) {
    const result = emptyResult('charted', `charted ${payload.label}`);
    result.summary = `Charted ${payload.label}.`;
    for (const name of ['latency', 'errors']) result.charts.push(renderChart(`${name}.png`, { kind: 'bars', title: name, categories: ['a', 'b'], series: [{ name: 'x', values: [1, 2] }] }));
    result.files = [{ filename: 'samples.csv', title: 'Samples', text: 'a,b\n1,2\n' }];
    return result;
  },
});

let stack: Stack | undefined;
let child: ChildProcess | undefined;
let extraWorkers: WorkerRuntime | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await extraWorkers?.close(2000);
  extraWorkers = undefined;
  await stack?.close();
  stack = undefined;
});

/** The thread's replies that are the report (its header names the diagnostic), as a user sees them. */
const reportReplies = (s: Stack, threadTs: string, label: string) => s.slack.replies('C0INCIDENT', threadTs).filter((m) => m.text.includes(`${label}`) && m.text.includes('Severity'));
/** Files shared into the thread, by name. */
const threadFiles = (s: Stack, threadTs: string) => s.slack.uploads.filter((u) => u.threadTs === threadTs).map((u) => u.filename).sort();
/** The thread's root ts, once the bot opened it. */
async function rootTs(s: Stack): Promise<string> {
  return s.slack.waitFor(() => {
    const root = s.slack.callsTo('chat.postMessage').find((c) => !c.args.thread_ts && !c.fault);
    return root ? s.slack.callsTo('chat.update').find((u) => u.args.channel === 'C0INCIDENT')?.args.ts as string | undefined : undefined;
  }, 30_000);
}
/** Resolves when the request's report job has finished (completed or failed for good). */
async function reportFinished(s: Stack, timeoutMs = 60_000): Promise<string> {
  const root = s.slack.callsTo('chat.postMessage').find((c) => !c.args.thread_ts && !c.fault)!;
  const id = /`(r[0-9a-f]{16})`/.exec(String(root.args.text))![1]!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await (await s.store.reportJob(id))?.getState();
    if (state === 'completed' || state === 'failed') return state;
    if (Date.now() > deadline) throw new Error(`report job ${id} still ${state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const statusText = (s: Stack, threadTs: string) => JSON.stringify(s.slack.callsTo('chat.update').filter((c) => c.args.ts === threadTs && !c.fault).at(-1)?.args ?? {});

describe('each part of a report is posted once', () => {
  it('a chart upload failing once is retried alone: one report message, one copy of each file', async () => {
    stack = await startStack({ diagnostics: [charted] });
    const fault = stack.slack.fault('upload', { error: 'internal_error', times: 1, match: (a) => a.filename === 'errors.png' });
    await stack.sendCommand('charted once');
    const threadTs = await rootTs(stack);
    expect(await reportFinished(stack)).toBe('completed');
    expect(fault.hits).toBe(1);
    expect(reportReplies(stack, threadTs, 'Charted once.')).toHaveLength(1);
    expect(threadFiles(stack, threadTs)).toEqual(['errors.png', 'latency.png', 'samples.csv']);
    expect(stack.slack.replies('C0INCIDENT', threadTs)).toHaveLength(1);
  });

  it('a chart upload failing for good: one report message, the other files, and a note that the chart could not be attached', async () => {
    stack = await startStack({ diagnostics: [charted] });
    stack.slack.fault('files.getUploadURLExternal', { error: 'internal_error', match: (a) => a.filename === 'latency.png' });
    await stack.sendCommand('charted broken');
    const threadTs = await rootTs(stack);
    // Three attempts (2 s, then 4 s apart), then the note.
    const note = await stack.slack.waitFor(() => stack!.slack.replies('C0INCIDENT', threadTs).find((m) => m.text.includes('Could not attach')), 30_000);
    expect(note.text).toBe(':warning: Could not attach `latency.png` to this report: Slack answered `internal_error` (Slack had an internal error). The report above is complete without it.');
    expect(reportReplies(stack, threadTs, 'Charted broken.')).toHaveLength(1);
    expect(await reportFinished(stack)).toBe('completed');
    expect(threadFiles(stack, threadTs)).toEqual(['errors.png', 'samples.csv']);
    expect(stack.slack.replies('C0INCIDENT', threadTs)).toHaveLength(2);
  });

  it('Slack answering 429 eight times: the report arrives once, and the person who asked is told it follows', async () => {
    stack = await startStack({ diagnostics: [charted] });
    const fault = stack.slack.fault('chat.postMessage', { retryAfterS: 1, times: 8, match: (a) => Boolean(a.thread_ts) });
    await stack.sendCommand('charted slow', { user: 'U0ASKER' });
    const threadTs = await rootTs(stack);
    const notice = await stack.slack.waitFor(() => stack!.slack.callsTo('chat.postEphemeral').find((c) => c.args.user === 'U0ASKER'), 30_000);
    expect(String(notice.args.text)).toMatch(/^:hourglass_flowing_sand: Slack is slowing us down \(rate-limited for \d+ s so far\), your report follows in the thread\.$/);
    expect(notice.args).toMatchObject({ channel: 'C0INCIDENT', thread_ts: threadTs });
    expect(await reportFinished(stack)).toBe('completed');
    expect(reportReplies(stack, threadTs, 'Charted slow.')).toHaveLength(1);
    expect(fault.hits).toBe(8);
    expect(stack.slack.replies('C0INCIDENT', threadTs)).toHaveLength(1);
    expect(threadFiles(stack, threadTs)).toEqual(['errors.png', 'latency.png', 'samples.csv']);
    expect(stack.slack.callsTo('chat.postEphemeral')).toHaveLength(1);
  });

  it('Slack refusing the reply for good (channel_not_found): the status message says the report could not be posted and why, tried once', async () => {
    stack = await startStack({ diagnostics: [charted] });
    stack.slack.fault('chat.postMessage', { error: 'channel_not_found', match: (a) => Boolean(a.thread_ts) });
    await stack.sendCommand('charted gone');
    const threadTs = await rootTs(stack);
    expect(await reportFinished(stack)).toBe('failed');
    await stack.slack.waitFor(() => statusText(stack!, threadTs).includes('could not be posted'));
    const status = statusText(stack, threadTs);
    expect(status).toContain('The report could not be posted: Slack answered `channel_not_found` (the channel no longer exists, or the bot cannot see it). Run the command again once that is fixed.');
    expect(stack.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts)).toHaveLength(1);
    expect(stack.slack.replies('C0INCIDENT', threadTs)).toHaveLength(0);
  });
});

describe('a worker killed mid-upload', () => {
  it('a real `infdbg worker` SIGKILLed while Slack holds its upload open: a second worker finishes with one report message and one copy of each file', async () => {
    const { diagnostics } = await import('../../jobs/registry.ts');
    stack = await startStack({ diagnostics, workers: false });
    const slack = stack.slack;
    let heldFile = '';
    const held = slack.fault('upload', { hold: true, times: 1, match: (a) => ((heldFile = String(a.filename)), true) });
    child = spawn(process.execPath, ['src/main/cli.ts', 'worker'], {
      env: { PATH: process.env.PATH, REDIS_URL, QUEUE_PREFIX: stack.prefix, NODE_NAME: stack.nodeName, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.apiUrl, INFDBG_DATA_DIRS: process.cwd() },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    await slack.waitFor(() => stderr.includes('worker ready'), 20_000);

    const fixtures = resolve('test/fixtures/drift');
    await stack.sendCommand(`drift ${fixtures}/reference.csv ${fixtures}/current.csv`);
    // The report message is in the thread and its first file's upload is under way, held by Slack.
    await slack.waitFor(() => held.hits === 1, 30_000);
    const threadTs = String(slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts)!.args.thread_ts);
    expect(slack.replies('C0INCIDENT', threadTs)).toHaveLength(1);
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    child = undefined;

    // A second worker takes the report job over once the dead one's lock expires (30 s).
    const deps = { fetch: globalThis.fetch, now: () => Date.now(), nodeName: stack.nodeName, localFileRoots: [process.cwd(), tmpdir()] };
    extraWorkers = await startWorkers({
      connection: stack.connection,
      prefix: stack.prefix,
      nodeName: stack.nodeName,
      concurrency: 1,
      diagnostics,
      slack: new SlackThread(new webApi.WebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl })),
      deps,
      logger: silentLogger,
      stalledIntervalMs: 1000,
    });
    expect(await reportFinished(stack, 90_000)).toBe('completed');
    const files = threadFiles(stack, threadTs);
    expect(files.length).toBeGreaterThan(0);
    expect(files).toContain(heldFile);
    expect(files.some((f) => f.endsWith('.png'))).toBe(true);
    expect(new Set(files).size).toBe(files.length);
    // The killed worker's upload never completed; the second worker uploaded that file again, once.
    expect(slack.callsTo('files.getUploadURLExternal').filter((c) => c.args.filename === heldFile)).toHaveLength(2);
    expect(slack.replies('C0INCIDENT', threadTs)).toHaveLength(1);
    expect(slack.replies('C0INCIDENT', threadTs)[0]!.text).toContain('drift');
  }, 150_000);
});
