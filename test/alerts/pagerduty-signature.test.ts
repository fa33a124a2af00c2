// PagerDuty's v3 signature check against the signatures PagerDuty sent (and its Go library tests)
// with real bodies: fixtures/alerts/pagerduty-signatures.json.
import { describe, expect, it } from 'vitest';
import { signPagerDutyBody, verifyPagerDutySignature } from '../../src/alerts/pagerduty-signature.ts';
import { fixture, pagerDutyVectors } from '../support/alert-intake.ts';

const sets = pagerDutyVectors();

describe('verifyPagerDutySignature', () => {
  for (const set of sets) {
    it(`verifies every delivery of ${set.source.split(' ')[0]} with its secret`, () => {
      for (const d of set.deliveries) expect(verifyPagerDutySignature(fixture(d.file), d.signature, [set.secret])).toBe(true);
    });
    it(`refuses the forged signature of ${set.source.split(' ')[0]}`, () => {
      expect(verifyPagerDutySignature(fixture(set.forged.file), set.forged.signature, [set.secret])).toBe(false);
    });
  }

  it("signs as PagerDuty does (the library's vector comes out of signPagerDutyBody)", () => {
    for (const set of sets) for (const d of set.deliveries) expect(signPagerDutyBody(fixture(d.file), set.secret)).toBe(d.signature);
  });

  const [set] = sets;
  const d = set!.deliveries[1]!;
  const body = fixture(d.file);

  it('accepts any of several comma-separated signatures and any of several secrets (rotation)', () => {
    const stale = signPagerDutyBody(body, 'rotated-out-secret');
    expect(verifyPagerDutySignature(body, `${stale},${d.signature}`, [set!.secret])).toBe(true);
    expect(verifyPagerDutySignature(body, `${stale}, ${d.signature.toUpperCase().replace('V1=', 'v1=')}`, [set!.secret])).toBe(true);
    expect(verifyPagerDutySignature(body, d.signature, ['another-current-secret', set!.secret])).toBe(true);
  });

  it('refuses a missing or malformed header, an unknown version, other bytes and a rotated-out secret', () => {
    expect(verifyPagerDutySignature(body, undefined, [set!.secret])).toBe(false);
    expect(verifyPagerDutySignature(body, '', [set!.secret])).toBe(false);
    expect(verifyPagerDutySignature(body, d.signature.slice(3), [set!.secret])).toBe(false);
    expect(verifyPagerDutySignature(body, d.signature.replace('v1=', 'v2='), [set!.secret])).toBe(false);
    expect(verifyPagerDutySignature(body, d.signature.slice(0, -2), [set!.secret])).toBe(false);
    expect(verifyPagerDutySignature(Buffer.concat([body, Buffer.from(' ')]), d.signature, [set!.secret])).toBe(false);
    expect(verifyPagerDutySignature(body, d.signature, ['rotated-out-secret'])).toBe(false);
    expect(verifyPagerDutySignature(body, d.signature, [])).toBe(false);
  });
});
