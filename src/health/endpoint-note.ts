// The health endpoint's answer as evidence: 2xx is healthy, 5xx means the service says it is
// unhealthy, anything else (typically 404) means the path is wrong. Its JSON body may also say
// which dependency check fails and how long the process has been up.
import type { Severity } from '../report/model.ts';
import { fmtMs, summariseBody } from './format.ts';
import type { Fetched, HealthTarget } from './input.ts';
import type { Notes } from './notes.ts';

const FAILING = /^(down|fail|failed|failing|error|unhealthy|not[ _-]?ready|unavailable|critical|false)$/i;
const UPTIME_SECONDS_KEYS = ['uptime', 'uptime_seconds', 'uptimeseconds', 'uptime_s', 'uptimesec', 'uptime_secs'];
const UPTIME_MS_KEYS = ['uptime_ms', 'uptimems', 'uptimemillis'];
const STARTED_KEYS = ['started_at', 'startedat', 'start_time', 'starttime', 'started', 'process_start_time'];

/** Evidence, findings and observations from the health probe; returns true when it answered 2xx. */
export function noteHealthEndpoint(notes: Notes, target: HealthTarget, health: Fetched): boolean {
  const path = target.healthPath;
  if (health.kind === 'unreachable') {
    notes.find('critical', `${path} unreachable (${health.code}: ${health.reason})`);
    notes.evidence.push({ label: `GET ${path}`, value: 'no answer', detail: `${health.code}: ${health.reason}`, severity: 'critical' });
    notes.observe('http.failure', health.code, `GET ${path}: no answer (${health.code}: ${health.reason})`, { subject: path });
    noteTcpConnect(notes, health, path);
    return false;
  }
  const ok = health.status >= 200 && health.status <= 299;
  const severity: Severity = ok ? 'ok' : health.status >= 500 ? 'critical' : 'warning';
  const body = summariseBody(health.body);
  notes.evidence.push({ label: `GET ${path}`, value: `${health.status} in ${fmtMs(health.ms)}`, detail: body, severity });
  notes.observe('health.status', health.status, `GET ${path} → ${health.status}: ${body}`);
  if (health.status >= 500) notes.find(severity, `${path} answered ${health.status}: the service reports itself unhealthy`);
  else if (!ok) notes.find(severity, `${path} answered ${health.status}${health.status === 404 ? ' — no health endpoint at that path; pass --health-path' : ''}`);
  const json = parseJson(health.body);
  if (json !== undefined) {
    for (const check of failingChecks(json)) {
      notes.observe('health.failing_check', check, `${path} reports the check "${check}" as failing`, { subject: check });
      notes.find(ok ? 'warning' : severity, `${path} reports the check "${check}" as failing`);
    }
  }
  return ok;
}

const TCP_WORDS: Record<NonNullable<Extract<Fetched, { kind: 'unreachable' }>['tcp']>, string> = {
  accepted: 'a plain TCP connection to the same host and port is accepted: the process is there but does not answer',
  refused: 'a plain TCP connection to the same host and port is refused',
  timeout: 'a plain TCP connection to the same host and port gets no answer either: the path to it drops the packets',
  error: 'a plain TCP connection to the same host and port fails',
};

/** After a GET timed out: what a bare TCP connect to the same host and port got (`tcp.connect`). */
export function noteTcpConnect(notes: Notes, fetched: Fetched, path: string): void {
  if (fetched.kind !== 'unreachable' || fetched.tcp === undefined) return;
  notes.observe('tcp.connect', fetched.tcp, `GET ${path} timed out; ${TCP_WORDS[fetched.tcp]}`, { subject: path });
}

/** Seconds since the process started, from a health body's uptime or start-time field; null when it has none. */
export function uptimeFromBody(body: string, nowMs: number): number | null {
  const json = parseJson(body);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const k = key.toLowerCase();
    if (UPTIME_SECONDS_KEYS.includes(k) && typeof value === 'number' && value >= 0) return value;
    if (UPTIME_MS_KEYS.includes(k) && typeof value === 'number' && value >= 0) return value / 1000;
    if (STARTED_KEYS.includes(k)) {
      const ms = typeof value === 'number' ? (value > 1e12 ? value : value * 1000) : typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isFinite(ms) && ms <= nowMs + 60_000) return Math.max(0, (nowMs - ms) / 1000);
    }
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Names of the checks a health body reports as failing, in the common shapes: Spring Boot's
 * `components.<name>.status`, the IETF health-check draft's `checks.<name>[].status`, and plain
 * `checks.<name>: "fail"` / `<name>: {status: "down"}`. The top-level status is the overall one, not a check.
 */
function failingChecks(json: unknown): string[] {
  const out = new Set<string>();
  const walk = (value: unknown, name: string, depth: number) => {
    if (depth > 4 || out.size >= 10) return;
    if (typeof value === 'string' || typeof value === 'boolean') {
      if (name && FAILING.test(String(value))) out.add(name);
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) walk(v, name, depth + 1);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (/^(status|state|healthy|ok|ready)$/i.test(key)) {
        if (depth > 0 && name && (typeof v === 'string' || typeof v === 'boolean') && FAILING.test(String(v))) out.add(name);
        continue;
      }
      if (/^(components|checks|details|dependencies)$/i.test(key)) walk(v, name, depth + 1);
      else if (depth > 0 || typeof v === 'object') walk(v, name ? `${name}.${key}` : key, depth + 1);
    }
  };
  walk(json, '', 0);
  return [...out];
}
