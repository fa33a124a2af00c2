// No silent ending, through the real Bolt receiver, BullMQ and Redis: a node-local command for a
// node with no live worker is refused in the ack with the live nodes; a job whose node's worker
// died after that check is failed by the sweep once past its deadline, and the report says why;
// a request whose jobs vanished from Redis has its status message marked, with a Re-run that works.
import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gpuDiagnostic } from '../../jobs/gpu.ts';
import { oomDiagnosticWithRouting } from '../../jobs/oom.ts';
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { FlowEnqueuer } from '../../src/queue/flow.ts';
import { liveNodes, startHeartbeat, type Heartbeat } from '../../src/queue/heartbeat.ts';
import { REPORT_QUEUE, SHARED_QUEUE, nodeQueue } from '../../src/queue/names.ts';
import { emptyResult } from '../../src/report/model.ts';
import { REDIS_URL, startStack, type Stack } from '../support/stack.ts';
import { llmServerScenario, startKubeApiStandIn, type KubeApiStandIn } from '../support/kube-api-stand-in.ts';

const echo = defineDiagnostic({
  name: 'echo',
  usage: 'echo <word>',
  description: 'test diagnostic: answers with its word',
  payload: z.object({ word: z.string().min(1) }),
  parseArgs: (tokens) => ({ word: tokens[0] }),
  observes: {},
  timeoutMs: 10_000,
  async run(payload) {
    const result = emptyResult('echo', `echo ${payload.word}`);
    result.summary = `Echo said ${payload.word}.`;
    return result;
  },
});

let stack: Stack | undefined;
let heartbeat: Heartbeat | undefined;
let kubeApi: KubeApiStandIn | undefined;
afterEach(async () => {
  await heartbeat?.stop();
  await stack?.close();
  await kubeApi?.close();
  stack = heartbeat = kubeApi = undefined;
});

const ephemeralText = (res: { body: unknown }) => String((res.body as { text?: string }).text);

async function replyTo(s: Stack, responseUrl: string): Promise<string> {
  const reply = await s.slack.waitFor(() => s.slack.ephemeral.find((e) => e.path === new URL(responseUrl).pathname));
  return String(reply.body.text);
}

function slackClient(s: Stack): webApi.WebClient {
  return new webApi.WebClient('xoxb-test-token', { slackApiUrl: s.slack.apiUrl });
}

/** The newest thread root in the channel, as Slack lists it, and the request id it names. */
async function rootOf(s: Stack): Promise<{ ts: string; id: string }> {
  await s.slack.waitFor(() => s.slack.callsTo('chat.postMessage').some((c) => !c.args.thread_ts));
  const history = await slackClient(s).conversations.history({ channel: 'C0INCIDENT' });
  const root = history.messages?.[0];
  return { ts: String(root?.ts), id: /`(r[0-9a-z]+)`/.exec(String(root?.text))?.[1] ?? '' };
}

