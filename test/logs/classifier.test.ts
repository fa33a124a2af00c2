// The classifier on a realistic inference-server log (kubectl --timestamps prefix, uvicorn access
// lines, Python logging, a real CUDA OOM traceback, secrets in matching lines): counts, first/last
// seen, samples, bursts, OOM numbers — and not one secret in the output.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultSignatures } from '../../src/logs/catalogue.ts';
import { classifyByteStream, classifyLines, classifyLogStream, LogClassifier } from '../../src/logs/classifier.ts';

const LOG = readFileSync(new URL('../fixtures/logs/inference-server.log', import.meta.url), 'utf8');
const LINES = LOG.split('\n').slice(0, -1);
/** Every secret planted in the fixture (see test/fixtures/logs/README.md). */
const SECRETS = [
  'Sup3rS3cretPw',
  'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9',
  'c2lnbmF0dXJlLW5vdC1yZWFs',
  'AKIAIOSFODNN7EXAMPLE',
  'tok_9f8e7d6c5b4a',
  'c3ZjLXVzZXI6U3VwM3JTM2NyZXRQdw==',
  'abcdefghijklmnopqrstuvwx',
  'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn',
];

describe('LogClassifier on a realistic log', () => {
  const result = classifyLines(LINES, { maxSamples: 50 });
  const hit = (id: string) => result.signatures.find((s) => s.id === id);

  it('lists each signature in order of first appearance, with its class and count, and names the first cause', () => {
    expect(result.lines).toBe(428);
    expect(result.signatures.map((s) => [s.id, s.class, s.severity, s.count])).toEqual([
      ['onnxruntime-provider-load-failure', 'cause', 'critical', 1],
      ['http-5xx', 'symptom', 'critical', 29],
      // urllib3 closing a connection it has no room to keep: harmless, so a symptom at info, not pool exhaustion.
      ['urllib3-pool-full-discarding', 'symptom', 'info', 3],
      ['upstream-timeout', 'cause', 'warning', 2],
      ['cuda-oom', 'cause', 'critical', 1],
      ['nan-or-inf', 'cause', 'warning', 1],
      ['model-file-not-found', 'cause', 'critical', 1],
      ['cuda-kernel-assert', 'cause', 'critical', 1],
      ['cuda-device-side-assert', 'cause', 'critical', 1],
    ]);
    expect(result.firstCause?.id).toBe('onnxruntime-provider-load-failure');
    // 14:00:00 to 14:30:54 by the kubectl timestamps
    expect(result.windowMs).toBeGreaterThan(30 * 60_000);
    expect(result.windowMs).toBeLessThan(32 * 60_000);
  });

  it('names an OOM that precedes a larger 5xx burst as the first cause, the burst only as a symptom', () => {
    const at = (s: number) => `2026-11-22T14:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000000000Z`;
    const oom = LINES.find((l) => l.includes('OutOfMemoryError')) ?? '';
    const log = [
      `${at(0)} INFO:     10.0.0.1:5000 - "POST /v1/predict HTTP/1.1" 200 OK`,
      `${at(10)} ${oom.replace(/^\S+ /, '')}`,
      ...Array.from({ length: 40 }, (_, i) => `${at(11 + i)} INFO:     10.0.0.1:5000 - "POST /v1/predict HTTP/1.1" 503 Service Unavailable`),
    ];
    const c = classifyLines(log);
    expect(c.signatures.map((s) => [s.id, s.class, s.count])).toEqual([
      ['cuda-oom', 'cause', 1],
      ['http-5xx', 'symptom', 40],
    ]);
    expect(c.firstCause?.id).toBe('cuda-oom');
    // only symptoms: no first cause
    expect(classifyLines(log.filter((l) => !l.includes('OutOfMemoryError'))).firstCause).toBeNull();
  });

  it('orders logs merged from several pods by their timestamps, not by where each pod\'s lines landed', () => {
    const c = new LogClassifier();
    c.setSamplePrefix('[pod-a] ');
    c.add('2026-11-22T14:05:00.000Z RuntimeError: CUDA error: an illegal memory access was encountered');
    c.setSamplePrefix('[pod-b] ');
    c.add('2026-11-22T14:01:00.000Z RuntimeError: NCCL error: unhandled system error');
    const r = c.result();
    expect(r.signatures.map((s) => s.id)).toEqual(['nccl-error', 'cuda-illegal-memory-access']);
    expect(r.firstCause).toMatchObject({ id: 'nccl-error', firstLine: 2, samples: ['[pod-b] 2026-11-22T14:01:00.000Z RuntimeError: NCCL error: unhandled system error'] });
  });

  it('of two failures on one line, the reason the outer one wraps comes first (a load failure "…: No space left on device" is the full disk)', () => {
    // Triton's message when /dev/shm is too small for a Python-backend instance (triton-inference-server/python_backend, pb_stub / shm_manager).
    const line = "E1122 14:00:02.118907 1 model_lifecycle.cc:638] failed to load 'preprocessing' version 1: Internal: Unable to initialize shared memory key 'triton_python_backend_shm_region_2' to requested size (67108864 bytes). If you are running Triton inside docker, use '--shm-size' flag to control the shared memory region size. Each Python backend model instance requires at least 64MBs of shared memory. Error: No space left on device";
    const r = classifyLines([line]);
    expect(r.signatures.map((s) => s.id)).toEqual(['disk-full', 'triton-model-load-failed']);
    expect(r.firstCause?.id).toBe('disk-full');
  });

  it("reads a 504 in the service's own access log as its answer (a 5xx), not as a dependency timing out; NCCL's full /dev/shm is no full disk", () => {
    const access = classifyLines(['INFO:     10.0.5.160:47040 - "POST /v1/score HTTP/1.1" 504 Gateway Timeout']);
    expect(access.signatures.map((s) => s.id)).toEqual(['http-5xx']);
    const proxied = classifyLines(['requests.exceptions.HTTPError: 504 Server Error: <html><head><title>504 Gateway Time-out</title></head></html>']);
    expect(proxied.signatures.map((s) => s.id)).toContain('upstream-timeout');
    const shm = classifyLines(['host:202016:202235 [0] misc/shmutils.cc:88 NCCL WARN Error: failed to extend /dev/shm/nccl-WU88OE to 9637892 bytes, error: No space left on device (28)']);
    expect(shm.signatures.map((s) => s.id)).toEqual(['nccl-shm-too-small']);
  });

  it('counts exactly what running every pattern on every line counts (the prefilter loses nothing)', () => {
    const extra = ['504 Gateway Time-out', 'CUBLAS_STATUS_ALLOC_FAILED when calling cublasCreate(handle)', 'train loss: -inf', '{"status_code": "503"}'];
    const naive = new Map<string, number>();
    for (const line of [...LINES, ...extra]) {
      for (const s of defaultSignatures().signatures) if (s.regex.test(line)) naive.set(s.id, (naive.get(s.id) ?? 0) + 1);
    }
    const fast = classifyLines([...LINES, ...extra]).signatures.map((s) => [s.id, s.count]);
    expect(new Map(fast as Array<[string, number]>)).toEqual(naive);
  });

  it('sees the burst of 25 × 503 in 25 s as one burst, the three scattered 500s as none', () => {
    expect(hit('http-5xx')?.bursts).toBe(1);
    const scattered = classifyLines(LINES.filter((l) => !l.includes('" 503 ')));
    expect(scattered.signatures.find((s) => s.id === 'http-5xx')).toMatchObject({ count: 4, bursts: 0, severity: 'info' });
  });

  it('reports first and last seen from the kubectl timestamps, with line numbers', () => {
    expect(hit('urllib3-pool-full-discarding')).toMatchObject({
      firstSeen: '2026-11-22T14:09:40.750Z',
      lastSeen: '2026-11-22T14:09:43.996Z',
      firstLine: 130,
      lastLine: 132,
    });
    expect(hit('http-5xx')).toMatchObject({ firstSeen: '2026-11-22T14:06:30.504Z', lastSeen: '2026-11-22T14:23:03.275Z' });
  });

  it('keeps at most three samples by default, showing the burst', () => {
    const samples = classifyLines(LINES).signatures.find((s) => s.id === 'http-5xx')?.samples ?? [];
    expect(samples).toHaveLength(3);
    expect(samples[2]).toContain('" 503 Service Unavailable');
  });

  it('extracts the CUDA OOM numbers from the traceback line', () => {
    expect(result.cudaOomTotal).toBe(1);
    expect(result.cudaOom[0]).toMatchObject({ source: 'pytorch', gpu: 0, triedToAllocateBytes: Math.round(46.57 * 2 ** 30), reservedUnallocatedBytes: 0 });
  });

  it('lets no planted secret through, in any sample or OOM line', () => {
    const out = JSON.stringify(result);
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
    // the secrets were there to find: the matching lines carried them
    expect(SECRETS.filter((s) => LOG.includes(s))).toEqual(SECRETS);
  });

  it('gives the same answer line by line, from an async line stream, and from bytes in odd-sized chunks', async () => {
    async function* lines() {
      yield* LINES;
    }
    const bytes = Buffer.from(LOG);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 333) }, (_, i) => bytes.subarray(i * 333, (i + 1) * 333));
    const fromStream = await classifyLogStream(lines(), { maxSamples: 50 });
    const fromBytes = await classifyByteStream(Readable.from(chunks), { maxSamples: 50 });
    expect(fromStream).toEqual(result);
    expect(fromBytes).toEqual(result);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    async function* lines() {
      yield* LINES;
    }
    await expect(classifyLogStream(lines(), { signal: ac.signal })).rejects.toThrow('cancelled');
  });

  it('uses line numbers when lines carry no timestamp, and a burst window in lines', () => {
    const c = new LogClassifier();
    for (let i = 0; i < 30; i++) c.add(`"GET /x HTTP/1.1" 502 0`);
    expect(c.result().signatures[0]).toMatchObject({ id: 'http-5xx', class: 'symptom', count: 30, bursts: 1, firstSeen: null, firstLine: 1, lastLine: 30 });
    expect(c.result()).toMatchObject({ firstCause: null, windowMs: null });
  });
});

