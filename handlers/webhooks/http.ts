// What both webhook routes share at the HTTP edge: reading a bounded raw body, answering with a
// small JSON body, and persisting an accepted AlertEvent under a deadline so the status code tells
// the sender whether to retry: 202 stored, 200 already stored, 503 not stored (retry). The write
// itself is the Redis check: a separate PING probe refused concurrent first requests while its
// connection was still opening, and a down Redis fails the write within the deadline anyway.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertEvent, AlertSource } from '../../src/alerts/alert-event.ts';
import type { WebhookSecrets } from '../../src/alerts/webhook-secrets.ts';
import { oneLine } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { AcceptedAlert } from '../../src/queue/alert-queue.ts';

/** How a delivery ended, as counted in `infdbg_webhooks_total{source,outcome}`. */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'ignored' | 'unauthorized' | 'bad_request' | 'too_large' | 'redis_down' | 'off' | 'error';

export interface WebhookDeps {
  secrets: WebhookSecrets;
  alerts: { accept(event: AlertEvent): Promise<AcceptedAlert> };
  now(): number;
  logger: Logger;
  count(source: AlertSource, outcome: WebhookOutcome): void;
  /** Largest body accepted, in bytes; default 1 MiB (PagerDuty sends at most 256 KB). */
  maxBodyBytes?: number | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Beyond this the connection is cut instead of read to the end to answer 413. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
/** PagerDuty wants an answer within 5 s: the Redis write gets 3 of them. */
const PERSIST_DEADLINE_MS = 3000;

export type BodyRead = { ok: true; body: Buffer } | { ok: false };

/** The raw body, or `ok: false` when it is larger than `maxBytes` (the rest is read and dropped so the 413 reaches the sender). */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) return Promise.resolve({ ok: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT_BYTES) {
        req.destroy();
        resolve({ ok: false });
      } else if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? { ok: false } : { ok: true, body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

export function reply(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Stores the event and answers: 202 first time, 200 a duplicate, 503 when Redis did not take it. */
export async function persistAndReply(deps: WebhookDeps, event: AlertEvent, res: ServerResponse): Promise<void> {
  const source = event.source;
  const redisDown = (why: string) => {
    deps.count(source, 'redis_down');
    deps.logger.warn('webhook not stored: Redis unavailable, the sender will retry', { source, incidentKey: event.incidentKey, error: why });
    reply(res, 503, { error: 'the alert queue (Redis) is unavailable; retry later' }, { 'retry-after': '30' });
  };
  let stored: AcceptedAlert;
  try {
    stored = await withDeadline(deps.alerts.accept(event), PERSIST_DEADLINE_MS);
  } catch (err) {
    return redisDown(oneLine(err));
  }
  deps.count(source, stored.duplicate ? 'duplicate' : 'accepted');
  deps.logger.debug(stored.duplicate ? 'webhook duplicate absorbed' : 'webhook accepted', { source, incidentKey: event.incidentKey, eventId: event.eventId, transition: event.transition, jobId: stored.jobId });
  reply(res, stored.duplicate ? 200 : 202, { ok: true, jobId: stored.jobId, duplicate: stored.duplicate });
}

/** Wraps an async route so an unexpected failure is a logged 500 (the sender retries), never an unhandled rejection. */
export function route(source: AlertSource, deps: WebhookDeps, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      deps.count(source, 'error');
      deps.logger.error('webhook failed', { source, error: oneLine(err) });
      reply(res, 500, { error: 'internal error; retry later' });
    });
  };
}
