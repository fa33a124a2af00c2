// One audit line per `/debug` command and per button press, for whoever must later answer "who
// ran what, where, and what came of it": the user, the channel, the command with its secrets
// removed (src/logs/redact.ts: URL credentials, tokens, passwords), the outcome, and the access
// policy rule that decided it. Written when the handler is done — also when it fails — so every
// command and press has exactly one.
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { redactSecrets } from '../logs/redact.ts';

/** How much of a command an audit line keeps (characters, after redaction). */
const COMMAND_CHARS = 500;

export interface AuditFacts {
  kind: 'command' | 'button';
  /** Slack user id. */
  user: string;
  /** Slack channel id ('' when the payload names none). */
  channel: string;
  /** What was asked: `/debug …`, or the button and what it names (`checklist <run> <step> run`). */
  command: string;
}

/** What the handler learns while it runs; the last outcome set is the one written. */
export interface Audit {
  outcome(outcome: string): void;
  /** The access policy rule(s) that allowed or refused it. */
  rule(rule: string): void;
  /** More fields for the line (a request id, the runbook); values are redacted too. */
  note(fields: Record<string, string>): void;
}

/** Runs `handle` and writes its audit line at the end (`outcome: "failed"` and the error if it threw). */
export async function audited(logger: Logger, facts: AuditFacts, handle: (audit: Audit) => Promise<void>): Promise<void> {
  let outcome = 'unknown';
  let rule: string | undefined;
  const notes: Record<string, string> = {};
  const audit: Audit = {
    outcome: (o) => void (outcome = o),
    rule: (r) => void (rule = r),
    note: (fields) => void Object.assign(notes, fields),
  };
  let error: string | undefined;
  try {
    await handle(audit);
  } catch (err) {
    outcome = 'failed';
    error = oneLine(err);
    throw err;
  } finally {
    const clean = Object.fromEntries(Object.entries({ ...notes, ...(error ? { error } : {}) }).map(([k, v]) => [k, redactSecrets(v).slice(0, COMMAND_CHARS)]));
    logger.info('audit', {
      audit: facts.kind,
      user: facts.user,
      channel: facts.channel,
      command: redactSecrets(facts.command).slice(0, COMMAND_CHARS),
      outcome,
      ...(rule ? { rule } : {}),
      ...clean,
    });
  }
}
