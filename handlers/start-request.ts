// Opening a request from Slack, shared by `/debug …` and the report's Re-run button: check Redis,
// reserve the request (one atomic Redis operation, src/queue/request-reservation.ts) so that of
// identical commands only the first opens a thread, open the thread with its status message,
// enqueue the flow. A duplicate is pointed at the thread; a finished one is offered a re-run.
// Every failure ends as a message the user sees, never a silent drop or an orphan thread.
import type { webApi } from '@slack/bolt';
import type { DebugCommand } from '../src/command/debug-command.ts';
import type { Diagnostic } from '../src/core/diagnostic.ts';
import { UsageError, oneLine } from '../src/core/errors.ts';
import type { Logger } from '../src/core/logger.ts';
import type { EnqueueRequest, FlowEnqueuer } from '../src/queue/flow.ts';
import { investigationNote } from '../src/triage/investigation.ts';
import type { LoadedRunbook } from '../src/runbooks/runbook-schema.ts';
import type { JobStore } from '../src/queue/job-store.ts';
import { newRequestId, requestDedupKey } from '../src/queue/names.ts';
import type { Reservation } from '../src/queue/request-reservation.ts';
import { rerunBlock } from '../src/slack/thread.ts';
import type { ChecklistService } from '../src/runbooks/checklist-service.ts';
import { DEFAULT_TARGET_POLICY, refusedTarget, type TargetPolicy } from '../src/policy/target-policy.ts';
import { refusedAfterDns, type ResolveHost } from '../src/policy/target-guard.ts';
import { redactSecrets } from '../src/logs/redact.ts';
import type { WorkerDirectory } from '../src/queue/heartbeat.ts';
import { refusedForMissingWorker } from '../src/queue/unserved-nodes.ts';

export interface RequestDeps {
  diagnostics: readonly Diagnostic[];
  /** Validated runbooks (RUNBOOKS_DIR), for `/debug runbooks` and `/debug runbook <name>`; absent: none. */
  runbooks?: readonly LoadedRunbook[];
  /** Runbook checklists in threads (`/debug runbook` starts one, their buttons move steps); absent: `/debug runbook` only previews. */
  checklists?: Pick<ChecklistService, 'press' | 'startFromCommand'> | undefined;
  enqueuer: FlowEnqueuer;
  store: JobStore;
  redisReady(): Promise<boolean>;
  now(): number;
  logger: Logger;
  /** Counts outcomes for /metrics. */
  count(outcome: string): void;
  /** The target policy (INFDBG_ALLOWED_TARGETS, Redis, the bot's port); absent: metadata and link-local addresses are still refused. */
  targetPolicy?: TargetPolicy;
  /** DNS for the ack's look at named targets (bounded; a name it cannot resolve is left to the worker). Absent: names are checked by the worker only. */
  resolveHost?: ResolveHost;
  /** The workers' heartbeats: a node-local step whose node has no live worker is refused. Absent: not checked. */
  workers?: Pick<WorkerDirectory, 'live'>;
}

export interface RequestOrigin {
  channel: string;
  user: string;
  /** The `/debug` text, kept so the report can offer to run it again. */
  text: string;
  /** What makes two requests the same within the dedup window (the channel, or the re-run's report). */
  dedupScope: string;
  client: webApi.WebClient;
  /** Ephemeral reply to the person who asked. */
  reply(text: string): Promise<unknown>;
}

export const REDIS_DOWN = ':warning: The job queue (Redis) is unreachable, so nothing was started. Try again in a minute; if it persists, check the Redis pod.';
const ENQUEUE_DEADLINE_MS = 5000;

/** What a command runs: one diagnostic, or an investigation's plan with its note and the reported symptoms. */
function requestPlan(command: Extract<DebugCommand, { kind: 'diagnostic' | 'investigation' }>): Pick<EnqueueRequest, 'plan' | 'investigation' | 'observations'> {
  if (command.kind === 'diagnostic') return { plan: [{ diagnostic: command.diagnostic, payload: command.payload }] };
  return {
    plan: command.investigation.steps.map((s) => ({ diagnostic: s.diagnostic, payload: s.payload })),
    investigation: investigationNote(command.investigation),
    observations: command.investigation.observations,
  };
}

