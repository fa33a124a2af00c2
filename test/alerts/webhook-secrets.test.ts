// The webhook secrets from their variables or from the files `…_FILE` names (mounted secrets).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveWebhookSecrets } from '../../src/alerts/webhook-secrets.ts';
import { loadConfig, serveConfigSchema } from '../../src/core/config.ts';
import { ConfigError } from '../../src/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'infdbg-secrets-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const config = (env: Record<string, string>) => loadConfig(serveConfigSchema, { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', ...env });

describe('resolveWebhookSecrets', () => {
  it('leaves both routes off when nothing is configured', () => {
    expect(resolveWebhookSecrets(config({}))).toEqual({ pagerduty: undefined, alertmanager: undefined });
  });

  it('reads the variables: several PagerDuty secrets, a token, basic credentials', () => {
    const s = resolveWebhookSecrets(config({ PAGERDUTY_WEBHOOK_SECRETS: 'new-secret, old-secret', ALERTMANAGER_WEBHOOK_TOKEN: 'a'.repeat(20), ALERTMANAGER_WEBHOOK_BASIC: 'am:pw' }));
    expect(s).toEqual({ pagerduty: ['new-secret', 'old-secret'], alertmanager: { token: 'a'.repeat(20), basic: 'am:pw' } });
  });

  it('reads mounted secret files (trailing newline trimmed; PagerDuty secrets one per line or comma-separated)', () => {
    const s = resolveWebhookSecrets(
      config({
        PAGERDUTY_WEBHOOK_SECRETS_FILE: file('pd', 'new-secret\nold-secret\n'),
        ALERTMANAGER_WEBHOOK_TOKEN_FILE: file('token', 'b'.repeat(24) + '\n'),
      }),
    );
    expect(s).toEqual({ pagerduty: ['new-secret', 'old-secret'], alertmanager: { token: 'b'.repeat(24), basic: undefined } });
    expect(resolveWebhookSecrets(config({ ALERTMANAGER_WEBHOOK_BASIC_FILE: file('basic', 'am:pw\n') })).alertmanager).toEqual({ token: undefined, basic: 'am:pw' });
  });

  it('stops start-up with one line naming the variable: unreadable, empty or invalid file, both forms set', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ALERTMANAGER_WEBHOOK_TOKEN_FILE: join(dir, 'missing') }, /ALERTMANAGER_WEBHOOK_TOKEN_FILE: cannot read .*missing/],
      [{ PAGERDUTY_WEBHOOK_SECRETS_FILE: file('empty', '\n') }, /PAGERDUTY_WEBHOOK_SECRETS_FILE: .* is empty/],
      [{ PAGERDUTY_WEBHOOK_SECRETS_FILE: file('commas', ' , \n') }, /PAGERDUTY_WEBHOOK_SECRETS: no secret/],
      [{ ALERTMANAGER_WEBHOOK_TOKEN_FILE: file('short', 'short') }, /ALERTMANAGER_WEBHOOK_TOKEN_FILE: use at least 16/],
      [{ ALERTMANAGER_WEBHOOK_BASIC_FILE: file('nocolon', 'justauser') }, /ALERTMANAGER_WEBHOOK_BASIC_FILE: must be user:password/],
      [{ ALERTMANAGER_WEBHOOK_TOKEN: 'c'.repeat(20), ALERTMANAGER_WEBHOOK_TOKEN_FILE: file('t2', 'd'.repeat(20)) }, /set ALERTMANAGER_WEBHOOK_TOKEN or ALERTMANAGER_WEBHOOK_TOKEN_FILE, not both/],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        resolveWebhookSecrets(config(env));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).not.toContain('d'.repeat(20));
    }
  });
});
