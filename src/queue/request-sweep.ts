// The periodic sweep that keeps a request from going silent. It runs in the bot, one pass at a
// time across every replica (a Redis lock), and finds three endings nobody would otherwise see:
// - a request whose jobs vanished (Redis restarted without its data, or evicted them): its
//   status message says so and offers a Re-run. The bot remembers the requests it opened,
//   because when Redis loses everything nothing in Redis remembers them;
// - a flow whose report waits on a child that no longer exists: the same, found in Redis;
// - a job that waited past its deadline on a queue no live worker reads (its node's worker died
//   after the ack's check): it is failed with a message, so the report runs and says why.
import { randomBytes } from 'node:crypto';
import type { types } from '@slack/bolt';
import { UnrecoverableError, Worker, type Job, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { RERUN_ACTION_ID } from '../slack/thread.ts';
import { FlowEnqueuer, type EnqueueRequest, type ReportJobData } from './flow.ts';
import { liveNodes, type LiveWorker, type WorkerDirectory } from './heartbeat.ts';
import type { JobStore } from './job-store.ts';
import { listed } from './unserved-nodes.ts';
import { REPORT_QUEUE, nodeQueue } from './names.ts';

/** A job waiting longer than this on a queue no live worker reads is failed, ms. */
export const QUEUE_WAIT_DEADLINE_MS = 10 * 60_000;
/** Ms between two sweeps. */
export const SWEEP_INTERVAL_MS = 30_000;
/** Requests the bot remembers at most (the oldest are forgotten first). */
const MAX_WATCHED = 10_000;
/** Flows looked at per sweep, at most. */
const MAX_FLOWS = 1000;

/** Why a request was marked as lost, for its status message. */
const VANISHED = 'its jobs vanished from the queue before it finished (Redis restarted without its data, or evicted it)';

/** The one Slack call the sweep makes: rewriting a request's status message. */
export interface SweepSlack {
  update(message: { channel: string; ts: string; text: string; blocks: types.KnownBlock[] }): Promise<unknown>;
}

export interface RequestSweepOptions {
  connection: RedisOptions;
  prefix: string;
  store: Pick<JobStore, 'reportJob' | 'queue'>;
  workers: Pick<WorkerDirectory, 'live'>;
  slack: SweepSlack;
  logger: Logger;
  now(): number;
  /** Default QUEUE_WAIT_DEADLINE_MS. */
  queueDeadlineMs?: number;
  /** Default SWEEP_INTERVAL_MS. */
  intervalMs?: number;
}

/** What one sweep did, by request id. */
export interface SweepOutcome {
  /** Requests marked as lost in their thread. */
  lost: string[];
  /** Child jobs failed for waiting past the deadline. */
  expired: string[];
}

function minutes(ms: number): string {
  const m = ms / 60_000;
  return m >= 1 ? `${Number.isInteger(m) ? m : m.toFixed(1)} min` : `${Math.round(ms / 1000)} s`;
}

/** The node a queue belongs to, or undefined for the shared queue. */
function nodeOf(queue: string): string | undefined {
  const prefix = nodeQueue('');
  return queue.startsWith(prefix) ? queue.slice(prefix.length) : undefined;
}

/** The failure a job gets when nobody took it in time: what the report shows for that diagnostic. */
export function expiredMessage(queue: string, waitedMs: number, live: readonly LiveWorker[]): string {
  const node = nodeOf(queue);
  const who = node === undefined ? 'no worker' : `no worker on node ${node}`;
  return `${who} took the job within ${minutes(waitedMs)}; live nodes: ${listed(liveNodes(live))}`;
}

/** The status message of a request that will never finish, with a Re-run button when it came from a command. */
export function lostStatus(data: Pick<ReportJobData, 'title' | 'requestId' | 'command'>, why: string): { text: string; blocks: types.KnownBlock[] } {
  const text = `:warning: *${data.title}* · \`${data.requestId}\` — lost: ${why}. Nothing more will come from this run${data.command ? '; Re-run starts it again' : ''}.`;
  const blocks: types.KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (data.command) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', action_id: RERUN_ACTION_ID, text: { type: 'plain_text', text: 'Re-run' }, value: data.command }] });
  }
  return { text, blocks };
}

