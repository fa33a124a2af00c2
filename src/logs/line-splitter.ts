// Bytes → lines for log streams of any size with bounded memory: a line longer than the cap is
// cut (the rest up to the newline is dropped) instead of being buffered whole, so a log without
// newlines cannot exhaust the worker. Synchronous per chunk: no promise per line.

/** Longest line kept, characters (UTF-16 units); the rest of a longer line is dropped. Default 64 KiB. */
export const MAX_LINE_CHARS = 64 * 1024;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while dropping the tail of an over-long line. */
  private dropping = false;
  private readonly maxBytes: number;

  constructor(maxLineChars = MAX_LINE_CHARS) {
    this.maxBytes = maxLineChars * 4; // worst case UTF-8 bytes for maxLineChars characters
  }

  /** Feeds one chunk; calls `onLine` for each complete line (without `\n` / `\r\n`). */
  write(chunk: Buffer | string, onLine: (line: string) => void): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (this.dropping) {
        this.dropping = false;
      } else if (this.pendingBytes > 0) {
        this.pending.push(buf.subarray(start, nl));
        onLine(this.decode(Buffer.concat(this.pending)));
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        onLine(this.decode(buf.subarray(start, nl)));
      }
      start = nl + 1;
    }
    if (start < buf.length && !this.dropping) {
      const rest = buf.subarray(start);
      this.pending.push(Buffer.from(rest)); // copy: the caller may reuse its chunk
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.maxBytes) {
        onLine(this.decode(Buffer.concat(this.pending)));
        this.pending = [];
        this.pendingBytes = 0;
        this.dropping = true;
      }
    }
  }

  /** Flushes a last line that had no trailing newline. */
  end(onLine: (line: string) => void): void {
    if (this.pendingBytes > 0 && !this.dropping) onLine(this.decode(Buffer.concat(this.pending)));
    this.pending = [];
    this.pendingBytes = 0;
    this.dropping = false;
  }

  private decode(bytes: Buffer): string {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    const s = bytes.toString('utf8', 0, Math.min(end, this.maxBytes));
    return s.length > this.maxBytes / 4 ? s.slice(0, this.maxBytes / 4) : s;
  }
}
