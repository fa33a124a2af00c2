// Renders deploy/overlays/<name> with `kubectl kustomize` (no API server needed) and gives the
// tests the objects and their pods. kubectl missing is a failure with a clear message, never a
// skip: CI machines have it.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = join(import.meta.dirname, '..', '..', 'deploy');

/** A rendered Kubernetes object, loosely typed: the tests read paths they check themselves. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { fieldPath: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface PodSpec {
  serviceAccountName?: string;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; emptyDir?: object }>;
  nodeSelector?: Record<string, string>;
  affinity?: unknown;
  tolerations?: Array<{ key?: string; operator?: string; effect?: string }>;
  hostPID?: boolean;
}

/** A Deployment or DaemonSet with its pod template. */
export interface Workload {
  object: KubeObject;
  namespace: string;
  podLabels: Record<string, string>;
  pod: PodSpec;
}

/** The overlays a user can deploy: every folder of deploy/overlays. */
export function overlayNames(): string[] {
  return readdirSync(join(DEPLOY_DIR, 'overlays'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

const rendered = new Map<string, KubeObject[]>();

/** `kubectl kustomize deploy/overlays/<overlay>`, parsed; the same overlay is rendered once per test file. */
export function renderOverlay(overlay: string): KubeObject[] {
  const cached = rendered.get(overlay);
  if (cached) return cached;
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', join(DEPLOY_DIR, 'overlays', overlay)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('kubectl is not installed (or not on PATH): the deploy tests render deploy/overlays with `kubectl kustomize`; install kubectl ≥ 1.27 (CI machines have it)', { cause: err });
    }
    throw new Error(`kubectl kustomize deploy/overlays/${overlay} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
  const objects = parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`deploy/overlays/${overlay} rendered YAML that does not parse: ${d.errors[0]!.message}`);
    return d.toJS() as KubeObject;
  });
  rendered.set(overlay, objects);
  return objects;
}

export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function workloads(objects: readonly KubeObject[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet' || o.kind === 'StatefulSet')
    .map((o) => {
      const template = (o.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } }).template;
      return { object: o, namespace: o.metadata.namespace ?? 'default', podLabels: template.metadata?.labels ?? {}, pod: template.spec };
    });
}

/** Label selector (matchLabels and matchExpressions) against labels; an empty selector matches everything. */
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    const ok = e.operator === 'In' ? inValues : e.operator === 'NotIn' ? !inValues : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

/** Which process a container runs: `infdbg serve` (the bot) or `infdbg worker`. */
export function processOf(container: Container): 'serve' | 'worker' {
  const arg = container.args?.[0];
  if (arg !== 'serve' && arg !== 'worker') throw new Error(`container ${container.name} runs "${arg}", neither serve nor worker`);
  return arg;
}
