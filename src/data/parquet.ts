// Parquet into columns with hyparquet (pure JavaScript; uncompressed and Snappy pages). Only the
// requested columns are decoded, one row group at a time, so cancellation is honoured between
// row groups. Typed arrays (DOUBLE, FLOAT, INT32) go straight into the numeric columns.
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer } from 'hyparquet';
import { ColumnBuilder } from './column.ts';
import { addValue } from './jsonl.ts';
import { finishColumns, selectedBuilders, type Dataset, type ReaderOptions } from './dataset.ts';
import { InputError } from '../core/errors.ts';

/** Reads a Parquet file (local AsyncBuffer or downloaded bytes) into columns. */
export async function readParquet(file: AsyncBuffer, options: ReaderOptions): Promise<Dataset> {
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new InputError(`${options.source}: not a readable Parquet file (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const builders = selectedBuilders(names, options.columns);
  const rows = Number(metadata.num_rows);
  const columns = [...builders.keys()];
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    options.signal?.throwIfAborted();
    const rowEnd = rowStart + Number(group.num_rows);
    if (columns.length > 0) {
      try {
        await parquetRead({
          file,
          metadata,
          columns,
          rowStart,
          rowEnd,
          onChunk(chunk) {
            const b = builders.get(chunk.columnName);
            if (b) addChunk(b, chunk.columnData, Math.max(chunk.rowStart, rowStart) - chunk.rowStart, Math.min(chunk.rowEnd, rowEnd) - chunk.rowStart);
          },
        });
      } catch (err) {
        throw new InputError(`${options.source}: cannot decode Parquet rows ${rowStart}–${rowEnd} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
      }
    }
    rowStart = rowEnd;
  }
  return { source: options.source, format: 'parquet', rows, columnNames: names, columns: finishColumns(builders, rows), malformed: { rows: 0 } };
}

function addChunk(b: ColumnBuilder, data: ArrayLike<unknown>, from: number, to: number): void {
  if (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array) {
    for (let i = from; i < to; i++) b.addNumber(data[i]!);
    return;
  }
  for (let i = from; i < to; i++) addValue(b, data[i]);
}
