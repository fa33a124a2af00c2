// What `model --layers` costs against a plain run, on a 100-node model: 50 MatMul (256×256) +
// Relu pairs on a [64, 256] input, written with test/support/onnx-builder.ts. "plain" is one
// session.run of the original model; "layers" is one run of the rewritten model (every node
// output exposed) plus the per-layer statistics (src/model/layer-stats.ts), which is what
// --layers adds. Sessions are created before the clock starts; medians over the runs.
// "layers run alone" and "statistics alone" split the added cost between onnxruntime (100 outputs
// allocated and copied out) and the JavaScript pass over them.
// Run: node bench/model-layers.ts [runs]   (default 30)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { analyseLayers, exposeIntermediates } from '../src/model/layer-stats.ts';
import { decodeModel, encodeModel } from '../src/model/onnx-model.ts';
import { buildModel, ELEM } from '../test/support/onnx-builder.ts';

const runs = Number(process.argv[2] ?? 30);
const WIDTH = 256;
const BATCH = 64;
const dir = await mkdtemp(join(tmpdir(), 'infdbg-bench-layers-'));
try {
  let s = 7;
  const w = () => Float32Array.from({ length: WIDTH * WIDTH }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) / 8);
  const nodes = Array.from({ length: 100 }, (_, i) => {
    const input = i === 0 ? 'x' : `t${i - 1}`;
    const output = i === 99 ? 'y' : `t${i}`;
    return i % 2 === 0 ? { opType: 'MatMul', inputs: [input, `w${i}`], outputs: [output] } : { opType: 'Relu', inputs: [input], outputs: [output] };
  });
  const path = join(dir, 'chain-100.onnx');
  await writeFile(
    path,
    buildModel({
      inputs: [{ name: 'x', elemType: ELEM.float, dims: [BATCH, WIDTH] }],
      outputs: [{ name: 'y', elemType: ELEM.float, dims: [BATCH, WIDTH] }],
      initializers: Array.from({ length: 50 }, (_, k) => ({ name: `w${2 * k}`, dims: [WIDTH, WIDTH], values: w() })),
      nodes,
    }),
  );
  const model = decodeModel(await readFile(path), 'chain-100.onnx');
  const exposed = exposeIntermediates(model);
  const layersPath = join(dir, 'chain-100-layers.onnx');
  await writeFile(layersPath, encodeModel(exposed.model));
  const plain = await ort.InferenceSession.create(path);
  const layers = await ort.InferenceSession.create(layersPath);
  const feeds = { x: new ort.Tensor('float32', Float32Array.from({ length: BATCH * WIDTH }, (_, i) => Math.sin(i)), [BATCH, WIDTH]) };
  for (let i = 0; i < 5; i++) {
    await plain.run(feeds);
    await layers.run(feeds);
  }
  const a: number[] = [];
  const b: number[] = [];
  const runOnly: number[] = [];
  const statsOnly: number[] = [];
  let exposedCount = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await plain.run(feeds);
    a.push(performance.now() - t);
    t = performance.now();
    const all = await layers.run(feeds);
    runOnly.push(performance.now() - t);
    const t2 = performance.now();
    const analysis = analyseLayers(exposed.nodes, all, feeds, () => undefined);
    statsOnly.push(performance.now() - t2);
    b.push(performance.now() - t);
    exposedCount = analysis.layers.length;
  }
  const median = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
  console.log(`node ${process.version}, onnxruntime-node ${ort.env.versions.common}, 100 nodes (${exposedCount} outputs exposed), input [${BATCH}, ${WIDTH}], ${runs} runs (median)`);
  console.log(`plain run                 ${median(a).toFixed(2).padStart(8)} ms`);
  console.log(`--layers run alone         ${median(runOnly).toFixed(2).padStart(8)} ms`);
  console.log(`statistics alone          ${median(statsOnly).toFixed(2).padStart(8)} ms`);
  console.log(`--layers run + statistics ${median(b).toFixed(2).padStart(8)} ms`);
  console.log(`ratio ${(median(b) / median(a)).toFixed(2)} (target ≤ 3)`);
  await plain.release();
  await layers.release();
} finally {
  await rm(dir, { recursive: true, force: true });
}