/** Why the target policy refuses a URL the command would make a worker touch (as written, then after a bounded DNS look), or undefined. */
export async function refusedCommandTarget(deps: Pick<RequestDeps, 'targetPolicy' | 'resolveHost'>, command: Extract<DebugCommand, { kind: 'diagnostic' | 'investigation' }>): Promise<string | undefined> {
  const policy = deps.targetPolicy ?? DEFAULT_TARGET_POLICY;
  const { plan } = requestPlan(command);
  for (const step of plan) {
    const refused = refusedTarget(step.diagnostic, step.payload, policy);
    if (refused) return refused;
  }
  if (!deps.resolveHost) return undefined;
  for (const step of plan) {
    const refused = await refusedAfterDns(step.diagnostic.targets?.(step.payload) ?? [], policy, deps.resolveHost);
    if (refused) return `${step.diagnostic.name}: ${refused}`;
  }
  return undefined;
}

export async function startRequest(deps: RequestDeps, command: Extract<DebugCommand, { kind: 'diagnostic' | 'investigation' }>, origin: RequestOrigin): Promise<void> {
  // The /debug ack refuses these already; a Re-run button reaches here directly.
  const refused = await refusedCommandTarget(deps, command);
  if (refused) {
    deps.count('target_refused');
    await origin.reply(`:no_entry: ${refused}. Nothing was started.`);
    return;
  }
  if (!(await deps.redisReady())) {
    deps.count('redis_down');
    await origin.reply(REDIS_DOWN);
    return;
  }
  // Checked in the ack for the nodes a command names; here also for routes looked up (oom's pod → node), and for a Re-run.
  const noWorker = await refusedForMissingWorker(deps, command);
  if (noWorker) {
    deps.count('no_worker');
    await origin.reply(`:no_entry: ${noWorker}. Nothing was started.`);
    return;
  }
  const dedupKey = requestDedupKey(origin.dedupScope, origin.text);
  const id = newRequestId();
  const reservations = deps.store.reservations();
  let outcome;
  try {
    outcome = await withinDeadline(reservations.reserve(dedupKey, { requestId: id, channel: origin.channel }));
  } catch (err) {
    deps.count('redis_down');
    deps.logger.error('request not reserved', { error: oneLine(err) });
    await origin.reply(REDIS_DOWN);
    return;
  }
  if (!outcome.reserved) {
    await answerDuplicate(deps, origin, dedupKey, outcome.existing);
    return;
  }

  // The title is for people (root message, status, report header): secret-looking query values masked (?token=…, X-Amz-Signature=…).
  // The command itself keeps them for the job and its Re-run; URL credentials were removed at the edge.
  const title = redactSecrets(command.title);
  let threadTs: string;
  try {
    const root = await origin.client.chat.postMessage({ channel: origin.channel, text: `:mag: *${title}* — queued (\`${id}\`, requested by <@${origin.user}>)` });
    threadTs = String(root.ts);
  } catch (err) {
    await release(deps, reservations, dedupKey, id);
    const notInChannel = /not_in_channel|channel_not_found/.test(oneLine(err));
    await origin.reply(notInChannel ? ':warning: I am not in this channel: invite me with `/invite @infdbg`, then run the command again.' : `:x: Could not open a thread: ${oneLine(err)}`);
    return;
  }
  // Duplicates wait for this to link to the thread; if it is lost they say the thread is being opened.
  await reservations.threadOpened(dedupKey, { requestId: id, channel: origin.channel, threadTs }).catch((err: unknown) => deps.logger.warn('thread not recorded on its reservation', { requestId: id, error: oneLine(err) }));

  const planned = requestPlan(command);
  try {
    const enqueued = deps.enqueuer.enqueue({
      requestId: id,
      title,
      command: origin.text,
      incidentKey: id,
      thread: { channel: origin.channel, threadTs, requestedBy: origin.user },
      ...planned,
    });
    // Redis may drop between the probe and the write: never leave the user waiting on it.
    await withinDeadline(enqueued);
    deps.count('enqueued');
    deps.logger.info('request enqueued', { requestId: id, diagnostics: planned.plan.map((p) => p.diagnostic.name), channel: origin.channel });
  } catch (err) {
    deps.count('enqueue_failed');
    deps.logger.error('enqueue failed', { requestId: id, error: oneLine(err) });
    // Nothing runs for this thread: the same command may start again at once.
    await release(deps, reservations, dedupKey, id);
    await origin.client.chat.update({ channel: origin.channel, ts: threadTs, text: `:x: *${title}* could not be queued: ${oneLine(err)}` });
    // Routing may find the input wrong (e.g. the pod does not exist): say so to the user directly too.
    if (err instanceof UsageError) await origin.reply(`:x: ${oneLine(err)}`);
  }
}

