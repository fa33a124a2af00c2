import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, toFeeds } from '../../../examples/model-server/model.ts';
import { startModelServer, type ModelServer } from '../../../examples/model-server/server.ts';
import { parseExposition } from '../../../src/prometheus/exposition.ts';

const clip = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const tone = clip(512, (i) => 0.4 * Math.sin((2 * Math.PI * 220 * i) / 16000));
const noise = clip(512, (i) => ((i * 7919) % 200) / 1000 - 0.1);

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startModelServer>[0] = {}): Promise<ModelServer> {
  server = await startModelServer(options);
  return server;
}

function post(s: ModelServer, path: string, body: unknown) {
  return fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Server-Timing header → { stage: ms }, failing on anything that is not `name;dur=number`. */
function serverTiming(header: string | null): Record<string, number> {
  expect(header).toBeTruthy();
  return Object.fromEntries(
    (header ?? '').split(',').map((metric) => {
      const m = /^\s*([A-Za-z0-9_-]+);dur=(\d+(?:\.\d+)?)\s*$/.exec(metric);
      expect(m, `Server-Timing metric "${metric}"`).not.toBeNull();
      return [m?.[1] ?? '', Number(m?.[2])];
    }),
  );
}

async function scrape(s: ModelServer) {
  const exp = parseExposition(await (await fetch(`${s.url}/metrics`)).text());
  const value = (name: string, labels: Record<string, string> = {}) =>
    exp.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;
  return value;
}

describe('sample model server', () => {
  it('answers /predict with the speech probabilities onnxruntime computes for the same clips', async () => {
    const s = await start();
    const res = await post(s, '/predict', { batch: [tone, noise] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { probabilities: number[]; samples: number; sampleRate: number };

    const session = await ort.InferenceSession.create(DEFAULT_MODEL_PATH);
    const direct = await session.run(toFeeds({ batch: [tone, noise], sampleRate: 16000 }));
    await session.release();
    expect(body.samples).toBe(512);
    expect(body.sampleRate).toBe(16000);
    expect(body.probabilities).toHaveLength(2);
    body.probabilities.forEach((p, i) => expect(p).toBeCloseTo(Number(direct.output?.data[i]), 6));
    body.probabilities.forEach((p) => expect(p).toBeGreaterThanOrEqual(0));
    body.probabilities.forEach((p) => expect(p).toBeLessThanOrEqual(1));

    const single = (await (await post(s, '/predict', { audio: tone })).json()) as { probabilities: number[] };
    expect(single.probabilities[0]).toBeCloseTo(body.probabilities[0] ?? NaN, 6);
  });

  it('reports its stages in a parseable Server-Timing header, with injected latency as a queue stage', async () => {
    const s = await start();
    const plain = serverTiming((await post(s, '/predict', { audio: tone })).headers.get('server-timing'));
    expect(Object.keys(plain)).toEqual(['preprocess', 'inference', 'postprocess']);
    expect(plain.inference).toBeGreaterThan(0);

    s.setFaults({ addedLatencyMs: 25 });
    const delayed = serverTiming((await post(s, '/predict', { audio: tone })).headers.get('server-timing'));
    expect(Object.keys(delayed)).toEqual(['queue', 'preprocess', 'inference', 'postprocess']);
    expect(delayed.queue).toBeGreaterThanOrEqual(24);
  });

  it('adds a spike only when the random draw falls under spikeProbability', async () => {
    const draws = [0.01, 0.9];
    const s = await start({ faults: { spikeProbability: 0.05, spikeLatencyMs: 40 }, random: () => draws.shift() ?? 0.9 });
    const spiked = serverTiming((await post(s, '/predict', { audio: tone })).headers.get('server-timing'));
    const calm = serverTiming((await post(s, '/predict', { audio: tone })).headers.get('server-timing'));
    expect(spiked.queue).toBeGreaterThanOrEqual(39);
    expect(calm.queue).toBeUndefined();
  });

  it('puts a stage delay, a stage spike and a stage error in the stage that has them', async () => {
    // Draws, in order: inference spike (0.01 < 0.5: spikes), postprocess error (0.99: no), then the second request's.
    const draws = [0.01, 0.99, 0.99, 0.01];
    const s = await start({
      faults: { stages: { preprocess: { delayMs: 30 }, inference: { spikeProbability: 0.5, spikeMs: 60 }, postprocess: { errorRate: 0.5 } } },
      random: () => draws.shift() ?? 0.99,
    });
    const first = await post(s, '/predict', { audio: tone });
    expect(first.status).toBe(200);
    const t1 = serverTiming(first.headers.get('server-timing'));
    expect(Object.keys(t1)).toEqual(['preprocess', 'inference', 'postprocess']);
    expect(t1.preprocess).toBeGreaterThanOrEqual(29);
    expect(t1.inference).toBeGreaterThanOrEqual(59);
    expect(t1.postprocess).toBeLessThan(20);

    const second = await post(s, '/predict', { audio: tone });
    expect(second.status).toBe(500);
    expect(await second.json()).toEqual({ error: 'injected fault: stages.postprocess.errorRate' });
    const t2 = serverTiming(second.headers.get('server-timing'));
    expect(t2.preprocess).toBeGreaterThanOrEqual(29);
    expect(t2.inference).toBeLessThan(50);
    expect(Object.keys(t2)).toEqual(['preprocess', 'inference', 'postprocess']);
  });

  it('burns CPU in a cpu-bound stage, so concurrent requests take turns', async () => {
    const s = await start({ faults: { stages: { preprocess: { cpuMs: 40 } } } });
    const t0 = performance.now();
    const responses = await Promise.all([1, 2, 3, 4].map(() => post(s, '/predict', { audio: tone })));
    const wall = performance.now() - t0;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const r of responses) expect(serverTiming(r.headers.get('server-timing')).preprocess).toBeGreaterThanOrEqual(39);
    // A sleep would overlap (about 40 ms in all); burnt CPU on one event loop cannot.
    expect(wall).toBeGreaterThanOrEqual(155);
  });

  it('under a concurrency cap, makes requests wait their turn in the queue stage and sheds them when the queue is full', async () => {
    const s = await start({ faults: { maxConcurrency: 1, maxQueue: 2, stages: { inference: { delayMs: 40 } } } });
    const responses = await Promise.all([1, 2, 3, 4].map(() => post(s, '/predict', { audio: tone })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 503]);
    const waits = responses.filter((r) => r.status === 200).map((r) => serverTiming(r.headers.get('server-timing')).queue ?? NaN).sort((a, b) => a - b);
    expect(waits[0]).toBeLessThan(20);
    expect(waits[1]).toBeGreaterThanOrEqual(35);
    expect(waits[2]).toBeGreaterThanOrEqual(75);
    const value = await scrape(s);
    expect(value('model_requests_total', { status: '503' })).toBe(1);
    expect(value('model_requests_in_flight')).toBe(0);
    expect(value('model_requests_queued')).toBe(0);
  });

  it('fails only the model or route named by modelErrors / routeErrors, and counts requests by route and model', async () => {
    const s = await start({ models: ['silero_vad', 'canary'], faults: { modelErrors: { canary: 1 } } });
    expect((await post(s, '/predict', { audio: tone })).status).toBe(200);
    const ok = await post(s, '/v1/models/silero_vad:predict', { audio: tone });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ model: 'silero_vad' });
    const failed = await post(s, '/v1/models/canary:predict', { audio: tone });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'injected fault: modelErrors' });
    expect((await post(s, '/v1/models/nope:predict', { audio: tone })).status).toBe(404);

    s.setFaults({ modelErrors: {}, routeErrors: { '/predict': 1 } });
    expect((await post(s, '/predict', { audio: tone })).status).toBe(500);
    expect((await post(s, '/v1/models/canary:predict', { audio: tone })).status).toBe(200);

    const value = await scrape(s);
    expect(value('model_requests_total', { route: '/predict', model: 'silero_vad', status: '200' })).toBe(1);
    expect(value('model_requests_total', { route: '/predict', model: 'silero_vad', status: '500' })).toBe(1);
    expect(value('model_requests_total', { route: '/v1/models/{name}:predict', model: 'silero_vad', status: '200' })).toBe(1);
    expect(value('model_requests_total', { route: '/v1/models/{name}:predict', model: 'canary', status: '500' })).toBe(1);
    expect(value('model_requests_total', { route: '/v1/models/{name}:predict', model: 'canary', status: '200' })).toBe(1);
    expect(value('model_requests_total', { model: 'unknown', status: '404' })).toBe(1);
  });

  it('restarts like a process would: counters, start time and leaked memory start afresh, the faults stay', async () => {
    const s = await start({ faults: { memoryGrowthBytesPerRequest: 64 * 1024, addedLatencyMs: 1 } });
    for (let i = 0; i < 3; i++) await post(s, '/predict', { audio: tone });
    const before = await scrape(s);
    expect(before('model_requests_total', { status: '200' })).toBe(3);
    expect(before('model_fault_retained_bytes')).toBe(3 * 64 * 1024);
    const startedBefore = before('process_start_time_seconds') ?? NaN;
    expect(startedBefore).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(startedBefore).toBeLessThanOrEqual(Date.now() / 1000);
    await sleep(20);

    const restarted = await post(s, '/restart', {});
    expect(restarted.status).toBe(200);
    const after = await scrape(s);
    expect(after('model_requests_total', { status: '200' })).toBeUndefined();
    expect(after('model_request_duration_seconds_count')).toBe(0);
    expect(after('model_fault_retained_bytes')).toBe(0);
    expect(after('process_start_time_seconds')).toBeGreaterThan(startedBefore);
    const health = (await (await fetch(`${s.url}/health`)).json()) as { uptimeSeconds: number };
    expect(health.uptimeSeconds).toBeLessThan(0.02 + (after('process_start_time_seconds') ?? 0) - startedBefore);
    const delayed = serverTiming((await post(s, '/predict', { audio: tone })).headers.get('server-timing'));
    expect(delayed.queue).toBeGreaterThanOrEqual(0.9);

    s.restart();
    expect((await scrape(s))('model_requests_total', { status: '200' })).toBeUndefined();
  });

  it('counts every /predict in the latency histogram and the status counter', async () => {
    const s = await start();
    for (let i = 0; i < 4; i++) expect((await post(s, '/predict', { audio: noise })).status).toBe(200);
    expect((await post(s, '/predict', '{not json')).status).toBe(400);
    const value = await scrape(s);
    expect(value('model_request_duration_seconds_count')).toBe(5);
    expect(value('model_request_duration_seconds_bucket', { le: '+Inf' })).toBe(5);
    expect(value('model_request_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value('model_requests_total', { status: '200' })).toBe(4);
    expect(value('model_requests_total', { status: '400' })).toBe(1);
  });

  it('fails every request with 500 when errorRate is 1', async () => {
    const s = await start({ faults: { errorRate: 1 } });
    const responses = await Promise.all([1, 2, 3].map(() => post(s, '/predict', { audio: tone })));
    expect(responses.map((r) => r.status)).toEqual([500, 500, 500]);
    expect(await responses[0]?.json()).toEqual({ error: 'injected fault: errorRate' });
    // The failure happens where real ones do, in the inference stage.
    expect(Object.keys(serverTiming(responses[0]?.headers.get('server-timing') ?? null))).toEqual(['preprocess', 'inference']);
    const value = await scrape(s);
    expect(value('model_requests_total', { status: '500' })).toBe(3);
    expect(value('model_requests_total', { status: '200' })).toBeUndefined();
  });

  it('retains memory per request under the memory-growth fault, visible in /metrics', async () => {
    const s = await start();
    const before = await scrape(s);
    s.setFaults({ memoryGrowthBytesPerRequest: 4 * 1024 * 1024 });
    for (let i = 0; i < 5; i++) await post(s, '/predict', { audio: tone });
    const after = await scrape(s);
    expect(after('model_fault_retained_bytes')).toBe(20 * 1024 * 1024);
    // At least 19 of the 20 MiB: buffers an earlier test let go may be collected meanwhile.
    expect((after('nodejs_external_memory_bytes') ?? 0) - (before('nodejs_external_memory_bytes') ?? 0)).toBeGreaterThanOrEqual(19 * 1024 * 1024);
  });

  it('rejects bad input with JSON errors: 400 bad JSON or shape, 413 oversized body', async () => {
    const s = await start();
    const badJson = await post(s, '/predict', '{"audio": [1,');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const short = await post(s, '/predict', { audio: [0.1, 0.2] });
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: string }).error).toMatch(/audio/);
    const ragged = await post(s, '/predict', { batch: [tone, tone.slice(0, 300)] });
    expect(ragged.status).toBe(400);
    const huge = await post(s, '/predict', { audio: clip(200_000, () => 0.123456789) });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('server-timing')).not.toBeNull();
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/predict`)).status).toBe(405);
  });

  it('changes faults at runtime through POST /faults, validating them', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    const set = await post(s, '/faults', { unhealthy: true, errorRate: 0.5 });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ unhealthy: true, errorRate: 0.5, addedLatencyMs: 0 });
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unhealthy' });
    const staged = await post(s, '/faults', { stages: { inference: { delayMs: 5 } } });
    expect(await staged.json()).toMatchObject({ errorRate: 0.5, stages: { inference: { delayMs: 5, spikeProbability: 0 }, preprocess: { delayMs: 0 } } });
    const again = await post(s, '/faults', { stages: { inference: { spikeProbability: 0.1, spikeMs: 100 } } });
    expect(await again.json()).toMatchObject({ stages: { inference: { delayMs: 5, spikeProbability: 0.1, spikeMs: 100 } } });
    expect((await post(s, '/faults', { stages: { decode: { delayMs: 5 } } })).status).toBe(400);
    expect((await post(s, '/faults', { stages: { inference: { errorRate: 2 } } })).status).toBe(400);
    expect((await post(s, '/faults', { errorRate: 3 })).status).toBe(400);
    expect((await post(s, '/faults', { latency: 5 })).status).toBe(400);
  });

  it('runs from the command line with fault flags', async () => {
    const script = fileURLToPath(new URL('../../../examples/model-server/server.ts', import.meta.url));
    const child = spawn(process.execPath, [script, '--port', '0', '--models', 'silero_vad,canary', '--model-error', 'canary=1', '--stage-delay', 'postprocess=25'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = /listening on (\S+)/.exec(line)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ok = await fetch(`${url}/predict`, { method: 'POST', body: JSON.stringify({ audio: tone }) });
      expect(ok.status).toBe(200);
      expect(serverTiming(ok.headers.get('server-timing')).postprocess).toBeGreaterThanOrEqual(24);
      expect((await fetch(`${url}/v1/models/canary:predict`, { method: 'POST', body: JSON.stringify({ audio: tone }) })).status).toBe(500);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    for (const args of [['--error-rate', '7'], ['--stage-delay', 'decode=5'], ['--stage-spike', 'inference']]) {
      const bad = spawn(process.execPath, [script, ...args], { stdio: 'ignore' });
      const [code] = (await once(bad, 'exit')) as [number];
      expect(code, args.join(' ')).toBe(2);
    }
  });
});
