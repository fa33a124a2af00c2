// `npm run eval [--repeat N] [name-filter]`: the fault-injection suite. Runs every scenario of
// eval/scenarios/*.ts, prints one row per scenario (injected cause, expected and actual top cause)
// and the score: top-1 and top-2 hit rates, controls that stayed quiet, and verdicts that changed
// between repeats. A development tool, not CI (it starts servers and waits on real traffic).
import { readdirSync } from 'node:fs';
import { score, type Outcome } from './outcome.ts';
import type { Scenario } from './scenario.ts';

async function loadScenarios(): Promise<Array<Scenario & { area: string }>> {
  const dir = new URL('./scenarios/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const all: Array<Scenario & { area: string }> = [];
  for (const f of files) {
    const mod = (await import(new URL(f, dir).href)) as { scenarios?: Scenario[] };
    for (const s of mod.scenarios ?? []) all.push({ ...s, area: f.replace(/\.ts$/, '') });
  }
  const names = new Set<string>();
  for (const s of all) {
    if (names.has(s.name)) throw new Error(`eval: scenario name "${s.name}" appears twice`);
    names.add(s.name);
  }
  return all;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--repeat');
  const repeat = at >= 0 ? Math.max(1, Number(args[at + 1]) || 1) : 1;
  const filter = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1))[0];
  const scenarios = (await loadScenarios()).filter((s) => !filter || s.name.includes(filter) || s.area === filter);
  const rows: Array<{ s: Scenario & { area: string }; outcomes: Array<Outcome | string> }> = [];
  for (const s of scenarios) {
    const outcomes: Array<Outcome | string> = [];
    for (let i = 0; i < repeat; i++) {
      try {
        outcomes.push(score(s.expect, await s.run(), s.reported));
      } catch (err) {
        outcomes.push(`error: ${err instanceof Error ? err.message : String(err)}`.replace(/\s+/g, ' ').slice(0, 160));
      }
    }
    rows.push({ s, outcomes });
    const first = outcomes[0]!;
    const shown = typeof first === 'string' ? first : `${first.pass ? 'PASS' : first.topTwo ? 'top2' : 'MISS'}  got ${first.top ?? '(none)'}${first.likelihood ? ` (${first.likelihood})` : ''}, 2nd ${first.second ?? '-'}, severity ${first.severity}`;
    process.stdout.write(`${s.area.padEnd(9)} ${s.name.padEnd(34)} expect ${(s.expect ?? '(healthy)').padEnd(28)} ${shown}\n`);
  }
  const runs = rows.flatMap((r) => r.outcomes);
  const ok = (o: Outcome | string): o is Outcome => typeof o !== 'string';
  const faults = rows.filter((r) => r.s.expect !== null).flatMap((r) => r.outcomes);
  const controls = rows.filter((r) => r.s.expect === null).flatMap((r) => r.outcomes);
  const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);
  const unstable = rows.filter((r) => new Set(r.outcomes.map((o) => (ok(o) ? `${o.top}|${o.pass}` : o))).size > 1);
  process.stdout.write(
    [
      '',
      `scenarios: ${rows.length} (${rows.filter((r) => r.s.expect !== null).length} faults, ${rows.filter((r) => r.s.expect === null).length} healthy controls), runs: ${runs.length}`,
      `faults: top-1 ${pct(faults.filter((o) => ok(o) && o.pass).length, faults.length)}, top-2 ${pct(faults.filter((o) => ok(o) && o.topTwo).length, faults.length)}`,
      `healthy controls quiet: ${pct(controls.filter((o) => ok(o) && o.pass).length, controls.length)}`,
      `errors: ${runs.filter((o) => !ok(o)).length}; verdicts that changed between repeats: ${unstable.length}${unstable.length ? ` (${unstable.map((r) => r.s.name).join(', ')})` : ''}`,
      '',
    ].join('\n'),
  );
  process.exitCode = 0;
}

await main();
