// KubeAccess through the real @kubernetes/client-node against the loopback API server stand-in.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { UnreachableError, UsageError } from '../../src/core/errors.ts';
import { createKubeAccess } from '../../src/k8s/kube-access.ts';
import { KubeForbiddenError, KubeNotFoundError } from '../../src/k8s/kube-errors.ts';
import { fixtureJson, llmServerScenario, startKubeApiStandIn, type KubeApiStandIn } from '../support/kube-api-stand-in.ts';

const POD = 'llm-server-6d8f7b9c4-k2x7p';
let standIn: KubeApiStandIn | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function access(options: Parameters<typeof startKubeApiStandIn>[0] = llmServerScenario(), namespaces: string[] = []) {
  standIn = await startKubeApiStandIn(options);
  return { kube: createKubeAccess({ namespaces, kubeConfig: standIn.kubeConfig() }), standIn };
}

describe('KubeAccess against the API server stand-in', () => {
  it('reads a pod by its REST path with the bearer token from the kubeconfig', async () => {
    const { kube, standIn } = await access();
    const pod = await kube.readPod('ml', POD);
    expect(pod.spec?.nodeName).toBe('gpu-node-3');
    expect(pod.status?.containerStatuses?.find((c) => c.name === 'server')?.lastState?.terminated?.reason).toBe('OOMKilled');
    expect(standIn.requests).toEqual([{ method: 'GET', path: `/api/v1/namespaces/ml/pods/${POD}`, query: {}, authorization: 'Bearer test-token' }]);
  });

  it('asks for the previous container logs with a bounded tail', async () => {
    const { kube, standIn } = await access();
    const log = await kube.readPodLogs('ml', POD, { container: 'server', previous: true, tailLines: 200 });
    expect(log).toContain('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 46.57 GiB');
    expect(standIn.requests[0]?.path).toBe(`/api/v1/namespaces/ml/pods/${POD}/log`);
    expect(standIn.requests[0]?.query).toMatchObject({ container: 'server', previous: 'true', tailLines: '200', limitBytes: String(4 * 2 ** 20) });
  });

  it('caps tailLines at 50000 and defaults it to 5000', async () => {
    const { kube, standIn } = await access();
    await kube.readPodLogs('ml', POD, { container: 'server', previous: true, tailLines: 10_000_000 });
    await kube.readPodLogs('ml', POD, { container: 'server', previous: true });
    expect(standIn.requests.map((r) => r.query['tailLines'])).toEqual(['50000', '5000']);
  });

  it('lists the pod events and the node events with field selectors', async () => {
    const { kube, standIn } = await access();
    const events = await kube.listPodEvents('ml', POD);
    const nodeEvents = await kube.listNodeEvents('gpu-node-3');
    expect(events.map((e) => e.reason)).toContain('FailedScheduling');
    expect(nodeEvents.map((e) => e.reason)).toContain('OOMKilling');
    expect(standIn.requests.map((r) => [r.path, r.query['fieldSelector']])).toEqual([
      ['/api/v1/namespaces/ml/events', `involvedObject.kind=Pod,involvedObject.name=${POD}`],
      ['/api/v1/namespaces/default/events', 'involvedObject.kind=Node,involvedObject.name=gpu-node-3'],
    ]);
  });

  it('reads the node and the pod metrics from metrics.k8s.io', async () => {
    const { kube, standIn } = await access();
    const node = await kube.readNode('gpu-node-3');
    const metrics = await kube.podMetrics('ml', POD);
    expect(node.status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('True');
    expect(metrics?.containers.find((c) => c.name === 'server')?.usage.memory).toBe('33254360Ki');
    expect(standIn.requests.map((r) => r.path)).toEqual(['/api/v1/nodes/gpu-node-3', `/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods/${POD}`]);
  });

  it('gives null metrics when metrics.k8s.io is not served', async () => {
    const { kube } = await access({ ...llmServerScenario(), metricsApi: false });
    expect(await kube.podMetrics('ml', POD)).toBeNull();
  });

  it('finds the pod and container that own a container id among the pods on a node', async () => {
    const { kube, standIn } = await access();
    const ref = await kube.findPodByContainerId('9821ba51c94d650a7950daf2c32eb3d6582f84a3423ec555ad4b2e9161c4750b', { nodeName: 'gpu-node-3' });
    expect(ref).toEqual({ namespace: 'ml', pod: POD, container: 'server', nodeName: 'gpu-node-3' });
    expect(await kube.findPodByContainerId('containerd://5e1c0f4b9d2a', { nodeName: 'gpu-node-3' })).toMatchObject({ container: 'metrics-exporter' });
    expect(await kube.findPodByContainerId('ffffffffffff', { nodeName: 'gpu-node-3' })).toBeNull();
    expect(standIn.requests[0]).toMatchObject({ path: '/api/v1/pods', query: { fieldSelector: 'spec.nodeName=gpu-node-3' } });
  });

  it('searches only allowed namespaces for a container id when an allowlist is set', async () => {
    const { kube, standIn } = await access(llmServerScenario(), ['ml', 'serving']);
    await kube.findPodByContainerId('9821ba51c94d', { nodeName: 'gpu-node-3' });
    expect(standIn.requests.map((r) => r.path).sort()).toEqual(['/api/v1/namespaces/ml/pods', '/api/v1/namespaces/serving/pods']);
  });

  it('refuses a namespace outside the allowlist without sending any request', async () => {
    const { kube, standIn } = await access(llmServerScenario(), ['serving']);
    await expect(kube.readPod('ml', POD)).rejects.toThrow(UsageError);
    await expect(kube.readPodLogs('ml', POD)).rejects.toThrow(/namespace "ml" is not in the allowlist/);
    expect(standIn.requests).toEqual([]);
  });

  it('turns a 403 into an error naming the RBAC verb and resource to add', async () => {
    const { kube } = await access({ ...llmServerScenario(), forbid: ['pods/log'] });
    const err = await kube.readPodLogs('ml', POD, { previous: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeForbiddenError);
    expect((err as Error).message).toBe(
      'forbidden: the service account cannot get pods/log in namespace ml — add verb get on resource pods/log to its Role',
    );
  });

  it('serves 403 bodies shaped exactly like the recorded API server Status', async () => {
    const { standIn } = await access({ ...llmServerScenario(), forbid: ['pods/log'] });
    const res = await fetch(`${standIn.url}/api/v1/namespaces/ml/pods/${POD}/log`, { headers: { authorization: 'Bearer test-token' } });
    const recorded = fixtureJson('status-403-forbidden.json');
    expect(await res.json()).toEqual(recorded);
  });

  it('names a ClusterRole for a cluster-scoped resource', async () => {
    const { kube } = await access({ ...llmServerScenario(), forbid: ['nodes'] });
    await expect(kube.readNode('gpu-node-3')).rejects.toThrow(
      'forbidden: the service account cannot get nodes at the cluster scope — add verb get on resource nodes to its ClusterRole',
    );
  });

  it('turns a 404 into a one-line "not found" usage error', async () => {
    const { kube } = await access();
    const err = await kube.readPod('ml', 'missing-pod').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeNotFoundError);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('pod ml/missing-pod not found');
  });

  it('reports an API server that refuses connections as unreachable, naming its URL', async () => {
    const port = await closedPort();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'gone', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token-value' }],
      contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }],
      currentContext: 'gone',
    });
    const kube = createKubeAccess({ namespaces: [], kubeConfig: kc });
    const err = await kube.readPod('ml', POD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe(`Kubernetes API server http://127.0.0.1:${port} is unreachable (ECONNREFUSED)`);
    expect((err as Error).message).not.toContain('secret-token-value');
  });

  it('gives up on an API server that accepts but never answers, at the request deadline', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'silent', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
        users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'silent', cluster: 'silent', user: 'u' }],
        currentContext: 'silent',
      });
      const kube = createKubeAccess({ namespaces: [], kubeConfig: kc, requestTimeoutMs: 200 });
      await expect(kube.readPod('ml', POD)).rejects.toThrow(`Kubernetes API server http://127.0.0.1:${port} did not answer within 0.2 s (get pod ml/${POD})`);
    } finally {
      silent.close();
    }
  });

  it('stops when the caller aborts, with the caller\'s reason', async () => {
    const { kube } = await access();
    const controller = new AbortController();
    controller.abort(new Error('job cancelled'));
    await expect(kube.readPod('ml', POD, { signal: controller.signal })).rejects.toThrow('job cancelled');
  });
});

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
