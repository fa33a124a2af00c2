// What an alert is once it has been accepted, whichever sender it came from: the webhook routes
// (handlers/webhooks/) turn an Alertmanager notification or a PagerDuty v3 event into an
// AlertEvent; triage (src/triage/triage-alert.ts) reads its facts to pick a runbook and a plan;
// the incident (src/incidents/) it belongs to is found by its incidentKey.

export type AlertSource = 'alertmanager' | 'pagerduty';

/** What happened to the incident in this event. */
export type AlertTransition = 'firing' | 'acknowledged' | 'resolved' | 'reopened' | 'escalated' | 'annotated';

/** One member alert (an Alertmanager alert of the group; a PagerDuty incident is one member). */
export interface AlertMember {
  /** Alertmanager's fingerprint; the PagerDuty incident id. */
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms; absent while firing. */
  endsAt?: number;
  generatorUrl?: string;
}

/** PagerDuty's own fields, for triage rules and write-back. */
export interface PagerDutyFacts {
  incidentId: string;
  /** e.g. "Q2ABCDEF" incident number shown to people. */
  incidentNumber?: number;
  title: string;
  service?: string;
  serviceId?: string;
  urgency?: 'high' | 'low';
  priority?: string;
  htmlUrl?: string;
  /**
   * PagerDuty's own event type (`incident.priority_updated`, `incident.reassigned`, …): several map
   * to one transition (an update with no status change is `annotated`), this says which it was.
   */
  eventType?: string;
  /** The text an event carries: a note's content, a responder request's message, a status update. */
  note?: string;
}

export interface AlertEvent {
  source: AlertSource;
  /**
   * The idempotency key: PagerDuty's event id (X-Webhook-Id / event.id); for Alertmanager the
   * group's fingerprints + status + startsAt, so an HA pair's duplicates and retries collapse.
   */
  eventId: string;
  /** One incident per key: `am:<receiver>:<groupKey>` or `pd:<incident id>`. */
  incidentKey: string;
  transition: AlertTransition;
  /** Epoch ms when the bot accepted it. */
  receivedAt: number;
  /** A one-line title for people: alertname (+ summary) or the PagerDuty incident title. */
  title: string;
  /** Common labels of the group (Alertmanager), or {} for PagerDuty. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  members: AlertMember[];
  /** Alerts Alertmanager left out of this notification (`truncatedAlerts`). */
  truncatedAlerts: number;
  /** Who acted (a PagerDuty agent's name or email) for acknowledged/resolved/reassigned. */
  actor?: string;
  pagerduty?: PagerDutyFacts;
  /** Alertmanager's externalURL, to fetch the rest of a truncated group. */
  externalUrl?: string;
}
