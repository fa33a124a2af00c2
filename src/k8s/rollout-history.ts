// What changed in a Deployment and when, from the objects the API server keeps: the ReplicaSet of
// each revision (`deployment.kubernetes.io/revision`) with its creation time and pod template, the
// difference between the current and the previous template (image, env, ConfigMap/Secret
// references, resources, args), the pods' restarts, and the scaling events of the Deployment and
// its HorizontalPodAutoscaler. Pure functions over the client's objects; jobs/changes.ts fetches.
import type { CoreV1Event, V1Container, V1Deployment, V1EnvFromSource, V1EnvVar, V1Pod, V1PodTemplateSpec, V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { redactSecrets } from '../logs/redact.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
/** Set on the pod template by `kubectl rollout restart`: a new revision with nothing else changed. */
const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
const POD_TEMPLATE_HASH = 'pod-template-hash';

/** One revision of a Deployment: the ReplicaSet that holds it. */
export interface Revision {
  revision: number;
  replicaSet: string;
  /** ISO time the ReplicaSet was created (the rollout of this revision began). */
  createdAt: string | null;
  /** container → image */
  images: Record<string, string>;
  replicas: number;
  readyReplicas: number;
  changeCause: string | null;
  template: V1PodTemplateSpec | undefined;
}

export type ChangeKind = 'image' | 'env' | 'config-ref' | 'resources' | 'args' | 'command' | 'volumes' | 'probes' | 'containers' | 'restart' | 'other';

/** One difference between two pod templates. Values are redacted: a changed secret shows as `(changed)`. */
export interface TemplateChange {
  kind: ChangeKind;
  /** Container it is in; undefined for pod-level fields. */
  container?: string;
  /** What changed, e.g. `env LOG_LEVEL`, `limits.memory`, `configMap ranker-config`. */
  field: string;
  before: string | null;
  after: string | null;
}

const time = (t: Date | string | undefined | null): string | null => (t ? new Date(t).toISOString().replace('.000Z', 'Z') : null);

/** The revisions of a Deployment, newest first: ReplicaSets it controls (by owner uid, else by name). */
export function revisionsOf(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[]): Revision[] {
  const uid = deployment.metadata?.uid;
  const name = deployment.metadata?.name;
  return replicaSets
    .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Deployment' && o.controller !== false && (uid ? o.uid === uid : o.name === name)))
    .map((rs) => ({
      revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? NaN),
      replicaSet: rs.metadata?.name ?? '',
      createdAt: time(rs.metadata?.creationTimestamp),
      images: Object.fromEntries((rs.spec?.template?.spec?.containers ?? []).map((c) => [c.name, c.image ?? ''])),
      replicas: rs.status?.replicas ?? 0,
      readyReplicas: rs.status?.readyReplicas ?? 0,
      changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? null,
      template: rs.spec?.template,
    }))
    .filter((r) => Number.isFinite(r.revision))
    .sort((a, b) => b.revision - a.revision);
}

const SECRET_NAME = /password|passwd|secret|token|api[_-]?key|apikey|private[_-]?key|credential|session/i;

function envValue(e: V1EnvVar): string {
  const from = e.valueFrom;
  if (from?.configMapKeyRef) return `configMap ${from.configMapKeyRef.name ?? ''} key ${from.configMapKeyRef.key}`;
  if (from?.secretKeyRef) return `secret ${from.secretKeyRef.name ?? ''} key ${from.secretKeyRef.key}`;
  if (from?.fieldRef) return `field ${from.fieldRef.fieldPath}`;
  if (from?.resourceFieldRef) return `resource ${from.resourceFieldRef.resource}`;
  return e.value ?? '';
}

const envFromName = (e: V1EnvFromSource) => (e.configMapRef ? `configMap ${e.configMapRef.name ?? ''}` : e.secretRef ? `secret ${e.secretRef.name ?? ''}` : 'unknown source') + (e.prefix ? ` (prefix ${e.prefix})` : '');

/** Shown value of an env var: references as they are, literal values redacted when the name or value looks secret. */
function shownEnv(name: string, e: V1EnvVar | undefined): string | null {
  if (!e) return null;
  if (e.valueFrom) return envValue(e);
  return SECRET_NAME.test(name) ? '(set)' : redactSecrets(e.value ?? '');
}

const resourceText = (c: V1Container | undefined, which: 'limits' | 'requests', key: string) => c?.resources?.[which]?.[key] ?? null;

