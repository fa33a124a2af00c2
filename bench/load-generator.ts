// The endpoint profiler's own ceiling: how many requests/s its load generator (keep-alive
// node:http, closed loop) drives against a trivial local HTTP server, side by side with `wrk`
// and with Node's fetch (undici) on the same target, same concurrency and duration, in the same
// run. When a profiled server's throughput approaches the generator's figure here, the tool —
// not the server — is the limit. The server runs in a forked process so it does not share the
// generator's event loop.
//
// Run: npx node bench/load-generator.ts [--concurrency 1,16,64] [--duration 5s]
import { execFile, fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { durationMs, numberList } from '../src/command/args.ts';
import { latencySummary, measureInWindows } from '../src/profile/latency.ts';
import { createLoadClient } from '../src/profile/load-generator.ts';

const run = promisify(execFile);
/** Enough room for the samples of a few seconds at the highest rates seen here. */
const MAX_SAMPLES = 4_000_000;

interface Row {
  concurrency: number;
  client: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  note?: string;
}

/** The target: a trivial keep-alive server answering 200 "ok" to anything. Runs in the child. */
function serve(): void {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

/** Measures `send` in `concurrency` closed loops for `ms`, never stopping for stability. */
async function closedLoop(concurrency: number, ms: number, send: () => Promise<number | undefined>) {
  for (let i = 0; i < concurrency; i++) await send(); // warm-up, opens connections
  await Promise.all(Array.from({ length: concurrency }, () => send()));
  const r = await measureInWindows({
    runOnce: send,
    concurrency,
    windowSize: 10_000,
    consecutive: Number.MAX_SAFE_INTEGER,
    maxDurationMs: ms,
    maxIterations: MAX_SAMPLES,
    signal: new AbortController().signal,
    now: () => performance.now(),
  });
  const s = latencySummary(r.samplesMs);
  const failed = r.iterations - r.samplesMs.length;
  return { requestsPerSec: (r.samplesMs.length * 1000) / r.elapsedMs, p50Ms: s.p50, p99Ms: s.p99, failed };
}

async function infdbg(url: URL, concurrency: number, ms: number): Promise<Row> {
  const client = createLoadClient({ url, method: 'GET', headers: {}, body: undefined, timeoutMs: 10_000, maxSockets: concurrency, signal: new AbortController().signal });
  try {
    const r = await closedLoop(concurrency, ms, async () => {
      const o = await client.send();
      return o.status === 200 ? o.totalMs : undefined;
    });
    return { concurrency, client: 'infdbg (node:http keep-alive)', ...r, ...(r.failed > 0 ? { note: `${r.failed} failed` } : {}) };
  } finally {
    client.close();
  }
}

async function viaFetch(url: URL, concurrency: number, ms: number): Promise<Row> {
  const r = await closedLoop(concurrency, ms, async () => {
    const t0 = performance.now();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status === 200 ? performance.now() - t0 : undefined;
    } catch {
      return undefined; // counted as a failure below
    }
  });
  return { concurrency, client: 'fetch (undici, global agent)', ...r, ...(r.failed > 0 ? { note: `${r.failed} failed` } : {}) };
}

/** Parses a wrk duration like `312.45us`, `1.20ms`, `2.00s`, `1.00m` into ms. */
function wrkMs(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!m) return Number.NaN;
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * scale;
}

async function viaWrk(url: URL, concurrency: number, ms: number): Promise<Row> {
  const { stdout } = await run('wrk', ['-t1', `-c${concurrency}`, `-d${Math.round(ms / 1000)}s`, '--latency', url.href], { timeout: ms + 30_000 });
  const pct = (p: string) => wrkMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(stdout)?.[1]);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1];
  return {
    concurrency,
    client: 'wrk -t1 (C, epoll)',
    requestsPerSec: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    ...(non2xx === undefined ? {} : { note: `${non2xx} non-2xx` }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { concurrency: { type: 'string' }, duration: { type: 'string' } }, strict: true });
  const levels = numberList(values.concurrency, 'concurrency') ?? [1, 16, 64];
  const ms = durationMs(values.duration, 'duration') ?? 5000;
  const wrkVersion = await run('wrk', ['--version']).then(
    (r) => r.stdout.split('\n')[0],
    (err: NodeJS.ErrnoException & { stdout?: string }) => (err.code === 'ENOENT' ? undefined : err.stdout?.split('\n')[0]), // wrk --version exits 1
  );

  const child = fork(import.meta.filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`target server exited with ${code}`)));
  });
  const url = new URL(`http://127.0.0.1:${port}/`);

  console.log(`load generator ceiling vs wrk — target: trivial node:http server (forked process) at ${url.href}`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${ms / 1000} s per cell`);
  console.log(wrkVersion ?? 'wrk: not installed — install it with `apt-get install -y wrk` (Debian/Ubuntu) to get the wrk rows');
  const rows: Row[] = [];
  try {
    for (const c of levels) {
      rows.push(await infdbg(url, c, ms));
      rows.push(await viaFetch(url, c, ms));
      if (wrkVersion !== undefined) rows.push(await viaWrk(url, c, ms));
    }
  } finally {
    child.disconnect();
  }
  const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
  console.log('');
  console.log('| concurrency | client | requests/s | p50 ms | p99 ms | note |');
  console.log('|---:|---|---:|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.concurrency} | ${r.client} | ${fmt(r.requestsPerSec, 0)} | ${fmt(r.p50Ms, 3)} | ${fmt(r.p99Ms, 3)} | ${r.note ?? ''} |`);
  console.log('');
  console.log(
    'Latency: infdbg and fetch time each request from issuing it to the last body byte (performance.now, exact percentiles of every sample). ' +
      'wrk times from writing the request to the parsed response, per connection, and prints percentiles from its own histogram ' +
      '(no coordinated-omission correction; that is wrk2). All three are closed loops: one request in flight per connection.',
  );
}

if (process.argv.includes('--serve')) serve();
else await main();
