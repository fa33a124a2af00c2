// A request becomes one BullMQ flow: a parent `report` job whose children run the diagnostics
// (on the shared queue or a node's queue). The parent runs once every child has finished or
// failed for good, merges their results into one Report and posts it.
import { FlowProducer, type ConnectionOptions } from 'bullmq';
import type { Observation } from '../diagnosis/observation.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import type { InvestigationNote } from '../report/model.ts';
import { withoutUrlCredentials } from '../net/url-credentials.ts';
import { REPORT_QUEUE, SHARED_QUEUE, childJobId, nodeQueue } from './names.ts';

/** Where the report goes in Slack; null when nobody waits in a thread (CLI, tests). */
export interface ThreadRef {
  channel: string;
  /** The thread's root message (the report is posted as a reply to it). */
  threadTs: string;
  /**
   * The message that shows the request's progress, when it is not the root: an incident's root is
   * its parent message (rendered from the incident), so its runs show progress in a reply.
   */
  statusTs?: string;
  requestedBy?: string;
}

export interface ChildRef {
  diagnostic: string;
  queue: string;
  jobId: string;
}

export interface ReportJobData {
  requestId: string;
  title: string;
  /** The `/debug` text that asked for it, when it came from Slack (offered as Re-run). */
  command?: string;
  incidentKey: string;
  thread: ThreadRef | null;
  children: ChildRef[];
  /** For `investigate`: what ran and why, what could not (said in the report). */
  investigation?: InvestigationNote;
  /** Facts the request itself brings (the reported symptoms): ranked with the diagnostics' observations. */
  observations?: Observation[];
  /** The runbook checklist step this request runs: its report marks the step done. */
  checklist?: { runId: string; stepId: string };
}

export interface DiagnosticJobData {
  requestId: string;
  payload: unknown;
  thread: ThreadRef | null;
}

export interface PlannedDiagnostic {
  diagnostic: Diagnostic;
  /** Already validated by `diagnostic.payload`. */
  payload: unknown;
}

/** Retries with exponential backoff: 3 attempts, 2 s then 4 s. */
export const CHILD_ATTEMPTS = 3;
const RETENTION = { removeOnComplete: { age: 24 * 3600, count: 5000 }, removeOnFail: { age: 7 * 24 * 3600 } };

async function routeOf(planned: PlannedDiagnostic): Promise<string> {
  const node = await planned.diagnostic.route?.(planned.payload);
  return node ? nodeQueue(node) : SHARED_QUEUE;
}

export interface EnqueueRequest {
  requestId: string;
  title: string;
  command?: string;
  incidentKey: string;
  thread: ThreadRef | null;
  plan: PlannedDiagnostic[];
  investigation?: InvestigationNote;
  observations?: Observation[];
  checklist?: { runId: string; stepId: string };
}

export class FlowEnqueuer {
  private readonly producer: FlowProducer;
  constructor(connection: ConnectionOptions, prefix: string) {
    this.producer = new FlowProducer({ connection, prefix });
  }

  async enqueue(req: EnqueueRequest): Promise<ReportJobData> {
    const children: ChildRef[] = [];
    for (const p of req.plan) {
      children.push({ diagnostic: p.diagnostic.name, queue: await routeOf(p), jobId: childJobId(req.requestId, p.diagnostic.name) });
    }
    // URL credentials never reach job data (Redis), whoever enqueues: the edge removed them from what a person typed; this catches the rest.
    const data: ReportJobData = withoutUrlCredentials({
      requestId: req.requestId,
      title: req.title,
      ...(req.command === undefined ? {} : { command: req.command }),
      incidentKey: req.incidentKey,
      thread: req.thread,
      children,
      ...(req.investigation ? { investigation: req.investigation } : {}),
      ...(req.observations?.length ? { observations: req.observations } : {}),
      ...(req.checklist ? { checklist: req.checklist } : {}),
    });
    await this.producer.add({
      name: 'report',
      queueName: REPORT_QUEUE,
      data,
      opts: { jobId: req.requestId, attempts: CHILD_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, ...RETENTION },
      children: req.plan.map((p, i) => {
        const child = children[i]!;
        const jobData: DiagnosticJobData = withoutUrlCredentials({ requestId: req.requestId, payload: p.payload, thread: req.thread });
        return {
          name: p.diagnostic.name,
          queueName: child.queue,
          data: jobData,
          opts: {
            jobId: child.jobId,
            attempts: CHILD_ATTEMPTS,
            backoff: { type: 'exponential', delay: 2000 },
            // A failed diagnostic must not sink the report: the parent runs and says why it failed.
            ignoreDependencyOnFailure: true,
            ...RETENTION,
          },
        };
      }),
    });
    return data;
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
