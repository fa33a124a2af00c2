// A local stand-in for Alertmanager's API v2 `GET /api/v2/alerts` (a real Alertmanager is not
// installed here), speaking its wire format. Its alerts start as a real recording: karma's mock
// of Alertmanager v0.31.0 (github.com/prymitive/karma, internal/mock/0.31.0/api/v2/alerts/groups,
// commit ca4364c; its Makefile runs prom/alertmanager:v0.31.0, posts mock alerts and silences,
// and saves `curl localhost:9093/api/v2/alerts/groups`), kept verbatim in
// test/fixtures/alertmanager/api-v2-alerts-groups.v0.31.0.json. `/api/v2/alerts` answers what
// the real handler does with those alerts (api/v2/api.go getAlertsHandler, alertmanager commit
// 68fb2d5): each alert once, sorted by fingerprint; `filter` matchers (=, !=, =~, !~, repeated =
// AND); `receiver` as a whole-name regex; `active=false` drops active alerts, `silenced=false`
// those with silencedBy, `inhibited=false` those with inhibitedBy; a bad matcher is a 400 whose
// body is the error as a JSON string ("bad matcher format: …", as matcher/compat's tests show).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GettableAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: Array<{ name: string }>;
  startsAt: string;
  updatedAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[]; mutedBy: string[] };
}

export interface AlertmanagerRecordedCall {
  path: string;
  query: URLSearchParams;
}

export interface AlertmanagerApiStandIn {
  /** Base URL for ALERTMANAGER_URL (with the path prefix when one was given). */
  url: string;
  /** The alerts it holds; tests remove some to play a resolve that was never notified. */
  alerts: GettableAlert[];
  calls: AlertmanagerRecordedCall[];
  /** The next `count` requests answer `status` with `message` (as Alertmanager's JSON string). */
  failNext(count: number, status: number, message?: string): void;
  close(): Promise<void>;
}

/** The unique alerts of the recorded v0.31.0 groups, as /api/v2/alerts lists them. */
export function recordedAlerts(): GettableAlert[] {
  const groups = JSON.parse(readFileSync(new URL('../fixtures/alertmanager/api-v2-alerts-groups.v0.31.0.json', import.meta.url), 'utf8')) as Array<{ alerts: GettableAlert[] }>;
  const byFingerprint = new Map<string, GettableAlert>();
  for (const g of groups) for (const a of g.alerts) byFingerprint.set(a.fingerprint, a);
  return [...byFingerprint.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
}

type Matcher = (labels: Record<string, string>) => boolean;

function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  return JSON.parse(text) as string;
}

function parseMatcher(input: string): Matcher {
  const m = /^\{?\s*("(?:[^"\\]|\\.)*"|[a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^"{}\s,]*)\s*\}?$/.exec(input);
  if (!m) throw new Error(`bad matcher format: ${input}`);
  const name = unquote(m[1]!);
  const op = m[2]!;
  const value = unquote(m[3]!);
  const re = op.includes('~') ? new RegExp(`^(?:${value})$`) : undefined;
  return (labels) => {
    const v = labels[name] ?? '';
    if (op === '=') return v === value;
    if (op === '!=') return v !== value;
    if (op === '=~') return re!.test(v);
    return !re!.test(v);
  };
}

export async function startAlertmanagerApiStandIn(options: { alerts?: GettableAlert[]; pathPrefix?: string } = {}): Promise<AlertmanagerApiStandIn> {
  const alerts = options.alerts ?? recordedAlerts();
  const calls: AlertmanagerRecordedCall[] = [];
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  let failing: { count: number; status: number; message: string } | undefined;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    calls.push({ path: url.pathname, query: url.searchParams });
    const send = (status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (failing && failing.count > 0) {
      failing.count--;
      return send(failing.status, failing.message);
    }
    if (req.method !== 'GET' || url.pathname !== `${prefix}/api/v2/alerts`) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
    let matchers: Matcher[];
    let receiver: RegExp | undefined;
    try {
      matchers = url.searchParams.getAll('filter').map(parseMatcher);
      const r = url.searchParams.get('receiver');
      if (r !== null) {
        try {
          receiver = new RegExp(`^(?:${r})$`);
        } catch (err) {
          throw new Error(`failed to parse receiver param: ${(err as Error).message}`, { cause: err });
        }
      }
    } catch (err) {
      return send(400, (err as Error).message);
    }
    const flag = (name: string) => url.searchParams.get(name) !== 'false';
    // The real handler also drops alerts whose endsAt has passed; the recording's endsAt lies in
    // the past now (a real server keeps pushing it forward while the alert fires), so the
    // stand-in holds its alerts as firing and a test removes one to play its resolve.
    const out = alerts.filter((a) => {
      if (receiver && !a.receivers.some((r) => receiver.test(r.name))) return false;
      if (!matchers.every((m) => m(a.labels))) return false;
      if (!flag('active') && a.status.state === 'active') return false;
      if (!flag('silenced') && a.status.silencedBy.length > 0) return false;
      if (!flag('inhibited') && a.status.inhibitedBy.length > 0) return false;
      return true;
    });
    send(200, out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  return {
    url: base,
    alerts,
    calls,
    failNext(count, status, message = 'internal error') {
      failing = { count, status, message };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
