// Alertmanager's webhook `http_config` credentials: `authorization: {credentials: <token>}` sends
// `Authorization: Bearer <token>`, `basic_auth` sends `Authorization: Basic base64(user:password)`.
// Either configured form is accepted; comparison is in constant time over digests, so neither the
// length nor the content of the secret leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AlertmanagerCredentials {
  /** Bearer token (ALERTMANAGER_WEBHOOK_TOKEN). */
  token?: string | undefined;
  /** `user:password` (ALERTMANAGER_WEBHOOK_BASIC). */
  basic?: string | undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The scheme to name in a 401's WWW-Authenticate header. */
export function challenge(credentials: AlertmanagerCredentials): string {
  return credentials.token ? 'Bearer realm="infdbg"' : 'Basic realm="infdbg"';
}

/** True when the Authorization header carries the configured bearer token or basic credentials. */
export function verifyAlertmanagerAuth(authorization: string | undefined, credentials: AlertmanagerCredentials): boolean {
  if (!authorization) return false;
  const match = /^(\S+)\s+(.+)$/.exec(authorization.trim());
  if (!match) return false;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!.trim();
  if (scheme === 'bearer' && credentials.token) return sameSecret(value, credentials.token);
  if (scheme === 'basic' && credentials.basic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return sameSecret(decoded, credentials.basic);
  }
  return false;
}
