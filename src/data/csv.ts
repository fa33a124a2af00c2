// CSV (RFC 4180) straight into columns: bytes are scanned once, fields are located by offsets and
// numbers parsed from the bytes, so a million-row file never becomes a million row objects.
// Quoted fields (with "" escapes and line breaks), CRLF, LF or CR line ends and a UTF-8 BOM are
// handled; blank lines are skipped; rows with the wrong number of fields are skipped and counted.
import type { ColumnBuilder } from './column.ts';
import { finishColumns, MalformedRows, selectedBuilders, type Dataset, type ReaderOptions } from './dataset.ts';
import { InputError } from '../core/errors.ts';

export interface CsvReadOptions extends ReaderOptions {
  /** Field separator. Default ','. */
  delimiter?: ',' | '\t';
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const FIELD_UNQUOTED = 0;
const FIELD_QUOTED = 1;
const FIELD_ESCAPED = 2;

/** Reads CSV from byte chunks (a file stream, a response body) into columns. */
export async function readCsv(chunks: AsyncIterable<Uint8Array>, options: CsvReadOptions): Promise<Dataset> {
  const parser = new CsvParser(options);
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    parser.push(chunk);
  }
  return parser.end();
}

class CsvParser {
  private readonly delimiter: number;
  private readonly options: CsvReadOptions;
  private carry: Buffer | undefined;
  private scratch: Buffer | undefined;
  private atStart = true;
  /** Physical line number where the next record starts. */
  private line = 1;
  private header: string[] | undefined;
  private targets: Array<ColumnBuilder | undefined> = [];
  private builders = new Map<string, ColumnBuilder>();
  private rows = 0;
  private readonly malformed = new MalformedRows();
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private kinds = new Uint8Array(64);
  /** The number each unquoted field holds, NaN when it is not a plain decimal. */
  private numbers = new Float64Array(64);

  constructor(options: CsvReadOptions) {
    this.options = options;
    this.delimiter = (options.delimiter ?? ',').charCodeAt(0);
  }

  push(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) buf = this.joined(this.carry, buf);
    if (this.atStart) {
      if (buf.length < 3) {
        this.carry = buf;
        return;
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      this.atStart = false;
    }
    const consumed = this.parse(buf, false);
    this.carry = consumed < buf.length ? buf.subarray(consumed) : undefined;
  }

