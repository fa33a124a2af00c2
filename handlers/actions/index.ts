import type { App, BlockButtonAction } from '@slack/bolt';
import type { RequestDeps } from '../start-request.ts';
import { RERUN_ACTION_ID } from '../../src/slack/thread.ts';
import { rerunAction } from './rerun.ts';
import { REINVESTIGATE_ACTION_ID } from '../../src/incidents/incident-message.ts';
import { reinvestigateAction } from './reinvestigate.ts';
import { registerPagerDutyActions, type PagerDutyActionDeps } from './incident-pagerduty.ts';
import { registerChecklistActions } from './checklist.ts';
import { defaultAccessGate, type AccessDeps } from '../../src/policy/access-gate.ts';

export function register(app: App, deps: RequestDeps & Pick<PagerDutyActionDeps, 'pagerduty'> & AccessDeps): void {
  // Every button asks the access policy before it enqueues, posts or changes anything.
  const access = deps.access ?? defaultAccessGate(deps.logger);
  app.action<BlockButtonAction>(RERUN_ACTION_ID, rerunAction(deps, access));
  app.action<BlockButtonAction>(REINVESTIGATE_ACTION_ID, reinvestigateAction(deps, access));
  registerPagerDutyActions(app, deps, access);
  registerChecklistActions(app, deps, access);
}
