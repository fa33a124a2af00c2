// What the diagnosis engine adds to a report: loading the causes catalogue (once per process) and
// ranking every cause over a pooled investigation's observations (every report), against the
// issue's budget of 5 ms per report. Run: `npx node bench/diagnosis.ts [--observations 400]`.
import { performance } from 'node:perf_hooks';
import { defaultCauses } from '../src/diagnosis/causes.ts';
import { pooledHypotheses } from '../src/diagnosis/diagnose.ts';
import type { Observation } from '../src/diagnosis/observation.ts';
import { emptyResult } from '../src/report/model.ts';

const BUDGET_MS = 5;
const at = process.argv.indexOf('--observations');
const count = at >= 0 ? Number(process.argv[at + 1]) : 400;

const t0 = performance.now();
const causes = defaultCauses();
const loadMs = performance.now() - t0;

// Every observation name the catalogue looks for, with values spread around its thresholds, and
// many subjects (features, GPUs, signatures): a larger investigation than any real one.
const clues = causes.flatMap((c) => [...c.supports, ...c.contradicts]);
const observations: Observation[] = Array.from({ length: count }, (_, i) => {
  const clue = clues[i % clues.length]!;
  const threshold = clue.above ?? clue.atLeast ?? clue.below ?? clue.atMost;
  const value = clue.is !== undefined ? clue.is : clue.in ? clue.in[0]! : (threshold ?? 1) * (i % 2 ? 1.5 : 0.5);
  return { name: clue.obs, value, unit: 'x', subject: `s${i % 37}`, source: `d${i % 6}`, text: `${clue.obs} = ${String(value)}`, sampleSize: 1000 };
});
const results = Array.from({ length: 6 }, (_, d) => ({ ...emptyResult(`d${d}`, `d${d}`), observations: observations.filter((o) => o.source === `d${d}`) }));

const times: number[] = [];
let listed = 0;
for (let i = 0; i < 300; i++) {
  const s = performance.now();
  listed = pooledHypotheses(results).length;
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(`causes: ${causes.length} in the catalogue, ${clues.length} clues; observations: ${observations.length} from 6 diagnostics; causes listed: ${listed}`);
console.log(`catalogue load (once per process): ${loadMs.toFixed(1)} ms`);
console.log(`ranking per report: median ${q(0.5).toFixed(3)} ms, p90 ${q(0.9).toFixed(3)} ms, p99 ${q(0.99).toFixed(3)} ms (GC pauses included) — budget ${BUDGET_MS} ms: median ${q(0.5) < BUDGET_MS ? 'within' : 'OVER'}`);
