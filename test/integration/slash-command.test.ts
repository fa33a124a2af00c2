// The foundation end to end: signed slash commands through the real Bolt receiver, flows on a
// real Redis, real BullMQ workers, the report thread captured by the Slack API stand-in.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTokens } from '../../src/command/args.ts';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { InputError, UnreachableError } from '../../src/core/errors.ts';
import { emptyResult } from '../../src/report/model.ts';
import { renderChart } from '../../src/report/chart.ts';
import { startStack, type Stack } from '../support/stack.ts';

let attemptsSeen = 0;

// A diagnostic made for these tests: it reports progress in steps, can fail transiently
// (retried) or permanently (not retried), and returns a chart.
const probe = defineDiagnostic({
  name: 'probe',
  usage: 'probe <mode> [--steps N]',
  description: 'test diagnostic',
  payload: z.object({ mode: z.enum(['ok', 'flaky', 'broken', 'slow']), steps: z.number().int().min(1).max(10) }),
  parseArgs(tokens) {
    const { values, positionals } = parseTokens(tokens, { steps: { type: 'string' } }, 'probe <mode> [--steps N]');
    return { mode: positionals[0], steps: Number(values.steps ?? 3) };
  },
  observes: {},
  timeoutMs: 10_000,
  async run(payload, deps) {
    attemptsSeen++;
    if (payload.mode === 'broken') throw new InputError('reference.csv has no rows');
    if (payload.mode === 'flaky' && attemptsSeen < 2) throw new UnreachableError('model server did not answer');
    for (let i = 1; i <= payload.steps; i++) {
      await new Promise((r) => setTimeout(r, payload.mode === 'slow' ? 400 : 150));
      await deps.progress((100 * i) / payload.steps, `step ${i}/${payload.steps}`);
    }
    const result = emptyResult('probe', `probe ${payload.mode}`);
    result.summary = `Probe finished in ${payload.steps} steps.`;
    result.severity = 'warning';
    result.evidence.push({ label: 'steps', value: String(payload.steps) });
    result.charts.push(renderChart('probe.png', { kind: 'bars', title: 'Probe', categories: ['a', 'b'], series: [{ name: 'x', values: [1, 2] }] }));
    return result;
  },
});

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  attemptsSeen = 0;
});

