// The webhook routes' secrets, read once at start-up: each comes from its variable or from the
// file its `…_FILE` variable names (a mounted Kubernetes secret). A route with no secret is off
// (404), never open; an unreadable or empty file stops start-up with one line naming the variable.
import { readFileSync } from 'node:fs';
import type { ServeConfig } from '../core/config.ts';
import { ConfigError, oneLine } from '../core/errors.ts';
import type { AlertmanagerCredentials } from './alertmanager-auth.ts';

type SecretConfig = Pick<
  ServeConfig,
  | 'PAGERDUTY_WEBHOOK_SECRETS'
  | 'PAGERDUTY_WEBHOOK_SECRETS_FILE'
  | 'ALERTMANAGER_WEBHOOK_TOKEN'
  | 'ALERTMANAGER_WEBHOOK_TOKEN_FILE'
  | 'ALERTMANAGER_WEBHOOK_BASIC'
  | 'ALERTMANAGER_WEBHOOK_BASIC_FILE'
>;

export interface WebhookSecrets {
  /** PagerDuty signing secrets (any one verifies); undefined = route off. */
  pagerduty?: string[] | undefined;
  /** Alertmanager credentials; undefined = route off. */
  alertmanager?: AlertmanagerCredentials | undefined;
}

/**
 * The value of `name`, from the variable or from the file `${name}_FILE` names (trimmed). Both set
 * is refused: which one wins would be a guess.
 */
function secretOf(name: string, value: string | undefined, file: string | undefined, read: (path: string) => string): string | undefined {
  if (value !== undefined && file !== undefined) throw new ConfigError(`invalid configuration — set ${name} or ${name}_FILE, not both`);
  if (file === undefined) return value;
  let content: string;
  try {
    content = read(file).trim();
  } catch (err) {
    throw new ConfigError(`invalid configuration — ${name}_FILE: cannot read ${file} (${oneLine(err).replace(/^[A-Z]+: /, '')})`);
  }
  if (!content) throw new ConfigError(`invalid configuration — ${name}_FILE: ${file} is empty`);
  return content;
}

/** Resolves the three webhook secrets once; `read` is injected for tests (default: the file system). */
export function resolveWebhookSecrets(config: SecretConfig, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): WebhookSecrets {
  const pdList = config.PAGERDUTY_WEBHOOK_SECRETS?.join(',');
  const pdRaw = secretOf('PAGERDUTY_WEBHOOK_SECRETS', pdList, config.PAGERDUTY_WEBHOOK_SECRETS_FILE, read);
  const pagerduty = pdRaw
    ?.split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (pdRaw !== undefined && pagerduty!.length === 0) throw new ConfigError('invalid configuration — PAGERDUTY_WEBHOOK_SECRETS: no secret in the list');

  const token = secretOf('ALERTMANAGER_WEBHOOK_TOKEN', config.ALERTMANAGER_WEBHOOK_TOKEN, config.ALERTMANAGER_WEBHOOK_TOKEN_FILE, read);
  if (token !== undefined && token.length < 16) throw new ConfigError('invalid configuration — ALERTMANAGER_WEBHOOK_TOKEN_FILE: use at least 16 characters');
  const basic = secretOf('ALERTMANAGER_WEBHOOK_BASIC', config.ALERTMANAGER_WEBHOOK_BASIC, config.ALERTMANAGER_WEBHOOK_BASIC_FILE, read);
  if (basic !== undefined && !/^[^:]+:.+$/.test(basic)) throw new ConfigError('invalid configuration — ALERTMANAGER_WEBHOOK_BASIC_FILE: must be user:password');

  return {
    pagerduty,
    alertmanager: token !== undefined || basic !== undefined ? { token, basic } : undefined,
  };
}
