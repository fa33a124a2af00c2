// The checklist service in `infdbg worker`: its store, its timer queue (CHECKLIST_QUEUE: reminders
// and timed escalations) and the BullMQ worker that runs them. The bot builds its own service with
// `checklistService` (no worker: its timers run here). Either one sends an incident's progress
// to the incident processor as a `steps` job on the incidents queue.
import { Queue, Worker, type ConnectionOptions, type RedisOptions } from 'bullmq';
import type { Diagnostic } from '../core/diagnostic.ts';
import { oneLine } from '../core/errors.ts';
import { logErrors, type Logger } from '../core/logger.ts';
import type { IncidentSlack } from '../incidents/incident-slack.ts';
import { incidentId } from '../incidents/incident.ts';
import { IncidentStore } from '../incidents/incident-store.ts';
import { INCIDENT_QUEUE, runbookStepsJob } from '../incidents/process-alert.ts';
import { FlowEnqueuer } from '../queue/flow.ts';
import { UserGroupDirectory, type UserGroup } from '../slack/user-groups.ts';
import { CHECKLIST_QUEUE, ChecklistService, type ChecklistServiceOptions } from './checklist-service.ts';
import { ChecklistStore } from './checklist-store.ts';
import type { LoadedRunbook } from './runbook-schema.ts';

export interface ChecklistWorkerOptions {
  slack: Pick<IncidentSlack, 'post' | 'update'>;
  /** usergroups.list (webClientUserGroups): @handles to mentions, membership for `allowed`. */
  userGroups: () => Promise<UserGroup[]>;
  runbooks: readonly LoadedRunbook[];
  /** Ms in a runbook minute. Default 60,000. */
  minuteMs?: number;
}

interface Common {
  connection: ConnectionOptions;
  prefix: string;
  diagnostics: readonly Diagnostic[];
  now(): number;
  logger: Logger;
}

/** A service with its own store, queues and enqueuer; `close` ends them. */
export function checklistService(o: ChecklistWorkerOptions & Common): { service: ChecklistService; close(): Promise<void> } {
  const store = new ChecklistStore(o.connection as RedisOptions, o.prefix);
  // Redis trouble as one log line each (without a listener BullMQ prints the whole stack).
  const timers = logErrors(new Queue(CHECKLIST_QUEUE, { connection: o.connection, prefix: o.prefix }), o.logger, 'queue error', { queue: CHECKLIST_QUEUE });
  const incidents = logErrors(new Queue(INCIDENT_QUEUE, { connection: o.connection, prefix: o.prefix }), o.logger, 'queue error', { queue: INCIDENT_QUEUE });
  const enqueuer = new FlowEnqueuer(o.connection, o.prefix);
  const incidentStore = new IncidentStore(o.connection as RedisOptions, o.prefix);
  const incidentOpen: ChecklistServiceOptions['incidentOpen'] = async (incidentKey) => (await incidentStore.get(incidentId(incidentKey)))?.status !== 'resolved';
  const incidentProgress: ChecklistServiceOptions['incidentProgress'] = async (incidentKey, done, total) => {
    const j = runbookStepsJob(incidentKey, done, total, o.now());
    await incidents.add(j.name, j.data, j.opts);
  };
  const service = new ChecklistService({
    store,
    slack: o.slack,
    groups: new UserGroupDirectory(o.userGroups, o.logger),
    runbooks: o.runbooks,
    diagnostics: o.diagnostics,
    enqueuer,
    timers,
    incidentProgress,
    incidentOpen,
    ...(o.minuteMs !== undefined ? { minuteMs: o.minuteMs } : {}),
    now: o.now,
    logger: o.logger,
  });
  return { service, close: async () => void (await Promise.all([store.close(), timers.close(), incidents.close(), enqueuer.close(), incidentStore.close()])) };
}

export async function startChecklistWorker(o: ChecklistWorkerOptions & Common): Promise<{ service: ChecklistService; close(): Promise<void> }> {
  const built = checklistService(o);
  const worker = new Worker(CHECKLIST_QUEUE, (job) => built.service.process(job), { connection: o.connection, prefix: o.prefix, concurrency: 4 });
  worker.on('failed', (job, err) => o.logger.warn('checklist job failed', { job: job?.id, attempt: job?.attemptsMade, error: oneLine(err) }));
  worker.on('error', (err) => o.logger.error('checklist worker error', { error: oneLine(err) }));
  await worker.waitUntilReady();
  return {
    service: built.service,
    async close() {
      await worker.close();
      await built.close();
    },
  };
}
