// Held-out faults for the live-server areas (health, the endpoint profile, and pooled
// investigations that involve them), written to test the diagnosis on faults unlike the ones
// its rules were written from (eval/scenarios/health.ts, profile.ts, investigate.ts). Each
// scenario's expected top cause was decided before the first run and is written in `injected`.
//
// Targets: the sample model server (examples/model-server) with its fault knobs, driven in ways
// the other scenarios do not (faults that change during the run, stages they do not touch, load
// patterns), and small loopback servers that serve what the sample server cannot: exposition text
// in prom-client's default-metric names (nodejs_gc_duration_seconds{kind}, process_*) and
// cAdvisor's CFS counters (container_cpu_cfs_periods_total / _throttled_periods_total), a gateway
// answering 429, a /metrics that is missing or not Prometheus text, a process that accepts
// connections and never answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, type FaultsPatch, type ModelServer } from '../../examples/model-server/server.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { rankerScenario } from '../../test/support/kube-api-stand-in.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { gpuOnSmi, recorded } from './gpu.ts';

const AUDIO = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin(i / 7)) });
/** The shortest valid clip, small enough to pass on a command line as --probe-body. */
const PROBE_BODY = JSON.stringify({ audio: Array.from({ length: 256 }, () => 0) });

const together = async (...pieces: Array<Promise<unknown>>) => (await Promise.all(pieces)).flat() as DiagnosticResult[];

// ---------------------------------------------------------------------------------------------
// The sample model server, with traffic and with faults that may change while `health` runs.

interface Load {
  concurrency: number;
  gapMs?: number;
}

function sendTraffic(url: string, { concurrency, gapMs = 0 }: Load): () => Promise<void> {
  let stopped = false;
  const clients = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      try {
        await (await fetch(`${url}/predict`, { method: 'POST', body: AUDIO, headers: { 'content-type': 'application/json' } })).arrayBuffer();
      } catch {
        // closing
      }
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  });
  return async () => {
    stopped = true;
    await Promise.all(clients);
  };
}

async function warm(url: string, n: number): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (sent++ < n) await (await fetch(`${url}/predict`, { method: 'POST', body: AUDIO, headers: { 'content-type': 'application/json' } })).arrayBuffer();
    }),
  );
}

interface Live {
  faults?: FaultsPatch;
  /** Switched on after the warm-up, just before the run. */
  inject?: FaultsPatch;
  load?: Load;
  flags?: string;
  /** Called once the run started; may change the server while `health` scrapes it. Returns a cleanup. */
  during?: (server: ModelServer) => () => void;
}

async function healthOnServer(live: Live): Promise<DiagnosticResult[]> {
  const server = await startModelServer({ faults: live.faults ?? {}, random: seededRandom(11) });
  try {
    await warm(server.url, 2500);
    if (live.inject) server.setFaults(live.inject);
    const stop = sendTraffic(server.url, live.load ?? { concurrency: 2 });
    const cleanup = live.during?.(server);
    try {
      return [await runCommandLine(`health ${server.url} --interval 1.5s ${live.flags ?? ''}`.trim())];
    } finally {
      cleanup?.();
      await stop();
    }
  } finally {
    await server.close();
  }
}

