// The incident processor: the worker's consumer of accepted alerts (ALERT_QUEUE) and of its own
// follow-up jobs (INCIDENT_QUEUE: coalesced parent edits, outbox drains, re-investigations).
// For each event it commits the incident's next state (src/incidents/incident.ts) and then
// carries out what the state still asks for: the parent message, the replies, ONE investigation
// per run (a BullMQ flow with a deterministic request id), the summary on resolve, and the
// parent edit. Every Slack post is claimed and recorded (IncidentStore.claimPost), so a retried
// job or a second worker replica finds the post instead of making it again.
import { createHash } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job, type RedisOptions } from 'bullmq';
import type { AlertEvent } from '../alerts/alert-event.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { UsageError, oneLine } from '../core/errors.ts';
import { logErrors, type Logger } from '../core/logger.ts';
import { FlowEnqueuer, type EnqueueRequest, type ReportJobData } from '../queue/flow.ts';
import type { JobStore } from '../queue/job-store.ts';
import { ALERT_JOB, ALERT_QUEUE } from '../queue/names.ts';
import type { Report } from '../report/model.ts';
import { escapeMrkdwn } from '../report/render-slack.ts';
import { investigationNote, planInvestigation } from '../triage/investigation.ts';
import type { TriageDecision } from '../triage/triage-decision.ts';
import { addRun, applyEvent, currentRun, incidentId, type Incident, type IncidentEffect } from './incident.ts';
import type { AlertmanagerApi } from '../alerts/alertmanager-api.ts';
import type { PagerDutyRestClient } from '../pagerduty/rest-client.ts';
import { renderParent, runStatusText, triageReply } from './incident-message.ts';
import { startReconciler, type OpenIncident, type ReconcileTransition } from './reconcile.ts';
import { IncidentStore, POST_LEASE_MS } from './incident-store.ts';
import { INCIDENT_POST_EVENT, isChannelError, type IncidentPost, type IncidentSlack } from './incident-slack.ts';
import { renderIncidentSummary } from './incident-summary.ts';

/** The processor's own jobs: `edit` (the parent), `drain` (the outbox), `watch` (a run's deadline), `reinvestigate` (the button), `steps` (the checklist's progress). */
export const INCIDENT_QUEUE = 'incidents';
export type IncidentJob = { name: 'edit' | 'drain'; data: { incidentId: string } } | { name: 'watch'; data: { incidentId: string; run: number } } | { name: 'reinvestigate'; data: ReinvestigateRequest } | { name: 'steps'; data: RunbookStepsRequest };

export interface ReinvestigateRequest {
  incidentId: string;
  /** The run the button showed: a re-run happens only if no other run started since (double clicks). */
  afterRun: number;
  /** Slack user id of who asked. */
  user: string;
}

/** The runbook checklist's progress for the parent ("steps 3/7"): job `steps` on INCIDENT_QUEUE. */
export interface RunbookStepsRequest {
  incidentId: string;
  done: number;
  total: number;
  /** Epoch ms of the change: an older one arriving late does not overwrite a newer one. */
  at: number;
}

/**
 * The job that sets an incident's checklist progress, for whoever keeps the checklist (the bot's
 * step buttons): `queue(INCIDENT_QUEUE).add(j.name, j.data, j.opts)`. `incidentKey` is
 * AlertEvent.incidentKey; the same progress twice is one job.
 */
export function runbookStepsJob(incidentKey: string, done: number, total: number, at = Date.now()): { name: 'steps'; data: RunbookStepsRequest; opts: typeof FOLLOW_UP_OPTS & { jobId: string } } {
  const id = incidentId(incidentKey);
  return { name: 'steps', data: { incidentId: id, done, total, at }, opts: { ...FOLLOW_UP_OPTS, jobId: `steps-${id}-${done}-${total}-${at}` } };
}

/** Job id of a re-investigation: one per incident and run, so a double click is one re-run. */
export function reinvestigateJobId(r: Pick<ReinvestigateRequest, 'incidentId' | 'afterRun'>): string {
  return `reinvestigate-${r.incidentId}-${r.afterRun + 1}`;
}

export type TriageFn = (event: AlertEvent) => TriageDecision | Promise<TriageDecision>;

