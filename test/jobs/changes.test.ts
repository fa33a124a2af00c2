// The changes diagnostic end to end: the real @kubernetes/client-node against the API server
// stand-in serving the recorded ml/ranker Deployment (revisions, pods, HPA, events), the report's
// tables and observations, and the ranking the causes catalogue makes of them.
import { afterEach, describe, expect, it } from 'vitest';
import { changesDiagnostic, type ChangesData } from '../../jobs/changes.ts';
import { pooledHypotheses, plausible } from '../../src/diagnosis/diagnose.ts';
import { observer } from '../../src/diagnosis/observation.ts';
import { InputError, UsageError } from '../../src/core/errors.ts';
import { createKubeAccess, type KubeAccess } from '../../src/k8s/kube-access.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { fixtureJson, llmServerScenario, RANKER_NOW, rankerScenario, startKubeApiStandIn, type KubeApiStandIn, type KubeApiStandInOptions } from '../support/kube-api-stand-in.ts';

let standIn: KubeApiStandIn | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function kubeFor(options: KubeApiStandInOptions, namespaces: string[] = []): Promise<KubeAccess> {
  standIn = await startKubeApiStandIn(options);
  return createKubeAccess({ namespaces, kubeConfig: standIn.kubeConfig() });
}

async function changes(args: string, kube: KubeAccess | undefined, progress: number[] = []): Promise<DiagnosticResult> {
  const payload = changesDiagnostic.payload.parse(changesDiagnostic.parseArgs(args.split(' ')));
  return runDiagnostic(changesDiagnostic, payload, { fetch, now: () => RANKER_NOW, nodeName: 'local', kube, progress: (p) => void progress.push(p) });
}

const obs = (r: DiagnosticResult, name: string) => r.observations.filter((o) => o.name === name);
const value = (r: DiagnosticResult, name: string) => obs(r, name)[0]?.value;
const table = (r: DiagnosticResult, prefix: string) => r.tables.find((t) => t.title.startsWith(prefix));

