// `infdbg worker`: BullMQ workers for the shared queue, this node's queue and the report queue.
// Diagnostic jobs run through runDiagnostic; the report job merges the children's results and
// posts the thread. Progress is mirrored to the thread's status message. On close it stops
// taking jobs and lets running ones finish within the grace period.
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type RedisOptions } from 'bullmq';
import { RedisBaselineStore } from '../diagnosis/redis-baseline-store.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { InfdbgError, oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { observeWorkers, type Metrics } from '../core/metrics.ts';
import type { DiagnosticJobData, ReportJobData, ThreadRef } from '../queue/flow.ts';
import { JobStore } from '../queue/job-store.ts';
import { REPORT_QUEUE, SHARED_QUEUE, nodeQueue } from '../queue/names.ts';
import { buildReport } from '../report/build.ts';
import type { DiagnosticFailure, DiagnosticResult, Report } from '../report/model.ts';
import { parsePayload, runDiagnostic, type BaseDeps } from '../core/run-diagnostic.ts';
import { StatusThrottle, type SlackThread } from '../slack/thread.ts';
import { describeSlackError, isPermanentSlackError, slackErrorCode } from '../slack/slack-errors.ts';
import { startIncidentWorkers, type IncidentWorkerOptions } from '../incidents/process-alert.ts';
import { startChecklistWorker, type ChecklistWorkerOptions } from '../runbooks/checklist-worker.ts';
import { startHeartbeat } from '../queue/heartbeat.ts';

export interface WorkerRuntimeOptions {
  connection: ConnectionOptions;
  prefix: string;
  nodeName: string;
  /** Jobs run at once on each queue. */
  concurrency: number;
  diagnostics: readonly Diagnostic[];
  /** Null when no Slack is configured (results stay in Redis). */
  slack: SlackThread | null;
  deps: BaseDeps;
  logger: Logger;
  /** Minimum ms between two status-message updates of one request. Default 1000. */
  statusIntervalMs?: number;
  /** How often a worker looks for jobs whose worker died (their lock expired) and takes them over. Default BullMQ's 30 s. */
  stalledIntervalMs?: number;
  /** Where job counts and durations go (the worker's /metrics); absent = not counted. */
  metrics?: Metrics;
  /** Set to consume accepted alerts (ALERT_QUEUE) into incident threads. */
  incidents?: IncidentWorkerOptions;
  /** Set to run runbook checklists: an incident's checklist, step reports, reminders and timed escalations. */
  checklists?: ChecklistWorkerOptions;
  /** Announced in the heartbeat (src/queue/heartbeat.ts) beside the node and queues. Default `unknown`. */
  version?: string;
}

export interface WorkerRuntime {
  /** Stops taking jobs; waits up to `graceMs` for running ones, then cancels them. */
  close(graceMs: number): Promise<void>;
}

