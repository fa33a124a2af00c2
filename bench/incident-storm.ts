// Incidents under a storm, end to end through real processes: 10,000 Alertmanager alerts in 100
// groups arrive over N rounds at a set rate; each round every group gains alerts and its
// notification (every alert of the group so far, as Alertmanager sends it, payload version 4,
// bearer token) is POSTed by both members of an HA pair, each to its own bot replica
// (`infdbg serve`). Two `infdbg worker` processes consume the alerts; midway one is killed
// (SIGKILL) and started again. Slack is the local stand-in; the investigations run `health`
// against the sample model server. Prints the webhook latency at the client, then waits until
// every thread's parent shows its group's final count and checks: threads per incident, alerts
// lost, investigations per incident, duplicate posts, chat.update calls per minute.
//
// The workers run at a lower CPU priority (nice 10 by default): in a cluster they are other pods with
// CPU requests of their own, not competitors of the bot for its CPU; `--worker-nice 0` shares the
// CPUs evenly, as on one small machine.
//
//   npx node bench/incident-storm.ts [--groups 100] [--alerts 10000] [--rounds 10] [--rate 500] [--no-kill] [--worker-nice 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startSlackApiStandIn } from '../examples/slack-api-stand-in.ts';
import { startModelServer } from '../examples/model-server/server.ts';
import type { Incident } from '../src/incidents/incident.ts';
import { IncidentStore } from '../src/incidents/incident-store.ts';
import { ALERT_QUEUE, REPORT_QUEUE, SHARED_QUEUE } from '../src/queue/names.ts';
import { redisOptions } from '../src/queue/redis.ts';
import { freePort } from '../test/support/infdbg-process.ts';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '100' },
    alerts: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    'no-kill': { type: 'boolean', default: false },
    'worker-nice': { type: 'string', default: '10' },
  },
});
const GROUPS = Number(values.groups);
const ALERTS = Number(values.alerts);
const ROUNDS = Number(values.rounds);
/** New alerts per second across all groups. */
const RATE = Number(values.rate);
const WORKER_NICE = Number(values['worker-nice']);
const PER_GROUP = Math.ceil(ALERTS / GROUPS);
const PER_ROUND = Math.ceil(PER_GROUP / ROUNDS);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = `bench-${randomBytes(16).toString('hex')}`;
const CHANNEL = 'C0STORM';
const prefix = `infdbg-bench-${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];
const say = (s: string) => process.stdout.write(`${s}\n`);


function start(args: string[], env: Record<string, string>, ready: string, nice = 0): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['src/main/cli.ts', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  if (nice !== 0 && child.pid !== undefined) setPriority(child.pid, nice);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start within 30 s:\n${log.slice(-2000)}`)), 30_000);
    child.stderr!.on('data', (d) => {
      if (log.length < 100_000) log += String(d);
      if (log.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}:\n${log.slice(-2000)}`)));
  });
}

function group(g: number): string {
  return `svc-${String(g).padStart(3, '0')}`;
}

/** Group g's notification with its first `count` alerts, as Alertmanager's webhook notifier encodes it. */
function notification(g: number, count: number, modelUrl: string, startsAt: string): string {
  const service = group(g);
  const common = { alertname: 'InferenceErrorRateHigh', namespace: 'ml', service, severity: 'critical' };
  const annotations = { summary: `More than 5 % of ${service} requests fail`, service_url: modelUrl };
  const alerts = Array.from({ length: count }, (_, i) => ({
    status: 'firing',
    labels: { ...common, pod: `${service}-${i}` },
    annotations,
    startsAt,
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.monitoring:9090/graph?g0.expr=errors',
    fingerprint: `${g.toString(16).padStart(4, '0')}${i.toString(16).padStart(12, '0')}`,
  }));
  return JSON.stringify({
    receiver: 'infdbg',
    status: 'firing',
    alerts,
    groupLabels: { alertname: common.alertname, service },
    commonLabels: common,
    commonAnnotations: annotations,
    externalURL: 'http://alertmanager.monitoring:9093',
    version: '4',
    groupKey: `{}:{alertname="InferenceErrorRateHigh", service="${service}"}`,
    truncatedAlerts: 0,
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const model = await startModelServer({ port: 0, faults: { errorRate: 0.2 } });
  const slack = await startSlackApiStandIn();
  // The stand-in records calls without times: stamp each as it is seen (every 100 ms).
  const seenAt: number[] = [];
  const stamp = setInterval(() => {
    while (seenAt.length < slack.calls.length) seenAt.push(Date.now());
  }, 100);
  const env = (port: number, node: string) => ({
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    NODE_NAME: node,
    WORKER_CONCURRENCY: '4',
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ALERTMANAGER_WEBHOOK_TOKEN: TOKEN,
    INCIDENT_CHANNEL: CHANNEL,
  });
  const ports = [await freePort(), await freePort()];
  await Promise.all(ports.map((p, i) => start(['serve'], { ...env(p, `bot-${i}`), LOG_LEVEL: 'info' }, 'bot listening')));
  const workerEnv = (i: number) => ({ ...env(0, `worker-${i}`), LOG_LEVEL: 'info', METRICS_PORT: '0' });
  const workers = await Promise.all([0, 1].map((i) => start(['worker'], workerEnv(i), 'worker ready', WORKER_NICE)));
  say(`2 bot replicas, 2 workers (nice ${WORKER_NICE}), ${cpus().length} CPUs, prefix ${prefix}; ${ALERTS} alerts in ${GROUPS} groups over ${ROUNDS} rounds at ${RATE} alerts/s`);

  const startsAt = new Date().toISOString();
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const sends: Promise<void>[] = [];
  const roundMs = ((GROUPS * PER_ROUND) / RATE) * 1000;
  const t0 = Date.now();
  let killed = false;
  let restarted: Promise<void> = Promise.resolve();
  for (let r = 1; r <= ROUNDS; r++) {
    const count = Math.min(PER_GROUP, r * PER_ROUND);
    const bodies = Array.from({ length: GROUPS }, (_, g) => notification(g, count, model.url, startsAt));
    for (let g = 0; g < GROUPS; g++) {
      const due = t0 + (r - 1) * roundMs + (g / GROUPS) * roundMs;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      for (const port of ports) {
        const began = performance.now();
        sends.push(
          fetch(`http://127.0.0.1:${port}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'user-agent': 'Alertmanager/0.31.0' }, body: bodies[g] }).then(
            async (res) => {
              await res.arrayBuffer();
              latencies.push(performance.now() - began);
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            },
            () => void statuses.set(0, (statuses.get(0) ?? 0) + 1),
          ),
        );
      }
    }
    if (!values['no-kill'] && !killed && r === Math.ceil(ROUNDS / 2)) {
      killed = true;
      workers[0]!.kill('SIGKILL');
      say(`round ${r}: worker-0 killed (SIGKILL); started again`);
      // Not awaited here: waiting for the new process inside the send loop held the schedule back, and
      // the sends it delayed then left all at once — a burst the storm's rate does not have.
      restarted = start(['worker'], workerEnv(0), 'worker ready', WORKER_NICE).then((child) => void (workers[0] = child));
    }
  }
  await Promise.all(sends);
  await restarted;
  const stormS = (Date.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  say(`storm sent in ${stormS.toFixed(1)} s: ${latencies.length} webhook requests, answers ${JSON.stringify(Object.fromEntries(statuses))}`);
  const p99 = percentile(latencies, 99);
  say(`webhook latency at the client: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms — bar p99 < 50 ms: ${p99 < 50 ? 'met' : 'not met'} (workers at nice ${WORKER_NICE}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);

  // Converged: every group's parent shows its final count.
  const store = new IncidentStore(redisOptions(REDIS_URL), prefix);
  const redis = new Redis(REDIS_URL);
  const finalText = `${PER_GROUP} alerts (${PER_GROUP} firing)`;
  // The parent as Slack shows it now (its post, or its latest edit): the transcript before the first reply.
  const parentNow = (ts: string) => slack.transcript(CHANNEL, ts).split('\n[reply ')[0]!;
  const deadline = Date.now() + 8 * 60_000;
  // Every alert job done, including those the killed worker held (BullMQ hands them on once their lock expires, about 30 s).
  const alertsQ = new Queue(ALERT_QUEUE, { connection: redisOptions(REDIS_URL), prefix });
  const pendingAlerts = async () => Object.values(await alertsQ.getJobCounts('active', 'waiting', 'delayed', 'prioritized')).reduce((a, b) => a + b, 0);
  while ((await pendingAlerts()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
  const drainedS = (Date.now() - t0) / 1000;
  const readIncidents = async () => (await Promise.all((await store.listOpen(GROUPS * 10)).map((id) => store.get(id)))).filter((i): i is Incident => !!i);
  const showingFinal = (list: Incident[]) => list.filter((i) => i.thread.parentTs && parentNow(i.thread.parentTs).includes(finalText)).length;
  let incidents = await readIncidents();
  while (showingFinal(incidents) < GROUPS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    incidents = await readIncidents();
  }
  if (showingFinal(incidents) < GROUPS) say(`not converged after 8 min: ${showingFinal(incidents)}/${GROUPS} parents show the final count`);
  const convergedS = (Date.now() - t0) / 1000;
  const reports = new Queue(REPORT_QUEUE, { connection: redisOptions(REDIS_URL), prefix });
  const shared = new Queue(SHARED_QUEUE, { connection: redisOptions(REDIS_URL), prefix });
  // Every investigation's report in, too.
  const reported = async () => (await reports.getJobCounts('completed')).completed ?? 0;
  while (Date.now() < deadline + 60_000 && (await reported()) < incidents.length) await new Promise((r) => setTimeout(r, 1000));
  const reportedS = (Date.now() - t0) / 1000;

  const parents = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL && !c.args.thread_ts);
  const lost = incidents.reduce((n, i) => n + (PER_GROUP - Object.keys(i.members).length - i.untrackedMembers), 0) + (GROUPS - incidents.length) * PER_GROUP;
  const runs = incidents.map((i) => i.runs.length);
  const replies = (ts: string, re: RegExp) => slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts && re.test(String(c.args.text))).length;
  const dupTriage = incidents.filter((i) => i.thread.parentTs && replies(i.thread.parentTs, /^Triage:/) !== 1).length;
  const dupStatus = incidents.filter((i) => i.thread.parentTs && replies(i.thread.parentTs, /Investigation 1 queued/) !== 1).length;
  const reportCounts = await reports.getJobCounts('completed', 'failed', 'active', 'waiting', 'waiting-children', 'delayed');
  const alertCounts = await alertsQ.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
  const updates = slack.calls.map((c, i) => ({ c, at: seenAt[i] ?? Date.now() })).filter((x) => x.c.method === 'chat.update');
  const parentTs = new Set(incidents.map((i) => i.thread.parentTs));
  const parentEdits = updates.filter((u) => parentTs.has(String(u.c.args.ts)));
  const perMinute = new Map<number, number>();
  for (const u of parentEdits) perMinute.set(Math.floor(u.at / 60_000), (perMinute.get(Math.floor(u.at / 60_000)) ?? 0) + 1);
  // Sliding 60 s windows, since Slack's limit is per minute, not per clock minute.
  let maxSliding = 0;
  for (let a = 0, b = 0; b < parentEdits.length; b++) {
    while (parentEdits[b]!.at - parentEdits[a]!.at >= 60_000) a++;
    maxSliding = Math.max(maxSliding, b - a + 1);
  }

  say(`alert jobs all processed ${drainedS.toFixed(0)} s after the storm began`);
  say(`converged ${convergedS.toFixed(0)} s after the storm began (every parent shows "${finalText}"); every report in at ${reportedS.toFixed(0)} s; shared queue ${JSON.stringify(await shared.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed'))}`);
  say(`threads: ${parents.length} parent messages for ${incidents.length} incidents (${GROUPS} groups)`);
  say(`alerts lost: ${lost} of ${ALERTS}`);
  say(`investigations per incident: min ${Math.min(...runs)}, max ${Math.max(...runs)}; report jobs ${JSON.stringify(reportCounts)}`);
  say(`duplicate posts: ${dupTriage} threads with other than one triage reply, ${dupStatus} with other than one run status reply`);
  say(`alert jobs: ${JSON.stringify(alertCounts)}`);
  say(`parent edits: ${parentEdits.length} chat.update for ${parents.length} parents (${(parentEdits.length / Math.max(1, parents.length)).toFixed(1)} each); most in any 60 s: ${maxSliding}; per clock minute ${JSON.stringify([...perMinute.values()])}`);

  clearInterval(stamp);
  await Promise.all([reports.close(), shared.close(), alertsQ.close(), store.close()]);
  // The processes first: a running worker writes its queues' bookkeeping keys again.
  await Promise.all(children.splice(0).map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM'))))));
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  redis.disconnect();
  await model.close();
  await slack.close();
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
}
