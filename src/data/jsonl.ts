// JSON Lines into columns: one JSON object per line; a key missing from a row, null, or a missing
// token ("", "NaN", …) counts as missing. Lines that are not a JSON object are skipped and counted.
import { ColumnBuilder } from './column.ts';
import { finishColumns, MalformedRows, type Dataset, type ReaderOptions } from './dataset.ts';
import { InputError } from '../core/errors.ts';

const LF = 10;

/** Reads JSON Lines from byte chunks into columns. */
export async function readJsonLines(chunks: AsyncIterable<Uint8Array>, options: ReaderOptions): Promise<Dataset> {
  const reader = new JsonLinesReader(options);
  let carry: Buffer | undefined;
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (carry) buf = Buffer.concat([carry, buf]);
    let start = 0;
    for (let nl = buf.indexOf(LF); nl !== -1; nl = buf.indexOf(LF, start)) {
      reader.line(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : undefined;
  }
  if (carry) reader.line(carry.toString('utf8'));
  return reader.end();
}

class JsonLinesReader {
  private readonly options: ReaderOptions;
  private readonly builders = new Map<string, ColumnBuilder>();
  /** Every key seen, in first-seen order. */
  private readonly names = new Set<string>();
  private readonly malformed = new MalformedRows();
  private lineNumber = 0;
  private rows = 0;

  constructor(options: ReaderOptions) {
    this.options = options;
  }

  line(text: string): void {
    this.lineNumber++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    let row: unknown;
    try {
      row = JSON.parse(trimmed);
    } catch (err) {
      this.malformed.skip(this.lineNumber, `invalid JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
      return;
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      this.malformed.skip(this.lineNumber, 'not a JSON object');
      return;
    }
    for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
      let b = this.builders.get(key);
      if (!b) {
        if (this.names.has(key)) continue; // known but not selected
        this.names.add(key);
        if (this.options.columns && !this.options.columns.has(key)) continue;
        b = new ColumnBuilder();
        b.addMissing(this.rows);
        this.builders.set(key, b);
      }
      addValue(b, value);
    }
    this.rows++;
    for (const b of this.builders.values()) if (b.cells < this.rows) b.addMissing();
  }

  end(): Dataset {
    if (this.rows === 0 && this.malformed.rows === 0) throw new InputError(`${this.options.source}: the file is empty (no JSON rows)`);
    return {
      source: this.options.source,
      format: 'jsonl',
      rows: this.rows,
      columnNames: [...this.names],
      columns: finishColumns(this.builders, this.rows),
      malformed: this.malformed.check(this.options.source, this.rows),
    };
  }
}

/** Adds one decoded value (JSON, Parquet) to a column. */
export function addValue(b: ColumnBuilder, value: unknown): void {
  switch (typeof value) {
    case 'number':
      b.addNumber(value);
      return;
    case 'bigint':
      b.addNumber(Number(value));
      return;
    case 'string':
      b.addText(value);
      return;
    case 'boolean':
      b.addText(String(value));
      return;
    case 'undefined':
      b.addMissing();
      return;
    default:
      if (value === null) b.addMissing();
      else if (value instanceof Date) b.addNumber(value.getTime());
      else b.addText(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  }
}
