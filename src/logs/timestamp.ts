// When a log line was written, from the prefixes logs commonly carry: RFC 3339 / ISO 8601 (the
// `kubectl logs --timestamps` prefix, most structured loggers, Python's logging with a comma
// before the milliseconds), the same inside a leading JSON object, and the Common Log Format date
// of nginx/Apache access logs, and nginx's error-log `2026/11/22 17:48:41`. Only matched lines are parsed, so this is off the hot path.

const ISO = /(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?/;
const CLF = /\[(\d{2})\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})\]/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Only this many leading characters are searched: a timestamp is a prefix, not a value deep in a message. */
const PREFIX_CHARS = 120;

/** Milliseconds since the epoch of the line's timestamp, or null when it has none. Zone-less times are read as UTC. */
export function lineTimestamp(line: string): number | null {
  const head = line.slice(0, PREFIX_CHARS);
  const iso = ISO.exec(head);
  if (iso && iso.index < 80) {
    const ms = (iso[5] ?? '').padEnd(3, '0').slice(0, 3);
    const zone = iso[6] ? (iso[6] === 'Z' ? 'Z' : iso[6].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
    const t = Date.parse(`${iso[1]}-${iso[2]}-${iso[3]}T${iso[4]}.${ms}${zone}`);
    if (Number.isFinite(t)) return t;
  }
  const clf = CLF.exec(head);
  if (clf) {
    const month = String(MONTHS.indexOf(clf[2] ?? '') + 1).padStart(2, '0');
    const t = Date.parse(`${clf[3]}-${month}-${clf[1]}T${clf[4]}${clf[5]}:${clf[6]}`);
    if (Number.isFinite(t)) return t;
  }
  return null;
}
