// Reconciliation: a resolve notification can be lost (Alertmanager gave up retrying, the bot was
// down longer than PagerDuty's 48 h, a webhook was refused), so at start-up and every few minutes
// the open incidents are checked against what Alertmanager and PagerDuty say now, and a missed
// change still reaches the thread. The decision is a pure function over plain data
// (`reconcile`); `startReconciler` fetches, decides and applies, one round at a time.
//
// The rules, and what keeps them from closing a live incident:
// - Alertmanager incident: resolved when every member the bot counts as firing is gone from
//   Alertmanager's alert list (any state: a silenced or inhibited alert is still firing, and
//   Alertmanager lists only alerts whose endsAt has not passed). Some gone → those members
//   resolved. No decision when Alertmanager could not be read, when the incident tracks no
//   members, or when it has members beyond those it tracks (it cannot know they are gone).
// - PagerDuty incident (or an Alertmanager one paged through PagerDuty): acknowledged in
//   PagerDuty while the bot says firing → acknowledged, by whom; triggered again in PagerDuty
//   while the bot says acknowledged → firing again (the acknowledgement ended or timed out);
//   resolved in PagerDuty → resolved, for incidents PagerDuty opened. For an Alertmanager
//   incident Alertmanager stays the judge of resolution.
// `apply` must be idempotent (a webhook may land the same change between fetch and apply).
import type { AlertSource } from '../alerts/alert-event.ts';
import type { AlertmanagerAlert } from '../alerts/alertmanager-api.ts';
import { oneLine } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { PagerDutyIncidentState } from '../pagerduty/rest-client.ts';

/** What reconciliation needs of an open (not resolved) incident; the incident store supplies it. */
export interface OpenIncident {
  /** `am:<receiver>:<groupKey>` or `pd:<incident id>` (AlertEvent.incidentKey). */
  incidentKey: string;
  source: AlertSource;
  status: 'firing' | 'acknowledged' | 'reopened';
  /** Fingerprints of the Alertmanager members the bot counts as firing. */
  firingFingerprints: string[];
  /** Members counted but not tracked by fingerprint (beyond the store's cap); default 0. */
  untrackedMembers?: number;
  /** The PagerDuty incident behind it, when there is one. */
  pagerDutyIncidentId?: string;
}

/** What Alertmanager and PagerDuty say now. A side that could not be read is left out. */
export interface ReconcileView {
  /** Fingerprints Alertmanager lists now (every state); absent when it was not asked or not answering. */
  alertmanagerFingerprints?: ReadonlySet<string>;
  /** PagerDuty's incidents by id; an id missing here was not read (no decision for it). */
  pagerDutyIncidents?: ReadonlyMap<string, PagerDutyIncidentState>;
}

/** A change to apply to an incident, with the line that explains it in the thread. */
export type ReconcileTransition =
  | { incidentKey: string; kind: 'resolved'; by: 'alertmanager' | 'pagerduty'; reason: string; actor?: string; fingerprints?: string[] }
  | { incidentKey: string; kind: 'acknowledged'; by: 'pagerduty'; reason: string; actor?: string }
  | { incidentKey: string; kind: 'firing'; by: 'pagerduty'; reason: string }
  | { incidentKey: string; kind: 'members-resolved'; by: 'alertmanager'; reason: string; fingerprints: string[] };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The transitions that bring `open` in line with `view`. Pure. */
export function reconcile(open: readonly OpenIncident[], view: ReconcileView): ReconcileTransition[] {
  const out: ReconcileTransition[] = [];
  for (const incident of open) {
    const key = incident.incidentKey;
    const pd = incident.pagerDutyIncidentId ? view.pagerDutyIncidents?.get(incident.pagerDutyIncidentId) : undefined;

    if (incident.source === 'alertmanager' && view.alertmanagerFingerprints && incident.firingFingerprints.length > 0) {
      const present = view.alertmanagerFingerprints;
      const gone = incident.firingFingerprints.filter((f) => !present.has(f));
      const untracked = incident.untrackedMembers ?? 0;
      if (gone.length === incident.firingFingerprints.length && untracked === 0) {
        out.push({
          incidentKey: key,
          kind: 'resolved',
          by: 'alertmanager',
          reason: `resolved: ${gone.length === 1 ? 'its alert is' : `all ${gone.length} alerts are`} gone from Alertmanager's active alerts (the resolve notification never arrived)`,
          fingerprints: gone,
        });
        continue;
      }
      if (gone.length > 0) {
        out.push({ incidentKey: key, kind: 'members-resolved', by: 'alertmanager', reason: `${plural(gone.length, 'alert')} of the group no longer in Alertmanager (resolved)`, fingerprints: gone });
      }
    }

    if (!pd) continue;
    if (pd.status === 'resolved' && incident.source === 'pagerduty') {
      const actor = pd.lastStatusChangeBy;
      out.push({ incidentKey: key, kind: 'resolved', by: 'pagerduty', reason: `resolved in PagerDuty${actor ? ` by ${actor}` : ''}`, ...(actor ? { actor } : {}) });
    } else if (pd.status === 'acknowledged' && incident.status !== 'acknowledged') {
      const actor = pd.acknowledgedBy.at(-1) ?? pd.lastStatusChangeBy;
      out.push({ incidentKey: key, kind: 'acknowledged', by: 'pagerduty', reason: `acknowledged in PagerDuty${actor ? ` by ${actor}` : ''}`, ...(actor ? { actor } : {}) });
    } else if (pd.status === 'triggered' && incident.status === 'acknowledged') {
      out.push({ incidentKey: key, kind: 'firing', by: 'pagerduty', reason: 'no longer acknowledged in PagerDuty (unacknowledged or the acknowledgement timed out)' });
    }
  }
  return out;
}

