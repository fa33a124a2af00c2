// Read-only access to the Kubernetes API for the diagnostics (oom, logs, changes, gpu's process → pod).
// One place enforces the namespace allowlist, puts a deadline and the caller's AbortSignal on
// every request, and turns API failures into errors a user can act on (src/k8s/kube-errors.ts).
import { ApiException, AppsV1Api, AutoscalingV2Api, CoreV1Api, CustomObjectsApi, KubeConfig, Observable } from '@kubernetes/client-node';
import type { ConfigurationOptions, CoreV1Event, ObservableMiddleware, RequestContext, ResponseContext, V1Deployment, V1Node, V1Pod, V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { UnreachableError, UsageError } from '../core/errors.ts';
import { forbiddenFromStatus, KubeNotFoundError, KubeRequestError, parseStatus } from './kube-errors.ts';

/** Default and ceiling of `tailLines` for pod logs. */
export const DEFAULT_TAIL_LINES = 5000;
export const MAX_TAIL_LINES = 50_000;
/** Default and ceiling of `limitBytes` for pod logs: 4 MiB and 64 MiB. */
export const DEFAULT_LOG_LIMIT_BYTES = 4 * 2 ** 20;
export const MAX_LOG_LIMIT_BYTES = 64 * 2 ** 20;

export interface KubeCallOptions {
  /** Aborts the request (the job was cancelled or timed out). */
  signal?: AbortSignal;
}

export interface PodLogOptions extends KubeCallOptions {
  /** Container name; the API server picks the only one when the pod has one. */
  container?: string;
  /** Lines from the end. Default 5000, at most 50000. */
  tailLines?: number;
  /** Only lines newer than this many seconds. */
  sinceSeconds?: number;
  /** The previous (terminated) instance of the container, e.g. the one that was OOMKilled. */
  previous?: boolean;
  /** Bytes read at most. Default 4 MiB, at most 64 MiB. */
  limitBytes?: number;
}

/** metrics.k8s.io usage of one pod: memory is the working set in bytes' quantity text. */
export interface PodMetrics {
  timestamp: string;
  window: string;
  containers: Array<{ name: string; usage: { cpu?: string; memory?: string } }>;
}

/** Where a container id (from /proc/<pid>/cgroup) lives. */
export interface PodContainerRef {
  namespace: string;
  pod: string;
  container: string;
  nodeName: string | undefined;
}

export interface KubeAccess {
  /** API server URL, for messages. */
  readonly server: string;
  readPod(namespace: string, name: string, options?: KubeCallOptions): Promise<V1Pod>;
  listPods(namespace: string, labelSelector: string, options?: KubeCallOptions): Promise<V1Pod[]>;
  /** Events whose involved object is the pod (BackOff, Evicted, FailedScheduling, …). */
  listPodEvents(namespace: string, pod: string, options?: KubeCallOptions): Promise<CoreV1Event[]>;
  /** Events recorded on the Node object (kubelet SystemOOM, node-problem-detector OOMKilling). */
  listNodeEvents(nodeName: string, options?: KubeCallOptions): Promise<CoreV1Event[]>;
  readPodLogs(namespace: string, pod: string, options?: PodLogOptions): Promise<string>;
  readNode(name: string, options?: KubeCallOptions): Promise<V1Node>;
  /** Usage from metrics.k8s.io, or null when that API (metrics-server) is not available. */
  podMetrics(namespace: string, pod: string, options?: KubeCallOptions): Promise<PodMetrics | null>;
  /**
   * The pod and container that own a container id (full or abbreviated, with or without the
   * `containerd://` scheme), among the pods scheduled on `nodeName`; null when none matches.
   */
  findPodByContainerId(containerId: string, options: KubeCallOptions & { nodeName: string }): Promise<PodContainerRef | null>;
  readDeployment(namespace: string, name: string, options?: KubeCallOptions): Promise<V1Deployment>;
  readReplicaSet(namespace: string, name: string, options?: KubeCallOptions): Promise<V1ReplicaSet>;
  /** ReplicaSets matching a label selector (a Deployment's `spec.selector.matchLabels` as `k=v,…`). */
  listReplicaSets(namespace: string, labelSelector: string, options?: KubeCallOptions): Promise<V1ReplicaSet[]>;
  /** Every autoscaling/v2 HorizontalPodAutoscaler of the namespace (the caller picks those whose scaleTargetRef it wants). */
  listHorizontalPodAutoscalers(namespace: string, options?: KubeCallOptions): Promise<V2HorizontalPodAutoscaler[]>;
  /** Events whose involved object is this kind and name (Deployment ScalingReplicaSet, HorizontalPodAutoscaler SuccessfulRescale, …). */
  listObjectEvents(namespace: string, kind: string, name: string, options?: KubeCallOptions): Promise<CoreV1Event[]>;
}

export interface KubeAccessOptions {
  /** Namespaces that may be read; empty = every namespace the credentials allow (`INFDBG_NAMESPACES`). */
  namespaces: string[];
  /** Credentials and cluster; default: `KUBECONFIG`, then ~/.kube/config, then the in-cluster service account. */
  kubeConfig?: KubeConfig;
  /** Deadline of each API request, ms. Default 10000. */
  requestTimeoutMs?: number;
}

/** Events on Node objects are recorded in this namespace by the kubelet and node-problem-detector. */
const NODE_EVENTS_NAMESPACE = 'default';

export function createKubeAccess(options: KubeAccessOptions): KubeAccess {
  const kc = options.kubeConfig ?? defaultKubeConfig();
  const server = kc.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)';
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const apps = kc.makeApiClient(AppsV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const allowed = new Set(options.namespaces);

  function checkNamespace(namespace: string): void {
    if (allowed.size > 0 && !allowed.has(namespace)) {
      throw new UsageError(`namespace "${namespace}" is not in the allowlist (INFDBG_NAMESPACES: ${[...allowed].join(', ')})`);
    }
  }

  /** Runs one request with the deadline and the caller's signal; maps failures. */
  async function call<T>(
    attempted: { verb: string; resource: string; namespace?: string; what: string },
    signal: AbortSignal | undefined,
    send: (opts: ConfigurationOptions) => Promise<T>,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await send(withSignal(combined));
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        throw new UnreachableError(`Kubernetes API server ${server} did not answer within ${timeoutMs / 1000} s (${attempted.verb} ${attempted.what})`);
      }
      throw mapFailure(err, attempted, server);
    }
  }

  return {
    server,
    async readPod(namespace, name, opts) {
      checkNamespace(namespace);
      const what = `pod ${namespace}/${name}`;
      return call({ verb: 'get', resource: 'pods', namespace, what }, opts?.signal, (o) => core.readNamespacedPod({ name, namespace }, o));
    },
    async listPods(namespace, labelSelector, opts) {
      checkNamespace(namespace);
      const what = `pods in ${namespace} matching ${labelSelector}`;
      const list = await call({ verb: 'list', resource: 'pods', namespace, what }, opts?.signal, (o) =>
        core.listNamespacedPod({ namespace, labelSelector }, o),
      );
      return list.items;
    },
    async listPodEvents(namespace, pod, opts) {
      checkNamespace(namespace);
      const fieldSelector = `involvedObject.kind=Pod,involvedObject.name=${pod}`;
      const list = await call({ verb: 'list', resource: 'events', namespace, what: `events of pod ${namespace}/${pod}` }, opts?.signal, (o) =>
        core.listNamespacedEvent({ namespace, fieldSelector }, o),
      );
      return list.items;
    },
    async listNodeEvents(nodeName, opts) {
      const fieldSelector = `involvedObject.kind=Node,involvedObject.name=${nodeName}`;
      const namespace = NODE_EVENTS_NAMESPACE;
      const list = await call({ verb: 'list', resource: 'events', namespace, what: `events of node ${nodeName}` }, opts?.signal, (o) =>
        core.listNamespacedEvent({ namespace, fieldSelector }, o),
      );
      return list.items;
    },
    async readPodLogs(namespace, pod, opts = {}) {
      checkNamespace(namespace);
      const tailLines = bounded(opts.tailLines, DEFAULT_TAIL_LINES, MAX_TAIL_LINES, 'tailLines');
      const limitBytes = bounded(opts.limitBytes, DEFAULT_LOG_LIMIT_BYTES, MAX_LOG_LIMIT_BYTES, 'limitBytes');
      const what = `logs of ${opts.previous ? 'the previous ' : ''}${opts.container ? `container ${opts.container} in ` : ''}pod ${namespace}/${pod}`;
      return call({ verb: 'get', resource: 'pods/log', namespace, what }, opts.signal, (o) =>
        core.readNamespacedPodLog(
          {
            name: pod,
            namespace,
            container: opts.container,
            previous: opts.previous,
            tailLines,
            limitBytes,
            sinceSeconds: opts.sinceSeconds,
          },
          o,
        ),
      );
    },
    async readNode(name, opts) {
      return call({ verb: 'get', resource: 'nodes', what: `node ${name}` }, opts?.signal, (o) => core.readNode({ name }, o));
    },
    async podMetrics(namespace, pod, opts) {
      checkNamespace(namespace);
      const attempted = { verb: 'get', resource: 'pods.metrics.k8s.io', namespace, what: `metrics of pod ${namespace}/${pod}` };
      try {
        const body: unknown = await call(attempted, opts?.signal, (o) =>
          custom.getNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace, plural: 'pods', name: pod }, o),
        );
        return body as PodMetrics;
      } catch (err) {
        // 404: metrics-server is not installed, or has no sample of this pod yet; 503: registered but down.
        if (err instanceof KubeNotFoundError || (err instanceof KubeRequestError && err.status === 503)) return null;
        throw err;
      }
    },
    async findPodByContainerId(containerId, opts) {
      const wanted = stripScheme(containerId);
      if (!wanted) return null;
      const fieldSelector = `spec.nodeName=${opts.nodeName}`;
      const what = `pods on node ${opts.nodeName}`;
      const pods =
        allowed.size === 0
          ? (await call({ verb: 'list', resource: 'pods', what }, opts.signal, (o) => core.listPodForAllNamespaces({ fieldSelector }, o))).items
          : (
              await Promise.all(
                [...allowed].map((namespace) =>
                  call({ verb: 'list', resource: 'pods', namespace, what }, opts.signal, (o) => core.listNamespacedPod({ namespace, fieldSelector }, o)),
                ),
              )
            ).flatMap((l) => l.items);
      for (const pod of pods) {
        const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
        for (const s of statuses) {
          const ids = [s.containerID, s.lastState?.terminated?.containerID].map((id) => stripScheme(id ?? '')).filter(Boolean);
          if (ids.some((id) => id.startsWith(wanted) || wanted.startsWith(id))) {
            return { namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '', container: s.name, nodeName: pod.spec?.nodeName };
          }
        }
      }
      return null;
    },
    async readDeployment(namespace, name, opts) {
      checkNamespace(namespace);
      const what = `deployment ${namespace}/${name}`;
      return call({ verb: 'get', resource: 'deployments.apps', namespace, what }, opts?.signal, (o) => apps.readNamespacedDeployment({ name, namespace }, o));
    },
    async readReplicaSet(namespace, name, opts) {
      checkNamespace(namespace);
      const what = `replicaset ${namespace}/${name}`;
      return call({ verb: 'get', resource: 'replicasets.apps', namespace, what }, opts?.signal, (o) => apps.readNamespacedReplicaSet({ name, namespace }, o));
    },
    async listReplicaSets(namespace, labelSelector, opts) {
      checkNamespace(namespace);
      const what = `replicasets in ${namespace} matching ${labelSelector}`;
      const list = await call({ verb: 'list', resource: 'replicasets.apps', namespace, what }, opts?.signal, (o) => apps.listNamespacedReplicaSet({ namespace, labelSelector }, o));
      return list.items;
    },
    async listHorizontalPodAutoscalers(namespace, opts) {
      checkNamespace(namespace);
      const what = `horizontalpodautoscalers in ${namespace}`;
      const list = await call({ verb: 'list', resource: 'horizontalpodautoscalers.autoscaling', namespace, what }, opts?.signal, (o) =>
        autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }, o),
      );
      return list.items;
    },
    async listObjectEvents(namespace, kind, name, opts) {
      checkNamespace(namespace);
      const fieldSelector = `involvedObject.kind=${kind},involvedObject.name=${name}`;
      const list = await call({ verb: 'list', resource: 'events', namespace, what: `events of ${kind} ${namespace}/${name}` }, opts?.signal, (o) =>
        core.listNamespacedEvent({ namespace, fieldSelector }, o),
      );
      return list.items;
    },
  };
}