describe('LogClassifier and retries', () => {
  it('marks a signature whose every line hands the failure to a retry as absorbed (info), but not one whose retries ran out', () => {
    const absorbed = classifyLines([
      '2026-11-22 14:03:00,000 WARNING features: GetOnlineFeatures attempt 1 of 3 failed with StatusCode.DEADLINE_EXCEEDED; retrying in 50 ms',
      '2026-11-22 14:03:00,251 INFO features: GetOnlineFeatures succeeded on attempt 2',
    ]);
    expect(absorbed.signatures).toEqual([expect.objectContaining({ id: 'upstream-timeout', count: 1, retried: 1, severity: 'info' })]);
    // urllib3's lines, as quoted in OpenEnergyPlatform/open-MaStR#155: a retry, then retries exhausted.
    const exhausted = classifyLines([
      "WARNING Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='feature-store', port=443): Read timed out. (read timeout=2)\")': /v1/features",
      "ERROR features: HTTPSConnectionPool(host='feature-store', port=443): Max retries exceeded with url: /v1/features (Caused by ReadTimeoutError(\"HTTPSConnectionPool(host='feature-store', port=443): Read timed out. (read timeout=2)\"))",
    ]);
    expect(exhausted.signatures).toEqual([expect.objectContaining({ id: 'upstream-timeout', count: 2, retried: 1, severity: 'warning' })]);
  });
});
