// Assembles the bot: the Bolt app (HTTP receiver at POST /slack/events, or Socket Mode when an
// app token is set), the /debug listener, the alert webhooks (POST /webhooks/pagerduty and
// /webhooks/alertmanager), /healthz and /metrics, one app.error. `serve` and the tests both build
// it through createApp.
import { App, HTTPReceiver, LogLevel, type CustomRoute } from '@slack/bolt';
import { refuseFutureRequests } from '../slack/signature.ts';
import { oneLine } from '../core/errors.ts';
import { register as registerActions } from '../../handlers/actions/index.ts';
import { register as registerCommands } from '../../handlers/commands/index.ts';
import { webhookRoutes, type WebhookDeps } from '../../handlers/webhooks/index.ts';
import type { RequestDeps } from '../../handlers/start-request.ts';
import type { PagerDutyActionDeps } from '../../handlers/actions/incident-pagerduty.ts';

/** What the listeners need (they count outcomes through the app's /metrics), plus Slack credentials. */
export interface AppDeps extends Omit<RequestDeps, 'count'> {
  signingSecret: string;
  botToken: string;
  appToken?: string | undefined;
  slackApiUrl?: string | undefined;
  /** Alert intake: its secrets and where accepted alerts go; absent = both webhook routes answer 404. */
  webhooks?: Pick<WebhookDeps, 'secrets' | 'alerts' | 'maxBodyBytes'> | undefined;
  /** PagerDuty's REST API for the incident Acknowledge/Resolve buttons; absent = write-back off. */
  pagerduty?: PagerDutyActionDeps['pagerduty'];
}

export function createApp(deps: AppDeps): App {
  const counts = new Map<string, number>();
  const count = (outcome: string) => counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const webhookCounts = new Map<string, number>();
  const countWebhook: WebhookDeps['count'] = (source, outcome) => {
    const key = `source="${source}",outcome="${outcome}"`;
    webhookCounts.set(key, (webhookCounts.get(key) ?? 0) + 1);
  };
  const metrics = () =>
    [
      '# HELP infdbg_commands_total /debug commands by outcome.',
      '# TYPE infdbg_commands_total counter',
      ...[...counts].map(([o, n]) => `infdbg_commands_total{outcome="${o}"} ${n}`),
      '# HELP infdbg_webhooks_total Alert webhook deliveries by sender and outcome.',
      '# TYPE infdbg_webhooks_total counter',
      ...[...webhookCounts].map(([labels, n]) => `infdbg_webhooks_total{${labels}} ${n}`),
    ].join('\n') + '\n';
  const webhooks = webhookRoutes({
    secrets: deps.webhooks?.secrets ?? {},
    alerts: deps.webhooks?.alerts ?? { accept: () => Promise.reject(new Error('alert intake is not configured')) },
    maxBodyBytes: deps.webhooks?.maxBodyBytes,
    now: deps.now,
    logger: deps.logger,
    count: countWebhook,
  });

  const customRoutes: CustomRoute[] = [
    {
      path: '/healthz',
      method: ['GET'],
      handler: async (_req, res) => {
        const redis = await deps.redisReady();
        res.writeHead(redis ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: redis, redis: redis ? 'up' : 'unreachable' }));
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(metrics());
      },
    },
    ...webhooks,
  ];
  const app = new App({
    token: deps.botToken,
    ...(deps.appToken
      ? { socketMode: true, appToken: deps.appToken, signingSecret: deps.signingSecret, customRoutes }
      : // Bolt's own HTTP receiver, made to refuse signed requests dated in the future as it refuses stale ones.
        { receiver: refuseFutureRequests(new HTTPReceiver({ signingSecret: deps.signingSecret, customRoutes, logLevel: LogLevel.WARN }), deps.now) }),
    ...(deps.slackApiUrl ? { clientOptions: { slackApiUrl: deps.slackApiUrl } } : {}),
    logLevel: LogLevel.WARN,
  });

  registerCommands(app, { ...deps, count });
  registerActions(app, { ...deps, count });

  app.error(async (err) => {
    deps.logger.error('listener failed', { code: (err as { code?: string }).code, error: oneLine(err) });
  });
  return app;
}