/** KUBECONFIG, then ~/.kube/config, then the in-cluster service account (the client library's order). */
function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

function bounded(value: number | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a positive whole number, got ${value}`);
  return Math.min(value, max);
}

function stripScheme(id: string): string {
  return id.replace(/^[a-z0-9-]+:\/\//, '').trim().toLowerCase();
}

/** Per-request options that hand the AbortSignal to the HTTP layer (fetch) through a middleware. */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (ctx: ResponseContext) => new Observable(Promise.resolve(ctx)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

function mapFailure(err: unknown, attempted: { verb: string; resource: string; namespace?: string; what: string }, server: string): unknown {
  if (err instanceof ApiException) {
    const code = err.code;
    const status = parseStatus(err.body);
    if (code === 403) return forbiddenFromStatus(status ?? {}, attempted);
    if (code === 404) return new KubeNotFoundError(attempted.what);
    if (code === 401) return new KubeRequestError(401, `Kubernetes API server ${server} rejected the credentials (401 Unauthorized) — check the service account token or kubeconfig`);
    return new KubeRequestError(code, `Kubernetes API server ${server} answered ${code} to ${attempted.verb} ${attempted.what}: ${status?.message ?? 'no Status in the body'}`);
  }
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (err instanceof TypeError && cause) {
    return new UnreachableError(`Kubernetes API server ${server} is unreachable (${cause.code ?? cause.message ?? 'connection failed'})`, { cause: err });
  }
  return err;
}
