// `infdbg drift` on 1,000,000 vs 1,000,000 rows from CSV, whole process (spawn to exit: Node's
// start, the imports, reading, the test, the report), against a Python process that reads the
// same files with numpy.loadtxt and runs scipy.stats.ks_2samp — the same work a person would
// otherwise script. One numeric column, barely moved (the case where startup dominated).
// Run: npx node bench/cli-drift.ts [runs]   (default 3; data generated once in $TMPDIR)
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { normalSamples, seededRandom } from '../test/support/seeded-random.ts';

const runs = Number(process.argv[2] ?? 3);
const ROWS = 1_000_000;
const dir = join(tmpdir(), 'infdbg-bench-cli-drift');

async function writeColumn(path: string, values: Float64Array): Promise<void> {
  const out = createWriteStream(path);
  out.write('x\n');
  for (let i = 0; i < values.length; i += 10_000) out.write(Array.from(values.subarray(i, i + 10_000), (v) => v.toPrecision(10)).join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

if (!existsSync(join(dir, 'b.csv'))) {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(20261201);
  await writeColumn(join(dir, 'a.csv'), normalSamples(ROWS, 0, 1, random));
  await writeColumn(join(dir, 'b.csv'), normalSamples(ROWS, 0.002, 1.002, random));
}

const SCIPY = `
import numpy as np, scipy.stats as st, sys
a = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
b = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
print("D=%r p=%r" % tuple(float(x) for x in st.ks_2samp(a, b)[:2]))`;

function median(label: string, file: string, args: string[]): number {
  const seconds: number[] = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    seconds.push((performance.now() - t) / 1000);
    if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
    out = r.stdout;
  }
  seconds.sort((a, b) => a - b);
  const m = seconds[Math.floor(seconds.length / 2)]!;
  const check = file === 'python3' ? out.trim() : (() => { const j = JSON.parse(out) as { features: Array<{ statistic: number; pValue: number }> }; return `D=${j.features[0]!.statistic} p=${j.features[0]!.pValue}`; })();
  console.log(`${label.padEnd(52)} median ${m.toFixed(2)} s (${seconds.map((s) => s.toFixed(2)).join(', ')})  ${check}`);
  return m;
}

const [a, b] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
console.log(`${ROWS.toLocaleString('en-US')} vs ${ROWS.toLocaleString('en-US')} rows, ${runs} runs each, whole process, node ${process.version}`);
const ours = median('infdbg drift a.csv b.csv --test ks --format json', process.execPath, ['bin/infdbg.js', 'drift', a, b, '--test', 'ks', '--format', 'json', '--charts-dir', join(dir, 'charts')]);
const theirs = median('python3: numpy.loadtxt + scipy.stats.ks_2samp', 'python3', ['-c', SCIPY, a, b]);
console.log(`ratio infdbg / numpy+scipy: ${(ours / theirs).toFixed(2)}  (target ≤ 0.5)`);
