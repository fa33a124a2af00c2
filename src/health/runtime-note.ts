// The process and its runtime as the metrics show them: when it started (and whether it restarted
// during the run), garbage-collection pauses, container CPU throttling, CPU used, requests in
// flight and waiting. A metric the target does not export is said explicitly, so a cause that
// needs it (GC pauses, throttling) can be marked as unsupported rather than silently guessed.
import { sampleCorrelation } from 'simple-statistics';
import type { Exposition } from '../prometheus/exposition.ts';
import { fmtMs, fmtPct, round } from './format.ts';
import type { Notes, ScrapeWindow } from './notes.ts';
import { dropped, increaseOver, sumOf } from './series.ts';

/** Time-spent-in-GC metrics (seconds counters: histogram or summary `_sum`, or a counter). */
const GC_SECONDS = ['nodejs_gc_duration_seconds_sum', 'go_gc_duration_seconds_sum', 'jvm_gc_collection_seconds_sum', 'jvm_gc_pause_seconds_sum', 'dotnet_gc_pause_seconds_total'];
/** Collections counted, without their duration. */
const GC_COUNTS = ['python_gc_collections_total', 'go_gc_cycles_total_gc_cycles_total', 'nodejs_gc_runs_total'];
const IN_FLIGHT = /(^|_)(in_?flight|in_progress|inprogress|concurrent|active|running)(_requests?)?$|requests?_(in_?flight|in_progress|active|running)$|num_requests_running$/;
const QUEUED = /(queue_(size|depth|length)|requests?_(queued|pending|waiting)|(queued|pending|waiting)_requests?|num_requests_waiting|pending_request_count)$/;

/** GC taking this share of wall time or more is flagged. */
export const GC_PAUSE_WARNING = 0.05;
/** Throttled periods at this share or more are flagged. */
export const THROTTLED_WARNING = 0.25;
/** A start this recent is said ("restarted N s ago"), s. */
export const RECENT_START_S = 600;

export interface RuntimeNote {
  uptimeSeconds: number | null;
  restarted: boolean;
  inFlight: number[] | null;
}

