// Builders for the incident tests: AlertEvents as the Alertmanager intake makes them, a fast
// `health` stand-in diagnostic whose observations the causes catalogue reads (a CUDA OOM log
// signature), and a wait until every queue of a stack is idle.
import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import type { AlertEvent, AlertMember } from '../../src/alerts/alert-event.ts';
import { defineDiagnostic } from '../../src/core/diagnostic.ts';
import { ALERT_QUEUE, REPORT_QUEUE, SHARED_QUEUE } from '../../src/queue/names.ts';
import { INCIDENT_QUEUE } from '../../src/incidents/process-alert.ts';
import { emptyResult } from '../../src/report/model.ts';
import type { TriageDecision } from '../../src/triage/triage-decision.ts';

export const CHANNEL = 'C0INCIDENT';
const T0 = Date.parse('2026-12-01T10:00:00Z');

/** A `health` that answers at once with what a log diagnostic would see in an OOM. */
export const quickHealth = defineDiagnostic({
  name: 'health',
  usage: 'health <url>',
  description: 'test stand-in',
  payload: z.object({ url: z.url() }),
  parseArgs: (args) => ({ url: args[0] }),
  observes: {},
  timeoutMs: 10_000,
  async run(payload) {
    const r = emptyResult('health', `health ${payload.url}`);
    r.summary = 'The service logs CUDA out of memory.';
    r.observations = [{ name: 'log.signature', value: 'cuda-oom', unit: 'label', source: 'health', text: 'torch.OutOfMemoryError: CUDA out of memory' }];
    return r;
  },
});

export function decisionFor(event: AlertEvent): TriageDecision {
  return {
    runbook: 'model-serving-latency',
    runbookFile: 'runbooks/model-serving.yaml',
    channel: CHANNEL,
    severity: 'critical',
    investigate: [`http://${event.labels.service ?? 'svc'}.ml.svc:8080`, 'errors'],
    notes: [],
  };
}

export function member(fingerprint: string, status: 'firing' | 'resolved', pod = fingerprint): AlertMember {
  return {
    fingerprint,
    status,
    labels: { alertname: 'ModelErrorRateHigh', namespace: 'ml', service: 'ranker', pod },
    annotations: { summary: 'error rate above 5 %' },
    startsAt: T0,
    ...(status === 'resolved' ? { endsAt: T0 + 600_000 } : {}),
  };
}

/** An Alertmanager notification of group `group` with these members, as the intake turns it into an event. */
export function alertEvent(group: string, members: AlertMember[], overrides: Partial<AlertEvent> = {}): AlertEvent {
  const status = members.every((m) => m.status === 'resolved') ? 'resolved' : 'firing';
  return {
    source: 'alertmanager',
    eventId: `${group}|${members.map((m) => m.fingerprint).join(',')}|${status}`,
    incidentKey: `am:ml-oncall:{}:{alertname="ModelErrorRateHigh", service="${group}"}`,
    transition: status,
    receivedAt: Date.now(),
    title: `ModelErrorRateHigh ${group}: error rate above 5 %`,
    labels: { alertname: 'ModelErrorRateHigh', namespace: 'ml', service: group },
    annotations: { summary: 'error rate above 5 %' },
    members,
    truncatedAlerts: 0,
    ...overrides,
  };
}

/** Waits until no job of the stack's queues is waiting, delayed (but a run's deadline watch), active or waiting for children. */
export async function waitIdle(connection: ConnectionOptions, prefix: string, timeoutMs = 30_000): Promise<void> {
  const queues = [ALERT_QUEUE, INCIDENT_QUEUE, REPORT_QUEUE, SHARED_QUEUE].map((q) => new Queue(q, { connection, prefix }));
  try {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'delayed', 'active', 'waiting-children', 'prioritized')));
      // A run's deadline watch waits 15 minutes by design: it is not work in progress.
      const watches = (await queues[1]!.getDelayed()).filter((j) => j.name === 'watch').length;
      const busy = counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0) - watches;
      quiet = busy === 0 ? quiet + 1 : 0;
      if (Date.now() > deadline) throw new Error(`queues still busy after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}
