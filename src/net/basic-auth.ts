// HTTP basic authentication (RFC 7617) for the operator pages the bot serves (the queue UI): the
// `Authorization: Basic base64(user:password)` header checked in constant time over digests, so
// neither the length nor the content of the configured credentials leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/** True when `authorization` carries exactly `user` and `password`. */
export function basicAuthMatches(authorization: string | undefined, user: string, password: string): boolean {
  const match = /^basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const [givenUser, givenPassword] = colon < 0 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  // Both compared whatever the first says: the answer takes as long for a wrong user as for a wrong password.
  const userOk = sameSecret(givenUser, user);
  const passwordOk = sameSecret(givenPassword, password);
  return colon >= 0 && userOk && passwordOk;
}

/** The WWW-Authenticate value of a 401 (browsers then ask for the credentials). */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/["\\]/g, '')}", charset="UTF-8"`;
}
