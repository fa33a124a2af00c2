// The runbook checklist's buttons (Run, Done, Skip, a check's answers, Escalate now): ack, read
// which run, step and verb the button names, hand the press to the checklist service and tell the
// person ephemerally what the edited checklist cannot (refused, someone else was first, failed).
import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { oneLine } from '../../src/core/errors.ts';
import { parseStepButtonValue } from '../../src/runbooks/checklist.ts';
import { CHECKLIST_ACTION_PATTERN } from '../../src/runbooks/checklist-message.ts';
import { REDIS_DOWN, type RequestDeps } from '../start-request.ts';

export function checklistAction(deps: RequestDeps) {
  return async ({ ack, body, action, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!deps.checklists) return void (await reply(':x: Runbook checklists are not enabled in this bot.'));
    const target = parseStepButtonValue(action.value ?? '');
    if (!target) return void (await reply(':x: This button does not name a checklist step (it may come from an older version of the bot).'));
    try {
      const result = await deps.checklists.press({ ...target, user: body.user.id });
      deps.count(`checklist_${result.outcome}`);
      if (result.reply) await reply(result.reply);
    } catch (err) {
      deps.count('checklist_failed');
      deps.logger.error('checklist press failed', { run: target.runId, step: target.stepId, verb: target.verb, error: oneLine(err) });
      await reply(/ECONNREFUSED|Redis|Connection is closed|max retries/i.test(oneLine(err)) ? REDIS_DOWN : `:x: The step did not change: ${oneLine(err)}`);
    }
  };
}

export function registerChecklistActions(app: App, deps: RequestDeps): void {
  app.action<BlockButtonAction>(CHECKLIST_ACTION_PATTERN, checklistAction(deps));
}
