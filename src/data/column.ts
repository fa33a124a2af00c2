// One column of a dataset, held the way the drift statistics read it: a numeric column as a
// Float64Array of its present values, a categorical one as value → count. Cells are fed one at a
// time by the CSV, JSON Lines and Parquet readers; nothing is kept per row.

/**
 * Cell texts read as missing, after trimming: the defaults of pandas.read_csv (so a file reads the
 * same here as in a notebook), plus ±infinity, which drift tools drop like NaN.
 */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>',
  'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
  'inf', '-inf', '+inf', 'Inf', '-Inf', '+Inf', 'INF', '-INF', 'Infinity', '-Infinity', '+Infinity',
]);

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface NumericColumn {
  kind: 'numeric';
  /** Present, finite values in file order. */
  values: Float64Array;
  /** Cells that were empty, null, NaN or ±infinity. */
  missing: number;
}

export interface CategoricalColumn {
  kind: 'categorical';
  /** Value → rows. Number-like cells in a mixed column are written the way JavaScript prints the number. */
  counts: Map<string, number>;
  missing: number;
  /** A value that is not a number (for messages), undefined when every value was numeric. */
  exampleText: string | undefined;
}

export type Column = NumericColumn | CategoricalColumn;

/** Numbers are stored in blocks of this many values once a column outgrows its first, growing block. */
const BLOCK = 65_536;

/**
 * Accumulates one column's cells. Numeric until the first non-number; then categorical. Numbers
 * go into fixed-size blocks joined once at the end, block by block, so a column never needs twice
 * its size (as a doubling array would when it grows or is trimmed).
 */
export class ColumnBuilder {
  private blocks: Float64Array[] = [];
  private block = new Float64Array(1024);
  private used = 0;
  private counts: Map<string, number> | undefined;
  private exampleText: string | undefined;
  /** Cells seen so far (present or missing). */
  cells = 0;
  missing = 0;

  addNumber(x: number): void {
    this.cells++;
    if (!Number.isFinite(x)) {
      this.missing++;
      return;
    }
    if (this.counts) {
      increment(this.counts, String(x));
      return;
    }
    if (this.used === this.block.length) this.nextBlock();
    this.block[this.used++] = x;
  }

  /** A cell as text: missing tokens and decimal numbers are recognised, anything else is a category. */
  addText(raw: string): void {
    const s = raw.trim();
    if (MISSING_TOKENS.has(s)) {
      this.cells++;
      this.missing++;
    } else if (DECIMAL.test(s)) {
      this.addNumber(Number(s));
    } else {
      this.cells++;
      if (!this.counts) this.becomeCategorical(s);
      increment(this.counts!, s);
    }
  }

  addMissing(count = 1): void {
    this.cells += count;
    this.missing += count;
  }

  finish(): Column {
    if (this.counts) return { kind: 'categorical', counts: this.counts, missing: this.missing, exampleText: this.exampleText };
    return { kind: 'numeric', values: this.takeValues(), missing: this.missing };
  }

  private nextBlock(): void {
    if (this.block.length < BLOCK) {
      const grown = new Float64Array(this.block.length * 2);
      grown.set(this.block);
      this.block = grown;
    } else {
      this.blocks.push(this.block);
      this.block = new Float64Array(BLOCK);
      this.used = 0;
    }
  }

  /** All numbers in one array; the blocks are released as they are copied. */
  private takeValues(): Float64Array {
    const out = new Float64Array(this.blocks.length * BLOCK + this.used);
    let at = 0;
    for (let i = 0; i < this.blocks.length; i++) {
      out.set(this.blocks[i]!, at);
      at += BLOCK;
    }
    out.set(this.block.subarray(0, this.used), at);
    this.blocks = [];
    this.block = new Float64Array(0);
    this.used = 0;
    return out;
  }

  private becomeCategorical(example: string): void {
    this.exampleText = example;
    this.counts = numberCounts(this.takeValues());
  }
}

/** Value → count of numbers, keyed by JavaScript's printing of each number (sorts a copy, so O(n log n)). */
export function numberCounts(values: Float64Array): Map<string, number> {
  const sorted = values.slice().sort();
  const counts = new Map<string, number>();
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    counts.set(String(v), j - i);
    i = j;
  }
  return counts;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
