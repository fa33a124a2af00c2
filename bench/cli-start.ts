// How long `infdbg help`, `--version` and a command's `--help` take, whole process (spawn to
// exit), with Node 24 from the `node` devDependency; and, for contrast, the same help when every
// module is loaded up front (src/main/cli.ts) and through `npx` (npm's own start added).
// Run: npm run bench:cli-start   (or node bench/cli-start.ts [runs], default 20)
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] ?? 20);

function time(label: string, file: string, args: string[], n = runs): void {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = spawnSync(file, args, { encoding: 'utf8' });
    ms.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(0);
  console.log(`${label.padEnd(44)} median ${q(0.5).padStart(5)} ms   p90 ${q(0.9).padStart(5)} ms   (${n} runs)`);
}

const node = process.execPath;
console.log(`node ${process.version}, ${runs} runs each, whole process`);
time('node bin/infdbg.js help', node, ['bin/infdbg.js', 'help']);
time('node bin/infdbg.js --version', node, ['bin/infdbg.js', '--version']);
time('node bin/infdbg.js drift --help', node, ['bin/infdbg.js', 'drift', '--help']);
time('node -e 0 (Node itself)', node, ['-e', '0']);
time('every module up front: node src/main/cli.ts help', node, ['src/main/cli.ts', 'help'], Math.min(runs, 5));
time('npx infdbg help (npm\'s start added)', 'npx', ['--no-install', 'infdbg', 'help'], Math.min(runs, 5));