/** `profile <url>/predict` against the sample server with `faults`. */
async function profileOnServer(faults: FaultsPatch, flags: string): Promise<DiagnosticResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'eval-heldout-'));
  try {
    const body = join(dir, 'body.json');
    await writeFile(body, AUDIO);
    const server = await startModelServer({ faults, random: seededRandom(11) });
    try {
      return [await runCommandLine(`profile ${server.url}/predict --body @${body} ${flags}`)];
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// A synthetic scrape target: counters that grow with the time since it started, as a busy
// process's would, in the exposition formats real exporters write.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Synthetic {
  /** Requests per second the counters grow by. */
  rps: number;
  /** Cumulative share of requests at or below each bucket bound of BUCKETS (seconds); the rest above 10 s. */
  cumulative: number[];
  meanSeconds: number;
  /** Share of requests per HTTP status. */
  statuses: Record<string, number>;
  /** Seconds the process has been up when the target starts. */
  uptimeSeconds: number;
  /** More exposition lines at `t` seconds after the start (runtime metrics). */
  extra?: (t: number) => string[];
  /** What /health answers. Default 200 {"status":"ok"}. */
  health?: { status: number; body: string };
  /** Replace /metrics: its status, body and content type. */
  metrics?: { status: number; body: string; type: string };
  /** Accept connections, never answer anything. */
  hang?: boolean;
}

function exposition(s: Synthetic, t: number, startedAt: number): string {
  const n = Math.round(s.rps * t) + 1000;
  const lines = [
    '# HELP http_request_duration_seconds Duration of HTTP requests in seconds',
    '# TYPE http_request_duration_seconds histogram',
    ...BUCKETS.map((le, i) => `http_request_duration_seconds_bucket{le="${le}",route="/v1/predict"} ${Math.round(n * (s.cumulative[i] ?? 1))}`),
    `http_request_duration_seconds_bucket{le="+Inf",route="/v1/predict"} ${n}`,
    `http_request_duration_seconds_sum{route="/v1/predict"} ${(n * s.meanSeconds).toFixed(6)}`,
    `http_request_duration_seconds_count{route="/v1/predict"} ${n}`,
    '# HELP http_requests_total Total number of HTTP requests',
    '# TYPE http_requests_total counter',
    ...Object.entries(s.statuses).map(([code, share]) => `http_requests_total{method="POST",route="/v1/predict",code="${code}"} ${Math.round(n * share)}`),
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${Math.round(startedAt / 1000 - s.uptimeSeconds)}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    'process_resident_memory_bytes 412876800',
    ...(s.extra?.(t) ?? []),
  ];
  return lines.join('\n') + '\n';
}

/** prom-client's default GC histogram, `share` of wall time in GC (minor and major). */
function promClientGc(share: number): (t: number) => string[] {
  return (t) => {
    const total = share * (t + 3600);
    return [
      '# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
      '# TYPE nodejs_gc_duration_seconds histogram',
      ...(['minor', 'major'] as const).flatMap((kind, k) => {
        const sum = total * (k === 0 ? 0.3 : 0.7);
        const count = Math.round(sum / (k === 0 ? 0.004 : 0.09));
        return [
          ...[0.001, 0.01, 0.1, 1, 2, 5].map((le) => `nodejs_gc_duration_seconds_bucket{le="${le}",kind="${kind}"} ${le >= (k === 0 ? 0.01 : 0.1) ? count : 0}`),
          `nodejs_gc_duration_seconds_bucket{le="+Inf",kind="${kind}"} ${count}`,
          `nodejs_gc_duration_seconds_sum{kind="${kind}"} ${sum.toFixed(6)}`,
          `nodejs_gc_duration_seconds_count{kind="${kind}"} ${count}`,
        ];
      }),
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${(0.6 * (t + 3600)).toFixed(3)}`,
    ];
  };
}

/** cAdvisor's CFS counters for the container (100 ms periods), `share` of them throttled. */
function cadvisorCfs(share: number): (t: number) => string[] {
  return (t) => {
    const periods = Math.round(10 * (t + 3600));
    const labels = 'container="server",namespace="ml",pod="scorer-6d9f7b5c4-x2k8p"';
    return [
      '# HELP container_cpu_cfs_periods_total Number of elapsed enforcement period intervals.',
      '# TYPE container_cpu_cfs_periods_total counter',
      `container_cpu_cfs_periods_total{${labels}} ${periods}`,
      '# HELP container_cpu_cfs_throttled_periods_total Number of throttled period intervals.',
      '# TYPE container_cpu_cfs_throttled_periods_total counter',
      `container_cpu_cfs_throttled_periods_total{${labels}} ${Math.round(periods * share)}`,
      '# HELP container_cpu_cfs_throttled_seconds_total Total time duration the container has been throttled.',
      '# TYPE container_cpu_cfs_throttled_seconds_total counter',
      `container_cpu_cfs_throttled_seconds_total{${labels}} ${(periods * share * 0.04).toFixed(3)}`,
    ];
  };
}

async function onSynthetic(s: Synthetic, flags = ''): Promise<DiagnosticResult[]> {
  const startedAt = Date.now();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (s.hang) return; // accepted, never answered
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/health') {
      const h = s.health ?? { status: 200, body: JSON.stringify({ status: 'ok' }) };
      res.writeHead(h.status, { 'content-type': 'application/json' }).end(h.body);
    } else if (path === '/metrics') {
      if (s.metrics) res.writeHead(s.metrics.status, { 'content-type': s.metrics.type }).end(s.metrics.body);
      else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(exposition(s, (Date.now() - startedAt) / 1000, startedAt));
    } else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    return [await runCommandLine(`health ${url} --interval 1.5s ${flags}`.trim())];
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** 96 % of requests within 10 ms, 4 % in 100–250 ms with nothing between: discrete stalls. */
const STALLS = [0.6, 0.96, 0.96, 0.96, 0.96, 1, 1, 1, 1, 1, 1];
/** Every request under 25 ms, most under 10 ms. */
const TIGHT = [0.7, 0.97, 1, 1, 1, 1, 1, 1, 1, 1, 1];

export const scenarios: Scenario[] = [
  // --- health on the sample server -------------------------------------------------------------
  {
    name: 'ho-health-load-shedding',
    injected: 'two workers, at most two requests waiting, 20 ms inference, 12 clients: the rest are refused with 503. Expect saturation',
    expect: 'saturation',
    run: () => healthOnServer({ inject: { maxConcurrency: 2, maxQueue: 2, stages: { inference: { delayMs: 20 } } }, load: { concurrency: 12 } }),
  },
  {
    name: 'ho-health-rare-long-stalls',
    injected: '4 % of requests stall 600 ms in postprocessing (a slow call on the way out). Expect intermittent-slow-path',
    expect: 'intermittent-slow-path',
    run: () => healthOnServer({ inject: { stages: { postprocess: { spikeProbability: 0.04, spikeMs: 600 } } }, load: { concurrency: 6 } }),
  },
  {
    name: 'ho-health-restarts-twice',
    injected: 'the process restarts twice during the run (at 0.5 s and 1.1 s). Expect recent-restart',
    expect: 'recent-restart',
    deterministic: true,
    run: () =>
      healthOnServer({
        during: (s) => {
          const a = setTimeout(() => s.restart(), 500);
          const b = setTimeout(() => s.restart(), 1100);
          return () => [a, b].forEach(clearTimeout);
        },
      }),
  },
  {
    name: 'ho-health-latency-climbing',
    injected: 'latency climbs steadily during the run, from a few ms to ~300 ms (a resource running out); no baseline, no objective. Expect a cause for latency rising within the window — none in the catalogue: latency-rising',
    expect: 'latency-rising',
    run: () =>
      healthOnServer({
        load: { concurrency: 8 },
        during: (s) => {
          const t0 = Date.now();
          const ramp = setInterval(() => s.setFaults({ addedLatencyMs: Math.min(300, Math.round((Date.now() - t0) / 5)) }), 50);
          return () => clearInterval(ramp);
        },
      }),
  },
  // --- health on synthetic scrape targets ------------------------------------------------------
  {
    name: 'ho-health-gc-pauses-prom-client',
    injected: 'a Node service (prom-client default metrics) spends 12 % of wall time in GC; 4 % of requests stall 100–250 ms. Expect gc-pauses',
    expect: 'gc-pauses',
    deterministic: true,
    run: () => onSynthetic({ rps: 300, cumulative: STALLS, meanSeconds: 0.012, statuses: { '200': 1 }, uptimeSeconds: 86_400, extra: promClientGc(0.12) }),
  },
  {
    name: 'ho-health-cpu-throttled-cadvisor',
    injected: 'the container is CFS-throttled in 40 % of its periods (cAdvisor counters re-exported); 4 % of requests stall 100–250 ms. Expect cpu-throttling',
    expect: 'cpu-throttling',
    deterministic: true,
    run: () => onSynthetic({ rps: 300, cumulative: STALLS, meanSeconds: 0.012, statuses: { '200': 1 }, uptimeSeconds: 86_400, extra: cadvisorCfs(0.4) }),
  },
  {
    name: 'ho-health-rate-limited-429',
    injected: 'a gateway rate limit refuses 30 % of requests with 429; the accepted ones are fast. Expect a rate-limit cause — none in the catalogue: rate-limited',
    expect: 'rate-limited',
    deterministic: true,
    run: () => onSynthetic({ rps: 400, cumulative: TIGHT, meanSeconds: 0.006, statuses: { '200': 0.7, '429': 0.3 }, uptimeSeconds: 86_400 }),
  },
  {
    name: 'ho-health-metrics-missing',
    injected: '/health answers 200 but /metrics is 404 (the exporter was never enabled). Expect a monitoring cause — none in the catalogue: metrics-missing',
    expect: 'metrics-missing',
    deterministic: true,
    run: () => onSynthetic({ rps: 0, cumulative: TIGHT, meanSeconds: 0, statuses: {}, uptimeSeconds: 0, metrics: { status: 404, body: '{"detail":"Not Found"}', type: 'application/json' } }),
  },
  {
    name: 'ho-health-metrics-not-prometheus',
    injected: '/health answers 200 but /metrics answers 200 with a JSON document, not Prometheus text. Expect metrics-missing (not in the catalogue)',
    expect: 'metrics-missing',
    deterministic: true,
    run: () => onSynthetic({ rps: 0, cumulative: TIGHT, meanSeconds: 0, statuses: {}, uptimeSeconds: 0, metrics: { status: 200, body: '{"requests": 18231, "errors": 3, "uptime": 8812}', type: 'application/json' } }),
  },
  {
    name: 'ho-health-hung-process',
    injected: 'the process accepts TCP connections and never answers (deadlocked). Expect service-hung',
    expect: 'service-hung',
    run: () => onSynthetic({ rps: 0, cumulative: TIGHT, meanSeconds: 0, statuses: {}, uptimeSeconds: 0, hang: true }),
  },
  // --- the endpoint profile ---------------------------------------------------------------------
  {
    name: 'ho-profile-postprocess-cpu',
    injected: 'postprocessing burns 10 ms of CPU per request (serialising outputs): throughput cannot grow with concurrency. Expect cpu-bound-pre-post',
    expect: 'cpu-bound-pre-post',
    run: () => profileOnServer({ stages: { postprocess: { cpuMs: 10 } } }, '--concurrency 1,4,8 --iterations 150 --duration 1.5s'),
  },
  {
    name: 'ho-profile-postprocess-spikes',
    injected: '8 % of requests wait 150 ms more in postprocessing. Expect stage-tail-spikes',
    expect: 'stage-tail-spikes',
    run: () => profileOnServer({ stages: { postprocess: { spikeProbability: 0.08, spikeMs: 150 } } }, '--concurrency 1 --iterations 300 --duration 4s'),
  },
  {
    name: 'ho-profile-concurrency-cap-waiting-stage',
    injected: 'a cap of two workers in front of a 30 ms preprocessing wait (a remote feature lookup): at concurrency 16 the queue stage dominates. Expect serving-saturated',
    expect: 'serving-saturated',
    run: () => profileOnServer({ maxConcurrency: 2, stages: { preprocess: { delayMs: 30 } } }, '--concurrency 1,8,16 --iterations 150 --duration 1.5s'),
  },
  // --- pooled -------------------------------------------------------------------------------------
  {
    name: 'ho-pooled-slow-inference-healthy-gpu',
    injected: 'inference takes 80 ms per request against a 50 ms p99 objective; probe requests show the time in inference (health --probe-body), and the GPU is healthy (gpu). Expect slow-model-inference',
    expect: 'slow-model-inference',
    reported: ['slow'],
    run: () => together(healthOnServer({ inject: { stages: { inference: { delayMs: 80 } } }, load: { concurrency: 6 }, flags: `--slo-p99 50 --probe-body '${PROBE_BODY}'` }), gpuOnSmi(recorded())),
  },
  {
    name: 'ho-pooled-new-errors-old-rollout',
    injected: '6 % of requests fail (health) on a deployment last rolled out 6 days ago (changes): the deploy must not be blamed. Expect errors-in-service',
    expect: 'errors-in-service',
    deterministic: true,
    reported: ['errors'],
    run: () => together(healthOnServer({ inject: { errorRate: 0.06 }, load: { concurrency: 3 } }), changesOn(rankerScenario('quiet'))),
  },
  // --- healthy controls of new kinds -------------------------------------------------------------
  {
    name: 'ho-healthy-busy-many-clients',
    injected: 'nothing: a healthy server kept busy by 12 clients at once (no cap, no queue)',
    expect: null,
    run: () => healthOnServer({ load: { concurrency: 12 } }),
  },
  {
    name: 'ho-healthy-rich-runtime-metrics',
    injected: 'nothing: a service exporting GC (0.3 % of wall time) and CFS counters (0.5 % throttled), tight latency, no errors, up 3 days',
    expect: null,
    deterministic: true,
    run: () =>
      onSynthetic({
        rps: 250,
        cumulative: TIGHT,
        meanSeconds: 0.006,
        statuses: { '200': 1 },
        uptimeSeconds: 3 * 86_400,
        extra: (t) => [...promClientGc(0.003)(t), ...cadvisorCfs(0.005)(t)],
      }),
  },
  {
    name: 'ho-healthy-slow-within-objective',
    injected: 'nothing: every request takes ~40 ms by design, well within the 200 ms p99 objective',
    expect: null,
    run: () => healthOnServer({ inject: { stages: { inference: { delayMs: 40 } } }, load: { concurrency: 4 }, flags: '--slo-p99 200' }),
  },
  {
    name: 'ho-healthy-with-probes',
    injected: 'nothing: a healthy server checked with probe requests (--probe-body), their Server-Timing read',
    expect: null,
    deterministic: true,
    run: () => healthOnServer({ flags: `--probe-body '${PROBE_BODY}'` }),
  },
];
