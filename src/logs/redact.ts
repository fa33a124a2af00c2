// Secrets removed from log lines before they leave the worker: a sample line quoted in Slack must
// never carry a token, a key or a password. Applied to every sample and every quoted OOM line.
// Errs on the side of redacting too much: a few false positives cost nothing, a leak costs a lot.

const R = '[REDACTED]';

/** Key names whose value is a secret in `key=value`, `key: value` and JSON `"key": "value"` forms. */
const SECRET_KEYS =
  'password|passwd|pwd|pass|secret|client_secret|token|access_token|refresh_token|id_token|auth_token|api[_-]?key|apikey|x-api-key|private[_-]?key|aws_secret_access_key|aws_session_token|credentials?|session[_-]?id|cookie|set-cookie';

type Replacement = string | ((match: string, ...groups: string[]) => string);

const RULES: Array<[RegExp, Replacement]> = [
  // PEM private key blocks (whole or the opening line of one that continues on the next lines)
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, `-----BEGIN PRIVATE KEY-----${R}`],
  // Authorization headers: keep the scheme, drop the credentials
  [
    /\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|negotiate)\s+)?[^\s"',;]+/gi,
    (_m, name = '', sep = '', scheme) => `${name}${sep}${scheme ? `${scheme} ` : ''}${R}`,
  ],
  // URLs with credentials: scheme://user:pass@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@'"]+:[^\s/@'"]+@/gi, `$1${R}@`],
  // JSON Web Tokens
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, R],
  // Bearer tokens anywhere
  [/\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${R}`],
  // AWS access key ids
  [/\b(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16}\b/g, R],
  // Slack tokens (bot, user, app, refresh, legacy) and webhooks
  [/\bxox[abprse]-[A-Za-z0-9-]{10,}/g, R],
  [/\bxapp-[A-Za-z0-9-]{10,}/g, R],
  [/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g, `hooks.slack.com/services/${R}`],
  // GitHub tokens
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, R],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, R],
  // Hugging Face, OpenAI-style and Google API keys, common in ML services
  [/\bhf_[A-Za-z0-9]{30,}\b/g, R],
  [/\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g, R],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, R],
  // key=value, key: value, "key": "value" (also inside query strings: ?token=…&)
  [new RegExp(`((?:^|[^A-Za-z0-9_])(?:${SECRET_KEYS}))(["']?\\s*[:=]\\s*["']?)(?!\\[REDACTED\\])[^\\s"'&,;}]+`, 'gi'), `$1$2${R}`],
];

/** Returns `line` with every secret it recognises replaced by `[REDACTED]`. */
export function redactSecrets(line: string): string {
  let out = line;
  for (const [re, replacement] of RULES) {
    out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement);
  }
  return out;
}
