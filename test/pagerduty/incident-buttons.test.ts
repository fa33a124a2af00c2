import { describe, expect, it } from 'vitest';
import { PAGERDUTY_ACKNOWLEDGE_ACTION_ID, PAGERDUTY_RESOLVE_ACTION_ID, pagerDutyActionsBlock, pagerDutyButtonElements, parsePagerDutyButtonValue } from '../../src/pagerduty/incident-buttons.ts';

const ids = (target: Parameters<typeof pagerDutyButtonElements>[0], enabled = true) => pagerDutyButtonElements(target, enabled).map((b) => b.action_id);

describe('PagerDuty incident buttons', () => {
  it('a firing or reopened incident offers Acknowledge and Resolve, carrying the PagerDuty incident id', () => {
    expect(ids({ pagerDutyIncidentId: 'PT4KHLK', status: 'firing' })).toEqual([PAGERDUTY_ACKNOWLEDGE_ACTION_ID, PAGERDUTY_RESOLVE_ACTION_ID]);
    expect(ids({ pagerDutyIncidentId: 'PT4KHLK', status: 'reopened' })).toEqual([PAGERDUTY_ACKNOWLEDGE_ACTION_ID, PAGERDUTY_RESOLVE_ACTION_ID]);
    expect(pagerDutyButtonElements({ pagerDutyIncidentId: 'PT4KHLK', status: 'firing' }, true).map((b) => b.value)).toEqual(['PT4KHLK', 'PT4KHLK']);
  });

  it('an acknowledged incident offers only Resolve, which asks for confirmation', () => {
    const [resolve, ...rest] = pagerDutyButtonElements({ pagerDutyIncidentId: 'PT4KHLK', status: 'acknowledged' }, true);
    expect(rest).toEqual([]);
    expect(resolve!.action_id).toBe(PAGERDUTY_RESOLVE_ACTION_ID);
    expect(resolve!.confirm?.title?.text).toBe('Resolve in PagerDuty?');
  });

  it('no buttons when resolved, when write-back is off, or without a PagerDuty incident behind the thread', () => {
    expect(ids({ pagerDutyIncidentId: 'PT4KHLK', status: 'resolved' })).toEqual([]);
    expect(ids({ pagerDutyIncidentId: 'PT4KHLK', status: 'firing' }, false)).toEqual([]);
    expect(ids({ status: 'firing' })).toEqual([]);
    expect(pagerDutyActionsBlock({ status: 'firing' }, true)).toBeUndefined();
    expect(pagerDutyActionsBlock({ pagerDutyIncidentId: 'PT4KHLK', status: 'firing' }, true)?.elements).toHaveLength(2);
  });

  it('only an incident id is accepted back from a button', () => {
    expect(parsePagerDutyButtonValue('PT4KHLK')).toBe('PT4KHLK');
    expect(parsePagerDutyButtonValue('PT4KHLK/notes')).toBeUndefined();
    expect(parsePagerDutyButtonValue(undefined)).toBeUndefined();
  });
});
