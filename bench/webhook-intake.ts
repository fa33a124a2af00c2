// Alert intake under a storm, through the real route: 10,000 Alertmanager alerts in 100 groups
// arrive over N rounds; each round every group gains alerts and its notification (all alerts of
// the group so far, as Alertmanager sends it) is POSTed by both members of an HA pair, each to
// its own bot replica (createApp in its own Node process, as `serve` runs it, on one real Redis;
// the client is this process). Requests are issued open-loop
// at their scheduled times. Prints the webhook latency (p50/p99/max, measured at the client, fetch
// included), the answers, and checks the queue: one job per distinct notification, 0 duplicate
// jobs, every alert in its group's last job (0 lost). Only intake is measured: no worker consumes
// the queue here.
//
//   npx node bench/webhook-intake.ts [--groups 100] [--alerts 10000] [--rounds 10] [--rate 1000] [--replicas 2]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startSlackApiStandIn } from '../examples/slack-api-stand-in.ts';
import type { AlertEvent } from '../src/alerts/alert-event.ts';
import { silentLogger } from '../src/core/logger.ts';
import { createApp } from '../src/main/app.ts';
import { AlertQueue } from '../src/queue/alert-queue.ts';
import { FlowEnqueuer } from '../src/queue/flow.ts';
import { JobStore } from '../src/queue/job-store.ts';
import { ALERT_QUEUE } from '../src/queue/names.ts';
import { RedisProbe, redisOptions } from '../src/queue/redis.ts';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '100' },
    alerts: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '2' },
    /** Internal: run one bot replica under this prefix and print its URL. */
    replica: { type: 'string' },
  },
});
const GROUPS = Number(values.groups);
const ALERTS = Number(values.alerts);
const ROUNDS = Number(values.rounds);
/** New alerts per second across all groups. */
const RATE = Number(values.rate);
const REPLICAS = Number(values.replicas);
const PER_GROUP = Math.ceil(ALERTS / GROUPS);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'bench-webhook-token-0123456789abcdef';

const prefix = values.replica ?? `infdbg-bench-${randomBytes(4).toString('hex')}`;
const connection = redisOptions(REDIS_URL);

/** One bot replica in this process; prints its webhook URL and runs until stdin closes. */
async function serveReplica(): Promise<void> {
  const slack = await startSlackApiStandIn();
  const probe = new RedisProbe(REDIS_URL);
  const enqueuer = new FlowEnqueuer(connection, prefix);
  const store = new JobStore(connection, prefix);
  const alerts = new AlertQueue(connection, prefix);
  const app = createApp({
    signingSecret: 'bench-signing-secret',
    botToken: 'xoxb-bench',
    slackApiUrl: slack.apiUrl,
    diagnostics: [],
    enqueuer,
    store,
    redisReady: () => probe.ready(),
    now: () => Date.now(),
    logger: silentLogger,
    webhooks: { secrets: { alertmanager: { token: TOKEN } }, alerts },
  });
  const server = (await app.start(0)) as Server;
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/alertmanager\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  await app.stop();
  await Promise.all([enqueuer.close(), store.close(), probe.close(), alerts.close()]);
  await slack.close();
}

