// Slack's request signing (v0): HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing
// secret. Bolt's receiver verifies it; the demo and the tests use this to send real, signed requests.
import { createHmac } from 'node:crypto';

export function signSlackRequest(body: string, secret: string, timestampSec: number): Record<string, string> {
  const signature = 'v0=' + createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': signature };
}
