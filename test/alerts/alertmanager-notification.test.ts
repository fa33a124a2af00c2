// Alertmanager notifications (recorded bodies, fixtures/alerts/SOURCE.md) → AlertEvent, and the
// idempotency key that makes an HA peer's copy and a retry the same event.
import { describe, expect, it } from 'vitest';
import { alertmanagerAlertEvent, alertmanagerEventId, alertmanagerNotificationSchema, type AlertmanagerNotification } from '../../src/alerts/alertmanager-notification.ts';
import { parseBody } from '../../src/alerts/parse-body.ts';
import { fixture } from '../support/alert-intake.ts';

function parsed(name: string): AlertmanagerNotification {
  const r = parseBody(fixture(name), alertmanagerNotificationSchema);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}
const firing = parsed('alertmanager-firing.json');
const resolved = parsed('alertmanager-resolved.json');
const alert = firing.alerts[0]!;
const other = { ...alert, fingerprint: '0f0c5f0a5e1f2b3c', labels: { ...alert.labels, instance: '127.0.0.1:8081' } };

describe('alertmanagerEventId', () => {
  it('is the same for an HA peer copy (its own externalURL) and for alerts listed in another order', () => {
    const two = { ...firing, alerts: [alert, other] };
    expect(alertmanagerEventId({ ...firing, externalURL: 'http://alertmanager-1:9093' })).toBe(alertmanagerEventId(firing));
    expect(alertmanagerEventId({ ...two, alerts: [other, alert] })).toBe(alertmanagerEventId(two));
    expect(alertmanagerEventId({ ...firing, alerts: [{ ...alert, startsAt: '2022-11-02T16:12:16.003+08:00' }] })).toBe(alertmanagerEventId(firing));
  });

  it('changes with what the group says: a resolve, a new member, a re-fire, another receiver or group', () => {
    const ids = new Set([
      alertmanagerEventId(firing),
      alertmanagerEventId(resolved),
      alertmanagerEventId({ ...firing, alerts: [alert, other] }),
      alertmanagerEventId({ ...firing, alerts: [{ ...alert, startsAt: '2022-11-02T09:00:00Z' }] }),
      alertmanagerEventId({ ...firing, receiver: 'pager' }),
      alertmanagerEventId({ ...firing, groupKey: '{}:{alertname="other"}' }),
    ]);
    expect(ids.size).toBe(6);
  });
});

describe('alertmanagerAlertEvent', () => {
  it('keeps the group: incident key from receiver and groupKey, common labels, members with times', () => {
    const e = alertmanagerAlertEvent(resolved, 1_700_000_000_000);
    expect(e).toMatchObject({
      source: 'alertmanager',
      incidentKey: 'am:web\\.hook:{}:{alertname="high-memory-usage"}',
      transition: 'resolved',
      receivedAt: 1_700_000_000_000,
      annotations: { summary: '127.0.0.1:8080 of job spring-creed-prometheus High Memory usage detected' },
      members: [{ fingerprint: 'fa65a21db3335b7d', status: 'resolved', startsAt: Date.parse('2022-11-02T08:12:16.003Z'), endsAt: Date.parse('2022-11-02T08:12:31.003Z') }],
    });
    expect(e.members[0]!.generatorUrl).toMatch(/^http:\/\/10CNL5CG203849X:9090\/graph\?g0\.expr=/);
  });

  it("reads Go's null maps and zero end time as empty and absent", () => {
    const raw = JSON.parse(fixture('alertmanager-firing.json').toString('utf8')) as Record<string, unknown>;
    const r = parseBody(Buffer.from(JSON.stringify({ ...raw, commonAnnotations: null, groupLabels: null })), alertmanagerNotificationSchema);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const e = alertmanagerAlertEvent(r.value, 0);
    expect(e.annotations).toEqual({});
    expect(e.title).toBe('high-memory-usage');
    expect(e.members[0]!.endsAt).toBeUndefined();
  });

  it('says how many alerts a mixed group holds in its title', () => {
    const mixed = { ...firing, commonLabels: {}, commonAnnotations: {}, alerts: [alert, { ...other, labels: { alertname: 'node-up' } }] };
    expect(alertmanagerAlertEvent(mixed, 0).title).toBe('high-memory-usage (+1 alerts)');
  });
});
