// Pooled investigations: several diagnostics of one incident, each seeing part of the fault, and
// ONE ranking over all their observations (as `/debug investigate` builds it). Each piece runs on
// the same injected targets as the single-diagnostic scenarios (the sample model server, recorded
// nvidia-smi text, the Kubernetes stand-in, composed logs); what is tested here is that evidence
// from different diagnostics meets in one list and the cause that explains all of it comes first.
import { diffusionWorkerPod, fixtureText, llmServerScenario, rankerScenario } from '../../test/support/kube-api-stand-in.ts';
import type { Scenario } from '../scenario.ts';
import { changesOn } from './changes.ts';
import { editGpu, gpuOnSmi, H100_UUID, recorded } from './gpu.ts';
import { onServer } from './health.ts';
import { runOnLog, stamped, traffic } from './logs.ts';
import { oomOn } from './oom.ts';

/** The diffusion worker's CUDA OOM, as its previous log (the one `oom` reads) records it. */
const WORKER_OOM = fixtureText('logs-previous-worker.txt').split('\n').find((l) => l.includes('OutOfMemoryError'))!;

/** Every piece of an investigation at once, as the flow runs them. */
const together = async (...pieces: Array<Promise<unknown>>) => (await Promise.all(pieces)).flat() as Awaited<ReturnType<Scenario['run']>>;

/** The H100 recording with a host process holding 40 GiB next to the server. */
function foreignProcessSmi() {
  const t = recorded();
  t.gpu = editGpu(t.gpu, { 'memory.used': '60653', 'memory.free': '20426' });
  t.apps += `3120, python3, ${H100_UUID}, 40960\n`;
  return t;
}

export const scenarios: Scenario[] = [
  {
    name: 'investigate-spikes-and-foreign-gpu-process',
    injected: '5 % of requests 300 ms slower (health sees tail spikes) while a host process holds 40 GiB of the GPU (gpu sees it)',
    expect: 'gpu-foreign-process',
    reported: ['p99', 'spikes'],
    run: () => together(onServer({ inject: { spikeProbability: 0.05, spikeLatencyMs: 300 }, traffic: { concurrency: 6 } }), gpuOnSmi(foreignProcessSmi())),
  },
  {
    name: 'investigate-errors-after-new-image',
    injected: '8 % of requests fail (health) on pods of a new image rolled out 15 min ago whose pods restart (changes)',
    expect: 'deploy-new-image',
    reported: ['errors'],
    deterministic: true,
    run: () => together(onServer({ faults: { errorRate: 0.08 }, traffic: { concurrency: 3 } }), changesOn(rankerScenario('new-image'))),
  },
  {
    name: 'investigate-slower-after-config-change',
    injected: 'every request 200 ms slower than the last healthy run (health) after a configuration-only revision (changes)',
    expect: 'config-change',
    reported: ['slow'],
    deterministic: true,
    run: () => together(onServer({ baselineFirst: true, inject: { addedLatencyMs: 200 }, traffic: { concurrency: 8 } }), changesOn(rankerScenario('config-only'))),
  },
  {
    name: 'investigate-oom-logs-and-fragmentation',
    injected: 'the pod logs a CUDA OOM then 5xx (logs) and the OOM numbers show 40 GiB reserved but unallocated (oom)',
    expect: 'allocator-fragmentation',
    reported: ['oom', 'errors'],
    deterministic: true,
    run: () =>
      together(
        // The worker's own OOM message, the one `oom` reads from its previous log.
        runOnLog('pooled-oom', stamped([[0, 'INFO starting'], ...traffic(1, 120), [120, WORKER_OOM], ...traffic(121, 140, 1, '503 Service Unavailable')])),
        oomOn({ ...llmServerScenario(), pods: [diffusionWorkerPod()], metricsApi: false }, 'diffusion-worker-5b7d9c8f6-q4n8z'),
      ),
  },
  {
    name: 'investigate-healthy-everything',
    injected: 'nothing: a warm server, the recorded H100 serving normally, a deployment quiet for days — "slow" reported all the same',
    expect: null,
    reported: ['slow'],
    deterministic: true,
    run: () => together(onServer({ traffic: { concurrency: 2 } }), gpuOnSmi(recorded()), changesOn(rankerScenario('quiet'))),
  },
  {
    name: 'investigate-leak-seen-by-health-only',
    injected: '1 MiB retained per request (health), GPU and deployment unremarkable',
    expect: 'memory-leak-per-request',
    reported: ['memory'],
    run: () => together(onServer({ inject: { memoryGrowthBytesPerRequest: 1024 * 1024 }, traffic: { concurrency: 2, gapMs: 5 } }), gpuOnSmi(recorded()), changesOn(rankerScenario('quiet'))),
  },
];