function diffContainer(name: string, before: V1Container | undefined, after: V1Container | undefined): TemplateChange[] {
  const out: TemplateChange[] = [];
  if (!before || !after) {
    out.push({ kind: 'containers', container: name, field: `container ${name}`, before: before ? 'present' : null, after: after ? 'present' : null });
    return out;
  }
  if ((before.image ?? '') !== (after.image ?? '')) out.push({ kind: 'image', container: name, field: 'image', before: before.image ?? null, after: after.image ?? null });
  const beforeEnv = new Map((before.env ?? []).map((e) => [e.name, e]));
  const afterEnv = new Map((after.env ?? []).map((e) => [e.name, e]));
  for (const key of [...new Set([...beforeEnv.keys(), ...afterEnv.keys()])].sort()) {
    const b = beforeEnv.get(key);
    const a = afterEnv.get(key);
    if (b && a && envValue(b) === envValue(a)) continue;
    const reference = Boolean(b?.valueFrom?.configMapKeyRef || b?.valueFrom?.secretKeyRef || a?.valueFrom?.configMapKeyRef || a?.valueFrom?.secretKeyRef);
    const secretLiteral = SECRET_NAME.test(key) && b && a && !b.valueFrom && !a.valueFrom;
    out.push({ kind: reference ? 'config-ref' : 'env', container: name, field: `env ${key}`, before: secretLiteral ? '(set)' : shownEnv(key, b), after: secretLiteral ? '(changed)' : shownEnv(key, a) });
  }
  const beforeFrom = new Set((before.envFrom ?? []).map(envFromName));
  const afterFrom = new Set((after.envFrom ?? []).map(envFromName));
  // A source replaced by another (ranker-config → ranker-config-v2) reads as one change.
  const removed = [...beforeFrom].filter((x) => !afterFrom.has(x));
  const added = [...afterFrom].filter((x) => !beforeFrom.has(x));
  for (let i = 0; i < Math.max(removed.length, added.length); i++) out.push({ kind: 'config-ref', container: name, field: 'envFrom', before: removed[i] ?? null, after: added[i] ?? null });
  for (const which of ['requests', 'limits'] as const) {
    const keys = new Set([...Object.keys(before.resources?.[which] ?? {}), ...Object.keys(after.resources?.[which] ?? {})]);
    for (const key of [...keys].sort()) {
      const b = resourceText(before, which, key);
      const a = resourceText(after, which, key);
      if (b !== a) out.push({ kind: 'resources', container: name, field: `${which}.${key}`, before: b, after: a });
    }
  }
  const join = (xs: string[] | undefined) => (xs && xs.length > 0 ? redactSecrets(xs.join(' ')) : null);
  if (join(before.args) !== join(after.args)) out.push({ kind: 'args', container: name, field: 'args', before: join(before.args), after: join(after.args) });
  if (join(before.command) !== join(after.command)) out.push({ kind: 'command', container: name, field: 'command', before: join(before.command), after: join(after.command) });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const b = before[probe] ? JSON.stringify(before[probe]) : null;
    const a = after[probe] ? JSON.stringify(after[probe]) : null;
    if (b !== a) out.push({ kind: 'probes', container: name, field: probe, before: b, after: a });
  }
  return out;
}

function volumeSource(v: NonNullable<NonNullable<V1PodTemplateSpec['spec']>['volumes']>[number]): string {
  if (v.configMap) return `configMap ${v.configMap.name ?? ''}`;
  if (v.secret) return `secret ${v.secret.secretName ?? ''}`;
  if (v.persistentVolumeClaim) return `pvc ${v.persistentVolumeClaim.claimName}`;
  const kind = Object.keys(v).find((k) => k !== 'name');
  return kind ?? 'unknown';
}