export interface IncidentProcessorOptions {
  store: IncidentStore;
  slack: IncidentSlack;
  /** Triage (src/triage/triage-alert.ts in production): runbook, channel, the investigation's tokens. */
  triage: TriageFn;
  diagnostics: readonly Diagnostic[];
  enqueuer: Pick<FlowEnqueuer, 'enqueue'>;
  /** The report job of a run, to read its Report (the job's return value) for the summary. */
  jobs: Pick<JobStore, 'reportJob'>;
  /** INCIDENT_QUEUE, for delayed edits and drains. */
  followUps: Pick<Queue, 'add'>;
  /** Channel for an incident whose triage names none, or whose channel refuses the bot. */
  defaultChannel?: string | undefined;
  /** Ms after a run starts in which new alerts join it. From INCIDENT_JOIN_WINDOW_SECONDS. */
  joinWindowMs: number;
  /** Min ms between two edits of one parent, across replicas. Default 2000. */
  editIntervalMs?: number;
  /**
   * chat.update calls per window for all incidents together, across replicas (Slack's Tier 3 is
   * about 50 a minute). Default 7 per 10,000 ms: 42 a minute, and at most 49 in any 60 s (a
   * minute-long window would let 2 × its budget through around a window's edge).
   */
  editBudget?: { calls: number; windowMs: number };
  /** Ms a resolve waits for a running investigation's report before the summary goes without it. Default 300,000. */
  summaryWaitMs?: number;
  /** Ms after a run starts by which its report must be in, else the thread is told and the run counts as failed. Default 900,000. */
  runDeadlineMs?: number;
  /** PagerDuty write-back is on: Acknowledge/Resolve buttons in the parent, the report as an incident note. */
  pagerduty?: Pick<PagerDutyRestClient, 'addNote'> | undefined;
  /** Alertmanager's API (ALERTMANAGER_URL): the alerts a truncated notification left out. */
  alertmanager?: Pick<AlertmanagerApi, 'groupMembers'> | undefined;
  /** Runbook checklists: the matched runbook's checklist is posted in the thread after the triage reply (idempotent). */
  checklists?: { attachToIncident(incident: Incident): Promise<void> } | undefined;
  now(): number;
  logger: Logger;
}

/** What the parent shows, to skip an edit that would change nothing. */
function parentDigest(r: { text: string; blocks: unknown }): string {
  return createHash('sha256').update(JSON.stringify([r.text, r.blocks])).digest('base64url');
}

const FOLLOW_UP_OPTS = { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };
const POLL_MS = 150;

export class IncidentProcessor {
  private readonly o: IncidentProcessorOptions;
  private readonly editIntervalMs: number;
  private readonly budget: { calls: number; windowMs: number };
  private readonly summaryWaitMs: number;
  private readonly runDeadlineMs: number;
  private readonly parentOptions: { pagerDutyButtons: boolean };
  /** Versions of the incidents the last openIncidents() listed, for deterministic reconcile event ids. */
  private readonly listedVersions = new Map<string, number>();

  constructor(options: IncidentProcessorOptions) {
    this.o = options;
    this.editIntervalMs = options.editIntervalMs ?? 2000;
    this.budget = options.editBudget ?? { calls: 7, windowMs: 10_000 };
    this.summaryWaitMs = options.summaryWaitMs ?? 300_000;
    this.runDeadlineMs = options.runDeadlineMs ?? 15 * 60_000;
    this.parentOptions = { pagerDutyButtons: Boolean(options.pagerduty) };
  }

