// Assembles the bot: the Bolt app (HTTP receiver at POST /slack/events, or Socket Mode when an
// app token is set — its HTTP server then listens on `port` for the routes below), the /debug
// listener, the alert webhooks (POST /webhooks/pagerduty and /webhooks/alertmanager), /healthz,
// /metrics (src/core/metrics.ts), the queue UI at /queues when configured, one app.error. Bolt's
// and its Web API clients' logs go through the JSON logger. `serve` and the tests both build it
// through createApp.
import { App, HTTPReceiver, type CustomRoute } from '@slack/bolt';
import { refuseFutureRequests } from '../slack/signature.ts';
import { oneLine } from '../core/errors.ts';
import { slackLogger } from '../core/logger.ts';
import { createMetrics, renderMetrics, type Metrics } from '../core/metrics.ts';
import { slackClientOptions } from '../slack/web-client.ts';
import { queueBoardRoutes, type QueueBoardOptions } from './queue-board.ts';
import { register as registerActions } from '../../handlers/actions/index.ts';
import { register as registerCommands } from '../../handlers/commands/index.ts';
import { webhookRoutes, type WebhookDeps } from '../../handlers/webhooks/index.ts';
import type { RequestDeps } from '../../handlers/start-request.ts';
import type { PagerDutyActionDeps } from '../../handlers/actions/incident-pagerduty.ts';
import type { AccessGate } from '../policy/access-gate.ts';

/** What the listeners need (they count outcomes through the app's /metrics), plus Slack credentials. */
export interface AppDeps extends Omit<RequestDeps, 'count'> {
  signingSecret: string;
  botToken: string;
  appToken?: string | undefined;
  slackApiUrl?: string | undefined;
  /** Socket Mode: the port of the HTTP server for /healthz, /metrics, the webhooks (PORT). The HTTP receiver gets its port from start(). */
  port?: number | undefined;
  /** The process's metrics; absent = a registry of its own. */
  metrics?: Metrics | undefined;
  /** The queue UI at /queues behind basic auth; absent = off (404). */
  queueBoard?: QueueBoardOptions | undefined;
  /** Alert intake: its secrets and where accepted alerts go; absent = both webhook routes answer 404. */
  webhooks?: Pick<WebhookDeps, 'secrets' | 'alerts' | 'maxBodyBytes'> | undefined;
  /** PagerDuty's REST API for the incident Acknowledge/Resolve buttons; absent = write-back off. */
  pagerduty?: PagerDutyActionDeps['pagerduty'];
  /** Who may run what (INFDBG_POLICY); absent = the default policy. */
  access?: AccessGate | undefined;
}

export function createApp(deps: AppDeps): App {
  const metrics = deps.metrics ?? createMetrics();
  const count = (outcome: string) => metrics.commands.inc({ outcome });
  const countWebhook: WebhookDeps['count'] = (source, outcome) => metrics.webhooks.inc({ source, outcome });
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
        renderMetrics(metrics).then(
          ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
          (err: unknown) => {
            deps.logger.error('metrics failed', { error: oneLine(err) });
            res.writeHead(500).end();
          },
        );
      },
    },
    ...webhooks,
    ...(deps.queueBoard ? queueBoardRoutes(deps.queueBoard) : []),
  ];
  const logger = slackLogger(deps.logger, 'bolt');
  const app = new App({
    token: deps.botToken,
    ...(deps.appToken
      ? { socketMode: true, appToken: deps.appToken, signingSecret: deps.signingSecret, customRoutes, ...(deps.port === undefined ? {} : { port: deps.port }) }
      : // Bolt's own HTTP receiver, made to refuse signed requests dated in the future as it refuses stale ones.
        { receiver: refuseFutureRequests(new HTTPReceiver({ signingSecret: deps.signingSecret, customRoutes, logger }), deps.now) }),
    clientOptions: slackClientOptions({ slackApiUrl: deps.slackApiUrl, logger: deps.logger, metrics }),
    logger,
  });

  registerCommands(app, { ...deps, count });
  registerActions(app, { ...deps, count });

  app.error(async (err) => {
    deps.logger.error('listener failed', { code: (err as { code?: string }).code, error: oneLine(err) });
  });
  return app;
}
