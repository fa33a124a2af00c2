import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertmanagerApi } from '../../src/alerts/alertmanager-api.ts';
import { createLogger } from '../../src/core/logger.ts';
import { reconcile, startReconciler, type OpenIncident, type ReconcileTransition, type Reconciler } from '../../src/incidents/reconcile.ts';
import { PagerDutyRestClient, type PagerDutyIncidentState } from '../../src/pagerduty/rest-client.ts';
import { startAlertmanagerApiStandIn, type AlertmanagerApiStandIn } from '../support/alertmanager-api-stand-in.ts';
import { startPagerDutyApiStandIn, type PagerDutyApiStandIn } from '../support/pagerduty-api-stand-in.ts';

const amIncident = (fingerprints: string[], extra: Partial<OpenIncident> = {}): OpenIncident => ({
  incidentKey: 'am:by-name:{}:{alertname="Host_Down"}',
  source: 'alertmanager',
  status: 'firing',
  firingFingerprints: fingerprints,
  ...extra,
});
const pdIncident = (status: OpenIncident['status'], extra: Partial<OpenIncident> = {}): OpenIncident => ({
  incidentKey: 'pd:PT4KHLK',
  source: 'pagerduty',
  status,
  firingFingerprints: ['PT4KHLK'],
  pagerDutyIncidentId: 'PT4KHLK',
  ...extra,
});
const pdState = (status: PagerDutyIncidentState['status'], extra: Partial<PagerDutyIncidentState> = {}): PagerDutyIncidentState => ({ id: 'PT4KHLK', status, acknowledgedBy: [], ...extra });

describe('reconcile (pure)', () => {
  it('resolves an Alertmanager incident whose every member is gone from Alertmanager', () => {
    const out = reconcile([amIncident(['a1', 'a2'])], { alertmanagerFingerprints: new Set(['zz']) });
    expect(out).toEqual([
      expect.objectContaining({ kind: 'resolved', by: 'alertmanager', fingerprints: ['a1', 'a2'], reason: expect.stringContaining("all 2 alerts are gone from Alertmanager's active alerts") }),
    ]);
  });

  it('keeps it open while any member is still listed, silenced or not, and resolves only the gone ones', () => {
    const out = reconcile([amIncident(['a1', 'a2', 'a3'])], { alertmanagerFingerprints: new Set(['a2']) });
    expect(out).toEqual([expect.objectContaining({ kind: 'members-resolved', fingerprints: ['a1', 'a3'] })]);
    expect(reconcile([amIncident(['a1'])], { alertmanagerFingerprints: new Set(['a1']) })).toEqual([]);
  });

  it('decides nothing for Alertmanager incidents when Alertmanager could not be read', () => {
    expect(reconcile([amIncident(['a1'])], {})).toEqual([]);
  });

  it('does not resolve an incident that has members it does not track by fingerprint', () => {
    const out = reconcile([amIncident(['a1'], { untrackedMembers: 40 })], { alertmanagerFingerprints: new Set() });
    expect(out.map((t) => t.kind)).toEqual(['members-resolved']);
  });

  it('does not resolve an incident with no tracked members', () => {
    expect(reconcile([amIncident([])], { alertmanagerFingerprints: new Set() })).toEqual([]);
  });

  it('takes an acknowledgement from PagerDuty, naming who acknowledged', () => {
    const out = reconcile([pdIncident('firing')], { pagerDutyIncidents: new Map([['PT4KHLK', pdState('acknowledged', { acknowledgedBy: ['Earline Greenholt'] })]]) });
    expect(out).toEqual([{ incidentKey: 'pd:PT4KHLK', kind: 'acknowledged', by: 'pagerduty', actor: 'Earline Greenholt', reason: 'acknowledged in PagerDuty by Earline Greenholt' }]);
  });

  it('resolves a PagerDuty incident resolved in PagerDuty, naming who resolved it', () => {
    const out = reconcile([pdIncident('acknowledged')], { pagerDutyIncidents: new Map([['PT4KHLK', pdState('resolved', { lastStatusChangeBy: 'Lee Turner' })]]) });
    expect(out).toEqual([expect.objectContaining({ kind: 'resolved', by: 'pagerduty', actor: 'Lee Turner', reason: 'resolved in PagerDuty by Lee Turner' })]);
  });

  it('turns an acknowledged incident back to firing when PagerDuty says triggered again', () => {
    const out = reconcile([pdIncident('acknowledged')], { pagerDutyIncidents: new Map([['PT4KHLK', pdState('triggered')]]) });
    expect(out.map((t) => t.kind)).toEqual(['firing']);
  });

  it('changes nothing when both agree, or when PagerDuty was not read for the incident', () => {
    expect(reconcile([pdIncident('acknowledged')], { pagerDutyIncidents: new Map([['PT4KHLK', pdState('acknowledged')]]) })).toEqual([]);
    expect(reconcile([pdIncident('firing')], { pagerDutyIncidents: new Map() })).toEqual([]);
  });

  it('for an Alertmanager incident paged through PagerDuty, takes the acknowledgement but leaves resolution to Alertmanager', () => {
    const inc = amIncident(['a1'], { pagerDutyIncidentId: 'PT4KHLK' });
    const acked = reconcile([inc], { alertmanagerFingerprints: new Set(['a1']), pagerDutyIncidents: new Map([['PT4KHLK', pdState('acknowledged', { acknowledgedBy: ['Ann'] })]]) });
    expect(acked.map((t) => t.kind)).toEqual(['acknowledged']);
    const resolvedInPd = reconcile([inc], { alertmanagerFingerprints: new Set(['a1']), pagerDutyIncidents: new Map([['PT4KHLK', pdState('resolved')]]) });
    expect(resolvedInPd).toEqual([]);
  });
});

