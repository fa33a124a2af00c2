// `/debug …`: ack at once (Slack wants < 3 s), then either answer ephemerally (help, status,
// usage errors, a refusal by the access policy) or start the request (thread + flow). Slow work
// happens in jobs, never here. Every command leaves one audit line (src/policy/audit.ts).
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpText, parseCommand } from '../../src/command/debug-command.ts';
import { UsageError, oneLine } from '../../src/core/errors.ts';
import { stripUrlCredentials } from '../../src/net/url-credentials.ts';
import { prepareRunbook } from '../../src/runbooks/prepare-runbook.ts';
import { runbookListText, runbookPreviewText } from '../../src/runbooks/render-runbook.ts';
import type { RequestStatus } from '../../src/queue/job-store.ts';
import { REDIS_DOWN, refusedCommandTarget, startRequest, type RequestDeps } from '../start-request.ts';
import { commandActions } from '../../src/policy/access-actions.ts';
import type { AccessGate } from '../../src/policy/access-gate.ts';
import type { Audit } from '../../src/policy/audit.ts';
import { refusedForMissingWorker } from '../../src/queue/unserved-nodes.ts';

function describeStatus(s: RequestStatus): string {
  const lines = s.items.map((i) => `• *${i.name}*: ${i.state} ${i.percent}%${i.message ? ` — ${i.message}` : ''}`);
  return [`*${s.title}* (\`${s.requestId}\`): report ${s.reportState}`, ...lines].join('\n');
}

export function debugCommand(deps: RequestDeps, access: AccessGate) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const facts = { kind: 'command' as const, user: command.user_id, channel: command.channel_id, command: `${command.command} ${command.text}`.trim() };
    await access.audited(facts, (audit) => handle(deps, access, audit, { command, ack, respond, client }));
  };
}

async function handle(deps: RequestDeps, access: AccessGate, audit: Audit, { command, ack, respond, client }: Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'command' | 'ack' | 'respond' | 'client'>): Promise<void> {
  // Every outcome counted for /metrics is also the audit line's outcome.
  const count = (outcome: string) => {
    audit.outcome(outcome);
    deps.count(outcome);
  };
  const counted: RequestDeps = { ...deps, count };
  // URL credentials go no further than here: not into the title, the root message, the Re-run button or job data.
  const text = stripUrlCredentials(command.text);
  let parsed;
  try {
    parsed = parseCommand(text, deps.diagnostics, deps.runbooks);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    count('usage_error');
    await ack({ response_type: 'ephemeral', text: `:x: ${err.message}${err.usage ? `\nUsage: \`/debug ${err.usage}\`` : ''}` });
    return;
  }
  if (parsed.kind === 'help') {
    count('help');
    await ack({ response_type: 'ephemeral', text: helpText(deps.diagnostics, parsed.topic) });
    return;
  }
  if (parsed.kind === 'runbooks') {
    count('runbooks');
    await ack({ response_type: 'ephemeral', text: runbookListText(deps.runbooks ?? []) });
    return;
  }
  // Who may run what (INFDBG_POLICY), decided in the ack: a refusal names its rule, and nothing is posted or enqueued.
  const notAllowed = await access.refusal({ user: command.user_id, channel: command.channel_id, actions: commandActions(parsed) }, audit);
  if (notAllowed) {
    deps.count('not_allowed');
    await ack({ response_type: 'ephemeral', text: `${notAllowed} Nothing was started.` });
    return;
  }
  if (parsed.kind === 'runbook' && deps.checklists) {
    // A checklist in a new thread of this channel.
    await ack();
    const reply = (text: string) => respond({ response_type: 'ephemeral', text });
    count('runbook');
    if (!(await deps.redisReady())) {
      audit.outcome('redis_down');
      return void (await reply(REDIS_DOWN));
    }
    try {
      const started = await deps.checklists.startFromCommand({ runbook: parsed.runbook, variables: parsed.variables, channel: command.channel_id, user: command.user_id, text });
      audit.note({ runbook: parsed.runbook.name, run: started.runId });
      if (started.state === 'already') {
        audit.outcome('duplicate');
        await reply(`That runbook was started here a moment ago with the same values: its checklist is in that thread.`);
      }
    } catch (err) {
      audit.outcome('runbook_failed');
      const notInChannel = /not_in_channel|channel_not_found/.test(oneLine(err));
      deps.logger.warn('runbook checklist not started', { runbook: parsed.runbook.name, error: oneLine(err) });
      await reply(notInChannel ? ':warning: I am not in this channel: invite me with `/invite @infdbg`, then run the command again.' : `:x: The runbook did not start: ${oneLine(err)}`);
    }
    return;
  }
  if (parsed.kind === 'runbook') {
    // Without checklists (no Redis-backed service here), its steps.
    count('runbook');
    const preview = runbookPreviewText(prepareRunbook(parsed.runbook, { given: parsed.variables }));
    await ack({ response_type: 'ephemeral', text: `${preview}
_From a terminal, \`infdbg runbook ${parsed.runbook.name} …\` runs its diagnostic steps._` });
    return;
  }
  // A URL the target policy refuses (metadata, link-local, Redis, the bot, outside INFDBG_ALLOWED_TARGETS) is refused in the ack: nothing is enqueued.
  const refused = parsed.kind === 'diagnostic' || parsed.kind === 'investigation' ? await refusedCommandTarget(deps, parsed) : undefined;
  if (refused) {
    count('target_refused');
    await ack({ response_type: 'ephemeral', text: `:no_entry: ${refused}. Nothing was started.` });
    return;
  }
  // A node-local step whose node has no live worker (their heartbeats) would wait on a queue nobody reads: refused in the ack too.
  const noWorker = parsed.kind === 'diagnostic' || parsed.kind === 'investigation' ? await refusedForMissingWorker(deps, parsed, 'ack') : undefined;
  if (noWorker) {
    count('no_worker');
    await ack({ response_type: 'ephemeral', text: `:no_entry: ${noWorker}. Nothing was started.` });
    return;
  }
  await ack();
  const reply = (text: string) => respond({ response_type: 'ephemeral', text });

  if (parsed.kind === 'status') {
    audit.outcome('status');
    if (!(await deps.redisReady())) {
      audit.outcome('redis_down');
      return void (await reply(REDIS_DOWN));
    }
    const status = await deps.store.requestStatus(parsed.requestId);
    await reply(status ? describeStatus(status) : `No request \`${parsed.requestId}\` (finished requests are kept 24 h).`);
    return;
  }
  if (text !== command.text) await reply(':lock: I removed the credentials (`user:password@`) from the URL: they are never stored or shown, so the request runs without them.');
  await startRequest(counted, parsed, { channel: command.channel_id, user: command.user_id, text, dedupScope: command.channel_id, client, reply });
}
