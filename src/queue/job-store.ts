// Read side of the queue: one Queue handle per queue name, and the status of a request (its
// report job plus each child's state and progress) for `/debug status` and the thread's
// status message. Beside the queues, on one plain Redis connection: the requests' reservations
// (which command opened which thread) and the ledger of what each report posted.
import { Queue, type ConnectionOptions, type Job, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { ReportJobData } from './flow.ts';
import { DEDUP_WINDOW_MS, REPORT_QUEUE } from './names.ts';
import { PostLedger } from './post-ledger.ts';
import { RequestReservations } from './request-reservation.ts';

export type ItemState = 'queued' | 'active' | 'completed' | 'failed' | 'retrying';

export interface StatusItem {
  name: string;
  state: ItemState;
  percent: number;
  message?: string;
}

export interface RequestStatus {
  requestId: string;
  title: string;
  thread: ReportJobData['thread'];
  /** State of the report job itself. */
  reportState: ItemState;
  items: StatusItem[];
}

/** Progress as diagnostics report it through `deps.progress`. */
interface JobProgressValue {
  percent: number;
  message?: string;
}

function progressOf(job: Job): JobProgressValue {
  const p = job.progress as unknown;
  if (typeof p === 'number') return { percent: p };
  if (p && typeof p === 'object' && 'percent' in p && typeof (p as JobProgressValue).percent === 'number') return p as JobProgressValue;
  return { percent: 0 };
}

async function itemState(job: Job): Promise<ItemState> {
  const state = await job.getState();
  switch (state) {
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'active':
      return 'active';
    case 'delayed':
      return job.attemptsMade > 0 ? 'retrying' : 'queued';
    default:
      return 'queued';
  }
}

export class JobStore {
  private readonly queues = new Map<string, Queue>();
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;
  private client: Redis | undefined;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.connection = connection;
    this.prefix = prefix;
  }

  /** Opened on first use; a command fails after one reconnect attempt instead of waiting for Redis forever. */
  private redis(): Redis {
    if (!this.client) {
      this.client = new Redis({ ...(this.connection as RedisOptions), maxRetriesPerRequest: 1 });
      this.client.on('error', () => {}); // each failing command rejects, and its caller says so
    }
    return this.client;
  }

  reservations(): RequestReservations {
    return new RequestReservations(this.redis(), this.prefix, DEDUP_WINDOW_MS);
  }

  /** What the report of `requestId` already posted to Slack. */
  postLedger(requestId: string): PostLedger {
    return new PostLedger(this.redis(), this.prefix, requestId);
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async reportJob(requestId: string): Promise<Job<ReportJobData> | undefined> {
    return (await this.queue(REPORT_QUEUE).getJob(requestId)) as Job<ReportJobData> | undefined;
  }

  async requestStatus(requestId: string): Promise<RequestStatus | undefined> {
    const report = await this.reportJob(requestId);
    if (!report) return undefined;
    const items: StatusItem[] = [];
    for (const child of report.data.children) {
      const job = await this.queue(child.queue).getJob(child.jobId);
      if (!job) {
        items.push({ name: child.diagnostic, state: 'completed', percent: 100, message: 'expired from the queue' });
        continue;
      }
      const state = await itemState(job);
      const progress = progressOf(job);
      items.push({
        name: child.diagnostic,
        state,
        percent: state === 'completed' ? 100 : progress.percent,
        message: state === 'failed' ? job.failedReason : state === 'retrying' ? `attempt ${job.attemptsMade + 1}: ${job.failedReason}` : progress.message,
      });
    }
    return { requestId, title: report.data.title, thread: report.data.thread, reportState: await itemState(report), items };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    this.client?.disconnect();
    this.client = undefined;
  }
}
