// The pure parts of the rollout history: template differences (redacted), rescale direction from
// the HPA's real event texts, and a rollback recognised from the deployment controller's events.
import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { containerRestarts, digestSplits, hpaRescales, imageDigest, revisionsOf, rolloutStart, templateChanges } from '../../src/k8s/rollout-history.ts';
import { fixtureJson } from '../support/kube-api-stand-in.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const replicaSets = () => (fixtureJson<Json>('replicasets-ml-ranker.json').items as Json[]).map((x) => structuredClone(x));
const template = (rs: Json): Json => rs.spec.template as Json;
const event = (reason: string, message: string, at: string): CoreV1Event => ({ reason, message, lastTimestamp: new Date(at), involvedObject: {}, metadata: {} });

describe('templateChanges', () => {
  it('finds resources, args, a secret reference and hides changed secret values', () => {
    const [rs12, rs11] = replicaSets() as [Json, Json];
    const before = template(rs11);
    const after = template(rs12);
    const c = after.spec.containers[0];
    c.resources.limits.memory = '2Gi';
    c.args = ['--model', '/models/ranker.onnx', '--max-batch-size', '64'];
    c.env.find((e: Json) => e.name === 'FEATURE_STORE_TOKEN').valueFrom.secretKeyRef.name = 'feature-store-v2';
    before.spec.containers[0].env.push({ name: 'DB_PASSWORD', value: 'hunter2' });
    c.env.push({ name: 'DB_PASSWORD', value: 'correct-horse' });
    const changes = templateChanges(before, after);
    expect(changes.map((x) => [x.kind, x.field, x.before, x.after])).toEqual([
      ['image', 'image', 'registry.example.com/ml/ranker:3.1.4', 'registry.example.com/ml/ranker:3.2.0'],
      ['env', 'env DB_PASSWORD', '(set)', '(changed)'],
      ['config-ref', 'env FEATURE_STORE_TOKEN', 'secret feature-store key token', 'secret feature-store-v2 key token'],
      ['resources', 'limits.memory', '4Gi', '2Gi'],
      ['args', 'args', '--model /models/ranker.onnx --max-batch-size 32', '--model /models/ranker.onnx --max-batch-size 64'],
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/hunter2|correct-horse/);
  });

  it('reads `kubectl rollout restart` as a restart, and two identical templates as no change', () => {
    const [rs12] = replicaSets() as [Json];
    const before = template(rs12);
    const after = structuredClone(before);
    expect(templateChanges(before, after)).toEqual([]);
    after.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-11-22T14:04:58Z' };
    expect(templateChanges(before, after)).toEqual([{ kind: 'restart', field: 'kubectl rollout restart', before: null, after: '2026-11-22T14:04:58Z' }]);
  });
});

describe('revisions and rollbacks', () => {
  it('orders the ReplicaSets the Deployment owns by revision and ignores others', () => {
    const deployment = fixtureJson<Json>('deployment-ml-ranker.json');
    const sets = replicaSets();
    sets[2]!.metadata.ownerReferences[0].uid = 'another-deployment';
    expect(revisionsOf(deployment, sets).map((r) => [r.revision, r.replicaSet, r.createdAt])).toEqual([
      [12, 'ranker-5f7c9d8b4', '2026-11-22T14:05:02Z'],
      [11, 'ranker-6b8d4c7f9', '2026-11-18T09:12:44Z'],
    ]);
  });

  it('dates a rollback from the old ReplicaSet being scaled up again, not from its creation', () => {
    const deployment = fixtureJson<Json>('deployment-ml-ranker.json');
    const [, rs11] = revisionsOf(deployment, replicaSets());
    const undo = [event('ScalingReplicaSet', 'Scaled up replica set ranker-6b8d4c7f9 to 1', '2026-11-22T14:11:00Z'), event('ScalingReplicaSet', 'Scaled down replica set ranker-5f7c9d8b4 to 2 from 3', '2026-11-22T14:11:20Z')];
    expect(rolloutStart(rs11!, undo)).toEqual({ at: '2026-11-22T14:11:00Z', reused: true });
    // An HPA-driven scale-up of the current ReplicaSet is not a rollout.
    expect(rolloutStart(rs11!, [event('ScalingReplicaSet', 'Scaled up replica set ranker-6b8d4c7f9 to 5 from 3', '2026-11-22T14:11:00Z')])).toEqual({ at: '2026-11-18T09:12:44Z', reused: false });
  });
});

describe('hpaRescales', () => {
  it('reads size and direction from the controller\'s "New size: N; reason: …" events', () => {
    const events = [
      // Texts as the HPA controller writes them (pkg/controller/podautoscaler/horizontal.go; seen in public `kubectl describe hpa` output).
      event('SuccessfulRescale', 'New size: 6; reason: cpu resource utilization (percentage of request) above target', '2026-11-22T13:00:00Z'),
      event('SuccessfulRescale', 'New size: 2; reason: All metrics below target', '2026-11-22T13:30:00Z'),
      event('FailedGetResourceMetric', 'failed to get cpu utilization: missing request for cpu', '2026-11-22T13:40:00Z'),
      event('SuccessfulRescale', 'New size: 1; reason: All metrics below target', '2026-11-22T14:00:00Z'),
    ];
    expect(hpaRescales(events, 'ranker').map((s) => [s.from, s.to, s.direction])).toEqual([
      [null, 6, 'up'],
      [6, 2, 'down'],
      [2, 1, 'down'],
    ]);
  });
});

describe('digestSplits', () => {
  type Pods = Parameters<typeof containerRestarts>[0];
  const recorded = () => structuredClone((fixtureJson('pods-ml-ranker.json') as { items: Pods }).items) as unknown as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  it('reads the digest from both imageID spellings', () => {
    expect(imageDigest('docker-pullable://registry.example.com/ml/ranker@sha256:5B0F1C9E7D3A2B4C6E8F0A1B3C5D7E9F1A2B4C6D8E0F2A4B6C8D0E2F4A6B8C0D')).toBe('sha256:5b0f1c9e7d3a2b4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d');
    expect(imageDigest('registry.example.com/ml/ranker:3.2.0')).toBeNull();
  });
  it('finds one tag running two images across the recorded pods, and nothing when they agree', () => {
    const pods = recorded();
    expect(digestSplits(containerRestarts(pods as unknown as Pods))).toEqual([]);
    pods[2]!.status.containerStatuses[0].imageID = 'registry.example.com/ml/ranker@sha256:9e4d2a7c1b8f3e6d0a5c9b2f7e1d4a8c3b6f0e9d2a5c8b1f4e7d0a3c6b9f2e5d';
    const [split] = digestSplits(containerRestarts(pods as unknown as Pods));
    expect(split).toMatchObject({ container: pods[2]!.status.containerStatuses[0].name, image: 'registry.example.com/ml/ranker:3.2.0' });
    expect(split!.digests.map((d) => d.pods.length)).toEqual([2, 1]);
    expect(split!.digests[1]!.pods).toEqual([pods[2]!.metadata.name]);
  });
});
