// Fault test on a real process: an `infdbg worker` child process SIGKILLed while its diagnostic
// runs (`health` scraping the sample model server over 12 s, two scrapes in). BullMQ's
// stalled-job recovery hands the job to a second worker once the dead one's lock expires; the
// thread gets exactly one report, from the run that finished. Signed command through the real
// Bolt receiver, a real Redis, real BullMQ workers, the Slack stand-in.
import { tmpdir } from 'node:os';
import { webApi } from '@slack/bolt';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startWorkers, type WorkerRuntime } from '../../src/main/worker.ts';
import { SlackThread } from '../../src/slack/thread.ts';
import { startInfdbg, type InfdbgProcess } from '../support/infdbg-process.ts';
import { REDIS_URL, startStack, type Stack } from '../support/stack.ts';

let stack: Stack | undefined;
let model: ModelServer | undefined;
let child: InfdbgProcess | undefined;
let second: WorkerRuntime | undefined;
afterEach(async () => {
  child?.child.kill('SIGKILL');
  child = undefined;
  await second?.close(2000);
  second = undefined;
  await stack?.close();
  stack = undefined;
  await model?.close();
  model = undefined;
});

/** Polls `read` until it returns a value; fails at the deadline naming what it waited for. */
async function until<T>(read: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a worker killed mid-diagnostic', () => {
  it('a real `infdbg worker` SIGKILLed two scrapes into `health`: a second worker takes the job over and the thread gets exactly one report', async () => {
    const { diagnostics } = await import('../../jobs/registry.ts');
    model = await startModelServer();
    stack = await startStack({ diagnostics, workers: false });
    const { slack } = stack;
    child = startInfdbg('worker', { REDIS_URL, QUEUE_PREFIX: stack.prefix, NODE_NAME: stack.nodeName, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.apiUrl, METRICS_PORT: '0', LOG_LEVEL: 'info' });
    await child.waitForLine((l) => l.includes('worker ready'));

    const ack = await stack.sendCommand(`health ${model.url} --interval 12s`);
    expect(ack.status).toBe(200);
    const root = await until(() => slack.callsTo('chat.postMessage').find((c) => !c.args.thread_ts && !c.fault), 'the thread to open');
    const requestId = /`(r[0-9a-f]{16})`/.exec(String(root.args.text))![1]!;
    const threadTs = await until(() => slack.callsTo('chat.update').find((c) => c.args.channel === 'C0INCIDENT')?.args.ts as string | undefined, 'the status message');

    // The diagnostic is running in the child: it has reached its second scrape (of six, 2.4 s apart).
    await until(async () => {
      const item = (await stack!.store.requestStatus(requestId))?.items[0];
      return item?.state === 'active' && item.percent >= 26;
    }, 'health to be two scrapes in on the worker process');
    const exited = new Promise((r) => child!.child.once('exit', (_code, signal) => r(signal)));
    child.child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    child = undefined;
    expect(slack.replies('C0INCIDENT', threadTs)).toHaveLength(0);

    // A second worker finds the job stalled once the dead worker's lock expires (30 s) and runs it again.
    second = await startWorkers({
      connection: stack.connection,
      prefix: stack.prefix,
      nodeName: stack.nodeName,
      concurrency: 1,
      diagnostics,
      slack: new SlackThread(new webApi.WebClient('xoxb-test-token', { slackApiUrl: slack.apiUrl })),
      deps: { fetch: globalThis.fetch, now: () => Date.now(), nodeName: stack.nodeName, localFileRoots: [process.cwd(), tmpdir()] },
      logger: silentLogger,
      statusIntervalMs: 100,
      stalledIntervalMs: 1000,
    });
    const report = await stack.store.reportJob(requestId);
    const state = await until(async () => {
      const s = await (await stack!.store.reportJob(requestId))?.getState();
      return s === 'completed' || s === 'failed' ? s : undefined;
    }, 'the report job to finish', 90_000);
    expect(state).toBe('completed');

    // Exactly one report in the thread, and it is health's, from a run that finished.
    const replies = slack.replies('C0INCIDENT', threadTs);
    expect(replies).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === threadTs && !c.fault)).toHaveLength(1);
    const transcript = slack.transcript('C0INCIDENT', threadTs);
    expect(transcript).toContain(`:information_source: health ${model.url} --interval 12s\n*Severity:*`);
    expect(transcript).toContain('over the 12.0 s window (6 scrapes)');
    // The job was started twice and stalled once: the killed attempt, then the takeover.
    const child0 = report!.data.children[0]!;
    const healthJob = (await stack.store.queue(child0.queue).getJob(child0.jobId)) as Job;
    expect({ state: await healthJob.getState(), attemptsStarted: healthJob.attemptsStarted, stalledCounter: healthJob.stalledCounter }).toEqual({ state: 'completed', attemptsStarted: 2, stalledCounter: 1 });
    // The status message ends finished, not failed or lost.
    const status = await until(() => {
      const last = slack.callsTo('chat.update').filter((c) => c.args.ts === threadTs && !c.fault).at(-1);
      return last && /1\/1/.test(JSON.stringify(last.args)) ? JSON.stringify(last.args) : undefined;
    }, 'the status message to show the finished run');
    expect(status).not.toMatch(/failed|lost/);
  }, 150_000);
});
