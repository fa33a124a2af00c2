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

/**
 * A corpus of the forms secrets take in logs, health bodies, manifests and error messages. The
 * first eight are the forms that once leaked into Slack (DB_PASSWORD=…, MYSQL_ROOT_PASSWORD=…,
 * JSON "SecretAccessKey", secret_key=, api_token=, --password v, passphrase=, redis://:pw@host);
 * the rest were handled before and must stay handled. `secret` must vanish; `kept` must remain.
 */
const CORPUS: Array<[string, string, string]> = [
  ['DB_PASSWORD=Hq7vT2pLw9 psql -h db', 'Hq7vT2pLw9', 'DB_PASSWORD=[REDACTED] psql -h db'],
  ['docker run -e MYSQL_ROOT_PASSWORD=r00t-Xq81z mysql:8', 'r00t-Xq81z', 'MYSQL_ROOT_PASSWORD=[REDACTED] mysql:8'],
  ['{"AccessKeyId": "ASIAEXAMPLEEXAMPLE12", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCY", "Token": "IQoJb3JpZ2luX2VjE"}', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY', '"SecretAccessKey": "[REDACTED]"'],
  ['s3 client secret_key=9aF3kLmN0pQr region=eu-west-1', '9aF3kLmN0pQr', 'secret_key=[REDACTED] region=eu-west-1'],
  ['calling vendor with api_token=tkn_55aa66bb77cc', 'tkn_55aa66bb77cc', 'api_token=[REDACTED]'],
  ['exec: /usr/bin/loader --user svc --password Pa55w0rd-x --host db', 'Pa55w0rd-x', '--password [REDACTED] --host db'],
  ['ssh-keygen passphrase=c0rrect-h0rse-battery', 'c0rrect-h0rse-battery', 'passphrase=[REDACTED]'],
  ['cache at redis://:Sup3rS3cret@redis-master:6379/0 unreachable', 'Sup3rS3cret', 'redis://[REDACTED]@redis-master:6379/0 unreachable'],
  // More of the same families
  ['YAML: password: "my long pass phrase"', 'my long pass phrase', 'password: "[REDACTED]"'],
  ["client_secret: 'q1w2e3r4t5'", 'q1w2e3r4t5', "client_secret: '[REDACTED]'"],
  ['{"db":{"password":"p\\"quoted\\"x","user":"app"}}', 'quoted', '"password":"[REDACTED]","user":"app"'],
  ['--db-password=Zz9_yy8 --verbose', 'Zz9_yy8', '--db-password=[REDACTED] --verbose'],
  ['--api-key sk_live_0123456789abcdef', 'sk_live_0123456789abcdef', '--api-key [REDACTED]'],
  ['env:\n- name: DB_PASSWORD\n  value: hunter2-prod\n- name: LOG_LEVEL\n  value: info', 'hunter2-prod', 'value: info'],
  ['{"name":"STRIPE_SECRET_KEY","value":"rk_live_abcdef123456"}', 'rk_live_abcdef123456', '"name":"STRIPE_SECRET_KEY","value":"[REDACTED]"'],
  ['ENCRYPTION_KEY=base64:Q2hhbmdlTWU= started', 'Q2hhbmdlTWU', 'ENCRYPTION_KEY=[REDACTED] started'],
  ['config {privateKey: abcdef0123456789}', 'abcdef0123456789', 'privateKey: [REDACTED]'],
  ['Server=db;Database=f;User Id=app;Password=K8s!pw;', 'K8s!pw', 'Password=[REDACTED]'],
  ['https://deploy-token:glpat-xyz0123456789@gitlab.example.com/repo.git', 'glpat-xyz0123456789', 'https://[REDACTED]@gitlab.example.com/repo.git'],
  ['clone https://ghs_tokenonlyuser0123@github.example/x', 'ghs_tokenonlyuser0123', 'https://[REDACTED]@github.example/x'],
  ['amqp://guest:g%40est@rabbit:5672/', 'g%40est', 'amqp://[REDACTED]@rabbit:5672/'],
  ['GET /object?X-Amz-Signature=abcdef0123456789&X-Amz-Date=20261201', 'abcdef0123456789', 'X-Amz-Signature=[REDACTED]&X-Amz-Date=20261201'],
  ['session_id=6f1c2e9a4b cookie=sid%3Dabc123', '6f1c2e9a4b', 'session_id=[REDACTED]'],
  ['PGPASSWORD=pg-pass-123 pg_dump', 'pg-pass-123', 'PGPASSWORD=[REDACTED] pg_dump'],
  ['x-api-key: 12345678-aaaa-bbbb-cccc-1234567890ab', '12345678-aaaa-bbbb-cccc-1234567890ab', 'x-api-key: [REDACTED]'],
  ['refresh_token=rt.abc.def access_token=at.ghi', 'rt.abc.def', 'access_token=[REDACTED]'],
];

describe('redactSecrets: the corpus of secret forms', () => {
  it.each(CORPUS)('%s', (line, secret, kept) => {
    const out = redactSecrets(line);
    expect(out).not.toContain(secret);
    expect(out).toContain(kept);
    expect(redactSecrets(out)).toBe(out);
  });

  it('keeps counts that only look like tokens, and ordinary key=value text', () => {
    for (const line of ['vllm: max_tokens=512, prompt_tokens: 1200, "completion_tokens": 88', 'batch_size=32 workers=4 model=ranker-v3 monkey=1', 'GET /health 200 (keyspace_hits=10)']) {
      expect(redactSecrets(line)).toBe(line);
    }
  });
});

describe('redactSecrets: property over secret keys, separators and quoting', () => {
  /** Secret values from an alphabet that never occurs in the surrounding text by chance. */
  const value = fc.string({ unit: fc.constantFrom(...'QWXZqwxz0123456789!%^*+~_./@'), minLength: 8, maxLength: 30 });
  const spacedValue = fc.tuple(value, value).map(([a, b]) => `${a} ${b}`);
  const secretKey = fc.oneof(
    fc.constantFrom('password', 'DB_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'db.password', 'passwd', 'passphrase', 'secret', 'client_secret', 'secret_key', 'AWS_SECRET_ACCESS_KEY', 'api_token', 'auth_token', 'GITHUB_TOKEN', 'api-key', 'apikey', 'STRIPE_API_KEY', 'signing_key', 'SecretAccessKey', 'privateKey', 'credentials'),
    fc.tuple(fc.constantFrom('app', 'DB', 'redis', 'svc_1'), fc.constantFrom('_PASSWORD', '_SECRET', '_TOKEN', '_KEY', '-password', '.secret')).map(([a, b]) => a + b),
  );
  const form = fc.oneof(
    fc.tuple(secretKey, value).map(([k, v]) => ({ secret: v, line: `${k}=${v}` })),
    fc.tuple(secretKey, value).map(([k, v]) => ({ secret: v, line: `${k}: ${v}` })),
    fc.tuple(secretKey, spacedValue).map(([k, v]) => ({ secret: v, line: `"${k}": "${v}"` })),
    fc.tuple(secretKey, spacedValue).map(([k, v]) => ({ secret: v, line: `${k}='${v}'` })),
    fc.tuple(secretKey, value).map(([k, v]) => ({ secret: v, line: `--${k.toLowerCase().replace(/[_.]/g, '-')} ${v}` })),
    fc.tuple(secretKey, value).map(([k, v]) => ({ secret: v, line: `- name: ${k}\n  value: ${v}` })),
    fc.tuple(secretKey, value).map(([k, v]) => ({ secret: v, line: `{"name": "${k}", "value": "${v}"}` })),
    fc.tuple(fc.constantFrom('redis', 'postgres', 'https', 'amqp', 'mongodb+srv'), fc.constantFrom('', 'user', 'svc-1'), value.map((v) => v.replace(/[/@]/g, ''))).map(([s, u, p]) => ({ secret: p, line: `${s}://${u}:${p}@db.internal:5432/x` })),
  );
  const context = fc.constantFrom((l: string) => l, (l: string) => `2026-12-01T10:00:00Z ERROR ${l} (retrying)`, (l: string) => `{"msg": "boot", ${l.startsWith('"') ? l : JSON.stringify(l)}}`, (l: string) => `env ${l}; exit 1`);

  it('never lets the value through, in any context', () => {
    fc.assert(
      fc.property(form, context, ({ secret, line }, wrap) => {
        const text = wrap(line);
        const out = redactSecrets(text);
        // JSON.stringify may escape the value; the raw value must not survive either way.
        return !out.includes(secret) && out.includes('[REDACTED]');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('redactSecrets: paths are not keys', () => {
  it('leaves a path that ends in a secret-looking word alone', () => {
    const line = '/etc/passwd: not under the directories workers may read; /run/secrets/token: no such file';
    expect(redactSecrets(line)).toBe(line);
  });
});
