// A dataset as the drift diagnostic holds it after reading a file: columns by name (numeric as
// Float64Array, categorical as counts) plus what the reader had to skip, so a report can say so.
import type { Column } from './column.ts';
import { ColumnBuilder } from './column.ts';
import { InputError } from '../core/errors.ts';

export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export interface Dataset {
  /** The path or URL as shown to users (query string and credentials removed). */
  source: string;
  format: DataFormat;
  /** Data rows read; malformed rows are not counted. */
  rows: number;
  /** Every column name in the file, in file order. */
  columnNames: string[];
  /** The columns that were read (all, or the requested ones present in the file). */
  columns: Map<string, Column>;
  /** Rows skipped because they could not be read (wrong number of fields, invalid JSON). */
  malformed: { rows: number; firstLine?: number; reason?: string };
}

/** What every reader accepts. */
export interface ReaderOptions {
  /** Shown in messages: the path or the redacted URL. */
  source: string;
  /** Read only these columns (others are listed in `columnNames` but not parsed). Default: all. */
  columns?: ReadonlySet<string> | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Malformed rows tolerated: they are skipped and counted, and the file is rejected only when more
 * than this share of its rows (and more than MIN_MALFORMED_TO_REJECT rows) are malformed.
 */
export const MAX_MALFORMED_SHARE = 0.01;
export const MIN_MALFORMED_TO_REJECT = 10;

/** Tracks skipped rows and applies the tolerance rule at the end of a file. */
export class MalformedRows {
  rows = 0;
  firstLine: number | undefined;
  reason: string | undefined;

  skip(line: number, reason: string): void {
    this.rows++;
    if (this.firstLine === undefined) {
      this.firstLine = line;
      this.reason = reason;
    }
  }

  /** Throws InputError when the file has too many malformed rows to trust. */
  check(source: string, goodRows: number): Dataset['malformed'] {
    const total = goodRows + this.rows;
    if (this.rows > MIN_MALFORMED_TO_REJECT && this.rows > MAX_MALFORMED_SHARE * total) {
      throw new InputError(
        `${source}: ${this.rows} of ${total} rows are malformed (first at line ${this.firstLine}: ${this.reason}); at most ${MAX_MALFORMED_SHARE * 100}% are skipped`,
      );
    }
    return this.rows === 0 ? { rows: 0 } : { rows: this.rows, firstLine: this.firstLine!, reason: this.reason! };
  }
}

/** Column name → builder for the columns selected to be read. */
export function selectedBuilders(names: readonly string[], selection: ReadonlySet<string> | undefined): Map<string, ColumnBuilder> {
  const builders = new Map<string, ColumnBuilder>();
  for (const name of names) if (!selection || selection.has(name)) builders.set(name, new ColumnBuilder());
  return builders;
}

export function finishColumns(builders: Map<string, ColumnBuilder>, rows: number): Map<string, Column> {
  const columns = new Map<string, Column>();
  for (const [name, b] of builders) {
    if (b.cells < rows) b.addMissing(rows - b.cells);
    columns.set(name, b.finish());
  }
  return columns;
}
