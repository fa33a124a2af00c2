// A Kubernetes API server stand-in on loopback: the real REST paths, query strings and Status
// error bodies, serving recorded JSON from test/fixtures/k8s/. Tests drive the real
// @kubernetes/client-node against it and read back what it was asked (path, query, bearer token).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

const FIXTURES = new URL('../fixtures/k8s/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

/** One pod the stand-in knows, with what it returns for the pod's sub-resources. */
export interface StandInPod {
  /** The v1 Pod object (metadata.namespace / metadata.name / spec.nodeName are read from it). */
  pod: Record<string, unknown>;
  /** EventList for `involvedObject.name=<pod>`. */
  events?: Record<string, unknown>;
  /** Previous-instance log text per container. */
  previousLogs?: Record<string, string>;
  /** Current log text per container. */
  logs?: Record<string, string>;
  /** metrics.k8s.io PodMetrics; absent = metrics-server has no sample (404). */
  metrics?: Record<string, unknown>;
}

export interface KubeApiStandInOptions {
  pods: StandInPod[];
  /** v1 Node objects by name. */
  nodes?: Record<string, Record<string, unknown>>;
  /** EventList of Node objects' events (namespace `default`) by node name. */
  nodeEvents?: Record<string, Record<string, unknown>>;
  /** false: metrics.k8s.io is not served at all (no metrics-server). Default true. */
  metricsApi?: boolean;
  /** Resources the service account may not read, as RBAC names them: `pods/log`, `events`, `nodes`, `pods`, `deployments`, `replicasets`, `horizontalpodautoscalers`. */
  forbid?: string[];
  /** apps/v1 Deployment objects (metadata.namespace / metadata.name are read from them). */
  deployments?: Array<Record<string, unknown>>;
  /** apps/v1 ReplicaSet objects; listed by namespace and `labelSelector` (matchLabels form `k=v,…`). */
  replicaSets?: Array<Record<string, unknown>>;
  /** autoscaling/v2 HorizontalPodAutoscaler objects. */
  horizontalPodAutoscalers?: Array<Record<string, unknown>>;
  /** core/v1 Event objects of other kinds than Pod and Node (Deployment, ReplicaSet, HorizontalPodAutoscaler), served by `involvedObject.kind/name`. */
  objectEvents?: Array<Record<string, unknown>>;
}

export interface KubeApiStandIn {
  url: string;
  requests: RecordedRequest[];
  /** A KubeConfig pointing at the stand-in with a bearer token. */
  kubeConfig(token?: string): KubeConfig;
  close(): Promise<void>;
}

export const STAND_IN_TOKEN = 'test-token';
const SERVICE_ACCOUNT = 'system:serviceaccount:infdbg:infdbg';

export async function startKubeApiStandIn(options: KubeApiStandInOptions): Promise<KubeApiStandIn> {
  const requests: RecordedRequest[] = [];
  const forbidden = new Set(options.forbid ?? []);
  const metricsApi = options.metricsApi ?? true;
  const meta = (p: StandInPod) => p.pod['metadata'] as { name: string; namespace: string };
  const nodeOf = (p: StandInPod) => (p.pod['spec'] as { nodeName?: string }).nodeName;
  const findPod = (ns: string, name: string) => options.pods.find((p) => meta(p).namespace === ns && meta(p).name === name);
  type Meta = { name?: string; namespace?: string; labels?: Record<string, string> };
  const objMeta = (o: Record<string, unknown>) => (o['metadata'] ?? {}) as Meta;
  const inNamespace = (objects: Array<Record<string, unknown>> | undefined, ns: string) => (objects ?? []).filter((o) => objMeta(o).namespace === ns);
  const findObject = (objects: Array<Record<string, unknown>> | undefined, ns: string, name: string) => inNamespace(objects, ns).find((o) => objMeta(o).name === name);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization });
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const text = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body);
    };
    const deny = (verb: string, resource: string, group: string, name: string | undefined, ns: string | undefined, kind: string) => {
      // Same shape and wording as the API server's authorizer (see fixtures/k8s/status-403-forbidden.json).
      const subject = name ? `${kind} "${name}" is forbidden` : `${kind} is forbidden`;
      const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
      json(403, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `${subject}: User "${SERVICE_ACCOUNT}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`,
        reason: 'Forbidden',
        details: { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource.split('/')[0] },
        code: 403,
      });
    };
    const notFound = (kind: string, name: string, group = '') => {
      const plural = group ? `${kind}.${group}` : kind;
      json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${plural} "${name}" not found`, reason: 'NotFound', details: { name, ...(group ? { group } : {}), kind }, code: 404 });
    };
    const list = (kind: string, items: unknown[]) => json(200, { kind, apiVersion: 'v1', metadata: { resourceVersion: '48213402' }, items });
    const fieldSelector = (s: string | null) => Object.fromEntries((s ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));

    if (req.headers.authorization !== `Bearer ${STAND_IN_TOKEN}`) {
      json(401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      return;
    }
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(p))) {
      const [, ns = '', name = ''] = m;
      if (forbidden.has('pods/log')) return deny('get', 'pods/log', '', name, ns, 'pods');
      const pod = findPod(ns, name);
      if (!pod) return notFound('pods', name);
      const container = url.searchParams.get('container') ?? Object.keys(pod.previousLogs ?? pod.logs ?? {})[0] ?? '';
      const previous = url.searchParams.get('previous') === 'true';
      const source = previous ? pod.previousLogs : pod.logs;
      const body = source?.[container];
      if (body === undefined) {
        return json(400, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `previous terminated container "${container}" in pod "${name}" not found`, reason: 'BadRequest', code: 400 });
      }
      const tail = Number(url.searchParams.get('tailLines') ?? 'Infinity');
      const lines = body.split('\n');
      return text(Number.isFinite(tail) ? lines.slice(-tail - (body.endsWith('\n') ? 1 : 0)).join('\n') : body);
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(p))) {
      const [, ns = '', name = ''] = m;
      if (forbidden.has('pods')) return deny('get', 'pods', '', name, ns, 'pods');
      const pod = findPod(ns, name);
      return pod ? json(200, pod.pod) : notFound('pods', name);
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p)) || p === '/api/v1/pods') {
      const ns = m?.[1];
      if (forbidden.has('pods')) return deny('list', 'pods', '', undefined, ns, 'pods');
      const fields = fieldSelector(url.searchParams.get('fieldSelector'));
      const labels = fieldSelector(url.searchParams.get('labelSelector'));
      const items = options.pods
        .filter((x) => ns === undefined || meta(x).namespace === ns)
        .filter((x) => fields['spec.nodeName'] === undefined || nodeOf(x) === fields['spec.nodeName'])
        .filter((x) => Object.entries(labels).every(([k, v]) => (meta(x) as { labels?: Record<string, string> }).labels?.[k] === v))
        .map((x) => x.pod);
      return list('PodList', items);
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(p))) {
      const ns = m[1] ?? '';
      if (forbidden.has('events')) return deny('list', 'events', '', undefined, ns, 'events');
      const fields = fieldSelector(url.searchParams.get('fieldSelector'));
      const kind = fields['involvedObject.kind'];
      if (kind !== undefined && kind !== 'Pod' && kind !== 'Node') {
        const involved = (e: Record<string, unknown>) => (e['involvedObject'] ?? {}) as { kind?: string; name?: string };
        return list(
          'EventList',
          inNamespace(options.objectEvents, ns).filter((e) => involved(e).kind === kind && (fields['involvedObject.name'] === undefined || involved(e).name === fields['involvedObject.name'])),
        );
      }
      if (fields['involvedObject.kind'] === 'Node') {
        const recorded = options.nodeEvents?.[fields['involvedObject.name'] ?? ''];
        return recorded && ns === 'default' ? json(200, recorded) : list('EventList', []);
      }
      const pod = findPod(ns, fields['involvedObject.name'] ?? '');
      return pod?.events ? json(200, pod.events) : list('EventList', []);
    }
    if ((m = /^\/api\/v1\/nodes\/([^/]+)$/.exec(p))) {
      const name = m[1] ?? '';
      if (forbidden.has('nodes')) return deny('get', 'nodes', '', name, undefined, 'nodes');
      const node = options.nodes?.[name];
      return node ? json(200, node) : notFound('nodes', name);
    }
    if ((m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(p))) {
      if (!metricsApi) return json(404, fixtureText('status-404-no-resource.json'));
      const [, ns = '', name = ''] = m;
      const metrics = findPod(ns, name)?.metrics;
      return metrics ? json(200, metrics) : notFound('pods', `${ns}/${name}`, 'metrics.k8s.io');
    }
    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|replicasets)\/([^/]+)$/.exec(p))) {
      const [, ns = '', resource = '', name = ''] = m;
      if (forbidden.has(resource)) return deny('get', resource, 'apps', name, ns, resource);
      const found = findObject(resource === 'deployments' ? options.deployments : options.replicaSets, ns, name);
      return found ? json(200, found) : notFound(resource, name, 'apps');
    }
    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets$/.exec(p))) {
      const ns = m[1] ?? '';
      if (forbidden.has('replicasets')) return deny('list', 'replicasets', 'apps', undefined, ns, 'replicasets');
      const labels = fieldSelector(url.searchParams.get('labelSelector'));
      const items = inNamespace(options.replicaSets, ns).filter((o) => Object.entries(labels).every(([k, v]) => objMeta(o).labels?.[k] === v));
      return json(200, { kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: { resourceVersion: '48213402' }, items });
    }
    if ((m = /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers$/.exec(p))) {
      const ns = m[1] ?? '';
      if (forbidden.has('horizontalpodautoscalers')) return deny('list', 'horizontalpodautoscalers', 'autoscaling', undefined, ns, 'horizontalpodautoscalers');
      return json(200, { kind: 'HorizontalPodAutoscalerList', apiVersion: 'autoscaling/v2', metadata: { resourceVersion: '48213402' }, items: inNamespace(options.horizontalPodAutoscalers, ns) });
    }
    json(404, fixtureText('status-404-no-resource.json'));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    kubeConfig(token = STAND_IN_TOKEN) {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'stand-in', server: url, skipTLSVerify: true }],
        users: [{ name: 'infdbg', token }],
        contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'infdbg' }],
        currentContext: 'stand-in',
      });
      return kc;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The recorded scenario: ml/llm-server-… OOMKilled on gpu-node-3, a CUDA OOM in its previous logs. */
export function llmServerScenario(): KubeApiStandInOptions {
  return {
    pods: [
      {
        pod: fixtureJson('pod-ml-llm-server.json'),
        events: fixtureJson('events-ml-llm-server.json'),
        previousLogs: { server: fixtureText('logs-previous-server.txt') },
        logs: { 'metrics-exporter': 'exporter listening on :9400\n' },
        metrics: fixtureJson('pod-metrics-ml-llm-server.json'),
      },
    ],
    nodes: { 'gpu-node-3': fixtureJson('node-gpu-node-3.json') },
    nodeEvents: { 'gpu-node-3': fixtureJson('events-node-gpu-node-3.json') },
  };
}

/** A second recorded pod on the same node: exit 1 after a fragmentation-type CUDA OOM (no OOMKilled). */
export function diffusionWorkerPod(): StandInPod {
  return {
    pod: fixtureJson('pod-ml-diffusion-worker.json'),
    previousLogs: { worker: fixtureText('logs-previous-worker.txt') },
  };
}

/** The clock of the recorded ranker scenarios: 15 min after revision 12 of ml/ranker began rolling out. */
export const RANKER_NOW = Date.parse('2026-11-22T14:20:00Z');

/** Faults the ranker scenarios inject into the recorded ml/ranker Deployment (see rankerScenario). */
export type RankerVariant = 'new-image' | 'config-only' | 'hpa-scaled-down' | 'quiet' | 'rollout-stuck' | 'crash-loop';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Shifts every ISO time in `o` by `ms` (the recorded objects moved back or forth in time as a whole). */
function shifted<T>(o: T, ms: number): T {
  return JSON.parse(JSON.stringify(o), (_k, v: unknown) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v) ? new Date(Date.parse(v) + ms).toISOString().replace('.000Z', 'Z') : v)) as T;
}

/** An old pod of revision 11 (ranker-6b8d4c7f9), still running while the new revision rolls out. */
function revision11Pod(template: Json, suffix: string): Json {
  const pod = structuredClone(template);
  const hash = '6b8d4c7f9';
  pod.metadata.name = `ranker-${hash}-${suffix}`;
  pod.metadata.generateName = `ranker-${hash}-`;
  pod.metadata.uid = `1d2c3b4a-0000-4e5f-8a9b-${suffix.padEnd(12, '0').slice(0, 12)}`;
  pod.metadata.labels['pod-template-hash'] = hash;
  pod.metadata.creationTimestamp = '2026-11-18T09:13:02Z';
  pod.metadata.ownerReferences[0].name = `ranker-${hash}`;
  pod.metadata.ownerReferences[0].uid = 'e4a1b7c2-5d3f-4a8e-b6c9-1f0e2d3c4b5a';
  pod.spec.containers[0].image = 'registry.example.com/ml/ranker:3.1.4';
  pod.status.startTime = '2026-11-18T09:13:02Z';
  for (const c of pod.status.conditions) c.lastTransitionTime = '2026-11-18T09:13:40Z';
  pod.status.containerStatuses[0] = { ...pod.status.containerStatuses[0], image: 'registry.example.com/ml/ranker:3.1.4', restartCount: 0, lastState: {}, ready: true, started: true, state: { running: { startedAt: '2026-11-18T09:13:31Z' } } };
  return pod;
}

/**
 * The recorded ml/ranker Deployment (revisions 10–12, three pods, an HPA) with one fault injected:
 * - `new-image`: revision 12 (ranker 3.1.4 → 3.2.0) rolled out 15 min ago; its pods restart with exit 1.
 * - `config-only`: the same rollout, but revision 12 keeps the image and changes FEATURE_SET and the envFrom ConfigMap.
 * - `hpa-scaled-down`: revision 12 is 6 days old; the HPA scaled 3 → 2 → 1 in the last 40 min.
 * - `quiet`: revision 12 is 6 days old, 3 of 3 ready, no restarts, no scaling (a healthy control).
 * - `rollout-stuck`: revision 12's first pod cannot pull its image; ProgressDeadlineExceeded; revision 11 still serves.
 * - `crash-loop`: revision 12 began 8 min ago; its first pod is in CrashLoopBackOff; revision 11 still serves.
 */
export function rankerScenario(variant: RankerVariant): KubeApiStandInOptions {
  const deployment = fixtureJson<Json>('deployment-ml-ranker.json');
  const replicaSets = fixtureJson<Json>('replicasets-ml-ranker.json').items as Json[];
  let pods = fixtureJson<Json>('pods-ml-ranker.json').items as Json[];
  let deploymentEvents = fixtureJson<Json>('events-ml-ranker-deployment.json').items as Json[];
  let hpaEvents: Json[] = [];
  const hpa = fixtureJson<Json>('hpa-ml-ranker.json');
  const [rev12, rev11, rev10] = replicaSets as [Json, Json, Json];
  const container12 = () => rev12.spec.template.spec.containers[0];
  const DAYS_6 = -6 * 86_400_000;

  if (variant === 'config-only') {
    for (const c of [container12(), deployment.spec.template.spec.containers[0], ...pods.map((p) => p.spec.containers[0])]) {
      c.image = 'registry.example.com/ml/ranker:3.1.4';
      c.env.find((e: Json) => e.name === 'FEATURE_SET').value = 'v4';
      c.envFrom = [{ configMapRef: { name: 'ranker-config-v2' } }];
    }
    rev12.metadata.annotations['kubernetes.io/change-cause'] = 'ranker: FEATURE_SET v4, ranker-config-v2 (pipeline #4471)';
    for (const p of pods) p.status.containerStatuses[0].image = 'registry.example.com/ml/ranker:3.1.4';
  }
  if (variant === 'hpa-scaled-down' || variant === 'quiet') {
    // The same history, six days earlier; events of that rollout have expired (1 h TTL).
    for (const rs of [rev12, rev11, rev10]) Object.assign(rs, shifted(rs, DAYS_6));
    rev11.metadata.creationTimestamp = '2026-11-09T11:02:19Z';
    rev10.metadata.creationTimestamp = '2026-10-28T15:40:10Z';
    pods = pods.map((p) => shifted(p, DAYS_6));
    for (const p of pods) {
      const s = p.status.containerStatuses[0];
      s.restartCount = 0;
      s.lastState = {};
      s.ready = true;
      s.started = true;
      s.state = { running: { startedAt: p.metadata.creationTimestamp } };
    }
    deploymentEvents = [];
    deployment.status.conditions[0].lastUpdateTime = deployment.status.conditions[0].lastTransitionTime = '2026-11-16T14:07:12Z';
    deployment.status.conditions[1].lastUpdateTime = '2026-11-16T14:07:51Z';
  }
  if (variant === 'hpa-scaled-down') {
    pods = pods.slice(2);
    deployment.spec.replicas = 1;
    Object.assign(deployment.status, { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
    Object.assign(rev12.spec, { replicas: 1 });
    Object.assign(rev12.status, { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
    rev12.metadata.annotations['deployment.kubernetes.io/desired-replicas'] = '1';
    Object.assign(hpa.status, { currentReplicas: 1, desiredReplicas: 1, lastScaleTime: '2026-11-22T14:08:05Z' });
    hpa.status.currentMetrics[0].resource.current = { averageValue: '436m', averageUtilization: 22 };
    hpaEvents = fixtureJson<Json>('events-ml-ranker-hpa.json').items as Json[];
    const scaled = (at: string, from: number, to: number, id: string): Json => {
      const e = structuredClone(deploymentEvents[0] ?? (fixtureJson<Json>('events-ml-ranker-deployment.json').items as Json[])[0]!);
      Object.assign(e, { firstTimestamp: at, lastTimestamp: at, message: `Scaled down replica set ranker-5f7c9d8b4 to ${to} from ${from}` });
      e.metadata = { ...e.metadata, name: `ranker.${id}`, creationTimestamp: at };
      return e;
    };
    deploymentEvents = [scaled('2026-11-22T13:41:10Z', 3, 2, '187a0a9e5d6c7b41'), scaled('2026-11-22T14:08:05Z', 2, 1, '187a0c8a6e7f8a52')];
  }
  if (variant === 'rollout-stuck' || variant === 'crash-loop') {
    const [first] = pods as [Json];
    let s = first.status.containerStatuses[0];
    const old = ['b2n6c', 'k8d3f', 'w5z9h'].map((x) => revision11Pod(pods[2]!, x));
    if (variant === 'rollout-stuck') {
      Object.assign(s, { restartCount: 0, lastState: {}, ready: false, started: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/ml/ranker:3.2.0"' } } });
      delete s.containerID;
      deployment.status.conditions[1] = { type: 'Progressing', status: 'False', lastUpdateTime: '2026-11-22T14:15:03Z', lastTransitionTime: '2026-11-22T14:15:03Z', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "ranker-5f7c9d8b4" has timed out progressing.' };
      deploymentEvents = deploymentEvents.slice(0, 1);
    } else {
      // Revision 12 began 8 min ago: its first pod crashed five times and waits in back-off.
      const back = (o: Json) => shifted(o, 7 * 60_000);
      Object.assign(rev12, back(rev12));
      Object.assign(first, back(first));
      s = first.status.containerStatuses[0];
      Object.assign(s, { restartCount: 5, ready: false, started: false, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 2m40s restarting failed container=server pod=${first.metadata.name}_ml(${first.metadata.uid})` } } });
      s.lastState.terminated = { ...s.lastState.terminated, startedAt: '2026-11-22T14:17:58Z', finishedAt: '2026-11-22T14:18:04Z' };
      deploymentEvents = [back(deploymentEvents[0]!)];
    }
    first.status.conditions.find((c: Json) => c.type === 'Ready').status = 'False';
    pods = [first, ...old];
    Object.assign(deployment.status, { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
    Object.assign(rev12.spec, { replicas: 1 });
    Object.assign(rev12.status, { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 0, availableReplicas: 0 });
    Object.assign(rev11.spec, { replicas: 3 });
    Object.assign(rev11.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
  }
  return {
    pods: pods.map((pod) => ({ pod })),
    deployments: [deployment],
    replicaSets,
    horizontalPodAutoscalers: [hpa],
    objectEvents: [...deploymentEvents, ...hpaEvents],
  };
}
