import type { App, BlockButtonAction } from '@slack/bolt';
import type { RequestDeps } from '../start-request.ts';
import { RERUN_ACTION_ID } from '../../src/slack/thread.ts';
import { rerunAction } from './rerun.ts';
import { REINVESTIGATE_ACTION_ID } from '../../src/incidents/incident-message.ts';
import { reinvestigateAction } from './reinvestigate.ts';
import { registerPagerDutyActions, type PagerDutyActionDeps } from './incident-pagerduty.ts';
import { registerChecklistActions } from './checklist.ts';

export function register(app: App, deps: RequestDeps & Pick<PagerDutyActionDeps, 'pagerduty'>): void {
  app.action<BlockButtonAction>(RERUN_ACTION_ID, rerunAction(deps));
  app.action<BlockButtonAction>(REINVESTIGATE_ACTION_ID, reinvestigateAction(deps));
  registerPagerDutyActions(app, deps);
  registerChecklistActions(app, deps);
}
