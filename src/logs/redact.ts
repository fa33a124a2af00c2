// Secrets removed from text before it leaves a worker: a sample log line, a health endpoint's
// body, an environment variable of a rollout, an error message quoted in Slack must never carry a
// token, a key or a password. Rules by key name (anything called *PASSWORD*, *SECRET*, *TOKEN*,
// *_KEY, passphrase… in `key=value`, `key: value`, JSON/YAML, `--password value` and Kubernetes
// env lists), by URL form (credentials in any userinfo, an empty user included) and by the shape
// of well-known tokens. Errs on the side of redacting too much: a false positive costs nothing, a
// leak costs a lot.

const R = '[REDACTED]';

/**
 * Key names whose value is a secret (case-insensitive): any key containing one of these words,
 * any key ending in `_key` / `-key` / `.key`, and a few short names on their own.
 */
const SECRET_WORDS = 'password|passwd|passphrase|pwd|secret|credentials?|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|cookie|session[_-]?id|signature';
const KEY = `(?:[A-Za-z0-9_.-]*(?:${SECRET_WORDS})[A-Za-z0-9_.-]*|[A-Za-z0-9_.-]*[_.-]key|pass|pw|auth|key)`;
/** camelCase keys ending in Key (`SecretAccessKey`, `privateKey`, `apiKey`): case matters, so `monkey` is left alone. */
const CAMEL_KEY = '(?:[A-Za-z0-9_]*[a-z0-9]Key(?:Id)?)';
/** Not inside a longer key name, nor a path component (`/etc/passwd: not found` is no secret). */
const BEFORE_KEY = '(?<![A-Za-z0-9_./-])';
/**
 * A value: quoted with \" (JSON inside a JSON string), double- or single-quoted (escapes kept
 * inside), or bare up to whitespace, a quote, an escaped quote or `&`.
 */
const VALUE = `\\\\"(?:(?!\\\\").)*\\\\"|"(?:[^"\\\\\\n]|\\\\.)*"|'(?:[^'\\\\\\n]|\\\\.)*'|(?:[^\\s"'&\\\\]|\\\\(?!"))+`;
const NOT_REDACTED = '(?!(?:\\\\?["\'])?\\[REDACTED\\])';

type Replacement = string | ((match: string, ...groups: string[]) => string);

/** `"secret"` → `"[REDACTED]"`, `secret` → `[REDACTED]`. */
function maskValue(value: string): string {
  if (value.startsWith('\\"') && value.endsWith('\\"') && value.length >= 4) return `\\"${R}\\"`;
  const q = value[0];
  return (q === '"' || q === "'") && value.length >= 2 && value.endsWith(q) ? `${q}${R}${q}` : R;
}

/** A count rather than a secret: `max_tokens=512`, `"prompt_tokens": 12`, `tokens=8192)`. */
function isTokenCount(key: string, value: string): boolean {
  return /token/i.test(key) && !/password|passwd|secret|api|private|access|auth/i.test(key) && /^["']?\d+["']?[,;:)\]}]*$/.test(value);
}

const keyValue = (key: string): [RegExp, Replacement] => [
  new RegExp(`${BEFORE_KEY}(${key})(\\\\?["']?[ \\t]*[:=][ \\t]*)${NOT_REDACTED}(${VALUE})`, key === CAMEL_KEY ? 'g' : 'gi'),
  (m, k = '', sep = '', value = '') => (isTokenCount(k, value) ? m : `${k}${sep}${maskValue(value)}`),
];

const RULES: Array<[RegExp, Replacement]> = [
  // PEM private key blocks (whole or the opening line of one that continues on the next lines)
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, `-----BEGIN PRIVATE KEY-----${R}`],
  // Authorization headers: keep the scheme, drop the credentials
  [
    /\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|negotiate)\s+)?[^\s"',;]+/gi,
    (_m, name = '', sep = '', scheme) => `${name}${sep}${scheme ? `${scheme} ` : ''}${R}`,
  ],
  // URLs with credentials in any form: user:pass@, :pass@ (redis://:pw@host), token@ — up to the last @ of the authority
  [/\b([a-z][a-z0-9+.-]*:\/\/)(?!\[REDACTED\]@)[^\s/?#'"<>]*@/gi, `$1${R}@`],
  // JSON Web Tokens
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, R],
  // Bearer tokens anywhere
  [/\b(bearer)\s+(?!\[REDACTED\])[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${R}`],
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
  // Kubernetes env lists: `- name: DB_PASSWORD` / `value: …` in YAML, {"name": "DB_PASSWORD", "value": "…"} in JSON
  [
    // (the line break may be a JSON-escaped \n: a manifest quoted inside a JSON log line)
    new RegExp(`(name:[ \\t]*["']?${KEY}["']?[ \\t]*(?:\\r?\\n|\\\\n)[ \\t]*value:[ \\t]*)${NOT_REDACTED}(${VALUE})`, 'gi'),
    (_m, head = '', value = '') => `${head}${maskValue(value)}`,
  ],
  [
    new RegExp(`(\\\\?"name\\\\?"[ \\t]*:[ \\t]*\\\\?"${KEY}\\\\?"[ \\t]*,[ \\t]*\\\\?"value\\\\?"[ \\t]*:[ \\t]*)${NOT_REDACTED}(${VALUE})`, 'gi'),
    (_m, head = '', value = '') => `${head}${maskValue(value)}`,
  ],
  // CLI flags: --password value, --db-password value, --api-key value (a following flag is not a value)
  [new RegExp(`${BEFORE_KEY}(--?${KEY})([ \\t]+)${NOT_REDACTED}(?!-)(${VALUE})`, 'gi'), (_m, flag = '', sp = '', value = '') => `${flag}${sp}${maskValue(value)}`],
  // key=value, key: value, "key": "value", key="value" (also inside query strings: ?token=…&)
  keyValue(KEY),
  keyValue(CAMEL_KEY),
];

/** Returns `text` with every secret it recognises replaced by `[REDACTED]`. Idempotent. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of RULES) {
    out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement);
  }
  return out;
}

/**
 * Every string inside `value` (objects and arrays walked, other values kept) through redactSecrets:
 * what a diagnostic returns, before it leaves the worker. `skipKeys` are left alone (chart PNGs).
 */
export function redactDeep<T>(value: T, skipKeys: ReadonlySet<string> = new Set()): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, skipKeys.has(k) ? x : walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
