// Change faults injected into the recorded ml/ranker Deployment served by the Kubernetes API
// stand-in (test/support/kube-api-stand-in.ts, rankerScenario): a new image whose pods restart, a
// configuration-only revision, an HPA that scaled down to one replica, a rollout stuck on an image
// pull, a crash loop that began with the new revision; controls: a deployment quiet for days, and
// a healthy rollout 15 min ago (a change is not a fault). `changes ml/ranker` runs exactly as
// `/debug changes` would, with the clock of the recording.
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { RANKER_NOW, rankerScenario, startKubeApiStandIn, type KubeApiStandInOptions, type RankerVariant } from '../../test/support/kube-api-stand-in.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';

export async function changesOn(options: KubeApiStandInOptions, target = 'ml/ranker'): Promise<DiagnosticResult[]> {
  const standIn = await startKubeApiStandIn(options);
  try {
    const kube = createKubeAccess({ namespaces: [], kubeConfig: standIn.kubeConfig() });
    return [await runCommandLine(`changes ${target}`, { kube, now: () => RANKER_NOW })];
  } finally {
    await standIn.close();
  }
}

const variant = (v: RankerVariant, target?: string) => () => changesOn(rankerScenario(v), target);

/** The new-image rollout with every pod healthy: no restarts. */
function healthyRollout(): KubeApiStandInOptions {
  const options = rankerScenario('new-image');
  for (const { pod } of options.pods) {
    const status = (pod as { status: { containerStatuses: Array<Record<string, unknown>> } }).status.containerStatuses[0];
    if (status) Object.assign(status, { restartCount: 0, lastState: {} });
  }
  return options;
}

export const scenarios: Scenario[] = [
  {
    name: 'changes-new-image-restarts',
    injected: 'revision 12 (ranker 3.1.4 → 3.2.0) rolled out 15 min ago; its pods restart with exit 1',
    expect: 'deploy-new-image',
    deterministic: true,
    run: variant('new-image'),
  },
  {
    name: 'changes-new-image-pod-target',
    injected: 'the same rollout, asked about one of its pods (owner ReplicaSet → Deployment)',
    expect: 'deploy-new-image',
    deterministic: true,
    run: variant('new-image', 'ml/pod/ranker-5f7c9d8b4-p9w4q'),
  },
  {
    name: 'changes-config-only',
    injected: 'revision 12 keeps the image but changes FEATURE_SET and the envFrom ConfigMap; its pods restart',
    expect: 'config-change',
    deterministic: true,
    run: variant('config-only'),
  },
  {
    name: 'changes-hpa-scaled-to-one',
    injected: 'the HPA scaled 3 → 2 → 1 in the last 40 min; one replica serves everything',
    expect: 'too-few-replicas',
    deterministic: true,
    run: variant('hpa-scaled-down'),
  },
  {
    name: 'changes-rollout-stuck',
    injected: 'the new revision cannot pull its image: ImagePullBackOff, ProgressDeadlineExceeded',
    expect: 'rollout-stuck',
    deterministic: true,
    run: variant('rollout-stuck'),
  },
  {
    name: 'changes-crash-loop',
    injected: 'the new revision began 8 min ago and its pod is in CrashLoopBackOff',
    expect: 'crash-loop-after-change',
    deterministic: true,
    run: variant('crash-loop'),
  },
  {
    name: 'changes-quiet-control',
    injected: 'none: the last rollout was 6 days ago, 3/3 ready, no restarts, no scaling',
    expect: null,
    deterministic: true,
    run: variant('quiet'),
  },
  {
    name: 'changes-healthy-rollout-control',
    injected: 'none: a new image rolled out 15 min ago and every pod is ready without a restart',
    expect: null,
    deterministic: true,
    run: () => changesOn(healthyRollout()),
  },
];
