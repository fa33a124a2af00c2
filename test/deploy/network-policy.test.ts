// The rendered NetworkPolicies, evaluated as a cluster's network would (an egress is allowed when
// a policy selecting the pod has a rule whose peers and ports match), against what the target
// policy (src/policy/target-policy.ts) says: cloud metadata and link-local addresses refused from
// every pod on every port, while DNS, Redis, Slack over HTTPS and the cluster's services stay
// reachable; in overlays/namespaced only the services of INFDBG_NAMESPACES.
import { BlockList, isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseAllowedTargets, refusedAddressReason } from '../../src/policy/target-policy.ts';
import { ofKind, overlayNames, renderOverlay, selects, workloads, type KubeObject, type Workload } from '../support/kustomize.ts';

type Selector = Parameters<typeof selects>[0];

interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  podSelector?: Selector;
  namespaceSelector?: Selector;
}

interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: Array<{ protocol?: string; port?: number | string }>;
}

interface PolicySpec {
  podSelector: Selector;
  policyTypes?: string[];
  egress?: Rule[];
  ingress?: Rule[];
}

/** Where a connection goes: an address outside the cluster, or a pod (its namespace's and its own labels). */
type Destination = { address: string } | { namespace: string; namespaceLabels: Record<string, string>; podLabels: Record<string, string>; podPorts?: Record<string, number> };

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bits] = cidr.split('/');
  const family = isIP(base) === 6 ? 'ipv6' : 'ipv4';
  if ((isIP(address) === 6 ? 'ipv6' : 'ipv4') !== family) return false;
  const list = new BlockList();
  list.addSubnet(base, Number(bits), family);
  return list.check(address, family);
}

function peerMatches(peer: Peer, policyNamespace: string, to: Destination): boolean {
  if ('address' in to) {
    if (!peer.ipBlock) return false; // selectors pick pods, never an outside address
    return inCidr(to.address, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e) => inCidr(to.address, e));
  }
  if (peer.ipBlock) return false; // address blocks are for traffic leaving the cluster
  const namespaceOk = peer.namespaceSelector ? selects(peer.namespaceSelector, to.namespaceLabels) : to.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, to.podLabels);
}

function portMatches(rule: Rule, to: Destination, port: number, protocol: string): boolean {
  if (!rule.ports?.length) return true;
  return rule.ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.port === port;
    return !('address' in to) && to.podPorts?.[p.port] === port;
  });
}

/** Whether the pod of `w` may open `protocol` `port` to `to` under the overlay's NetworkPolicies. */
function egressAllowed(objects: readonly KubeObject[], w: Workload, to: Destination, port: number, protocol = 'TCP'): boolean {
  const policies = ofKind(objects, 'NetworkPolicy')
    .filter((p) => p.metadata.namespace === w.namespace)
    .map((p) => p.spec as PolicySpec)
    .filter((s) => selects(s.podSelector, w.podLabels) && (s.policyTypes ?? []).includes('Egress'));
  if (policies.length === 0) return true; // not isolated: Kubernetes allows everything
  return policies.some((s) => (s.egress ?? []).some((r) => portMatches(r, to, port, protocol) && (r.to === undefined || r.to.length === 0 || r.to.some((peer) => peerMatches(peer, w.namespace, to)))));
}

function namespaceLabels(name: string): Record<string, string> {
  return { 'kubernetes.io/metadata.name': name };
}

const kubeDns: Destination = { namespace: 'kube-system', namespaceLabels: namespaceLabels('kube-system'), podLabels: { 'k8s-app': 'kube-dns' } };
const redis: Destination = { namespace: 'infdbg', namespaceLabels: namespaceLabels('infdbg'), podLabels: { 'app.kubernetes.io/name': 'redis' } };
/** A public address, as Slack's Web API has (its addresses change, so no policy can name them). */
const slack: Destination = { address: '34.226.36.42' };
const modelServer = (namespace: string): Destination => ({ namespace, namespaceLabels: namespaceLabels(namespace), podLabels: { app: 'ranker' } });

/** Cloud metadata services; each is refused by the target policy, so the network must refuse it too. */
const METADATA = ['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192', 'fd00:ec2::254', 'fd00:ec2::23', 'fe80::1'];

