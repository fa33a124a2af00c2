// What `changes` observes in the objects it read from the Kubernetes API (jobs/changes.ts does
// the reading): the rollout history and what the current revision changed, the rollout's state,
// restarts, pods the scheduler could not place, HPA rescales and manual scale-downs — as typed
// observations for the causes catalogue, plus the report's evidence, tables and `data`. Pure.
import type { CoreV1Event, V1Deployment, V1Pod, V1PodTemplateSpec, V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { observer, type Observation } from '../diagnosis/observation.ts';
import { TARGET_VOCABULARY } from '../diagnosis/vocabulary.ts';
import { emptyResult, worstSeverity, type DiagnosticResult, type Evidence } from '../report/model.ts';
import type { KubeFinding } from './kube-findings.ts';
import { classifyLines } from '../logs/classifier.ts';
import {
  containerRestarts,
  eventTime,
  hpaRescales,
  digestSplits,
  imageDigest,
  replicaSetScalings,
  revisionsOf,
  rolloutStart,
  rolloutState,
  templateChanges,
  type ContainerRestarts,
  type Revision,
  type RolloutState,
  type ScaleEvent,
  type TemplateChange,
} from './rollout-history.ts';
import { unschedulablePods } from './scheduling.ts';

/** Restarts count as recent when the container's last run ended within this window. */
const RECENT_S = 3600;
/** Revisions shown in the history table. */
const MAX_REVISIONS = 10;

export const CHANGES_VOCABULARY = {
  ...TARGET_VOCABULARY,
  'change.revision': { unit: 'number', description: 'the Deployment revision now rolled out (deployment.kubernetes.io/revision)' },
  'change.rollout_age': { unit: 's', description: 'seconds since the rollout of the current revision began (its ReplicaSet created, or re-activated by a rollback)' },
  'change.image_changed': { unit: 'boolean', description: 'the current revision runs another image than the previous one (any container)' },
  'change.config_changed': { unit: 'boolean', description: 'the current revision changed env, ConfigMap/Secret references, resources, args, command, volumes or probes against the previous one' },
  'change.restart_only': { unit: 'boolean', description: 'the current revision differs from the previous one only by `kubectl rollout restart` (the restartedAt annotation): usually run to pick up changed ConfigMaps or Secrets, whose contents the pod template does not show' },
  'change.template_change': { unit: 'label', description: 'one difference between the previous and the current pod template; value = kind (image | env | config-ref | resources | args | command | volumes | probes | containers | restart | other), subject = the field' },
  'change.image_digest_split': { unit: 'boolean', description: 'pods of the workload run one image reference (tag) with different contents (status imageID digests): the tag was re-pushed, so pods started at different times run different images without a new revision; false when every pod runs the same digest' },
  'change.recent_restarts': { unit: 'count', description: 'container restarts of the workload\'s pods whose last run ended within the last hour (sample = pods)' },
  'change.new_revision_restarts': { unit: 'count', description: 'restarts of the containers of the current revision\'s pods (all happened since the rollout)' },
  'change.crash_looping': { unit: 'count', description: 'containers waiting in CrashLoopBackOff' },
  'log.signature': { unit: 'label', description: 'a failure signature (src/logs/signatures.yaml) in the Warning events of a pod that does not run — a failed pull, mount or probe (value and subject = its id, sampleSize = events)' },
  'change.pod_events_name_cause': { unit: 'count', description: 'cause-class log signatures in the Warning events of the pods that do not run: the events say why (a full disk, a missing secret), so a stuck rollout is its symptom' },
  'change.waiting_reason': { unit: 'label', description: 'why a container is not running (CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError, …), subject = pod/container' },
  'change.rollout_in_progress': { unit: 'boolean', description: 'the Deployment has not finished rolling out its current revision (old pods left, or new ones not available)' },
  'change.rollout_stuck': { unit: 'boolean', description: 'the Deployment\'s Progressing condition is False with ProgressDeadlineExceeded' },
  'change.unavailable_replicas': { unit: 'count', description: 'replicas the Deployment wants that are not available' },
  'change.ready_replicas': { unit: 'count', description: 'ready replicas of the Deployment' },
  'change.desired_replicas': { unit: 'count', description: 'replicas the Deployment wants (spec.replicas, set by a person or the HPA)' },
  'change.hpa_scaled': { unit: 'label', description: 'direction of the HPA\'s latest rescale still in the events: up | up-to-max (up to maxReplicas, and it still wants that many) | down | none; subject = HPA' },
  'change.scale_down_age': { unit: 's', description: 'seconds since the replicas were last reduced (HPA rescale or a scale of the current ReplicaSet)' },
  'change.unschedulable_pods': { unit: 'count', description: 'pods of the workload Pending because the scheduler found no node for them (PodScheduled False, Unschedulable); the text has its message' },
  'change.unschedulable_resource': { unit: 'label', description: 'a resource no node had free for an unschedulable pod ("Insufficient nvidia.com/gpu" → nvidia.com/gpu; cpu, memory, …); subject = the resource' },
  'change.hpa_reversals': { unit: 'count', description: 'times the HPA reversed direction (up then down, or down then up) among its rescales of the last hour: flapping (subject = HPA)' },
  'change.hpa_metrics_unavailable': { unit: 'boolean', description: 'the HPA cannot compute a replica count (ScalingActive False: its metric cannot be read — no metrics-server, a missing custom metric), so it cannot scale; subject = HPA' },
  'change.hpa_at_max': { unit: 'boolean', description: 'the HPA runs its maxReplicas and wants at least that many (ScalingLimited TooManyReplicas, or desired ≥ max); subject = HPA' },
} as const;

/** A problem met while collecting: shown to the user, never a crash. */

export type ChangesFinding = KubeFinding;

/** `data` of the result (`infdbg changes … --format json`): field names are a stable contract. */
export type ChangesData = {
  namespace: string;
  deployment: string | null;
  pod: string | null;
  revisions: Array<Omit<Revision, 'template'>>;
  /** current vs previous revision */
  changes: TemplateChange[];
  rolloutStartedAt: string | null;
  rollout: RolloutState | null;
  containers: ContainerRestarts[];
  scaleEvents: ScaleEvent[];
  hpas: Array<{ name: string; minReplicas: number | null; maxReplicas: number | null; currentReplicas: number | null; desiredReplicas: number | null; limited: string | null; /** At its maximum and wanting more (see change.hpa_at_max). */ atMax: boolean }>;
  findings: ChangesFinding[];
};

export interface Resolved {
  deployment: V1Deployment | null;
  pod: V1Pod | null;
  /** Why there is no Deployment (a bare pod, a StatefulSet's pod…). */
  unmanaged: string | null;
}

/** `15 min`, `3.2 h`, `4.1 d`. */
export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** The ConfigMaps and Secrets a pod template reads (env, envFrom, volumes): a restart picks up their new contents. */
function configSources(template: V1PodTemplateSpec | undefined): string[] {
  const out = new Set<string>();
  for (const c of template?.spec?.containers ?? []) {
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef?.name) out.add(`configMap ${e.configMapRef.name}`);
      if (e.secretRef?.name) out.add(`secret ${e.secretRef.name}`);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) out.add(`configMap ${e.valueFrom.configMapKeyRef.name}`);
      if (e.valueFrom?.secretKeyRef?.name) out.add(`secret ${e.valueFrom.secretKeyRef.name}`);
    }
  }
  for (const v of template?.spec?.volumes ?? []) {
    if (v.configMap?.name) out.add(`configMap ${v.configMap.name}`);
    if (v.secret?.secretName) out.add(`secret ${v.secret.secretName}`);
  }
  return [...out];
}

