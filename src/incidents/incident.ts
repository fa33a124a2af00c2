// The incident an alert belongs to, as plain data, and how each accepted AlertEvent changes it.
// Pure: (incident, event, now) → the next incident plus the effects the processor must carry out
// (a reply in the thread, an investigation run, the summary). The effects wait in the incident's
// outbox until done, so a crashed or retried job finishes them from the stored state instead of
// redoing (or losing) them.
import { createHash } from 'node:crypto';
import type { AlertEvent, AlertSource } from '../alerts/alert-event.ts';
import { escapeMrkdwn } from '../report/render-slack.ts';
import type { IncidentSeverity, TriageDecision } from '../triage/triage-decision.ts';

export type IncidentStatus = 'firing' | 'acknowledged' | 'resolved' | 'reopened';

export interface IncidentMember {
  status: 'firing' | 'resolved';
  /** Epoch ms. */
  startsAt: number;
  endsAt?: number;
  /** The member's alertname, for the summary's impact line. */
  alertname?: string;
}

export type TimelineKind = 'fired' | 'joined' | 'investigated' | 'findings' | 'acknowledged' | 'resolved' | 'reopened' | 'escalated' | 'note';

export interface TimelineEntry {
  /** Epoch ms. */
  at: number;
  kind: TimelineKind;
  text: string;
  /** For `joined`: alerts joined since the entry opened (a storm is one line, not one per alert). */
  count?: number;
}

/** One investigation of the incident (run 1 at opening; escalation and the button add more). */
export interface InvestigationRun {
  run: number;
  /** The report job's id (`/debug status <id>` works on it). */
  requestId: string;
  /** Epoch ms when it was asked for. */
  requestedAt: number;
  /** Why it runs: "opened", "escalated", "re-investigation asked by <@U…>". */
  reason: string;
  /** Set once it is enqueued. */
  startedAt?: number;
  /** The thread reply whose text shows its progress. */
  statusTs?: string;
  /** Set when the report job finished. */
  finishedAt?: number;
  /** Top hypothesis of its report, once in. */
  topCause?: string;
  /** Why it could not start (nothing to run for the alert's target, …). */
  error?: string;
  /** Alerts that joined it while it ran (within the join window). */
  joined: number;
}

/** Something the processor still has to do for the incident; removed from the outbox once done. */
export type IncidentEffect =
  | { id: string; kind: 'reply'; text: string }
  /** The thread's first reply: what triage decided. */
  | { id: string; kind: 'triage' }
  | { id: string; kind: 'investigate'; run: number }
  | { id: string; kind: 'summary'; resolution: number };

export interface Incident {
  /** Bumped by every stored change (optimistic concurrency). */
  version: number;
  incidentKey: string;
  source: AlertSource;
  title: string;
  /** Common labels of the group at opening (Alertmanager), {} for PagerDuty. */
  labels: Record<string, string>;
  status: IncidentStatus;
  severity: IncidentSeverity;
  /** Triage's decision at opening: runbook, channel, the investigation's tokens. */
  triage: TriageDecision;
  /** Where the thread is; `parentTs` once the parent message is posted; `note`: why it is not where triage sent it. */
  thread: { channel: string; parentTs?: string; note?: string };
  /** Members by fingerprint (up to MAX_TRACKED_MEMBERS; the rest only counted). */
  members: Record<string, IncidentMember>;
  /** Firing members beyond MAX_TRACKED_MEMBERS: the most one event carried (counted as firing). */
  untrackedMembers: number;
  /** Alertmanager's `truncatedAlerts` of the latest notification. */
  truncatedAlerts: number;
  /** Members read from Alertmanager's API for a truncated notification (0: none read). */
  fetchedMembers?: number;
  /** Events applied. */
  events: number;
  /** Epoch ms the incident started: its earliest alert's startsAt (or when the bot heard of it, if earlier). */
  openedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  /** How many times it was resolved (the summary of each resolution is posted once). */
  resolutions: number;
  timeline: TimelineEntry[];
  runs: InvestigationRun[];
  /** Runbook checklist progress for the parent ("steps 3/7"); the checklist fills it (`at`: epoch ms of its last change). */
  runbookSteps: { done: number; total: number; at?: number };
  pagerduty?: AlertEvent['pagerduty'];
  externalUrl?: string;
  outbox: IncidentEffect[];
}

/** Members kept by fingerprint; more are counted only, so the stored incident stays small. */
export const MAX_TRACKED_MEMBERS = 2000;
/** Timeline entries kept (the oldest after the first are dropped). */
export const MAX_TIMELINE = 60;

export interface ApplyOptions {
  /** Ms after a run starts during which new alerts join it instead of starting another. */
  joinWindowMs: number;
}

