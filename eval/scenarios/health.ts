// Health faults injected into the real sample model server (examples/model-server: Silero VAD on
// onnxruntime, Prometheus metrics, fault knobs): the server is started, warmed up, sent real
// /predict traffic while `health <url>` runs exactly as a person would type it, and stopped.
// Probabilistic faults draw from a seeded source, so every run sees the same requests fail or
// spike. Controls: a steady healthy server, one whose small tail (p99/p50 > 3 at a few ms) is not
// worth a warning, and a healthy re-run compared against its own baseline.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startModelServer, type FaultsPatch, type ModelServer } from '../../examples/model-server/server.ts';
import type { BaselineStore } from '../../src/core/diagnostic.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';

const AUDIO = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin(i / 7)) });
const MALFORMED = JSON.stringify({ audio: 'not a list of samples' });

interface Traffic {
  /** Clients sending back to back. Default 2. */
  concurrency?: number;
  /** Pause between a client's requests, ms. Default 0. */
  gapMs?: number;
  /** Path and body of the i-th request of a client. Default: POST /predict with a real clip. */
  request?: (i: number) => { path: string; body: string };
}

/** Sends requests until the returned stop() is awaited. */
function traffic(url: string, { concurrency = 2, gapMs = 0, request = () => ({ path: '/predict', body: AUDIO }) }: Traffic = {}): () => Promise<void> {
  let stopped = false;
  const clients = Array.from({ length: concurrency }, async () => {
    for (let i = 0; !stopped; i++) {
      const { path, body } = request(i);
      try {
        await (await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).arrayBuffer();
      } catch {
        // the server may be closing
      }
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  });
  return async () => {
    stopped = true;
    await Promise.all(clients);
  };
}

/** `n` requests as fast as `concurrency` clients send them. */
async function warmUp(url: string, n: number, concurrency = 4, request: Traffic['request'] = () => ({ path: '/predict', body: AUDIO })): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < n) {
        const { path, body } = request(sent++);
        await (await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).arrayBuffer();
      }
    }),
  );
}

function memoryStore(): BaselineStore {
  const map = new Map<string, string>();
  return { get: async (k) => map.get(k) ?? null, set: async (k, v) => void map.set(k, v) };
}

interface Setup {
  faults?: FaultsPatch;
  /** Faults switched on after the warm-up (and after a first, baseline run when `baselineFirst`). */
  inject?: FaultsPatch;
  warmUp?: number;
  warmUpRequest?: Traffic['request'];
  traffic?: Traffic;
  /** Extra command-line flags. */
  flags?: string;
  /** Run once healthy first (storing the baseline), then inject and run again. */
  baselineFirst?: boolean;
  /** Something to do to the server while the diagnostic runs (after `atMs`). */
  during?: { atMs: number; act: (server: ModelServer) => void };
  seed?: number;
}

