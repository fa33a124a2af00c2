// A PagerDuty v3 webhook delivery (one event per delivery, developer-docs webhooks/01-Overview) and
// the AlertEvent it becomes. Every `incident.*` event that names an incident becomes an AlertEvent:
// the status changes map to their transition, and an update without a status change (priority,
// reassignment, responders, status updates) is `annotated` with its event type kept. Events about
// other resources (`service.*`) and the subscription's test ping are acknowledged and dropped:
// PagerDuty takes any other 4xx as a permanent failure and disables a subscription after three.
import { z } from 'zod';
import type { AlertEvent, AlertTransition } from './alert-event.ts';

const reference = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  summary: z.string().nullish(),
  html_url: z.string().nullish(),
});

/** The envelope every v3 delivery has; `data` varies with `event_type` and is read below. */
export const pagerDutyWebhookSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string().min(1),
    occurred_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time'),
    agent: reference.nullish(),
    client: z.unknown().optional(),
    data: z.record(z.string(), z.unknown()),
  }),
});

export type PagerDutyWebhook = z.infer<typeof pagerDutyWebhookSchema>;

/** `event.data` when it is the incident itself (`data.type: incident`). */
const incidentData = z.object({
  id: z.string().min(1),
  type: z.literal('incident'),
  number: z.number().int().optional(),
  status: z.string().optional(),
  title: z.string().optional(),
  created_at: z.string().optional(),
  html_url: z.string().nullish(),
  service: reference.nullish(),
  urgency: z.enum(['high', 'low']).nullish(),
  priority: reference.nullish(),
});

/** `event.data` of the other incident events (note, responder, status update, …): a reference to the incident. */
const aboutIncident = z.object({
  type: z.string().optional(),
  incident: reference,
  content: z.string().nullish(),
  message: z.string().nullish(),
});

const TRANSITIONS: Record<string, AlertTransition> = {
  'incident.triggered': 'firing',
  'incident.unacknowledged': 'firing',
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
  'incident.reopened': 'reopened',
  'incident.escalated': 'escalated',
  'incident.annotated': 'annotated',
};

export type PagerDutyOutcome = { kind: 'event'; event: AlertEvent } | { kind: 'ignored'; reason: string } | { kind: 'invalid'; reason: string };

/** What a delivery becomes: an AlertEvent, an acknowledged no-op (ping, non-incident resource), or a schema failure. */
export function pagerDutyAlertEvent(body: PagerDutyWebhook, receivedAt: number): PagerDutyOutcome {
  const e = body.event;
  if (e.resource_type !== 'incident' || !e.event_type.startsWith('incident.')) return { kind: 'ignored', reason: `${e.event_type} is not about an incident` };
  const occurredAt = Date.parse(e.occurred_at);
  const transition = TRANSITIONS[e.event_type] ?? 'annotated';
  const actor = e.agent?.summary ?? undefined;

  const incident = incidentData.safeParse(e.data);
  let facts: NonNullable<AlertEvent['pagerduty']>;
  let startsAt = occurredAt;
  let resolved = transition === 'resolved';
  if (incident.success) {
    const d = incident.data;
    facts = {
      incidentId: d.id,
      title: d.title ?? `PagerDuty incident ${d.id}`,
      ...(d.number !== undefined ? { incidentNumber: d.number } : {}),
      ...(d.service?.summary ? { service: d.service.summary } : {}),
      ...(d.service ? { serviceId: d.service.id } : {}),
      ...(d.urgency ? { urgency: d.urgency } : {}),
      ...(d.priority?.summary ? { priority: d.priority.summary } : {}),
      ...(d.html_url ? { htmlUrl: d.html_url } : {}),
    };
    if (d.status === 'resolved') resolved = true;
    const created = d.created_at ? Date.parse(d.created_at) : NaN;
    if (!Number.isNaN(created)) startsAt = created;
  } else {
    const about = aboutIncident.safeParse(e.data);
    if (!about.success) return { kind: 'invalid', reason: `event.data: ${e.event_type} names no incident (neither data.type "incident" nor data.incident.id)` };
    const d = about.data;
    facts = {
      incidentId: d.incident.id,
      title: d.incident.summary ?? `PagerDuty incident ${d.incident.id}`,
      ...(d.incident.html_url ? { htmlUrl: d.incident.html_url } : {}),
    };
    const note = d.content ?? d.message;
    if (note) facts.note = note;
  }
  facts.eventType = e.event_type;

  return {
    kind: 'event',
    event: {
      source: 'pagerduty',
      eventId: e.id,
      incidentKey: `pd:${facts.incidentId}`,
      transition,
      receivedAt,
      title: facts.title,
      labels: {},
      annotations: {},
      members: [{ fingerprint: facts.incidentId, status: resolved ? 'resolved' : 'firing', labels: {}, annotations: {}, startsAt, ...(transition === 'resolved' ? { endsAt: occurredAt } : {}) }],
      truncatedAlerts: 0,
      ...(actor ? { actor } : {}),
      pagerduty: facts,
    },
  };
}