describe('startReconciler against the Alertmanager and PagerDuty stand-ins', () => {
  const TOKEN = 'pd-token-for-reconcile';
  let am: AlertmanagerApiStandIn;
  let pd: PagerDutyApiStandIn;
  let reconciler: Reconciler | undefined;
  let logs: string[];
  const logger = () => createLogger('info', (l) => logs.push(l));

  beforeEach(async () => {
    am = await startAlertmanagerApiStandIn();
    pd = await startPagerDutyApiStandIn({ token: TOKEN, users: { 'bot@example.com': 'infdbg bot' } });
    logs = [];
  });
  afterEach(async () => {
    await reconciler?.stop();
    reconciler = undefined;
    await am.close();
    await pd.close();
  });

  it('at start-up closes an incident whose resolve was missed and takes a PagerDuty acknowledgement', async () => {
    // Host_Down in staging (server3..5) were resolved while the bot was away; prod's are still firing.
    const staging = ['7f3a53482c303b65', '7f5c6e647877b3df', 'b5dcc9c573def911'];
    am.alerts.splice(0, am.alerts.length, ...am.alerts.filter((a) => !staging.includes(a.fingerprint)));
    pd.addIncident('PT4KHLK', { status: 'acknowledged' });
    const open: OpenIncident[] = [
      { incidentKey: 'am:by-cluster-service:staging', source: 'alertmanager', status: 'firing', firingFingerprints: staging },
      { incidentKey: 'am:by-cluster-service:prod', source: 'alertmanager', status: 'firing', firingFingerprints: ['7013294faf5f854d', 'fa959d3911d1978b'] },
      { incidentKey: 'pd:PT4KHLK', source: 'pagerduty', status: 'firing', firingFingerprints: ['PT4KHLK'], pagerDutyIncidentId: 'PT4KHLK' },
    ];
    const applied: ReconcileTransition[] = [];
    reconciler = startReconciler({
      listOpen: async () => open,
      apply: async (t) => void applied.push(t),
      alertmanager: new AlertmanagerApi({ baseUrl: am.url, fetch: globalThis.fetch }),
      pagerduty: new PagerDutyRestClient({ token: TOKEN, baseUrl: pd.url, fetch: globalThis.fetch }),
      intervalMs: 60_000,
      logger: logger(),
    });
    const round = await reconciler.runOnce(); // joins the start-up round
    expect(round.errors).toEqual([]);
    expect(applied.map((t) => [t.incidentKey, t.kind])).toEqual([
      ['am:by-cluster-service:staging', 'resolved'],
      ['pd:PT4KHLK', 'acknowledged'],
    ]);
    expect(applied[1]).toMatchObject({ actor: 'Earline Greenholt' }); // the acknowledger in PagerDuty's example incident
    expect(am.calls).toHaveLength(1);
  });

  it('a source that does not answer is logged and the next round tries again; rounds keep coming', async () => {
    am.failNext(1, 503, 'unavailable');
    const applied: ReconcileTransition[] = [];
    am.alerts.splice(0, am.alerts.length);
    reconciler = startReconciler({
      listOpen: async () => [amIncident(['gone1'])],
      apply: async (t) => void applied.push(t),
      alertmanager: new AlertmanagerApi({ baseUrl: am.url, fetch: globalThis.fetch }),
      intervalMs: 10,
      logger: logger(),
    });
    for (let i = 0; i < 500 && applied.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(applied.map((t) => t.kind)).toContain('resolved');
    expect(logs.some((l) => l.includes('reconcile: failed, retried next round') && l.includes('answered 503'))).toBe(true);
  });

  it('an apply or listOpen that throws never escapes the timer; later rounds still run', async () => {
    let calls = 0;
    const applied: string[] = [];
    reconciler = startReconciler({
      listOpen: async () => {
        calls++;
        if (calls === 1) throw new Error('redis down');
        return [pdIncident('firing')];
      },
      apply: async (t) => {
        if (calls === 2) throw new Error('slack rate limited');
        applied.push(t.kind);
      },
      pagerduty: { getIncident: async () => pdState('acknowledged', { acknowledgedBy: ['Ann'] }) },
      intervalMs: 10,
      logger: logger(),
    });
    for (let i = 0; i < 500 && applied.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(applied).toContain('acknowledged');
    expect(logs.some((l) => l.includes('open incidents: redis down'))).toBe(true);
    expect(logs.some((l) => l.includes('apply acknowledged to pd:PT4KHLK: slack rate limited'))).toBe(true);
  });

  it('never runs two rounds at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let listed = 0;
    reconciler = startReconciler({
      listOpen: async () => {
        listed++;
        await gate;
        return [];
      },
      apply: async () => undefined,
      intervalMs: 60_000,
      logger: logger(),
    });
    const a = reconciler.runOnce();
    const b = reconciler.runOnce();
    expect(a).toBe(b);
    release();
    await a;
    expect(listed).toBe(1);
  });

  it('stop() ends the rounds', async () => {
    let listed = 0;
    reconciler = startReconciler({ listOpen: async () => (listed++, []), apply: async () => undefined, intervalMs: 5, logger: logger() });
    for (let i = 0; i < 200 && listed < 3; i++) await new Promise((r) => setTimeout(r, 5));
    await reconciler.stop();
    const after = listed;
    await new Promise((r) => setTimeout(r, 50));
    expect(listed).toBe(after);
  });
});