/** The id an incident is stored under: short, fixed-length, safe in keys and button values. */
export function incidentId(incidentKey: string): string {
  return 'i' + createHash('sha256').update(incidentKey).digest('hex').slice(0, 24);
}

/** The report job id of an incident's run: deterministic, so a retried job never doubles the run. */
export function runRequestId(incidentKey: string, run: number): string {
  return 'r' + createHash('sha256').update(`incident\n${incidentKey}\n${run}`).digest('hex').slice(0, 16);
}

export function firingCount(i: Incident): number {
  return Object.values(i.members).filter((m) => m.status === 'firing').length + i.untrackedMembers;
}

export function memberCount(i: Incident): number {
  return Object.keys(i.members).length + i.untrackedMembers;
}

export function currentRun(i: Incident): InvestigationRun | undefined {
  return i.runs[i.runs.length - 1];
}

function pushTimeline(i: Incident, entry: TimelineEntry): void {
  i.timeline.push(entry);
  if (i.timeline.length > MAX_TIMELINE) i.timeline.splice(1, i.timeline.length - MAX_TIMELINE);
}

/** Records a new investigation run and its effect. */
export function addRun(i: Incident, now: number, reason: string): InvestigationRun {
  const run: InvestigationRun = { run: i.runs.length + 1, requestId: runRequestId(i.incidentKey, i.runs.length + 1), requestedAt: now, reason, joined: 0 };
  i.runs.push(run);
  i.outbox.push({ id: `run:${run.run}`, kind: 'investigate', run: run.run });
  return run;
}

function who(actor: string | undefined): string {
  return actor ? ` by ${escapeMrkdwn(actor)}` : '';
}

/** The incident a first event opens (before the event itself is applied). */
export function openIncident(event: AlertEvent, decision: TriageDecision): Incident {
  return {
    version: 0,
    incidentKey: event.incidentKey,
    source: event.source,
    title: event.title,
    labels: event.labels,
    status: 'firing',
    severity: decision.severity,
    triage: decision,
    thread: { channel: decision.channel },
    members: {},
    untrackedMembers: 0,
    truncatedAlerts: 0,
    events: 0,
    // When it started: the earliest alert's startsAt (the bot may hear of it later), never in the future.
    openedAt: Math.min(event.receivedAt, ...event.members.map((m) => m.startsAt).filter((t) => Number.isFinite(t) && t > 0)),
    resolutions: 0,
    timeline: [],
    runs: [],
    runbookSteps: { done: 0, total: 0 },
    ...(event.pagerduty ? { pagerduty: event.pagerduty } : {}),
    ...(event.externalUrl ? { externalUrl: event.externalUrl } : {}),
    outbox: [],
  };
}

/**
 * Applies one event. `current` is null for the incident's first event (then `decision` opens it).
 * Returns a new object; the input is not changed.
 */
