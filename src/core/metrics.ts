// Every metric the bot and the workers export, defined once, in one prom-client Registry per
// process: Node's default process metrics, /debug commands and alert webhooks by outcome, jobs
// and their durations by diagnostic, Slack Web API requests and 429s, and — where a process reads
// them — queue depths and the age of the oldest waiting job. Labels stay low-cardinality: an
// outcome, a diagnostic, a Slack method, a queue; never a URL, a user or a request id.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Job, Worker } from 'bullmq';
import { oneLine } from './errors.ts';
import type { Logger } from './logger.ts';

export interface Metrics {
  readonly registry: Registry;
  /** /debug commands and buttons by outcome (the handlers' `count(outcome)`). */
  readonly commands: Counter<'outcome'>;
  /** Alert webhook deliveries by sender and outcome. */
  readonly webhooks: Counter<'source' | 'outcome'>;
  /** Finished job attempts by diagnostic (`report` for the job that posts the report) and outcome. */
  readonly jobs: Counter<'diagnostic' | 'outcome'>;
  readonly jobDuration: Histogram<'diagnostic' | 'outcome'>;
  /** HTTP requests to Slack's Web API by method and HTTP status (`network_error` when none came back). */
  readonly slackRequests: Counter<'method' | 'status'>;
  /** Slack answers 429 (rate limited) by method. */
  readonly slackRateLimited: Counter<'method'>;
}

/** Job attempt outcomes: done, failed for good, failed with a retry to come. */
export type JobOutcome = 'completed' | 'failed' | 'retrying';

/** Seconds; diagnostics take from a fraction of a second (health) to minutes (profile sweeps, large drift). */
const JOB_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, …) so stock Node.js dashboards work.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    commands: new Counter({ name: 'infdbg_commands_total', help: '/debug commands and buttons by outcome.', labelNames: ['outcome'], registers }),
    webhooks: new Counter({ name: 'infdbg_webhooks_total', help: 'Alert webhook deliveries by sender and outcome.', labelNames: ['source', 'outcome'], registers }),
    jobs: new Counter({
      name: 'infdbg_jobs_total',
      help: 'Finished job attempts by diagnostic (report: the job that posts the report) and outcome (completed, failed for good, retrying).',
      labelNames: ['diagnostic', 'outcome'],
      registers,
    }),
    jobDuration: new Histogram({ name: 'infdbg_job_duration_seconds', help: 'Time a job attempt ran, by diagnostic and outcome.', labelNames: ['diagnostic', 'outcome'], buckets: JOB_BUCKETS, registers }),
    slackRequests: new Counter({
      name: 'infdbg_slack_api_requests_total',
      help: 'HTTP requests to the Slack Web API by method (other: uploads and response URLs) and HTTP status.',
      labelNames: ['method', 'status'],
      registers,
    }),
    slackRateLimited: new Counter({ name: 'infdbg_slack_api_rate_limited_total', help: 'Slack Web API requests answered 429 (rate limited), by method.', labelNames: ['method'], registers }),
  };
}

/** The Prometheus text exposition of every metric of the process. */
export async function renderMetrics(metrics: Metrics): Promise<{ contentType: string; body: string }> {
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}

/** Job counts of one queue by state, and how long its oldest waiting job has waited. */
export interface QueueDepthReading {
  queue: string;
  counts: Record<string, number>;
  /** Seconds since the oldest waiting job was added; 0 when none waits. */
  oldestWaitingSeconds: number;
}

export interface QueueDepthSource {
  /** Readings of every queue; cached briefly, so the two gauges of one scrape read Redis once. */
  read(): Promise<QueueDepthReading[]>;
}

/**
 * Queue gauges read on scrape: infdbg_queue_jobs{queue,state} and
 * infdbg_queue_oldest_waiting_age_seconds{queue}. A failed read leaves them empty for that
 * scrape (no stale numbers) and is logged; /healthz says whether Redis answers.
 */
export function observeQueues(metrics: Metrics, source: QueueDepthSource, logger: Logger): void {
  let failing: Promise<QueueDepthReading[]> | null = null;
  const read = () => {
    const reading = source.read();
    return reading.catch((err: unknown) => {
      // Both gauges see the same failed reading: one line for it.
      if (failing !== reading) logger.warn('queue depth not read', { error: oneLine(err) });
      failing = reading;
      return [] as QueueDepthReading[];
    });
  };
  new Gauge({
    name: 'infdbg_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, prioritized, waiting-children, failed).',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      const readings = await read();
      this.reset();
      for (const r of readings) for (const [state, n] of Object.entries(r.counts)) this.set({ queue: r.queue, state }, n);
    },
  });
  new Gauge({
    name: 'infdbg_queue_oldest_waiting_age_seconds',
    help: 'Seconds the oldest waiting job of each queue has waited; 0 when none waits.',
    labelNames: ['queue'],
    registers: [metrics.registry],
    async collect() {
      const readings = await read();
      this.reset();
      for (const r of readings) this.set({ queue: r.queue }, r.oldestWaitingSeconds);
    },
  });
}

/** Seconds the attempt ran: from when it became active to now (completed and failed events fire as it ends). */
function attemptSeconds(job: Job): number | undefined {
  return job.processedOn ? Math.max(0, Date.now() - job.processedOn) / 1000 : undefined;
}

/**
 * Counts and times every finished attempt of `workers`' jobs. A failed attempt is `failed` when
 * BullMQ moved the job to failed (it has a finishedOn), `retrying` when a retry is scheduled.
 */
export function observeWorkers(workers: readonly Worker[], metrics: Metrics): void {
  const record = (job: Job, outcome: JobOutcome) => {
    const labels = { diagnostic: job.name, outcome };
    metrics.jobs.inc(labels);
    const seconds = attemptSeconds(job);
    if (seconds !== undefined) metrics.jobDuration.observe(labels, seconds);
  };
  for (const w of workers) {
    w.on('completed', (job) => record(job, 'completed'));
    w.on('failed', (job) => {
      if (job) record(job, job.finishedOn ? 'failed' : 'retrying');
    });
  }
}
