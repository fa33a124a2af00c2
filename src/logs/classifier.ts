// Classifies a log stream against the signature catalogue in one pass with bounded memory: per
// signature a count, first/last seen (timestamp and line number), up to a few redacted sample
// lines and, for burst signatures (HTTP 5xx), how many bursts; plus the numbers of every GPU
// out-of-memory message. Hits come out in the order they first appeared, and the earliest
// cause-class hit is named: in a cascade (an OOM, then a 5xx burst) the first failure is the
// one that explains the rest. Most lines match nothing, so one combined keyword regex rejects
// them before any signature's own pattern runs.
import { parseCudaOom, type CudaOomEvent } from '../gpu/cuda-oom.ts';
import { defaultSignatures, type Catalogue, type Signature, type SignatureClass } from './catalogue.ts';
import { LineSplitter, MAX_LINE_CHARS } from './line-splitter.ts';
import { redactSecrets } from './redact.ts';
import { lineTimestamp } from './timestamp.ts';

export type LogSeverity = 'info' | 'warning' | 'critical';

export interface SignatureHit {
  id: string;
  /** `cause` or `symptom` (src/logs/signatures.yaml). */
  class: SignatureClass;
  category: string;
  /** The catalogue severity, or the burst severity when a burst was seen. */
  severity: LogSeverity;
  count: number;
  /** ISO time of the first/last matching line, null when those lines carry no timestamp. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** 1-based line numbers of the first/last matching line. */
  firstLine: number;
  lastLine: number;
  /** Up to `maxSamples` matching lines, secrets redacted, cut to `maxSampleChars`. */
  samples: string[];
  /** Bursts seen (burst signatures only). */
  bursts?: number;
  /** Matching lines that themselves announce a retry ("retrying in 1s", "attempt 1 of 3"): a failure the caller's retry policy took over. */
  retried: number;
  explanation: string;
  fixes: string[];
}

export interface LogClassification {
  lines: number;
  /** Characters read (≈ bytes for ASCII logs). */
  chars: number;
  /** In order of first appearance (by timestamp when every hit has one, else by line). */
  signatures: SignatureHit[];
  /** The earliest cause-class hit, or null when only symptoms (or nothing) matched. */
  firstCause: SignatureHit | null;
  /** Milliseconds between the first and the last timestamped line, null without two timestamps. */
  windowMs: number | null;
  /** GPU OOM messages with their numbers (first `maxOomEvents`), `line` redacted. */
  cudaOom: CudaOomEvent[];
  /** All GPU OOM messages seen, including those beyond `maxOomEvents`. */
  cudaOomTotal: number;
}

/** Options for the classifier. */
export interface ClassifyOptions {
  /** Default: the shipped src/logs/signatures.yaml. */
  catalogue?: Catalogue;
  /** Sample lines kept per signature. Default 3. */
  maxSamples?: number;
  /** Longest sample line, characters. Default 500. */
  maxSampleChars?: number;
  /** GPU OOM events kept with their numbers. Default 20. */
  maxOomEvents?: number;
  /** Prepended to each sample (e.g. `[pod-a] `), for logs merged from several pods. */
  samplePrefix?: string;
}

interface State {
  sig: Signature;
  count: number;
  firstTs: number | null;
  lastTs: number | null;
  firstLine: number;
  lastLine: number;
  /** Where in its first line the pattern matched: of two signatures first seen on one line, the later match is the reason the earlier one wraps. */
  firstIndex: number;
  samples: string[];
  ring?: { ts: number | null; line: number }[];
  ringAt: number;
  bursts: number;
  inBurst: boolean;
  retried: number;
}

/** A line that says the failure it reports will be retried (not that retries ran out: "Max retries exceeded" does not count). */
const RETRY_ANNOUNCED = /\bretrying\b|\bwill (?:be )?retr(?:y|ied)\b|\battempt \d+ (?:of|\/) \d+ failed\b/i;

function toIso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}

