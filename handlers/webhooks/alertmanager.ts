// POST /webhooks/alertmanager — Alertmanager's `webhook_config` (payload version 4). Off (404)
// without a token or basic credentials; the request must carry them (401), fit the size bound
// (413) and the payload schema (400, final: logged with the reason). The group's notification is
// stored before the 202; an HA peer's copy or a retry of a stored one answers 200.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { challenge, verifyAlertmanagerAuth } from '../../src/alerts/alertmanager-auth.ts';
import { alertmanagerAlertEvent, alertmanagerNotificationSchema } from '../../src/alerts/alertmanager-notification.ts';
import { parseBody } from '../../src/alerts/parse-body.ts';
import { DEFAULT_MAX_BODY_BYTES, persistAndReply, readBoundedBody, reply, route, type WebhookDeps } from './http.ts';

export function alertmanagerWebhook(deps: WebhookDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return route('alertmanager', deps, async (req, res) => {
    const credentials = deps.secrets.alertmanager;
    if (!credentials) {
      deps.count('alertmanager', 'off');
      return reply(res, 404, { error: 'not found' });
    }
    if (!verifyAlertmanagerAuth(req.headers.authorization, credentials)) {
      deps.count('alertmanager', 'unauthorized');
      deps.logger.warn('webhook refused: missing or wrong credentials', { source: 'alertmanager' });
      return reply(res, 401, { error: 'unauthorized' }, { 'www-authenticate': challenge(credentials) });
    }
    const read = await readBoundedBody(req, deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (!read.ok) {
      deps.count('alertmanager', 'too_large');
      deps.logger.warn('webhook refused: body too large (set max_alerts on the receiver)', { source: 'alertmanager' });
      return reply(res, 413, { error: 'body too large; set max_alerts on the webhook receiver' }, { connection: 'close' });
    }
    const parsed = parseBody(read.body, alertmanagerNotificationSchema);
    if (!parsed.ok) {
      deps.count('alertmanager', 'bad_request');
      deps.logger.warn('webhook refused: not an Alertmanager version 4 notification', { source: 'alertmanager', reason: parsed.reason });
      return reply(res, 400, { error: parsed.reason });
    }
    await persistAndReply(deps, alertmanagerAlertEvent(parsed.value, deps.now()), res);
  });
}
