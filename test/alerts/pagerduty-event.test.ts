// PagerDuty v3 deliveries (recorded, and from PagerDuty's own library and docs) → AlertEvent.
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../src/alerts/parse-body.ts';
import { pagerDutyAlertEvent, pagerDutyWebhookSchema, type PagerDutyWebhook } from '../../src/alerts/pagerduty-event.ts';
import { fixture } from '../support/alert-intake.ts';

function delivery(name: string): PagerDutyWebhook {
  const r = parseBody(fixture(name), pagerDutyWebhookSchema);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}
function eventOf(body: PagerDutyWebhook) {
  const o = pagerDutyAlertEvent(body, 1);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${o.kind}`);
  return o.event;
}
/** The recorded triggered delivery as another event type (PagerDuty sends the same incident object). */
function asType(eventType: string): PagerDutyWebhook {
  const d = delivery('pagerduty-triggered.json');
  return { event: { ...d.event, event_type: eventType } };
}

describe('pagerDutyAlertEvent', () => {
  it('maps the status changes to transitions and keeps the incident facts', () => {
    expect(eventOf(delivery('pagerduty-triggered.json'))).toMatchObject({
      eventId: '01FKZSRAPTMF55RE69G8BQHGC6',
      incidentKey: 'pd:Q2CKYRLH85UNN4',
      transition: 'firing',
      actor: 'Ben',
      members: [{ fingerprint: 'Q2CKYRLH85UNN4', status: 'firing', startsAt: Date.parse('2025-04-07T03:47:13Z') }],
      pagerduty: { incidentNumber: 37, htmlUrl: 'https://aldaviva.pagerduty.com/incidents/Q2CKYRLH85UNN4' },
    });
    expect(eventOf(delivery('pagerduty-acknowledged.json')).transition).toBe('acknowledged');
    const resolved = eventOf(delivery('pagerduty-resolved.json'));
    expect(resolved.transition).toBe('resolved');
    expect(resolved.members[0]).toMatchObject({ status: 'resolved', endsAt: Date.parse('2025-04-07T03:49:36.358Z') });
    const transitions = Object.fromEntries(['incident.reopened', 'incident.escalated', 'incident.unacknowledged'].map((t) => [t, eventOf(asType(t)).transition]));
    expect(transitions).toEqual({ 'incident.reopened': 'reopened', 'incident.escalated': 'escalated', 'incident.unacknowledged': 'firing' });
  });

  it('an update without a status change is annotated, with its event type and text kept', () => {
    const note = eventOf(delivery('pagerduty-annotated.json'));
    expect(note).toMatchObject({ transition: 'annotated', incidentKey: 'pd:Q2CKYRLH85UNN4', title: 'Test', pagerduty: { eventType: 'incident.annotated', note: "Resolution Note: I'm resolving it" } });
    const priority = eventOf(delivery('pagerduty-go-priority-updated.json'));
    expect(priority).toMatchObject({ transition: 'annotated', actor: 'Tenex Engineer', pagerduty: { eventType: 'incident.priority_updated', priority: 'P1', service: 'API Service', urgency: 'high' } });
    expect(eventOf(asType('incident.reassigned')).pagerduty?.eventType).toBe('incident.reassigned');
    // incident_responder data (developer-docs webhooks/01-Overview): a reference to the incident and a message.
    const responder = eventOf({ event: { ...delivery('pagerduty-annotated.json').event, event_type: 'incident.responder.added', data: { type: 'incident_responder', incident: { id: 'PGR0VU2', type: 'incident_reference', summary: 'A little bump in the road' }, message: 'Please help me make the tests pass', state: 'pending' } } });
    expect(responder).toMatchObject({ incidentKey: 'pd:PGR0VU2', transition: 'annotated', pagerduty: { note: 'Please help me make the tests pass' } });
  });

  it('acknowledges without an event the ping and events about other resources', () => {
    expect(pagerDutyAlertEvent(delivery('pagerduty-ping.json'), 1).kind).toBe('ignored');
    const serviceUpdated = { event: { id: '01BRB6ZP4M6T8ZG4X6BP63ZB9O', event_type: 'service.updated', resource_type: 'service', occurred_at: '2021-03-02T13:35:11.682Z', agent: null, data: { id: 'PF9KMXH', type: 'service' } } };
    expect(pagerDutyAlertEvent(serviceUpdated, 1).kind).toBe('ignored');
  });

  it('refuses an incident event that names no incident', () => {
    const o = pagerDutyAlertEvent({ event: { ...delivery('pagerduty-triggered.json').event, data: { type: 'incident_note', content: 'x' } } }, 1);
    expect(o).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/names no incident/) });
  });
});
