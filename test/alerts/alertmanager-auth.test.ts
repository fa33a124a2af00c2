// Alertmanager http_config credentials: `authorization` (Bearer) and `basic_auth` as it sends them.
import { describe, expect, it } from 'vitest';
import { challenge, verifyAlertmanagerAuth } from '../../src/alerts/alertmanager-auth.ts';

const token = 'am-webhook-token-0123456789abcdef';
const basic = 'alertmanager:pass:with:colons';
const basicHeader = (s: string) => 'Basic ' + Buffer.from(s).toString('base64');

describe('verifyAlertmanagerAuth', () => {
  it('accepts the configured bearer token, whatever the scheme case', () => {
    expect(verifyAlertmanagerAuth(`Bearer ${token}`, { token })).toBe(true);
    expect(verifyAlertmanagerAuth(`bearer ${token}`, { token })).toBe(true);
  });

  it('accepts basic credentials whose password holds colons', () => {
    expect(verifyAlertmanagerAuth(basicHeader(basic), { basic })).toBe(true);
  });

  it('refuses a missing header, a wrong or prefixed token, and a scheme that is not configured', () => {
    expect(verifyAlertmanagerAuth(undefined, { token })).toBe(false);
    expect(verifyAlertmanagerAuth('Bearer', { token })).toBe(false);
    expect(verifyAlertmanagerAuth(token, { token })).toBe(false);
    expect(verifyAlertmanagerAuth(`Bearer ${token.slice(1)}`, { token })).toBe(false);
    expect(verifyAlertmanagerAuth(`Bearer ${token}0`, { token })).toBe(false);
    expect(verifyAlertmanagerAuth(basicHeader(`user:${token}`), { token })).toBe(false);
    expect(verifyAlertmanagerAuth(`Bearer ${basic}`, { basic })).toBe(false);
    expect(verifyAlertmanagerAuth(basicHeader('alertmanager:wrong'), { basic })).toBe(false);
  });

  it('names the configured scheme in the challenge', () => {
    expect(challenge({ token })).toMatch(/^Bearer/);
    expect(challenge({ basic })).toMatch(/^Basic/);
  });
});
