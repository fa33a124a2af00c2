// How the health report writes numbers and bodies: milliseconds, percentages, MiB, and a
// one-line view of a health endpoint's answer.
import { redactSecrets } from '../logs/redact.ts';

/** Rounded to 3 decimals, for the machine-readable data and tables. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}

/** A 0–1 ratio as a percentage. */
export function fmtPct(r: number): string {
  return `${(r * 100).toFixed(r < 0.1 ? 2 : 1)} %`;
}

export function fmtMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A short, single-line view of a health body: JSON compacted, text trimmed, secrets redacted
 * (health endpoints sometimes echo connection strings or tokens of their dependencies).
 */
export function summariseBody(body: string): string {
  let text = body.trim();
  try {
    text = JSON.stringify(JSON.parse(text));
  } catch {
    // not JSON: shown as text
  }
  text = redactSecrets(text.replace(/\s+/g, ' '));
  if (text === '') return '(empty body)';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
