// The drift diagnostic's speed and memory next to scipy's, on the same data in the same run:
// KS on 1,000,000 vs 1,000,000 float64 values, and a 100-feature × 100,000-row dataset (reference
// and current), each timed in memory and end to end from CSV files on disk. The data is generated
// once (seeded) as CSV and as raw little-endian float64 (.f64, which numpy loads with fromfile).
// Every scenario runs in its own process so its peak RSS is its own; scipy's side is
// bench/drift-scipy.py (numpy.loadtxt for the CSV path: pandas is not installed here).
//
// Run: npx node bench/drift.ts [--dir /tmp/infdbg-bench-drift] [--repeat 3]
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Dataset } from '../src/data/dataset.ts';
import { readDataset } from '../src/data/source.ts';
import { compareDatasets } from '../src/drift/compare-datasets.ts';
import { ks2samp } from '../src/stats/ks.ts';
import { normedWasserstein } from '../src/stats/wasserstein.ts';
import { normalSamples, seededRandom } from '../test/support/seeded-random.ts';

const KS_N = 1_000_000;
const WIDE_ROWS = 100_000;
const WIDE_FEATURES = 100;
const SEED = 20261123;

const { values: args } = parseArgs({
  options: { dir: { type: 'string' }, repeat: { type: 'string' }, scenario: { type: 'string' } },
});
const dir = args.dir ?? join(tmpdir(), 'infdbg-bench-drift');
const repeat = Number(args.repeat ?? 3);

interface Measurement {
  /** Median seconds over the repeats. */
  seconds: number;
  maxRssMB: number;
  check: string;
}

// ---------- data ----------

async function writeCsv(path: string, header: string[], columns: Float64Array[]): Promise<void> {
  const out = createWriteStream(path);
  out.write(header.join(',') + '\n');
  const rows = columns[0]!.length;
  let buf = '';
  for (let r = 0; r < rows; r++) {
    let line = String(columns[0]![r]);
    for (let c = 1; c < columns.length; c++) line += ',' + String(columns[c]![r]);
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
}

/** Column-major float64: numpy reads it as fromfile(...).reshape(features, rows). */
function writeF64(path: string, columns: Float64Array[]): void {
  const all = new Float64Array(columns.length * columns[0]!.length);
  columns.forEach((c, i) => all.set(c, i * c.length));
  writeFileSync(path, new Uint8Array(all.buffer));
}

async function generate(): Promise<void> {
  const marker = join(dir, `generated-${SEED}`);
  if (existsSync(marker)) return;
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(SEED);
  const a = normalSamples(KS_N, 0, 1, random);
  const b = normalSamples(KS_N, 0.002, 1.002, random); // a barely moved distribution: a realistic "is it drift?" case
  writeF64(join(dir, 'ks-a.f64'), [a]);
  writeF64(join(dir, 'ks-b.f64'), [b]);
  await writeCsv(join(dir, 'ks-a.csv'), ['x'], [a]);
  await writeCsv(join(dir, 'ks-b.csv'), ['x'], [b]);
  const header = Array.from({ length: WIDE_FEATURES }, (_, i) => `f${i}`);
  for (const side of ['ref', 'cur'] as const) {
    // in the current data every 10th feature moved by 0.2 sd
    const cols = header.map((_, i) => normalSamples(WIDE_ROWS, side === 'cur' && i % 10 === 0 ? 0.2 : 0, 1 + (i % 7) / 10, random));
    writeF64(join(dir, `wide-${side}.f64`), cols);
    await writeCsv(join(dir, `wide-${side}.csv`), header, cols);
  }
  writeFileSync(marker, '');
}

function readF64(path: string, columns: number): Float64Array[] {
  const bytes = readFileSync(path);
  const all = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const rows = all.length / columns;
  return Array.from({ length: columns }, (_, i) => all.subarray(i * rows, (i + 1) * rows));
}

// ---------- scenarios (each in its own process) ----------

async function timed(fn: () => Promise<string> | string): Promise<Measurement> {
  const times: number[] = [];
  let check = '';
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    check = await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((x, y) => x - y);
  return { seconds: times[Math.floor(times.length / 2)]!, maxRssMB: peakRssMB(), check };
}

/**
 * This process's peak resident memory (VmHWM). Not getrusage's maxrss: Linux carries that over
 * fork and exec, so a child would report its parent's peak.
 */
function peakRssMB(): number {
  const kB = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kB) / 1024;
}

const read = (path: string): Promise<Dataset> => readDataset(path, { signal: new AbortController().signal, fetch: globalThis.fetch });

