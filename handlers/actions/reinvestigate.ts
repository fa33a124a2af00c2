// The incident parent's "Re-investigate" button: asks the worker for another run of the
// incident's investigation. Its value is the incident id and the run it showed, so a double click
// (or two people clicking) is one re-run; the worker posts in the thread, this only checks the
// access policy, acks and says it was queued.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { oneLine } from '../../src/core/errors.ts';
import { parseReinvestigateValue } from '../../src/incidents/incident-message.ts';
import { INCIDENT_QUEUE, reinvestigateJobId, type ReinvestigateRequest } from '../../src/incidents/process-alert.ts';
import { REINVESTIGATE_ACTION } from '../../src/policy/access-actions.ts';
import type { AccessGate } from '../../src/policy/access-gate.ts';
import { REDIS_DOWN, type RequestDeps } from '../start-request.ts';

export function reinvestigateAction(deps: RequestDeps, access: AccessGate) {
  return async ({ ack, body, action, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const channel = body.channel?.id ?? body.container.channel_id ?? '';
    await access.audited({ kind: 'button', user: body.user.id, channel, command: `reinvestigate ${action.value ?? ''}` }, async (audit) => {
      const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      const target = parseReinvestigateValue(action.value ?? '');
      if (!target) {
        audit.outcome('invalid_button');
        return void (await reply(':x: This button does not name an incident (it may come from an older version of the bot).'));
      }
      const notAllowed = await access.refusal({ user: body.user.id, channel, actions: [REINVESTIGATE_ACTION] }, audit);
      if (notAllowed) {
        deps.count('not_allowed');
        return void (await reply(`${notAllowed} Nothing was started.`));
      }
      const request: ReinvestigateRequest = { ...target, user: body.user.id };
      try {
        // Kept an hour after it ran, so a late double click still lands on the same job.
        const added = deps.store.queue(INCIDENT_QUEUE).add('reinvestigate', request, { jobId: reinvestigateJobId(request), attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } });
        // Redis may be down: never leave the person waiting on it.
        await Promise.race([added, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5000).unref())]);
      } catch (err) {
        audit.outcome('redis_down');
        deps.logger.error('re-investigation not queued', { incident: target.incidentId, error: oneLine(err) });
        return void (await reply(`${REDIS_DOWN} (${oneLine(err)})`));
      }
      deps.count('reinvestigate');
      audit.outcome('reinvestigate');
      await reply(`:repeat: Re-investigation queued (after run ${target.afterRun}); it reports in this thread.`);
    });
  };
}
