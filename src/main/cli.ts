// The long-running processes of `infdbg` — the bot (`serve`) and the workers (`worker`) — and the
// runbook commands, which need the whole registry and the Slack and Redis clients. The binary's
// entry is src/main/infdbg.ts (help, completion, the diagnostics), which loads this file only for
// these commands; run directly, this file hands everything else to it. Exit 0 on success, 2 on bad
// usage or configuration, 1 when it could not run — always with one line on stderr.
import { join, resolve } from 'node:path';
import { webApi } from '@slack/bolt';
import { oomDiagnosticWithRouting } from '../../jobs/oom.ts';
import { diagnostics } from '../../jobs/registry.ts';
import { createApp } from './app.ts';
import { cliConfigSchema, loadConfig, serveConfigSchema, workerConfigSchema, type CliConfig } from '../core/config.ts';
import { productionDeps, routingKube } from './deps.ts';
import { ackResolver, createTargetGuard, guardedNetwork, localAddresses } from '../policy/target-guard.ts';
import { targetPolicyFromConfig } from '../policy/target-policy.ts';
import { ConfigError, InfdbgError, UsageError, oneLine } from '../core/errors.ts';
import { createLogger, logFatal, routeConsole } from '../core/logger.ts';
import { createMetrics, observeQueues } from '../core/metrics.ts';
import { QueueDepth } from '../queue/queue-depth.ts';
import { slackClientOptions, slackWebClient } from '../slack/web-client.ts';
import { startWorkerHttp } from './worker-http.ts';
import { AlertQueue } from '../queue/alert-queue.ts';
import { resolveWebhookSecrets } from '../alerts/webhook-secrets.ts';
import { pagerDutyClientFromConfig } from '../pagerduty/rest-client.ts';
import { WorkerDirectory, liveNodes } from '../queue/heartbeat.ts';
import { RequestSweep, WatchedFlowEnqueuer } from '../queue/request-sweep.ts';
import { JobStore } from '../queue/job-store.ts';
import { RedisProbe, redisOptions } from '../queue/redis.ts';
import { FileBaselineStore } from '../diagnosis/baseline-store.ts';
import { runDiagnostic } from '../core/run-diagnostic.ts';
import { SlackThread } from '../slack/thread.ts';
import { startWorkers, type WorkerRuntime } from './worker.ts';
import { loadRunbooks, readRunbookSources, validateRunbookSources } from '../runbooks/load-runbooks.ts';
import { prepareRunbook } from '../runbooks/prepare-runbook.ts';
import { describeMatch, renderRunbookMarkdown } from '../runbooks/render-runbook.ts';
import { renderTerminal } from '../report/render-terminal.ts';
import { runRunbookSteps } from '../runbooks/run-runbook.ts';
import { givenVariables } from '../runbooks/template.ts';
import { alertmanagerApiFromConfig } from '../alerts/alertmanager-api.ts';
import { webClientSlack } from '../incidents/incident-slack.ts';
import { checklistService } from '../runbooks/checklist-worker.ts';
import { webClientUserGroups } from '../slack/user-groups.ts';
import { DEFAULT_ACCESS_POLICY, loadAccessPolicy } from '../policy/access-policy.ts';
import { accessGate } from '../policy/access-gate.ts';
import { triageAlert } from '../triage/triage-alert.ts';


interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Whether stdout is a terminal: Markdown is then rendered for it (src/report/render-terminal.ts). */
  stdoutIsTTY?: boolean;
}

/** Pulls --format and --charts-dir out of the tokens; the rest goes to the diagnostic. */
function splitCliFlags(tokens: string[]): { format: 'md' | 'json'; chartsDir: string; rest: string[] } {
  let format: 'md' | 'json' = 'md';
  let chartsDir = 'infdbg-out';
  const rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const [flag, inline] = t.startsWith('--') && t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, undefined];
    if (flag === '--format' || flag === '--charts-dir') {
      const value = inline ?? tokens[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      if (flag === '--format') {
        if (value !== 'md' && value !== 'json') throw new UsageError(`--format must be md or json, got "${value}"`);
        format = value;
      } else chartsDir = value;
    } else rest.push(t);
  }
  return { format, chartsDir, rest };
}

/** A terminal's deps: production I/O, with baselines remembered in a file beside the charts. */
function terminalDeps(config: CliConfig, chartsDir: string) {
  return { ...productionDeps(config), baselines: new FileBaselineStore(join(resolve(chartsDir), 'baselines.json')) };
}