describe.each(overlayNames())('deploy/overlays/%s NetworkPolicies', (overlay) => {
  const objects = renderOverlay(overlay);
  const pods = workloads(objects);
  const isWorker = (w: Workload) => w.pod.containers.some((c) => c.args?.[0] === 'worker');

  it('every pod is isolated for egress and ingress by a policy', () => {
    for (const w of pods) {
      const kinds = ofKind(objects, 'NetworkPolicy')
        .map((p) => p.spec as PolicySpec)
        .filter((s) => selects(s.podSelector, w.podLabels))
        .flatMap((s) => s.policyTypes ?? []);
      expect(kinds, w.object.metadata.name).toEqual(expect.arrayContaining(['Egress', 'Ingress']));
    }
  });

  it('no pod reaches a cloud metadata or link-local address, on any port — as the target policy refuses them', () => {
    for (const address of METADATA) {
      expect(refusedAddressReason(address), `${address} is not refused by the target policy`).toBeDefined();
      for (const w of pods) {
        for (const port of [80, 443, 8080, 53]) {
          expect(egressAllowed(objects, w, { address }, port), `${w.object.metadata.name} → ${address}:${port}`).toBe(false);
          expect(egressAllowed(objects, w, { address }, port, 'UDP'), `${w.object.metadata.name} → ${address}:${port}/udp`).toBe(false);
        }
      }
    }
  });

  it('every pod reaches DNS, Redis and Slack’s Web API over HTTPS, and nothing outside the cluster over plain HTTP unless it is a worker', () => {
    for (const w of pods) {
      const name = w.object.metadata.name;
      expect(egressAllowed(objects, w, kubeDns, 53, 'UDP'), `${name} → DNS`).toBe(true);
      expect(egressAllowed(objects, w, redis, 6379), `${name} → Redis`).toBe(true);
      expect(egressAllowed(objects, w, slack, 443), `${name} → Slack`).toBe(true);
      if (!isWorker(w)) expect(egressAllowed(objects, w, slack, 80), `${name} → outside:80`).toBe(false);
    }
  });

  it('the workers reach the services they debug, in the namespaces the diagnostics may read', () => {
    const config = ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('infdbg-config'))!.data as Record<string, string>;
    const namespaces = (config.INFDBG_NAMESPACES ?? '').split(',').filter(Boolean);
    for (const w of pods.filter(isWorker)) {
      const name = w.object.metadata.name;
      if (namespaces.length === 0) {
        expect(egressAllowed(objects, w, modelServer('ml-serving'), 8080), `${name} → ml-serving`).toBe(true);
        expect(egressAllowed(objects, w, { address: '203.0.113.7' }, 8000), `${name} → an endpoint outside the cluster`).toBe(true);
      } else {
        for (const ns of namespaces) expect(egressAllowed(objects, w, modelServer(ns), 8080), `${name} → ${ns}`).toBe(true);
        expect(egressAllowed(objects, w, modelServer('payments'), 8080), `${name} → a namespace not in INFDBG_NAMESPACES`).toBe(false);
        expect(egressAllowed(objects, w, { address: '203.0.113.7' }, 8000), `${name} → outside:8000`).toBe(false);
      }
    }
  });

  it('with INFDBG_NAMESPACES set, INFDBG_ALLOWED_TARGETS names exactly those namespaces’ services', () => {
    const config = ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('infdbg-config'))!.data as Record<string, string>;
    const namespaces = (config.INFDBG_NAMESPACES ?? '').split(',').filter(Boolean);
    const allowed = parseAllowedTargets((config.INFDBG_ALLOWED_TARGETS ?? '').split(',').filter(Boolean));
    if (namespaces.length === 0) {
      expect(allowed).toBeNull();
      return;
    }
    expect(allowed!.suffixes.map((s) => /^\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(s)?.[1]).sort()).toEqual([...namespaces].sort());
  });
});

describe('the evaluator itself', () => {
  const objects = renderOverlay('cluster');
  const worker = workloads(objects).find((w) => w.object.metadata.name === 'infdbg-worker')!;

  it('would see the metadata address through a policy without the refused ranges cut out', () => {
    const open = objects.map((o) => {
      if (o.kind !== 'NetworkPolicy') return o;
      const copy = JSON.parse(JSON.stringify(o)) as KubeObject & { spec: PolicySpec };
      for (const r of copy.spec.egress ?? []) for (const p of r.to ?? []) if (p.ipBlock) delete p.ipBlock.except;
      return copy;
    });
    expect(egressAllowed(open, worker, { address: '169.254.169.254' }, 80)).toBe(true);
    expect(egressAllowed(objects, worker, { address: '169.254.169.254' }, 80)).toBe(false);
  });
});
