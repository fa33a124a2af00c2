// deploy/ as a user deploys it: each overlay rendered by `kubectl kustomize`, every object checked
// against the Kubernetes schema of its kind (and the Prometheus Operator's for ServiceMonitor), and
// the rules a user would notice when they are broken: a container without probes, limits or the
// restricted security context, an env variable the code does not read (or a value it refuses), a
// ServiceMonitor that scrapes nothing, images of two versions, a Deployment without a disruption
// budget, a GPU worker that cannot land on a GPU node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadConfig, serveConfigSchema, workerConfigSchema } from '../../src/core/config.ts';
import { kubernetesSchemas, kubernetesSpecVersion } from '../support/kube-schema.ts';
import { ofKind, overlayNames, processOf, renderOverlay, selects, workloads, type Container, type KubeObject, type Probe, type Workload } from '../support/kustomize.ts';

const OVERLAYS = overlayNames();

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
// Keywords of Kubernetes' structural schemas; they say how the API server merges lists, not what is valid.
ajv.addVocabulary(['x-kubernetes-map-type', 'x-kubernetes-int-or-string']);
// OpenAPI's integer formats, as the CRD schema uses them.
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
const { document, kinds } = kubernetesSchemas();
ajv.addSchema(document);
const serviceMonitorSchema = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'kubernetes', 'servicemonitor-monitoring.coreos.com-v1.json'), 'utf8')));

function validatorFor(o: KubeObject) {
  if (o.apiVersion === 'monitoring.coreos.com/v1' && o.kind === 'ServiceMonitor') return serviceMonitorSchema;
  const ref = kinds[`${o.apiVersion}/${o.kind}`];
  if (!ref) throw new Error(`${o.kind} ${o.metadata.name}: no schema for ${o.apiVersion}/${o.kind} (add it to test/support/kube-schema.ts)`);
  return ajv.getSchema(`kubernetes${ref}`)!;
}

/** "" when the object is valid, else one line per schema error. */
function schemaErrors(o: KubeObject): string {
  const validate = validatorFor(o);
  if (validate(o)) return '';
  return (validate.errors ?? []).map((e) => `${o.kind} ${o.metadata.name}${e.instancePath}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`).join('\n');
}

function containersOf(w: Workload): Container[] {
  return [...(w.pod.initContainers ?? []), ...w.pod.containers];
}

function label(w: Workload, c?: Container): string {
  return `${w.object.kind} ${w.object.metadata.name}${c ? ` container ${c.name}` : ''}`;
}

/** The port a probe checks, as a number (a named port resolved through the container's ports). */
function probePort(c: Container, p: Probe): number | undefined {
  const port = p.httpGet?.port ?? p.tcpSocket?.port;
  if (typeof port === 'number') return port;
  return c.ports?.find((x) => x.name === port)?.containerPort;
}

/** Placeholder values a Secret would hold, in the form the code's config accepts. */
const SECRET_PLACEHOLDERS: Record<string, string> = {
  SLACK_BOT_TOKEN: 'xoxb-0000-placeholder',
  SLACK_SIGNING_SECRET: 'placeholder-signing-secret',
};

/** Variables read by the container runtime, not by infdbg (src/core/config.ts). */
const RUNTIME_VARIABLES = new Set(['NVIDIA_VISIBLE_DEVICES', 'NVIDIA_DRIVER_CAPABILITIES']);

/** The environment the process would see: its ConfigMaps' data, then its own env (required secrets as placeholders). */
function environmentOf(objects: readonly KubeObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.secretRef) throw new Error(`container ${c.name} takes a whole Secret (envFrom secretRef): name each key instead, so the test can check it`);
    const map = ofKind(objects, 'ConfigMap').find((m) => m.metadata.name === from.configMapRef?.name);
    if (!map) throw new Error(`container ${c.name} reads ConfigMap ${from.configMapRef?.name}, which the overlay does not have`);
    Object.assign(env, map.data as Record<string, string>);
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) env[e.name] = 'gpu-node-1';
    else if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) env[e.name] = SECRET_PLACEHOLDERS[e.name] ?? 'placeholder';
  }
  return env;
}

