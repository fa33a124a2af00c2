// Basic authentication for the queue UI: exactly the configured user and password, whatever else
// the header carries.
import { describe, expect, it } from 'vitest';
import { basicAuthMatches, basicChallenge } from '../../src/net/basic-auth.ts';

const header = (credentials: string, scheme = 'Basic') => `${scheme} ${Buffer.from(credentials).toString('base64')}`;

describe('basic auth', () => {
  it('accepts the configured user and password, a password with colons included', () => {
    expect(basicAuthMatches(header('oncall:pa:ss:word'), 'oncall', 'pa:ss:word')).toBe(true);
    expect(basicAuthMatches(header('oncall:pa:ss:word', 'basic'), 'oncall', 'pa:ss:word')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const given of [undefined, '', 'Basic', 'Basic !!!', header('oncall'), header('oncall:'), header(':pa:ss:word'), header('Oncall:pa:ss:word'), header('oncall:pa:ss:word2'), header('oncall:pa:ss:word', 'Bearer'), 'Bearer pa:ss:word']) {
      expect(basicAuthMatches(given, 'oncall', 'pa:ss:word'), String(given)).toBe(false);
    }
  });

  it('challenges with the Basic scheme, a quote in the realm removed', () => {
    expect(basicChallenge('infdbg "queues"')).toBe('Basic realm="infdbg queues", charset="UTF-8"');
  });
});