const changeText = (c: TemplateChange) => `${c.container ? `${c.container} ` : ''}${c.field}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}`;
const shortImage = (image: string) => image.split('/').pop() ?? image;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What jobs/changes.ts read for one target (calls that failed left empty, their findings in `findings`). */
export interface ChangesFetched {
  /** `<namespace>/<name>` as asked. */
  target: string;
  ns: string;
  resolved: Resolved;
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
  hpas: V2HorizontalPodAutoscaler[];
  /** Events of each HPA, in the order of `hpas`. */
  hpaEvents: CoreV1Event[][];
  deploymentEvents: CoreV1Event[];
  /** Events of the pods that do not run (a few of them). */
  podEvents?: CoreV1Event[];
  findings: KubeFinding[];
  /** ms since the epoch. */
  now: number;
}

/** HPA tolerance (kube-controller-manager --horizontal-pod-autoscaler-tolerance): within it, the HPA keeps its size. */
const HPA_TOLERANCE = 0.1;

/**
 * Whether a resource metric of the HPA runs above its target beyond the HPA's tolerance (it would
 * scale up if it could); false when every utilization metric is within it; undefined when none can be compared.
 */
function metricsAboveTarget(h: V2HorizontalPodAutoscaler): boolean | undefined {
  let compared = false;
  for (const spec of h.spec?.metrics ?? []) {
    const target = spec.resource?.target?.averageUtilization;
    const current = (h.status?.currentMetrics ?? []).find((m) => m.resource?.name === spec.resource?.name)?.resource?.current?.averageUtilization;
    if (target === undefined || current === undefined || target <= 0) continue;
    compared = true;
    if (current / target > 1 + HPA_TOLERANCE) return true;
  }
  return compared ? false : undefined;
}

