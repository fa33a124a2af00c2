// The few error classes that steer behaviour. Each carries a stable `code` (bolt-js style) and a
// message a user can act on; `retryable` tells the worker whether BullMQ should try again.

export class InfdbgError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** Malformed command or arguments: shown with the usage line, never retried. */
export class UsageError extends InfdbgError {
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super('E_USAGE', message);
    this.usage = usage;
  }
}

/** Bad input data (unreadable file, not an ONNX model, no common columns): the job fails, no retry. */
export class InputError extends InfdbgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_INPUT', message, options);
  }
}

/** A service that did not answer (Redis, Kubernetes API, a model server): transient, retried. */
export class UnreachableError extends InfdbgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_UNREACHABLE', message, { ...options, retryable: true });
  }
}

/** Invalid configuration at start-up. The message lists every problem. */
export class ConfigError extends InfdbgError {
  constructor(message: string) {
    super('E_CONFIG', message);
  }
}

/** One line, for a terminal or an ephemeral Slack reply: never a stack trace. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim();
}