  /**
   * The unfinished record of the last chunk followed by the new chunk, in one buffer that is
   * reused from chunk to chunk (the carry may sit inside it: it is moved to the front first).
   * Nothing parsed keeps a reference into it: fields become numbers or copied strings.
   */
  private joined(carry: Buffer, chunk: Buffer): Buffer {
    const need = carry.length + chunk.length;
    if (!this.scratch || this.scratch.length < need) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * chunk.length)); // its own memory, not the shared pool
      carry.copy(grown, 0);
      this.scratch = grown;
    } else if (carry.buffer === this.scratch.buffer) {
      const from = carry.byteOffset - this.scratch.byteOffset;
      this.scratch.copyWithin(0, from, from + carry.length);
    } else {
      carry.copy(this.scratch, 0);
    }
    chunk.copy(this.scratch, carry.length);
    return this.scratch.subarray(0, need);
  }

  end(): Dataset {
    if (this.carry) {
      let buf = this.carry;
      if (this.atStart && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      this.parse(buf, true);
    }
    if (!this.header) throw new InputError(`${this.options.source}: the file is empty (no header row)`);
    return {
      source: this.options.source,
      format: this.options.delimiter === '\t' ? 'tsv' : 'csv',
      rows: this.rows,
      columnNames: this.header,
      columns: finishColumns(this.builders, this.rows),
      malformed: this.malformed.check(this.options.source, this.rows),
    };
  }

  /** Parses whole records from `buf`; returns the offset of the first byte not consumed. */
  private parse(buf: Buffer, final: boolean): number {
    const len = buf.length;
    const delim = this.delimiter;
    let pos = 0;
    while (pos < len) {
      const recordStart = pos;
      let fields = 0;
      let lineBreaks = 0;
      let problem: string | undefined;
      for (;;) {
        if (fields === this.starts.length) this.growFieldArrays();
        if (pos < len && buf[pos] === QUOTE) {
          let q = pos + 1;
          let escaped = false;
          for (;;) {
            q = buf.indexOf(QUOTE, q);
            if (q === -1 || (q + 1 === len && !final)) {
              if (!final) return recordStart;
              throw new InputError(`${this.options.source}: line ${this.line}: a quoted field is never closed`);
            }
            if (buf[q + 1] === QUOTE) {
              escaped = true;
              q += 2;
              continue;
            }
            break;
          }
          for (let i = buf.indexOf(LF, pos + 1); i !== -1 && i < q; i = buf.indexOf(LF, i + 1)) lineBreaks++;
          this.starts[fields] = pos + 1;
          this.ends[fields] = q;
          this.kinds[fields] = escaped ? FIELD_ESCAPED : FIELD_QUOTED;
          fields++;
          pos = q + 1;
          if (pos < len && buf[pos] !== delim && buf[pos] !== LF && buf[pos] !== CR) {
            problem ??= 'text after a closing quote';
            while (pos < len && buf[pos] !== delim && buf[pos] !== LF && buf[pos] !== CR) pos++;
          }
        } else {
          // Read a number while looking for the field's end; text falls through to the scan.
          const start = pos;
          pos = scanDecimal(buf, pos, len, this.numbers, fields);
          let c = buf[pos];
          if (pos < len && c !== delim && c !== LF && c !== CR) {
            this.numbers[fields] = NaN;
            for (pos++; pos < len; pos++) {
              c = buf[pos];
              if (c === delim || c === LF || c === CR) break;
            }
          }
          this.starts[fields] = start;
          this.ends[fields] = pos;
          this.kinds[fields] = FIELD_UNQUOTED;
          fields++;
        }
        if (pos >= len) {
          if (!final) return recordStart;
          break;
        }
        const c = buf[pos];
        if (c === delim) {
          pos++;
          continue;
        }
        if (c === CR) {
          if (pos + 1 === len && !final) return recordStart;
          pos++;
          if (pos < len && buf[pos] === LF) pos++;
        } else {
          pos++;
        }
        lineBreaks++;
        break;
      }
      this.record(buf, fields, problem);
      this.line += lineBreaks;
    }
    return pos;
  }

  private record(buf: Buffer, fields: number, problem: string | undefined): void {
    if (fields === 1 && this.ends[0] === this.starts[0] && this.kinds[0] === FIELD_UNQUOTED) return; // blank line
    if (!this.header) {
      this.setHeader(buf, fields);
      return;
    }
    if (problem !== undefined || fields !== this.header.length) {
      this.malformed.skip(this.line, problem ?? `${fields} fields, the header has ${this.header.length}`);
      return;
    }
    this.rows++;
    const targets = this.targets;
    const numbers = this.numbers;
    for (let i = 0; i < fields; i++) {
      const b = targets[i];
      if (!b) continue;
      const x = numbers[i]!;
      if (x === x && this.kinds[i] === FIELD_UNQUOTED) b.addNumber(x);
      else addCell(b, buf, this.starts[i]!, this.ends[i]!, this.kinds[i]!);
    }
  }

  private setHeader(buf: Buffer, fields: number): void {
    const names: string[] = [];
    for (let i = 0; i < fields; i++) {
      const name = fieldText(buf, this.starts[i]!, this.ends[i]!, this.kinds[i]!).trim() || `Unnamed: ${i}`;
      const earlier = names.indexOf(name);
      if (earlier !== -1) {
        throw new InputError(`${this.options.source}: column "${name}" appears twice in the header (columns ${earlier + 1} and ${i + 1})`);
      }
      names.push(name);
    }
    this.header = names;
    this.builders = selectedBuilders(names, this.options.columns);
    this.targets = names.map((n) => this.builders.get(n));
  }

  private growFieldArrays(): void {
    const n = this.starts.length * 2;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const kinds = new Uint8Array(n);
    const numbers = new Float64Array(n);
    numbers.set(this.numbers);
    starts.set(this.starts);
    ends.set(this.ends);
    kinds.set(this.kinds);
    this.starts = starts;
    this.ends = ends;
    this.kinds = kinds;
    this.numbers = numbers;
  }
}

function fieldText(buf: Buffer, start: number, end: number, kind: number): string {
  const s = buf.toString('utf8', start, end);
  return kind === FIELD_ESCAPED ? s.replaceAll('""', '"') : s;
}

