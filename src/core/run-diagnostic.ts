// Runs one diagnostic with its deadline: the same path for a worker's job and for `infdbg <diag>`
// in a terminal. The payload is validated first; a diagnostic that ignores its AbortSignal still
// cannot outlive the deadline. Its observations then go through the diagnosis engine.
import { z } from 'zod';
import { withDiagnosis } from '../diagnosis/diagnose.ts';
import type { Diagnostic, DiagnosticDeps } from './diagnostic.ts';
import { InfdbgError, UsageError } from './errors.ts';
import type { DiagnosticResult } from '../report/model.ts';
import { redactDeep, redactSecrets } from '../logs/redact.ts';

/** Result fields left alone by redaction: chart images (base64 PNG). */
const CHART_BYTES = new Set(['pngBase64']);

class DeadlineError extends InfdbgError {
  constructor(diagnostic: string, timeoutMs: number) {
    super('E_DEADLINE', `${diagnostic} did not finish within ${Math.round(timeoutMs / 1000)} s`, { retryable: true });
  }
}

/** Validates `payload` against the diagnostic's schema; UsageError with one readable line otherwise. */
export function parsePayload(diagnostic: Diagnostic, payload: unknown): unknown {
  const parsed = diagnostic.payload.safeParse(payload);
  if (!parsed.success) {
    throw new UsageError(`invalid ${diagnostic.name} request: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}`, diagnostic.usage);
  }
  return parsed.data;
}

export type BaseDeps = Omit<DiagnosticDeps, 'signal' | 'progress'>;

export async function runDiagnostic(
  diagnostic: Diagnostic,
  payload: unknown,
  deps: BaseDeps & { signal?: AbortSignal; progress?: DiagnosticDeps['progress']; timeoutMs?: number },
): Promise<DiagnosticResult> {
  // On workers, the URLs the payload names are checked before anything runs (the ack checked them too; the policy may have changed since).
  if (deps.targetGuard) for (const url of diagnostic.targets?.(payload) ?? []) deps.targetGuard.check(url);
  const timeoutMs = deps.timeoutMs ?? diagnostic.timeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DeadlineError(diagnostic.name, timeoutMs)), timeoutMs);
  const signal = deps.signal ? AbortSignal.any([deadline.signal, deps.signal]) : deadline.signal;
  const started = deps.now();
  try {
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    const run = diagnostic.run(payload, { ...deps, signal, progress: deps.progress ?? (() => {}) });
    run.catch(() => {}); // settled below or superseded by the deadline
    // Secrets are redacted before anything leaves: a body, a log line or an error text a target echoed.
    const result = redactDeep(await Promise.race([run, aborted]), CHART_BYTES);
    // The diagnostic observed; the engine decides what that means (same for workers and the CLI).
    return withDiagnosis({ ...result, observations: result.observations ?? [], durationMs: result.durationMs || deps.now() - started });
  } catch (err) {
    // The message becomes the thread's "could not run" line: no secret a target echoed goes with it.
    if (err instanceof Error && redactSecrets(err.message) !== err.message) Object.defineProperty(err, 'message', { value: redactSecrets(err.message) });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
