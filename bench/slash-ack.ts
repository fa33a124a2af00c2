// Slash-command acks under load, through the real bot: `infdbg serve` as a child process on a
// real Redis (a unique prefix), Slack the local stand-in, correctly signed `/debug` commands
// POSTed at a steady rate for N seconds by several users in several channels — distinct
// `health`, `profile` and `drift` commands, duplicates of recent ones, and a few that are refused
// (bad flags, a target the policy refuses, a node with no worker). Open-loop: each request
// starts at its scheduled time whether or not earlier ones have answered, and its latency is
// counted from that time, so a stall anywhere (the bot, or this client) shows in the tail
// instead of delaying the requests that would have measured it. Prints p50/p95/p99/max of the
// time to the HTTP ack, the answers by kind, errors, the bar (p99 < 50 ms at 200 commands/s) and
// the machine; then waits for what follows each ack (one thread per distinct command, one
// answer per duplicate) and prints the bot's own count of outcomes from its /metrics.
//
// By default no worker runs: the ack does not need one, and in production the bot has CPUs of
// its own. --worker also starts `infdbg worker` (and the sample model server as a process), so
// the diagnostics run on the same CPUs while the commands arrive — a worst case.
//
//   npx node bench/slash-ack.ts [--rate 200] [--seconds 10] [--worker]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startSlackApiStandIn } from '../examples/slack-api-stand-in.ts';
import { parseExposition } from '../src/prometheus/exposition.ts';
import { signSlackRequest } from '../src/slack/signature.ts';
import { seededRandom } from '../src/stats/seeded-random.ts';
import { freePort } from '../test/support/infdbg-process.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    worker: { type: 'boolean', default: false },
  },
});
/** Commands per second. */
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
if (!(RATE > 0) || !(SECONDS > 0)) throw new Error('--rate and --seconds must be positive numbers');
const BAR_MS = 50;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = `bench-signing-secret-${randomBytes(8).toString('hex')}`;
const prefix = `infdbg-bench-${randomBytes(4).toString('hex')}`;
const USERS = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE', 'U0ERIN', 'U0FRANK'];
const CHANNELS = ['C0RANKING', 'C0SEARCH', 'C0VOICE'];
const WARMUP_CHANNEL = 'C0WARMUP';
/** Two seconds at the rate. */
const WARMUP_COMMANDS = Math.round(2 * RATE);
const FIXTURES = resolve('test/fixtures/drift');
const children: ChildProcess[] = [];
const say = (s: string) => process.stdout.write(`${s}\n`);