export interface ReconcilerOptions {
  /** The open incidents (the incident store's list). */
  listOpen(): Promise<OpenIncident[]>;
  /** Applies one transition (edits the parent, replies in the thread); must be idempotent. */
  apply(transition: ReconcileTransition): Promise<void>;
  /** Alertmanager's API (ALERTMANAGER_URL); without it, Alertmanager incidents are not reconciled. */
  alertmanager?: { listAlerts(): Promise<AlertmanagerAlert[]> } | undefined;
  /** PagerDuty's REST API (PAGERDUTY_API_TOKEN); without it, PagerDuty states are not read. */
  pagerduty?: { getIncident(id: string): Promise<PagerDutyIncidentState> } | undefined;
  /** Time between the end of one round and the start of the next, in ms (RECONCILE_INTERVAL_SECONDS × 1000). */
  intervalMs: number;
  logger: Logger;
}

/** What one round did, for logs and tests. */
export interface ReconcileRound {
  open: number;
  transitions: ReconcileTransition[];
  applied: number;
  /** One line per failure (a source not answering, an apply that threw). */
  errors: string[];
}

export interface Reconciler {
  /** Runs a round now, or joins the one running (rounds never overlap). Never rejects. */
  runOnce(): Promise<ReconcileRound>;
  /** Stops the timer and waits for a running round. */
  stop(): Promise<void>;
}

/** Gathers what Alertmanager and PagerDuty say about `open`, one side at a time; failures become lines. */
async function gatherView(open: readonly OpenIncident[], options: ReconcilerOptions, errors: string[]): Promise<ReconcileView> {
  const view: ReconcileView = {};
  const needsAlertmanager = open.some((i) => i.source === 'alertmanager' && i.firingFingerprints.length > 0);
  if (options.alertmanager && needsAlertmanager) {
    try {
      view.alertmanagerFingerprints = new Set((await options.alertmanager.listAlerts()).map((a) => a.fingerprint));
    } catch (err) {
      errors.push(`alertmanager: ${oneLine(err)}`);
    }
  }
  const ids = [...new Set(open.map((i) => i.pagerDutyIncidentId).filter((id): id is string => !!id))];
  if (options.pagerduty && ids.length > 0) {
    const states = new Map<string, PagerDutyIncidentState>();
    // One at a time: PagerDuty asks for serial requests per token.
    for (const id of ids) {
      try {
        states.set(id, await options.pagerduty.getIncident(id));
      } catch (err) {
        errors.push(`pagerduty ${id}: ${oneLine(err)}`);
      }
    }
    view.pagerDutyIncidents = states;
  }
  return view;
}

/**
 * Reconciles at start (right away) and then `intervalMs` after each round ends, so rounds never
 * overlap; a failed fetch or apply is logged and the next round tries again. The timer does not
 * keep the process alive.
 */
export function startReconciler(options: ReconcilerOptions): Reconciler {
  const { logger } = options;
  let running: Promise<ReconcileRound> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const round = async (): Promise<ReconcileRound> => {
    const errors: string[] = [];
    let open: OpenIncident[];
    try {
      open = await options.listOpen();
    } catch (err) {
      errors.push(`open incidents: ${oneLine(err)}`);
      return { open: 0, transitions: [], applied: 0, errors };
    }
    const view = await gatherView(open, options, errors);
    const transitions = reconcile(open, view);
    let applied = 0;
    for (const t of transitions) {
      try {
        await options.apply(t);
        applied++;
      } catch (err) {
        errors.push(`apply ${t.kind} to ${t.incidentKey}: ${oneLine(err)}`);
      }
    }
    return { open: open.length, transitions, applied, errors };
  };

  const runOnce = (): Promise<ReconcileRound> => {
    if (running) return running;
    running = round()
      .catch((err: unknown) => ({ open: 0, transitions: [], applied: 0, errors: [`round: ${oneLine(err)}`] }))
      .then((result) => {
        for (const e of result.errors) logger.warn('reconcile: failed, retried next round', { error: e });
        if (result.transitions.length > 0) logger.info('reconcile: incidents updated', { open: result.open, applied: result.applied, kinds: result.transitions.map((t) => t.kind) });
        return result;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };

  void runOnce().finally(schedule);

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