  /** One accepted alert: the incident's next state, then what it asks for. `note`: a reply said with it, once, if it changes anything. */
  async handleEvent(event: AlertEvent, note?: string): Promise<void> {
    if (typeof event?.incidentKey !== 'string' || typeof event.eventId !== 'string' || !Array.isArray(event.members)) {
      throw new UnrecoverableError('alert job without incidentKey, eventId or members: not an AlertEvent');
    }
    const id = incidentId(event.incidentKey);
    const existing = await this.o.store.get(id);
    if (!existing && event.transition === 'resolved') {
      // Alertmanager sends resolved notifications for groups the bot never saw fire (it was down or
      // not yet deployed), PagerDuty a resolve of an incident triggered elsewhere: nobody waits on a
      // thread that would open only to say it is over.
      this.o.logger.info('resolve for an incident never opened: nothing posted', { incident: id, source: event.source });
      return;
    }
    const decision = existing ? existing.triage : await this.decide(event);
    const fetched = await this.truncatedMembers(event);
    const full = fetched.length ? { ...event, members: [...event.members, ...fetched] } : event;
    const committed = await this.o.store.update(
      id,
      (cur) => {
        const next = applyEvent(cur, full, cur?.triage ?? decision, this.o.now(), { joinWindowMs: this.o.joinWindowMs });
        if (event.truncatedAlerts > 0) next.fetchedMembers = fetched.length;
        if (note) next.outbox.push({ id: `note:${next.events}`, kind: 'reply', text: note });
        return next;
      },
      event.eventId,
    );
    if (committed?.applied) this.o.logger.info('incident event', { incident: id, transition: event.transition, members: event.members.length, version: committed.incident.version });
    await this.settleOrLater(id);
  }

