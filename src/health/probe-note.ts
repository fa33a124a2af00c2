// The probe requests (`--probe-body`): a few real requests POSTed to the service, timed on the
// client and read for their Server-Timing stages, so where the time goes is seen per request
// even when the service exports no histogram.
import { quantile } from 'simple-statistics';
import { stageClass, type StageClass } from '../profile/stage-stats.ts';
import { fmtMs, fmtPct, round } from './format.ts';
import type { ProbeRequest } from './input.ts';
import type { Notes } from './notes.ts';

/** Stage kinds the probe observations are named after (`probe.inference_ms` …); `network` is the profile's own measure. */
export const PROBE_STAGE_CLASSES = ['queue', 'preprocess', 'inference', 'postprocess', 'other'] as const satisfies readonly StageClass[];

export interface ProbeNote {
  p50Ms: number | null;
  errorRate: number | null;
}

export function noteProbes(notes: Notes, probes: readonly ProbeRequest[], path: string, latencyKnown: boolean, sloP99Ms?: number): ProbeNote {
  if (probes.length === 0) return { p50Ms: null, errorRate: null };
  const answered = probes.filter((p): p is Extract<ProbeRequest, { kind: 'response' }> => p.kind === 'response');
  const failed = probes.filter((p) => p.kind === 'unreachable' || p.status >= 500).length;
  const errorRate = failed / probes.length;
  const extra = { sampleSize: probes.length };
  notes.observe('probe.error_rate', round(errorRate), `${failed} of ${probes.length} probe requests to ${path} failed`, extra);
  const statuses = [...new Set(answered.map((p) => p.status))].sort().join(', ');
  if (answered.length === 0) {
    const reason = probes.find((p) => p.kind === 'unreachable');
    notes.find('warning', `no probe request to ${path} was answered${reason?.kind === 'unreachable' ? ` (${reason.code}: ${reason.reason})` : ''}`);
    return { p50Ms: null, errorRate };
  }
  const ms = answered.map((p) => p.ms);
  const p50 = quantile(ms, 0.5);
  const p99 = quantile(ms, 0.99);
  notes.observe('probe.latency_p50', round(p50), `probe requests to ${path}: p50 ${fmtMs(p50)}, slowest ${fmtMs(Math.max(...ms))} (${answered.length} answered, client side)`, { sampleSize: answered.length });
  if (!latencyKnown && answered.length >= 5) {
    notes.observe('latency.p50', round(p50), `p50 ${fmtMs(p50)} over ${answered.length} probe requests (client side; no histogram)`, { sampleSize: answered.length });
    notes.observe('latency.p99', round(p99), `p99 ${fmtMs(p99)} over ${answered.length} probe requests (client side; no histogram)`, { sampleSize: answered.length });
  }
  notes.evidence.push({ label: `probe POST ${path}`, value: `p50 ${fmtMs(p50)}, max ${fmtMs(Math.max(...ms))}`, detail: `${probes.length} requests, status ${statuses}; ${fmtPct(errorRate)} failed`, severity: errorRate > 0 ? 'warning' : 'ok' });
  if (errorRate > 0) notes.find(errorRate > 0.05 ? 'critical' : 'warning', `${failed} of ${probes.length} probe requests to ${path} failed (status ${statuses})`);

  const byStage = new Map<string, number[]>();
  for (const p of answered) for (const m of p.serverTiming) byStage.set(m.name, [...(byStage.get(m.name) ?? []), m.durMs]);
  const total = [...byStage.values()].flat().reduce((a, b) => a + b, 0);
  if (byStage.size > 0 && total > 0) {
    const rows: Array<Array<string | number | null>> = [];
    for (const [stage, durations] of byStage) {
      const share = durations.reduce((a, b) => a + b, 0) / total;
      const slowest = Math.max(...durations);
      notes.observe('probe.stage_share', round(share), `${stage}: ${fmtPct(share)} of the probe requests' server time`, { subject: stage, sampleSize: durations.length });
      notes.observe('probe.stage_p99', round(slowest), `${stage}: slowest ${fmtMs(slowest)} over ${durations.length} probe requests`, { subject: stage, sampleSize: durations.length });
      rows.push([stage, round(quantile(durations, 0.5)), round(slowest), fmtPct(share)]);
    }
    // By kind of stage (queue, preprocess, inference, postprocess, other), as the endpoint profile names them: per request, then the median.
    for (const c of PROBE_STAGE_CLASSES) {
      const names = [...byStage.keys()].filter((n) => stageClass(n) === c);
      if (names.length === 0) continue;
      const perRequest = answered.map((p) => p.serverTiming.filter((m) => names.includes(m.name)).reduce((a, m) => a + m.durMs, 0));
      const p50Class = quantile(perRequest, 0.5);
      const share = names.reduce((a, n) => a + (byStage.get(n) ?? []).reduce((x, y) => x + y, 0), 0) / total;
      const what = names.join('+');
      notes.observe(`probe.${c}_ms`, round(p50Class), `${what} takes ${fmtMs(p50Class)} per probe request (median of ${perRequest.length})`, { subject: what, sampleSize: perRequest.length });
      notes.observe(`probe.${c}_share`, round(share), `${what} is ${fmtPct(share)} of the probe requests' server time`, { subject: what, sampleSize: perRequest.length });
      if (sloP99Ms !== undefined && sloP99Ms > 0) {
        const vs = p50Class / sloP99Ms;
        notes.observe(`probe.${c}_vs_slo`, round(vs), `${what} alone takes ${fmtMs(p50Class)} per probe request (median): ${vs.toFixed(2)}× the ${fmtMs(sloP99Ms)} p99 objective`, { subject: what, sampleSize: perRequest.length });
      }
    }
    notes.tables.push({ title: `Probe requests by Server-Timing stage (${answered.length} requests)`, columns: ['stage', 'p50 ms', 'max ms', 'share'], rows });
  }
  return { p50Ms: p50, errorRate };
}