export function assessChanges(f: ChangesFetched): DiagnosticResult {
  const { target, ns, resolved, replicaSets, pods, hpas, findings, now } = f;
  const dEvents = f.deploymentEvents;
  const deployment = resolved.deployment;
  const deploymentName = deployment?.metadata?.name ?? null;
  const result = emptyResult('changes', `changes ${target}`);
  const ageOf = (iso: string | null) => (iso ? Math.max(0, (now - Date.parse(iso)) / 1000) : null);
  const observe = observer('changes', CHANGES_VOCABULARY);
  const obs: Observation[] = [observe('target.namespace', ns, `namespace ${ns}`)];
  if (deploymentName) obs.push(observe('target.deployment', deploymentName, `deployment ${ns}/${deploymentName}`));
  if (resolved.pod?.metadata?.name) obs.push(observe('target.pod', resolved.pod.metadata.name, `pod ${ns}/${resolved.pod.metadata.name}`));

  // Rollout history: the current revision and what it changed.
  const revisions = deployment ? revisionsOf(deployment, replicaSets) : [];
  const wanted = Number(deployment?.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? NaN);
  const current = revisions.find((r) => r.revision === wanted) ?? revisions[0];
  const previous = current ? revisions.find((r) => r.revision < current.revision) : undefined;
  const changes = current && previous ? templateChanges(previous.template, current.template) : [];
  const start = current ? rolloutStart(current, dEvents) : { at: null, reused: false };
  const rolloutAge = ageOf(start.at);
  const state = deployment ? rolloutState(deployment) : null;
  if (current) {
    obs.push(observe('change.revision', current.revision, `revision ${current.revision} (ReplicaSet ${current.replicaSet})`));
    if (rolloutAge !== null) {
      const how = start.reused ? `ReplicaSet ${current.replicaSet} brought back (a rollback)` : `ReplicaSet ${current.replicaSet} created`;
      obs.push(observe('change.rollout_age', rolloutAge, `the rollout of revision ${current.revision} began ${formatAge(rolloutAge)} ago (${start.at}, ${how})`));
    }
    if (previous) {
      const images = changes.filter((c) => c.kind === 'image');
      const config = changes.filter((c) => c.kind !== 'image' && c.kind !== 'restart');
      obs.push(
        observe(
          'change.image_changed',
          images.length > 0,
          images.length > 0
            ? `revision ${current.revision} changed the image: ${images.map((c) => `${c.container}: ${shortImage(c.before ?? '')} → ${shortImage(c.after ?? '')}`).join('; ')}`
            : `revision ${current.revision} runs the same image${Object.keys(current.images).length === 1 ? '' : 's'} as revision ${previous.revision} (${Object.values(current.images).map(shortImage).join(', ')})`,
        ),
      );
      obs.push(
        observe(
          'change.config_changed',
          config.length > 0,
          config.length > 0 ? `revision ${current.revision} changed ${config.map(changeText).join('; ')}` : `revision ${current.revision} changed no env, ConfigMap/Secret reference, resources or args against revision ${previous.revision}`,
        ),
      );
      for (const c of changes) obs.push(observe('change.template_change', c.kind, changeText(c), { subject: `${c.container ? `${c.container} ` : ''}${c.field}` }));
      const restartOnly = changes.length > 0 && changes.every((c) => c.kind === 'restart');
      const sources = configSources(current.template);
      obs.push(
        observe(
          'change.restart_only',
          restartOnly,
          restartOnly
            ? `revision ${current.revision} changed nothing but the restart annotation (kubectl rollout restart): what changed, if anything, is outside the template${sources.length > 0 ? `, in what the pods read: ${sources.join(', ')}` : ''}`
            : `revision ${current.revision} changed the pod template itself, not only its restart annotation`,
        ),
      );
    } else {
      obs.push(observe('change.image_changed', false, `revision ${current.revision} is the only revision kept: nothing to compare with`));
      obs.push(observe('change.config_changed', false, `revision ${current.revision} is the only revision kept: nothing to compare with`));
    }
  }

  // Rollout state now.
  if (state) {
    obs.push(
      observe(
        'change.rollout_in_progress',
        state.inProgress,
        state.inProgress ? `rollout in progress: ${state.updated} of ${state.desired} replicas updated, ${state.available} available` : `rollout complete: ${state.updated} of ${state.desired} replicas updated and available`,
      ),
    );
    obs.push(observe('change.rollout_stuck', state.stuck, state.stuck ? `rollout stuck: ${state.progressingMessage ?? 'ProgressDeadlineExceeded'}` : 'no progress deadline exceeded'));
    obs.push(observe('change.unavailable_replicas', state.unavailable, `${state.unavailable} of ${state.desired} replicas unavailable`));
    obs.push(observe('change.ready_replicas', state.ready, `${state.ready} of ${state.desired} replicas ready`));
    obs.push(observe('change.desired_replicas', state.desired, `the deployment wants ${state.desired} replica${state.desired === 1 ? '' : 's'}`));
  }

  // Restarts.
  const containers = containerRestarts(pods);
  const recent = containers.filter((c) => c.restartCount > 0 && (ageOf(c.lastFinishedAt) ?? Infinity) <= RECENT_S);
  const recentCount = recent.reduce((s, c) => s + c.restartCount, 0);
  const totalCount = containers.reduce((s, c) => s + c.restartCount, 0);
  const lastRestart = [...containers].filter((c) => c.lastFinishedAt).sort((a, b) => (b.lastFinishedAt ?? '').localeCompare(a.lastFinishedAt ?? ''))[0];
  const podCount = new Set(containers.map((c) => c.pod)).size;
  const lastText = (c: ContainerRestarts) => {
    const age = ageOf(c.lastFinishedAt);
    const afterRollout = c.lastFinishedAt && start.at ? (Date.parse(c.lastFinishedAt) - Date.parse(start.at)) / 1000 : null;
    return `last: ${c.pod}/${c.container} ${c.lastTerminationReason ?? 'terminated'}${c.lastExitCode !== null ? ` (exit ${c.lastExitCode})` : ''} ${age !== null ? `${formatAge(age)} ago` : ''}${afterRollout !== null && afterRollout >= 0 ? `, ${formatAge(afterRollout)} after the rollout began` : ''}`.trim();
  };
  obs.push(
    observe(
      'change.recent_restarts',
      recentCount,
      recentCount > 0
        ? `${recentCount} restart${recentCount === 1 ? '' : 's'} in ${new Set(recent.map((c) => c.pod)).size} of ${podCount} pods within the last hour (${lastRestart ? lastText(lastRestart) : ''})`
        : `no restarts within the last hour (${podCount} pod${podCount === 1 ? '' : 's'}${totalCount > 0 && lastRestart ? `; ${totalCount} older, ${lastText(lastRestart)}` : ''})`,
      { windowSeconds: RECENT_S, sampleSize: podCount },
    ),
  );
  const splits = digestSplits(containers);
  const short = (d: string) => d.slice(0, 19);
  const withDigest = containers.filter((c) => imageDigest(c.imageID) !== null);
  if (splits.length > 0) {
    const text = splits
      .map((x) => `${x.container} ${x.image} runs ${x.digests.length} different images: ${x.digests.map((d) => `${short(d.digest)}… in ${d.pods.length === 1 ? d.pods[0] : `${d.pods.length} pods`}`).join(', ')}`)
      .join('; ');
    obs.push(observe('change.image_digest_split', true, `${text} (the tag was re-pushed)`, { sampleSize: podCount }));
  } else if (withDigest.length > 0) {
    obs.push(observe('change.image_digest_split', false, `every pod runs the same image digest per container (${plural(new Set(withDigest.map((c) => c.pod)).size, 'pod')})`, { sampleSize: podCount }));
  }
  if (current) {
    const fresh = containers.filter((c) => c.replicaSet === current.replicaSet);
    const n = fresh.reduce((s, c) => s + c.restartCount, 0);
    const restarted = fresh.filter((c) => c.restartCount > 0);
    obs.push(
      observe(
        'change.new_revision_restarts',
        n,
        n > 0
          ? `${n} restart${n === 1 ? '' : 's'} of revision ${current.revision}'s pods since the rollout (${restarted.length} of ${fresh.length} containers; ${restarted[0] ? lastText(restarted.sort((a, b) => (b.lastFinishedAt ?? '').localeCompare(a.lastFinishedAt ?? ''))[0]!) : ''})`
          : `revision ${current.revision}'s pods have not restarted (${plural(new Set(fresh.map((c) => c.pod)).size, 'pod')})`,
        { sampleSize: new Set(fresh.map((c) => c.pod)).size },
      ),
    );
  }
  const unplaced = unschedulablePods(pods);
  if (unplaced.length > 0) {
    obs.push(observe('change.unschedulable_pods', unplaced.length, `${plural(unplaced.length, 'pod')} Pending, not scheduled (${unplaced[0]!.pod}: ${unplaced[0]!.message})`, { sampleSize: pods.length }));
    for (const resource of new Set(unplaced.flatMap((u) => u.insufficient))) {
      const first = unplaced.find((u) => u.insufficient.includes(resource))!;
      obs.push(observe('change.unschedulable_resource', resource, `no node has ${resource} free for ${first.pod}: ${first.message}`, { subject: resource }));
    }
  }
  const looping = containers.filter((c) => c.waitingReason === 'CrashLoopBackOff');
  if (!resolved.pod) {
    // A deployment target: name the pod whose logs say most (crash-looping, then most restarted, of the current revision first).
    const rank = (c: ContainerRestarts) => (c.waitingReason === 'CrashLoopBackOff' ? 1e6 : 0) + (c.waitingReason ? 1e5 : 0) + c.restartCount * 10 + (c.replicaSet === current?.replicaSet ? 1 : 0);
    const pick = [...containers].sort((a, b) => rank(b) - rank(a) || a.pod.localeCompare(b.pod))[0];
    if (pick) obs.push(observe('target.pod', pick.pod, `pod ${ns}/${pick.pod} (${pick.waitingReason ?? `${plural(pick.restartCount, 'restart')}`}${pick.replicaSet ? `, ReplicaSet ${pick.replicaSet}` : ''})`));
  }
  obs.push(observe('change.crash_looping', looping.length, looping.length > 0 ? `${looping.length} container${looping.length === 1 ? '' : 's'} in CrashLoopBackOff (${looping.slice(0, 3).map((c) => `${c.pod}/${c.container}`).join(', ')})` : 'no container in CrashLoopBackOff', { sampleSize: containers.length }));
  // A pod that does not run says why in its Warning events ("failed to extract layer …: no space left on
  // device"): read with the log signatures, as its log would be.
  const warnings = (f.podEvents ?? []).filter((e) => e.type === 'Warning' && e.message);
  if (warnings.length > 0) {
    const hits = classifyLines(warnings.map((e) => `${e.reason ?? ''}: ${e.message}`)).signatures;
    for (const h of hits) {
      obs.push(observe('log.signature', h.id, `${h.id} in the pod's events (${h.count} event${h.count === 1 ? '' : 's'}): ${h.samples[0] ?? ''}`, { subject: h.id, sampleSize: h.count }));
    }
    const causes = hits.filter((h) => h.class === 'cause');
    if (causes.length > 0) obs.push(observe('change.pod_events_name_cause', causes.length, `the pods' events name why they do not run: ${causes.map((h) => h.id).join(', ')}`, { sampleSize: warnings.length }));
  }
  for (const c of containers.filter((x) => x.waitingReason)) {
    obs.push(observe('change.waiting_reason', c.waitingReason ?? '', `${c.pod}/${c.container} waiting: ${c.waitingReason}${c.waitingMessage ? ` — ${c.waitingMessage}` : ''}`, { subject: `${c.pod}/${c.container}` }));
  }

  // Scaling: the HPA's rescales and reductions of the current ReplicaSet outside a rollout.
  const scaleEvents: ScaleEvent[] = [];
  const hpaData: ChangesData['hpas'] = [];
  hpas.forEach((h, i) => {
    const name = h.metadata?.name ?? '';
    const events = f.hpaEvents[i] ?? [];
    const rescales = hpaRescales(events, name);
    scaleEvents.push(...rescales);
    const min = h.spec?.minReplicas ?? 1;
    const max = h.spec?.maxReplicas ?? null;
    const cur = h.status?.currentReplicas ?? null;
    const desired = h.status?.desiredReplicas ?? null;
    const scalingLimited = (h.status?.conditions ?? []).find((c) => c.type === 'ScalingLimited');
    const limited = scalingLimited?.status === 'True' ? scalingLimited : undefined;
    const latest = rescales.at(-1);
    // desiredReplicas is capped at maxReplicas, so "desired = max" alone does not say the HPA wants more: its
    // ScalingLimited condition does (TooManyReplicas); without one, a metric above its target at the maximum does.
    const atMaxNow = max !== null && cur !== null && desired !== null && cur >= max && desired >= max;
    const atMax = max !== null && (limited?.reason === 'TooManyReplicas' || (atMaxNow && !scalingLimited && metricsAboveTarget(h) !== false));
    hpaData.push({ name, minReplicas: min, maxReplicas: max, currentReplicas: cur, desiredReplicas: desired, limited: limited ? `${limited.reason ?? ''}: ${limited.message ?? ''}` : null, atMax });
    // Scaling up into the ceiling is not capacity still being added: it is capacity that ran out.
    const direction = latest ? (latest.direction === 'up' && atMax && latest.to >= max ? 'up-to-max' : latest.direction) : 'none';
    const bounds = `min ${min}, max ${max ?? '?'}, now ${cur ?? '?'}, wants ${desired ?? '?'}`;
    obs.push(
      observe(
        'change.hpa_scaled',
        direction,
        latest
          ? `HPA ${name} scaled ${latest.direction}${latest.from !== null ? ` from ${latest.from}` : ''} to ${latest.to} ${formatAge(ageOf(latest.at) ?? 0)} ago (${latest.reason}; ${bounds})`
          : `HPA ${name}: no rescale in the retained events (${bounds})`,
        { subject: name },
      ),
    );
    // Flapping: rescales of the last hour that reverse the one before (each scale-up lands on cold pods).
    const lastHour = rescales.filter((r) => (ageOf(r.at) ?? Infinity) <= 3600);
    const reversals = lastHour.filter((r, i) => i > 0 && r.direction !== lastHour[i - 1]!.direction).length;
    if (lastHour.length > 0) {
      const window = h.spec?.behavior?.scaleDown?.stabilizationWindowSeconds;
      const path = [lastHour[0]!.from ?? '?', ...lastHour.map((r) => r.to)].join(' → ');
      obs.push(
        observe(
          'change.hpa_reversals',
          reversals,
          `HPA ${name} rescaled ${lastHour.length} time${lastHour.length === 1 ? '' : 's'} in the last hour (${path}), reversing direction ${reversals} time${reversals === 1 ? '' : 's'}${window !== undefined ? `; scale-down stabilization window ${window} s` : ''}`,
          { subject: name, windowSeconds: 3600, sampleSize: lastHour.length },
        ),
      );
    }
    // ScalingActive False: the controller cannot read its metric, so it holds the replica count wherever it is.
    const active = (h.status?.conditions ?? []).find((c) => c.type === 'ScalingActive');
    if (active) {
      const blind = active.status === 'False';
      obs.push(observe('change.hpa_metrics_unavailable', blind, blind ? `HPA ${name} cannot scale — ScalingActive False (${active.reason ?? 'no reason'}): ${active.message ?? ''}; it stays at ${cur ?? '?'} replicas (${bounds})` : `HPA ${name} reads its metrics (ScalingActive ${active.status})`, { subject: name }));
    }
    obs.push(observe('change.hpa_at_max', atMax, atMax ? `HPA ${name} is at its maximum of ${max} replicas and wants ${desired ?? max}${limited ? ` (${limited.reason})` : ''}` : atMaxNow ? `HPA ${name} runs its maximum of ${max} replicas and asks for no more (${scalingLimited ? `ScalingLimited ${scalingLimited.status}: ${scalingLimited.reason ?? ''}` : 'its metrics are within their targets'})` : `HPA ${name} is below its maximum (${bounds})`, { subject: name }));
  });
  // The current ReplicaSet scaled down outside a rollout: by a person (kubectl scale) or in answer to the HPA (then the HPA's event says why).
  const byHpa = (at: string) => scaleEvents.some((h) => Math.abs(Date.parse(h.at) - Date.parse(at)) <= 60_000);
  const manualDowns = current ? replicaSetScalings(dEvents).filter((s) => s.replicaSet === current.replicaSet && s.direction === 'down' && !byHpa(s.at)) : [];
  scaleEvents.push(...manualDowns);
  scaleEvents.sort((a, b) => a.at.localeCompare(b.at));
  const lastDown = scaleEvents.filter((s) => s.direction === 'down').at(-1);
  if (lastDown) {
    const age = ageOf(lastDown.at) ?? 0;
    obs.push(observe('change.scale_down_age', age, `replicas reduced${lastDown.from !== null ? ` from ${lastDown.from}` : ''} to ${lastDown.to} ${formatAge(age)} ago by ${lastDown.object} (${lastDown.reason})`));
  }

  result.observations = obs;
  fill(result, { target, ns, deploymentName, resolved, revisions, current, previous, changes, startAt: start.at, rolloutAge, state, containers, recentCount, scaleEvents, hpaData, dEvents, findings, now });
  const data: ChangesData = {
    namespace: ns,
    deployment: deploymentName,
    pod: resolved.pod?.metadata?.name ?? null,
    revisions: revisions.map(({ template: _template, ...r }) => r),
    changes,
    rolloutStartedAt: start.at,
    rollout: state,
    containers,
    scaleEvents,
    hpas: hpaData,
    findings,
  };
  result.data = data;
  return result;
}