export class LogClassifier {
  private readonly catalogue: Catalogue;
  private readonly states: State[];
  private readonly maxSamples: number;
  private readonly maxSampleChars: number;
  private readonly maxOomEvents: number;
  private samplePrefix: string;
  private lineNo = 0;
  private chars = 0;
  /** First and latest timestamped line seen (the first found, then the last line that carries one). */
  private firstLineTs: number | null = null;
  private lastLineTs: number | null = null;
  private lastRawLine = '';
  private inPrivateKey = false;
  private readonly oom: CudaOomEvent[] = [];
  private oomTotal = 0;

  constructor(options: ClassifyOptions = {}) {
    this.catalogue = options.catalogue ?? defaultSignatures();
    this.maxSamples = options.maxSamples ?? 3;
    this.maxSampleChars = options.maxSampleChars ?? 500;
    this.maxOomEvents = options.maxOomEvents ?? 20;
    this.samplePrefix = options.samplePrefix ?? '';
    this.states = this.catalogue.signatures.map((sig) => ({
      sig,
      count: 0,
      firstTs: null,
      lastTs: null,
      firstLine: 0,
      firstIndex: 0,
      lastLine: 0,
      samples: [],
      ...(sig.burst ? { ring: [] } : {}),
      ringAt: 0,
      bursts: 0,
      inBurst: false,
      retried: 0,
    }));
  }

  /** Sets the sample prefix for the lines that follow (e.g. when switching to another pod's log). */
  setSamplePrefix(prefix: string): void {
    this.samplePrefix = prefix;
  }

  /** Classifies one line (without its newline). */
  add(rawLine: string): void {
    this.lineNo++;
    this.chars += rawLine.length + 1;
    this.lastRawLine = rawLine;
    // the window's start: the first of the opening lines that carries a timestamp (not every line: hot path)
    if (this.firstLineTs === null && this.lineNo <= 20) this.firstLineTs = lineTimestamp(rawLine);
    if (this.inPrivateKey) {
      if (rawLine.includes('-----END')) this.inPrivateKey = false;
      return;
    }
    const line = rawLine.length > MAX_LINE_CHARS ? rawLine.slice(0, MAX_LINE_CHARS) : rawLine;
    const lower = line.toLowerCase();
    if (lower.includes('private key-----')) {
      this.inPrivateKey = !lower.includes('-----end');
      return;
    }
    if (!this.catalogue.prefilter.test(lower)) return;
    let ts: number | null | undefined; // parsed lazily, once per matching line
    for (const st of this.states) {
      const { sig } = st;
      if (!sig.keywords.some((k) => lower.includes(k))) continue;
      const at = line.search(sig.regex);
      if (at < 0) continue;
      if (ts === undefined) ts = lineTimestamp(line);
      if (ts !== null) this.lastLineTs = ts;
      this.record(st, line, ts, at);
      if (sig.category === 'gpu-memory') this.collectOom(line);
    }
  }

  private record(st: State, line: string, ts: number | null, at: number): void {
    st.count++;
    if (RETRY_ANNOUNCED.test(line)) st.retried++;
    if (st.count === 1) {
      st.firstLine = this.lineNo;
      st.firstIndex = at;
      st.firstTs = ts;
    }
    if (st.firstTs === null && ts !== null) st.firstTs = ts;
    st.lastLine = this.lineNo;
    if (ts !== null) st.lastTs = ts;
    if (st.samples.length < this.maxSamples) st.samples.push(this.sample(line));
    const burst = st.sig.burst;
    if (burst && st.ring) {
      const entry = { ts, line: this.lineNo };
      if (st.ring.length < burst.minCount) st.ring.push(entry);
      else st.ring[st.ringAt] = entry;
      st.ringAt = (st.ringAt + 1) % burst.minCount;
      const oldest = st.ring.length < burst.minCount ? undefined : st.ring[st.ringAt];
      const within =
        oldest !== undefined &&
        (oldest.ts !== null && ts !== null ? ts - oldest.ts <= burst.windowSeconds * 1000 : this.lineNo - oldest.line <= burst.windowLines);
      if (within && !st.inBurst) {
        st.bursts++;
        // let the samples show the burst, not only the scattered errors before it
        if (st.samples.length === this.maxSamples) st.samples[this.maxSamples - 1] = this.sample(line);
      }
      st.inBurst = within;
    }
  }