describe('changes <namespace>/<deployment|pod>', () => {
  it('parses a deployment, a pod or either, and rejects anything else with the usage line', () => {
    expect(changesDiagnostic.parseArgs(['ml/ranker'])).toEqual({ namespace: 'ml', name: 'ranker', kind: 'auto' });
    expect(changesDiagnostic.parseArgs(['ml/deployment/ranker'])).toEqual({ namespace: 'ml', name: 'ranker', kind: 'deployment' });
    expect(changesDiagnostic.parseArgs(['ml/deploy/ranker'])).toEqual({ namespace: 'ml', name: 'ranker', kind: 'deployment' });
    expect(changesDiagnostic.parseArgs(['ml/pod/ranker-5f7c9d8b4-x7k2m'])).toEqual({ namespace: 'ml', name: 'ranker-5f7c9d8b4-x7k2m', kind: 'pod' });
    expect(() => changesDiagnostic.parseArgs(['ranker'])).toThrow('"ranker" is not <namespace>/<deployment> or <namespace>/pod/<name>');
    expect(() => changesDiagnostic.parseArgs(['ml/job/ranker'])).toThrow('the middle part must be deployment or pod, got "job"');
    expect(() => changesDiagnostic.parseArgs(['ml/a', 'ml/b'])).toThrow(UsageError);
    expect(() => changesDiagnostic.parseArgs(['ml/ranker', '--since', '1h'])).toThrow(UsageError);
    expect(changesDiagnostic.payload.safeParse({ namespace: 'ML', name: 'ranker' }).success).toBe(false);
  });

  it('a new image rolled out 15 min ago whose pods restart: history, changes and timeline tables, and the deploy ranked first', async () => {
    const progress: number[] = [];
    const result = await changes('ml/ranker', await kubeFor(rankerScenario('new-image')), progress);

    expect(value(result, 'target.deployment')).toBe('ranker');
    expect(value(result, 'change.revision')).toBe(12);
    expect(value(result, 'change.rollout_age')).toBe(898); // 14:05:02 → 14:20:00
    expect(value(result, 'change.image_changed')).toBe(true);
    expect(value(result, 'change.config_changed')).toBe(false);
    expect(value(result, 'change.recent_restarts')).toBe(6);
    expect(obs(result, 'change.recent_restarts')[0]).toMatchObject({ windowSeconds: 3600, sampleSize: 3 });
    expect(value(result, 'change.rollout_in_progress')).toBe(false);
    expect(obs(result, 'change.new_revision_restarts')[0]?.text).toContain('11 min after the rollout began');

    const history = table(result, 'Rollout history of deployment ml/ranker');
    expect(history?.rows.map((r) => [r[0], r[1], r[4]])).toEqual([
      ['12 (current)', 'ranker-5f7c9d8b4', 'server=ranker:3.2.0'],
      [11, 'ranker-6b8d4c7f9', 'server=ranker:3.1.4'],
      [10, 'ranker-84d6f5c9b7', 'server=ranker:3.1.2'],
    ]);
    expect(table(result, 'What revision 12 changed against revision 11')?.rows).toEqual([
      ['image', 'server', 'image', 'registry.example.com/ml/ranker:3.1.4', 'registry.example.com/ml/ranker:3.2.0'],
    ]);
    const timeline = table(result, 'Timeline of ml/ranker')?.rows.map((r) => `${r[0]} ${r[2]}`) ?? [];
    const at = (s: string) => timeline.findIndex((line) => line.includes(s));
    expect(at('revision 12 created')).toBeGreaterThan(at('revision 11 created'));
    expect(at('Scaled down replica set ranker-6b8d4c7f9 to 0 from 1')).toBeGreaterThan(at('revision 12 created'));
    expect(timeline.at(-1)).toBe('2026-11-22T14:16:31Z ranker-5f7c9d8b4-x7k2m/server last exited: Error (exit 1), 4 restarts');

    expect(result.severity).toBe('warning');
    const top = plausible(result.hypotheses)[0];
    expect(top).toMatchObject({ cause: 'deploy-new-image', likelihood: 'high' });
    expect(top?.evidence.join(' ')).toContain('server: ranker:3.1.4 → ranker:3.2.0');
    expect(top?.evidence.join(' ')).toContain('began 15 min ago');
    expect(top?.fixes[0]).toContain('`kubectl -n ml rollout undo deployment/ranker`');
    expect(result.summary).toMatch(/^Most likely: The rollout of revision 12 \(a new image\)/);
    expect(result.summary).toContain('ml/ranker: revision 12 rolled out 15 min ago (image changed since revision 11); 3/3 replicas ready; 6 restarts in the last hour');
    expect(progress.at(-1)).toBe(100);
  });

  it('a configuration-only revision: what changed in env and envFrom, the image unchanged, config-change first', async () => {
    const result = await changes('ml/deployment/ranker', await kubeFor(rankerScenario('config-only')));
    expect(value(result, 'change.image_changed')).toBe(false);
    expect(value(result, 'change.config_changed')).toBe(true);
    expect(obs(result, 'change.template_change').map((o) => [o.value, o.subject])).toEqual([
      ['env', 'server env FEATURE_SET'],
      ['config-ref', 'server envFrom'],
    ]);
    expect(obs(result, 'change.config_changed')[0]?.text).toBe('revision 12 changed server env FEATURE_SET: v3 → v4; server envFrom: configMap ranker-config → configMap ranker-config-v2');
    const ranked = plausible(result.hypotheses);
    expect(ranked[0]).toMatchObject({ cause: 'config-change', likelihood: 'high' });
    // The new-image cause is weighed and said to be contradicted by the unchanged image.
    expect(result.hypotheses.find((h) => h.cause === 'deploy-new-image')?.against.join(' ')).toContain('runs the same image as revision 11');
  });

  it('a quiet deployment: no warning, no change cause plausible, and the evidence against says why', async () => {
    const result = await changes('ml/ranker', await kubeFor(rankerScenario('quiet')));
    expect(result.severity).toBe('ok');
    expect(result.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium')).toEqual([]);
    const changeCauses = ['deploy-new-image', 'config-change', 'rollout-stuck', 'crash-loop-after-change', 'too-few-replicas'];
    expect(plausible(result.hypotheses).filter((h) => changeCauses.includes(h.cause))).toEqual([]);
    expect(value(result, 'change.recent_restarts')).toBe(0);
    expect(result.hypotheses.find((h) => h.cause === 'deploy-new-image')?.against[0]).toMatch(/^no rollout in the last 24 h: the rollout of revision 12 began 6\.0 d ago/);
    expect(result.summary).toContain('ml/ranker: revision 12 rolled out 6.0 d ago (image changed since revision 11); 3/3 replicas ready; no restarts in the last hour; HPA ranker steady at 3.');
  });

  it('a healthy rollout 15 min ago is a change, not a fault: unlikely on its own, raised by the errors health measures and the symptom reported', async () => {
    const scenario = rankerScenario('new-image');
    for (const { pod } of scenario.pods) {
      const s = (pod as { status: { containerStatuses: Array<Record<string, unknown>> } }).status.containerStatuses[0]!;
      Object.assign(s, { restartCount: 0, lastState: {} });
    }
    const result = await changes('ml/ranker', await kubeFor(scenario));
    expect(result.severity).toBe('ok');
    expect(result.hypotheses.find((h) => h.cause === 'deploy-new-image')).toMatchObject({ likelihood: 'unlikely', against: [expect.stringContaining("revision 12's pods have not restarted")] });
    expect(result.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium')).toEqual([]);

    // Pooled with what health measures on the same service (its observation name and unit), then with the person's words.
    const health = observer('health', { 'errors.rate': { unit: 'ratio', description: 'errors / requests' } });
    const errors = health('errors.rate', 0.08, '8.0 % errors (32 of 400 requests)', { sampleSize: 400, windowSeconds: 10 });
    const withErrors = pooledHypotheses([result], [errors]).find((h) => h.cause === 'deploy-new-image');
    expect(withErrors).toMatchObject({ likelihood: 'medium' });
    expect(withErrors?.evidence).toContainEqual(expect.stringMatching(/under an hour old: .*, with 8\.0 % errors \(32 of 400 requests\) \[changes, health\]$/));
    const said = observer('investigate', { 'symptom.category': { unit: 'label', description: 'kind of problem' } })('symptom.category', 'errors', 'symptom: errors');
    expect(pooledHypotheses([result], [errors, said]).find((h) => h.cause === 'deploy-new-image')?.likelihood).toBe('high');
  });

  it('an HPA that scaled down to one replica: direction, age and capacity cause', async () => {
    const result = await changes('ml/ranker', await kubeFor(rankerScenario('hpa-scaled-down')));
    expect(obs(result, 'change.hpa_scaled')).toEqual([expect.objectContaining({ value: 'down', subject: 'ranker' })]);
    expect(obs(result, 'change.hpa_scaled')[0]?.text).toBe('HPA ranker scaled down from 2 to 1 12 min ago (All metrics below target; min 1, max 6, now 1, wants 1)');
    expect(value(result, 'change.scale_down_age')).toBe(715);
    expect(value(result, 'change.hpa_at_max')).toBe(false);
    expect(plausible(result.hypotheses)[0]?.cause).toBe('too-few-replicas');
  });

  it('an HPA at its maximum is short of capacity only when it wants more: ScalingLimited TooManyReplicas, or with no such condition a metric above its target', async () => {
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const atMax = (limited: Json | null, utilization: number) => {
      const scenario = rankerScenario('quiet');
      const hpa = scenario.horizontalPodAutoscalers![0] as Json;
      hpa.status.currentReplicas = 6;
      hpa.status.desiredReplicas = 6; // the controller caps desired at maxReplicas (6)
      hpa.status.currentMetrics[0].resource.current.averageUtilization = utilization; // target 70
      hpa.status.conditions = hpa.status.conditions.filter((c: Json) => c.type !== 'ScalingLimited').concat(limited ? [limited] : []);
      return scenario;
    };
    const run = async (scenario: KubeApiStandInOptions) => {
      const result = await changes('ml/ranker', await kubeFor(scenario));
      await standIn?.close();
      standIn = undefined;
      return result;
    };
    const within = await run(atMax({ type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' }, 70));
    expect(value(within, 'change.hpa_at_max')).toBe(false);
    expect(obs(within, 'change.hpa_at_max')[0]?.text).toBe('HPA ranker runs its maximum of 6 replicas and asks for no more (ScalingLimited False: DesiredWithinRange)');
    expect(plausible(within.hypotheses).map((h) => h.cause)).not.toContain('too-few-replicas');
    const limited = await run(atMax({ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }, 140));
    expect(value(limited, 'change.hpa_at_max')).toBe(true);
    expect(plausible(limited.hypotheses)[0]?.cause).toBe('too-few-replicas');
    expect(value(await run(atMax(null, 140)), 'change.hpa_at_max')).toBe(true);
    expect(value(await run(atMax(null, 72)), 'change.hpa_at_max')).toBe(false);
  });

  it('a stuck rollout whose pod events name the reason (a pull that found the disk full) puts that reason first', async () => {
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const scenario = rankerScenario('rollout-stuck');
    const first = scenario.pods[0]!;
    const template = (fixtureJson<Json>('events-ml-ranker-deployment.json').items as Json[])[0]!;
    // containerd's pull error as kubelet reports it in a Failed event (the layer path shortened).
    const message = 'Failed to pull image "registry.example.com/ml/ranker:3.2.0": failed to pull and unpack image "registry.example.com/ml/ranker:3.2.0": failed to extract layer sha256:7c1e5a9f: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/1841/fs/usr/lib/libtorch_cuda.so: no space left on device: unknown';
    first.events = { kind: 'EventList', apiVersion: 'v1', metadata: {}, items: [{ ...structuredClone(template), type: 'Warning', reason: 'Failed', message, involvedObject: { kind: 'Pod', namespace: 'ml', name: (first.pod as Json).metadata.name } }] };
    const result = await changes('ml/ranker', await kubeFor(scenario));
    expect(obs(result, 'log.signature').map((o) => o.value)).toContain('disk-full');
    expect(plausible(result.hypotheses).map((h) => h.cause).slice(0, 2)).toEqual(['disk-full', 'rollout-stuck']);
  });

  it('an HPA that cannot read its metric (ScalingActive False, no metrics-server) cannot add replicas: too few replicas, with the condition quoted', async () => {
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const scenario = rankerScenario('quiet');
    const hpa = scenario.horizontalPodAutoscalers![0] as Json;
    const message = 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';
    hpa.status.currentMetrics = null;
    hpa.status.conditions = hpa.status.conditions.filter((c: Json) => c.type !== 'ScalingActive').concat([{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message }]);
    const blind = await changes('ml/ranker', await kubeFor(scenario));
    expect(value(blind, 'change.hpa_metrics_unavailable')).toBe(true);
    expect(obs(blind, 'change.hpa_metrics_unavailable')[0]?.text).toContain('cannot scale — ScalingActive False (FailedGetResourceMetric)');
    expect(plausible(blind.hypotheses)[0]?.cause).toBe('too-few-replicas');
    await standIn?.close();
    standIn = undefined;
    const healthy = await changes('ml/ranker', await kubeFor(rankerScenario('quiet')));
    expect(value(healthy, 'change.hpa_metrics_unavailable')).toBe(false);
  });

  it('an HPA that scaled up and down again and again in the last hour is flapping, with its path and stabilization window', async () => {
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const scenario = rankerScenario('quiet');
    const template = (fixtureJson<Json>('events-ml-ranker-hpa.json').items as Json[])[0]!;
    const hpa = scenario.horizontalPodAutoscalers![0] as Json;
    hpa.spec.behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
    // RANKER_NOW is 14:20: six rescales 3 ↔ 6 between 13:31 and 14:16, as the HPA controller words them.
    const times = ['13:31:40', '13:38:10', '13:46:25', '13:52:55', '14:01:30', '14:16:05'];
    const rescales = times.map((t, i) => ({
      ...template,
      metadata: { ...template.metadata, name: `ranker.flap${i}` },
      firstTimestamp: `2026-11-22T${t}Z`,
      lastTimestamp: `2026-11-22T${t}Z`,
      message: i % 2 === 0 ? 'New size: 6; reason: cpu resource utilization (percentage of request) above target' : 'New size: 3; reason: All metrics below target',
    }));
    scenario.objectEvents = [...(scenario.objectEvents ?? []).filter((e) => (e as Json).involvedObject?.kind !== 'HorizontalPodAutoscaler'), ...rescales];
    const result = await changes('ml/ranker', await kubeFor(scenario));
    expect(obs(result, 'change.hpa_reversals')[0]).toMatchObject({ value: 5, subject: 'ranker' });
    expect(obs(result, 'change.hpa_reversals')[0]?.text).toContain('scale-down stabilization window 0 s');
    expect(plausible(result.hypotheses)[0]).toMatchObject({ cause: 'hpa-flapping', likelihood: 'high' });
  });

  it('a stuck rollout and a crash loop after the change are told apart', async () => {
    const stuck = await changes('ml/ranker', await kubeFor(rankerScenario('rollout-stuck')));
    expect(value(stuck, 'change.rollout_stuck')).toBe(true);
    expect(obs(stuck, 'change.waiting_reason')[0]).toMatchObject({ value: 'ImagePullBackOff', subject: 'ranker-5f7c9d8b4-x7k2m/server' });
    expect(stuck.severity).toBe('critical');
    expect(plausible(stuck.hypotheses)[0]).toMatchObject({ cause: 'rollout-stuck', likelihood: 'high' });
    await standIn?.close();

    const looping = await changes('ml/ranker', await kubeFor(rankerScenario('crash-loop')));
    expect(value(looping, 'change.crash_looping')).toBe(1);
    expect(plausible(looping.hypotheses)[0]).toMatchObject({ cause: 'crash-loop-after-change', likelihood: 'high' });
    // The next step names the crashing pod.
    expect(plausible(looping.hypotheses)[0]?.confirm[0]).toContain('/debug logs ml/ranker-5f7c9d8b4-x7k2m --previous');
  });

  it('a pod target finds its Deployment through the ReplicaSet that owns it', async () => {
    const result = await changes('ml/ranker-5f7c9d8b4-x7k2m', await kubeFor(rankerScenario('new-image')));
    expect(value(result, 'target.pod')).toBe('ranker-5f7c9d8b4-x7k2m');
    expect(value(result, 'target.deployment')).toBe('ranker');
    expect(value(result, 'change.revision')).toBe(12);
    const paths = standIn?.requests.map((r) => r.path) ?? [];
    expect(paths.slice(0, 4)).toEqual([
      '/apis/apps/v1/namespaces/ml/deployments/ranker-5f7c9d8b4-x7k2m', // not a deployment (404), so a pod
      '/api/v1/namespaces/ml/pods/ranker-5f7c9d8b4-x7k2m',
      '/apis/apps/v1/namespaces/ml/replicasets/ranker-5f7c9d8b4',
      '/apis/apps/v1/namespaces/ml/deployments/ranker',
    ]);
    expect(standIn?.requests.find((r) => r.path === '/apis/apps/v1/namespaces/ml/replicasets')?.query).toEqual({ labelSelector: 'app.kubernetes.io/name=ranker' });
    expect(new Set(standIn?.requests.map((r) => r.method))).toEqual(new Set(['GET']));
  });

  it('a pod whose ReplicaSet is gone still reports its restarts, and says there is no history to read', async () => {
    const result = await changes('ml/pod/llm-server-6d8f7b9c4-k2x7p', await kubeFor(llmServerScenario()));
    expect(value(result, 'change.recent_restarts')).toBe(5);
    expect(obs(result, 'change.recent_restarts')[0]?.text).toBe('5 restarts in 1 of 1 pods within the last hour (last: llm-server-6d8f7b9c4-k2x7p/server OOMKilled (exit 137) 17 min ago)');
    expect(value(result, 'change.crash_looping')).toBe(1);
    expect(obs(result, 'change.revision')).toEqual([]);
    expect(result.evidence[0]).toMatchObject({ label: 'not a Deployment', value: 'pod ml/llm-server-6d8f7b9c4-k2x7p is controlled by ReplicaSet/llm-server-6d8f7b9c4, which no longer exists: no rollout history to read' });
    expect(result.severity).toBe('critical');
  });

  it('answers a missing target with one line', async () => {
    const kube = await kubeFor(rankerScenario('new-image'));
    const err = await changes('ml/missing', kube).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('neither a deployment nor a pod named missing in namespace ml');
    await expect(changes('ml/deployment/missing', kube)).rejects.toThrow('deployment ml/missing not found');
    await expect(changes('ml/pod/missing', kube)).rejects.toThrow('pod ml/missing not found');
  });

  it('refuses a namespace outside the allowlist before asking the API', async () => {
    const kube = await kubeFor(rankerScenario('new-image'), ['serving']);
    await expect(changes('ml/ranker', kube)).rejects.toThrow('namespace "ml" is not in the allowlist (INFDBG_NAMESPACES: serving)');
    expect(standIn?.requests).toEqual([]);
  });

  it('says so when the worker has no Kubernetes access', async () => {
    await expect(changes('ml/ranker', undefined)).rejects.toThrow(InputError);
  });

  it('turns a 403 on the autoscalers into a finding naming the RBAC rule, and reports the rest', async () => {
    const result = await changes('ml/ranker', await kubeFor({ ...rankerScenario('hpa-scaled-down'), forbid: ['horizontalpodautoscalers'] }));
    const findings = (result.data as ChangesData).findings;
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'kube-forbidden',
        fix: 'Add to the worker\'s Role: {apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: ["list"]}',
      }),
    ]);
    expect(result.summary).toContain('Not checked: list horizontalpodautoscalers in ml: forbidden');
    expect(value(result, 'change.revision')).toBe(12);
    expect(obs(result, 'change.hpa_scaled')).toEqual([]);
  });
});