export async function onServer(setup: Setup): Promise<DiagnosticResult[]> {
  const server = await startModelServer({ faults: setup.faults ?? {}, random: seededRandom(setup.seed ?? 7) });
  const baselines = memoryStore();
  try {
    // Past the heap growth of a fresh process (a few thousand requests), so a healthy server reads flat.
    await warmUp(server.url, setup.warmUp ?? 2500, 4, setup.warmUpRequest);
    const command = `health ${server.url} --interval 1.5s ${setup.flags ?? ''}`.trim();
    const once = async (load: Traffic | undefined) => {
      const stop = traffic(server.url, load);
      const timer = setup.during ? setTimeout(() => setup.during?.act(server), setup.during.atMs) : undefined;
      try {
        return await runCommandLine(command, { baselines });
      } finally {
        clearTimeout(timer);
        await stop();
      }
    };
    // The baseline run sends light traffic, so a busy machine does not make it look unhealthy (and unsaved).
    if (setup.baselineFirst) await once({ concurrency: 2 });
    if (setup.inject) server.setFaults(setup.inject);
    return [await once(setup.traffic)];
  } finally {
    await server.close();
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export const scenarios: Scenario[] = [
  {
    name: 'health-healthy-steady',
    injected: 'nothing: a warm server under steady traffic',
    expect: null,
    deterministic: true,
    run: () => onServer({}),
  },
  {
    name: 'health-healthy-small-tail',
    injected: 'nothing worth a warning: 5 % of requests 10 ms slower (p99/p50 > 3 at a few ms)',
    expect: null,
    deterministic: true,
    run: () => onServer({ faults: { stages: { inference: { spikeProbability: 0.05, spikeMs: 10 } } }, traffic: { concurrency: 3 } }),
  },
  {
    name: 'health-healthy-rerun-vs-baseline',
    injected: 'nothing: a healthy re-run compared with the previous healthy run',
    expect: null,
    deterministic: true,
    run: () => onServer({ baselineFirst: true }),
  },
  {
    name: 'health-constant-delay-vs-baseline',
    injected: 'every request 200 ms slower than the previous (healthy) run',
    expect: 'latency-regression',
    deterministic: true,
    run: () => onServer({ baselineFirst: true, inject: { addedLatencyMs: 200 }, traffic: { concurrency: 8 } }),
  },
  {
    name: 'health-constant-delay-vs-slo',
    injected: 'every request 200 ms slower, against a 100 ms p99 objective (no baseline)',
    expect: 'latency-regression',
    deterministic: true,
    run: () => onServer({ inject: { addedLatencyMs: 200 }, traffic: { concurrency: 8 }, flags: '--slo-p99 100' }),
  },
  {
    name: 'health-tail-spikes',
    injected: '5 % of requests wait an extra 300 ms',
    expect: 'intermittent-slow-path',
    deterministic: true,
    run: () => onServer({ inject: { spikeProbability: 0.05, spikeLatencyMs: 300 }, traffic: { concurrency: 6 } }),
  },
  {
    name: 'health-memory-leak',
    injected: '1 MiB retained on every request',
    expect: 'memory-leak-per-request',
    deterministic: true,
    run: () => onServer({ inject: { memoryGrowthBytesPerRequest: 1024 * 1024 }, traffic: { concurrency: 2, gapMs: 5 } }),
  },
  {
    name: 'health-errors-few-in-window',
    injected: '5 % of requests fail, with only a few requests in the window (since-start counters needed)',
    expect: 'errors-in-service',
    deterministic: true,
    run: () => onServer({ faults: { errorRate: 0.05 }, warmUp: 500, traffic: { concurrency: 1, gapMs: 60 } }),
  },
  {
    name: 'health-errors-one-route',
    injected: '40 % of requests fail on /v1/models/{name}:predict only; /predict is fine',
    expect: 'errors-one-route',
    deterministic: true,
    run: () =>
      onServer({
        faults: { routeErrors: { '/v1/models/{name}:predict': 0.4 } },
        warmUpRequest: (i) => ({ path: i % 2 ? '/v1/models/silero_vad:predict' : '/predict', body: AUDIO }),
        traffic: { concurrency: 2, request: (i) => ({ path: i % 2 ? '/v1/models/silero_vad:predict' : '/predict', body: AUDIO }) },
      }),
  },
  {
    name: 'health-bad-client-requests',
    injected: 'a caller sends 20 % malformed bodies (answered 400)',
    expect: 'bad-client-requests',
    deterministic: true,
    run: () => onServer({ traffic: { concurrency: 2, request: (i) => ({ path: '/predict', body: i % 5 === 0 ? MALFORMED : AUDIO }) } }),
  },
  {
    name: 'health-unhealthy',
    injected: 'the health endpoint answers 503',
    expect: 'service-unhealthy',
    deterministic: true,
    run: () => onServer({ inject: { unhealthy: true } }),
  },
  {
    name: 'health-process-down',
    injected: 'nothing listens on the port (the process is down)',
    expect: 'process-down',
    deterministic: true,
    run: async () => [await runCommandLine(`health http://127.0.0.1:${await closedPort()} --interval 1s`)],
  },
  {
    name: 'health-restart-during-run',
    injected: 'the process restarts while the diagnostic runs',
    expect: 'recent-restart',
    deterministic: true,
    run: () => onServer({ during: { atMs: 700, act: (s) => s.restart() } }),
  },
  {
    name: 'health-saturation',
    injected: 'one worker, 4 ms of CPU per request, 8 clients: requests queue',
    expect: 'saturation',
    run: () => onServer({ inject: { maxConcurrency: 1, stages: { inference: { cpuMs: 4 } } }, traffic: { concurrency: 8 } }),
  },
];
