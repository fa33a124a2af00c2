// Rules of the shipped catalogue that only the combination of two diagnostics' evidence fires:
// each checked with the real catalogue over observations as those diagnostics word them.
import { describe, expect, it } from 'vitest';
import { defaultCauses } from '../../src/diagnosis/causes.ts';
import { rankCauses } from '../../src/diagnosis/engine.ts';
import type { Observation } from '../../src/diagnosis/observation.ts';

const o = (source: string, name: string, value: Observation['value'], unit: string, text: string, subject?: string): Observation => ({ source, name, value, unit, text, ...(subject ? { subject } : {}) });
const causes = defaultCauses();

describe('pooled rules', () => {
  const idleGpu = o('gpu', 'gpu.utilization', 0, 'ratio', 'GPU 0 utilization 0 %', 'GPU-7ad72e88');
  it('a GPU idle while p99 misses its objective points at the GPU not being used', () => {
    const ranked = rankCauses([idleGpu, o('health', 'latency.p99_vs_slo', 1.6, 'ratio', 'p99 80 ms is 1.6× the 50 ms objective')], causes);
    expect(ranked[0]?.cause).toBe('gpu-idle-service-slow');
    expect(ranked[0]?.evidence.join(' ')).toMatch(/GPU is idle .* while p99 misses its objective/);
  });
  it('an idle GPU alone is not a slow service', () => {
    const ranked = rankCauses([idleGpu], causes);
    expect(ranked.filter((h) => h.likelihood === 'high' || h.likelihood === 'medium').map((h) => h.cause)).not.toContain('gpu-idle-service-slow');
  });
});
