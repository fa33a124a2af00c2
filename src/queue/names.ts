// Queue names and deterministic job ids. Shared diagnostics go to `shared`, node-local ones to
// `node-<NODE_NAME>`, and the parent job that renders the report to `report`.
import { createHash } from 'node:crypto';

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

/** Window in which the same request from the same channel is the same job. */
const DEDUP_WINDOW_MS = 5 * 60_000;

/**
 * Same channel + same normalised command within the same 5-minute window → the same id, so a
 * retried webhook or a double-typed command never doubles the work.
 */
export function requestId(scope: string, command: string, nowMs: number): string {
  const normalised = command.trim().replace(/\s+/g, ' ');
  const window = Math.floor(nowMs / DEDUP_WINDOW_MS);
  return 'r' + createHash('sha256').update(`${scope}\n${normalised}\n${window}`).digest('hex').slice(0, 16);
}

/** Child job id: the request id plus the diagnostic, so `status` can find each child. */
export function childJobId(request: string, diagnostic: string): string {
  return `${request}.${diagnostic}`;
}