function onSignals(handler: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      handler(sig).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

/** `infdbg runbooks` lists them; `infdbg runbooks validate [dir]` checks a folder: exit 0, or 2 with one line per problem. */
function runbooksCommand(tokens: string[], io: Io): number {
  const [sub, dir, ...extra] = tokens;
  if (sub !== undefined && sub !== 'validate') throw new UsageError(`unknown runbooks subcommand "${sub}"`, 'runbooks [validate [DIR]]');
  if (extra.length) throw new UsageError('runbooks validate takes one directory', 'runbooks [validate [DIR]]');
  const folder = dir ?? loadConfig(cliConfigSchema).RUNBOOKS_DIR;
  const { runbooks, problems } = validateRunbookSources(readRunbookSources(folder), diagnostics);
  if (sub === 'validate') {
    if (problems.length) {
      for (const p of problems) io.stderr(`infdbg: ${p}\n`);
      return 2;
    }
    io.stdout(`${folder}: ${runbooks.length} runbook${runbooks.length === 1 ? '' : 's'} valid (${runbooks.map((r) => r.name).join(', ')})\n`);
    return 0;
  }
  if (problems.length) throw new ConfigError(`invalid runbooks — ${problems.join('; ')}`);
  for (const r of runbooks) io.stdout(`${r.name}  ${r.title} (${r.category})\n    matches: ${describeMatch(r)}\n`);
  return 0;
}

/** `infdbg runbook <name> [var=value …]`: the steps filled in; the diagnostic steps that apply run in-process. */
async function runbookCommand(tokens: string[], io: Io): Promise<number> {
  const usage = 'runbook <name> [var=value …] [--no-run] [--format md|json]';
  const noRun = tokens.includes('--no-run');
  const { format, chartsDir, rest } = splitCliFlags(tokens.filter((t) => t !== '--no-run'));
  const [name, ...vars] = rest;
  if (!name) throw new UsageError('missing the runbook name (infdbg runbooks lists them)', usage);
  const flag = vars.find((v) => v.startsWith('-'));
  if (flag) throw new UsageError(`unknown option ${flag}`, usage);
  const config = loadConfig(cliConfigSchema);
  const runbooks = loadRunbooks(config.RUNBOOKS_DIR, diagnostics);
  const runbook = runbooks.find((r) => r.name === name);
  if (!runbook) throw new UsageError(`no runbook "${name}" (runbooks: ${runbooks.map((r) => r.name).join(', ')})`, usage);
  const prepared = prepareRunbook(runbook, { given: givenVariables(runbook, vars) });
  const base = terminalDeps(config, chartsDir);
  const run = noRun
    ? undefined
    : await runRunbookSteps(runbook, prepared, diagnostics, (diagnostic, payload) => runDiagnostic(diagnostic, payload, { ...base, progress: () => undefined }), new Date());
  if (run) await (await import('./infdbg.ts')).writeCharts(run.results, chartsDir, io);
  if (format === 'json') io.stdout(JSON.stringify({ runbook: prepared, outcomes: Object.fromEntries(run?.outcomes ?? []), topCause: run?.topCause ?? null }, null, 2) + '\n');
  else {
    const markdown = renderRunbookMarkdown(prepared, describeMatch(runbook), run?.outcomes, run?.topCause);
    io.stdout(io.stdoutIsTTY ? renderTerminal(markdown, { color: !config.NO_COLOR }) : markdown);
  }
  return 0;
}

async function serve(): Promise<void> {
  const config = loadConfig(serveConfigSchema);
  // A bad runbook stops start-up here, naming the file, the step and the field.
  const runbooks = loadRunbooks(config.RUNBOOKS_DIR, diagnostics);
  // So does a bad access policy (INFDBG_POLICY), naming the file, the line and the field.
  const accessPolicy = config.INFDBG_POLICY ? loadAccessPolicy(config.INFDBG_POLICY, { diagnostics: diagnostics.map((d) => d.name), runbooks }) : DEFAULT_ACCESS_POLICY;
  const webhookSecrets = resolveWebhookSecrets(config);
  const logger = createLogger(config.LOG_LEVEL);
  // Whatever a library prints, and a crash, as JSON lines like the rest.
  routeConsole(logger);
  logFatal(logger);
  const connection = redisOptions(config.REDIS_URL);
  const probe = new RedisProbe(config.REDIS_URL);
  const store = new JobStore(connection, config.QUEUE_PREFIX);
  // The workers' heartbeats (a node-local step for a node with no live worker is refused), and the sweep that keeps a request from going silent.
  const workers = new WorkerDirectory(connection, config.QUEUE_PREFIX);
  const sweep = new RequestSweep({ connection, prefix: config.QUEUE_PREFIX, store, workers, slack: { update: (message) => slackClient.chat.update(message) }, logger, now: () => Date.now(), intervalMs: config.REQUEST_SWEEP_SECONDS * 1000, queueDeadlineMs: config.QUEUE_WAIT_DEADLINE_SECONDS * 1000 });
  const enqueuer = new WatchedFlowEnqueuer(connection, config.QUEUE_PREFIX, sweep);
  const alerts = new AlertQueue(connection, config.QUEUE_PREFIX);
  const metrics = createMetrics();
  // Queue depths for /metrics and the queue UI: every queue under the prefix, read on a scrape.
  const queueDepth = new QueueDepth({ connection, prefix: config.QUEUE_PREFIX, logger });
  observeQueues(metrics, queueDepth, logger);
  // `oom` must run on the node that runs the pod: the bot looks the node up when it enqueues.
  const kube = routingKube(config);
  // It runs there when a worker does (a CPU node may have none): everything it reads comes from the API.
  const routed = kube ? diagnostics.map((d) => (d.name === 'oom' ? oomDiagnosticWithRouting(kube, async () => liveNodes(await workers.live())) : d)) : diagnostics;
  // Checklist buttons and /debug runbook; their timers and the incident's progress run in the workers.
  const slackClient = slackWebClient(config.SLACK_BOT_TOKEN, { slackApiUrl: config.SLACK_API_URL, logger, metrics });
  const checklists = checklistService({ slack: webClientSlack(slackClient), userGroups: webClientUserGroups(slackClient), runbooks, connection, prefix: config.QUEUE_PREFIX, diagnostics: routed, now: () => Date.now(), logger });
  const app = createApp({
    signingSecret: config.SLACK_SIGNING_SECRET,
    botToken: config.SLACK_BOT_TOKEN,
    appToken: config.SLACK_APP_TOKEN,
    slackApiUrl: config.SLACK_API_URL,
    port: config.PORT,
    metrics,
    ...(config.BULL_BOARD_USER && config.BULL_BOARD_PASSWORD ? { queueBoard: { user: config.BULL_BOARD_USER, password: config.BULL_BOARD_PASSWORD, queues: () => queueDepth.queues(), logger } } : {}),
    diagnostics: routed,
    runbooks,
    checklists: checklists.service,
    enqueuer,
    store,
    workers,
    redisReady: () => probe.ready(),
    now: () => Date.now(),
    logger,
    webhooks: { secrets: webhookSecrets, alerts },
    pagerduty: pagerDutyClientFromConfig(config, { fetch: globalThis.fetch, logger }),
    // The ack refuses a command whose URLs the target policy refuses; workers check again after DNS.
    targetPolicy: targetPolicyFromConfig(config, localAddresses()),
    resolveHost: ackResolver(),
    // Who may run what, decided in the ack; its user groups are read by a client that answers or fails fast (no retries for minutes).
    access: accessGate({ policy: accessPolicy, userGroups: webClientUserGroups(new webApi.WebClient(config.SLACK_BOT_TOKEN, { ...slackClientOptions({ slackApiUrl: config.SLACK_API_URL, logger, metrics }), retryConfig: { retries: 1 }, rejectRateLimitedCalls: true, timeout: 5000 })), logger }),
  });
  onSignals(async (signal) => {
    logger.info('stopping', { signal });
    // Also before it finished starting (Socket Mode still waiting for Slack), when Bolt has nothing to stop.
    await app.stop().catch((err: unknown) => logger.warn('bot not stopped cleanly', { error: oneLine(err) }));
    await sweep.stop();
    workers.close();
    await Promise.all([enqueuer.close(), store.close(), probe.close(), alerts.close(), checklists.close(), queueDepth.close()]);
  });
  await app.start(config.PORT);
  sweep.start();
  logger.info('bot listening', { port: config.PORT, mode: config.SLACK_APP_TOKEN ? 'socket' : 'http', path: '/slack/events' });
  logger.info('runbooks loaded', { dir: config.RUNBOOKS_DIR, count: runbooks.length });
  logger.info('queue UI', { path: config.BULL_BOARD_USER ? '/queues' : 'off (no BULL_BOARD_USER and BULL_BOARD_PASSWORD)' });
  logger.info('access policy', { file: accessPolicy.file ?? '(none: INFDBG_POLICY not set)', default: accessPolicy.default, rules: accessPolicy.rules.length });
  logger.info('alert webhooks', { pagerduty: webhookSecrets.pagerduty ? 'on' : 'off (no PAGERDUTY_WEBHOOK_SECRETS)', alertmanager: webhookSecrets.alertmanager ? 'on' : 'off (no ALERTMANAGER_WEBHOOK_TOKEN or _BASIC)' });
}

async function worker(): Promise<void> {
  const config = loadConfig(workerConfigSchema);
  const logger = createLogger(config.LOG_LEVEL);
  // Whatever a library prints, and a crash, as JSON lines like the rest.
  routeConsole(logger);
  logFatal(logger);
  const runbooks = loadRunbooks(config.RUNBOOKS_DIR, diagnostics);
  logger.info('runbooks loaded', { dir: config.RUNBOOKS_DIR, count: runbooks.length });
  const metrics = createMetrics();
  const client = slackWebClient(config.SLACK_BOT_TOKEN, { slackApiUrl: config.SLACK_API_URL, logger, metrics });
  // /metrics and /healthz on METRICS_PORT from the start: while Redis is down the probes hear 503, not silence.
  const probe = new RedisProbe(config.REDIS_URL);
  let taking = false;
  const http = await startWorkerHttp({ port: config.METRICS_PORT, metrics, redisReady: () => probe.ready(), workersRunning: () => taking, logger });
  logger.info('worker metrics listening', { port: http.port, paths: ['/metrics', '/healthz'] });
  const started: { runtime?: WorkerRuntime } = {};
  // Before the workers start: a SIGTERM while they wait for Redis still ends the process cleanly.
  onSignals(async (signal) => {
    taking = false;
    logger.info('stopping: no new jobs; waiting for running ones', { signal, graceSeconds: config.SHUTDOWN_GRACE_SECONDS });
    await started.runtime?.close(config.SHUTDOWN_GRACE_SECONDS * 1000);
    await Promise.all([http.close(), probe.close()]);
    logger.info('stopped');
  });
  started.runtime = await startWorkers({
    connection: redisOptions(config.REDIS_URL),
    prefix: config.QUEUE_PREFIX,
    nodeName: config.NODE_NAME,
    concurrency: config.WORKER_CONCURRENCY,
    diagnostics,
    // The thread's own client (its 429 handling) counts and logs like the others.
    slack: new SlackThread(client, { clientOptions: slackClientOptions({ slackApiUrl: config.SLACK_API_URL, logger, metrics }) }),
    // Every URL a job touches goes through the target policy (checked after DNS, on every redirect); the CLI's own runs are not restricted.
    deps: { ...productionDeps(config), ...guardedNetwork(createTargetGuard(targetPolicyFromConfig(config, localAddresses()))), localFileRoots: config.INFDBG_DATA_DIRS },
    logger,
    // Accepted alerts become incident threads: triage by the runbooks, then one investigation per run.
    incidents: {
      slack: webClientSlack(client),
      triage: (event) => triageAlert(event, runbooks, diagnostics, { incidentChannel: config.INCIDENT_CHANNEL, runbooksDir: config.RUNBOOKS_DIR }),
      defaultChannel: config.INCIDENT_CHANNEL,
      joinWindowMs: config.INCIDENT_JOIN_WINDOW_SECONDS * 1000,
      pagerduty: pagerDutyClientFromConfig(config, { fetch: globalThis.fetch, logger }),
      alertmanager: alertmanagerApiFromConfig(config, { fetch: globalThis.fetch }),
      reconcileIntervalMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
    },
    // Runbook checklists: an incident's checklist, step reports, reminders, timed escalations.
    checklists: { slack: webClientSlack(client), userGroups: webClientUserGroups(client), runbooks },
    metrics,
    version: (await import('./infdbg.ts')).version(),
  });
  taking = true;
}

export async function main(argv: string[], io: Io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'serve') return await serve().then(() => -1);
    if (command === 'worker') return await worker().then(() => -1);
    if (command === 'runbooks') return runbooksCommand(rest, io);
    if (command === 'runbook') return await runbookCommand(rest, io);
    // Help, completion, the diagnostics and investigate: the binary's entry.
    return await (await import('./infdbg.ts')).main(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`infdbg: ${oneLine(err)}${err.usage ? ` — usage: infdbg ${err.usage}` : ''}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr(`infdbg: ${oneLine(err)}\n`);
      return 2;
    }
    io.stderr(`infdbg: ${err instanceof InfdbgError ? '' : 'error: '}${oneLine(err)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  // -1: a long-running process (serve, worker) that exits on a signal.
  if (code >= 0) process.exitCode = code;
}