const scenarios: Record<string, () => Promise<Measurement>> = {
  async 'ks-memory'() {
    const [a] = readF64(join(dir, 'ks-a.f64'), 1);
    const [b] = readF64(join(dir, 'ks-b.f64'), 1);
    return timed(() => {
      const r = ks2samp(a!, b!);
      return `D=${r.statistic} p=${r.pValue}`;
    });
  },
  async 'ks-e2e'() {
    return timed(async () => {
      const [ref, cur] = await Promise.all([read(join(dir, 'ks-a.csv')), read(join(dir, 'ks-b.csv'))]);
      const f = (await compareDatasets(ref, cur, { test: 'ks' })).features[0]!;
      return `D=${f.statistic} p=${f.pValue}`;
    });
  },
  async 'wide-ks-memory'() {
    const ref = readF64(join(dir, 'wide-ref.f64'), WIDE_FEATURES);
    const cur = readF64(join(dir, 'wide-cur.f64'), WIDE_FEATURES);
    return timed(() => `drifted=${ref.filter((c, i) => ks2samp(c, cur[i]!).pValue < 0.05).length}`);
  },
  async 'wide-wasserstein-memory'() {
    const ref = readF64(join(dir, 'wide-ref.f64'), WIDE_FEATURES);
    const cur = readF64(join(dir, 'wide-cur.f64'), WIDE_FEATURES);
    return timed(() => `drifted=${ref.filter((c, i) => normedWasserstein(c, cur[i]!) >= 0.1).length}`);
  },
  async 'wide-ks-e2e'() {
    return timed(async () => {
      const [ref, cur] = await Promise.all([read(join(dir, 'wide-ref.csv')), read(join(dir, 'wide-cur.csv'))]);
      const c = await compareDatasets(ref, cur, { test: 'ks' });
      return `drifted=${c.features.filter((f) => f.drifted).length}`;
    });
  },
  async 'wide-auto-e2e'() {
    return timed(async () => {
      const [ref, cur] = await Promise.all([read(join(dir, 'wide-ref.csv')), read(join(dir, 'wide-cur.csv'))]);
      const c = await compareDatasets(ref, cur);
      return `drifted=${c.features.filter((f) => f.drifted).length} (${c.features[0]!.test})`;
    });
  },
};

// scipy's counterparts (bench/drift-scipy.py) for each scenario; undefined: no counterpart
const scipyScenario: Record<string, string> = {
  'ks-memory': 'ks-memory',
  'ks-e2e': 'ks-e2e',
  'wide-ks-memory': 'wide-ks-memory',
  'wide-wasserstein-memory': 'wide-wasserstein-memory',
  'wide-ks-e2e': 'wide-ks-e2e',
  'wide-auto-e2e': 'wide-wasserstein-e2e',
};

const LABELS: Record<string, string> = {
  'ks-memory': 'KS 1M vs 1M, in memory',
  'ks-e2e': 'KS 1M vs 1M, from CSV (2 × 19 MB)',
  'wide-ks-memory': '100 features × 100k rows, KS each, in memory',
  'wide-wasserstein-memory': '100 × 100k, normed Wasserstein each, in memory',
  'wide-ks-e2e': '100 × 100k, KS each, from CSV (2 × ~190 MB)',
  'wide-auto-e2e': '100 × 100k, automatic (Wasserstein), from CSV',
};

function runChild(cmd: string, cmdArgs: string[]): Measurement {
  const out = execFileSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measurement;
}

async function main(): Promise<void> {
  if (args.scenario) {
    const m = await scenarios[args.scenario]!();
    console.log(JSON.stringify(m));
    return;
  }
  const t0 = performance.now();
  await generate();
  console.log(`data in ${dir} (generated or reused in ${((performance.now() - t0) / 1000).toFixed(1)} s); median of ${repeat} runs per cell; node ${process.version}`);
  const scipyVersion = execFileSync('python3', ['-c', 'import scipy, numpy; print(scipy.__version__, numpy.__version__)'], { encoding: 'utf8' }).trim();
  console.log(`scipy ${scipyVersion.replace(' ', ', numpy ')}\n`);
  const rows: string[][] = [];
  for (const name of Object.keys(scenarios)) {
    const ours = runChild(process.execPath, [process.argv[1]!, '--scenario', name, '--dir', dir, '--repeat', String(repeat)]);
    const theirs = runChild('python3', ['bench/drift-scipy.py', scipyScenario[name]!, dir, String(repeat)]);
    rows.push([LABELS[name]!, ours.seconds.toFixed(3), theirs.seconds.toFixed(3), (theirs.seconds / ours.seconds).toFixed(2) + '×', ours.maxRssMB.toFixed(0), theirs.maxRssMB.toFixed(0), ours.check, theirs.check]);
  }
  const head = ['scenario', 'infdbg s', 'scipy s', 'speed-up', 'infdbg peak RSS MB', 'scipy peak RSS MB', 'infdbg result', 'scipy result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(head));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const r of rows) console.log(line(r));
}

await main();