describe.each(OVERLAYS)('deploy/overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay);
  const pods = workloads(objects);

  it('renders, and every object is valid against its kind’s schema', () => {
    expect(objects.length).toBeGreaterThan(10);
    const errors = objects.map(schemaErrors).filter(Boolean);
    expect(errors.join('\n')).toBe('');
  });

  it('every container has startup, readiness and liveness probes on a port it exposes', () => {
    for (const w of pods) {
      for (const c of containersOf(w)) {
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
          const p = c[probe];
          expect(p, `${label(w, c)} has no ${probe}`).toBeDefined();
          expect(probePort(c, p!), `${label(w, c)} ${probe} checks a port the container does not expose`).toBeDefined();
        }
      }
    }
  });

  it('the bot is ready on PORT /healthz and the workers on METRICS_PORT /healthz, as their config says', () => {
    for (const w of pods) {
      for (const c of w.pod.containers) {
        const ready = c.readinessProbe!;
        expect(ready.httpGet?.path, `${label(w, c)} readiness`).toBe('/healthz');
        const env = environmentOf(objects, c);
        const listens = processOf(c) === 'serve' ? loadConfig(serveConfigSchema, env).PORT : loadConfig(workerConfigSchema, env).METRICS_PORT;
        expect(probePort(c, ready), `${label(w, c)} readiness port`).toBe(listens);
      }
    }
  });

  it('every container has CPU and memory requests and limits, the limits at least the requests', () => {
    const quantity = (q: string) => {
      const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(q);
      if (!m) throw new Error(`unexpected quantity ${q}`);
      const scale: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
      return Number(m[1]) * (m[2] ? scale[m[2]]! : 1);
    };
    for (const w of pods) {
      for (const c of containersOf(w)) {
        for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
          const req = c.resources?.requests?.[r];
          const lim = c.resources?.limits?.[r];
          expect(req, `${label(w, c)} requests.${r}`).toBeDefined();
          expect(lim, `${label(w, c)} limits.${r}`).toBeDefined();
          expect(quantity(lim!), `${label(w, c)} ${r} limit below its request`).toBeGreaterThanOrEqual(quantity(req!));
        }
      }
    }
  });

  it('every container runs as non-root with a read-only root filesystem, no privilege escalation, no capabilities and the runtime seccomp profile; /tmp is an emptyDir', () => {
    for (const w of pods) {
      const podContext = w.pod.securityContext ?? {};
      for (const c of containersOf(w)) {
        const sc = c.securityContext ?? {};
        expect(sc.runAsNonRoot ?? podContext.runAsNonRoot, `${label(w, c)} runAsNonRoot`).toBe(true);
        expect(sc.runAsUser ?? podContext.runAsUser, `${label(w, c)} runAsUser`).not.toBe(0);
        expect(sc.readOnlyRootFilesystem, `${label(w, c)} readOnlyRootFilesystem`).toBe(true);
        expect(sc.allowPrivilegeEscalation, `${label(w, c)} allowPrivilegeEscalation`).toBe(false);
        expect(sc.capabilities?.drop, `${label(w, c)} capabilities.drop`).toContain('ALL');
        expect(sc.capabilities?.add ?? [], `${label(w, c)} capabilities.add`).toEqual([]);
        expect((sc.seccompProfile ?? podContext.seccompProfile)?.type, `${label(w, c)} seccompProfile`).toBe('RuntimeDefault');
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(tmp, `${label(w, c)} has no writable /tmp`).toBeDefined();
        expect(w.pod.volumes?.find((v) => v.name === tmp!.name)?.emptyDir, `${label(w, c)} /tmp is not an emptyDir`).toBeDefined();
      }
    }
  });

  it('a namespace that enforces Pod Security "restricted" runs no pod that shares the host’s PIDs', () => {
    for (const w of pods) {
      const ns = ofKind(objects, 'Namespace').find((n) => n.metadata.name === w.namespace);
      if (w.pod.hostPID) expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce'], `${label(w)} uses hostPID`).toBe('privileged');
      else expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce'], `${label(w)}'s namespace`).toMatch(/^(restricted|privileged)$/);
    }
  });

  it('every env variable is one the process’s config reads, and the config it makes loads', () => {
    for (const w of pods) {
      for (const c of w.pod.containers) {
        const schema = processOf(c) === 'serve' ? serveConfigSchema : workerConfigSchema;
        const known = new Set(Object.keys(schema.shape));
        const env = environmentOf(objects, c);
        const named = [...Object.keys(env), ...(c.env ?? []).map((e) => e.name)];
        const unknown = [...new Set(named)].filter((n) => !known.has(n) && !RUNTIME_VARIABLES.has(n));
        expect(unknown, `${label(w, c)} sets variables \`infdbg ${processOf(c)}\` does not read`).toEqual([]);
        expect(() => loadConfig(schema, env), label(w, c)).not.toThrow();
      }
    }
  });

  it('every container runs an image of the same tag, none of them "latest"', () => {
    const images = pods.flatMap((w) => containersOf(w).map((c) => c.image));
    const tags = new Set(images.map((i) => /:([^:/@]+)$/.exec(i)?.[1] ?? '(none)'));
    expect([...tags], images.join(', ')).toHaveLength(1);
    expect([...tags][0]).not.toMatch(/^(latest|\(none\))$/);
  });

  it('every Deployment has a PodDisruptionBudget selecting its pods', () => {
    const budgets = ofKind(objects, 'PodDisruptionBudget');
    for (const w of pods.filter((p) => p.object.kind === 'Deployment')) {
      const pdb = budgets.filter((b) => b.metadata.namespace === w.namespace && selects((b.spec as { selector: never }).selector, w.podLabels));
      expect(pdb, `${label(w)} has no disruption budget`).toHaveLength(1);
    }
  });

  it('the ServiceMonitors scrape /metrics of the bot and of every worker, through Service ports that reach a container port', () => {
    const services = ofKind(objects, 'Service');
    const monitors = ofKind(objects, 'ServiceMonitor');
    const scraped = new Set<string>();
    for (const m of monitors) {
      const spec = m.spec as { selector: never; endpoints: Array<{ port: string; path?: string }> };
      const selected = services.filter((s) => s.metadata.namespace === m.metadata.namespace && selects(spec.selector, s.metadata.labels ?? {}));
      expect(selected.length, `ServiceMonitor ${m.metadata.name} selects no Service`).toBeGreaterThan(0);
      for (const s of selected) {
        const sspec = s.spec as { selector: Record<string, string>; ports: Array<{ name?: string; targetPort?: string | number }> };
        const backing = pods.filter((w) => w.namespace === s.metadata.namespace && selects({ matchLabels: sspec.selector }, w.podLabels));
        expect(backing.length, `Service ${s.metadata.name} selects no pods`).toBeGreaterThan(0);
        for (const e of spec.endpoints) {
          expect(e.path, `ServiceMonitor ${m.metadata.name}`).toBe('/metrics');
          const port = sspec.ports.find((p) => p.name === e.port);
          expect(port, `Service ${s.metadata.name} has no port named ${e.port} for ServiceMonitor ${m.metadata.name}`).toBeDefined();
          for (const w of backing) {
            const c = w.pod.containers.find((x) => x.ports?.some((p) => p.name === port!.targetPort || p.containerPort === port!.targetPort));
            expect(c, `${label(w)} exposes no port ${String(port!.targetPort)} for Service ${s.metadata.name}`).toBeDefined();
            // The scraped port is the one the readiness probe finds the process on.
            expect(c!.ports!.find((p) => p.name === port!.targetPort || p.containerPort === port!.targetPort)!.containerPort).toBe(probePort(c!, c!.readinessProbe!));
            scraped.add(w.object.metadata.name);
          }
        }
      }
    }
    expect([...scraped].sort()).toEqual(pods.map((w) => w.object.metadata.name).sort());
  });
});