/** Releases the lock only when it is still ours (it may have expired and been taken by another replica). */
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export class RequestSweep {
  private readonly opts: RequestSweepOptions;
  private readonly watched = new Map<string, ReportJobData>();
  /** Flows already marked whose report job could not be removed: not marked twice. */
  private readonly marked = new Set<string>();
  private readonly redis: Redis;
  private readonly lockKey: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(opts: RequestSweepOptions) {
    this.opts = opts;
    this.redis = new Redis({ ...opts.connection, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => {}); // a sweep that cannot reach Redis is skipped and logged by its caller
    this.lockKey = `${opts.prefix}:request-sweep`;
  }

  private get deadlineMs(): number {
    return this.opts.queueDeadlineMs ?? QUEUE_WAIT_DEADLINE_MS;
  }

  /** Remembers a request this process opened, until it finishes or is found lost. */
  watch(data: ReportJobData): void {
    if (!data.thread) return;
    this.watched.set(data.requestId, data);
    if (this.watched.size > MAX_WATCHED) this.watched.delete(this.watched.keys().next().value!);
  }

  /** Sweeps every `intervalMs` until stop(). */
  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((err: unknown) => this.opts.logger.warn('request sweep failed', { error: oneLine(err) }))
        .finally(() => (this.running = undefined));
    }, this.opts.intervalMs ?? SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.redis.disconnect();
  }

  /** One pass: this process's requests, then, under the lock, every flow in Redis. */
  async sweep(): Promise<SweepOutcome> {
    const outcome: SweepOutcome = { lost: [], expired: [] };
    await this.sweepWatched(outcome);
    const token = randomBytes(8).toString('hex');
    const lockMs = Math.max(60_000, 2 * (this.opts.intervalMs ?? SWEEP_INTERVAL_MS));
    if ((await this.redis.set(this.lockKey, token, 'PX', lockMs, 'NX')) !== 'OK') return outcome;
    try {
      await this.sweepFlows(outcome);
    } finally {
      await this.redis.eval(RELEASE, 1, this.lockKey, token).catch(() => {});
    }
    return outcome;
  }

  private async markLost(data: ReportJobData, why: string, outcome: SweepOutcome): Promise<void> {
    this.watched.delete(data.requestId);
    if (!data.thread) return;
    const status = lostStatus(data, why);
    await this.opts.slack.update({ channel: data.thread.channel, ts: data.thread.statusTs ?? data.thread.threadTs, ...status });
    outcome.lost.push(data.requestId);
    this.opts.logger.warn('request lost', { requestId: data.requestId, why });
  }

  private async sweepWatched(outcome: SweepOutcome): Promise<void> {
    for (const data of [...this.watched.values()]) {
      const report = await this.opts.store.reportJob(data.requestId);
      if (!report) {
        await this.markLost(data, VANISHED, outcome).catch((err: unknown) => this.opts.logger.warn('lost request not marked', { requestId: data.requestId, error: oneLine(err) }));
        continue;
      }
      const state = await report.getState();
      if (state === 'completed' || state === 'failed') this.watched.delete(data.requestId);
    }
  }

  private async sweepFlows(outcome: SweepOutcome): Promise<void> {
    const waiting = (await this.opts.store.queue(REPORT_QUEUE).getWaitingChildren(0, MAX_FLOWS - 1)) as Job<ReportJobData>[];
    let live: LiveWorker[] | undefined;
    try {
      live = await this.opts.workers.live();
    } catch (err) {
      this.opts.logger.warn('worker list unavailable: waiting jobs not checked against their deadline', { error: oneLine(err) });
    }
    const served = new Set(live?.flatMap((w) => w.queues));
    /** Queue → its child jobs past the deadline. */
    const expired = new Map<string, Set<string>>();
    for (const report of waiting) {
      const data = report.data;
      if (!data?.children || this.marked.has(data.requestId)) continue;
      let vanished = false;
      for (const child of data.children) {
        const job = await this.opts.store.queue(child.queue).getJob(child.jobId);
        if (!job) {
          vanished = true;
          break;
        }
        if (!live || served.has(child.queue)) continue;
        const state = await job.getState();
        const waitedMs = this.opts.now() - Math.max(job.timestamp, job.processedOn ?? 0, job.finishedOn ?? 0);
        if ((state === 'waiting' || state === 'prioritized') && waitedMs > this.deadlineMs) {
          expired.set(child.queue, (expired.get(child.queue) ?? new Set<string>()).add(child.jobId));
        }
      }
      if (!vanished) continue;
      // The report would wait for that child forever: say so, and remove the flow so a Re-run starts clean.
      await this.markLost(data, VANISHED, outcome).catch((err: unknown) => this.opts.logger.warn('lost request not marked', { requestId: data.requestId, error: oneLine(err) }));
      await report.remove().catch(() => this.marked.add(data.requestId));
    }
    for (const [queue, ids] of expired) {
      await this.failExpired(queue, ids, expiredMessage(queue, this.deadlineMs, live ?? []), outcome);
    }
  }

  /**
   * Fails the given waiting jobs of a queue nobody reads. BullMQ only fails an active job, so
   * the sweep takes them as a worker would (oldest first) and fails each; a job it was not
   * asked to fail is put back, and the pass ends there.
   */
  private async failExpired(queue: string, ids: Set<string>, message: string, outcome: SweepOutcome): Promise<void> {
    const worker = new Worker(queue, null, { connection: this.opts.connection, prefix: this.opts.prefix, autorun: false });
    worker.on('error', (err) => this.opts.logger.warn('request sweep: queue error', { queue, error: oneLine(err) }));
    const token = `request-sweep-${randomBytes(6).toString('hex')}`;
    try {
      for (let n = 0; n < ids.size; n++) {
        const job = (await worker.getNextJob(token, { block: false })) as Job | undefined;
        if (!job) break;
        if (!job.id || !ids.has(job.id)) {
          await job.moveToWait(token);
          break;
        }
        await job.moveToFailed(new UnrecoverableError(message), token, false);
        outcome.expired.push(job.id);
        this.opts.logger.warn('job failed: nobody took it', { queue, job: job.id, why: message });
      }
    } finally {
      await worker.close();
    }
  }
}

/** The bot's enqueuer: every request it opens is watched by the sweep, so it is noticed if Redis loses it. */
export class WatchedFlowEnqueuer extends FlowEnqueuer {
  private readonly sweep: Pick<RequestSweep, 'watch'>;
  constructor(connection: RedisOptions, prefix: string, sweep: Pick<RequestSweep, 'watch'>) {
    super(connection, prefix);
    this.sweep = sweep;
  }

  override async enqueue(req: EnqueueRequest): Promise<ReportJobData> {
    const data = await super.enqueue(req);
    this.sweep.watch(data);
    return data;
  }
}