async function replica(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [import.meta.filename, '--replica', prefix], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
  return {
    url: line!.trim(),
    close: () =>
      new Promise<void>((resolve) => {
        child.on('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

if (values.replica) {
  await serveReplica();
  process.exit(0);
}

/** The wire format Alertmanager's notify/webhook encodes (fields in its order). */
function notification(group: number, count: number, peer: number): string {
  const alertname = `InferenceLatencyHigh${group}`;
  const alerts = Array.from({ length: count }, (_, i) => ({
    status: 'firing',
    labels: { alertname, namespace: 'serving', pod: `llm-7b-${group}-${i}`, severity: 'critical' },
    annotations: { summary: `p99 latency above 2 s on llm-7b-${group}-${i}` },
    startsAt: new Date(Date.UTC(2026, 11, 1, 12, 0, 0) + i * 1000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus-0:9090/graph?g0.expr=latency_p99%7Bpod%3D%22llm-7b-${group}-${i}%22%7D`,
    fingerprint: `${group.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
  }));
  return JSON.stringify({
    receiver: 'infdbg',
    status: 'firing',
    alerts,
    groupLabels: { alertname },
    commonLabels: { alertname, namespace: 'serving', severity: 'critical' },
    commonAnnotations: {},
    externalURL: `http://alertmanager-${peer}.alertmanager-operated:9093`,
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
  });
}

const replicas = await Promise.all(Array.from({ length: REPLICAS }, replica));
// Warm-up outside the measurement (a cold process spends its first ~300 ms compiling): 200
// notifications per replica of a group that is not counted, opening its Redis connections and
// HTTP keep-alive and warming the parse path.
const WARMUP_GROUP = GROUPS;
const WARMUP_REQUESTS = 200;
for (const [i, r] of replicas.entries()) {
  for (let k = 1; k <= WARMUP_REQUESTS; k++) {
    const body = notification(WARMUP_GROUP, 1 + (k % PER_GROUP), i);
    await (await fetch(r.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body })).arrayBuffer();
  }
}
const latencies: number[] = [];
const answers = new Map<number, number>();
const roundMs = ((ALERTS / ROUNDS) / RATE) * 1000;
const perRound = Math.ceil(PER_GROUP / ROUNDS);
// Every body is built before the clock starts: building them on the way would stall the client.
const planned: { at: number; body: string; target: string }[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const count = Math.min(PER_GROUP, round * perRound);
  for (let g = 0; g < GROUPS; g++) {
    for (let peer = 0; peer < 2; peer++) {
      const at = (round - 1) * roundMs + ((g * 2 + peer) / (GROUPS * 2)) * roundMs;
      planned.push({ at, body: notification(g, count, peer), target: replicas[peer % replicas.length]!.url });
    }
  }
}
const sends: Promise<void>[] = [];
const t0 = performance.now();
for (const { at, body, target } of planned) {
  sends.push(
    (async () => {
      const wait = at - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const start = performance.now();
      const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body });
      await res.arrayBuffer();
      latencies.push(performance.now() - start);
      answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
    })(),
  );
}
await Promise.all(sends);
const elapsed = (performance.now() - t0) / 1000;

const reader = new Queue(ALERT_QUEUE, { connection, prefix });
const jobs = ((await reader.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'], 0, -1)) as Job<AlertEvent>[]).filter(
  (j) => !j.data.incidentKey.includes(`InferenceLatencyHigh${WARMUP_GROUP}"`),
);
const eventIds = new Set(jobs.map((j) => j.data.eventId));
const byGroup = new Map<string, number>();
for (const j of jobs) byGroup.set(j.data.incidentKey, Math.max(byGroup.get(j.data.incidentKey) ?? 0, j.data.members.length));
const alertsSeen = [...byGroup.values()].reduce((a, b) => a + b, 0);

latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
const requests = latencies.length;
console.log(`storm: ${GROUPS} groups × ${PER_GROUP} alerts = ${GROUPS * PER_GROUP} alerts over ${ROUNDS} rounds, HA pair → ${REPLICAS} bot replica(s), ${requests} requests in ${elapsed.toFixed(1)} s`);
console.log(`rate: ${((GROUPS * PER_GROUP) / elapsed).toFixed(0)} new alerts/s, ${(requests / elapsed).toFixed(0)} requests/s (bodies up to ${(notification(0, PER_GROUP, 0).length / 1024).toFixed(0)} KiB)`);
console.log(`webhook latency (after ${WARMUP_REQUESTS} warm-up requests per replica): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`);
console.log(`answers: ${[...answers].sort().map(([s, n]) => `${s}×${n}`).join(', ')}`);
console.log(`queue: ${jobs.length} jobs for ${GROUPS * ROUNDS} distinct notifications, ${jobs.length - eventIds.size} duplicate jobs, ${byGroup.size} incident keys, ${GROUPS * PER_GROUP - alertsSeen} alerts lost`);

await reader.close();
await Promise.all(replicas.map((r) => r.close()));
const redis = new Redis(REDIS_URL);
const keys = await redis.keys(`${prefix}:*`);
for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
redis.disconnect();