describe('the GPU workers', () => {
  it('only overlays/gpu runs them: one per GPU node, tolerating the nvidia.com/gpu taint, named after the node, on the CUDA image', () => {
    for (const overlay of OVERLAYS.filter((o) => o !== 'gpu')) expect(ofKind(renderOverlay(overlay), 'DaemonSet'), overlay).toEqual([]);
    const gpu = workloads(renderOverlay('gpu')).filter((w) => w.object.kind === 'DaemonSet');
    expect(gpu).toHaveLength(1);
    const [w] = gpu as [Workload];
    expect(w.pod.tolerations).toContainEqual(expect.objectContaining({ key: 'nvidia.com/gpu', operator: 'Exists' }));
    expect(w.pod.nodeSelector?.['nvidia.com/gpu.present'] ?? w.pod.affinity, 'GPU nodes only').toBeTruthy();
    const [c] = w.pod.containers as [Container];
    expect(processOf(c)).toBe('worker');
    // The worker takes the jobs of node-<NODE_NAME>: the node's own name, from the downward API.
    expect(c.env?.find((e) => e.name === 'NODE_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    expect(c.image).toMatch(/\/infdbg-gpu:/);
  });

  it('the shared workers are not tied to a node and do not claim GPUs', () => {
    for (const overlay of OVERLAYS) {
      for (const w of workloads(renderOverlay(overlay))) {
        for (const c of w.pod.containers) expect(Object.keys({ ...c.resources?.requests, ...c.resources?.limits }), label(w, c)).not.toContain('nvidia.com/gpu');
      }
    }
  });
});

describe('the schema check itself', () => {
  const bot = ofKind(renderOverlay('cluster'), 'Deployment').find((d) => d.metadata.name === 'infdbg-bot')!;

  it('uses the models of a stated Kubernetes release', () => {
    expect(kubernetesSpecVersion()).toMatch(/^release-1\.\d+$/);
  });

  it('refuses a misspelt field, a missing required one and a wrong type, as the API server would', () => {
    const copy = () => JSON.parse(JSON.stringify(bot)) as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } } & KubeObject;
    const misspelt = copy();
    const c = misspelt.spec.template.spec.containers[0]!;
    c.readinesProbe = c.readinessProbe;
    delete c.readinessProbe;
    expect(schemaErrors(misspelt)).toContain('readinesProbe');
    const noContainers = copy();
    delete (noContainers.spec.template.spec as Record<string, unknown>).containers;
    expect(schemaErrors(noContainers)).toMatch(/containers/);
    const badType = copy();
    badType.spec.template.spec.containers[0]!.ports = [{ name: 'http', containerPort: '3000' }];
    expect(schemaErrors(badType)).toMatch(/containerPort: must be integer/);
    expect(schemaErrors(bot)).toBe('');
  });

  it('refuses a ServiceMonitor endpoint with an unknown field', () => {
    const monitor = JSON.parse(JSON.stringify(ofKind(renderOverlay('cluster'), 'ServiceMonitor')[0])) as KubeObject & { spec: { endpoints: Array<Record<string, unknown>> } };
    monitor.spec.endpoints[0]!.portName = 'http';
    expect(schemaErrors(monitor)).toContain('portName');
  });
});
