// What a Kubernetes API failure means to the person who asked: a 403 names the RBAC rule to add,
// a 404 names the missing object, an unreachable API server names its URL. Built from the Status
// object the API server returns, never from the client's exception text (it carries headers).
import { InfdbgError, UsageError } from '../core/errors.ts';

/** The API server's error body (`kind: Status`). */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string };
  code?: number;
}

/** The service account lacks an RBAC permission. Not retried: someone must change a Role. */
export class KubeForbiddenError extends InfdbgError {
  readonly verb: string;
  readonly resource: string;
  /** Namespace the rule is missing in; undefined for a cluster-scoped resource (needs a ClusterRole). */
  readonly namespace: string | undefined;
  constructor(verb: string, resource: string, namespace: string | undefined) {
    const where = namespace ? `in namespace ${namespace}` : 'at the cluster scope';
    const fix = namespace ? 'to its Role' : 'to its ClusterRole';
    super('E_K8S_FORBIDDEN', `forbidden: the service account cannot ${verb} ${resource} ${where} — add verb ${verb} on resource ${resource} ${fix}`);
    this.verb = verb;
    this.resource = resource;
    this.namespace = namespace;
  }
}

/** The named object does not exist: a usage problem (wrong name), shown as an ephemeral reply. */
export class KubeNotFoundError extends UsageError {
  constructor(what: string) {
    super(`${what} not found`);
  }
}

/** Any other refusal by the API server (400, 422, 5xx) with its own message. */
export class KubeRequestError extends InfdbgError {
  readonly status: number;
  constructor(status: number, message: string) {
    super('E_K8S_REQUEST', message, { retryable: status >= 500 });
    this.status = status;
  }
}

const FORBIDDEN = /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/;

/**
 * Reads verb, resource (with subresource and API group, e.g. `pods/log`, `pods.metrics.k8s.io`)
 * and namespace from a 403 Status. Falls back to what the caller was doing when the message has
 * another shape (an authorizer webhook may word it differently).
 */
export function forbiddenFromStatus(status: KubeStatus, attempted: { verb: string; resource: string; namespace?: string }): KubeForbiddenError {
  const m = FORBIDDEN.exec(status.message ?? '');
  if (!m) return new KubeForbiddenError(attempted.verb, attempted.resource, attempted.namespace);
  const [, verb = attempted.verb, resource = attempted.resource, group = '', namespace] = m;
  return new KubeForbiddenError(verb, group ? `${resource}.${group}` : resource, namespace);
}

/** Parses the body of an error response into a Status, or undefined when it is not one. */
export function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined; // a proxy's HTML error page, not a Status
    }
  }
  if (value && typeof value === 'object' && (value as KubeStatus).kind === 'Status') return value as KubeStatus;
  return undefined;
}
