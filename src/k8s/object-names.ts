// Kubernetes object names as the API accepts them, for payload schemas: a name that cannot
// exist is refused in the ack, not by the API (or by BullMQ, for a node's queue name) after a
// thread was opened.
import { z } from 'zod';

/** RFC 1123 subdomain: nodes, pods, most objects (at most 253 characters). */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** A node name as `--node` takes it (its worker's queue is `node-<name>`); `what` names it in the message, e.g. `--node`. */
export function nodeNameSchema(what: string) {
  return z.string().regex(DNS_SUBDOMAIN, `${what}: must be a Kubernetes node name (lower-case letters, digits, - and .)`);
}
