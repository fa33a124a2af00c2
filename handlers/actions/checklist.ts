// The runbook checklist's buttons (Run, Done, Skip, a check's answers, Escalate now): ack, read
// which run, step and verb the button names, hand the press to the checklist service — which asks
// the access policy about that step before anything moves — and tell the person ephemerally what
// the edited checklist cannot (refused, someone else was first, failed).
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseCommand } from '../../src/command/debug-command.ts';
import type { Diagnostic } from '../../src/core/diagnostic.ts';
import { oneLine } from '../../src/core/errors.ts';
import { checklistStepActions, commandActions, type AccessAction } from '../../src/policy/access-actions.ts';
import type { AccessGate } from '../../src/policy/access-gate.ts';
import { parseStepButtonValue } from '../../src/runbooks/checklist.ts';
import { CHECKLIST_ACTION_PATTERN } from '../../src/runbooks/checklist-message.ts';
import type { PreparedStep } from '../../src/runbooks/prepare-runbook.ts';
import { commandText } from '../../src/runbooks/template.ts';
import { REDIS_DOWN, type RequestDeps } from '../start-request.ts';

/** The diagnostics Run of a diagnostic step starts, as typing its command would; none when it does not parse (the press then says why). */
function runActions(step: PreparedStep, diagnostics: readonly Diagnostic[]): AccessAction[] {
  if (step.kind !== 'diagnostic' || !step.tokens) return [];
  try {
    return commandActions(parseCommand(commandText(step.tokens), diagnostics));
  } catch {
    return [];
  }
}

export function checklistAction(deps: RequestDeps, access: AccessGate) {
  return async ({ ack, body, action, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const channel = body.channel?.id ?? body.container.channel_id ?? '';
    const target = parseStepButtonValue(action.value ?? '');
    const described = target ? `checklist ${target.runId} ${target.stepId} ${target.verb}${target.answer ? ` ${target.answer}` : ''}` : `checklist ${action.value ?? ''}`;
    await access.audited({ kind: 'button', user: body.user.id, channel, command: described }, async (audit) => {
      const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      audit.outcome('checklists_off');
      if (!deps.checklists) return void (await reply(':x: Runbook checklists are not enabled in this bot.'));
      audit.outcome('invalid_button');
      if (!target) return void (await reply(':x: This button does not name a checklist step (it may come from an older version of the bot).'));
      let policyRefused = false;
      const authorize = async (runbook: string, step: PreparedStep) => {
        audit.note({ runbook });
        const actions = checklistStepActions(runbook, step, target.verb === 'run' ? runActions(step, deps.diagnostics) : []);
        const notAllowed = await access.refusal({ user: body.user.id, channel, actions }, audit);
        policyRefused = Boolean(notAllowed);
        return notAllowed && `${notAllowed} Nothing changed.`;
      };
      try {
        const result = await deps.checklists.press({ ...target, user: body.user.id, authorize });
        deps.count(policyRefused ? 'not_allowed' : `checklist_${result.outcome}`);
        audit.outcome(policyRefused ? 'not_allowed' : `checklist_${result.outcome}`);
        if (result.reply) await reply(result.reply);
      } catch (err) {
        deps.count('checklist_failed');
        audit.outcome('checklist_failed');
        deps.logger.error('checklist press failed', { run: target.runId, step: target.stepId, verb: target.verb, error: oneLine(err) });
        await reply(/ECONNREFUSED|Redis|Connection is closed|max retries/i.test(oneLine(err)) ? REDIS_DOWN : `:x: The step did not change: ${oneLine(err)}`);
      }
    });
  };
}

export function registerChecklistActions(app: App, deps: RequestDeps, access: AccessGate): void {
  app.action<BlockButtonAction>(CHECKLIST_ACTION_PATTERN, checklistAction(deps, access));
}