  /**
   * The alerts a truncated Alertmanager notification left out, from its API: the group's labels
   * are the last `{…}` of the groupKey. None without ALERTMANAGER_URL or when it does not answer.
   */
  private async truncatedMembers(event: AlertEvent): Promise<AlertEvent['members']> {
    if (event.source !== 'alertmanager' || event.truncatedAlerts <= 0 || !this.o.alertmanager) return [];
    const m = /^am:([^:]*):.*\{([^{}]*)\}$/.exec(event.incidentKey);
    if (!m) return [];
    const groupLabels = Object.fromEntries([...m[2]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((p) => [p[1]!, p[2]!.replace(/\\(.)/g, '$1')]));
    try {
      const known = new Set(event.members.map((x) => x.fingerprint));
      return (await this.o.alertmanager.groupMembers(groupLabels, m[1] || undefined)).filter((x) => !known.has(x.fingerprint));
    } catch (err) {
      this.o.logger.warn('truncated group not read from Alertmanager', { incidentKey: event.incidentKey, error: oneLine(err) });
      return [];
    }
  }

  private async decide(event: AlertEvent): Promise<TriageDecision> {
    const decision = await this.o.triage(event);
    const channel = decision.channel || this.o.defaultChannel;
    if (!channel) throw new UnrecoverableError(`no channel for incident ${event.incidentKey}: triage named none and INCIDENT_CHANNEL is not set`);
    return { ...decision, channel };
  }

  /** A re-investigation asked from the thread. */
  async reinvestigate(r: ReinvestigateRequest): Promise<'started' | 'already' | 'missing'> {
    let outcome: 'started' | 'already' | 'missing' = 'missing';
    await this.o.store.update(r.incidentId, (cur) => {
      if (!cur) return null;
      if (cur.runs.length > r.afterRun) {
        outcome = 'already';
        return null;
      }
      const next = structuredClone(cur);
      const run = addRun(next, this.o.now(), `re-investigation asked by <@${r.user}>`);
      next.timeline.push({ at: this.o.now(), kind: 'note', text: `re-investigation asked by <@${r.user}>` });
      next.outbox.push({ id: `rerun:${run.run}`, kind: 'reply', text: `:repeat: <@${r.user}> asked to investigate again (run ${run.run}).` });
      outcome = 'started';
      return next;
    });
    if (outcome !== 'missing') await this.settleOrLater(r.incidentId);
    return outcome;
  }

  /** The report job of one of an incident's runs finished: note it, finish a waiting summary, edit the parent. */
  async reportFinished(data: ReportJobData, report: Report): Promise<void> {
    const id = incidentId(data.incidentKey);
    const top = report.hypotheses.find((h) => h.likelihood !== 'unlikely');
    const committed = await this.o.store.update(id, (cur) => {
      const idx = cur?.runs.findIndex((r) => r.requestId === data.requestId) ?? -1;
      if (!cur || idx < 0 || cur.runs[idx]!.finishedAt !== undefined) return null;
      const next = structuredClone(cur);
      const run = next.runs[idx]!;
      run.finishedAt = this.o.now();
      if (top) run.topCause = top.title;
      return next;
    });
    if (!committed?.applied) return;
    const inc = committed.incident;
    const pdId = inc.pagerduty?.incidentId;
    if (this.o.pagerduty && pdId) {
      const purpose = `pd-note:${data.requestId}`;
      const claim = await this.o.store.claimPost(id, purpose);
      if (claim.state === 'mine') {
        const note = `infdbg: ${report.summary}${top ? `\nTop cause: ${top.title} (${top.likelihood})${top.fixes[0] ? `\nFix: ${top.fixes[0]}` : ''}` : ''}`.slice(0, 25_000);
        try {
          const added = await this.o.pagerduty.addNote(pdId, note);
          await this.o.store.recordPost(id, purpose, claim.token, added.id);
        } catch (err) {
          await this.o.store.releasePost(id, purpose, claim.token);
          this.o.logger.warn('report not added to the PagerDuty incident as a note', { incident: id, error: oneLine(err) });
        }
      }
    }
    await this.settleOrLater(id);
  }

  /** The open incidents for reconciliation (src/incidents/reconcile.ts). */
  async openIncidents(): Promise<OpenIncident[]> {
    const out: OpenIncident[] = [];
    for (const id of await this.o.store.listOpen()) {
      const i = await this.o.store.get(id);
      if (!i || i.status === 'resolved') continue;
      this.listedVersions.set(i.incidentKey, i.version);
      out.push({
        incidentKey: i.incidentKey,
        source: i.source,
        status: i.status,
        firingFingerprints: Object.entries(i.members).filter(([, m]) => m.status === 'firing').map(([f]) => f),
        untrackedMembers: i.untrackedMembers,
        ...(i.pagerduty?.incidentId ? { pagerDutyIncidentId: i.pagerduty.incidentId } : {}),
      });
    }
    return out;
  }

  /** Applies a reconciliation decision as an event of its own (its id from the incident's listed version, so two replicas apply it once). */
  async applyReconcile(t: ReconcileTransition): Promise<void> {
    const id = incidentId(t.incidentKey);
    const i = await this.o.store.get(id);
    if (!i) return;
    const now = this.o.now();
    const fingerprints = 'fingerprints' in t && t.fingerprints ? t.fingerprints : [];
    const members: AlertEvent['members'] = fingerprints
      .filter((f) => i.members[f])
      .map((f) => {
        const m = i.members[f]!;
        const labels: Record<string, string> = m.alertname ? { alertname: m.alertname } : {};
        return { fingerprint: f, status: 'resolved', labels, annotations: {}, startsAt: m.startsAt, endsAt: now };
      });
    const transition = t.kind === 'members-resolved' ? 'annotated' : t.kind === 'firing' ? 'firing' : t.kind;
    const event: AlertEvent = {
      source: i.source,
      eventId: `reconcile|${t.kind}|${t.incidentKey}|${this.listedVersions.get(t.incidentKey) ?? i.version}`,
      incidentKey: t.incidentKey,
      transition,
      receivedAt: now,
      title: i.title,
      labels: i.labels,
      annotations: {},
      members,
      truncatedAlerts: i.truncatedAlerts,
      ...('actor' in t && t.actor ? { actor: t.actor } : {}),
    };
    await this.handleEvent(event, `:arrows_counterclockwise: Reconciled: ${escapeMrkdwn(t.reason)}.`);
  }

  /** Sets the runbook checklist's progress shown in the parent ("steps 3/7") and edits the parent (coalesced). `at`: when it changed (a late older change is ignored). */
  async setRunbookSteps(id: string, done: number, total: number, at = this.o.now()): Promise<void> {
    const committed = await this.o.store.update(id, (cur) => {
      if (!cur || (cur.runbookSteps.at ?? 0) > at || (cur.runbookSteps.done === done && cur.runbookSteps.total === total)) return null;
      return { ...cur, runbookSteps: { done, total, at } };
    });
    if (committed?.applied) await this.requestEdit(id);
  }

  /** Carries out the incident's pending effects and edits its parent; on failure a drain job tries again later. */
  private async settleOrLater(id: string): Promise<void> {
    try {
      await this.settle(id);
    } catch (err) {
      const incident = await this.o.store.get(id).catch(() => null);
      await this.o.followUps.add('drain', { incidentId: id }, { ...FOLLOW_UP_OPTS, jobId: `drain-${id}-${incident?.version ?? 0}`, delay: 5000 }).catch(() => {});
      throw err;
    }
  }

  async settle(id: string): Promise<void> {
    let incident = await this.o.store.get(id);
    if (!incident) return;
    const opened = await this.ensureParent(id, incident);
    if (!opened) {
      // Another replica is posting the parent now; it carries out what is pending once it has, and this drain catches what came after.
      await this.o.followUps.add('drain', { incidentId: id }, { ...FOLLOW_UP_OPTS, jobId: `drain-${id}-p${incident.version}`, delay: 1000 });
      return;
    }
    incident = opened;
    for (const effect of incident.outbox) {
      const done = await this.perform(id, incident, effect);
      if (done) {
        const after = await this.o.store.update(id, (cur) => (cur && cur.outbox.some((e) => e.id === effect.id) ? { ...cur, outbox: cur.outbox.filter((e) => e.id !== effect.id) } : null));
        if (after) incident = after.incident;
      }
    }
    await this.requestEdit(id);
  }

  /** Makes the post `purpose` once across retries and replicas; returns its ts. */
  private async postOnce(id: string, purpose: string, post: IncidentPost): Promise<string>;
  private async postOnce(id: string, purpose: string, post: IncidentPost, wait: false): Promise<string | undefined>;
  private async postOnce(id: string, purpose: string, post: IncidentPost, wait = true): Promise<string | undefined> {
    const marker = { incident_id: id, purpose };
    const message: IncidentPost = { ...post, metadata: { event_type: INCIDENT_POST_EVENT, event_payload: marker } };
    for (const deadline = Date.now() + POST_LEASE_MS + 5000; ; ) {
      const claim = await this.o.store.claimPost(id, purpose);
      if (claim.state === 'done') return claim.ts;
      if (claim.state === 'busy') {
        if (!wait) return undefined;
        if (Date.now() > deadline) throw new Error(`post ${purpose} of ${id} still claimed by another replica`);
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      if (claim.staleSince !== undefined) {
        // An earlier attempt ended without recording its ts: Slack may have the post already.
        const found = await this.o.slack.findPost(message.channel, message.threadTs, marker).catch((err: unknown) => {
          this.o.logger.warn('could not look for an earlier post (needs channels:history); posting', { incident: id, purpose, error: oneLine(err) });
          return undefined;
        });
        if (found) return this.o.store.recordPost(id, purpose, claim.token, found);
      }
      let ts: string;
      try {
        ts = await this.o.slack.post(message);
      } catch (err) {
        await this.o.store.releasePost(id, purpose, claim.token);
        throw err;
      }
      // A crash here (after Slack's answer, before this write) leaves a claim without a ts: the retry looks the post up by its metadata.
      const recorded = await this.o.store.recordPost(id, purpose, claim.token, ts);
      if (recorded !== ts) {
        // Another replica took an expired claim over and posted first: ours is the duplicate.
        await this.o.slack.delete(message.channel, ts).catch((err: unknown) => this.o.logger.warn('could not delete a duplicate post', { incident: id, purpose, error: oneLine(err) }));
      }
      return recorded;
    }
  }

  /** The incident with its parent posted; undefined while another replica is posting it. */
  private async ensureParent(id: string, incident: Incident): Promise<Incident | undefined> {
    if (incident.thread.parentTs) return incident;
    let channel = incident.thread.channel;
    let note: string | undefined;
    const message = (): IncidentPost => {
      const r = renderParent({ ...incident, thread: { channel, ...(note ? { note } : {}) } }, id, this.parentOptions);
      return { channel, text: r.text, blocks: r.blocks };
    };
    let ts: string;
    try {
      const first = message();
      const posted = await this.postOnce(id, 'parent', first, false);
      if (posted === undefined) return undefined;
      ts = posted;
      await this.o.store.markRendered(id, parentDigest({ text: first.text, blocks: first.blocks }));
    } catch (err) {
      const fallback = this.o.defaultChannel;
      if (!isChannelError(err) || !fallback || fallback === channel) throw err;
      this.o.logger.warn('incident channel refused the bot; using the default channel', { incident: id, channel, error: oneLine(err) });
      note = `:warning: Could not post in <#${channel}> (${oneLine(err)}): invite the bot there.`;
      channel = fallback;
      ts = await this.postOnce(id, 'parent', message());
    }
    const thread = { channel, parentTs: ts, ...(note ? { note } : {}) };
    const after = await this.o.store.update(id, (cur) => (cur && !cur.thread.parentTs ? { ...cur, thread } : null));
    return after?.incident ?? (await this.o.store.get(id)) ?? incident;
  }

  /** Performs one effect; false when it must wait (a summary waiting for its report). */
  private async perform(id: string, incident: Incident, effect: IncidentEffect): Promise<boolean> {
    const { channel, parentTs } = incident.thread;
    if (!parentTs) return false;
    switch (effect.kind) {
      case 'reply':
        await this.postOnce(id, effect.id, { channel, threadTs: parentTs, text: effect.text });
        return true;
      case 'triage':
        await this.postOnce(id, effect.id, { channel, threadTs: parentTs, text: triageReply(incident) });
        if (incident.triage.runbook) await this.o.checklists?.attachToIncident(incident);
        return true;
      case 'investigate':
        await this.startRun(id, incident, effect.run);
        return true;
      case 'summary':
        return this.summarise(id, incident, effect);
    }
  }

  private async startRun(id: string, incident: Incident, runNo: number): Promise<void> {
    const run = incident.runs[runNo - 1];
    if (!run || run.startedAt !== undefined || run.error) return;
    const { channel, parentTs } = incident.thread;
    let enqueue: EnqueueRequest;
    try {
      const inv = planInvestigation(incident.triage.investigate, this.o.diagnostics);
      const statusTs = await this.postOnce(id, `status:${runNo}`, { channel, threadTs: parentTs!, text: runStatusText(run) });
      enqueue = {
        requestId: run.requestId,
        title: `${incident.title} — investigation ${runNo}`,
        incidentKey: incident.incidentKey,
        thread: { channel, threadTs: parentTs!, statusTs },
        plan: inv.steps.map((s) => ({ diagnostic: s.diagnostic, payload: s.payload })),
        investigation: investigationNote(inv),
        observations: inv.observations,
      };
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      const reason = oneLine(err);
      await this.postOnce(id, `status:${runNo}`, { channel, threadTs: parentTs!, text: `:warning: Investigation ${runNo} could not start: ${reason}` });
      await this.o.store.update(id, (cur) => {
        if (!cur?.runs[runNo - 1] || cur.runs[runNo - 1]!.error) return null;
        const next = structuredClone(cur);
        next.runs[runNo - 1]!.error = reason;
        return next;
      });
      return;
    }
    // Deterministic job ids: a second enqueue of the same run (a retry, another replica) adds nothing.
    await this.o.enqueuer.enqueue(enqueue);
    await this.o.store.update(id, (cur) => {
      const r = cur?.runs[runNo - 1];
      if (!cur || !r || r.startedAt !== undefined) return null;
      const next = structuredClone(cur);
      Object.assign(next.runs[runNo - 1]!, { startedAt: this.o.now(), statusTs: enqueue.thread!.statusTs });
      return next;
    });
    this.o.logger.info('incident investigation started', { incident: id, run: runNo, requestId: run.requestId, diagnostics: enqueue.plan.map((p) => p.diagnostic.name) });
    // Every run ends visibly: if no report has come by then, the thread is told.
    await this.o.followUps.add('watch', { incidentId: id, run: runNo }, { ...FOLLOW_UP_OPTS, jobId: `watch-${id}-${runNo}`, delay: this.runDeadlineMs });
  }

  private async summarise(id: string, incident: Incident, effect: Extract<IncidentEffect, { kind: 'summary' }>): Promise<boolean> {
    const run = currentRun(incident);
    let report: Report | null = null;
    if (run?.startedAt !== undefined) {
      const job = await this.o.jobs.reportJob(run.requestId);
      report = (job?.returnvalue as Report | undefined) ?? null;
      const waited = this.o.now() - (incident.resolvedAt ?? 0);
      if (!report && job && !job.finishedOn && waited < this.summaryWaitMs) {
        // The report is still coming: reportFinished() drains again; this drain is the fallback.
        await this.o.followUps.add('drain', { incidentId: id }, { ...FOLLOW_UP_OPTS, jobId: `drain-${id}-summary-${effect.resolution}-${Math.floor(waited / 30_000)}`, delay: 30_000 });
        return false;
      }
    }
    const summary = renderIncidentSummary(incident, report, id);
    const { channel, parentTs } = incident.thread;
    await this.postOnce(id, `${effect.id}:text`, { channel, threadTs: parentTs!, text: summary.slackText });
    const claim = await this.o.store.claimPost(id, `${effect.id}:file`);
    if (claim.state === 'mine') {
      try {
        await this.o.slack.upload({ channel, threadTs: parentTs!, filename: summary.filename, title: `Incident summary: ${incident.title}`, content: summary.markdown });
      } catch (err) {
        await this.o.store.releasePost(id, `${effect.id}:file`, claim.token);
        throw err;
      }
      await this.o.store.recordPost(id, `${effect.id}:file`, claim.token, summary.filename);
    }
    return true;
  }

  /** A run's deadline passed: if its report is not in, say so in the thread and stop waiting for it (the summary goes without it). */
  private async watchRun(id: string, runNo: number): Promise<void> {
    const incident = await this.o.store.get(id);
    const run = incident?.runs[runNo - 1];
    if (!incident?.thread.parentTs || !run || run.finishedAt !== undefined || run.error) return;
    const job = await this.o.jobs.reportJob(run.requestId);
    if (job?.finishedOn) return; // finished: reportFinished() is noting it
    const state = job ? await job.getState() : 'gone';
    const reason = `no report ${Math.round(this.runDeadlineMs / 60_000)} min after it started (report job ${state})`;
    const committed = await this.o.store.update(id, (cur) => {
      const r = cur?.runs[runNo - 1];
      if (!cur || !r || r.finishedAt !== undefined || r.error) return null;
      const next = structuredClone(cur);
      next.runs[runNo - 1]!.error = reason;
      next.outbox.push({ id: `watch:${runNo}`, kind: 'reply', text: `:hourglass: Investigation ${runNo} has ${reason}: \`/debug status ${run.requestId}\` shows which diagnostic is stuck.` });
      return next;
    });
    if (committed?.applied) await this.settleOrLater(id);
  }

  /**
   * Edits the parent from the stored incident, coalesced: at most one edit per incident per
   * `editIntervalMs` (leading edge now, trailing edge as a delayed job), and at most
   * `editBudget.calls` edits per window for all incidents together.
   */
  async requestEdit(id: string): Promise<void> {
    const incident = await this.o.store.get(id);
    if (!incident?.thread.parentTs) return;
    if ((await this.o.store.renderedDigest(id)) === parentDigest(renderParent(incident, id, this.parentOptions))) return;
    const gate = await this.o.store.passEditGate(id, this.editIntervalMs);
    if (!gate.open) {
      await this.o.followUps.add('edit', { incidentId: id }, { ...FOLLOW_UP_OPTS, jobId: `edit-${id}-${gate.token}`, delay: gate.waitMs + 20 });
      return;
    }
    const wait = await this.o.store.takeBudget('chat.update', this.budget.calls, this.budget.windowMs);
    if (wait > 0) {
      const window = Math.floor(this.o.now() / this.budget.windowMs) + 1;
      // Spread the next window's edits over its first seconds instead of all at its start.
      await this.o.followUps.add('edit', { incidentId: id }, { ...FOLLOW_UP_OPTS, jobId: `edit-${id}-w${window}`, delay: wait + Math.floor(Math.random() * Math.min(5000, this.budget.windowMs / 4)) });
      return;
    }
    const latest = (await this.o.store.get(id)) ?? incident;
    const r = renderParent(latest, id, this.parentOptions);
    await this.o.slack.update({ channel: latest.thread.channel, ts: latest.thread.parentTs!, text: r.text, blocks: r.blocks });
    await this.o.store.markRendered(id, parentDigest(r));
  }

  /** Dispatches a job of ALERT_QUEUE or INCIDENT_QUEUE. */
  async process(job: Job): Promise<void> {
    if (job.queueName === ALERT_QUEUE) {
      if (job.name !== ALERT_JOB) throw new UnrecoverableError(`unknown alert job "${job.name}"`);
      return this.handleEvent(job.data as AlertEvent);
    }
    const data = job.data as { incidentId?: unknown };
    if (typeof data?.incidentId !== 'string') throw new UnrecoverableError(`incident job "${job.name}" without incidentId`);
    if (job.name === 'edit') return this.requestEdit(data.incidentId);
    if (job.name === 'drain') return this.settle(data.incidentId);
    if (job.name === 'watch') return this.watchRun(data.incidentId, Number((job.data as { run?: unknown }).run));
    if (job.name === 'steps') {
      const { done, total, at } = job.data as RunbookStepsRequest;
      if (!Number.isInteger(done) || !Number.isInteger(total) || done < 0 || total < done) throw new UnrecoverableError(`runbook steps ${done}/${total} are not a progress`);
      return this.setRunbookSteps(data.incidentId, done, total, typeof at === 'number' ? at : this.o.now());
    }
    if (job.name === 'reinvestigate') {
      const outcome = await this.reinvestigate(job.data as ReinvestigateRequest);
      this.o.logger.info('re-investigation', { incident: data.incidentId, outcome });
      return;
    }
    throw new UnrecoverableError(`unknown incident job "${job.name}"`);
  }
}

export interface IncidentWorkerOptions {
  slack: IncidentSlack;
  triage: TriageFn;
  defaultChannel?: string | undefined;
  joinWindowMs: number;
  editIntervalMs?: number;
  editBudget?: { calls: number; windowMs: number };
  summaryWaitMs?: number;
  runDeadlineMs?: number;
  /** Alert jobs handled at once by this worker. Default 8 (they wait on Redis and Slack). */
  concurrency?: number;
  /** PAGERDUTY_API_TOKEN's client: buttons, report notes, reconciliation. */
  pagerduty?: Pick<PagerDutyRestClient, 'addNote' | 'getIncident'> | undefined;
  /** ALERTMANAGER_URL's client: truncated groups, reconciliation. */
  alertmanager?: Pick<AlertmanagerApi, 'groupMembers' | 'listAlerts'> | undefined;
  /** Ms between reconciliation rounds (RECONCILE_INTERVAL_SECONDS × 1000); unset: no reconciliation. */
  reconcileIntervalMs?: number;
  checklists?: IncidentProcessorOptions['checklists'];
}

export interface IncidentWorkers {
  processor: IncidentProcessor;
  workers: Worker[];
  close(): Promise<void>;
}

/** The processor and its two BullMQ workers (ALERT_QUEUE, INCIDENT_QUEUE), for `infdbg worker`. */
export async function startIncidentWorkers(
  options: IncidentWorkerOptions & { connection: ConnectionOptions; prefix: string; diagnostics: readonly Diagnostic[]; jobs: Pick<JobStore, 'reportJob'>; now(): number; logger: Logger },
): Promise<IncidentWorkers> {
  const { connection, prefix, logger } = options;
  const store = new IncidentStore(connection as RedisOptions, prefix);
  const enqueuer = new FlowEnqueuer(connection, prefix);
  const followUps = logErrors(new Queue(INCIDENT_QUEUE, { connection, prefix }), logger, 'queue error', { queue: INCIDENT_QUEUE });
  const processor = new IncidentProcessor({ ...options, store, enqueuer, followUps });
  const concurrency = options.concurrency ?? 8;
  const workers = [ALERT_QUEUE, INCIDENT_QUEUE].map((q) => new Worker(q, (job) => processor.process(job), { connection, prefix, concurrency }));
  const reconciler =
    options.reconcileIntervalMs && (options.alertmanager || options.pagerduty)
      ? startReconciler({
          listOpen: () => processor.openIncidents(),
          apply: (t) => processor.applyReconcile(t),
          alertmanager: options.alertmanager,
          pagerduty: options.pagerduty,
          intervalMs: options.reconcileIntervalMs,
          logger,
        })
      : undefined;
  for (const w of workers) {
    w.on('failed', (job, err) => logger.warn('incident job failed', { queue: w.name, job: job?.id, attempt: job?.attemptsMade, error: oneLine(err) }));
    w.on('error', (err) => logger.error('incident worker error', { queue: w.name, error: oneLine(err) }));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    processor,
    workers,
    async close() {
      await reconciler?.stop();
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([enqueuer.close(), followUps.close(), store.close()]);
    },
  };
}