function addCell(b: ColumnBuilder, buf: Buffer, start: number, end: number, kind: number): void {
  if (start === end) {
    b.addMissing();
    return;
  }
  if (kind !== FIELD_ESCAPED) {
    const x = parseDecimal(buf, start, end);
    if (x === x) {
      b.addNumber(x);
      return;
    }
  }
  b.addText(fieldText(buf, start, end, kind));
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses a plain decimal number (`-12`, `3.5`, `.5`, `1e-3`) straight from bytes; NaN when the
 * bytes are anything else (text, spaces, NaN, hex), which the caller then reads as text.
 */
export function parseDecimal(buf: Buffer, start: number, end: number): number {
  const out = new Float64Array(1);
  return scanDecimal(buf, start, end, out, 0) === end ? out[0]! : NaN;
}

/**
 * Reads the longest plain decimal number at `start` (before `end`) into `out[slot]` (NaN when
 * there is none) and returns where it stopped. Correctly rounded, like Number(): up to 15
 * significant digits with exponents within ±22 by exact double arithmetic (Clinger's fast path),
 * 16–19 digits with a fractional part by roundedQuotient (the usual shape of a float written in
 * full precision); anything else through Number().
 */
function scanDecimal(buf: Buffer, start: number, end: number, out: Float64Array, slot: number): number {
  let i = start;
  let c = buf[i]!;
  const negative = c === 45;
  if (negative || c === 43) i++;
  // value = (head·10^(significant−15) + tail)·10^exponent, head holding the first 15 significant digits
  let head = 0;
  let tail = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    digits++;
    if (significant < 15) {
      if (head !== 0 || d !== 0) significant++;
      head = head * 10 + d;
    } else if (++significant <= 19) {
      tail = tail * 10 + d;
    }
  }
  if (i < end && buf[i] === 46) {
    for (i++; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      digits++;
      exponent--;
      if (significant < 15) {
        if (head !== 0 || d !== 0) significant++;
        head = head * 10 + d;
      } else if (++significant <= 19) {
        tail = tail * 10 + d;
      }
    }
  }
  out[slot] = NaN;
  if (digits === 0) return i;
  if (i < end && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    c = buf[i]!;
    const expNegative = c === 45;
    if (expNegative || c === 43) i++;
    let e = 0;
    let expDigits = 0;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      expDigits++;
      if (e < 100_000) e = e * 10 + d;
    }
    if (expDigits === 0) return i;
    exponent += expNegative ? -e : e;
  }
  let value: number;
  if (significant <= 15 && exponent <= 22 && exponent >= -22) {
    value = exponent === 0 ? head : exponent > 0 ? head * POW10[exponent]! : head / POW10[-exponent]!;
  } else if (significant <= 19 && exponent < 0 && exponent >= -22) {
    value = roundedQuotient(head, significant - 15, tail, -exponent);
    if (value !== value) value = Math.abs(Number(buf.toString('latin1', start, i)));
  } else {
    value = Math.abs(Number(buf.toString('latin1', start, i)));
  }
  out[slot] = negative ? -value : value;
  return i;
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's splitting constant
const product = new Float64Array(2);
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** a·b exactly as product[0] + product[1] (Dekker's two-product; no overflow here). */
function twoProduct(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  product[0] = p;
  product[1] = ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * The double nearest to (head·10^tailDigits + tail) / 10^k, for head < 10^15, tailDigits ≤ 4,
 * k ≤ 22; NaN when it is too close to a rounding boundary to decide (the caller then uses Number()).
 * The integer numerator is held exactly as two doubles; a candidate quotient v is accepted when
 * the exact remainder numerator − v·10^k (two-product again) is within half an ulp of v times 10^k.
 */
export function roundedQuotient(head: number, tailDigits: number, tail: number, k: number): number {
  twoProduct(head, POW10[tailDigits]!);
  const p1 = product[0]!;
  const sum = p1 + tail;
  const back = sum - p1;
  const low = p1 - (sum - back) + (tail - back) + product[1]!; // integers below 2^12: exact
  const divisor = POW10[k]!;
  let v = (sum + low) / divisor;
  for (let attempt = 0; attempt < 3; attempt++) {
    bits[0] = v;
    if (words[0] === 0 && (words[1]! & 0xfffff) === 0) return NaN; // a power of two: the ulp below is smaller
    words[0] = (words[0]! + 1) >>> 0;
    if (words[0] === 0) words[1] = words[1]! + 1;
    const ulp = bits[0]! - v;
    twoProduct(v, divisor);
    const remainder = sum - product[0]! + (low - product[1]!);
    const half = (ulp / 2) * divisor;
    const margin = half * 1e-9;
    const distance = Math.abs(remainder);
    if (distance < half - margin) return v;
    if (distance <= half + margin) return NaN;
    v = remainder > 0 ? v + ulp : v - ulp;
  }
  return NaN;
}
