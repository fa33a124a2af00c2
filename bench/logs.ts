// Log classification speed: writes ~100 MB of realistic mixed inference-server log lines to a temp
// file, classifies it in one streaming pass (the `logs --file` path: keyword prefilter, then the
// matching signatures' patterns), and compares with a naive baseline that runs every signature's
// regex on every line, in the same run. Prints MB/s, lines/s and peak RSS of each pass, and
// checks both passes count the same matches.
//
//   npx node bench/logs.ts [--mb 100] [--keep]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultSignatures } from '../src/logs/catalogue.ts';
import { classifyByteStream } from '../src/logs/classifier.ts';
import { LineSplitter } from '../src/logs/line-splitter.ts';
import { seededRandom } from '../test/support/seeded-random.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, keep: { type: 'boolean', default: false } } });
const targetBytes = Number(values.mb) * 2 ** 20;

const rand = seededRandom(42);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const PATHS = ['/v1/predict', '/v1/embed', '/health', '/metrics', '/v1/generate'];
const MODELS = ['llm-7b', 'reranker', 'embedder-v3', 'vad'];
/** Lines that match signatures, ~0.4% of all lines, as in a service having a bad day. */
const ERRORS = [
  'ERROR server: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free. Process 1234 has 78.11 GiB memory in use. Of the allocated memory 76.50 GiB is allocated by PyTorch, and 1.10 GiB is reserved by PyTorch but unallocated.',
  'WARNING urllib3.connectionpool: Connection pool is full, discarding connection: feature-store.internal. Connection pool size: 10',
  "ERROR features: ReadTimeout: HTTPSConnectionPool(host='feature-store.internal', port=8443): Read timed out. (read timeout=2.0)",
  '[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: input for the following indices index: 2 Got: 320 Expected: 224 Please fix either the inputs or the model.',
  'ERROR logits: nan detected for request 7f3a9c, returning 500',
  'RuntimeError: CUDA error: device-side assert triggered',
  'ERROR grpc: status = StatusCode.DEADLINE_EXCEEDED details = "Deadline Exceeded"',
];

function line(t: number): string {
  const ts = new Date(Date.UTC(2026, 10, 22, 14) + t).toISOString().replace('Z', '123456Z');
  const r = rand();
  if (r < 0.6) {
    const status = rand() < 0.004 ? pick([500, 502, 503]) : 200;
    return `${ts} INFO:     10.0.${Math.floor(rand() * 9)}.${Math.floor(rand() * 250)}:${30000 + Math.floor(rand() * 30000)} - "POST ${pick(PATHS)} HTTP/1.1" ${status} ${status === 200 ? 'OK' : 'Internal Server Error'}`;
  }
  if (r < 0.85) {
    return `${ts} 2026-11-22 14:00:00,${String(Math.floor(rand() * 1000)).padStart(3, '0')} INFO server: batch of ${1 + Math.floor(rand() * 64)} requests for ${pick(MODELS)}, queue depth ${Math.floor(rand() * 20)}, p50 ${(rand() * 40).toFixed(1)} ms`;
  }
  if (r < 0.996) {
    return `${ts} {"level":"debug","model":"${pick(MODELS)}","tokens_in":${Math.floor(rand() * 4096)},"tokens_out":${Math.floor(rand() * 512)},"kv_cache_util":${rand().toFixed(3)},"gpu":${Math.floor(rand() * 8)},"msg":"step complete"}`;
  }
  return `${ts} ${pick(ERRORS)}`;
}

async function generate(path: string): Promise<{ bytes: number; lines: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  let t = 0;
  while (bytes < targetBytes) {
    const batch: string[] = [];
    for (let i = 0; i < 5000; i++) batch.push(line((t += Math.floor(rand() * 20))));
    const text = `${batch.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    lines += batch.length;
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { bytes, lines };
}

/** Runs `work` while sampling RSS every 10 ms; returns its result, seconds and peak RSS. */
async function measure<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRss: number; startRss: number }> {
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);
  const t0 = performance.now();
  const value = await work();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { value, seconds, peakRss, startRss };
}

/** Baseline: every signature's regex on every line, same streaming and splitting. */
async function naive(path: string): Promise<Map<string, number>> {
  const signatures = defaultSignatures().signatures;
  const counts = new Map<string, number>();
  const splitter = new LineSplitter();
  const onLine = (l: string) => {
    for (const s of signatures) if (s.regex.test(l)) counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) splitter.write(chunk as Buffer, onLine);
  splitter.end(onLine);
  return counts;
}

const MB = 2 ** 20;
const dir = await mkdtemp(join(tmpdir(), 'infdbg-logs-bench-'));
const file = join(dir, 'mixed.log');
try {
  const g0 = performance.now();
  const gen = await generate(file);
  const size = (await stat(file)).size;
  console.log(`generated ${(size / MB).toFixed(1)} MB, ${gen.lines.toLocaleString('en')} lines in ${((performance.now() - g0) / 1000).toFixed(1)} s → ${file}`);
  console.log(`node ${process.version}, ${defaultSignatures().signatures.length} signatures`);

  // Each pass runs twice, alternating, so both get the same warm JIT and page cache; the
  // second run of each is the figure to quote (the first includes compilation).
  const row = (name: string, m: { seconds: number; peakRss: number; startRss: number }) =>
    `${name.padEnd(46)} ${m.seconds.toFixed(2).padStart(6)} s  ${(size / MB / m.seconds).toFixed(1).padStart(6)} MB/s  ${Math.round(gen.lines / m.seconds).toLocaleString('en').padStart(10)} lines/s  peak RSS ${(m.peakRss / MB).toFixed(0)} MB (start ${(m.startRss / MB).toFixed(0)} MB)`;
  const runs: Array<{ fast: Awaited<ReturnType<typeof measureFast>>; slow: Awaited<ReturnType<typeof measureSlow>> }> = [];
  const measureFast = () => measure(() => classifyByteStream(createReadStream(file, { highWaterMark: 1 << 20 })));
  const measureSlow = () => measure(() => naive(file));
  for (const run of [1, 2]) {
    const fast = await measureFast();
    const slow = await measureSlow();
    runs.push({ fast, slow });
    console.log(row(`run ${run}: classifier (keyword prefilter, one pass)`, fast));
    console.log(row(`run ${run}: naive (every regex on every line)`, slow));
  }
  const { fast, slow } = runs[1] ?? runs[0]!;
  console.log(`speed-up (run 2) ${(slow.seconds / fast.seconds).toFixed(1)}×`);

  const fastCounts = new Map(fast.value.signatures.map((s) => [s.id, s.count]));
  const same = fastCounts.size === slow.value.size && [...slow.value].every(([id, n]) => fastCounts.get(id) === n);
  console.log(`matches: ${[...fastCounts].map(([id, n]) => `${id} ${n}`).join(', ')}`);
  console.log(`same counts as the naive pass: ${same ? 'yes' : `NO — naive: ${JSON.stringify(Object.fromEntries(slow.value))}`}`);
  if (!same) process.exitCode = 1;
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true });
}
