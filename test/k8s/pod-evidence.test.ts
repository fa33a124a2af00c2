// How a container's OOM history reads: a kill minutes into a run against one hours into it, and
// what the instance that replaced it shows now (starting low again, or back at its limit after as long).
import { describe, expect, it } from 'vitest';
import { observer } from '../../src/diagnosis/observation.ts';
import { observePod, POD_VOCABULARY, type ContainerEvidence } from '../../src/k8s/pod-evidence.ts';

const NOW = Date.parse('2026-11-22T14:20:00Z');
const GiB = 2 ** 30;
const iso = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

function observed(runSeconds: number, ageSeconds: number, usedGiB: number) {
  const killedAt = ageSeconds + 10;
  const server: ContainerEvidence = {
    name: 'server',
    lastTermination: { reason: 'OOMKilled', exitCode: 137, startedAt: iso(killedAt + runSeconds), finishedAt: iso(killedAt) },
    restartCount: 3,
    waitingReason: null,
    memoryRequestBytes: 24 * GiB,
    memoryLimitBytes: 32 * GiB,
    memoryUsageBytes: usedGiB * GiB,
    gpuLimit: null,
    runningSince: iso(ageSeconds),
  };
  const obs = observePod(
    { pod: { namespace: 'ml', name: 'llm-server-0', node: 'gpu-node-3', phase: 'Running', restarts: 3 }, containers: [server], events: [], nodeConditions: [], haveMetrics: true, now: NOW },
    observer('oom', POD_VOCABULARY),
  );
  const value = (name: string) => obs.find((o) => o.name === name)?.value;
  return { refills: value('oom.refills_slowly'), again: value('oom.fills_again_each_run') };
}

describe('observePod: OOM kills across runs', () => {
  it('a kill 11 h into a run with the new instance back at its limit after 11 h is a climb that repeats each run', () => {
    expect(observed(11 * 3600, 11.1 * 3600, 31.1).again).toBe(true);
  });

  it('a new instance starting low again is the slow refill, not the repeated climb', () => {
    expect(observed(11 * 3600, 3 * 3600, 9)).toEqual({ refills: true, again: undefined });
  });

  it('a kill minutes into each run says nothing about a climb', () => {
    expect(observed(240, 300, 31.5).again).toBeUndefined();
  });
});
