// Builds small in-memory datasets for the drift tests.
import type { Column } from '../../src/data/column.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { seededRandom } from '../support/seeded-random.ts';

export type Cells = Array<number | string | null>;

/** A dataset from named columns of cells (null = missing); numbers-only columns are numeric. */
export function dataset(source: string, columns: Record<string, Cells>): Dataset {
  const out = new Map<string, Column>();
  let rows = 0;
  for (const [name, cells] of Object.entries(columns)) {
    rows = Math.max(rows, cells.length);
    const present = cells.filter((c) => c !== null);
    const missing = cells.length - present.length;
    if (present.every((c) => typeof c === 'number')) {
      out.set(name, { kind: 'numeric', values: Float64Array.from(present as number[]), missing });
    } else {
      const counts = new Map<string, number>();
      for (const c of present) counts.set(String(c), (counts.get(String(c)) ?? 0) + 1);
      out.set(name, { kind: 'categorical', counts, missing, exampleText: present.find((c) => typeof c === 'string') as string });
    }
  }
  return { source, format: 'csv', rows, columnNames: Object.keys(columns), columns: out, malformed: { rows: 0 } };
}

/** n normal draws with the given mean and standard deviation (Box–Muller). */
export function normal(n: number, mean: number, sd: number, seed: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}