/** What changed from `before` to `after` (two revisions' pod templates), the pod-template-hash label aside. */
export function templateChanges(before: V1PodTemplateSpec | undefined, after: V1PodTemplateSpec | undefined): TemplateChange[] {
  const out: TemplateChange[] = [];
  const b = before?.spec?.containers ?? [];
  const a = after?.spec?.containers ?? [];
  const bi = [...(before?.spec?.initContainers ?? [])];
  const ai = [...(after?.spec?.initContainers ?? [])];
  for (const [bs, as] of [[b, a], [bi, ai]] as const) {
    const names = [...new Set([...bs.map((c) => c.name), ...as.map((c) => c.name)])];
    for (const name of names) out.push(...diffContainer(name, bs.find((c) => c.name === name), as.find((c) => c.name === name)));
  }
  const bv = new Map((before?.spec?.volumes ?? []).map((v) => [v.name, volumeSource(v)]));
  const av = new Map((after?.spec?.volumes ?? []).map((v) => [v.name, volumeSource(v)]));
  for (const name of [...new Set([...bv.keys(), ...av.keys()])].sort()) {
    const x = bv.get(name) ?? null;
    const y = av.get(name) ?? null;
    if (x === y) continue;
    const ref = /^(configMap|secret) /.test(x ?? '') || /^(configMap|secret) /.test(y ?? '');
    out.push({ kind: ref ? 'config-ref' : 'volumes', field: `volume ${name}`, before: x, after: y });
  }
  const restartedBefore = before?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? null;
  const restartedAfter = after?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? null;
  if (restartedBefore !== restartedAfter) out.push({ kind: 'restart', field: 'kubectl rollout restart', before: restartedBefore, after: restartedAfter });
  if (out.length === 0 && before && after) {
    // Something else differs (labels, node selector, tolerations…): say so rather than "nothing".
    const strip = (t: V1PodTemplateSpec) => JSON.stringify({ ...t, metadata: { ...t.metadata, labels: { ...t.metadata?.labels, [POD_TEMPLATE_HASH]: undefined } } });
    if (strip(before) !== strip(after)) out.push({ kind: 'other', field: 'pod template', before: null, after: null });
  }
  return out;
}

/** A change in the number of replicas: the HPA's rescale, or the deployment controller scaling a ReplicaSet. */
export interface ScaleEvent {
  at: string;
  to: number;
  from: number | null;
  direction: 'up' | 'down';
  /** The HPA's reason (`All metrics below target`, `cpu resource utilization (percentage of request) above target`) or the event message. */
  reason: string;
  object: string;
}

/** When an event last happened: events.k8s.io writers set eventTime/series, core/v1 ones lastTimestamp. */
export function eventTime(e: CoreV1Event): string | null {
  return time(e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp);
}

const RESCALE = /^New size: (\d+); reason: (.*)$/;

/**
 * The HPA's SuccessfulRescale events, oldest first, with the direction read from the size before
 * (the previous event's size, else the HPA's reason: "below target"/"above Spec.MaxReplicas" shrink).
 */
export function hpaRescales(events: readonly CoreV1Event[], hpaName: string): ScaleEvent[] {
  const rescales = events
    .filter((e) => e.reason === 'SuccessfulRescale')
    .map((e) => ({ at: eventTime(e), m: RESCALE.exec(e.message ?? '') }))
    .filter((x): x is { at: string; m: RegExpExecArray } => x.at !== null && x.m !== null)
    .sort((a, b) => a.at.localeCompare(b.at));
  const out: ScaleEvent[] = [];
  let previous: number | null = null;
  for (const { at, m } of rescales) {
    const to = Number(m[1]);
    const reason = m[2] ?? '';
    const shrinking = /below target|above Spec\.MaxReplicas/i.test(reason);
    const direction = previous !== null && previous !== to ? (to < previous ? 'down' : 'up') : shrinking ? 'down' : 'up';
    out.push({ at, to, from: previous, direction, reason, object: `HorizontalPodAutoscaler/${hpaName}` });
    previous = to;
  }
  return out;
}

const SCALED = /^Scaled (up|down) replica set (\S+) (?:from (\d+) )?to (\d+)(?: from (\d+))?/;

