// Slack's request signing (v0): HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing
// secret. Bolt's receiver verifies it (and, with refuseFutureRequests, refuses timestamps from the
// future too); the demo and the tests use this to send real, signed requests.
import { createHmac } from 'node:crypto';
import type { HTTPReceiver } from '@slack/bolt';

export function signSlackRequest(body: string, secret: string, timestampSec: number): Record<string, string> {
  const signature = 'v0=' + createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': signature };
}

/** Slack's replay window: a request's timestamp must be within five minutes of local time, either way. */
export const MAX_REQUEST_SKEW_SECONDS = 300;

/**
 * Refuses (401) a signed request whose timestamp is more than five minutes ahead of the clock.
 * Bolt's receiver refuses a stale timestamp but accepts any future one, so a request signed
 * ahead of time (a leaked signature, a skewed sender) could be replayed until that time came.
 */
export function refuseFutureRequests(receiver: HTTPReceiver, nowMs: () => number): HTTPReceiver {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (req.headers['x-slack-signature'] !== undefined && Number.isFinite(ts) && ts > nowMs() / 1000 + MAX_REQUEST_SKEW_SECONDS) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('request timestamp is in the future');
      return;
    }
    inner(req, res);
  };
  return receiver;
}