/** How long a duplicate waits for the first command's thread to open before answering without its link. */
const THREAD_WAIT_MS = 3000;

/**
 * The same command is already a request: point at its thread while it runs; once it has finished,
 * offer to run it again (a button) rather than say it is running.
 */
async function answerDuplicate(deps: RequestDeps, origin: RequestOrigin, dedupKey: string, existing: Reservation): Promise<void> {
  deps.count('duplicate');
  const reservations = deps.store.reservations();
  let held: Reservation | undefined = existing;
  for (const deadline = deps.now() + THREAD_WAIT_MS; held && !held.threadTs && deps.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 50));
    held = await reservations.get(dedupKey).catch((err: unknown) => (deps.logger.warn('reservation not read', { error: oneLine(err) }), held));
  }
  if (!held || held.requestId !== existing.requestId) {
    // The first one could not open its thread or enqueue (it told its user why): nothing runs, say so.
    await origin.reply(`The same command was started a moment ago and did not start (its requester was told why). Run it again to retry.`);
    return;
  }
  if (!held.threadTs) {
    await origin.reply(`Already running as \`${held.requestId}\` — its thread is being opened in this channel; \`/debug status ${held.requestId}\` shows its progress.`);
    return;
  }
  const link = await threadLink(origin, held.channel, held.threadTs);
  const state = await (await deps.store.reportJob(held.requestId))?.getState();
  // A report job gone from the queue (retention) finished long ago.
  if (state === 'completed' || state === 'failed' || state === undefined) {
    const text = `That ran a moment ago as \`${held.requestId}\` and ${state === 'failed' ? 'ended without its report' : 'has finished'}: ${link}. Run it again?`;
    try {
      await origin.client.chat.postEphemeral({ channel: origin.channel, user: origin.user, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, rerunBlock(origin.text, 'Run again')] });
    } catch (err) {
      deps.logger.warn('re-run offer not sent as a message with a button', { error: oneLine(err) });
      await origin.reply(`${text} Use \`/debug ${origin.text}\` again after a few minutes, or the Re-run button on its report.`);
    }
    return;
  }
  await origin.reply(`Already running as \`${held.requestId}\`: ${link}, or \`/debug status ${held.requestId}\`.`);
}

/** A link to the thread (chat.getPermalink); without one, words that still say where it is. */
async function threadLink(origin: RequestOrigin, channel: string, threadTs: string): Promise<string> {
  try {
    const res = await origin.client.chat.getPermalink({ channel, message_ts: threadTs });
    if (res.permalink) return `<${res.permalink}|see its thread>`;
  } catch {
    // A missing link is not worth failing the answer: the thread is in this channel.
  }
  return 'see its thread in this channel';
}

async function release(deps: RequestDeps, reservations: ReturnType<JobStore['reservations']>, dedupKey: string, requestId: string): Promise<void> {
  await reservations.release(dedupKey, requestId).catch((err: unknown) => deps.logger.warn('reservation not released: the same command is refused until it expires', { requestId, error: oneLine(err) }));
}

function withinDeadline<T>(work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`Redis did not answer within ${ENQUEUE_DEADLINE_MS / 1000} s`)), ENQUEUE_DEADLINE_MS).unref())]);
}