export function applyEvent(current: Incident | null, event: AlertEvent, decision: TriageDecision, now: number, opts: ApplyOptions): Incident {
  const opening = current === null;
  const i: Incident = structuredClone(current ?? openIncident(event, decision));
  i.events++;
  i.truncatedAlerts = event.truncatedAlerts;
  if (event.pagerduty) i.pagerduty = event.pagerduty;
  if (event.externalUrl) i.externalUrl = event.externalUrl;

  // Members: new fingerprints join; known ones take the event's status.
  let newFiring = 0;
  let untracked = 0;
  let tracked = Object.keys(i.members).length;
  for (const m of event.members) {
    const known = i.members[m.fingerprint];
    if (!known && tracked >= MAX_TRACKED_MEMBERS) {
      if (m.status === 'firing') untracked++;
      continue;
    }
    if (!known) tracked++;
    if ((!known || known.status === 'resolved') && m.status === 'firing') newFiring++;
    i.members[m.fingerprint] = {
      status: m.status,
      startsAt: m.startsAt,
      ...(m.endsAt !== undefined ? { endsAt: m.endsAt } : {}),
      ...(m.labels.alertname ? { alertname: m.labels.alertname } : {}),
    };
  }
  // Beyond the cap fingerprints are not kept, so the count is the most one notification carried
  // (Alertmanager sends the whole group each time: adding them up would count alerts twice).
  if (untracked > i.untrackedMembers) {
    newFiring += untracked - i.untrackedMembers;
    i.untrackedMembers = untracked;
  }
  const firing = firingCount(i);
  const wasResolved = i.status === 'resolved';
  const transition = event.transition;

  if (opening) {
    pushTimeline(i, { at: i.openedAt, kind: 'fired', text: `${event.title} (${memberCount(i)} alert${memberCount(i) === 1 ? '' : 's'})` });
    i.outbox.push({ id: 'triage', kind: 'triage' });
    if (transition !== 'resolved') addRun(i, now, 'opened');
    if (transition === 'firing' || transition === 'annotated' || transition === 'escalated') return i;
  }

  const reply = (text: string) => i.outbox.push({ id: `reply:${i.events}`, kind: 'reply', text });
  const startOrJoin = (reason: string) => {
    const run = currentRun(i);
    if (run && !run.error && now - run.requestedAt < opts.joinWindowMs) {
      run.joined += newFiring;
      return false;
    }
    addRun(i, now, reason);
    return true;
  };

  switch (transition) {
    case 'resolved': {
      // Alertmanager resolves the group when every member is resolved; PagerDuty resolves the incident.
      if (i.source === 'alertmanager' && firing > 0) break;
      if (wasResolved) break;
      i.status = 'resolved';
      i.resolvedAt = event.receivedAt;
      if (event.actor) i.resolvedBy = event.actor;
      else delete i.resolvedBy;
      i.resolutions++;
      pushTimeline(i, { at: event.receivedAt, kind: 'resolved', text: event.actor ? `by ${event.actor}` : i.source === 'alertmanager' ? 'every alert of the group resolved' : 'resolved in PagerDuty' });
      reply(`:white_check_mark: Resolved${who(event.actor)} after ${formatDuration(event.receivedAt - i.openedAt)}.`);
      i.outbox.push({ id: `summary:${i.resolutions}`, kind: 'summary', resolution: i.resolutions });
      break;
    }
    case 'acknowledged': {
      if (i.status === 'resolved' || i.status === 'acknowledged') break;
      i.status = 'acknowledged';
      i.acknowledgedAt = event.receivedAt;
      if (event.actor) i.acknowledgedBy = event.actor;
      pushTimeline(i, { at: event.receivedAt, kind: 'acknowledged', text: event.actor ? `by ${event.actor}` : 'in PagerDuty' });
      reply(`:eyes: Acknowledged${who(event.actor)}.`);
      break;
    }
    case 'escalated': {
      pushTimeline(i, { at: event.receivedAt, kind: 'escalated', text: `${event.actor ? `by ${event.actor}` : 'in PagerDuty'}: investigation ${i.runs.length + 1}` });
      const run = addRun(i, now, 'escalated');
      reply(`:arrow_double_up: Escalated${who(event.actor)}: investigating again (run ${run.run}).`);
      break;
    }
    case 'firing':
    case 'reopened': {
      if (wasResolved || transition === 'reopened') {
        if (!wasResolved && i.status === 'reopened') break;
        i.status = 'reopened';
        delete i.resolvedAt;
        delete i.resolvedBy;
        delete i.acknowledgedAt;
        delete i.acknowledgedBy;
        pushTimeline(i, { at: event.receivedAt, kind: 'reopened', text: `fired again${event.actor ? ` (${event.actor})` : ''}` });
        const started = startOrJoin('reopened');
        reply(`:rotating_light: Fired again${who(event.actor)}${started ? `: investigating again (run ${i.runs.length})` : ''}.`);
        break;
      }
      if (i.status === 'acknowledged' && i.source === 'pagerduty' && transition === 'firing') {
        i.status = 'firing';
        delete i.acknowledgedAt;
        delete i.acknowledgedBy;
        pushTimeline(i, { at: event.receivedAt, kind: 'note', text: 'no longer acknowledged' });
        reply(':red_circle: No longer acknowledged: firing again.');
      }
      if (newFiring > 0) {
        const started = startOrJoin('new alerts after the join window');
        const last = i.timeline[i.timeline.length - 1];
        if (!started && last?.kind === 'joined' && last.count !== undefined) {
          last.count += newFiring;
          last.text = `${last.count} more alerts joined`;
        } else {
          const text = started ? `${newFiring} new alert${newFiring === 1 ? '' : 's'}: run ${i.runs.length} started` : `${newFiring} more alert${newFiring === 1 ? '' : 's'} joined`;
          pushTimeline(i, { at: event.receivedAt, kind: 'joined', text, ...(started ? {} : { count: newFiring }) });
        }
      }
      break;
    }
    case 'annotated':
      if (event.pagerduty?.note) {
        pushTimeline(i, { at: event.receivedAt, kind: 'note', text: `${event.pagerduty.eventType ?? 'note'}${who(event.actor)}` });
        reply(`:speech_balloon: ${event.pagerduty.eventType ? `${event.pagerduty.eventType.replace(/^incident\./, '')}` : 'Note'}${who(event.actor)}: ${escapeMrkdwn(event.pagerduty.note.slice(0, 2000))}`);
      }
      break;
  }
  return i;
}

/** `1h 05m`, `12m 30s`, `45s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
