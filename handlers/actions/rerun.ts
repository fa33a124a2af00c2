// The report's "Re-run" button: the same `/debug` text, as a new request in a new thread. Its
// value is the original command text; it is parsed, checked against the access policy and
// validated again like a typed command.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseCommand } from '../../src/command/debug-command.ts';
import { UsageError, oneLine } from '../../src/core/errors.ts';
import { stripUrlCredentials } from '../../src/net/url-credentials.ts';
import { commandActions } from '../../src/policy/access-actions.ts';
import type { AccessGate } from '../../src/policy/access-gate.ts';
import { startRequest, type RequestDeps } from '../start-request.ts';

export function rerunAction(deps: RequestDeps, access: AccessGate) {
  return async ({ ack, body, action, respond, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const channel = body.channel?.id;
    await access.audited({ kind: 'button', user: body.user.id, channel: channel ?? '', command: `rerun: /debug ${action.value ?? ''}` }, async (audit) => {
      const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      audit.outcome('invalid_button');
      if (!channel) return void (await reply(':x: Re-run works from a channel message only.'));
      // A button posted before credentials were stripped at the edge must not carry them on.
      const text = stripUrlCredentials(action.value ?? '');
      let parsed;
      try {
        parsed = parseCommand(text, deps.diagnostics);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        audit.outcome('usage_error');
        return void (await reply(`:x: cannot re-run: ${oneLine(err)}`));
      }
      audit.outcome('usage_error');
      if (parsed.kind !== 'diagnostic' && parsed.kind !== 'investigation') return void (await reply(':x: only diagnostics and investigations can be re-run.'));
      const notAllowed = await access.refusal({ user: body.user.id, channel, actions: commandActions(parsed) }, audit);
      if (notAllowed) {
        deps.count('not_allowed');
        return void (await reply(`${notAllowed} Nothing was started.`));
      }
      deps.count('rerun');
      // Scoped to the report message, so a double click is one re-run and the original's window does not swallow it.
      const dedupScope = `${channel}:rerun:${body.message?.ts ?? body.container.message_ts ?? ''}`;
      const count = (outcome: string) => {
        audit.outcome(outcome);
        deps.count(outcome);
      };
      await startRequest({ ...deps, count }, parsed, { channel, user: body.user.id, text, dedupScope, client, reply });
    });
  };
}
