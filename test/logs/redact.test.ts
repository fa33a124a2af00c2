// Secrets never survive redaction; ordinary text does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/logs/redact.ts';

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsbG0tc2VydmVyIiwiZXhwIjoxNzk0NjA0MDAwfQ.c2lnbmF0dXJlLW5vdC1yZWFs';

describe('redactSecrets', () => {
  it.each([
    ['bearer token in an Authorization header', `GET /v1 Authorization: Bearer ${JWT}`, JWT, 'Authorization: Bearer [REDACTED]'],
    ['basic credentials in a JSON header map', '{"Authorization": "Basic c3ZjOmh1bnRlcjI="}', 'c3ZjOmh1bnRlcjI=', '"Authorization": "Basic [REDACTED]"'],
    ['a bare JWT', `session ${JWT} expired`, JWT, 'session [REDACTED] expired'],
    ['an AWS access key id', 'using key AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE', 'using key [REDACTED] for s3'],
    ['an AWS secret key', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI', 'aws_secret_access_key=[REDACTED]'],
    ['a Slack bot token', 'slack client xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx ready', 'xoxb-1234', 'slack client [REDACTED] ready'],
    ['a Slack user token', 'xoxp-2222-3333-4444-abcdefabcdef', 'xoxp-', '[REDACTED]'],
    ['a Slack webhook', 'POST https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx', 'abcdefghijklmnopqrstuvwx', 'hooks.slack.com/services/[REDACTED]'],
    ['a GitHub token', 'git clone with ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_', 'with [REDACTED]'],
    ['password=', 'db connect password=hunter2 host=db', 'hunter2', 'password=[REDACTED] host=db'],
    ['secret: in YAML', 'client_secret: s3cr3t-value', 's3cr3t', 'client_secret: [REDACTED]'],
    ['token= in a query string', 'GET /download?token=tok_9f8e7d6c&x=1', 'tok_9f8e', '?token=[REDACTED]&x=1'],
    ['api_key in JSON', '{"api_key": "abc123", "user": "bob"}', 'abc123', '"api_key": "[REDACTED]", "user": "bob"'],
    ['URL credentials', 'connecting to postgres://feature:s3cr3t-P4ss@db.internal:5432/f', 's3cr3t-P4ss', 'postgres://[REDACTED]@db.internal'],
    ['a private key opening line', '-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA0Z3VS5JJ', 'MIIEow', '-----BEGIN PRIVATE KEY-----[REDACTED]'],
    ['a Hugging Face token', 'HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'hf_AbCd', '[REDACTED]'],
  ])('%s', (_what, line, secret, kept) => {
    const out = redactSecrets(line);
    expect(out).not.toContain(secret);
    expect(out).toContain(kept);
  });

  it('leaves ordinary log text alone', () => {
    const line = '2026-11-22 14:02:58,640 ERROR server: batch failed, returning 503 to 64 requests (max_tokens=512, tokens=8192)';
    expect(redactSecrets(line)).toBe(line);
  });
});

describe('redactSecrets, property-based', () => {
  const alnum = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: min, maxLength: max });
  const upperDigits = (n: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: n, maxLength: n });
  const b64url = (min: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'), minLength: min, maxLength: min + 40 });
  /** A secret and the line it appears in, in the forms services log them. */
  const secretInLine = fc.oneof(
    upperDigits(16).map((k) => ({ secret: `AKIA${k}`, line: (s: string) => `aws credentials loaded for AKIA key ${s} in us-east-1` })),
    alnum(36, 40).map((k) => ({ secret: `ghp_${k}`, line: (s: string) => `cloning with token ${s}` })),
    fc.tuple(fc.integer({ min: 1e9, max: 9e12 }), alnum(24, 24)).map(([n, k]) => ({ secret: `xoxb-${n}-${n}-${k}`, line: (s: string) => `slack client ${s} ready` })),
    fc.tuple(b64url(10), b64url(10), b64url(20)).map(([a, b, c]) => ({ secret: `${b}.${c}`, line: () => `auth header Authorization: Bearer eyJ${a}.eyJ${b}.${c}` })),
    alnum(6, 30).map((p) => ({ secret: p, line: (s: string) => `connecting with password=${s} to db` })),
    fc.tuple(alnum(3, 10), alnum(8, 30)).map(([u, p]) => ({ secret: `${u}:${p}@`, line: (s: string) => `GET https://${s}feature-store.internal/v1` })),
    alnum(8, 30).map((t) => ({ secret: t, line: (s: string) => `{"api_key": "${s}", "model": "llm"}` })),
  );

  it('never lets the secret through', () => {
    fc.assert(
      fc.property(secretInLine, fc.string({ maxLength: 30 }), ({ secret, line }, noise) => {
        const out = redactSecrets(`${noise.replace(/\s/g, '_')} ${line(secret)}`);
        return !out.includes(secret) && out.includes('[REDACTED]');
      }),
      { numRuns: 500 },
    );
  });
});
