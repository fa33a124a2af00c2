// The pure incident core: how events change an incident (PagerDuty's acknowledge → resolve →
// trigger again, Alertmanager's group resolve, the join window, storms beyond the tracked
// members), the parent message rendered from that state, and the summary on resolve.
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-event.ts';
import { MAX_TRACKED_MEMBERS, applyEvent, incidentId, runRequestId, type Incident } from '../../src/incidents/incident.ts';
import { REINVESTIGATE_ACTION_ID, parseReinvestigateValue, renderParent } from '../../src/incidents/incident-message.ts';
import { renderIncidentSummary } from '../../src/incidents/incident-summary.ts';
import { PAGERDUTY_ACKNOWLEDGE_ACTION_ID, PAGERDUTY_RESOLVE_ACTION_ID } from '../../src/pagerduty/incident-buttons.ts';
import { hypothesis, report as sampleReport } from '../report/sample-report.ts';
import { alertEvent, decisionFor, member } from './support.ts';

const OPTS = { joinWindowMs: 600_000 };
const T = Date.parse('2026-12-01T10:00:00Z');

function pdEvent(transition: AlertEvent['transition'], at: number, actor?: string): AlertEvent {
  return {
    source: 'pagerduty',
    eventId: `pd-${transition}-${at}`,
    incidentKey: 'pd:Q1ABCDEF',
    transition,
    receivedAt: at,
    title: 'Ranker p99 over SLO',
    labels: {},
    annotations: {},
    members: [{ fingerprint: 'Q1ABCDEF', status: transition === 'resolved' ? 'resolved' : 'firing', labels: {}, annotations: {}, startsAt: T }],
    truncatedAlerts: 0,
    pagerduty: { incidentId: 'Q1ABCDEF', incidentNumber: 42, title: 'Ranker p99 over SLO', htmlUrl: 'https://acme.pagerduty.com/incidents/Q1ABCDEF' },
    ...(actor ? { actor } : {}),
  };
}

function run(events: AlertEvent[], start: Incident | null = null): Incident {
  let i = start;
  for (const e of events) i = applyEvent(i, e, decisionFor(e), e.receivedAt, OPTS);
  return i!;
}

function replies(i: Incident): string[] {
  return i.outbox.flatMap((e) => (e.kind === 'reply' ? [e.text] : []));
}

describe('applyEvent', () => {
  it('opens an incident: firing, the triage reply and run 1 to do, the fired line at the alert start', () => {
    const i = run([alertEvent('ranker', [member('a', 'firing')], { receivedAt: T + 60_000 })]);
    expect(i.status).toBe('firing');
    expect(i.openedAt).toBe(T);
    expect(i.outbox.map((e) => e.id)).toEqual(['triage', 'run:1']);
    expect(i.runs).toEqual([expect.objectContaining({ run: 1, reason: 'opened', requestId: runRequestId(i.incidentKey, 1) })]);
    expect(i.timeline[0]).toMatchObject({ at: T, kind: 'fired' });
  });

  it('PagerDuty: acknowledged once by who acted, resolved with the duration, triggered again reopens', () => {
    const acked = run([pdEvent('firing', T), pdEvent('acknowledged', T + 60_000, 'Dana Oncall'), pdEvent('acknowledged', T + 90_000, 'Dana Oncall')]);
    expect(acked.status).toBe('acknowledged');
    expect(acked.acknowledgedBy).toBe('Dana Oncall');
    expect(replies(acked)).toEqual([':eyes: Acknowledged by Dana Oncall.']);

    const resolved = run([pdEvent('resolved', T + 3_600_000, 'Sam Lead')], acked);
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedBy).toBe('Sam Lead');
    expect(replies(resolved)).toContain(':white_check_mark: Resolved by Sam Lead after 1h 00m.');
    expect(resolved.outbox.filter((e) => e.kind === 'summary')).toHaveLength(1);

    // Fired again long after the run: a new investigation, in the same thread.
    const reopened = run([pdEvent('firing', T + 7_200_000)], resolved);
    expect(reopened.status).toBe('reopened');
    expect(reopened.resolvedAt).toBeUndefined();
    expect(reopened.runs.map((r) => r.reason)).toEqual(['opened', 'reopened']);
  });

  it('PagerDuty: triggered again while acknowledged (the acknowledgement timed out) is firing again', () => {
    const i = run([pdEvent('firing', T), pdEvent('acknowledged', T + 1000, 'Dana'), { ...pdEvent('firing', T + 2000), eventId: 'unack' }]);
    expect(i.status).toBe('firing');
    expect(i.acknowledgedBy).toBeUndefined();
  });

  it('Alertmanager: the group resolves only when no member is firing', () => {
    const open = run([alertEvent('ranker', [member('a', 'firing'), member('b', 'firing')], { receivedAt: T })]);
    const half = run([alertEvent('ranker', [member('a', 'resolved'), member('b', 'firing')], { receivedAt: T + 1000, transition: 'resolved' })], open);
    expect(half.status).toBe('firing');
    expect(half.outbox.some((e) => e.kind === 'summary')).toBe(false);
    const all = run([alertEvent('ranker', [member('b', 'resolved')], { receivedAt: T + 2000 })], half);
    expect(all.status).toBe('resolved');
  });

  it('a storm beyond the tracked members is still counted, and joins as one timeline line', () => {
    let i = run([alertEvent('ranker', [member('m0', 'firing')], { receivedAt: T })]);
    const many = Array.from({ length: MAX_TRACKED_MEMBERS + 5 }, (_, n) => member(`m${n + 1}`, 'firing'));
    i = run([alertEvent('ranker', many.slice(0, 1000), { receivedAt: T + 1 }), alertEvent('ranker', many.slice(1000), { receivedAt: T + 2 })], i);
    expect(Object.keys(i.members)).toHaveLength(MAX_TRACKED_MEMBERS);
    expect(i.untrackedMembers).toBe(6);
    expect(i.runs).toHaveLength(1);
    expect(i.runs[0]!.joined).toBe(MAX_TRACKED_MEMBERS + 5);
    expect(i.timeline.filter((e) => e.kind === 'joined')).toHaveLength(1);
  });

  it('escaping: names from the alert cannot ping the channel from a reply', () => {
    const i = run([pdEvent('firing', T), pdEvent('acknowledged', T + 1, '<!channel> Mallory')]);
    expect(replies(i)[0]).toBe(':eyes: Acknowledged by &lt;!channel&gt; Mallory.');
  });
});

