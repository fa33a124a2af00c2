// The incident thread's Acknowledge and Resolve buttons, which act on the PagerDuty incident
// behind it through PagerDuty's REST API (handlers/actions/incident-pagerduty.ts answers them).
// Pure: the incident's parent message adds them from its status; with PagerDuty write-back off
// (no PAGERDUTY_API_TOKEN) or no PagerDuty incident behind the thread there are none.
import type { types } from '@slack/bolt';

/** action_id of the Acknowledge button. */
export const PAGERDUTY_ACKNOWLEDGE_ACTION_ID = 'infdbg_pd_acknowledge';
/** action_id of the Resolve button. */
export const PAGERDUTY_RESOLVE_ACTION_ID = 'infdbg_pd_resolve';

const INCIDENT_ID = /^[A-Za-z0-9]{1,64}$/;

export interface PagerDutyButtonTarget {
  /** The PagerDuty incident id (PagerDutyFacts.incidentId); none = no buttons. */
  pagerDutyIncidentId?: string | undefined;
  /** The bot's incident status: Acknowledge shows while firing or reopened, Resolve until resolved. */
  status: 'firing' | 'acknowledged' | 'resolved' | 'reopened';
}

/** The button value is the PagerDuty incident id; anything else is refused by the handler. */
export function parsePagerDutyButtonValue(value: string | undefined): string | undefined {
  return value && INCIDENT_ID.test(value) ? value : undefined;
}

/**
 * The buttons as elements, to sit in the parent's actions block beside its other buttons.
 * `enabled`: PagerDuty write-back is configured (a PAGERDUTY_API_TOKEN is set).
 */
export function pagerDutyButtonElements(target: PagerDutyButtonTarget, enabled: boolean): types.Button[] {
  const id = parsePagerDutyButtonValue(target.pagerDutyIncidentId);
  if (!enabled || !id || target.status === 'resolved') return [];
  const buttons: types.Button[] = [];
  if (target.status !== 'acknowledged') {
    buttons.push({ type: 'button', action_id: PAGERDUTY_ACKNOWLEDGE_ACTION_ID, text: { type: 'plain_text', text: 'Acknowledge' }, value: id });
  }
  buttons.push({
    type: 'button',
    action_id: PAGERDUTY_RESOLVE_ACTION_ID,
    text: { type: 'plain_text', text: 'Resolve' },
    value: id,
    style: 'danger',
    confirm: {
      title: { type: 'plain_text', text: 'Resolve in PagerDuty?' },
      text: { type: 'mrkdwn', text: 'This resolves the PagerDuty incident for everyone paged by it.' },
      confirm: { type: 'plain_text', text: 'Resolve' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  });
  return buttons;
}

/** The buttons in an actions block of their own, or undefined when there are none. */
export function pagerDutyActionsBlock(target: PagerDutyButtonTarget, enabled: boolean): types.ActionsBlock | undefined {
  const elements = pagerDutyButtonElements(target, enabled);
  return elements.length ? { type: 'actions', block_id: 'infdbg_pagerduty', elements } : undefined;
}
