// Profile faults: the sample model server (examples/model-server) with a fault injected into one
// stage or its concurrency, profiled as `/debug profile <url>` would (a short closed-loop sweep);
// and ONNX models written by test/support/onnx-builder.ts, profiled as `/debug profile <model>`.
// Each names the cause the ranking must put first; the healthy server must stay quiet.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, type FaultsPatch } from '../../examples/model-server/server.ts';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { denseModel, elementwiseModel } from '../../test/support/onnx-builder.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';

/** One 32 ms clip of a 220 Hz tone: a valid /predict body. */
const BODY = JSON.stringify({ audio: Array.from({ length: 512 }, (_, i) => Number((0.4 * Math.sin((2 * Math.PI * 220 * i) / 16000)).toFixed(5))) });

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'eval-profile-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts the server with `faults`, runs `profile <url> <flags>` against it, stops it. */
function endpoint(faults: FaultsPatch, flags: string): () => Promise<DiagnosticResult[]> {
  return () =>
    withTemp(async (dir) => {
      const body = join(dir, 'body.json');
      await writeFile(body, BODY);
      const server = await startModelServer({ faults, random: seededRandom(7) });
      try {
        return [await runCommandLine(`profile ${server.url}/predict --body @${body} ${flags}`)];
      } finally {
        await server.close();
      }
    });
}

/** Writes `model` to a temp file and runs `profile <file> <flags>` on it. */
function model(bytes: Uint8Array, flags: string): () => Promise<DiagnosticResult[]> {
  return () =>
    withTemp(async (dir) => {
      const file = join(dir, 'model.onnx');
      await writeFile(file, bytes);
      return [await runCommandLine(`profile ${file} ${flags}`)];
    });
}

const SWEEP = '--concurrency 1,4,8 --iterations 150 --duration 1.5s';

export const scenarios: Scenario[] = [
  {
    name: 'profile-inference-spikes',
    injected: '5 % of requests wait 300 ms more in the inference stage',
    expect: 'stage-tail-spikes',
    run: endpoint({ stages: { inference: { spikeProbability: 0.05, spikeMs: 300 } } }, '--concurrency 1 --iterations 300 --duration 4s'),
  },
  {
    name: 'profile-queue-spikes',
    injected: '5 % of requests wait 400 ms more before any work (queue stage)',
    expect: 'stage-tail-spikes',
    run: endpoint({ spikeProbability: 0.05, spikeLatencyMs: 400 }, '--concurrency 1,4 --iterations 300 --duration 3s'),
  },
  {
    name: 'profile-preprocess-fixed-delay',
    injected: 'every request waits 40 ms in preprocessing (a slow lookup), at any load',
    expect: 'stage-fixed-delay',
    deterministic: true,
    run: endpoint({ stages: { preprocess: { delayMs: 40 } } }, SWEEP),
  },
  {
    name: 'profile-slow-inference',
    injected: 'model inference takes 60 ms per request',
    expect: 'slow-model-inference',
    deterministic: true,
    run: endpoint({ stages: { inference: { delayMs: 60 } } }, SWEEP),
  },
  {
    name: 'profile-saturation-cap',
    injected: 'one worker (concurrency cap 1) with 15 ms of inference: requests queue as load grows',
    expect: 'serving-saturated',
    deterministic: true,
    run: endpoint({ maxConcurrency: 1, stages: { inference: { delayMs: 15 } } }, SWEEP),
  },
  {
    name: 'profile-cpu-bound-preprocess',
    injected: 'preprocessing burns 8 ms of CPU per request',
    expect: 'cpu-bound-pre-post',
    run: endpoint({ stages: { preprocess: { cpuMs: 8 } } }, SWEEP),
  },
  {
    name: 'profile-preprocess-errors',
    injected: '10 % of requests fail with 500 in preprocessing, at any load',
    expect: 'stage-errors',
    run: endpoint({ stages: { preprocess: { errorRate: 0.1 } } }, '--concurrency 1,4 --iterations 300 --duration 2s'),
  },
  {
    name: 'profile-errors-under-load',
    injected: 'two workers, at most two requests waiting, 10 ms inference: the rest get 503 under load',
    expect: 'errors-under-load',
    run: endpoint({ maxConcurrency: 2, maxQueue: 2, stages: { inference: { delayMs: 10 } } }, SWEEP),
  },
  {
    name: 'profile-healthy-endpoint',
    injected: 'nothing: the sample server as shipped',
    expect: null,
    run: endpoint({}, '--concurrency 1,4,8 --iterations 400 --duration 1.5s'),
  },
  {
    name: 'profile-compute-bound-model',
    injected: 'a dense MatMul/Gemm model (width 2048, about a millisecond a run): all compute',
    expect: 'compute-bound-matmul',
    run: model(denseModel(2048), '--iterations 200 --duration 2s --batch-sizes 1,8'),
  },
  {
    name: 'profile-elementwise-model',
    injected: 'a model where one Pow over a large tensor takes nearly all kernel time',
    expect: 'elementwise-dominant',
    run: model(elementwiseModel(), '--iterations 100 --duration 2s --batch-sizes 1,4'),
  },
];
