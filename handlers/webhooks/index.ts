// The alert intake routes, served on the bot's port through Bolt's customRoutes (they must be
// given to the App constructor, so this returns routes instead of registering listeners).
import type { CustomRoute } from '@slack/bolt';
import { alertmanagerWebhook } from './alertmanager.ts';
import type { WebhookDeps } from './http.ts';
import { pagerDutyWebhook } from './pagerduty.ts';

export type { WebhookDeps, WebhookOutcome } from './http.ts';

export function webhookRoutes(deps: WebhookDeps): CustomRoute[] {
  return [
    { path: '/webhooks/pagerduty', method: ['POST'], handler: pagerDutyWebhook(deps) },
    { path: '/webhooks/alertmanager', method: ['POST'], handler: alertmanagerWebhook(deps) },
  ];
}
