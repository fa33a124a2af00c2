// The one structured logger: one JSON line per event on stderr, secrets redacted from the message
// and every string field (src/logs/redact.ts). Config values are never passed to it; error messages
// are logged, not the objects that may carry request headers. The libraries' own logs come through
// it too: Bolt's and the Web API client's `logger` option (slackLogger), BullMQ and ioredis `error`
// events (logErrors), and whatever a library still prints with console.* (routeConsole) — each one
// line, stack frames dropped, so nothing multi-line reaches stderr beside the JSON.
import type { Logger as SlackLibraryLogger, LogLevel as SlackLogLevel } from '@slack/logger';
import { redactDeep, redactSecrets } from '../logs/redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The least severe level written (createLogger's); absent = every level. */
  readonly level?: LogLevel;
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const log = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: redactSecrets(msg), ...(fields ? redactDeep(fields) : {}) }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), level };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The first line of each text (an error's message, not its stack frames), whitespace collapsed. */
function oneLineText(parts: readonly unknown[]): string {
  return parts
    .map((p) => {
      if (p instanceof Error) return p.message;
      if (typeof p === 'string') return p;
      if (p === undefined) return '';
      try {
        return JSON.stringify(p) ?? String(p);
      } catch {
        return String(p);
      }
    })
    .join(' ')
    .split('\n')
    .filter((line) => !/^\s*at\s/.test(line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Bolt's and the Web API client's `logger` option: their messages as our JSON lines (field
 * `source`), at the process's LOG_LEVEL. setLevel is ignored: LOG_LEVEL is the one setting.
 */
export function slackLogger(logger: Logger, source: string): SlackLibraryLogger {
  let name = source;
  const at = (lvl: LogLevel) => (...msg: unknown[]) => logger[lvl](oneLineText(msg), { source: name });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel() {},
    getLevel: () => (logger.level ?? 'debug') as SlackLogLevel,
    setName(n: string) {
      name = `${source}:${n}`;
    },
  };
}

/** Anything with `on('error', …)`: a BullMQ Queue, Worker or FlowProducer, an ioredis client. */
interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Logs an emitter's `error` events as one line each. Without a listener BullMQ prints the error's
 * whole stack with console.error and ioredis prints "Unhandled error event" with the stack.
 */
export function logErrors<T extends ErrorEmitter>(emitter: T, logger: Logger, msg: string, fields: Record<string, unknown> = {}): T {
  emitter.on('error', (err) => logger.error(msg, { ...fields, error: oneLineText([err]) }));
  return emitter;
}

/**
 * Routes console.error/warn/info/log/debug through `logger`, for the long-running processes: a
 * library that prints (BullMQ's Redis version and eviction warnings, an error event nobody
 * listens to, ioredis's "Unhandled error event") still writes one JSON line, stack dropped.
 */
export function routeConsole(logger: Logger): void {
  const to = (lvl: LogLevel) => (...parts: unknown[]) => logger[lvl](oneLineText(parts), { source: 'console' });
  console.error = to('error');
  console.warn = to('warn');
  console.info = to('info');
  console.log = to('info');
  console.debug = to('debug');
}

/**
 * A crash of a long-running process as one JSON line (the stack inside it, as a field), then exit
 * 1 as Node would: an uncaught exception or an unhandled rejection.
 */
export function logFatal(logger: Logger): void {
  const die = (kind: string) => (err: unknown) => {
    logger.error(kind, { error: oneLineText([err]), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) });
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled rejection'));
}
