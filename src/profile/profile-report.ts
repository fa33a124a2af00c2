// Turns a model profile or an endpoint profile into the DiagnosticResult a thread shows: the
// profile table (where one request's time goes, per stage as p50 and p99), percentiles, sweep
// tables, the latency histogram and throughput charts, the observations the diagnosis engine
// ranks causes from (observations.ts), and a `data` JSON whose field names are a stable contract
// (mode, coldStartMs, latencyMs, throughputPerSec, errorRate, breakdown, stages, topOperators,
// sweeps). It measures and states; which cause the numbers point at is the catalogue's call.
import { renderChart } from '../report/chart.ts';
import type { Chart, DiagnosticResult, Evidence, MetricsTable, Severity } from '../report/model.ts';
import { worstSeverity } from '../report/model.ts';
import type { EndpointProfile } from './endpoint.ts';
import { histogramBins, type LatencySummary, type StopReason } from './latency.ts';
import type { ModelProfile } from './model-profile.ts';
import { endpointObservations, modelObservations } from './observations.ts';
import { opClass } from './op-classes.ts';

/** Failed requests at or above this share make the result a warning; at or above ERROR_CRITICAL, critical. */
export const ERROR_WARN = 0.05;
export const ERROR_CRITICAL = 0.5;
const TOP_OPERATORS = 10;
const HISTOGRAM_BINS = 30;

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));
const ms = (x: number): string => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${x.toFixed(3)} ms`);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const seconds = (x: number): string => `${(x / 1000).toFixed(x < 10_000 ? 2 : 1)} s`;

function latencyJson(l: LatencySummary): Record<keyof LatencySummary, number> {
  return { count: l.count, p50: l.p50, p90: l.p90, p95: l.p95, p99: l.p99, mean: l.mean, std: l.std, min: l.min, max: l.max };
}

function latencyTable(title: string, l: LatencySummary): MetricsTable {
  return {
    title,
    columns: ['statistic', 'ms'],
    rows: (['p50', 'p90', 'p95', 'p99', 'mean', 'std', 'min', 'max'] as const).map((k) => [k, l[k]]),
  };
}

function stopWords(stoppedBy: StopReason, limits: { maxIterations: number; maxDurationMs: number }): string {
  switch (stoppedBy) {
    case 'stable':
      return 'stopped when three consecutive windows agreed within 10%';
    case 'iterations':
      return `hit the iteration limit (${limits.maxIterations}) before three windows agreed`;
    case 'duration':
      return `hit the duration limit (${seconds(limits.maxDurationMs)}) before three windows agreed`;
    case 'aborted':
      return 'aborted before it settled';
  }
}

function tailEvidence(l: LatencySummary): Evidence | undefined {
  if (l.count === 0 || !(l.p50 > 0)) return undefined;
  return { label: 'p99/p50', value: (l.p99 / l.p50).toFixed(2), detail: `p99 ${ms(l.p99)}, p50 ${ms(l.p50)}, max ${ms(l.max)}` };
}

function histogramChart(filename: string, title: string, samplesMs: ArrayLike<number>): Chart {
  const { edges, counts } = histogramBins(samplesMs, HISTOGRAM_BINS);
  return renderChart(filename, { kind: 'histogram', title, xLabel: 'latency (ms)', yLabel: 'runs', edges, series: [{ name: 'latency', counts }] });
}

const VERIFICATION = ['Re-run the same profile after the change and compare p50/p99 and throughput with this report (same node, same flags).'];
const PREVENTION = [
  'Profile every new model version before rollout (`infdbg profile --model new.onnx --format json` in CI) and fail on a p50/p99 regression.',
  'Alert on p99/p50 and on throughput per replica, not only on the mean.',
];

/** The result for model mode. */
export function modelProfileResult(p: ModelProfile, title: string, durationMs: number): DiagnosticResult {
  const m = p.measurement;
  const l = m.latency;
  const t = p.trace;

  const components = [
    { name: 'session create (cold start, once per replica)', ms: p.coldStartMs },
    { name: 'input preparation (every request)', ms: p.inputSynthesisMs },
    { name: 'session.run p50 (every request)', ms: l.p50 },
  ];
  const total = components.reduce((s, c) => s + c.ms, 0);
  const breakdown = components.map((c) => ({ name: c.name, ms: c.ms, share: total > 0 ? c.ms / total : 0 }));
  const topOperators = t.operators.slice(0, TOP_OPERATORS).map((o) => ({ op: o.op, provider: o.provider, ms: o.ms, share: o.share, callsPerRun: o.calls }));


  const tables: MetricsTable[] = [
    {
      title: `Profile: a first request at batch ${p.batchSize} (warm requests skip session create)`,
      columns: ['component', 'ms', '% of total'],
      rows: breakdown.map((b) => [b.name, round(b.ms), pct(b.share)]),
    },
    latencyTable(`Latency over ${m.iterations} runs (batch ${p.batchSize})`, l),
    {
      title: `Top operators inside session.run (onnxruntime profiler, ${t.runs} profiled runs; profiling slows small kernels, so read the shares; If/Loop/Scan counted through their subgraphs)`,
      columns: ['operator', 'class', 'provider', 'ms per run', 'share', 'calls per run'],
      rows: topOperators.map((o) => [o.op, opClass(o.op), o.provider, round(o.ms), pct(o.share), round(o.callsPerRun)]),
    },
  ];
  if (p.sweeps.batch) {
    tables.push({
      title: 'Sweep: batch size',
      columns: ['batch', 'p50 ms', 'p99 ms', 'inferences/s', 'samples/s'],
      rows: p.sweeps.batch.map((b) => [b.batchSize, round(b.latency.p50), round(b.latency.p99), round(b.throughputPerSec), round(b.samplesPerSec)]),
    });
  }
  if (p.sweeps.threads) {
    tables.push({
      title: `Sweep: intra-op threads (${p.cores} cores)`,
      columns: ['threads', 'p50 ms', 'p99 ms', 'inferences/s'],
      rows: p.sweeps.threads.map((x) => [x.threads, round(x.latency.p50), round(x.latency.p99), round(x.throughputPerSec)]),
    });
  }
  if (p.sweeps.optimization) {
    tables.push({
      title: 'Sweep: graph optimization level',
      columns: ['level', 'p50 ms', 'p99 ms', 'inferences/s', 'session create ms'],
      rows: p.sweeps.optimization.map((x) => [x.level, round(x.latency.p50), round(x.latency.p99), round(x.throughputPerSec), round(x.sessionCreateMs)]),
    });
  }
  if (p.sweeps.concurrency) {
    tables.push({
      title: 'Sweep: concurrency (worker threads, one session each)',
      columns: ['concurrency', 'threads per worker', 'p50 ms', 'p99 ms', 'inferences/s'],
      rows: p.sweeps.concurrency.map((x) => [x.concurrency, x.threadsPerWorker, round(x.latency.p50), round(x.latency.p99), round(x.throughputPerSec)]),
    });
  }
  const providers = [
    { name: 'cpu', status: 'measured', p50Ms: l.p50 as number | null },
    { name: 'cuda', status: p.cuda.available ? 'measured' : p.cuda.reason, p50Ms: p.cuda.latency?.p50 ?? null },
  ];
  tables.push({ title: 'Execution providers', columns: ['provider', 'status', 'p50 ms'], rows: providers.map((x) => [x.name, x.status, x.p50Ms === null ? null : round(x.p50Ms)]) });

  const charts: Chart[] = [histogramChart('profile-latency.png', `Latency of ${m.iterations} runs, batch ${p.batchSize}`, m.samplesMs)];
  if (p.sweeps.batch && p.sweeps.batch.length > 1) {
    charts.push(
      renderChart('profile-throughput-batch.png', {
        kind: 'line',
        title: 'Throughput vs batch size',
        xLabel: 'batch size',
        yLabel: 'samples/s',
        logX: true,
        series: [{ name: 'samples/s', points: p.sweeps.batch.map((b) => [b.batchSize, b.samplesPerSec]) }],
      }),
    );
  }
  if (p.sweeps.concurrency && p.sweeps.concurrency.length > 1) {
    charts.push(
      renderChart('profile-throughput-concurrency.png', {
        kind: 'line',
        title: 'Throughput vs concurrency',
        xLabel: 'concurrent workers',
        yLabel: 'inferences/s',
        series: [{ name: 'inferences/s', points: p.sweeps.concurrency.map((x) => [x.concurrency, x.throughputPerSec]) }],
      }),
    );
  }

  const ev: Evidence[] = [
    {
      label: 'measured',
      value: `${m.iterations} runs in ${seconds(m.elapsedMs)} after ${p.limits.warmup} warm-up runs`,
      detail: `${m.windows.length} windows; ${stopWords(m.stoppedBy, p.limits)}; sweeps and the profiled pass ran separately`,
      severity: m.stable ? 'ok' : 'info',
    },
    { label: 'cold start', value: ms(p.coldStartMs), detail: 'session creation with default options, before any run' },
    { label: 'latency', value: `p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p99 ${ms(l.p99)}`, detail: `mean ${ms(l.mean)} ± ${ms(l.std)}, min ${ms(l.min)}, max ${ms(l.max)}` },
    { label: 'throughput', value: `${round(m.throughputPerSec)} inferences/s`, detail: `${round(m.samplesPerSec)} samples/s at batch ${p.batchSize}, one caller` },
    { label: 'inputs', value: p.inputs.map((i) => `${i.name} ${i.type}[${i.dims.join(',')}]`).join(', ') },
  ];
  const tail = tailEvidence(l);
  if (tail) ev.push(tail);
  const top = t.operators[0];
  if (top) ev.push({ label: 'top operator', value: `${top.op} (${pct(top.share)} of kernel time)`, detail: `${top.provider}, ${ms(top.ms)} per run` });
  ev.push({ label: 'CUDA', value: p.cuda.available ? `measured: p50 ${ms(p.cuda.latency?.p50 ?? Number.NaN)}` : p.cuda.reason });
  for (const s of p.skipped) ev.push({ label: `${s.sweep} sweep`, value: 'skipped', detail: s.reason });

  // A model profile measures where time goes; it has no symptom threshold of its own to cross.
  const severity: Severity = 'info';
  const summary =
    `${p.label}: p50 ${ms(l.p50)}, p99 ${ms(l.p99)} at batch ${p.batchSize} on CPU (${round(m.throughputPerSec)} inferences/s)` +
    (top ? `; ${top.op} (${opClass(top.op)}) takes ${pct(top.share)} of kernel time.` : '.');

  return {
    diagnostic: 'profile',
    title,
    summary,
    severity,
    evidence: ev,
    tables,
    observations: modelObservations(p),
    hypotheses: [],
    fixes: [],
    verification: VERIFICATION,
    prevention: PREVENTION,
    charts,
    data: {
      mode: 'model',
      model: p.label,
      batchSize: p.batchSize,
      inputs: p.inputs,
      coldStartMs: p.coldStartMs,
      inputSynthesisMs: p.inputSynthesisMs,
      latencyMs: latencyJson(l),
      throughputPerSec: m.throughputPerSec,
      samplesPerSec: m.samplesPerSec,
      errorRate: 0,
      measurement: { iterations: m.iterations, warmup: p.limits.warmup, elapsedMs: m.elapsedMs, stoppedBy: m.stoppedBy, stable: m.stable, windowP50sMs: m.windows, limits: { maxIterations: p.limits.maxIterations, maxDurationMs: p.limits.maxDurationMs } },
      breakdown,
      topOperators,
      profiledRuns: t.runs,
      sweeps: {
        ...(p.sweeps.batch ? { batch: p.sweeps.batch.map((b) => ({ batchSize: b.batchSize, latencyMs: latencyJson(b.latency), throughputPerSec: b.throughputPerSec, samplesPerSec: b.samplesPerSec })) } : {}),
        ...(p.sweeps.threads ? { threads: p.sweeps.threads.map((x) => ({ threads: x.threads, latencyMs: latencyJson(x.latency), throughputPerSec: x.throughputPerSec })) } : {}),
        ...(p.sweeps.optimization ? { optimization: p.sweeps.optimization.map((x) => ({ level: x.level, latencyMs: latencyJson(x.latency), throughputPerSec: x.throughputPerSec, sessionCreateMs: x.sessionCreateMs })) } : {}),
        ...(p.sweeps.concurrency ? { concurrency: p.sweeps.concurrency.map((x) => ({ concurrency: x.concurrency, threadsPerWorker: x.threadsPerWorker, latencyMs: latencyJson(x.latency), throughputPerSec: x.throughputPerSec })) } : {}),
      },
      skippedSweeps: p.skipped,
      providers,
    },
    durationMs,
  };
}

/** The result for endpoint mode. */
export function endpointProfileResult(p: EndpointProfile, title: string, durationMs: number): DiagnosticResult {
  const ref = p.levels[0];
  const l = ref?.latencyMs;
  const requests = p.levels.reduce((s, x) => s + x.requests, 0);
  const failed = p.levels.reduce((s, x) => s + x.errorRate * x.requests, 0);
  const errorRate = requests > 0 ? failed / requests : 0;
  const statusAll: Record<string, number> = {};
  for (const x of p.levels) for (const [k, v] of Object.entries(x.statusCodes)) statusAll[k] = (statusAll[k] ?? 0) + v;
  const statusText = Object.entries(statusAll)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} × ${v}`)
    .join(', ');
  const stages = ref?.stages;

  const tables: MetricsTable[] = [];
  if (stages && stages.responses > 0) {
    tables.push({
      title: `Profile: where a request's time goes at concurrency ${p.referenceConcurrency} (Server-Timing of ${stages.responses} responses; p50 and p99 per stage, so a rare spike does not read as a constant cost)`,
      columns: ['stage', 'kind', 'p50 ms', 'p99 ms', 'mean ms', '% of median request', 'tail extra ms'],
      rows: stages.stages.map((s) => [s.name, s.class, round(s.p50), round(s.p99), round(s.mean), pct(s.share), stages.tail ? round(stages.tail.excessMs[s.name] ?? 0) : null]),
    });
  } else if (p.breakdown.length > 0) {
    tables.push({
      title: `Profile: one request at concurrency ${p.referenceConcurrency} (server side from ${p.breakdownSource === 'triton-metrics' ? "Triton's metrics, means" : 'Server-Timing headers, means'})`,
      columns: ['component', 'ms', '% of total'],
      rows: p.breakdown.map((b) => [b.name, round(b.ms), pct(b.share)]),
    });
  }
  if (l && l.count > 0) tables.push(latencyTable(`Latency at concurrency ${p.referenceConcurrency} (${l.count} successful requests)`, l));
  const stageNames = [...new Set(p.levels.flatMap((x) => (x.stages?.stages ?? []).map((s) => s.name)))];
  tables.push({
    title: 'Sweep: concurrency',
    columns: ['concurrency', 'requests', 'p50 ms', 'p90 ms', 'p99 ms', 'TTFB p50 ms', 'requests/s', 'error rate', 'status codes', ...stageNames.map((n) => `${n} p50 ms`)],
    rows: p.levels.map((x) => [
      x.concurrency,
      x.requests,
      x.latencyMs.count > 0 ? round(x.latencyMs.p50) : null,
      x.latencyMs.count > 0 ? round(x.latencyMs.p90) : null,
      x.latencyMs.count > 0 ? round(x.latencyMs.p99) : null,
      x.ttfbMs.count > 0 ? round(x.ttfbMs.p50) : null,
      round(x.throughputPerSec),
      pct(x.errorRate),
      Object.entries(x.statusCodes)
        .map(([k, v]) => `${k}×${v}`)
        .join(' '),
      ...stageNames.map((n) => {
        const st = x.stages?.stages.find((s) => s.name === n);
        return st === undefined ? null : round(st.p50);
      }),
    ]),
  });

  const charts: Chart[] = [];
  if (p.samplesMs.length > 0) charts.push(histogramChart('profile-latency.png', `Latency of ${p.samplesMs.length} requests at concurrency ${p.referenceConcurrency}`, p.samplesMs));
  if (p.levels.length > 1) {
    charts.push(
      renderChart('profile-throughput-concurrency.png', {
        kind: 'line',
        title: 'Throughput vs concurrency',
        xLabel: 'concurrent requests',
        yLabel: 'successful requests/s',
        series: [{ name: 'requests/s', points: p.levels.map((x) => [x.concurrency, x.throughputPerSec]) }],
      }),
    );
  }

  const errorSeverity: Severity = errorRate >= ERROR_CRITICAL ? 'critical' : errorRate >= ERROR_WARN ? 'warning' : errorRate > 0 ? 'info' : 'ok';
  const ev: Evidence[] = [
    {
      label: 'measured',
      value: `${requests} requests at concurrency ${p.levels.map((x) => x.concurrency).join(', ')} in ${seconds(p.durationMs)}`,
      detail: p.levels.map((x) => `c=${x.concurrency}: ${x.stoppedBy === 'stable' ? 'stable' : `stopped by ${x.stoppedBy}`}`).join('; '),
    },
    { label: 'errors', value: `${pct(errorRate)} of requests`, detail: statusText, severity: errorSeverity },
  ];
  if (l && l.count > 0) {
    ev.push({ label: 'latency', value: `p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p99 ${ms(l.p99)}`, detail: `at concurrency ${p.referenceConcurrency}; TTFB p50 ${ms(ref?.ttfbMs.p50 ?? 0)}` });
    ev.push({ label: 'throughput', value: `${round(ref?.throughputPerSec ?? 0)} requests/s`, detail: `at concurrency ${p.referenceConcurrency}` });
    const tail = tailEvidence(l);
    if (tail) ev.push(tail);
  }
  const slowest = stages?.stages.filter((s) => s.class !== 'network').reduce<(typeof stages.stages)[number] | undefined>((a, b) => (a === undefined || b.p50 > a.p50 ? b : a), undefined);
  if (slowest) ev.push({ label: 'slowest stage', value: `${slowest.name}: p50 ${ms(slowest.p50)} (${pct(slowest.share)} of the median request)`, detail: `p99 ${ms(slowest.p99)}` });
  if (stages?.tail) {
    const t = stages.tail;
    ev.push({ label: 'tail owner', value: `${t.owner} (${pct(t.ownerShare)} of the extra time of the slowest ${t.responses} requests)`, detail: `they spent ${ms(t.excessMs[t.owner] ?? 0)} more than usual there` });
  }
  if (!stages || stages.responses === 0) {
    if (p.breakdownSource === 'none') ev.push({ label: 'server breakdown', value: 'none', detail: 'the server sent no Server-Timing header; add one (preprocess;dur=…, inference;dur=…) to see where server time goes' });
  }
  for (const n of p.notes) ev.push({ label: 'note', value: n });

  const severity = worstSeverity(['info', errorSeverity]);
  const fixes: string[] = [];
  if (p.breakdownSource === 'none') fixes.push('Have the server send a Server-Timing header per stage (queue;dur=…, preprocess;dur=…, inference;dur=…, postprocess;dur=…) so a profile can say which stage the time goes to');
  const levelsText = p.levels.filter((x) => x.latencyMs.count > 0).map((x) => `c=${x.concurrency} p50 ${ms(x.latencyMs.p50)} ${round(x.throughputPerSec, 3)}/s`).join(', ');
  const summary =
    l && l.count > 0
      ? `${p.url}: p50 ${ms(l.p50)}, p99 ${ms(l.p99)} at concurrency ${p.referenceConcurrency} (${round(ref?.throughputPerSec ?? 0)} requests/s)` +
        (slowest ? `; slowest stage ${slowest.name} (p50 ${ms(slowest.p50)}, ${pct(slowest.share)})` : '') +
        (errorRate > 0 ? `; ${pct(errorRate)} errors (${statusText})` : '; no errors') +
        (p.levels.length > 1 ? `. Sweep: ${levelsText}.` : '.')
      : `${p.url}: every one of ${requests} requests failed (${statusText}).`;

  return {
    diagnostic: 'profile',
    title,
    summary,
    severity,
    evidence: ev,
    tables,
    observations: endpointObservations(p),
    hypotheses: [],
    fixes,
    verification: VERIFICATION,
    prevention: PREVENTION,
    charts,
    data: {
      mode: 'endpoint',
      url: p.url,
      method: p.method,
      coldStartMs: null,
      referenceConcurrency: p.referenceConcurrency,
      latencyMs: l ? latencyJson(l) : null,
      ttfbMs: ref ? latencyJson(ref.ttfbMs) : null,
      throughputPerSec: ref?.throughputPerSec ?? 0,
      errorRate,
      statusCodes: statusAll,
      breakdown: p.breakdown,
      breakdownSource: p.breakdownSource,
      stages: stages ?? null,
      topOperators: [],
      sweeps: {
        concurrency: p.levels.map((x) => ({
          concurrency: x.concurrency,
          requests: x.requests,
          latencyMs: latencyJson(x.latencyMs),
          ttfbMs: latencyJson(x.ttfbMs),
          throughputPerSec: x.throughputPerSec,
          errorRate: x.errorRate,
          statusCodes: x.statusCodes,
          stable: x.stable,
          stoppedBy: x.stoppedBy,
          stages: x.stages?.stages.map((st) => ({ name: st.name, p50: st.p50, p99: st.p99, mean: st.mean })) ?? [],
        })),
      },
      ...(p.tritonMetrics ? { tritonMetrics: p.tritonMetrics } : {}),
      measuredMs: p.durationMs,
      notes: p.notes,
    },
    durationMs,
  };
}