/** Starts `node <args>` and resolves once a line of its output includes `ready`; keeps counting its warn/error log lines. */
function start(args: string[], env: Record<string, string>, ready: string): Promise<{ child: ChildProcess; problems: string[] }> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const problems: string[] = [];
  let log = '';
  let started = false;
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start within 30 s:\n${log.slice(-2000)}`)), 30_000);
    const read = (d: Buffer) => {
      const text = String(d);
      if (!started) {
        log += text;
        if (log.includes(ready)) {
          started = true;
          clearTimeout(timer);
          resolveStart({ child, problems });
        }
      }
      // The JSON logs' warnings and errors, kept for the summary (the bot's audit lines are info).
      for (const line of text.split('\n')) if (/"level":"(warn|error)"/.test(line) && problems.length < 1000) problems.push(line);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => !started && reject(new Error(`${args.join(' ')} exited with ${code}:\n${log.slice(-2000)}`)));
  });
}


type Kind = 'health' | 'profile' | 'drift' | 'duplicate' | 'bad flags' | 'target refused' | 'no worker';
interface Planned {
  at: number;
  kind: Kind;
  text: string;
  user: string;
  channel: string;
}

/** The commands, built before the clock starts: a fixed mix, drawn from a seeded generator so runs compare. */
function plan(count: number, model: string): Planned[] {
  const random = seededRandom(11);
  const out: Planned[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    const r = random();
    const user = pick(USERS);
    const channel = pick(CHANNELS);
    const at = (i * 1000) / RATE;
    let kind: Kind;
    let text: string;
    const recent = out.slice(-2 * RATE).filter((p) => p.channel === channel && (p.kind === 'health' || p.kind === 'profile' || p.kind === 'drift'));
    if (r < 0.3) [kind, text] = ['health', `health ${model} --slo-p99 ${100 + i}`];
    else if (r < 0.52) [kind, text] = ['profile', `profile ${model}/predict --concurrency 1,4 --iterations ${100 + i}`];
    else if (r < 0.72) [kind, text] = ['drift', `drift ${FIXTURES}/reference.csv ${FIXTURES}/current.csv --model ranker-v${i}`];
    else if (r < 0.9 && recent.length > 0) [kind, text] = ['duplicate', pick(recent).text];
    else if (r < 0.95) [kind, text] = ['bad flags', pick([`health ${model} --interval soon`, `profile ${model}/predict --concurrency 100000`, `drift ${FIXTURES}/reference.csv`])];
    else if (r < 0.98) [kind, text] = ['target refused', pick(['health http://169.254.169.254 --health-path /latest/meta-data/iam/security-credentials/', `profile ${REDIS_URL.replace(/^redis/, 'http')}/`])];
    else [kind, text] = ['no worker', `gpu gpu-node-${i}`];
    out.push({ at, kind, text, user, channel });
  }
  return out;
}

function signed(text: string, user: string, channel: string, responseUrl: string): { headers: Record<string, string>; body: string } {
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0STANDIN',
    team_domain: 'standin',
    channel_id: channel,
    channel_name: channel.slice(2).toLowerCase(),
    user_id: user,
    user_name: user.slice(2).toLowerCase(),
    command: '/debug',
    text,
    api_app_id: 'A0INFDBG',
    response_url: responseUrl,
    trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
  }).toString();
  return { headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(body, SECRET, Math.floor(Date.now() / 1000)) }, body };
}

/** What the ack said: empty (the thread or the duplicate's answer follows), a usage error, a refusal. */
function answerKind(status: number, raw: string): string {
  if (status !== 200) return `HTTP ${status}`;
  if (!raw) return 'empty ack (started; thread or duplicate answer follows)';
  const text = String((JSON.parse(raw) as { text?: string }).text ?? raw);
  if (text.startsWith(':x:')) return 'usage error (ephemeral)';
  if (text.startsWith(':no_entry:')) return /no worker is running/.test(text) ? 'no worker on that node (ephemeral)' : 'target refused (ephemeral)';
  return `other: ${text.slice(0, 60)}`;
}

type Answer = { status: number; raw: string } | { error: string };

/**
 * Starts each planned command at its time (`at` ms after the start), however many are still
 * unanswered, and hands each answer to `answered` with the time it was due. Resolves once all
 * have answered, with how far behind schedule the latest start was.
 */
async function openLoop(planned: readonly Planned[], send: (p: Planned) => Promise<{ status: number; raw: string }>, answered: (p: Planned, due: number, answer: Answer) => void): Promise<number> {
  const sends: Promise<void>[] = [];
  let worstLate = 0;
  const t0 = performance.now();
  for (let i = 0; i < planned.length; ) {
    const now = performance.now() - t0;
    for (; i < planned.length && planned[i]!.at <= now; i++) {
      const p = planned[i]!;
      const due = t0 + p.at;
      worstLate = Math.max(worstLate, performance.now() - due);
      sends.push(send(p).then((a) => answered(p, due, a), (err: unknown) => answered(p, due, { error: err instanceof Error ? err.message : String(err) })));
    }
    if (i < planned.length) await new Promise((r) => setTimeout(r, Math.max(0, planned[i]!.at - (performance.now() - t0))));
  }
  await Promise.all(sends);
  return worstLate;
}

/** CPU seconds a process has used (user + system, from /proc; NaN where there is no /proc). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function main(): Promise<void> {
  const slack = await startSlackApiStandIn();
  const [botPort, modelPort] = [await freePort(), await freePort()];
  const model = `http://127.0.0.1:${modelPort}`;
  const common = { REDIS_URL, QUEUE_PREFIX: prefix, SLACK_BOT_TOKEN: 'xoxb-bench-token', SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'info' };
  const bot = await start(['src/main/cli.ts', 'serve'], { ...common, SLACK_SIGNING_SECRET: SECRET, PORT: String(botPort) }, 'bot listening');
  let worker: Awaited<ReturnType<typeof start>> | undefined;
  if (values.worker) {
    await start(['examples/model-server/server.ts', '--port', String(modelPort)], {}, 'model server listening');
    worker = await start(['src/main/cli.ts', 'worker'], { ...common, NODE_NAME: 'bench-node', WORKER_CONCURRENCY: '2', METRICS_PORT: '0', INFDBG_DATA_DIRS: process.cwd() }, 'worker ready');
  }
  const url = `http://127.0.0.1:${botPort}/slack/events`;
  /** The response_urls of the measured commands, to tell their duplicate answers from the warm-up's. */
  const measuredUrls = new Set<string>();
  const send = async (p: Pick<Planned, 'text' | 'user' | 'channel'>) => {
    const responseUrl = slack.responseUrl();
    if (p.channel !== WARMUP_CHANNEL) measuredUrls.add(new URL(responseUrl).pathname);
    const { headers, body } = signed(p.text, p.user, p.channel, responseUrl);
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, raw: await res.text() };
  };

  // Warm-up outside the measurement: the same mix at the same rate in a channel of its own (a cold
  // process compiles each path on first use; the client opens as many connections as it will need).
  await openLoop(plan(WARMUP_COMMANDS, model).map((p) => ({ ...p, channel: WARMUP_CHANNEL })), send, () => {});

  const planned = plan(Math.round(RATE * SECONDS), model);
  const latencies: number[] = [];
  /** Latencies by the second of the run each command was due in, to show where a tail comes from. */
  const perSecond: number[][] = Array.from({ length: Math.ceil(SECONDS) }, () => []);
  const answers = new Map<string, number>();
  const byKind = new Map<Kind, Map<string, number>>();
  const errors: string[] = [];
  const load = loadavg();
  say(`machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${load.map((l) => l.toFixed(2)).join(' ')} before; Node ${process.version}`);
  say(`infdbg serve${worker ? ' + infdbg worker' : ' (no worker)'}, prefix ${prefix}; ${planned.length} signed /debug commands at ${RATE}/s for ${SECONDS} s from ${USERS.length} users in ${CHANNELS.length} channels`);
  // Where a tail comes from: the bot's event-loop delay (prom-client's, reset by each scrape) and this client's own.
  const scrape = async () => parseExposition(await (await fetch(`http://127.0.0.1:${botPort}/metrics`)).text(), 'bot /metrics').samples;
  const gauge = (samples: Awaited<ReturnType<typeof scrape>>, name: string) => (samples.find((s) => s.name === name)?.value ?? NaN) * 1000;
  await scrape();
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();
  const botCpuBefore = cpuSeconds(bot.child.pid);
  const t0 = performance.now();
  const worstLateStart = await openLoop(planned, send, (p, due, answer) => {
    if ('error' in answer) return void errors.push(`no answer for "${p.text}": ${answer.error}`);
    const { status, raw } = answer;
    latencies.push(performance.now() - due);
    perSecond[Math.floor(p.at / 1000)]?.push(performance.now() - due);
    const kind = answerKind(status, raw);
    answers.set(kind, (answers.get(kind) ?? 0) + 1);
    const mine = byKind.get(p.kind) ?? new Map<string, number>();
    mine.set(kind, (mine.get(kind) ?? 0) + 1);
    byKind.set(p.kind, mine);
    if (status !== 200) errors.push(`HTTP ${status} for "${p.text}": ${raw.slice(0, 200)}`);
  });
  const sentS = (performance.now() - t0) / 1000;
  clientLoop.disable();
  const botCpu = cpuSeconds(bot.child.pid) - botCpuBefore;
  const during = await scrape();
  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  say(`sent in ${sentS.toFixed(1)} s (${(planned.length / sentS).toFixed(0)} commands/s); latest start behind schedule ${worstLateStart.toFixed(1)} ms (this client's own lag, counted in the latencies)`);
  say(`ack latency at the client, from each command's scheduled time: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms (${latencies.length} answered)`);
  say(`event-loop delay during the run: the bot p99 ${gauge(during, 'nodejs_eventloop_lag_p99_seconds').toFixed(1)} ms, max ${gauge(during, 'nodejs_eventloop_lag_max_seconds').toFixed(1)} ms; this client (and the Slack stand-in in it) p99 ${(clientLoop.percentile(99) / 1e6).toFixed(1)} ms, max ${(clientLoop.max / 1e6).toFixed(1)} ms`);
  say(`the bot's CPU time during the run: ${botCpu.toFixed(2)} s for ${planned.length} commands (${((botCpu * 1000) / planned.length).toFixed(2)} ms each, ${((botCpu / sentS) * 100).toFixed(0)} % of one CPU), the acks and what follows them (threads, enqueues, duplicate answers)`);
  say(`p99 by second of the run: ${perSecond.map((l) => percentile(l.sort((a, b) => a - b), 99).toFixed(0)).join(', ')} ms`);
  say(`answers: ${[...answers].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join('; ')}`);
  for (const [kind, got] of [...byKind].sort()) say(`  ${kind}: ${[...got].map(([k, n]) => `${n} ${k}`).join('; ')}`);
  say(`errors: ${errors.length}${errors.length ? `\n  ${errors.slice(0, 5).join('\n  ')}` : ''}`);
  say(`p99 ${p99.toFixed(1)} ms — bar < ${BAR_MS} ms at 200 commands/s: ${p99 < BAR_MS && errors.length === 0 ? 'met' : 'not met'}${RATE !== 200 ? ` (this run: ${RATE}/s)` : ''}`);
  say(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // What follows the acks: one thread per distinct accepted command, one answer per duplicate.
  const measured = new Set(CHANNELS);
  const started = planned.filter((p) => p.kind === 'health' || p.kind === 'profile' || p.kind === 'drift').length;
  const duplicates = planned.filter((p) => p.kind === 'duplicate').length;
  const roots = () => slack.callsTo('chat.postMessage').filter((c) => measured.has(String(c.args.channel)) && !c.args.thread_ts && !c.fault).length;
  const duplicateAnswers = () =>
    slack.ephemeral.filter((e) => measuredUrls.has(e.path) && /Already running|ran a moment ago|was started a moment ago/.test(String(e.body.text))).length +
    slack.callsTo('chat.postEphemeral').filter((c) => measured.has(String(c.args.channel)) && /ran a moment ago/.test(String(c.args.text))).length;
  const deadline = Date.now() + 60_000;
  while ((roots() < started || duplicateAnswers() < duplicates) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  say(`after the acks: ${roots()} threads opened for ${started} distinct commands; ${duplicateAnswers()} duplicate answers (a link to the running thread, or a re-run offer) for ${duplicates} duplicates`);
  const outcomes = (await scrape()).filter((s) => s.name === 'infdbg_commands_total' && s.value > 0).map((s) => `${s.labels.outcome} ${s.value}`);
  say(`the bot's infdbg_commands_total (the warm-up's ${WARMUP_COMMANDS} included): ${outcomes.join(', ')}`);
  const problems = [...bot.problems, ...(worker?.problems ?? [])];
  say(`warnings and errors logged by the processes: ${problems.length}${problems.length ? `\n  ${problems.slice(0, 5).join('\n  ')}` : ''}`);

  // The processes first: a running worker writes its queues' bookkeeping keys again.
  await Promise.all(children.splice(0).map((c) => new Promise<void>((done) => (c.exitCode !== null || c.signalCode !== null ? done() : (c.once('exit', () => done()), c.kill('SIGTERM'))))));
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  redis.disconnect();
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
