// An Alertmanager webhook notification (payload version 4, `notify/webhook` in Alertmanager) and
// the AlertEvent it becomes. Its idempotency key is what the group says, not how it was sent: the
// receiver, the groupKey, the status and each member's fingerprint + status + startsAt. The two
// members of an HA pair send the same group (each with its own externalURL), and a retry resends
// it unchanged — both collapse to one key; a new member, a resolve or a re-fire is a new key.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AlertEvent, AlertMember } from './alert-event.ts';

/** Go encodes a nil map as null: Alertmanager sends `"commonAnnotations": null` for an empty group. */
const labelSet = z
  .record(z.string(), z.string())
  .nullish()
  .transform((v) => v ?? {});

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet,
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1),
});

/** The webhook body Alertmanager POSTs (docs/configuration.md `<webhook_config>`). */
export const alertmanagerNotificationSchema = z.object({
  version: z.literal('4', 'must be "4" (Alertmanager webhook payload version)'),
  groupKey: z.string().min(1),
  /** Alerts left out by the receiver's `max_alerts`. */
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().min(1),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string().optional(),
  alerts: z.array(alertSchema).min(1),
});

export type AlertmanagerNotification = z.infer<typeof alertmanagerNotificationSchema>;

/** Epoch ms, or undefined for Go's zero time (`0001-01-01T00:00:00Z`: "not ended"). */
function epochMs(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const ms = Date.parse(s);
  return ms > 0 ? ms : undefined;
}

/** The notification's idempotency key, as a digest (a group of thousands of alerts makes a long key). */
export function alertmanagerEventId(n: AlertmanagerNotification): string {
  const members = n.alerts.map((a) => `${a.fingerprint}|${a.status}|${epochMs(a.startsAt) ?? a.startsAt}`).sort();
  const canonical = [n.receiver, n.groupKey, n.status, ...members].join('\n');
  return 'am-' + createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function title(n: AlertmanagerNotification): string {
  const name = n.commonLabels.alertname ?? n.groupLabels.alertname ?? n.alerts[0]!.labels.alertname ?? n.receiver;
  const summary = n.commonAnnotations.summary;
  const others = new Set(n.alerts.map((a) => a.labels.alertname)).size > 1 ? ` (+${n.alerts.length - 1} alerts)` : '';
  return (summary ? `${name}: ${summary}` : name) + others;
}

function member(a: AlertmanagerNotification['alerts'][number]): AlertMember {
  const endsAt = a.status === 'resolved' ? epochMs(a.endsAt) : undefined;
  return {
    fingerprint: a.fingerprint,
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: epochMs(a.startsAt) ?? 0,
    ...(endsAt !== undefined ? { endsAt } : {}),
    ...(a.generatorURL ? { generatorUrl: a.generatorURL } : {}),
  };
}

/** The AlertEvent for an accepted notification; a group that fires again after a resolve is passed as `firing` (the incident decides). */
export function alertmanagerAlertEvent(n: AlertmanagerNotification, receivedAt: number): AlertEvent {
  return {
    source: 'alertmanager',
    eventId: alertmanagerEventId(n),
    incidentKey: `am:${n.receiver}:${n.groupKey}`,
    transition: n.status,
    receivedAt,
    title: title(n),
    labels: n.commonLabels,
    annotations: n.commonAnnotations,
    members: n.alerts.map(member),
    truncatedAlerts: n.truncatedAlerts,
    ...(n.externalURL ? { externalUrl: n.externalURL } : {}),
  };
}
