// The shipped catalogue loads and validates; each signature matches its own real examples (each
// with its public source), passes the keyword prefilter on them, and no other signature claims
// them; the serving frameworks people run are covered; bad entries are rejected.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { alternationOf, buildCatalogue, defaultSignatures } from '../../src/logs/catalogue.ts';

const ISSUE_5_SIGNATURES = [
  'cuda-oom',
  'cuda-device-side-assert',
  'tensors-on-different-devices',
  'weights-size-mismatch',
  'no-kernel-image',
  'nccl-timeout',
  'onnxruntime-invalid-dimensions',
  'onnxruntime-provider-load-failure',
  'model-file-not-found',
  'nan-or-inf',
  'connection-pool-exhausted',
  'upstream-timeout',
  'http-5xx',
];

describe('signature catalogue', () => {
  const catalogue = defaultSignatures();
  const byId = (id: string) => catalogue.signatures.find((s) => s.id === id);

  it('covers every failure signature issue 5 names', () => {
    expect(catalogue.signatures.map((s) => s.id)).toEqual(expect.arrayContaining(ISSUE_5_SIGNATURES));
  });

  it('recognises the serving frameworks: Triton, TorchServe, vLLM, TGI, KServe, Ray Serve, and Indexing.cu kernel asserts', () => {
    const claimed = (line: string) => catalogue.signatures.filter((s) => s.regex.test(line)).map((s) => s.id);
    // lines the issue quotes that the catalogue used to miss
    expect(claimed("E1107 07:34:03.823179 7 model_repository_manager.cc:1265] failed to poll model 'pipe': model not found in any model repository.")).toEqual(['triton-model-not-found']);
    expect(claimed('error: creating server: Internal - failed to load all models')).toEqual(['triton-failed-to-load-all-models']);
    expect(claimed('2020-11-19 08:11:14,605 [WARN ] W-9000-backside_ver3_1.0 org.pytorch.serve.wlm.BatchAggregator - Load model failed: backside_ver3, error: Worker died.')).toEqual(['torchserve-worker-died']);
    expect(claimed('../aten/src/ATen/native/cuda/Indexing.cu:1141: indexSelectLargeIndex: block: [0,0,0], thread: [0,0,0] Assertion `srcIndex < srcSelectDimSize` failed.')).toEqual(['cuda-kernel-assert']);
    for (const id of ['vllm-max-model-len-exceeds-kv-cache', 'vllm-no-cache-memory', 'vllm-engine-dead', 'cuda-graph-capture-failed', 'tgi-shard-failed', 'tgi-not-enough-memory', 'kserve-model-download-failed', 'ray-actor-died', 'ray-serve-deployment-unavailable', 'torchserve-worker-timeout']) {
      expect(byId(id), id).toBeDefined();
    }
  });

  it('classes failures that explain others as causes and the failures users see as symptoms', () => {
    expect(byId('cuda-oom')?.class).toBe('cause');
    expect(byId('cuda-kernel-assert')?.class).toBe('cause');
    expect(byId('http-5xx')?.class).toBe('symptom');
    expect(byId('vllm-engine-dead')?.class).toBe('symptom');
  });

  describe.each(catalogue.signatures.map((s) => [s.id, s] as const))('%s', (_id, sig) => {
    it.each(sig.examples.map((e) => [e.source, e.line]))('matches its real example from %s, through the prefilter', (_source, line) => {
      expect(catalogue.prefilter.test(line.toLowerCase())).toBe(true);
      expect(sig.keywords.some((k) => line.toLowerCase().includes(k))).toBe(true);
      expect(sig.regex.test(line)).toBe(true);
      expect(catalogue.signatures.filter((o) => o.id !== sig.id && o.regex.test(line)).map((o) => o.id)).toEqual([]);
    });
  });

  it('builds the keyword prefilter as a prefix-shared alternation that matches exactly the lines holding a keyword', () => {
    expect(alternationOf(['out of memory', 'outofmemoryerror', 'pool', 'status=5', 'status:5'])).toBe('(?:out(?: of memory|ofmemoryerror)|pool|status(?:=5|:5))');
    const keywords = catalogue.signatures.flatMap((s) => s.keywords);
    for (const k of keywords) expect(catalogue.prefilter.test(`xx ${k} yy`), k).toBe(true);
    for (const line of ['info server: batch of 12 requests, queue depth 3', '"post /v1/predict http/1.1" 200 ok', '{"level":"debug","msg":"step complete"}']) {
      expect(catalogue.prefilter.test(line)).toBe(keywords.some((k) => line.includes(k)));
    }
  });

  it('rejects a bad regex, an upper-case keyword, a duplicate id, a missing class and an example without a source, naming the source file', () => {
    const good = { id: 'x', class: 'cause', keywords: ['boom'], pattern: 'boom', category: 'c', severity: 'warning', explanation: 'e', fixes: ['f'], examples: [{ line: 'boom', source: 'acme/server#1' }] };
    expect(() => buildCatalogue([good], 'ok.yaml')).not.toThrow();
    expect(() => buildCatalogue([{ ...good, pattern: '(' }], 'bad.yaml')).toThrow(/bad\.yaml: invalid signature catalogue.*regular expression/);
    expect(() => buildCatalogue([{ ...good, keywords: ['Boom'] }], 'bad.yaml')).toThrow(/lower-case/);
    expect(() => buildCatalogue([good, good], 'bad.yaml')).toThrow(/"x" appears twice/);
    expect(() => buildCatalogue([{ ...good, severity: 'fatal' }], 'bad.yaml')).toThrow(InputError);
    const { class: _, ...classless } = good;
    expect(() => buildCatalogue([classless], 'bad.yaml')).toThrow(/class/);
    expect(() => buildCatalogue([{ ...good, examples: ['boom'] }], 'bad.yaml')).toThrow(InputError);
    expect(() => buildCatalogue([{ ...good, examples: [{ line: 'boom', source: 'somewhere' }] }], 'bad.yaml')).toThrow(/a source is/);
  });
});