export function noteRuntime(
  notes: Notes,
  scrapes: ReadonlyArray<{ exposition: Exposition; wallMs: number }>,
  window: ScrapeWindow,
  { bodyUptimeSeconds, counterTotals }: { bodyUptimeSeconds: number | null; counterTotals: number[] | null },
): RuntimeNote {
  const expos = scrapes.map((s) => s.exposition);
  const last = scrapes.at(-1);
  const hasWindow = expos.length > 1 && window.seconds > 0;
  const extra = { windowSeconds: window.seconds };

  // Start time and restarts.
  const starts = expos.map((e) => sumOf(e, 'process_start_time_seconds'));
  const lastStart = starts.at(-1);
  let uptimeSeconds: number | null = null;
  let source = '';
  if (last && lastStart !== undefined && lastStart > 0) {
    uptimeSeconds = Math.max(0, last.wallMs / 1000 - lastStart);
    source = 'process_start_time_seconds';
  } else if (bodyUptimeSeconds !== null) {
    uptimeSeconds = bodyUptimeSeconds;
    source = 'the health body';
  }
  // A start time that moves by more than a second between two scrapes, or between the first and the last (a process restarting
  // faster than it is scraped moves it a little every time), or that lies after the first scrape was taken: a new process.
  const firstStart = starts[0];
  const firstWall = scrapes[0]?.wallMs;
  const startChanged =
    starts.every((s) => s !== undefined) &&
    (starts.some((s, i) => i > 0 && Math.abs((s as number) - (starts[i - 1] as number)) > 1) ||
      Math.abs((lastStart as number) - (firstStart as number)) > 1 ||
      (firstWall !== undefined && (lastStart as number) > firstWall / 1000 + 1));
  const restarted = hasWindow && (startChanged || (counterTotals !== null && dropped(counterTotals)));
  if (uptimeSeconds !== null) {
    const text = `process up ${uptimeText(uptimeSeconds)} (from ${source})${uptimeSeconds < RECENT_START_S ? `: restarted ${uptimeText(uptimeSeconds)} ago` : ''}`;
    notes.observe('process.uptime', Math.round(uptimeSeconds), text);
    notes.evidence.push({ label: 'process uptime', value: uptimeText(uptimeSeconds), detail: `from ${source}` });
    if (uptimeSeconds < RECENT_START_S && !restarted) notes.find('info', `the process started ${uptimeText(uptimeSeconds)} ago`);
  }
  if (hasWindow) {
    notes.observe('process.restarted_in_window', restarted, restarted ? `the process restarted during the run (${startChanged ? 'process_start_time_seconds changed' : 'the request counters dropped'})` : 'no restart during the run', extra);
    if (restarted) notes.find('warning', `the process restarted during the run (${startChanged ? 'process_start_time_seconds changed' : 'its counters dropped back'})`);
  }
  if (!hasWindow) return { uptimeSeconds, restarted: false, inFlight: null };

  // Garbage collection.
  const first = expos[0] as Exposition;
  const gcSeconds = GC_SECONDS.find((n) => first.samples.some((s) => s.name === n));
  const gcCount = GC_COUNTS.find((n) => first.samples.some((s) => s.name === n));
  const gcExported = gcSeconds !== undefined || gcCount !== undefined;
  notes.observe('gc.metric_exported', gcExported, gcExported ? `GC metric exported: ${gcSeconds ?? gcCount}` : 'no GC metric exported (nodejs_gc_duration_seconds, go_gc_duration_seconds, jvm_gc_*, python_gc_*)');
  if (gcSeconds) {
    const values = expos.map((e) => sumOf(e, gcSeconds) ?? 0);
    const share = increaseOver(values) / window.seconds;
    notes.observe('gc.pause_share', round(share), `${fmtPct(share)} of wall time in GC pauses over ${window.between} (${gcSeconds})`, extra);
    notes.evidence.push({ label: 'GC pauses', value: fmtPct(share), detail: `increase of ${gcSeconds} over ${window.between}`, severity: share >= GC_PAUSE_WARNING ? 'warning' : 'ok' });
    if (share >= GC_PAUSE_WARNING) notes.find('warning', `${fmtPct(share)} of wall time went to GC pauses (${gcSeconds})`);
  } else if (gcCount) {
    const rate = increaseOver(expos.map((e) => sumOf(e, gcCount) ?? 0)) / window.seconds;
    notes.observe('gc.collections_rate', round(rate), `${rate.toFixed(1)} collections/s (${gcCount}; no pause durations exported)`, extra);
  }

  // Container CPU throttling (cAdvisor names; present when the target re-exports them).
  const throttled = expos.map((e) => sumOf(e, 'container_cpu_cfs_throttled_periods_total'));
  const periods = expos.map((e) => sumOf(e, 'container_cpu_cfs_periods_total'));
  const throttlingExported = throttled.every((v) => v !== undefined) && periods.every((v) => v !== undefined);
  notes.observe('cpu.throttling_metric_exported', throttlingExported, throttlingExported ? 'CPU throttling counters exported (container_cpu_cfs_*)' : 'no CPU throttling metric exported (container_cpu_cfs_throttled_periods_total): check the pod in cAdvisor/kubelet metrics');
  if (throttlingExported) {
    const dt = increaseOver(throttled as number[]);
    const dp = increaseOver(periods as number[]);
    if (dp > 0) {
      const share = dt / dp;
      notes.observe('cpu.throttled_share', round(share), `${fmtPct(share)} of CFS periods throttled (${dt} of ${dp}) over ${window.between}`, { ...extra, sampleSize: dp });
      notes.evidence.push({ label: 'CPU throttling', value: fmtPct(share), detail: `${dt} of ${dp} CFS periods throttled`, severity: share >= THROTTLED_WARNING ? 'warning' : 'ok' });
      if (share >= THROTTLED_WARNING) notes.find('warning', `the container was CPU-throttled in ${fmtPct(share)} of its scheduling periods (CPU limit too low)`);
    }
  }
  const cpu = expos.map((e) => sumOf(e, 'process_cpu_seconds_total'));
  if (cpu.every((v) => v !== undefined)) {
    const cores = increaseOver(cpu as number[]) / window.seconds;
    notes.observe('cpu.process_cores', round(cores), `the process used ${cores.toFixed(2)} CPU cores over ${window.between}`, extra);
  }

  // Requests in flight and waiting.
  const gauge = (re: RegExp) => [...new Set(first.samples.filter((s) => re.test(s.name) && !/^(nodejs|process|go|python)_/.test(s.name) && (first.types.get(s.name) ?? 'gauge') === 'gauge').map((s) => s.name))].sort()[0];
  const inFlightName = gauge(IN_FLIGHT);
  const queuedName = gauge(QUEUED);
  let inFlight: number[] | null = null;
  if (inFlightName) {
    inFlight = expos.map((e) => sumOf(e, inFlightName) ?? 0);
    const mean = inFlight.reduce((a, b) => a + b, 0) / inFlight.length;
    notes.observe('requests.in_flight', round(mean), `${mean.toFixed(1)} requests in flight on average (${inFlightName}, max ${Math.max(...inFlight)})`, { ...extra, sampleSize: inFlight.length });
  }
  if (queuedName) {
    const queued = expos.map((e) => sumOf(e, queuedName) ?? 0);
    const mean = queued.reduce((a, b) => a + b, 0) / queued.length;
    notes.observe('requests.queued', round(mean), `${mean.toFixed(1)} requests waiting on average (${queuedName}, max ${Math.max(...queued)})`, { ...extra, sampleSize: queued.length });
    notes.evidence.push({ label: 'requests waiting', value: mean.toFixed(1), detail: `${queuedName} over ${scrapes.length} scrapes, max ${Math.max(...queued)}`, severity: mean >= 1 ? 'warning' : 'ok' });
    if (mean >= 1) notes.find('warning', `requests wait in the queue: ${mean.toFixed(1)} on average (${queuedName}, max ${Math.max(...queued)})`);
  }
  return { uptimeSeconds, restarted, inFlight };
}

