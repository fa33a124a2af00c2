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
});
