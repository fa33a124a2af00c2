// Parses the standard `Server-Timing` response header (W3C Server Timing, RFC 7230 list syntax),
// the way a model server tells a client where its time went: `preprocess;dur=1.2, inference;dur=8;desc="GPU"`.
// Endpoint mode averages these per request into the profile's server-side breakdown.

/** One metric of a Server-Timing header. */
export interface ServerTimingMetric {
  name: string;
  /** `dur` in milliseconds; undefined when the metric carries no (valid) duration. */
  durMs: number | undefined;
  desc: string | undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Splits on `separator` outside quoted-strings (quotes and backslash escapes kept for
 * `unquote`); RFC 7230 list elements and parameters use the same quoting.
 */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + (text[++i] as string);
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/**
 * Parses one or more Server-Timing header values (repeated headers are one comma-separated list).
 * Follows the W3C processing model: a metric whose name is not a token is skipped; parameter
 * names are case-insensitive; only the first `dur` and first `desc` count; a `dur` that is not a
 * number is ignored. Never throws.
 */
export function parseServerTiming(header: string | readonly string[] | undefined): ServerTimingMetric[] {
  if (header === undefined) return [];
  const text = typeof header === 'string' ? header : header.join(',');
  const metrics: ServerTimingMetric[] = [];
  for (const entry of splitOutsideQuotes(text, ',')) {
    const [rawName = '', ...params] = splitOutsideQuotes(entry, ';');
    const name = rawName.trim();
    if (!TOKEN.test(name)) continue;
    let durMs: number | undefined;
    let desc: string | undefined;
    let sawDur = false;
    let sawDesc = false;
    for (const param of params) {
      const eq = param.indexOf('=');
      const key = (eq === -1 ? param : param.slice(0, eq)).trim().toLowerCase();
      const value = eq === -1 ? '' : unquote(param.slice(eq + 1).trim());
      if (key === 'dur' && !sawDur) {
        sawDur = true;
        const n = value === '' ? Number.NaN : Number(value);
        durMs = Number.isFinite(n) ? n : undefined;
      } else if (key === 'desc' && !sawDesc) {
        sawDesc = true;
        desc = value;
      }
    }
    metrics.push({ name, durMs, desc });
  }
  return metrics;
}
