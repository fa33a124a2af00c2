// The rendered RBAC against the API calls the code makes: every request of src/k8s/kube-access.ts
// (read from its source, where each call names its verb and resource for the 403 message) is
// granted to the workers, and nothing else is — no secrets, no writes, no wildcard. The bot only
// reads pods (to route `oom`). In overlays/namespaced the namespaced calls are granted in exactly
// the INFDBG_NAMESPACES namespaces and nowhere else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ofKind, overlayNames, renderOverlay, workloads, type KubeObject } from '../support/kustomize.ts';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
}

interface ApiCall {
  verb: string;
  group: string;
  resource: string;
  /** Whether the call names a namespace (false: cluster-scoped, or across all namespaces). */
  namespaced: boolean;
}

/** The calls of src/k8s/kube-access.ts: `{ verb: 'list', resource: 'replicasets.apps', namespace, … }`. */
function codeCalls(): ApiCall[] {
  const source = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'k8s', 'kube-access.ts'), 'utf8');
  const calls = [...source.matchAll(/\{ verb: '(\w+)', resource: '([^']+)'(, namespace)?/g)].map((m) => {
    const [name = '', ...group] = m[2]!.split('.');
    return { verb: m[1]!, resource: name, group: group.join('.'), namespaced: m[3] !== undefined };
  });
  if (calls.length < 10) throw new Error(`found only ${calls.length} API calls in src/k8s/kube-access.ts: has the { verb, resource } form changed?`);
  return calls;
}

/** Node events are recorded in this namespace (NODE_EVENTS_NAMESPACE in src/k8s/kube-access.ts). */
const NODE_EVENTS_NAMESPACE = 'default';

/** The rules a service account holds, with where they apply (undefined: cluster-wide). */
function grantsOf(objects: readonly KubeObject[], account: string, accountNamespace: string): Array<{ namespace: string | undefined; rules: PolicyRule[] }> {
  const roleRules = (kind: string, name: string, namespace?: string) =>
    ((objects.find((o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace))?.rules as PolicyRule[] | undefined) ?? []);
  const bound = (b: KubeObject) => ((b.subjects as Array<{ kind: string; name: string; namespace?: string }> | undefined) ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === accountNamespace);
  return objects
    .filter((o) => (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && bound(o))
    .map((b) => {
      const ref = b.roleRef as { kind: string; name: string };
      const namespace = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
      return { namespace, rules: roleRules(ref.kind, ref.name, namespace) };
    });
}

function can(objects: readonly KubeObject[], account: string, call: Omit<ApiCall, 'namespaced'>, namespace: string | undefined): boolean {
  return grantsOf(objects, account, 'infdbg').some(
    (g) =>
      (g.namespace === undefined || g.namespace === namespace) &&
      g.rules.some((r) => (r.apiGroups ?? []).includes(call.group) && (r.resources ?? []).includes(call.resource) && r.verbs.includes(call.verb)),
  );
}

/** Every (group, resource, verb) a service account is granted anywhere. */
function granted(objects: readonly KubeObject[], account: string): string[] {
  return grantsOf(objects, account, 'infdbg').flatMap((g) => g.rules.flatMap((r) => (r.apiGroups ?? []).flatMap((group) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${v} ${res}${group ? `.${group}` : ''}`)))));
}

const key = (c: Omit<ApiCall, 'namespaced'>) => `${c.verb} ${c.resource}${c.group ? `.${c.group}` : ''}`;
const CALLS = codeCalls();
const BOT_CALLS = [{ verb: 'get', group: '', resource: 'pods' }];

describe.each(overlayNames())('deploy/overlays/%s RBAC', (overlay) => {
  const objects = renderOverlay(overlay);
  const config = ofKind(objects, 'ConfigMap').find((m) => m.metadata.name.startsWith('infdbg-config'))!.data as Record<string, string>;
  const namespaces = (config.INFDBG_NAMESPACES ?? '').split(',').filter(Boolean);

  it('the bot and the workers run as their own service accounts', () => {
    for (const w of workloads(objects)) {
      const isBot = w.pod.containers.some((c) => c.args?.[0] === 'serve');
      expect(w.pod.serviceAccountName, w.object.metadata.name).toBe(isBot ? 'infdbg-bot' : 'infdbg-worker');
    }
  });

  it('grants the workers nothing the code does not call, and the bot only reading pods', () => {
    const used = new Set(CALLS.map(key));
    expect(granted(objects, 'infdbg-worker').filter((g) => !used.has(g))).toEqual([]);
    expect(new Set(granted(objects, 'infdbg-bot'))).toEqual(new Set(BOT_CALLS.map(key)));
  });

  if (namespaces.length === 0) {
    it('grants every call of the diagnostics in every namespace', () => {
      for (const c of CALLS) expect(can(objects, 'infdbg-worker', c, c.namespaced ? 'any-team' : undefined), key(c)).toBe(true);
      expect(can(objects, 'infdbg-bot', BOT_CALLS[0]!, 'any-team')).toBe(true);
    });
  } else {
    it('grants the namespaced calls in each INFDBG_NAMESPACES namespace and nowhere else', () => {
      const roleNamespaces = new Set(ofKind(objects, 'RoleBinding').map((b) => b.metadata.namespace).filter((ns) => ns !== NODE_EVENTS_NAMESPACE));
      expect([...roleNamespaces].sort()).toEqual([...namespaces].sort());
      for (const c of CALLS.filter((x) => x.namespaced)) {
        for (const ns of namespaces) expect(can(objects, 'infdbg-worker', c, ns), `${key(c)} in ${ns}`).toBe(true);
        expect(can(objects, 'infdbg-worker', c, 'payments'), `${key(c)} outside INFDBG_NAMESPACES`).toBe(false);
      }
      for (const ns of namespaces) expect(can(objects, 'infdbg-bot', BOT_CALLS[0]!, ns), `bot get pods in ${ns}`).toBe(true);
      expect(can(objects, 'infdbg-bot', BOT_CALLS[0]!, 'payments')).toBe(false);
    });

    it('grants what a Role cannot: the pod’s node, and node events in "default"', () => {
      expect(can(objects, 'infdbg-worker', { verb: 'get', group: '', resource: 'nodes' }, undefined)).toBe(true);
      expect(can(objects, 'infdbg-worker', { verb: 'list', group: '', resource: 'events' }, NODE_EVENTS_NAMESPACE)).toBe(true);
      // Listing pods across all namespaces is only what the code does without INFDBG_NAMESPACES.
      expect(can(objects, 'infdbg-worker', { verb: 'list', group: '', resource: 'pods' }, undefined)).toBe(false);
    });
  }
});
