// AlertEvents for triage tests, made the way the webhook routes make them: a real Alertmanager
// webhook body (test/fixtures/alerts/alertmanager-firing.json, see SOURCE.md there) or a real
// PagerDuty v3 delivery (pagerduty-triggered.json), with the labels and annotations of the alert
// under test put in place of the recorded ones, then converted by the real intake code
// (src/alerts/). Label sets follow the public rules that raise those alerts (kubernetes-mixin,
// dcgm-exporter's metric labels), cited where used.
import { readFileSync } from 'node:fs';
import type { AlertEvent } from '../../src/alerts/alert-event.ts';
import { alertmanagerAlertEvent, alertmanagerNotificationSchema } from '../../src/alerts/alertmanager-notification.ts';
import { pagerDutyAlertEvent, pagerDutyWebhookSchema } from '../../src/alerts/pagerduty-event.ts';

const AM = readFileSync(new URL('../fixtures/alerts/alertmanager-firing.json', import.meta.url), 'utf8');
const PD = readFileSync(new URL('../fixtures/alerts/pagerduty-triggered.json', import.meta.url), 'utf8');

/** The recorded Alertmanager notification as it arrived. */
export function recordedAlertmanagerEvent(): AlertEvent {
  return alertmanagerAlertEvent(alertmanagerNotificationSchema.parse(JSON.parse(AM)), Date.parse('2022-11-02T08:12:17Z'));
}

/** The recorded notification with one alert of these labels and annotations (common = the alert's own, as for a group of one). */
export function alertmanagerEvent(labels: Record<string, string>, annotations: Record<string, string> = {}): AlertEvent {
  const body = JSON.parse(AM);
  body.alerts[0].labels = labels;
  body.alerts[0].annotations = annotations;
  body.commonLabels = labels;
  body.commonAnnotations = annotations;
  body.groupLabels = { alertname: labels.alertname };
  body.groupKey = `{}:{alertname="${labels.alertname}"}`;
  return alertmanagerAlertEvent(alertmanagerNotificationSchema.parse(body), Date.parse('2022-11-02T08:12:17Z'));
}

/** The recorded PagerDuty incident.triggered delivery, optionally with another title, service, urgency or priority. */
export function pagerDutyEvent(change: { title?: string; service?: string; urgency?: 'high' | 'low'; priority?: string } = {}): AlertEvent {
  const body = JSON.parse(PD);
  const d = body.event.data;
  if (change.title) d.title = change.title;
  if (change.service) d.service.summary = change.service;
  if (change.urgency) d.urgency = change.urgency;
  if (change.priority) d.priority = { id: 'PSO4BNU', type: 'priority_reference', summary: change.priority, self: 'https://api.pagerduty.com/priorities/PSO4BNU' };
  const out = pagerDutyAlertEvent(pagerDutyWebhookSchema.parse(body), Date.parse('2025-04-07T03:47:14Z'));
  if (out.kind !== 'event') throw new Error(`fixture did not convert: ${out.kind}`);
  return out.event;
}

/**
 * kubernetes-mixin's KubePodCrashLooping (kube-prometheus-stack): the labels of
 * kube_pod_container_status_waiting_reason from kube-state-metrics plus the rule's severity, and
 * the rule's annotations.
 */
export function kubePodCrashLooping(pod = 'ranker-7d4b9c6f5-x2x9z', namespace = 'ml'): AlertEvent {
  return alertmanagerEvent(
    { alertname: 'KubePodCrashLooping', container: 'model-server', endpoint: 'http', instance: '10.244.1.17:8080', job: 'kube-state-metrics', namespace, pod, reason: 'CrashLoopBackOff', service: 'kube-prometheus-stack-kube-state-metrics', severity: 'warning', uid: 'b6a3c1e2-5f0d-4c55-9d7e-0e4f3a1c2b9d' },
    {
      description: `Pod ${namespace}/${pod} (model-server) is in waiting state (reason: "CrashLoopBackOff").`,
      runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
      summary: 'Pod is crash looping.',
    },
  );
}
