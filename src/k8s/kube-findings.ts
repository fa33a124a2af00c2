// A secondary Kubernetes read that fails (forbidden, unreachable, anything else) becomes a finding
// in the report instead of sinking the diagnostic; cancellation and programming errors still
// throw. Shared by the diagnostics that read several objects (oom, changes).
import { UnreachableError, oneLine } from '../core/errors.ts';
import type { Severity } from '../report/model.ts';
import { KubeForbiddenError } from './kube-errors.ts';

/** A problem found while reading the cluster, with what to do about it. */
export interface KubeFinding {
  severity: Severity;
  code: string;
  message: string;
  fix: string;
}

/** The RBAC rule the worker lacks, ready to paste into its Role or ClusterRole. */
export function forbiddenFinding(err: KubeForbiddenError, what: string): KubeFinding {
  const group = err.resource.includes('.') ? err.resource.slice(err.resource.indexOf('.') + 1) : '';
  return {
    severity: 'warning',
    code: 'kube-forbidden',
    message: `${what}: ${err.message}`,
    fix: `Add to the worker's ${err.namespace ? 'Role' : 'ClusterRole'}: {apiGroups: ["${group}"], resources: ["${err.resource.split('.')[0]}"], verbs: ["${err.verb}"]}`,
  };
}

/** A failed secondary read becomes a finding; cancellation and programming errors still throw. */
export function findingFor(err: unknown, what: string, signal: AbortSignal): KubeFinding {
  if (signal.aborted) throw signal.reason;
  if (err instanceof KubeForbiddenError) return forbiddenFinding(err, what);
  if (err instanceof UnreachableError) return { severity: 'warning', code: 'kube-unreachable', message: `${what}: ${err.message}`, fix: 'Check the API server address and the network path from the worker.' };
  if (err instanceof TypeError || err instanceof ReferenceError) throw err;
  return { severity: 'info', code: 'kube-read-failed', message: `${what}: ${oneLine(err)}`, fix: 'Retry; if it persists, check the API server logs.' };
}

/** The outcome of a read without throwing, so several reads can fail independently. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