export async function startWorkers(opts: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { connection, prefix, logger } = opts;
  const store = new JobStore(connection, prefix);
  // Baselines live beside the queues, so every worker of the cluster sees the last run of a target.
  const baselines = opts.deps.baselines ? null : new RedisBaselineStore(connection as RedisOptions, prefix);
  const byName = new Map(opts.diagnostics.map((d) => [d.name, d]));

  const throttle = new StatusThrottle(
    opts.statusIntervalMs ?? 1000,
    async (requestId) => {
      const status = await store.requestStatus(requestId);
      if (status?.thread && opts.slack) await opts.slack.updateStatus(status.thread, status, { progress: true });
    },
    (err) => logger.warn('status update failed', { error: oneLine(err) }),
  );

  const processDiagnostic = async (job: Job<DiagnosticJobData>, _token?: string, signal?: AbortSignal): Promise<DiagnosticResult> => {
    const diagnostic = byName.get(job.name);
    if (!diagnostic) throw new UnrecoverableError(`unknown diagnostic "${job.name}"`);
    try {
      const payload = parsePayload(diagnostic, job.data.payload);
      return await runDiagnostic(diagnostic, payload, {
        ...opts.deps,
        ...(baselines ? { baselines } : {}),
        ...(signal ? { signal } : {}),
        progress: async (percent, message) => {
          await job.updateProgress({ percent: Math.max(0, Math.min(100, Math.round(percent))), ...(message ? { message } : {}) });
        },
      });
    } catch (err) {
      if (err instanceof InfdbgError && !err.retryable) throw new UnrecoverableError(oneLine(err));
      throw err;
    }
  };

  /**
   * Posts the report into its thread, each part once across attempts (the post ledger), then marks
   * the status message done. When it cannot be posted for good, the status message says why.
   */
  const postThreadReport = async (job: Job<ReportJobData>, thread: ThreadRef, slack: SlackThread, report: Report): Promise<void> => {
    const { requestId } = job.data;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      const posted = await slack.postReport(thread, report, {
        requestId,
        ...(job.data.command === undefined ? {} : { command: job.data.command }),
        ledger: store.postLedger(requestId),
        lastAttempt,
        warn: (message, fields) => logger.warn(message, fields),
      });
      if (posted.notAttached.length > 0) logger.warn('report files not attached', { requestId, files: posted.notAttached });
    } catch (err) {
      const permanent = isPermanentSlackError(err);
      if (!permanent && !lastAttempt) throw err;
      logger.error('report not posted', { requestId, attempt: job.attemptsMade + 1, error: slackErrorCode(err) });
      const status = await store.requestStatus(requestId);
      const note = `:x: The report could not be posted: Slack answered ${describeSlackError(err)}.${permanent ? '' : ' It was tried several times.'} Run the command again once that is fixed.`;
      if (status) await slack.updateStatus(thread, { ...status, reportState: 'failed' }, { note }).catch((e: unknown) => logger.warn('status message not updated either', { requestId, error: slackErrorCode(e) }));
      throw permanent ? new UnrecoverableError(`report not posted: ${slackErrorCode(err)}`) : err;
    }
    const status = await store.requestStatus(requestId);
    if (status) await slack.updateStatus(thread, { ...status, reportState: 'completed' });
  };

  const processReport = async (job: Job<ReportJobData>): Promise<Report> => {
    const values = await job.getChildrenValues<DiagnosticResult>();
    const failed = await job.getIgnoredChildrenFailures();
    const results: DiagnosticResult[] = [];
    const failures: DiagnosticFailure[] = [];
    for (const child of job.data.children) {
      const key = Object.keys(values).find((k) => k.endsWith(`:${child.queue}:${child.jobId}`));
      const failKey = Object.keys(failed).find((k) => k.endsWith(`:${child.queue}:${child.jobId}`));
      if (key) results.push(values[key]!);
      else failures.push({ diagnostic: child.diagnostic, title: job.data.title, error: failKey ? failed[failKey]! : 'no result' });
    }
    const report = buildReport({
      title: job.data.title,
      incidentKey: job.data.incidentKey,
      results,
      failures,
      now: new Date(opts.deps.now()),
      ...(job.data.observations ? { observations: job.data.observations } : {}),
      ...(job.data.investigation ? { investigation: job.data.investigation } : {}),
    });
    if (job.data.thread && opts.slack) await postThreadReport(job, job.data.thread, opts.slack, report);
    logger.info('report posted', { requestId: job.data.requestId, severity: report.severity, failures: failures.length });
    // The report is posted: a failure to note it on the incident must not post it again on a retry.
    await incidents?.processor.reportFinished(job.data, report).catch((err: unknown) => logger.warn('incident not updated with its report', { requestId: job.data.requestId, error: oneLine(err) }));
    await checklists?.service.reportFinished(job.data, report).catch((err: unknown) => logger.warn('checklist not updated with its report', { requestId: job.data.requestId, error: oneLine(err) }));
    return report;
  };

  const checklists = opts.checklists ? await startChecklistWorker({ ...opts.checklists, connection, prefix, diagnostics: opts.diagnostics, now: opts.deps.now, logger }) : null;
  const incidents = opts.incidents
    ? await startIncidentWorkers({ ...opts.incidents, ...(checklists ? { checklists: checklists.service } : {}), connection, prefix, diagnostics: opts.diagnostics, jobs: store, now: opts.deps.now, logger })
    : null;
  const common = { connection, prefix, concurrency: opts.concurrency, ...(opts.stalledIntervalMs ? { stalledInterval: opts.stalledIntervalMs } : {}) };
  const diagnosticQueues = [SHARED_QUEUE, nodeQueue(opts.nodeName)];
  const workers: Worker[] = diagnosticQueues.map((q) => new Worker<DiagnosticJobData, DiagnosticResult>(q, processDiagnostic, common));
  workers.push(new Worker<ReportJobData, Report>(REPORT_QUEUE, processReport, common));
  if (opts.metrics) observeWorkers(workers, opts.metrics);

  for (const w of workers) {
    const poke = (job: Job | undefined) => {
      const data = job?.data as Partial<DiagnosticJobData> | undefined;
      if (data?.thread && data.requestId && job?.queueName !== REPORT_QUEUE) throttle.poke(data.requestId);
    };
    w.on('active', poke);
    w.on('progress', poke);
    w.on('completed', poke);
    w.on('failed', (job, err) => {
      logger.warn('job failed', { queue: w.name, job: job?.id, attempt: job?.attemptsMade, error: oneLine(err) });
      poke(job);
    });
    w.on('error', (err) => logger.error('worker error', { queue: w.name, error: oneLine(err) }));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  // Announced once it takes jobs, so the bot refuses node-local work for a node with no live worker.
  const heartbeat = await startHeartbeat({ connection: connection as RedisOptions, prefix, node: opts.nodeName, queues: [...diagnosticQueues, REPORT_QUEUE], version: opts.version ?? 'unknown', logger });
  logger.info('worker ready', { queues: [...diagnosticQueues, REPORT_QUEUE, ...(incidents ? incidents.workers.map((w) => w.name) : [])], concurrency: opts.concurrency });

  return {
    async close(graceMs: number) {
      await heartbeat.stop(); // a closing worker takes no new jobs: withdrawn first
      const graceful = Promise.all([...workers.map((w) => w.close()), incidents?.close(), checklists?.close()]);
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), graceMs)));
      if ((await Promise.race([graceful, expired])) === 'expired') {
        logger.warn('grace period over: cancelling running jobs', { graceMs });
        for (const w of workers) w.cancelAllJobs('worker shutting down');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      clearTimeout(timer);
      throttle.close();
      await Promise.all([store.close(), baselines?.close()]);
    },
  };
}
