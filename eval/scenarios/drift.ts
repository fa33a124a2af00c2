// Drift faults injected into generated data: a reference and a current sample of the same
// synthetic feature set (seeded, so every run writes the same files), with one fault applied to
// the current side, written to temporary CSV or JSON Lines files and run through `drift <ref>
// <cur>` exactly as a person would. Controls: the same distribution with different seeds, and a
// large sample whose tiny differences are statistically significant but not material.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticResult } from '../../src/report/model.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runCommandLine, type Scenario } from '../scenario.ts';

type Cell = number | string | null;
/** The synthetic feature set: a checkout-risk model's inputs. */
interface Row {
  age: Cell;
  basket_eur: Cell;
  session_s: Cell;
  latency_s: Cell;
  items: Cell;
  discount: Cell;
  country: Cell;
  device: Cell;
}
type Random = () => number;

const normal = (r: Random, mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const pick = <T>(r: Random, values: readonly T[], weights: readonly number[]): T => {
  let u = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < values.length; i++) if ((u -= weights[i]!) < 0) return values[i]!;
  return values[values.length - 1]!;
};
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

const COUNTRIES = ['de', 'fr', 'es', 'it', 'nl'] as const;
const COUNTRY_SHARES = [0.35, 0.25, 0.2, 0.12, 0.08];
const DEVICES = ['ios', 'android', 'web'] as const;

function baseRow(r: Random): Row {
  return {
    age: round(normal(r, 41, 11), 1),
    basket_eur: round(Math.exp(normal(r, 3.6, 0.5)), 2),
    session_s: round(Math.abs(normal(r, 180, 45)), 1),
    latency_s: round(Math.abs(normal(r, 0.21, 0.04)), 4),
    items: Math.max(1, Math.round(Math.abs(normal(r, 6, 3)))),
    discount: round(Math.min(0.6, Math.max(0, normal(r, 0.15, 0.08))), 3),
    country: pick(r, COUNTRIES, COUNTRY_SHARES),
    device: pick(r, DEVICES, [0.45, 0.4, 0.15]),
  };
}

/** `rows` rows from `seed`; `change` rewrites each current row (it gets the row and the same random source). */
function generate(rows: number, seed: number, change?: (row: Row, r: Random, i: number) => Row): Row[] {
  const r = seededRandom(seed);
  return Array.from({ length: rows }, (_, i) => {
    const row = baseRow(r);
    return change ? change(row, r, i) : row;
  });
}

function csv(rows: Row[]): string {
  const columns = Object.keys(rows[0]!) as Array<keyof Row>;
  return [columns.join(','), ...rows.map((row) => columns.map((c) => (row[c] === null ? '' : String(row[c]))).join(','))].join('\n') + '\n';
}

