// Queue names and deterministic job ids. Shared diagnostics go to `shared`, node-local ones to
// `node-<NODE_NAME>`, and the parent job that renders the report to `report`.
import { createHash, randomBytes } from 'node:crypto';

export const SHARED_QUEUE = 'shared';
export const REPORT_QUEUE = 'report';
/** Accepted alerts (handlers/webhooks/ add them; the incident processor in the worker takes them). Job name `alert`, data an AlertEvent. */
export const ALERT_QUEUE = 'alerts';
export const ALERT_JOB = 'alert';

/**
 * The alert job's id: a digest of the sender and its idempotency key (AlertEvent.eventId), so a
 * retried webhook or an HA duplicate lands on the same job. No `:` (BullMQ refuses it in ids).
 */
export function alertJobId(source: string, eventId: string): string {
  return `alert-${source}-` + createHash('sha256').update(`${source}\n${eventId}`).digest('hex').slice(0, 32);
}

export function nodeQueue(nodeName: string): string {
  return `node-${nodeName}`;
}

/** How long the same command from the same scope is the same request (the reservation's lifetime). */
export const DEDUP_WINDOW_MS = 5 * 60_000;

/**
 * What makes two requests the same: the scope (a channel, or the report a Re-run came from) and
 * the normalised command. The reservation of this key decides which of them opens a thread.
 */
export function requestDedupKey(scope: string, command: string): string {
  const normalised = command.trim().replace(/\s+/g, ' ');
  return createHash('sha256').update(`${scope}\n${normalised}`).digest('hex').slice(0, 32);
}

/**
 * A new request's id (`r` + 16 hex digits), unique per run: the reservation, not the id, is what
 * makes a repeated command the same request, so a finished one can run again under a new id.
 */
export function newRequestId(): string {
  return 'r' + randomBytes(8).toString('hex');
}

/** Child job id: the request id plus the diagnostic, so `status` can find each child. */
export function childJobId(request: string, diagnostic: string): string {
  return `${request}.${diagnostic}`;
}
