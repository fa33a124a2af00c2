// Parser for the Prometheus text exposition format (0.0.4), what every `/metrics` endpoint
// serves: `# HELP` / `# TYPE` lines, other comments, and samples
// `name{label="value",…} value [timestamp]` with escaped label values, +Inf/-Inf/NaN and exponents.
// A malformed line rejects the whole scrape, as Prometheus itself does.
import { InputError } from '../core/errors.ts';

const METRIC_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the exposition gives one. */
  timestampMs?: number;
}

export interface Exposition {
  samples: Sample[];
  /** Metric family name → declared `# TYPE`. */
  types: Map<string, MetricType>;
  /** Metric family name → `# HELP` text (unescaped). */
  help: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses exposition text; throws InputError naming `source` and the line on malformed input. */
export function parseExposition(text: string, source = 'metrics'): Exposition {
  const out: Exposition = { samples: [], types: new Map(), help: new Map() };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    try {
      if (line.startsWith('#')) parseComment(line, out);
      else out.samples.push(parseSample(line));
    } catch (err) {
      throw new InputError(`${source} line ${i + 1}: ${err instanceof Error ? err.message : String(err)}: ${line.slice(0, 120)}`);
    }
  });
  return out;
}

function parseComment(line: string, out: Exposition): void {
  const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return; // an ordinary comment
  const [, keyword, name = '', rest = ''] = m;
  if (!NAME.test(name) || NAME.exec(name)?.[0] !== name) throw new Error(`bad metric name "${name}"`);
  if (keyword === 'HELP') {
    out.help.set(name, rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')));
    return;
  }
  const type = rest.trim();
  if (!(METRIC_TYPES as readonly string[]).includes(type)) throw new Error(`unknown metric type "${type}"`);
  out.types.set(name, type as MetricType);
}

/** One sample line (`name{labels} value [timestamp]`, already trimmed); throws a plain Error saying what is wrong. */
export function parseSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error('expected a metric name');
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos = parseLabels(line, pos + 1, labels);
  }
  const fields = line.slice(pos).trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new Error('expected a value and an optional timestamp');
  const value = parseValue(fields[0] ?? '');
  const sample: Sample = { name, labels, value };
  if (fields[1] !== undefined) {
    if (!/^-?\d+$/.test(fields[1])) throw new Error(`bad timestamp "${fields[1]}"`);
    sample.timestampMs = Number(fields[1]);
  }
  return sample;
}

/** Reads `name="value",…}` starting after `{`; returns the position after `}`. */
function parseLabels(line: string, start: number, labels: Record<string, string>): number {
  let pos = start;
  const skipSpace = () => {
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  };
  for (;;) {
    skipSpace();
    if (line[pos] === '}') return pos + 1;
    const label = LABEL_NAME.exec(line.slice(pos))?.[0];
    if (!label) throw new Error('expected a label name');
    pos += label.length;
    skipSpace();
    if (line[pos] !== '=') throw new Error(`expected = after label ${label}`);
    pos++;
    skipSpace();
    if (line[pos] !== '"') throw new Error(`expected a quoted value for label ${label}`);
    pos++;
    let value = '';
    for (;;) {
      const c = line[pos];
      if (c === undefined) throw new Error(`unterminated value for label ${label}`);
      pos++;
      if (c === '"') break;
      if (c === '\\') {
        const next = line[pos];
        pos++;
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`bad escape \\${next ?? ''} in label ${label}`);
      } else {
        value += c;
      }
    }
    if (label in labels) throw new Error(`duplicate label ${label}`);
    labels[label] = value;
    skipSpace();
    if (line[pos] === ',') pos++;
    else if (line[pos] !== '}') throw new Error(`expected , or } after label ${label}`);
  }
}

/** Go's ParseFloat as Prometheus uses it: decimals, exponents, hex-free, Inf/NaN in any case. */
function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new Error(`bad value "${text}"`);
  return Number(text);
}
