// POST /webhooks/pagerduty — a PagerDuty v3 webhook subscription. Off (404) without signing
// secrets; a delivery must carry a valid `X-PagerDuty-Signature` for one of them (401 otherwise),
// fit the size bound (413) and the v3 envelope (400, final: logged with the reason). An incident
// event is stored before the 202; a ping or a non-incident event is acknowledged with 200.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBody } from '../../src/alerts/parse-body.ts';
import { pagerDutyAlertEvent, pagerDutyWebhookSchema } from '../../src/alerts/pagerduty-event.ts';
import { verifyPagerDutySignature } from '../../src/alerts/pagerduty-signature.ts';
import { DEFAULT_MAX_BODY_BYTES, persistAndReply, readBoundedBody, reply, route, type WebhookDeps } from './http.ts';

export function pagerDutyWebhook(deps: WebhookDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return route('pagerduty', deps, async (req, res) => {
    const secrets = deps.secrets.pagerduty;
    if (!secrets) {
      deps.count('pagerduty', 'off');
      return reply(res, 404, { error: 'not found' });
    }
    const read = await readBoundedBody(req, deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (!read.ok) {
      deps.count('pagerduty', 'too_large');
      deps.logger.warn('webhook refused: body too large', { source: 'pagerduty' });
      return reply(res, 413, { error: 'body too large' }, { connection: 'close' });
    }
    const signature = req.headers['x-pagerduty-signature'];
    if (!verifyPagerDutySignature(read.body, Array.isArray(signature) ? signature.join(',') : signature, secrets)) {
      deps.count('pagerduty', 'unauthorized');
      deps.logger.warn('webhook refused: missing or invalid X-PagerDuty-Signature', { source: 'pagerduty', webhookId: req.headers['x-webhook-id'] });
      return reply(res, 401, { error: 'invalid signature' });
    }
    const parsed = parseBody(read.body, pagerDutyWebhookSchema);
    const outcome = parsed.ok ? pagerDutyAlertEvent(parsed.value, deps.now()) : { kind: 'invalid' as const, reason: parsed.reason };
    if (outcome.kind === 'invalid') {
      deps.count('pagerduty', 'bad_request');
      deps.logger.warn('webhook refused: not a PagerDuty v3 event', { source: 'pagerduty', reason: outcome.reason });
      return reply(res, 400, { error: outcome.reason });
    }
    if (outcome.kind === 'ignored') {
      deps.count('pagerduty', 'ignored');
      deps.logger.info('webhook acknowledged, nothing to do', { source: 'pagerduty', reason: outcome.reason });
      return reply(res, 200, { ok: true, ignored: outcome.reason });
    }
    await persistAndReply(deps, outcome.event, res);
  });
}
