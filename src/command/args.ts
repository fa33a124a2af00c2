// Argument parsing shared by `/debug …` in Slack and `infdbg …` in a terminal: the same tokens,
// the same flags, the same usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.ts';

/** Longest `/debug` text accepted (Slack allows 4000 characters in a command). */
export const MAX_COMMAND_TEXT = 2000;

/**
 * Splits Slack command text into tokens: whitespace-separated, "double" or 'single' quotes group,
 * and Slack's link markup (`<https://x|x>`, `<https://x>`) becomes the bare URL.
 */
export function tokenize(text: string): string[] {
  if (text.length > MAX_COMMAND_TEXT) {
    throw new UsageError(`command text is ${text.length} characters; the limit is ${MAX_COMMAND_TEXT}`);
  }
  const unlinked = text.replace(/<((?:https?|mailto):[^|>\s]+)(?:\|[^>]*)?>/g, '$1').replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
  const tokens: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of unlinked.matchAll(re)) tokens.push(m[1] ?? m[2] ?? m[3] ?? '');
  return tokens;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with errors turned into UsageError carrying the usage line. */
export function parseTokens(tokens: string[], options: OptionSpec, usage: string) {
  try {
    return parseArgs({ args: tokens, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
    throw new UsageError(msg.replace(/\. To specify a positional argument.*$/, ''), usage);
  }
}

/** Parses `1,8,32` into numbers; throws UsageError naming the flag. */
export function numberList(value: string | undefined, flag: string): number[] | undefined {
  if (value === undefined) return undefined;
  const out = value.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isFinite(n))) throw new UsageError(`--${flag} expects numbers separated by commas, got "${value}"`);
  return out;
}

/** Parses `30s`, `500ms`, `2m`, or a bare number of seconds, into milliseconds. */
export function durationMs(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new UsageError(`--${flag} expects a duration like 30s, 500ms or 2m, got "${value}"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

/** `--value name=v` flags (repeatable) as name → value; a flag without `name=` is a usage error. */
export function keyValues(list: string[] | undefined, flag: string, usage: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} expects name=value, got "${item}"`, usage);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `--dim name=N` flags (a model's dynamic dimensions) as name → a whole number ≥ 1. */
export function dimFlags(list: string[] | undefined, usage: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(keyValues(list, 'dim', usage)).map(([name, value]) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--dim ${name}=${value}: the value must be a whole number ≥ 1`, usage);
      return [name, n];
    }),
  );
}
