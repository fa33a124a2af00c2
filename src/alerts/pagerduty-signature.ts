// PagerDuty v3 webhook signatures: `X-PagerDuty-Signature: v1=<hex>,v1=<hex>` — one HMAC-SHA256 of
// the raw body per signing secret of the subscription (several while a secret rotates). A delivery
// is authentic when any v1 signature matches any configured secret, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Every `v1=` signature in the header, as lower-case hex; other versions are ignored. */
function v1Signatures(header: string): string[] {
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .map((s) => s.slice(3).toLowerCase())
    .filter((hex) => /^[0-9a-f]{64}$/.test(hex));
}

/** `v1=` + hex HMAC-SHA256 of `body` under `secret`: what PagerDuty sends (used by tests and the demo to sign). */
export function signPagerDutyBody(body: Buffer | string, secret: string): string {
  return 'v1=' + createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * True when one of the header's v1 signatures is the HMAC of the exact `body` bytes under one of
 * `secrets`. Missing or malformed header, or no secret, is false. Every pair is compared (no early
 * exit on the first mismatch) so the time taken says nothing about which part differed.
 */
export function verifyPagerDutySignature(body: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  if (!header || secrets.length === 0) return false;
  const given = v1Signatures(header).map((hex) => Buffer.from(hex, 'hex'));
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    for (const sig of given) {
      if (sig.length === expected.length && timingSafeEqual(sig, expected)) ok = true;
    }
  }
  return ok;
}
