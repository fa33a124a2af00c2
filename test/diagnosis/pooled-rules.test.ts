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

describe('what was reported comes first', () => {
  const drift = o('drift', 'drift.cyclic_shift', 1, 'h', 'upload_hour turned +1 h around a cycle of 24', 'upload_hour');
  const drifted = o('drift', 'drift.feature_drifted', 'location', 'label', 'upload_hour drifted (location)', 'upload_hour');
  const errors = o('health', 'errors.rate', 0.235, 'ratio', 'error rate 23.5 % (40 of 170)');
  const withErrors = [drift, drifted, { ...errors, sampleSize: 170 }];
  it('with 5xx reported, the errors cause ranks before a stronger drifted feature, which stays listed', () => {
    const reported = o('investigate', 'symptom.category', 'errors', 'label', 'the symptoms name a errors problem');
    const ranked = rankCauses([...withErrors, reported], causes);
    expect(ranked[0]?.cause).toBe('errors-in-service');
    expect(ranked.map((h) => h.cause)).toContain('feature-location-shift');
  });
  it('without a report, the ranking is by the evidence alone', () => {
    const ranked = rankCauses(withErrors, causes);
    expect(ranked[0]?.cause).toBe('feature-location-shift');
  });
});
