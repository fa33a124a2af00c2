// `/debug …`: ack at once (Slack wants < 3 s), then either answer ephemerally (help, status,
// usage errors, Redis down, already running) or open a thread with a status message and enqueue
// the request as a flow. Slow work happens in jobs, never here.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpText, parseCommand } from '../../src/command.ts';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { UsageError, oneLine } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import type { FlowEnqueuer } from '../../src/queue/flow.ts';
import type { JobStore, RequestStatus } from '../../src/queue/job-store.ts';
import { requestId } from '../../src/queue/names.ts';

export interface DebugCommandDeps {
  diagnostics: readonly Diagnostic[];
  enqueuer: FlowEnqueuer;
  store: JobStore;
  redisReady(): Promise<boolean>;
  now(): number;
  logger: Logger;
  /** Counts outcomes for /metrics. */
  count(outcome: string): void;
}

const REDIS_DOWN = ':warning: The job queue (Redis) is unreachable, so nothing was started. Try again in a minute; if it persists, check the Redis pod.';

function describeStatus(s: RequestStatus): string {
  const lines = s.items.map((i) => `• *${i.name}*: ${i.state} ${i.percent}%${i.message ? ` — ${i.message}` : ''}`);
  return [`*${s.title}* (\`${s.requestId}\`): report ${s.reportState}`, ...lines].join('\n');
}

export function debugCommand(deps: DebugCommandDeps) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    let parsed;
    try {
      parsed = parseCommand(command.text, deps.diagnostics);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      deps.count('usage_error');
      await ack({ response_type: 'ephemeral', text: `:x: ${err.message}${err.usage ? `\nUsage: \`/debug ${err.usage}\`` : ''}` });
      return;
    }
    if (parsed.kind === 'help') {
      deps.count('help');
      await ack({ response_type: 'ephemeral', text: helpText(deps.diagnostics) });
      return;
    }
    await ack();

    if (!(await deps.redisReady())) {
      deps.count('redis_down');
      await respond({ response_type: 'ephemeral', text: REDIS_DOWN });
      return;
    }

    if (parsed.kind === 'status') {
      const status = await deps.store.requestStatus(parsed.requestId);
      await respond({ response_type: 'ephemeral', text: status ? describeStatus(status) : `No request \`${parsed.requestId}\` (finished requests are kept 24 h).` });
      return;
    }

    const id = requestId(command.channel_id, command.text, deps.now());
    const existing = await deps.store.reportJob(id);
    if (existing) {
      deps.count('duplicate');
      await respond({ response_type: 'ephemeral', text: `Already running as \`${id}\` — see the thread above, or \`/debug status ${id}\`.` });
      return;
    }

    let threadTs: string;
    try {
      const root = await client.chat.postMessage({ channel: command.channel_id, text: `:mag: *${parsed.title}* — queued (\`${id}\`, requested by <@${command.user_id}>)` });
      threadTs = String(root.ts);
    } catch (err) {
      const notInChannel = /not_in_channel|channel_not_found/.test(oneLine(err));
      await respond({
        response_type: 'ephemeral',
        text: notInChannel ? ':warning: I am not in this channel: invite me with `/invite @infdbg`, then run the command again.' : `:x: Could not open a thread: ${oneLine(err)}`,
      });
      return;
    }

    try {
      const enqueued = deps.enqueuer.enqueue({
        requestId: id,
        title: parsed.title,
        incidentKey: id,
        thread: { channel: command.channel_id, threadTs, requestedBy: command.user_id },
        plan: [{ diagnostic: parsed.diagnostic, payload: parsed.payload }],
      });
      // Redis may drop between the probe and the write: never leave the user waiting on it.
      await Promise.race([enqueued, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5000).unref())]);
      deps.count('enqueued');
      deps.logger.info('request enqueued', { requestId: id, diagnostic: parsed.diagnostic.name, channel: command.channel_id });
    } catch (err) {
      deps.count('enqueue_failed');
      deps.logger.error('enqueue failed', { requestId: id, error: oneLine(err) });
      await client.chat.update({ channel: command.channel_id, ts: threadTs, text: `:x: *${parsed.title}* could not be queued: ${oneLine(err)}` });
      // Routing may find the input wrong (e.g. the pod does not exist): say so to the user directly too.
      if (err instanceof UsageError) await respond({ response_type: 'ephemeral', text: `:x: ${oneLine(err)}` });
    }
  };
}
