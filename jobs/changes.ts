// `changes <namespace>/<deployment|pod>`: what changed around a workload and when, from the
// Kubernetes API (read-only): the rollout history (ReplicaSet revisions with their creation times
// and images), what the latest revision changed against the previous one (image, env,
// ConfigMap/Secret references, resources, args), whether the rollout is still going or stuck, the
// pods' recent restarts, and the HorizontalPodAutoscaler's rescales. It observes; "it started 15
// minutes after the deploy" is for the causes catalogue (src/diagnosis/causes/changes.yaml).
import type { CoreV1Event, V1Deployment, V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { z } from 'zod';
import { parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { changesCommand } from './commands.ts';
import { defineDiagnostic, type DiagnosticDeps } from '../src/core/diagnostic.ts';
import { UsageError, InputError } from '../src/core/errors.ts';
import { assessChanges, CHANGES_VOCABULARY, type ChangesFinding, type Resolved } from '../src/k8s/change-assessment.ts';
import type { KubeAccess } from '../src/k8s/kube-access.ts';
import { KubeNotFoundError } from '../src/k8s/kube-errors.ts';
import { findingFor, settle } from '../src/k8s/kube-findings.ts';
import { hpasFor } from '../src/k8s/rollout-history.ts';
import type { DiagnosticResult } from '../src/report/model.ts';

export type { ChangesData } from '../src/k8s/change-assessment.ts';

const USAGE = usageLine(changesCommand);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export const changesPayload = z.object({
  namespace: z.string().regex(DNS_LABEL, 'must be a Kubernetes namespace name'),
  name: z.string().regex(DNS_SUBDOMAIN, 'must be a Kubernetes object name'),
  /** `auto`: a Deployment of that name, else a pod. */
  kind: z.enum(['deployment', 'pod', 'auto']).default('auto'),
});
export type ChangesPayload = z.infer<typeof changesPayload>;

function parseTarget(text: string): ChangesPayload {
  const parts = text.split('/');
  const [namespace, a, b, ...rest] = parts;
  if (!namespace || !a || rest.length > 0) throw new UsageError(`"${text}" is not <namespace>/<deployment> or <namespace>/pod/<name>`, USAGE);
  if (b === undefined) return { namespace, name: a, kind: 'auto' };
  const kind = ({ deployment: 'deployment', deployments: 'deployment', deploy: 'deployment', pod: 'pod', pods: 'pod', po: 'pod' } as const)[a as 'pod'];
  if (!kind || !b) throw new UsageError(`"${text}": the middle part must be deployment or pod, got "${a}"`, USAGE);
  return { namespace, name: b, kind };
}


/** The Deployment the target is or belongs to (pod → ReplicaSet → Deployment through ownerReferences). */
async function resolve(payload: ChangesPayload, kube: KubeAccess, signal: AbortSignal): Promise<Resolved> {
  const { namespace, name } = payload;
  if (payload.kind !== 'pod') {
    try {
      return { deployment: await kube.readDeployment(namespace, name, { signal }), pod: null, unmanaged: null };
    } catch (err) {
      if (!(err instanceof KubeNotFoundError) || payload.kind === 'deployment') throw err;
    }
  }
  let pod: V1Pod;
  try {
    pod = await kube.readPod(namespace, name, { signal });
  } catch (err) {
    if (err instanceof KubeNotFoundError && payload.kind === 'auto') throw new UsageError(`neither a deployment nor a pod named ${name} in namespace ${namespace}`, USAGE);
    throw err;
  }
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
  if (owner?.kind !== 'ReplicaSet') return { deployment: null, pod, unmanaged: owner ? `${owner.kind}/${owner.name}` : 'no controller' };
  let rs;
  try {
    rs = await kube.readReplicaSet(namespace, owner.name, { signal });
  } catch (err) {
    if (err instanceof KubeNotFoundError) return { deployment: null, pod, unmanaged: `ReplicaSet/${owner.name}, which no longer exists` };
    throw err;
  }
  const rsOwner = rs.metadata?.ownerReferences?.find((o) => o.controller);
  if (rsOwner?.kind !== 'Deployment') return { deployment: null, pod, unmanaged: `ReplicaSet/${owner.name}${rsOwner ? ` owned by ${rsOwner.kind}/${rsOwner.name}` : ' without a Deployment'}` };
  return { deployment: await kube.readDeployment(namespace, rsOwner.name, { signal }), pod, unmanaged: null };
}

const selectorOf = (d: V1Deployment) =>
  Object.entries(d.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** Pods not running whose events are read (each one more API call). */
const MAX_POD_EVENTS = 3;

async function run(payload: ChangesPayload, deps: DiagnosticDeps): Promise<DiagnosticResult> {
  const target = `${payload.namespace}/${payload.name}`;
  const kube = deps.kube;
  if (!kube) throw new InputError('reading rollout history needs Kubernetes access (in-cluster service account or KUBECONFIG)');
  const { signal } = deps;
  const ns = payload.namespace;
  await deps.progress(5, `reading ${target}`);
  const resolved = await resolve(payload, kube, signal); // not found, not allowed, forbidden on the target: one line back

  const findings: ChangesFinding[] = [];
  const deployment = resolved.deployment;
  const deploymentName = deployment?.metadata?.name ?? null;
  await deps.progress(25, 'reading revisions, pods, events and autoscalers');
  const selector = deployment ? selectorOf(deployment) : '';
  const [rsList, podList, hpaList, deploymentEvents] = await Promise.all([
    deployment && selector ? settle(kube.listReplicaSets(ns, selector, { signal })) : Promise.resolve(null),
    deployment && selector ? settle(kube.listPods(ns, selector, { signal })) : Promise.resolve(null),
    deployment ? settle(kube.listHorizontalPodAutoscalers(ns, { signal })) : Promise.resolve(null),
    deploymentName ? settle(kube.listObjectEvents(ns, 'Deployment', deploymentName, { signal })) : Promise.resolve(null),
  ]);
  const value = <T>(r: { ok: true; value: T } | { ok: false; error: unknown } | null, fallback: T, what: string): T => {
    if (r === null) return fallback;
    if (r.ok) return r.value;
    findings.push(findingFor(r.error, what, signal));
    return fallback;
  };
  const replicaSets = value(rsList, [], `list replicasets of deployment ${ns}/${deploymentName}`);
  const pods = resolved.pod && !deployment ? [resolved.pod] : value(podList, [] as V1Pod[], `list pods of deployment ${ns}/${deploymentName}`);
  const hpas = deploymentName ? hpasFor(value(hpaList, [] as V2HorizontalPodAutoscaler[], `list horizontalpodautoscalers in ${ns}`), deploymentName) : [];
  const dEvents = value(deploymentEvents, [] as CoreV1Event[], `list events of deployment ${ns}/${deploymentName}`);
  const hpaEvents = await Promise.all(hpas.map((h) => settle(kube.listObjectEvents(ns, 'HorizontalPodAutoscaler', h.metadata?.name ?? '', { signal }))));
  // The pods that do not run say why in their own events (a failed pull, a mount, a probe): read those of a few.
  const notRunning = pods.filter((p) => p.status?.phase === 'Pending' || (p.status?.containerStatuses ?? []).some((c) => c.state?.waiting)).slice(0, MAX_POD_EVENTS);
  const podEventLists = await Promise.all(notRunning.map((p) => settle(kube.listObjectEvents(ns, 'Pod', p.metadata?.name ?? '', { signal }))));
  const podEvents = notRunning.flatMap((p, i) => value(podEventLists[i]!, [] as CoreV1Event[], `list events of pod ${ns}/${p.metadata?.name ?? ''}`));
  await deps.progress(80, 'comparing revisions');
  const result = assessChanges({
    target,
    ns,
    resolved,
    replicaSets,
    pods,
    hpas,
    hpaEvents: hpas.map((h, i) => value(hpaEvents[i]!, [] as CoreV1Event[], `list events of horizontalpodautoscaler ${ns}/${h.metadata?.name ?? ''}`)),
    deploymentEvents: dEvents,
    podEvents,
    findings,
    now: deps.now(),
  });
  await deps.progress(100, 'done');
  return result;
}


export const changesDiagnostic = defineDiagnostic({
  name: 'changes',
  usage: USAGE,
  command: changesCommand,
  description: 'What changed around a workload and when: rollout history (revisions, images, config), restarts, HPA scaling',
  payload: changesPayload,
  parseArgs(tokens) {
    const { positionals } = parseTokens(tokens, parserOptions(changesCommand.flags), USAGE);
    if (positionals.length !== 1) throw new UsageError(`expected one <namespace>/<deployment> or <namespace>/pod/<name>, got ${positionals.length}`, USAGE);
    return parseTarget(positionals[0] ?? '');
  },
  observes: CHANGES_VOCABULARY,
  timeoutMs: 60_000,
  run,
});