describe('a node with no live worker', () => {
  it('refuses `gpu no-such-node` in the ack, naming the live nodes; nothing is posted or enqueued', async () => {
    stack = await startStack({ diagnostics: [gpuDiagnostic], nodeName: 'gpu-node-7' });
    const res = await stack.sendCommand('gpu no-such-node');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(ephemeralText(res)).toBe(':no_entry: no worker is running on node no-such-node (`gpu` runs there); live nodes: gpu-node-7. Nothing was started.');
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
  });

  it('refuses a Re-run of it the same way, ephemerally', async () => {
    stack = await startStack({ diagnostics: [gpuDiagnostic], nodeName: 'gpu-node-7' });
    const click = await stack.clickButton({ channel: 'C0INCIDENT', ts: '1.000001' }, { action_id: 'infdbg_rerun', value: 'gpu no-such-node' });
    expect(click.status).toBe(200);
    expect(await replyTo(stack, click.responseUrl)).toContain('no worker is running on node no-such-node (`gpu` runs there); live nodes: gpu-node-7');
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('runs an oom whose pod is on a node without a worker on the shared queue (it reads only the Kubernetes API); with no node lookup it is refused', async () => {
    kubeApi = await startKubeApiStandIn(llmServerScenario());
    const routing = createKubeAccess({ namespaces: ['ml'], kubeConfig: kubeApi.kubeConfig(), requestTimeoutMs: 3000 });
    const kube = createKubeAccess({ namespaces: ['ml'], kubeConfig: kubeApi.kubeConfig() });
    // The pod runs on gpu-node-3; the only worker is on a CPU node (no GPU DaemonSet pod there).
    const served: { stack?: Stack } = {};
    stack = await startStack({ diagnostics: [oomDiagnosticWithRouting(routing, async () => liveNodes(await served.stack!.workers.live()))], deps: { kube }, nodeName: 'cpu-node-1' });
    served.stack = stack;
    const res = await stack.sendCommand('oom ml/llm-server-6d8f7b9c4-k2x7p');
    expect(res.body).toBe('');
    const { transcript } = await stack.waitForReport('C0INCIDENT', 30_000);
    expect(transcript).toContain('container server was OOMKilled (exit 137)');
    const root = stack.slack.callsTo('chat.postMessage')[0];
    const id = /`(r[0-9a-f]{16})`/.exec(String(root?.args.text))?.[1] ?? '';
    expect((await stack.store.reportJob(id))?.data.children).toEqual([expect.objectContaining({ diagnostic: 'oom', queue: SHARED_QUEUE })]);
    await stack.close();

    // Routed to the pod's node whatever the workers (the routing without a list of served nodes): refused, nothing started.
    stack = await startStack({ diagnostics: [oomDiagnosticWithRouting(routing)], nodeName: 'cpu-node-1' });
    const refused = await stack.sendCommand('oom ml/llm-server-6d8f7b9c4-k2x7p');
    expect(await replyTo(stack, refused.responseUrl)).toBe(':no_entry: no worker is running on node gpu-node-3 (`oom` runs there); live nodes: cpu-node-1. Nothing was started.');
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await stack.redisKeys()).toEqual([]);
  });

  it('says "live nodes: none" once the last worker is gone', async () => {
    stack = await startStack({ diagnostics: [gpuDiagnostic], nodeName: 'gpu-node-7' });
    await stack.stopWorkers();
    const res = await stack.sendCommand('gpu gpu-node-7');
    expect(ephemeralText(res)).toContain('no worker is running on node gpu-node-7 (`gpu` runs there); live nodes: none');
  });
});

describe('the request sweep', () => {
  it('fails a job that waited past its deadline on a node whose worker died after the check, and the report says so', async () => {
    stack = await startStack({ diagnostics: [gpuDiagnostic], nodeName: 'test-node', queueDeadlineMs: 1000 });
    // A worker on gpu-node-9 is announced (the ack lets the command through), then dies before taking the job.
    heartbeat = await startHeartbeat({ connection: stack.connection, prefix: stack.prefix, node: 'gpu-node-9', queues: [SHARED_QUEUE, nodeQueue('gpu-node-9'), REPORT_QUEUE], version: 'test', logger: silentLogger });
    const res = await stack.sendCommand('gpu gpu-node-9');
    expect(res.body).toBe('');
    const { id } = await rootOf(stack);
    await new Promise((r) => setTimeout(r, 1100));
    // Past the deadline, but a worker announces that queue: a backlog, left alone.
    expect((await stack.sweep.sweep()).expired).toEqual([]);

    await heartbeat.stop();
    heartbeat = undefined;
    expect((await stack.sweep.sweep()).expired).toEqual([`${id}.gpu`]);
    const { transcript } = await stack.waitForReport();
    expect(transcript).toContain('no worker on node gpu-node-9 took the job within 1 s; live nodes: test-node');
    const child = await stack.store.queue(nodeQueue('gpu-node-9')).getJob(`${id}.gpu`);
    expect(await child?.getState()).toBe('failed');
  });

  it('marks a request whose jobs vanished from Redis, and its Re-run starts it again', async () => {
    stack = await startStack({ diagnostics: [echo], workers: false });
    await stack.sendCommand('echo hello');
    const { ts, id } = await rootOf(stack);
    expect((await stack.sweep.sweep()).lost).toEqual([]);

    // Redis loses the data (a restart without persistence, an eviction): every key of the request goes.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${stack.prefix}:*`);
    await redis.del(...keys);
    redis.disconnect();

    expect((await stack.sweep.sweep()).lost).toEqual([id]);
    const marked = stack.slack.callsTo('chat.update').find((c) => c.args.ts === ts && String(c.args.text).includes('lost'));
    expect(String(marked?.args.text)).toBe(`:warning: *echo hello* · \`${id}\` — lost: its jobs vanished from the queue before it finished (Redis restarted without its data, or evicted it). Nothing more will come from this run; Re-run starts it again.`);
    expect(JSON.stringify(marked?.args.blocks)).toContain('infdbg_rerun');
    expect(JSON.stringify(marked?.args.blocks)).toContain('echo hello');
    // Marked once: the next sweep has nothing more to say.
    expect((await stack.sweep.sweep()).lost).toEqual([]);

    await stack.startWorkers();
    const click = await stack.clickButton({ channel: 'C0INCIDENT', ts }, { action_id: 'infdbg_rerun', value: 'echo hello' });
    expect(click.status).toBe(200);
    const { transcript } = await stack.waitForReport();
    expect(transcript).toContain('Echo said hello.');
  });

  it('marks a flow whose report waits on a child that no longer exists, and removes the flow', async () => {
    stack = await startStack({ diagnostics: [echo], workers: false });
    // A flow this bot did not open (an incident's run, enqueued by a worker): only Redis knows it.
    const enqueuer = new FlowEnqueuer(stack.connection, stack.prefix);
    const slack = slackClient(stack);
    const root = await slack.chat.postMessage({ channel: 'C0INCIDENT', text: 'incident: ranker p99 above SLO' });
    const progress = await slack.chat.postMessage({ channel: 'C0INCIDENT', thread_ts: String(root.ts), text: 'investigating…' });
    const thread = { channel: 'C0INCIDENT', threadTs: String(root.ts), statusTs: String(progress.ts) };
    await enqueuer.enqueue({ requestId: 'r00000000000000ab', title: 'echo orphan', incidentKey: 'k', thread, plan: [{ diagnostic: echo, payload: { word: 'orphan' } }] });
    await enqueuer.close();
    const redis = new Redis(REDIS_URL);
    await redis.del(`${stack.prefix}:${SHARED_QUEUE}:r00000000000000ab.echo`);
    redis.disconnect();

    expect((await stack.sweep.sweep()).lost).toEqual(['r00000000000000ab']);
    const marked = stack.slack.callsTo('chat.update').find((c) => c.args.ts === thread.statusTs);
    expect(String(marked?.args.text)).toContain('`r00000000000000ab` — lost: its jobs vanished from the queue');
    // No command to run again (an incident's run): no button.
    expect(JSON.stringify(marked?.args.blocks)).not.toContain('infdbg_rerun');
    expect(await stack.store.reportJob('r00000000000000ab')).toBeUndefined();
  });
});