/** The deployment controller's ScalingReplicaSet events, oldest first. */
export function replicaSetScalings(events: readonly CoreV1Event[]): Array<ScaleEvent & { replicaSet: string }> {
  return events
    .filter((e) => e.reason === 'ScalingReplicaSet')
    .map((e) => ({ at: eventTime(e), m: SCALED.exec(e.message ?? '') }))
    .filter((x): x is { at: string; m: RegExpExecArray } => x.at !== null && x.m !== null)
    .map(({ at, m }) => ({
      at,
      direction: m[1] === 'down' ? ('down' as const) : ('up' as const),
      replicaSet: m[2] ?? '',
      from: m[3] !== undefined ? Number(m[3]) : m[5] !== undefined ? Number(m[5]) : null,
      to: Number(m[4]),
      reason: m[0],
      object: `ReplicaSet/${m[2] ?? ''}`,
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * When the rollout of the current revision began: its ReplicaSet's creation, or later when an old
 * ReplicaSet was brought back (`kubectl rollout undo` reuses it): the deployment controller then
 * scales it up from 0 again, which its events show.
 */
export function rolloutStart(current: Revision, deploymentEvents: readonly CoreV1Event[]): { at: string | null; reused: boolean } {
  const created = current.createdAt;
  const reactivated = replicaSetScalings(deploymentEvents).find(
    (s) => s.replicaSet === current.replicaSet && s.direction === 'up' && (s.from === null || s.from === 0) && (!created || Date.parse(s.at) - Date.parse(created) > 60_000),
  );
  return reactivated ? { at: reactivated.at, reused: true } : { at: created, reused: false };
}

/** One container's restarts, and how its last run ended. */
export interface ContainerRestarts {
  pod: string;
  container: string;
  /** The revision (ReplicaSet) the pod belongs to, from its owner. */
  replicaSet: string | null;
  restartCount: number;
  ready: boolean;
  waitingReason: string | null;
  waitingMessage: string | null;
  lastTerminationReason: string | null;
  lastExitCode: number | null;
  lastFinishedAt: string | null;
  podCreatedAt: string | null;
  /** The image as the pod spec names it (a tag), and the image the node actually pulled (…@sha256:…); null when not reported. */
  image?: string | null;
  imageID?: string | null;
}

/** The content digest of a status imageID (`docker-pullable://repo@sha256:…`, `repo@sha256:…`), or null. */
export function imageDigest(imageID: string | null | undefined): string | null {
  const m = /@(sha256:[0-9a-f]{16,})/i.exec(imageID ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

export interface DigestSplit {
  container: string;
  image: string;
  /** Digest → pods running it, most pods first. */
  digests: Array<{ digest: string; pods: string[] }>;
}

/**
 * Containers of the same name and image reference (tag) running different image contents in the
 * workload's pods: the tag was re-pushed (a mutable tag such as `latest`, or a rebuilt version), so
 * pods started at different times pulled different images though no revision changed the image.
 */
export function digestSplits(containers: readonly ContainerRestarts[]): DigestSplit[] {
  const groups = new Map<string, Map<string, string[]>>();
  for (const c of containers) {
    const digest = imageDigest(c.imageID);
    if (!c.image || !digest) continue;
    const key = `${c.container}\u0000${c.image}`;
    const g = groups.get(key) ?? new Map<string, string[]>();
    g.set(digest, [...(g.get(digest) ?? []), c.pod]);
    groups.set(key, g);
  }
  const out: DigestSplit[] = [];
  for (const [key, g] of groups) {
    if (g.size < 2) continue;
    const [container, image] = key.split('\u0000') as [string, string];
    out.push({ container, image, digests: [...g].map(([digest, pods]) => ({ digest, pods })).sort((a, b) => b.pods.length - a.pods.length || a.digest.localeCompare(b.digest)) });
  }
  return out;
}

export function containerRestarts(pods: readonly V1Pod[]): ContainerRestarts[] {
  return pods.flatMap((pod) =>
    (pod.status?.containerStatuses ?? []).map((s) => ({
      pod: pod.metadata?.name ?? '',
      container: s.name,
      replicaSet: pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name ?? null,
      restartCount: s.restartCount ?? 0,
      ready: s.ready ?? false,
      waitingReason: s.state?.waiting?.reason ?? null,
      waitingMessage: s.state?.waiting?.message ? redactSecrets(s.state.waiting.message) : null,
      lastTerminationReason: s.lastState?.terminated?.reason ?? null,
      lastExitCode: s.lastState?.terminated?.exitCode ?? null,
      lastFinishedAt: time(s.lastState?.terminated?.finishedAt),
      podCreatedAt: time(pod.metadata?.creationTimestamp),
      image: s.image ?? null,
      imageID: s.imageID || null,
    })),
  );
}

/** The HPAs whose scaleTargetRef is this Deployment. */
export function hpasFor(hpas: readonly V2HorizontalPodAutoscaler[], deployment: string): V2HorizontalPodAutoscaler[] {
  return hpas.filter((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === deployment);
}

/** What the Deployment's status says about the rollout now. */
export interface RolloutState {
  desired: number;
  updated: number;
  ready: number;
  available: number;
  unavailable: number;
  /** Old pods still running, or new ones not yet available. */
  inProgress: boolean;
  /** Progressing=False with ProgressDeadlineExceeded: the controller gave up waiting. */
  stuck: boolean;
  progressingMessage: string | null;
}

export function rolloutState(d: V1Deployment): RolloutState {
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const progressing = (s.conditions ?? []).find((c) => c.type === 'Progressing');
  const stuck = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const inProgress = !observed || updated < desired || total > updated || available < updated;
  return { desired, updated, ready: s.readyReplicas ?? 0, available, unavailable: s.unavailableReplicas ?? Math.max(0, desired - available), inProgress, stuck, progressingMessage: progressing?.message ?? null };
}