/**
 * Does latency rise with load across the scrape steps? Correlates each step's mean latency with
 * the requests in flight around it (or, without that gauge, the step's request rate). Only when
 * the load varied by at least 30 % and four or more steps carried requests.
 */
export function noteLoadCorrelation(notes: Notes, steps: ReadonlyArray<{ meanMs: number | null; requests: number }>, load: { kind: 'in-flight' | 'rate'; values: number[] }, window: ScrapeWindow): void {
  const pairs: Array<[number, number]> = [];
  steps.forEach((s, i) => {
    const x = load.kind === 'in-flight' ? ((load.values[i] ?? 0) + (load.values[i + 1] ?? 0)) / 2 : load.values[i];
    if (s.meanMs !== null && s.requests >= 3 && x !== undefined) pairs.push([x, s.meanMs]);
  });
  if (pairs.length < 4) return;
  const xs = pairs.map((p) => p[0]);
  const ys = pairs.map((p) => p[1]);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  if (!(hi > 0) || hi < 1.3 * Math.max(lo, 1e-9) || Math.max(...ys) === Math.min(...ys)) return;
  const r = sampleCorrelation(xs, ys);
  if (!Number.isFinite(r)) return;
  const what = load.kind === 'in-flight' ? 'requests in flight' : 'the request rate';
  notes.observe('latency.load_correlation', round(r), `mean latency vs ${what} across ${pairs.length} scrape steps: r = ${r.toFixed(2)} (latency ${fmtMs(Math.min(...ys))}–${fmtMs(Math.max(...ys))})`, { sampleSize: pairs.length, windowSeconds: window.seconds });
}

export function uptimeText(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}