describe('renderParent', () => {
  const opened = run([alertEvent('ranker', [member('a', 'firing'), member('b', 'firing')], { receivedAt: T, truncatedAlerts: 3 })]);

  it('shows status, counts, truncated alerts, the runbook progress and the button from state', () => {
    const r = renderParent(opened, incidentId(opened.incidentKey));
    const text = JSON.stringify(r.blocks);
    expect(r.text).toBe('FIRING: ModelErrorRateHigh ranker: error rate above 5 % (2 alerts)');
    expect(text).toContain(':red_circle: *FIRING*');
    expect(text).toContain('2 alerts (2 firing)');
    expect(text).toContain('left 3 alerts out of its last notification (truncatedAlerts)');
    expect(text).toContain('set ALERTMANAGER_URL to read the rest');
    expect(text).toContain('runbook `model-serving-latency` · steps 0/0');
    const button = (r.blocks.at(-1) as { elements: Array<{ action_id: string; value: string }> }).elements[0]!;
    expect(button.action_id).toBe(REINVESTIGATE_ACTION_ID);
    expect(parseReinvestigateValue(button.value)).toEqual({ incidentId: incidentId(opened.incidentKey), afterRun: 1 });
  });

  it('resolved: who and the duration, no buttons; PagerDuty buttons only with write-back on and while open', () => {
    const pd = run([pdEvent('firing', T), pdEvent('acknowledged', T + 60_000, 'Dana')]);
    const ids = (i: Incident, on: boolean) => JSON.stringify(renderParent(i, 'i0', { pagerDutyButtons: on }).blocks);
    expect(ids(pd, false)).not.toContain(PAGERDUTY_RESOLVE_ACTION_ID);
    expect(ids(pd, true)).toContain(PAGERDUTY_RESOLVE_ACTION_ID);
    expect(ids(pd, true)).not.toContain(PAGERDUTY_ACKNOWLEDGE_ACTION_ID); // already acknowledged
    const done = run([pdEvent('resolved', T + 5_400_000, 'Sam')], pd);
    const text = ids(done, true);
    expect(text).toContain(':large_green_circle: *RESOLVED*');
    expect(text).toContain('acknowledged by Dana · resolved by Sam after 1h 30m');
    expect(text).not.toContain('"actions"');
  });

  it('the same state renders the same message (edits that change nothing can be skipped)', () => {
    expect(renderParent(opened, 'i0')).toEqual(renderParent(structuredClone(opened), 'i0'));
  });
});

describe('renderIncidentSummary', () => {
  it('fills the template from the report: top hypothesis with evidence, fix, verification, prevention', () => {
    const i = run([alertEvent('ranker', [member('a', 'firing')], { receivedAt: T }), alertEvent('ranker', [member('a', 'resolved')], { receivedAt: T + 900_000 })]);
    i.runs[0]!.startedAt = T + 1000;
    i.runs[0]!.finishedAt = T + 60_000;
    const report = sampleReport({
      hypotheses: [
        hypothesis({ title: 'Unlikely thing', likelihood: 'unlikely', score: -2 }),
        hypothesis({ title: 'GC pauses', likelihood: 'high', score: 5, evidence: ['p99 spikes every 30 s'], fixes: ['raise the heap limit'], verification: ['p99 flat for an hour'], prevention: ['alert on GC pause time'] }),
      ],
    });
    const s = renderIncidentSummary(i, report, 'i0');
    const top = report.hypotheses.find((h) => h.likelihood !== 'unlikely')!;
    expect(s.markdown).toContain(`**${top.title}**`);
    for (const e of top.evidence) expect(s.markdown).toContain(`- for: ${e}`);
    expect(s.markdown).toContain('- End: 2026-12-01T10:15:00Z (15m 00s)');
    expect(s.markdown.indexOf('investigated: investigation 1 started')).toBeLessThan(s.markdown.indexOf('resolved: every alert'));
    expect(s.markdown).toContain('## Fix\n\n- raise the heap limit');
    expect(s.markdown).toContain('## Verification\n\n- p99 flat for an hour');
    expect(s.markdown).toContain('## Prevention\n\n- alert on GC pause time');
    expect(s.slackText).toContain('*Top hypothesis:* GC pauses (high)');
    expect(s.filename).toBe('incident-i0-summary-1.md');
  });

  it('without a report says why (not run, could not start, not reported yet)', () => {
    const i = run([alertEvent('ranker', [member('a', 'firing')], { receivedAt: T }), alertEvent('ranker', [member('a', 'resolved')], { receivedAt: T + 1000 })]);
    i.runs[0]!.error = 'nothing to run for http://x: give a pod';
    expect(renderIncidentSummary(i, null, 'i0').markdown).toContain('Investigation 1 could not start: nothing to run');
    delete i.runs[0]!.error;
    expect(renderIncidentSummary(i, null, 'i0').markdown).toContain(`had not reported when the incident resolved (\`/debug status ${i.runs[0]!.requestId}\`)`);
  });
});
