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
  /** Resources the service account may not read, as RBAC names them: `pods/log`, `events`, `nodes`, `pods`. */
  forbid?: string[];
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
