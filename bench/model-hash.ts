// How fast `model` hashes a large model file: src/model/model-identity.ts hashFile (a stream of
// 4 MiB chunks through node:crypto) against coreutils `sha256sum` on the same file in the same
// run, alternating, so both see the same page cache. The file is written once (1 GiB of
// pseudo-random bytes) into the temp folder and deleted after.
// Run: node bench/model-hash.ts [GiB] [runs]   (default 1 GiB, 3 runs each)
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashFile } from '../src/model/model-identity.ts';

const gib = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 3);
const dir = await mkdtemp(join(tmpdir(), 'infdbg-bench-hash-'));
const file = join(dir, 'model.bin');
try {
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  const out = createWriteStream(file);
  for (let written = 0; written < gib * 1024 ** 3; written += chunk.length) {
    randomFillSync(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));

  const ours: number[] = [];
  const theirs: number[] = [];
  let agree = true;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const r = spawnSync('sha256sum', [file], { encoding: 'utf8' });
    theirs.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
    t = performance.now();
    const { sha256 } = await hashFile(file);
    ours.push(performance.now() - t);
    agree &&= r.stdout.split(' ')[0] === sha256;
  }
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
  const a = median(ours);
  const b = median(theirs);
  console.log(`node ${process.version}, ${gib} GiB file, ${runs} runs each (median)`);
  console.log(`hashFile (infdbg model)  ${a.toFixed(0).padStart(6)} ms  ${((gib * 1024) / (a / 1000)).toFixed(0)} MiB/s`);
  console.log(`sha256sum                ${b.toFixed(0).padStart(6)} ms  ${((gib * 1024) / (b / 1000)).toFixed(0)} MiB/s`);
  console.log(`ratio ${(a / b).toFixed(2)} (target ≤ 1.2); digests ${agree ? 'agree' : 'DIFFER'}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
