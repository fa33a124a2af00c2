import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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
    expect((after('nodejs_external_memory_bytes') ?? 0) - (before('nodejs_external_memory_bytes') ?? 0)).toBeGreaterThanOrEqual(20 * 1024 * 1024);
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
    expect((await post(s, '/faults', { errorRate: 3 })).status).toBe(400);
    expect((await post(s, '/faults', { latency: 5 })).status).toBe(400);
  });

  it('runs from the command line with fault flags', async () => {
    const script = fileURLToPath(new URL('../../../examples/model-server/server.ts', import.meta.url));
    const child = spawn(process.execPath, [script, '--port', '0', '--error-rate', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = /listening on (\S+)/.exec(line)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/predict`, { method: 'POST', body: JSON.stringify({ audio: tone }) })).status).toBe(500);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    const bad = spawn(process.execPath, [script, '--error-rate', '7'], { stdio: 'ignore' });
    const [code] = (await once(bad, 'exit')) as [number];
    expect(code).toBe(2);
  });
});
