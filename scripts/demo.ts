// `npm run demo`: the main job end to end on one machine. It starts the sample model server
// (with tail-latency spikes and 3% errors injected) and sends it traffic, a Slack API stand-in,
// the real bot (`infdbg serve`) and a real worker (`infdbg worker`) as separate processes, then
// posts a correctly signed `/debug health <url>` to the bot's Bolt receiver and prints the thread
// a user would see. Redis: $REDIS_URL, else 127.0.0.1:6379, else a private redis-server.
//
// `npm run demo -- alert`: the same processes with the sample server failing 20 % of its
// requests; an Alertmanager notification (webhook payload version 4, bearer token) is POSTed to
// the bot's /webhooks/alertmanager, the worker opens the incident thread and runs its
// investigation, then the resolve notification edits the parent and posts the summary.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startSlackApiStandIn } from '../examples/slack-api-stand-in.ts';
import { startModelServer } from '../examples/model-server/server.ts';
import { RedisProbe } from '../src/queue/redis.ts';
import { signSlackRequest } from '../src/slack/signature.ts';

const SIGNING_SECRET = randomBytes(16).toString('hex');
const children: ChildProcess[] = [];
const say = (s: string) => process.stdout.write(`demo: ${s}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function redisAnswers(url: string): Promise<boolean> {
  const probe = new RedisProbe(url);
  try {
    return await probe.ready();
  } finally {
    await probe.close();
  }
}

async function findRedis(): Promise<string> {
  if (process.env.REDIS_URL) {
    if (await redisAnswers(process.env.REDIS_URL)) return process.env.REDIS_URL;
    throw new Error(`REDIS_URL is set but Redis does not answer there`);
  }
  if (await redisAnswers('redis://127.0.0.1:6379')) return 'redis://127.0.0.1:6379';
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const spawned = await new Promise<boolean>((resolve) => {
    redis.once('error', () => resolve(false));
    redis.once('spawn', () => resolve(true));
  });
  if (!spawned) throw new Error('no Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server (apt-get install redis-server)');
  children.push(redis);
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  say(`started a private redis-server on port ${port}`);
  return url;
}

function startProcess(name: string, args: string[], env: Record<string, string>, readyText: string): Promise<void> {
  const child = spawn(process.execPath, ['src/main/cli.ts', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s:\n${log}`)), 20_000);
    child.stderr!.on('data', (d) => {
      log += String(d);
      if (log.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${log}`)));
  });
}

async function main(): Promise<void> {
  const redisUrl = await findRedis();
  const prefix = `infdbg-demo-${randomBytes(3).toString('hex')}`;

  const model = await startModelServer({ port: 0, faults: { spikeProbability: 0.05, spikeLatencyMs: 120, errorRate: 0.03 } });
  say(`sample model server (Silero VAD on onnxruntime-node) at ${model.url}, with 5% 120 ms spikes and 3% errors`);
  const body = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Math.sin(i / 8) * 0.3) });
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 40; i++) await fetch(`${model.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer());
    }),
  );
  say('sent 320 /predict requests so its metrics have traffic');
  // Keep light traffic flowing so the health check's two scrapes see a request rate.
  const traffic = setInterval(() => {
    fetch(`${model.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer(), () => {});
  }, 20);

  const slack = await startSlackApiStandIn();
  const port = await freePort();
  const env = { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, NODE_NAME: 'demo-node', SLACK_BOT_TOKEN: 'xoxb-demo-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, PORT: String(port), METRICS_PORT: '0', LOG_LEVEL: 'info' };
  await startProcess('infdbg serve', ['serve'], env, 'bot listening');
  await startProcess('infdbg worker', ['worker'], env, 'worker ready');
  say(`bot (Bolt HTTP receiver) on :${port}, worker on queues shared, node-demo-node, report`);

  const text = `health ${model.url}`;
  const form = new URLSearchParams({ command: '/debug', text, channel_id: 'C0DEMO', user_id: 'U0ONCALL', team_id: 'T0DEMO', response_url: slack.responseUrl(), trigger_id: 'demo' }).toString();
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(form, SIGNING_SECRET, Math.floor(Date.now() / 1000)) },
    body: form,
  });
  say(`/debug ${text} → HTTP ${res.status} ack in ${Date.now() - started} ms`);

  const reply = await slack.waitFor(() => slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts), 60_000);
  const threadTs = String(reply.args.thread_ts);
  say(`report posted ${Date.now() - started} ms after the command; the thread as a user sees it:\n`);
  // Let the last status update and any chart uploads land before printing.
  await new Promise((r) => setTimeout(r, 1000));
  process.stdout.write(slack.transcript('C0DEMO', threadTs) + '\n\n');
  if (slack.uploads.length) {
    await mkdir('infdbg-out', { recursive: true });
    for (const u of slack.uploads) await writeFile(join('infdbg-out', u.filename), u.bytes);
    say(`files uploaded to the thread were written to infdbg-out/`);
  }
  clearInterval(traffic);
  await model.close();
  await slack.close();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

/** An Alertmanager v4 webhook body as its encoder (notify/webhook/webhook.go) writes it, for one alert of the sample server. */
function alertmanagerBody(modelUrl: string, status: 'firing' | 'resolved', startsAt: string, endsAt: string): string {
  const labels = { alertname: 'InferenceErrorRateHigh', job: 'sample-model-server', namespace: 'ml', service: 'sample-model-server', severity: 'critical' };
  const annotations = { summary: 'More than 5 % of /predict requests fail', service_url: modelUrl };
  const alert = { status, labels, annotations, startsAt, endsAt, generatorURL: 'http://prometheus.monitoring:9090/graph?g0.expr=sum%28rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29%29&g0.tab=1', fingerprint: 'a3f1c0d2e4b59687' };
  return JSON.stringify({
    receiver: 'infdbg',
    status,
    alerts: [alert],
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'http://alertmanager.monitoring:9093',
    version: '4',
    groupKey: '{}:{alertname="InferenceErrorRateHigh"}',
    truncatedAlerts: 0,
  });
}

async function alertDemo(): Promise<void> {
  const redisUrl = await findRedis();
  const prefix = `infdbg-demo-${randomBytes(3).toString('hex')}`;
  const token = randomBytes(24).toString('hex');
  const channel = 'C0INCIDENTS';

  const model = await startModelServer({ port: 0, faults: { errorRate: 0.2 } });
  say(`sample model server at ${model.url}, failing 20% of /predict requests`);
  const body = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Math.sin(i / 8) * 0.3) });
  const traffic = setInterval(() => {
    fetch(`${model.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer(), () => {});
  }, 20);

  const slack = await startSlackApiStandIn();
  const port = await freePort();
  const env = {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    NODE_NAME: 'demo-node',
    SLACK_BOT_TOKEN: 'xoxb-demo-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    // A free port for the worker's /metrics too: the demo must not depend on 9464 being free.
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    ALERTMANAGER_WEBHOOK_TOKEN: token,
    INCIDENT_CHANNEL: channel,
  };
  await startProcess('infdbg serve', ['serve'], env, 'bot listening');
  await startProcess('infdbg worker', ['worker'], env, 'worker ready');
  say(`bot on :${port} (POST /webhooks/alertmanager, bearer token), worker on the diagnostic, report, alerts and incidents queues`);

  const startsAt = new Date(Date.now() - 120_000).toISOString();
  const send = async (status: 'firing' | 'resolved') => {
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.31.0', authorization: `Bearer ${token}` },
      body: alertmanagerBody(model.url, status, startsAt, status === 'firing' ? '0001-01-01T00:00:00Z' : new Date().toISOString()),
    });
    say(`Alertmanager ${status} notification → HTTP ${res.status}`);
  };
  await send('firing');

  const parent = await slack.waitFor(() => slack.callsTo('chat.postMessage').find((c) => c.args.channel === channel && !c.args.thread_ts), 30_000);
  say(`incident thread opened in ${channel}: ${String(parent.args.text)}`);
  const report = await slack.waitFor(() => slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts && /Hypotheses|hypothes|likelihood/i.test(JSON.stringify(c.args.blocks ?? c.args.text))), 90_000);
  const threadTs = String(report.args.thread_ts);
  say('the investigation reported in the thread');

  await send('resolved');
  await slack.waitFor(() => slack.callsTo('chat.postMessage').find((c) => c.args.thread_ts === threadTs && String(c.args.text).includes('Incident summary')), 60_000);
  await slack.waitFor(() => slack.callsTo('chat.update').find((c) => c.args.ts === threadTs && String(c.args.text).startsWith('RESOLVED')), 30_000);
  await new Promise((r) => setTimeout(r, 1000));
  say('resolved: the parent was edited in place and the summary posted; the thread as a user sees it:\n');
  process.stdout.write(slack.transcript(channel, threadTs) + '\n\n');
  const summary = slack.uploads.find((u) => u.filename.includes('-summary-'));
  if (summary) {
    await mkdir('infdbg-out', { recursive: true });
    await writeFile(join('infdbg-out', summary.filename), summary.bytes);
    say(`incident summary (Markdown) written to infdbg-out/${summary.filename}`);
  }
  clearInterval(traffic);
  await model.close();
  await slack.close();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

try {
  if (process.argv[2] === 'alert') await alertDemo();
  else await main();
  say('done');
} catch (err) {
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
}