function jsonl(rows: Row[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

/** Writes both samples to a temporary directory, runs `drift` on them with `flags`, removes the files. */
async function runDrift(reference: Row[], current: Row[], format: 'csv' | 'jsonl' = 'csv', flags = ''): Promise<DiagnosticResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'infdbg-eval-drift-'));
  try {
    const write = format === 'csv' ? csv : jsonl;
    const ref = join(dir, `reference.${format}`);
    const cur = join(dir, `current.${format}`);
    await writeFile(ref, write(reference));
    await writeFile(cur, write(current));
    return [await runCommandLine(`drift ${ref} ${cur} ${flags}`.trim())];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const N = 2000;

export const scenarios: Scenario[] = [
  {
    name: 'drift-mean-shift',
    injected: 'basket_eur mean moved up by about 1.4 reference sd (a changed default / offset upstream); everything else stable',
    expect: 'feature-location-shift',
    deterministic: true,
    run: () => runDrift(generate(N, 11), generate(N, 12, (row) => ({ ...row, basket_eur: round((row.basket_eur as number) + 25, 2) }))),
  },
  {
    name: 'drift-variance-only',
    injected: 'session_s noisier: the same mean, 2.5× the standard deviation (a new sensor / noisier source)',
    expect: 'feature-variance-change',
    deterministic: true,
    run: () => runDrift(generate(N, 21), generate(N, 22, (row, r) => ({ ...row, session_s: round(180 + 2.5 * (normal(r, 180, 45) - 180), 1) }))),
  },
  {
    name: 'drift-new-category',
    injected: 'country gains a new market "pl" in about 8 % of current rows, which the encoder never saw',
    expect: 'unseen-category',
    deterministic: true,
    run: () => runDrift(generate(N, 31), generate(N, 32, (row, r) => ({ ...row, country: r() < 0.08 ? 'pl' : row.country })), 'jsonl'),
  },
  {
    name: 'drift-unit-change',
    injected: 'latency_s now sent in milliseconds (×1000) by the producer',
    expect: 'feature-unit-change',
    deterministic: true,
    run: () => runDrift(generate(N, 41), generate(N, 42, (row) => ({ ...row, latency_s: round((row.latency_s as number) * 1000, 1) }))),
  },
  {
    name: 'drift-broken-all-null',
    injected: 'discount no longer produced: every current value is null',
    expect: 'feature-pipeline-broken',
    deterministic: true,
    run: () => runDrift(generate(N, 51), generate(N, 52, (row) => ({ ...row, discount: null })), 'jsonl'),
  },
  {
    name: 'drift-broken-constant',
    injected: 'session_s filled with 0 for every row (a failed lookup falling back to a default)',
    expect: 'feature-pipeline-broken',
    deterministic: true,
    run: () => runDrift(generate(N, 61), generate(N, 62, (row) => ({ ...row, session_s: 0 }))),
  },
  {
    name: 'drift-missing-rising',
    injected: 'a join loses matches: basket_eur missing in 25 % of current rows (1 % in the reference)',
    expect: 'missing-values-rising',
    deterministic: true,
    run: () =>
      runDrift(
        generate(N, 71, (row, r) => ({ ...row, basket_eur: r() < 0.01 ? null : row.basket_eur })),
        generate(N, 72, (row, r) => ({ ...row, basket_eur: r() < 0.25 ? null : row.basket_eur })),
      ),
  },
  {
    name: 'drift-population-shift',
    injected: 'a new traffic source: younger customers, smaller baskets, shorter sessions, more mobile and Spanish traffic; each feature moves moderately',
    expect: 'population-shift',
    deterministic: true,
    run: () =>
      runDrift(
        generate(N, 81),
        generate(N, 82, (row, r) => ({
          ...row,
          age: round((row.age as number) - 5, 1),
          basket_eur: round((row.basket_eur as number) * 0.8, 2),
          session_s: round((row.session_s as number) - 25, 1),
          items: Math.max(1, (row.items as number) - 1),
          country: r() < 0.15 ? 'es' : row.country,
          device: r() < 0.25 ? 'android' : row.device,
        })),
      ),
  },
  {
    name: 'drift-standardised-at-serving',
    injected: 'serving standardises age ((x − mean) / sd) while the reference holds raw years',
    expect: 'training-serving-skew',
    deterministic: true,
    run: () => runDrift(generate(N, 91), generate(N, 92, (row) => ({ ...row, age: round(((row.age as number) - 41) / 11, 4) }))),
  },
  {
    name: 'drift-shape-bimodal',
    injected: 'session_s becomes bimodal (two client types) with the same mean and spread',
    expect: 'feature-shape-change',
    deterministic: true,
    run: () => runDrift(generate(N, 101), generate(N, 102, (row, r) => ({ ...row, session_s: round(180 + (r() < 0.5 ? -42 : 42) + normal(r, 0, 15), 1) }))),
  },
  {
    name: 'drift-one-segment',
    injected: 'the current window was queried for one country only (every row "de")',
    expect: 'sampling-problem',
    deterministic: true,
    run: () => runDrift(generate(N, 111), generate(600, 112, (row) => ({ ...row, country: 'de' }))),
  },
  {
    name: 'drift-healthy-same',
    injected: 'none: the same distribution, different seeds',
    expect: null,
    deterministic: true,
    run: () => runDrift(generate(N, 121), generate(N, 122)),
  },
  {
    name: 'drift-healthy-small',
    injected: 'none: the same distribution in 400 rows each (KS and chi-square tests), JSON Lines',
    expect: null,
    deterministic: true,
    run: () => runDrift(generate(400, 131), generate(400, 132), 'jsonl'),
  },
  {
    name: 'drift-healthy-large-significant',
    injected: 'none material: 60,000 rows, age +0.04 sd and basket ×1.01, country shares ±1 point — significant by KS, far below any effect threshold',
    expect: null,
    deterministic: true,
    run: () =>
      runDrift(
        generate(60_000, 141),
        generate(60_000, 142, (row, r) => ({
          ...row,
          age: round((row.age as number) + 0.45, 1),
          basket_eur: round((row.basket_eur as number) * 1.01, 2),
          country: r() < 0.01 ? 'de' : row.country,
        })),
        'csv',
        '--test ks',
      ),
  },
];