describe('/debug through Bolt, BullMQ and the worker', () => {
  it('refuses a forged or stale signature with 401 and does nothing', async () => {
    stack = await startStack({ diagnostics: [probe] });
    const forged = await stack.sendCommand('probe ok', { signature: 'bad' });
    const stale = await stack.sendCommand('probe ok', { signature: 'stale' });
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
  });

  it('answers help and bad input ephemerally in the ack, enqueuing nothing', async () => {
    stack = await startStack({ diagnostics: [probe] });
    const help = await stack.sendCommand('help');
    expect(help.status).toBe(200);
    expect(help.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(help.body)).toContain('/debug probe <mode>');
    expect(JSON.stringify(help.body)).toContain('/debug status <request-id>');

    const unknown = await stack.sendCommand('explode now');
    expect(JSON.stringify(unknown.body)).toMatch(/unknown subcommand \\"explode\\"/);
    expect(String((unknown.body as { text: string }).text)).toMatch(/\nUsage: `\/debug probe\|investigate\|help\|status\|runbooks\|runbook …`$/);
    const badArg = await stack.sendCommand('probe sideways');
    expect(JSON.stringify(badArg.body)).toContain('Usage: `/debug probe <mode> [--steps N]`');
    const oversized = await stack.sendCommand('probe ok ' + 'x'.repeat(3000));
    expect(JSON.stringify(oversized.body)).toContain('the limit is 2000');
    expect(await stack.redisKeys()).toEqual([]);
  });

  it('runs a command end to end: ack, status message with progress, report and chart in the thread', async () => {
    stack = await startStack({ diagnostics: [probe] });
    const res = await stack.sendCommand('probe ok --steps 4');
    expect(res.status).toBe(200);
    const { threadTs, transcript } = await stack.waitForReport();
    expect(transcript).toContain('Probe finished in 4 steps.');
    const updates = () => stack!.slack.callsTo('chat.update').filter((c) => c.args.ts === threadTs).map((c) => JSON.stringify(c.args));
    // The status message moved through intermediate progress, then ended complete.
    await stack.slack.waitFor(() => updates().at(-1)?.includes('100%'));
    expect(updates().some((u) => /\b(25|50|75)%/.test(u))).toBe(true);
    const file = await stack.slack.waitFor(() => stack!.slack.uploads.find((u) => u.filename === 'probe.png' && u.threadTs === threadTs));
    expect(file.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('treats the same command in the same channel within the window as one request', async () => {
    stack = await startStack({ diagnostics: [probe], workers: false });
    await stack.sendCommand('probe slow --steps 2');
    await stack.slack.waitFor(() => stack!.slack.callsTo('chat.postMessage').length === 1);
    const again = await stack.sendCommand('probe   slow --steps 2');
    expect(again.status).toBe(200);
    const reply = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(again.responseUrl).pathname));
    expect(String(reply.body.text)).toMatch(/Already running as `r[0-9a-f]{16}`/);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('retries a transient failure and reports a permanent one without retrying', async () => {
    stack = await startStack({ diagnostics: [probe] });
    await stack.sendCommand('probe flaky --steps 1');
    const flaky = await stack.waitForReport('C0INCIDENT', 30_000);
    expect(flaky.transcript).toContain('Probe finished in 1 steps.');
    expect(attemptsSeen).toBe(2);

    attemptsSeen = 0;
    await stack.sendCommand('probe broken', { channel: 'C0OTHER' });
    const broken = await stack.waitForReport('C0OTHER');
    expect(broken.transcript).toContain('reference.csv has no rows');
    expect(attemptsSeen).toBe(1);
  });

  it('offers Re-run on the report; a click runs the same command again in a new thread', async () => {
    stack = await startStack({ diagnostics: [probe] });
    await stack.sendCommand('probe ok --steps 2');
    const first = await stack.waitForReport();
    const report = stack.slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === first.threadTs)!;
    const button = JSON.stringify(report.args.blocks).match(/"action_id":"(infdbg_rerun)","text":\{[^}]*\},"value":"([^"]*)"/);
    expect(button?.[2]).toBe('probe ok --steps 2');
    const message = { channel: 'C0INCIDENT', ts: first.threadTs }; // the clicked message's ts only scopes the dedup
    const click = await stack.clickButton(message, { action_id: button![1]!, value: button![2]! });
    expect(click.status).toBe(200);
    const second = await stack.slack.waitFor(() => {
      const roots = stack!.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts);
      const replies = stack!.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts && c.args.thread_ts !== first.threadTs);
      return roots.length === 2 && replies.length === 1 ? replies[0] : undefined;
    });
    expect(JSON.stringify(second.args.blocks)).toContain('Probe finished in 2 steps.');
    // A second click on the same report within the window is the same re-run, not a third run: the
    // answer links to the re-run's thread (running: "Already running"; finished: an offer to run it again).
    const again = await stack.clickButton(message, { action_id: button![1]!, value: button![2]! });
    const link = `https://standin.slack.com/archives/C0INCIDENT/p${String(second.args.thread_ts).replace('.', '')}`;
    const answer = await stack.slack.waitFor(
      () => stack!.slack.ephemeral.find((e) => e.path === new URL(again.responseUrl).pathname)?.body.text ?? stack!.slack.callsTo('chat.postEphemeral').at(-1)?.args.text,
    );
    expect(String(answer)).toContain(link);
    expect(stack.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(2);
  });

  it('refuses a Re-run whose command no longer parses, ephemerally', async () => {
    stack = await startStack({ diagnostics: [probe], workers: false });
    const click = await stack.clickButton({ channel: 'C0INCIDENT', ts: '1.000001' }, { action_id: 'infdbg_rerun', value: 'probe sideways' });
    expect(click.status).toBe(200);
    const reply = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(click.responseUrl).pathname));
    expect(String(reply.body.text)).toContain('cannot re-run');
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers /debug status with each diagnostic state', async () => {
    stack = await startStack({ diagnostics: [probe] });
    await stack.sendCommand('probe ok --steps 1');
    const root = await stack.slack.waitFor(() => stack!.slack.callsTo('chat.postMessage')[0]);
    const id = /`(r[0-9a-f]{16})`/.exec(String(root.args.text))![1]!;
    await stack.waitForReport();
    const res = await stack.sendCommand(`status ${id}`);
    const reply = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(res.responseUrl).pathname));
    expect(String(reply.body.text)).toContain('*probe*: completed 100%');
  });

  it('tells the user ephemerally when Redis is unreachable, and keeps serving', async () => {
    stack = await startStack({ diagnostics: [probe], workers: false, redisUrl: 'redis://127.0.0.1:1' });
    const res = await stack.sendCommand('probe ok');
    expect(res.status).toBe(200);
    const reply = await stack.slack.waitFor(() => stack!.slack.ephemeral[0]);
    expect(String(reply.body.text)).toContain('Redis) is unreachable');
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const help = await stack.sendCommand('help');
    expect(help.status).toBe(200);
  });

  it('serves /healthz (503 when Redis is unreachable) and /metrics with command outcomes', async () => {
    stack = await startStack({ diagnostics: [probe], workers: false });
    await stack.sendCommand('help');
    await stack.sendCommand('nonsense');
    const health = await fetch(`${stack.botUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, redis: 'up' });
    const metrics = await (await fetch(`${stack.botUrl}/metrics`)).text();
    expect(metrics).toContain('infdbg_commands_total{outcome="help"} 1');
    expect(metrics).toContain('infdbg_commands_total{outcome="usage_error"} 1');
    await stack.close();
    stack = await startStack({ diagnostics: [probe], workers: false, redisUrl: 'redis://127.0.0.1:1' });
    const down = await fetch(`${stack.botUrl}/healthz`);
    expect(down.status).toBe(503);
  });

  it('tells the user to invite the bot when it is not in the channel', async () => {
    stack = await startStack({ diagnostics: [probe], workers: false });
    stack.slack.notInChannel.add('C0PRIVATE');
    const res = await stack.sendCommand('probe ok', { channel: 'C0PRIVATE' });
    const reply = await stack.slack.waitFor(() => stack!.slack.ephemeral.find((e) => e.path === new URL(res.responseUrl).pathname));
    expect(String(reply.body.text)).toContain('/invite @infdbg');
  });
});

describe('local files from Slack', () => {
  it('a worker refuses to read a file outside INFDBG_DATA_DIRS and says so in the thread', async () => {
    const { driftDiagnostic } = await import('../../jobs/drift.ts');
    stack = await startStack({ diagnostics: [driftDiagnostic] });
    await stack.sendCommand('drift /etc/passwd /etc/hostname');
    const { transcript } = await stack.waitForReport();
    expect(transcript).toContain('/etc/passwd: not under the directories workers may read');
    expect(transcript).not.toMatch(/root:x:0/);
  });
});
