// The shipped causes catalogue: valid, and every observation it looks for is one some diagnostic
// in the registry declares (so a cause can actually be reached).
import { describe, expect, it } from 'vitest';
import { diagnostics } from '../../jobs/registry.ts';
import { defaultCauses, unknownObservations } from '../../src/diagnosis/causes.ts';
import { TARGET_VOCABULARY } from '../../src/diagnosis/vocabulary.ts';

describe('causes catalogue', () => {
  it('loads, and refers only to observations a diagnostic emits', () => {
    const causes = defaultCauses();
    expect(causes.length).toBeGreaterThan(0);
    expect(unknownObservations(causes, [TARGET_VOCABULARY, ...diagnostics.map((d) => d.observes)])).toEqual([]);
  });

  it('gives every cause a measured clue strong enough to list it (weight 2 or more, not a reported symptom)', () => {
    // The engine lists a cause only when such a clue holds: one without any could never be named.
    const unreachable = defaultCauses()
      .filter((c) => !c.supports.some((s) => !s.obs.startsWith('symptom.') && s.weight >= 2))
      .map((c) => c.id);
    expect(unreachable).toEqual([]);
  });
});