interface Collected {
  target: string;
  ns: string;
  deploymentName: string | null;
  resolved: Resolved;
  revisions: Revision[];
  current: Revision | undefined;
  previous: Revision | undefined;
  changes: TemplateChange[];
  startAt: string | null;
  rolloutAge: number | null;
  state: RolloutState | null;
  containers: ContainerRestarts[];
  recentCount: number;
  scaleEvents: ScaleEvent[];
  hpaData: ChangesData['hpas'];
  dEvents: CoreV1Event[];
  findings: ChangesFinding[];
  now: number;
}

function fill(result: DiagnosticResult, c: Collected): void {
  const ageOf = (iso: string | null) => (iso ? formatAge(Math.max(0, (c.now - Date.parse(iso)) / 1000)) : '');
  const workload = c.deploymentName ? `${c.ns}/${c.deploymentName}` : c.target;
  const looping = c.containers.filter((x) => x.waitingReason === 'CrashLoopBackOff');
  const waiting = c.containers.filter((x) => x.waitingReason && x.waitingReason !== 'CrashLoopBackOff');

  // Tables: history, what the current revision changed, pods, timeline.
  if (c.revisions.length > 0) {
    result.tables.push({
      title: `Rollout history of deployment ${workload}`,
      columns: ['revision', 'replica set', 'created', 'age', 'images', 'replicas (ready/total)', 'change cause'],
      rows: c.revisions.slice(0, MAX_REVISIONS).map((r) => [
        r.revision === c.current?.revision ? `${r.revision} (current)` : r.revision,
        r.replicaSet,
        r.createdAt,
        ageOf(r.createdAt),
        Object.entries(r.images).map(([k, v]) => `${k}=${shortImage(v)}`).join(', '),
        `${r.readyReplicas}/${r.replicas}`,
        r.changeCause,
      ]),
    });
  }
  if (c.current && c.previous) {
    result.tables.push({
      title: `What revision ${c.current.revision} changed against revision ${c.previous.revision}`,
      columns: ['kind', 'container', 'field', 'before', 'after'],
      rows: c.changes.length > 0 ? c.changes.map((x) => [x.kind, x.container ?? null, x.field, x.before, x.after]) : [['none', null, 'pod template', 'identical', 'identical']],
    });
  }
  if (c.containers.length > 0) {
    result.tables.push({
      title: `Pods of ${workload}`,
      columns: ['pod', 'replica set', 'container', 'ready', 'restarts', 'waiting', 'last termination', 'exit', 'ended'],
      rows: c.containers.map((x) => [x.pod, x.replicaSet, x.container, x.ready ? 'yes' : 'no', x.restartCount, x.waitingReason, x.lastTerminationReason, x.lastExitCode, x.lastFinishedAt]),
    });
  }
  const timeline: Array<[string, string]> = [];
  for (const r of c.revisions.slice(0, 3)) if (r.createdAt) timeline.push([r.createdAt, `revision ${r.revision} created (ReplicaSet ${r.replicaSet}${r.changeCause ? `: ${r.changeCause}` : ''})`]);
  if (c.startAt && c.current && !timeline.some(([t]) => t === c.startAt)) timeline.push([c.startAt, `revision ${c.current.revision} rolled out again (rollback)`]);
  for (const e of c.dEvents.filter((x) => x.reason === 'ScalingReplicaSet' || x.type === 'Warning')) {
    const t = eventTime(e);
    if (t) timeline.push([t, `${e.reason}: ${e.message ?? ''}`]);
  }
  for (const s of c.scaleEvents.filter((x) => x.object.startsWith('HorizontalPodAutoscaler/'))) timeline.push([s.at, `${s.object} scaled ${s.direction} to ${s.to} (${s.reason})`]);
  for (const x of c.containers.filter((y) => y.lastFinishedAt)) {
    timeline.push([x.lastFinishedAt ?? '', `${x.pod}/${x.container} last exited: ${x.lastTerminationReason ?? 'terminated'}${x.lastExitCode !== null ? ` (exit ${x.lastExitCode})` : ''}, ${x.restartCount} restarts`]);
  }
  timeline.sort((a, b) => a[0].localeCompare(b[0]));
  if (timeline.length > 0) {
    result.tables.push({ title: `Timeline of ${workload}`, columns: ['time', 'before now', 'what'], rows: timeline.slice(-25).map(([t, what]) => [t, `${ageOf(t)} ago`, what]) });
  }

  // Evidence: the facts a person checks first.
  const evidence: Evidence[] = [];
  if (c.resolved.unmanaged) evidence.push({ label: 'not a Deployment', value: `pod ${c.target} is controlled by ${c.resolved.unmanaged}: no rollout history to read`, severity: 'info' });
  if (c.current) {
    evidence.push({ label: 'current revision', value: `${c.current.revision} (${c.current.replicaSet})`, detail: c.rolloutAge !== null ? `rollout began ${formatAge(c.rolloutAge)} ago, ${c.startAt}` : undefined });
  }
  if (c.current && c.previous) {
    evidence.push({
      label: `changed since revision ${c.previous.revision}`,
      value: c.changes.length > 0 ? c.changes.slice(0, 4).map(changeText).join('; ') + (c.changes.length > 4 ? ` (+${c.changes.length - 4} more)` : '') : 'nothing in the pod template',
    });
  }
  if (c.state) {
    evidence.push({
      label: 'replicas',
      value: `${c.state.ready}/${c.state.desired} ready, ${c.state.unavailable} unavailable`,
      detail: c.state.stuck ? `stuck: ${c.state.progressingMessage ?? ''}` : c.state.inProgress ? 'rollout in progress' : 'rollout complete',
      severity: c.state.stuck ? 'critical' : c.state.unavailable > 0 ? 'warning' : undefined,
    });
  }
  evidence.push({ label: 'restarts in the last hour', value: String(c.recentCount), severity: c.recentCount > 0 ? 'warning' : undefined });
  for (const x of [...looping, ...waiting].slice(0, 3)) evidence.push({ label: `${x.pod}/${x.container}`, value: x.waitingReason ?? '', detail: x.waitingMessage ?? undefined, severity: x.waitingReason === 'CrashLoopBackOff' ? 'critical' : 'warning' });
  for (const h of c.hpaData) evidence.push({ label: `HPA ${h.name}`, value: `${h.currentReplicas ?? '?'} replicas (min ${h.minReplicas ?? '?'}, max ${h.maxReplicas ?? '?'}, wants ${h.desiredReplicas ?? '?'})`, detail: h.limited ?? undefined });
  for (const f of c.findings) evidence.push({ label: f.code, value: f.message, severity: f.severity });
  result.evidence = evidence;

  // Severity from what was measured: the symptoms, not the causes.
  const atMax = c.hpaData.some((h) => h.atMax);
  const freshRollout = c.state?.inProgress === true && (c.rolloutAge ?? Infinity) < 600;
  result.severity = worstSeverity([
    ...(looping.length > 0 || c.state?.stuck ? (['critical'] as const) : []),
    ...(waiting.length > 0 || c.recentCount > 0 || atMax || ((c.state?.unavailable ?? 0) > 0 && !freshRollout) ? (['warning'] as const) : []),
    ...(c.state?.inProgress ? (['info'] as const) : []),
    ...c.findings.map((f) => f.severity),
  ]);

  // A neutral summary of what was found.
  const facts: string[] = [];
  if (c.current) {
    const what = c.previous
      ? c.changes.length > 0
        ? ` (${[...new Set(c.changes.map((x) => x.kind))].join(', ')} changed since revision ${c.previous.revision})`
        : ` (same pod template as revision ${c.previous.revision})`
      : '';
    facts.push(`revision ${c.current.revision} rolled out ${c.rolloutAge !== null ? `${formatAge(c.rolloutAge)} ago` : 'at an unknown time'}${what}`);
  } else if (c.resolved.unmanaged) facts.push(`pod controlled by ${c.resolved.unmanaged}, no rollout history`);
  if (c.state) facts.push(`${c.state.ready}/${c.state.desired} replicas ready${c.state.stuck ? ', rollout stuck' : c.state.inProgress ? ', rollout in progress' : ''}`);
  facts.push(c.recentCount > 0 ? `${c.recentCount} restarts in the last hour${looping.length > 0 ? `, ${looping.length} in CrashLoopBackOff` : ''}` : 'no restarts in the last hour');
  if (waiting.length > 0) facts.push(`${waiting.length} container${waiting.length === 1 ? '' : 's'} waiting (${[...new Set(waiting.map((x) => x.waitingReason))].join(', ')})`);
  const lastHpa = c.scaleEvents.filter((s) => s.object.startsWith('HorizontalPodAutoscaler/')).at(-1);
  if (lastHpa) facts.push(`${lastHpa.object.replace('HorizontalPodAutoscaler/', 'HPA ')} scaled ${lastHpa.direction} to ${lastHpa.to} ${ageOf(lastHpa.at)} ago`);
  else if (c.hpaData.length > 0) facts.push(`HPA ${c.hpaData[0]?.name} steady at ${c.hpaData[0]?.currentReplicas ?? '?'}`);
  const blocked = c.findings.filter((f) => f.severity === 'warning').map((f) => f.message);
  result.summary = `${workload}: ${facts.join('; ')}.${blocked.length > 0 ? ` Not checked: ${blocked.join('; ')}.` : ''}`;

  if (c.current && !c.current.changeCause) result.fixes.push('Record why each rollout happened (`kubectl annotate deployment/<name> kubernetes.io/change-cause="…"`, or your CD tool\'s equivalent) so the history names the change.');
  for (const f of c.findings.filter((x) => x.severity !== 'info')) result.fixes.push(f.fix);
}