  private sample(line: string): string {
    const s = this.samplePrefix + redactSecrets(line.trim());
    return s.length > this.maxSampleChars ? `${s.slice(0, this.maxSampleChars - 1)}…` : s;
  }

  private collectOom(line: string): void {
    for (const ev of parseCudaOom(line)) {
      this.oomTotal++;
      if (this.oom.length < this.maxOomEvents) this.oom.push({ ...ev, line: this.sample(ev.line) });
    }
  }

  /** The classification so far (the classifier can keep going afterwards). */
  result(): LogClassification {
    const signatures = this.states
      .filter((st) => st.count > 0)
      .map((st): SignatureHit & { firstTs: number | null; firstIndex: number } => {
        const { sig } = st;
        // Every line announced a retry: the failure was absorbed (a request that failed in the end logs its own line).
        const absorbed = st.retried === st.count && !(sig.burst && st.bursts > 0);
        const severity = absorbed ? 'info' : sig.burst && st.bursts > 0 ? sig.burst.severity : sig.severity;
        return {
          id: sig.id,
          class: sig.class,
          category: sig.category,
          severity,
          count: st.count,
          firstSeen: toIso(st.firstTs),
          lastSeen: toIso(st.lastTs),
          firstLine: st.firstLine,
          lastLine: st.lastLine,
          samples: [...st.samples],
          ...(sig.burst ? { bursts: st.bursts } : {}),
          retried: st.retried,
          explanation: sig.explanation,
          fixes: sig.fixes,
          firstTs: st.firstTs,
          firstIndex: st.firstIndex,
        };
      });
    // timestamps order lines from several pods; without one on every hit, the line order decides
    const byTime = signatures.every((h) => h.firstTs !== null);
    // One line, two failures ("failed to load 'x': … No space left on device"): the one matched later is what the line's outer failure reports as its reason, so it comes first.
    signatures.sort((a, b) => (byTime ? (a.firstTs ?? 0) - (b.firstTs ?? 0) : 0) || a.firstLine - b.firstLine || (a.firstLine === b.firstLine ? b.firstIndex - a.firstIndex : 0));
    const hits = signatures.map(({ firstTs: _, firstIndex: __, ...h }): SignatureHit => h);
    const endTs = lineTimestamp(this.lastRawLine) ?? this.lastLineTs;
    return {
      lines: this.lineNo,
      chars: this.chars,
      signatures: hits,
      firstCause: hits.find((h) => h.class === 'cause') ?? null,
      windowMs: this.firstLineTs !== null && endTs !== null && endTs >= this.firstLineTs ? endTs - this.firstLineTs : null,
      cudaOom: [...this.oom],
      cudaOomTotal: this.oomTotal,
    };
  }
}

/** Classifies an iterable of lines (e.g. `text.split('\n')`). */
export function classifyLines(lines: Iterable<string>, options?: ClassifyOptions): LogClassification {
  const c = new LogClassifier(options);
  for (const line of lines) c.add(line);
  return c.result();
}

/** Classifies an async stream of lines; stops early when `signal` aborts (throwing its reason). */
export async function classifyLogStream(lines: AsyncIterable<string>, options: ClassifyOptions & { signal?: AbortSignal } = {}): Promise<LogClassification> {
  const c = new LogClassifier(options);
  for await (const line of lines) {
    options.signal?.throwIfAborted();
    c.add(line);
  }
  return c.result();
}

/** Classifies a byte stream (a file, an HTTP body) split into lines, without a promise per line. */
export async function classifyByteStream(
  chunks: AsyncIterable<Buffer | string>,
  options: ClassifyOptions & { signal?: AbortSignal } = {},
): Promise<LogClassification> {
  const c = new LogClassifier(options);
  const splitter = new LineSplitter();
  const add = (line: string) => c.add(line);
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    splitter.write(chunk, add);
  }
  splitter.end(add);
  return c.result();
}
