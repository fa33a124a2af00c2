// The deterministic subset of the fault-injection suite (eval/scenarios/*.ts, `deterministic:
// true`): each injected fault must put its cause first, each healthy control must stay quiet.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { score } from '../../eval/outcome.ts';
import type { Scenario } from '../../eval/scenario.ts';

const dir = new URL('../../eval/scenarios/', import.meta.url);
const scenarios: Scenario[] = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
  const mod = (await import(new URL(f, dir).href)) as { scenarios?: Scenario[] };
  scenarios.push(...(mod.scenarios ?? []).filter((s) => s.deterministic));
}

describe('fault-injection suite, deterministic subset', () => {
  it('has scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });
  for (const s of scenarios) {
    it(`${s.name}: ${s.injected} → ${s.expect ?? 'healthy, no warning'}`, { timeout: 60_000 }, async () => {
      const outcome = score(s.expect, await s.run(), s.reported);
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ pass: true });
    });
  }
});
