// A request whose node-local step would go to a node where no worker runs is refused before
// anything is enqueued: the job would otherwise wait on a queue nobody reads. The rule is pure
// (where each step runs × the live workers → a refusal or nothing); `refusedForMissingWorker`
// feeds it from a command's plan and the workers' heartbeats (src/queue/heartbeat.ts).
import type { DebugCommand } from '../command/debug-command.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { liveNodes, type LiveWorker, type WorkerDirectory } from './heartbeat.ts';

/** Where one step of a plan runs: a node's queue, or the shared queue (`node` undefined). */
export interface PlacedStep {
  diagnostic: string;
  node: string | undefined;
}

/** Names nodes for a sentence: `a, b and c`; `none` when empty. */
export function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Why the plan cannot run: the first node-local step whose node has no live worker, with the
 * nodes that have one; undefined when every node named has a worker. Steps on the shared queue
 * never refuse a request: any worker takes them, and the request sweep fails a job nobody took.
 */
export function unservedNodeRefusal(steps: readonly PlacedStep[], live: readonly LiveWorker[]): string | undefined {
  const nodes = liveNodes(live);
  const missing = steps.find((s) => s.node !== undefined && !nodes.includes(s.node));
  if (!missing) return undefined;
  return `no worker is running on node ${missing.node} (\`${missing.diagnostic}\` runs there); live nodes: ${listed(nodes)}`;
}

type RequestCommand = Extract<DebugCommand, { kind: 'diagnostic' | 'investigation' }>;

function planOf(command: RequestCommand): { diagnostic: Diagnostic; payload: unknown }[] {
  return command.kind === 'diagnostic' ? [{ diagnostic: command.diagnostic, payload: command.payload }] : command.investigation.steps;
}

export interface MissingWorkerDeps {
  /** The workers' heartbeats; absent: not checked. */
  workers?: Pick<WorkerDirectory, 'live'> | undefined;
  logger: Logger;
}

/**
 * The refusal for a command whose node-local step has no live worker, or undefined. `ack`: only
 * the nodes a command names (a route that looks its node up, as `oom` asks the Kubernetes API,
 * is left to the second check, made after the ack, so the ack stays fast). When Redis does not
 * answer, nothing is refused here: the request then meets the "Redis unreachable" answer.
 */
export async function refusedForMissingWorker(deps: MissingWorkerDeps, command: RequestCommand, when: 'ack' | 'before-enqueue' = 'before-enqueue'): Promise<string | undefined> {
  if (!deps.workers) return undefined;
  const steps: PlacedStep[] = [];
  for (const { diagnostic, payload } of planOf(command)) {
    // An async route looks its node up (oom asks the Kubernetes API): not even started in the ack.
    if (when === 'ack' && diagnostic.route?.constructor.name === 'AsyncFunction') continue;
    let routed: ReturnType<NonNullable<Diagnostic['route']>>;
    try {
      routed = diagnostic.route?.(payload as never);
    } catch {
      continue; // enqueueing routes it again and reports why it cannot
    }
    if (routed instanceof Promise) {
      if (when === 'ack') {
        routed.catch(() => {}); // looked up again when the request is enqueued; its failure is reported there
        continue;
      }
      try {
        steps.push({ diagnostic: diagnostic.name, node: await routed });
      } catch {
        continue; // enqueueing routes it again and reports why it cannot (e.g. the pod does not exist)
      }
    } else steps.push({ diagnostic: diagnostic.name, node: routed });
  }
  if (!steps.some((s) => s.node !== undefined)) return undefined;
  let live: LiveWorker[];
  try {
    live = await deps.workers.live();
  } catch (err) {
    deps.logger.warn('worker list unavailable: node-local steps not checked', { error: oneLine(err) });
    return undefined;
  }
  return unservedNodeRefusal(steps, live);
}
