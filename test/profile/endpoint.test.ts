// Endpoint mode against the real sample model server (Silero VAD on onnxruntime-node) with its
// fault knobs: the measured percentiles, error rates and breakdown must match what was injected.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import { InputError, UnreachableError, UsageError } from '../../src/core/errors.ts';
import { loadRequestBody, profileEndpoint, type EndpointProfileOptions } from '../../src/profile/endpoint.ts';
import { endpointObservations } from '../../src/profile/observations.ts';
import { seededRandom } from '../support/seeded-random.ts';

const body = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Math.sin(i / 8) * 0.1) });
const deps = () => ({ signal: new AbortController().signal, progress: () => {}, now: Date.now });

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ port: 0, random: seededRandom(42) });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setFaults({ addedLatencyMs: 0, spikeProbability: 0, spikeLatencyMs: 0, errorRate: 0 });
});

const profile = (options: Partial<EndpointProfileOptions>) =>
  profileEndpoint({ url: `${server.url}/predict`, body, maxDurationMsPerLevel: 5000, ...options }, deps());

describe('profileEndpoint against the sample model server', () => {
  it('puts p50 at the injected latency and shows it as the server queue stage', async () => {
    server.setFaults({ addedLatencyMs: 20 });
    const p = await profile({ concurrency: [1, 4], maxRequestsPerLevel: 90 });
    expect(p.levels.map((l) => l.concurrency)).toEqual([1, 4]);
    for (const level of p.levels) {
      expect(level.errorRate).toBe(0);
      expect(level.statusCodes).toEqual({ '200': level.requests });
      expect(level.latencyMs.count).toBe(level.requests);
      expect(level.latencyMs.p50).toBeGreaterThanOrEqual(20);
      // a fixed delay with no spikes: the median sits near 20 ms plus the model's few ms, far from a spike
      expect(level.latencyMs.p50).toBeLessThan(60);
      // each request's headers arrive before its body ends, so every TTFB percentile is at most the total's
      expect(level.ttfbMs.p50).toBeLessThanOrEqual(level.latencyMs.p50);
      expect(level.ttfbMs.p99).toBeLessThanOrEqual(level.latencyMs.p99);
      expect(level.throughputPerSec).toBeGreaterThan(0);
    }
    expect(p.referenceConcurrency).toBe(1);
    expect(p.samplesMs.length).toBe(p.levels[0]?.latencyMs.count);
    expect(p.breakdownSource).toBe('server-timing');
    expect(p.breakdown.map((b) => b.name)).toEqual(['queue', 'preprocess', 'inference', 'postprocess', 'network+other']);
    const queue = p.breakdown.find((b) => b.name === 'queue');
    expect(queue?.ms).toBeGreaterThanOrEqual(20);
    expect(queue?.share).toBeGreaterThan(0.5); // the injected delay dominates this request's time
    expect(p.breakdown.reduce((s, b) => s + b.ms, 0)).toBeCloseTo(p.levels[0]?.latencyMs.mean ?? 0, 6);
    expect(p.breakdown.reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 6);
  });

  it('shows 5% spikes of 100 ms in p99 and not in p50', async () => {
    server.setFaults({ spikeProbability: 0.05, spikeLatencyMs: 100 });
    const p = await profile({ concurrency: [8], maxRequestsPerLevel: 600 });
    const level = p.levels[0];
    expect(level?.requests).toBeGreaterThanOrEqual(240);
    expect(level?.latencyMs.p99).toBeGreaterThanOrEqual(100);
    expect(level?.latencyMs.max).toBeGreaterThanOrEqual(100);
    expect(level?.latencyMs.p50).toBeLessThan(100);
    expect(level?.latencyMs.p99 ?? 0).toBeGreaterThan(2 * (level?.latencyMs.p50 ?? Infinity)); // the tail ratio a report flags
  });

  it('measures an injected 50% error rate within binomial tolerance and counts 500s', async () => {
    server.setFaults({ errorRate: 0.5 });
    const p = await profile({ concurrency: [4], maxRequestsPerLevel: 400 });
    const level = p.levels[0];
    const n = level?.requests ?? 0;
    expect(n).toBeGreaterThanOrEqual(150);
    // 4.5 standard deviations of a binomial proportion: a false failure about once in 150 000 runs
    expect(Math.abs((level?.errorRate ?? 0) - 0.5)).toBeLessThan(4.5 * Math.sqrt(0.25 / n));
    expect((level?.statusCodes['500'] ?? 0) + (level?.statusCodes['200'] ?? 0)).toBe(n);
    expect(level?.latencyMs.count).toBe(level?.statusCodes['200']);
  });

  it('reports a server that answers 500 to everything as errorRate 1, not a hang', async () => {
    server.setFaults({ errorRate: 1 });
    const p = await profile({ concurrency: [1, 4], maxRequestsPerLevel: 200 });
    for (const level of p.levels) {
      expect(level.errorRate).toBe(1);
      expect(level.statusCodes).toEqual({ '500': level.requests });
      expect(level.requests).toBe(200); // windows without a success never agree: it runs to the request bound
      expect(level.stable).toBe(false);
      expect(level.latencyMs.count).toBe(0);
      expect(level.throughputPerSec).toBe(0);
    }
    expect(p.breakdownSource).toBe('none');
    expect(p.samplesMs.length).toBe(0);
  });

  it('keeps at most maxRequestsPerLevel raw samples', async () => {
    const p = await profile({ concurrency: [2], maxRequestsPerLevel: 30 });
    expect(p.levels[0]?.requests).toBe(30);
    expect(p.levels[0]?.stoppedBy).toBe('iterations');
    expect(p.samplesMs.length).toBe(30);
  });

  it('returns the levels measured so far when aborted mid-sweep', async () => {
    server.setFaults({ addedLatencyMs: 20, spikeProbability: 0.5, spikeLatencyMs: 40 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const p = await profileEndpoint(
      { url: `${server.url}/predict`, body, concurrency: [2, 4, 8], maxDurationMsPerLevel: 20_000, maxRequestsPerLevel: 100_000 },
      { signal: ac.signal, progress: () => {}, now: Date.now },
    );
    expect(p.levels.length).toBeLessThan(3);
    expect(p.levels.at(-1)?.stoppedBy).toBe('aborted');
  });
});

describe('profileEndpoint: services that do not answer', () => {
  it('throws UnreachableError naming the refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const err = await profileEndpoint({ url: `http://127.0.0.1:${port}/predict`, body }, deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('throws UnreachableError when the server accepts but never answers', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const err = await profileEndpoint({ url: `http://127.0.0.1:${port}/`, requestTimeoutMs: 300 }, deps()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toContain('no response within 300 ms');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('counts requests that time out under load as "timeout"', async () => {
    let n = 0;
    const flaky: Server = createServer((_req, res) => {
      if (n++ % 2 === 0) res.end('ok'); // every other request hangs past the deadline
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const { port } = flaky.address() as AddressInfo;
    try {
      const p = await profileEndpoint({ url: `http://127.0.0.1:${port}/`, concurrency: [2], requestTimeoutMs: 100, maxRequestsPerLevel: 20, warmupRequests: 0 }, deps());
      const level = p.levels[0];
      expect(level?.statusCodes['timeout']).toBeGreaterThan(0);
      expect((level?.statusCodes['timeout'] ?? 0) + (level?.statusCodes['200'] ?? 0)).toBe(level?.requests);
      expect(level?.errorRate).toBeGreaterThan(0);
    } finally {
      flaky.closeAllConnections();
      await new Promise((resolve) => flaky.close(resolve));
    }
  });
});

describe('profileEndpoint: Triton metrics endpoint', () => {
  // Stand-in for Triton (cannot run here): answers inference requests and exports the real
  // nv_inference_* cumulative counters, advanced by fixed stage times per request.
  it('turns counter deltas around a level into per-request queue/compute times', async () => {
    let success = 0;
    const triton: Server = createServer((req, res) => {
      if (req.url === '/metrics') {
        const c = (name: string, perRequestUs: number) => `${name}{model="resnet",version="1"} ${perRequestUs * success}`;
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(
          [
            '# HELP nv_inference_request_success Number of successful inference requests, all batch sizes',
            '# TYPE nv_inference_request_success counter',
            `nv_inference_request_success{model="resnet",version="1"} ${success}`,
            '# TYPE nv_inference_request_failure counter',
            'nv_inference_request_failure{model="resnet",version="1"} 0',
            '# TYPE nv_inference_request_duration_us counter',
            c('nv_inference_request_duration_us', 1500),
            '# TYPE nv_inference_queue_duration_us counter',
            c('nv_inference_queue_duration_us', 400),
            c('nv_inference_compute_input_duration_us', 100),
            c('nv_inference_compute_infer_duration_us', 900),
            c('nv_inference_compute_output_duration_us', 50),
            'nv_gpu_utilization{gpu_uuid="GPU-1"} 0.5',
            '',
          ].join('\n'),
        );
        return;
      }
      req.resume();
      req.on('end', () => {
        success++;
        res.end('{"outputs":[]}');
      });
    });
    await new Promise<void>((resolve) => triton.listen(0, '127.0.0.1', resolve));
    const { port } = triton.address() as AddressInfo;
    try {
      const p = await profileEndpoint(
        { url: `http://127.0.0.1:${port}/v2/models/resnet/infer`, body: '{"inputs":[]}', concurrency: [2], maxRequestsPerLevel: 60, metricsUrl: `http://127.0.0.1:${port}/metrics` },
        deps(),
      );
      expect(p.breakdownSource).toBe('triton-metrics');
      const [model] = p.tritonMetrics ?? [];
      expect(model?.model).toBe('resnet');
      expect(model?.requests).toBe(60);
      expect(model?.queueMs).toBeCloseTo(0.4, 9);
      expect(model?.computeInferMs).toBeCloseTo(0.9, 9);
      expect(p.breakdown.slice(0, 4)).toMatchObject([
        { name: 'queue', ms: 0.4 },
        { name: 'compute_input', ms: 0.1 },
        { name: 'compute_infer', ms: 0.9 },
        { name: 'compute_output', ms: 0.05 },
      ]);
      expect(p.breakdown.at(-1)?.name).toBe('network+other');
      expect(p.notes).toEqual([]);
      // Without Server-Timing, Triton's queue and compute_infer are the stages the diagnosis reads.
      const stages = endpointObservations(p).filter((o) => o.name === 'stage.queue_ms' || o.name === 'stage.inference_ms');
      expect(stages.map((o) => [o.name, o.subject, Number((o.value as number).toFixed(3))])).toEqual([
        ['stage.queue_ms', 'queue', 0.4],
        ['stage.inference_ms', 'compute_infer', 0.9],
      ]);
    } finally {
      triton.closeAllConnections();
      await new Promise((resolve) => triton.close(resolve));
    }
  });

  it('says so in notes when the metrics URL has no Triton counters', async () => {
    const p = await profile({ concurrency: [1], maxRequestsPerLevel: 20, metricsUrl: `${server.url}/metrics` });
    expect(p.breakdownSource).toBe('server-timing');
    expect(p.tritonMetrics).toBeUndefined();
    expect(p.notes.join(' ')).toContain('no nv_inference_* counters');
  });

  it('scrapes a metrics URL with credentials and never shows them', async () => {
    const p = await profile({ concurrency: [1], maxRequestsPerLevel: 20, metricsUrl: server.url.replace('http://', 'http://ops:hunter2@') + '/metrics' });
    expect(p.notes.join(' ')).toContain('no nv_inference_* counters');
    expect(JSON.stringify(p.notes)).not.toContain('hunter2');
  });
});

describe('endpoint options', () => {
  it('sends user:password from the URL as Basic auth and never shows them', async () => {
    const guarded: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(req.headers.authorization === `Basic ${Buffer.from('ops:hunter2').toString('base64')}` ? 200 : 401).end();
    });
    await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = guarded.address() as AddressInfo;
      const p = await profileEndpoint({ url: `http://ops:hunter2@127.0.0.1:${port}/predict`, concurrency: [1], maxRequestsPerLevel: 20 }, deps());
      expect(Object.keys(p.levels[0]?.statusCodes ?? {})).toEqual(['200']);
      expect(JSON.stringify(p)).not.toContain('hunter2');
    } finally {
      guarded.closeAllConnections();
      await new Promise((resolve) => guarded.close(resolve));
    }
  });

  it('rejects bad URLs and concurrency levels with a usage error', async () => {
    await expect(profileEndpoint({ url: 'ftp://x/y' }, deps())).rejects.toBeInstanceOf(UsageError);
    await expect(profileEndpoint({ url: 'not a url' }, deps())).rejects.toBeInstanceOf(UsageError);
    await expect(profileEndpoint({ url: 'http://127.0.0.1:1/', concurrency: [0] }, deps())).rejects.toThrow(/--concurrency/);
  });

  it('loads --body inline JSON or @file, and says what is wrong otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'infdbg-body-'));
    try {
      await writeFile(join(dir, 'req.json'), body);
      expect(await loadRequestBody(`@${join(dir, 'req.json')}`)).toBe(body);
      expect(await loadRequestBody('{"a":1}')).toBe('{"a":1}');
      await expect(loadRequestBody('{a:1}')).rejects.toBeInstanceOf(UsageError);
      await expect(loadRequestBody(`@${join(dir, 'missing.json')}`)).rejects.toThrow(InputError);
      await expect(loadRequestBody(`@${join(dir, 'missing.json')}`)).rejects.toThrow(/missing\.json.*ENOENT/);
      await truncate(join(dir, 'req.json'), 16 * 1024 * 1024 + 1);
      await expect(loadRequestBody(`@${join(dir, 'req.json')}`)).rejects.toThrow(`--body @${join(dir, 'req.json')}: file exceeds 16777216 bytes`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
